//! A member writing in a khu phố's Zalo group. A group is public: the bot never repeats a tip
//! there and never discusses a case. When a member mentions the OA with what reads as a report
//! or a question, the bot answers in the group with one line inviting them to message the OA
//! privately (identity kept confidential), and nothing else. An emergency — mentioned or not —
//! gets the numbers to call in the group, while the member gets the emergency answer privately
//! and the on-call and area officers are paged, exactly as for a 1:1 emergency. Everything else
//! is group chatter and gets no answer.

use super::Bot;
use crate::conversation::groups::{area_of_group, post_to_group};
use crate::conversation::{Reply, Turn};
use crate::lang::{self, infer_category, nfc, Intent};
use crate::zalo::gmf::{mentions, without_mentions};

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
        let mentioned = turn
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
