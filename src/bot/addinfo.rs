//! "Cần bổ sung": an officer asked the reporter for more. The resident is told what is needed
//! (the officer's own words); what they send next is held and, after one tap ("Gửi bổ sung"),
//! added to the case and forwarded to whoever handles it.

use super::payload::Payload;
use super::report::Input;
use super::typed::Typed;
use super::Bot;
use crate::cases::CaseCode;
use crate::conversation::dialogue::{stored, Addition, Dialogue};
use crate::conversation::{Reply, Turn};
use crate::zalo::messages::{Button, CsMessage};

impl Bot {
    /// A message or a tap while the station waits for more on a case.
    pub(super) async fn add_info(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
        input: Input,
        typed: Option<Typed>,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts;
        let user_key = turn.user_key;
        let pending = match stored(turn, user_key).await? {
            Some(Dialogue::AddInfo { pending, .. }) => pending,
            _ => None,
        };
        let Some(case) = self.case_of_dialogue(turn, case_id, code).await? else {
            return Ok(vec![turn.reply(self.welcome())]);
        };
        match (typed, pending) {
            (Some(Typed::Yes), Some(addition)) => {
                let mut text = addition.text.clone();
                let held = Input {
                    text: Some(std::mem::take(&mut text)),
                    evidence: addition.evidence,
                    location: addition.place,
                    ..Input::default()
                };
                turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
                let mut replies = self
                    .forward_to_officer(turn, &case, &held.as_timeline_text())
                    .await?;
                // The forward's acknowledgement, in the words of this step.
                let handlers = self.case_handlers(turn, &case).await?;
                let added = if self.any_reachable(turn, &handlers).await? {
                    &t.need_info.added
                } else {
                    &t.need_info.added_recorded
                };
                replies[0] = turn.reply(
                    CsMessage::text(added.render(&[("code", code)]))
                        .with_buttons(self.menu_buttons()),
                );
                Ok(replies)
            }
            (Some(Typed::No), Some(_)) => {
                self.save_dialogue(turn, &waiting(case_id, code, None))
                    .await?;
                Ok(vec![turn.reply(
                    CsMessage::text(t.in_progress.cancelled_addition.render(&[("code", code)]))
                        .with_buttons(self.menu_buttons()),
                )])
            }
            (Some(Typed::Menu), _) => Ok(vec![turn.reply(self.welcome())]),
            (_, held) => {
                // New material: gather it with anything held, and ask before adding.
                let mut addition = held.unwrap_or_default();
                if let Some(text) = input.text.filter(|t| !t.trim().is_empty()) {
                    if !addition.text.is_empty() {
                        addition.text.push('\n');
                    }
                    addition.text.push_str(&text);
                }
                addition.evidence.extend(input.evidence);
                if input.location.is_some() {
                    addition.place = input.location;
                }
                let preview = Input {
                    text: Some(addition.text.clone()),
                    evidence: addition.evidence.clone(),
                    location: addition.place.clone(),
                    ..Input::default()
                }
                .as_timeline_text();
                if preview.is_empty() {
                    return Ok(Vec::new());
                }
                self.save_dialogue(turn, &waiting(case_id, code, Some(addition)))
                    .await?;
                Ok(vec![turn.reply(
                    CsMessage::text(
                        t.need_info
                            .confirm
                            .render(&[("code", code), ("text", &preview)]),
                    )
                    .with_buttons(vec![
                        Button::query(&t.need_info.send, Payload::AddInfo(true).encode()),
                        Button::query(
                            &t.need_info.not_an_addition,
                            Payload::AddInfo(false).encode(),
                        ),
                    ]),
                )])
            }
        }
    }
}

fn waiting(case_id: i64, code: &CaseCode, pending: Option<Addition>) -> Dialogue {
    Dialogue::AddInfo {
        case_id,
        code: code.to_owned(),
        pending,
    }
}
