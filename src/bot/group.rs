//! A member writing in a khu phố's Zalo group. A group is public: the bot never repeats a tip
//! there and never discusses a case. When a member mentions the OA with what reads as a report
//! or a question, the bot answers in the group with one line inviting them to message the OA
//! privately (identity kept confidential), and nothing else. An emergency — mentioned or not —
//! gets the numbers to call in the group, while the member gets the emergency answer privately
//! and the on-call and area officers are paged, exactly as for a 1:1 emergency. Everything else
//! is group chatter and gets no answer.
//!
//! A resident asking 1:1 for "nhóm zalo khu phố" gets their khu phố's join link.

use super::payload::Payload;
use super::Bot;
use crate::cases::Category;
use crate::conversation::dialogue::Dialogue;
use crate::conversation::groups::{area_of_group, live_group, post_to_group};
use crate::conversation::{Reply, Turn};
use crate::lang::{self, fold, infer_category, nfc, Intent};
use crate::zalo::gmf::{mentions, without_mentions};
use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};

impl Bot {
    /// The answer to a member's message in a group: see the module's header.
    pub async fn group_message(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let Some(group_id) = turn.event.group().map(str::to_owned) else {
            return Ok(Vec::new());
        };
        let raw = turn.event.text().map(nfc).unwrap_or_default();
        let text = without_mentions(&raw);
        if text.is_empty() {
            return Ok(Vec::new());
        }
        // Our OA's id as configured, and as the event names it: sources do not show whether a
        // group event always carries `oa_id` (docs/PLATFORM.md §2.5).
        let mentioned = mentions(&raw, &self.config.oa_id)
            || turn
                .event
                .oa_id
                .as_deref()
                .is_some_and(|oa| mentions(&raw, oa));
        let t = &self.texts.group;
        let classification = lang::shared().classify(&text);
        if classification.intent == Intent::Emergency {
            let area = area_of_group(turn, &self.config.station.areas, &group_id)
                .await?
                .map(|g| g.area);
            let (mut replies, reached) = self.emergency_in(turn, &text, area).await?;
            // The member's private answer cannot quote a message of the group's.
            for reply in &mut replies {
                reply.message.quote_msg_id = None;
            }
            let line = if reached {
                &t.emergency
            } else {
                &t.emergency_nobody
            };
            turn.calls.push(post_to_group(&group_id, line));
            return Ok(replies);
        }
        let asks_something = !matches!(classification.intent, Intent::Greeting | Intent::Other)
            || infer_category(&text).is_some();
        if mentioned && asks_something {
            turn.calls.push(post_to_group(&group_id, &t.invite_private));
        }
        Ok(Vec::new())
    }
}

/// Whether a resident asks for their khu phố's Zalo group ("cho xin link nhóm zalo khu phố",
/// "vao nhom an ninh kp2"): words about joining a group, and no incident named in them ("bị lừa
/// trong nhóm zalo" is a report, not a request; the category keywords decide, not the model).
pub(super) fn asks_for_group(text: &str) -> bool {
    let folded = fold(text);
    const ASKS: [&str; 9] = [
        "nhom zalo",
        "group zalo",
        "link nhom",
        "vao nhom",
        "tham gia nhom",
        "duong dan nhom",
        "nhom an ninh",
        "nhom khu pho",
        "nhom to dan pho",
    ];
    // "link" alone reads as a scam cue; here it is what is asked for.
    let rest = folded.replace("link", " ").replace("duong dan", " ");
    ASKS.iter().any(|a| folded.contains(a)) && Category::guess(&rest).is_none()
}

impl Bot {
    /// The join link of a khu phố's group: the one named, else the resident's; asked with a
    /// button per khu phố when neither is known.
    pub(super) async fn group_link(
        &self,
        turn: &mut Turn<'_>,
        area: Option<String>,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.group;
        let area = match area {
            Some(area) => Some(area),
            None => self.resident_area(turn).await?,
        };
        let Some(area) = area else {
            let areas = &self.config.station.areas;
            let mut buttons: Vec<Button> = areas
                .iter()
                .enumerate()
                .take(MAX_BUTTONS - 1)
                .map(|(i, a)| Button::query(&a.name, Payload::Group(Some(i)).encode()))
                .collect();
            buttons.push(Button::query(&self.texts.menu.back, Payload::Menu.encode()));
            // Typed instead of tapped ("kp2"), the answer still gets the link.
            self.save_dialogue(turn, &Dialogue::AskGroupArea).await?;
            let message = CsMessage::text(&t.join_which_area).with_buttons(buttons);
            return Ok(vec![turn.reply(message)]);
        };
        let areas = &self.config.station.areas;
        let group = live_group(turn, areas, &area).await?;
        let text = match group.map(|g| g.join_link) {
            Some(Some(link)) => t.join_link.render(&[("area", &area), ("url", &link)]),
            Some(None) => {
                let settings = areas.iter().find(|a| a.name == area);
                t.join_ask_officer.render(&[
                    ("area", &area),
                    ("officer", settings.map_or("", |a| a.officer_name.as_str())),
                    ("phone", settings.map_or("", |a| a.officer_phone.as_str())),
                ])
            }
            None => t.join_none.render(&[("area", &area)]),
        };
        let back = Button::query(&self.texts.menu.back, Payload::Menu.encode());
        Ok(vec![
            turn.reply(CsMessage::text(text).with_buttons(vec![back]))
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::asks_for_group;

    #[test]
    fn asking_for_the_group_is_told_from_reporting_about_one() {
        for asks in [
            "cho xin link nhóm zalo khu phố",
            "lam sao vao nhom an ninh kp2",
            "Tôi muốn tham gia nhóm khu phố 3",
            "nhom zalo to dan pho",
        ] {
            assert!(asks_for_group(asks), "{asks}");
        }
        for other in [
            "có nhóm thanh niên tụ tập ở khu phố 2",
            "bị lừa chuyển tiền trong nhóm zalo",
            "làm căn cước ở đâu",
        ] {
            assert!(!asks_for_group(other), "{other}");
        }
    }
}
