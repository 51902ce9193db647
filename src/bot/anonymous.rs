//! Anonymous visitors: people not logged in to Zalo, writing from the OA's public page
//! (`anonymous_send_*`, docs/PLATFORM.md §2.2). `sender.id` is an anonymous id and the message
//! carries a `conversation_id`; answers go through the v2 endpoint addressed by both
//! (`recipient.anonymous_id` + `conversation_id`, §3.1, §6), which takes text, image, file and
//! sticker — no buttons. So the answers are plain text: the procedures, news and contact a
//! visitor may ask for, the emergency numbers, and otherwise a greeting that says reports need
//! a logged-in Zalo account. No report, case or dialogue is ever opened for a visitor: there
//! is no identity to follow up with, and nothing is kept beyond the stored event.

use serde_json::json;

use super::Bot;
use crate::conversation::text::split_message;
use crate::conversation::{ApiCall, Reply, Turn};
use crate::lang::{self, Intent};
use crate::zalo::messages::MAX_TEXT_CHARS;

/// The v2 send, still live for anonymous visitors (§3.1).
pub const ANONYMOUS_PATH: &str = "/v2.0/oa/message";

impl Bot {
    /// Answers an anonymous visitor's message; the answer is queued as API calls (there is no
    /// customer-service message to an anonymous id), so no [`Reply`] is returned.
    pub async fn anonymous(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let Some(conversation_id) = turn
            .event
            .message
            .as_ref()
            .and_then(|m| m.conversation_id.clone())
        else {
            return Ok(Vec::new());
        };
        let text = turn.event.text().map(lang::nfc).unwrap_or_default();
        let answers = self.anonymous_answers(turn, text.trim()).await?;
        for answer in answers {
            for part in split_message(&answer, MAX_TEXT_CHARS) {
                turn.calls.push(ApiCall::new(
                    turn.user_id.clone(),
                    ANONYMOUS_PATH,
                    json!({
                        "recipient": {
                            "anonymous_id": turn.user_id.as_str(),
                            "conversation_id": conversation_id,
                        },
                        "message": { "text": part },
                    }),
                ));
            }
        }
        Ok(Vec::new())
    }

    /// The texts answering one message, in order.
    async fn anonymous_answers(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
    ) -> sqlx::Result<Vec<String>> {
        let t = &self.texts.menu;
        let welcome = || vec![t.anonymous_welcome.to_string()];
        if text.is_empty() {
            return Ok(welcome());
        }
        let c = lang::shared().classify(text);
        // As for residents: a false alarm costs less than a missed one.
        if c.intent == Intent::Emergency || c.emergency_p >= self.config.bot.danger_check_above {
            return Ok(vec![t.anonymous_emergency.to_string()]);
        }
        let sure = c.confidence >= self.config.bot.clarify_below;
        Ok(match c.intent {
            Intent::Procedure if sure => match c.procedure.and_then(|id| self.catalogue.get(id)) {
                Some(procedure) => vec![procedure.render_summary()],
                None => welcome(),
            },
            Intent::News if sure => self
                .news(turn, 0)
                .await?
                .into_iter()
                .map(|r| r.message.text)
                .collect(),
            Intent::Contact if sure => vec![self.station_card()],
            _ => welcome(),
        })
    }
}
