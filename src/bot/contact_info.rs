//! `user_submit_info`: contact details a resident sent through Zalo's "request user info" form
//! (name, phone, address; docs/PLATFORM.md §2.4, both the nested and the flat shape). They are
//! kept only with consent: attached, sealed, to the resident's most recent open case whose
//! report said the police may contact them ("Gửi – cho liên hệ lại"). Without such a case
//! nothing is attached and the resident is told so; the form's answer is never used otherwise.
//! A phone number typed instead of tapping the form, as the very next message after it was
//! offered, is kept the same way.

use super::Bot;
use crate::cases::{CaseCode, Details};
use crate::conversation::{Reply, Turn};
use crate::zalo::events::SubmitInfo;
use crate::zalo::messages::CsMessage;

/// How far back the resident's cases are looked at.
const RECENT_CASES: i64 = 10;

impl Bot {
    /// Attaches submitted contact details to the consenting open case, or says they were not
    /// kept.
    pub async fn submit_info(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.report;
        let Some(line) = turn.event.info.as_ref().and_then(contact_line) else {
            return Ok(Vec::new());
        };
        let cases = turn
            .store
            .cases_of_reporter(turn.tx, turn.user_key, RECENT_CASES)
            .await?;
        let consenting = cases.into_iter().find(|case| {
            case.status.is_open()
                && turn
                    .vault
                    .open(&case.details)
                    .ok()
                    .and_then(|d| serde_json::from_slice::<Details>(&d).ok())
                    .is_some_and(|d| d.contact_ok)
        });
        let Some(case) = consenting else {
            return Ok(vec![turn.reply(CsMessage::text(&t.contact_info_not_kept))]);
        };
        self.attach_contact(turn, case.id, &case.code, &line).await
    }

    /// A phone number typed right after the contact form was offered for `code`, instead of
    /// tapping the form: kept on that case the same way, sealed.
    pub(super) async fn typed_contact(
        &self,
        turn: &mut Turn<'_>,
        code: &CaseCode,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let case = turn.store.case_by_code(turn.tx, code).await?;
        match case {
            Some(case) if case.reporter_key == *turn.user_key && case.status.is_open() => {
                self.attach_contact(turn, case.id, code, text).await
            }
            _ => Ok(vec![turn.reply(CsMessage::text(
                &self.texts.report.contact_info_not_kept,
            ))]),
        }
    }

    /// Seals `line` onto the case's timeline as the reporter's contact, visible only on reveal.
    async fn attach_contact(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
        line: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let sealed = turn.vault.seal(line.as_bytes());
        turn.store
            .add_case_event(
                turn.tx,
                case_id,
                "contact",
                "resident",
                Some(&sealed),
                turn.now,
            )
            .await?;
        let text = self
            .texts
            .report
            .contact_info_kept
            .render(&[("code", code.as_str())]);
        Ok(vec![turn.reply(CsMessage::text(text))])
    }
}

/// "name, phone, address" from either shape of the form's answer; `None` when it is empty.
fn contact_line(info: &SubmitInfo) -> Option<String> {
    let nested = info.full_address.as_ref();
    let parts = [
        info.name.clone(),
        info.phone.clone(),
        nested
            .and_then(|a| a.user_address.clone())
            .or(info.address.clone()),
        nested
            .and_then(|a| a.user_ward.clone())
            .or(info.ward.clone()),
        info.district.clone(),
        nested
            .and_then(|a| a.user_city.clone())
            .or(info.city.clone()),
    ];
    let parts: Vec<String> = parts
        .into_iter()
        .flatten()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
