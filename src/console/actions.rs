//! The case page's forms: each POST is checked for the session's CSRF token, turned into the
//! officer command Zalo would have parsed (`/claim`, `/status`, `/note`, `/reply`, `/assign`)
//! and run by the officers' console in one transaction — same rules, same relay, same audit
//! row. Messages for others (the resident, an assigned officer) go to the outbox like a Zalo
//! command's; the acknowledgement meant for the acting officer is shown on the next page instead
//! of being sent to their Zalo.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Form;
use base64::Engine;
use serde::Deserialize;

use super::auth;
use super::{view, ConsoleState, Result};
use crate::access::Role;
use crate::cases::{code, CaseCode, Status};
use crate::conversation::Turn;
use crate::officers::command::Command;
use crate::time::Timestamp;
use crate::zalo::events::ZaloEvent;

/// Longest note or reply, as for the commands (one Zalo text message).
const MAX_TEXT: usize = 2000;

/// Every action form's fields (each uses some).
#[derive(Deserialize)]
pub struct ActionForm {
    // Missing is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    officer: String,
}

/// `POST /cases/<code>/<action>`.
pub async fn act(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Path((code, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Result {
    let session = auth::require_post(&state, &headers, &form.csrf).await?;
    let Some(code) = code::find(&code) else {
        return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND));
    };
    let command = match command(&code, &action, form) {
        Ok(Some(command)) => command,
        Ok(None) => return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND)),
        Err(BadForm) => return Ok(view::message(StatusCode::BAD_REQUEST, view::BAD_FORM)),
    };
    let s = &state.inner;
    let officer = &session.officer;
    let Ok(officer_id) = s.vault.open_zalo_id(&officer.zalo_id_sealed) else {
        return Ok(view::message(
            StatusCode::INTERNAL_SERVER_ERROR,
            view::SERVER_ERROR,
        ));
    };
    let refused = command.required_role() == Role::Chief && !officer.is_chief();
    // The officers' console works on a turn; a web action has no Zalo event behind it.
    let event = ZaloEvent {
        event_name: "console".into(),
        ..ZaloEvent::default()
    };
    let now = Timestamp::now();
    let mut tx = s.store.begin().await?;
    let mut turn = Turn {
        store: &s.store,
        tx: &mut tx,
        vault: &s.vault,
        event: &event,
        user_id: &officer_id,
        user_key: &officer.user_key,
        now,
        inbox_id: 0,
        calls: Vec::new(),
    };
    let replies = s.officers.run(&mut turn, officer, command).await?;
    let calls = std::mem::take(&mut turn.calls);
    let (own, others): (Vec<_>, Vec<_>) = replies.into_iter().partition(|r| r.to == officer_id);
    let prefix = format!("console:{}", uuid::Uuid::new_v4().simple());
    let queued = crate::pipeline::enqueue_replies(
        &s.store, &mut tx, &s.vault, &prefix, None, &others, &calls, now,
    )
    .await?;
    tx.commit().await?;
    if queued {
        s.outbox_ready.notify_one();
    }
    if refused {
        // Audited as refused by the run above, as in Zalo.
        return Ok(view::message(StatusCode::FORBIDDEN, view::CHIEF_ONLY));
    }
    let told: Vec<&str> = own.iter().map(|r| r.message.text.as_str()).collect();
    let flash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(told.join("\n").as_bytes());
    Ok(auth::see_other(
        &format!("/cases/{code}"),
        Some(auth::flash_cookie(&flash, s.secure_cookie)),
    ))
}

/// A form missing what its command needs, or with a text over [`MAX_TEXT`].
struct BadForm;

/// The command a form stands for; `Ok(None)` for an unknown action.
fn command(
    code: &CaseCode,
    action: &str,
    form: ActionForm,
) -> std::result::Result<Option<Command>, BadForm> {
    let code = code.clone();
    let text = |value: String| {
        let value = crate::lang::nfc(value.trim());
        if value.is_empty() || value.chars().count() > MAX_TEXT {
            Err(BadForm)
        } else {
            Ok(value)
        }
    };
    Ok(Some(match action {
        "claim" => Command::Claim { code },
        "status" => {
            let status = Status::from_id(&form.status).ok_or(BadForm)?;
            let note = match form.note.trim() {
                "" => None,
                _ => Some(text(form.note)?),
            };
            Command::Status { code, status, note }
        }
        "note" => Command::Note {
            code,
            text: text(form.text)?,
        },
        "reply" => Command::Reply {
            code,
            text: text(form.text)?,
        },
        "assign" => Command::Assign {
            code,
            officer: text(form.officer)?,
        },
        _ => return Ok(None),
    }))
}
