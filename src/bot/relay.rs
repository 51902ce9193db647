//! The anonymous two-way relay: after an officer answers a case, what the resident writes next
//! is added to the case and forwarded to the officer handling it — under the case's pseudonym,
//! never with the resident's id.

use super::dialogue::Dialogue;
use super::report::Input;
use super::{Bot, Reply, Turn};
use crate::zalo::messages::CsMessage;

/// Opens the relay for the reporter of a case, unless they are in the middle of writing a
/// report (their draft is worth more; they can still answer by quoting the case code).
pub async fn open_case_relay(
    turn: &mut Turn<'_>,
    reporter_key: &str,
    case_id: i64,
    code: &str,
) -> sqlx::Result<()> {
    if let Some((sealed, _)) = turn.store.load_dialogue(turn.tx, reporter_key).await? {
        let current = turn
            .vault
            .open(&sealed)
            .ok()
            .and_then(|p| serde_json::from_slice::<Dialogue>(&p).ok());
        if matches!(current, Some(Dialogue::Report(_))) {
            return Ok(());
        }
    }
    let json = serde_json::to_vec(&Dialogue::Relay {
        case_id,
        code: code.to_owned(),
    })
    .expect("dialogue serialises");
    let sealed = turn.vault.seal(&json);
    turn.store
        .save_dialogue(turn.tx, reporter_key, &sealed, turn.now)
        .await
}

impl Bot {
    /// Adds the resident's answer to the case and forwards it.
    pub(super) async fn relay_to_officer(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &str,
        input: Input,
    ) -> sqlx::Result<Vec<Reply>> {
        let mut text = input.text.unwrap_or_default();
        for evidence in &input.evidence {
            text.push_str(&format!("\n[{}] {}", evidence.kind, evidence.url));
        }
        if let Some(place) = &input.location {
            if let (Some(lat), Some(lon)) = (place.latitude, place.longitude) {
                text.push_str(&format!(
                    "\n[vị trí] https://maps.google.com/?q={lat},{lon}"
                ));
            }
        }
        let text = text.trim().to_owned();
        let Some(case) = turn
            .store
            .case_by_code(turn.tx, code)
            .await?
            .filter(|c| c.id == case_id)
        else {
            turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
            return Ok(vec![turn.reply(self.welcome())]);
        };
        let sealed = turn.vault.seal(text.as_bytes());
        turn.store
            .add_case_event(
                turn.tx,
                case.id,
                "resident_message",
                "resident",
                Some(&sealed),
                turn.now,
            )
            .await?;
        // Keep the relay open for the next message.
        open_case_relay(turn, turn.user_key.to_owned().as_str(), case.id, &case.code).await?;
        let recipients = match &case.assigned_to {
            Some(key) => turn
                .store
                .officer(turn.tx, key)
                .await?
                .and_then(|o| turn.vault.open_string(&o.zalo_id_sealed).ok())
                .into_iter()
                .collect(),
            None => {
                crate::officers::pager_ids(turn.store, turn.tx, turn.vault, &self.config.on_call)
                    .await?
            }
        };
        let forwarded = self.texts.fill(
            "officer_resident_said",
            &[
                ("code", &case.code),
                ("pseudonym", &case.pseudonym),
                ("text", &text),
            ],
        );
        let mut replies = vec![turn.reply(
            CsMessage::text(self.texts.fill("relay_ack", &[("code", &case.code)]))
                .with_buttons(self.menu_buttons()),
        )];
        replies.extend(recipients.into_iter().map(|to| Reply {
            to,
            message: CsMessage::text(forwarded.clone()),
        }));
        Ok(replies)
    }
}
