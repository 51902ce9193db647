//! The case page's forms: each POST is checked for the session's CSRF token, turned into the
//! officer command Zalo would have parsed (`/claim`, `/status`, `/note`, `/reply`, `/assign`,
//! `/reveal`) and run by the officers' console in one transaction ([`run`], which the news page
//! uses too) — same rules, same relay, same audit row. Messages for others (the resident, an
//! assigned officer) go to the outbox like a Zalo command's; the acknowledgement meant for the
//! acting officer is shown on the next page instead of being sent to their Zalo (a reveal's, in
//! the answer itself: [`super::reveal`]).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Form;
use serde::Deserialize;

use super::auth::{self, Session};
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
    #[serde(default)]
    reason: String,
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
        // Another officer's reveal is refused and audited so whatever the form says.
        _ if action == "reveal" && !session.officer.is_chief() => Command::Reveal {
            code: code.clone(),
            reason: String::new(),
        },
        Ok(Some(command)) => command,
        Ok(None) => return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND)),
        Err(BadForm) => return Ok(view::message(StatusCode::BAD_REQUEST, view::BAD_FORM)),
    };
    let reveal = matches!(command, Command::Reveal { .. });
    let ran = run(&state, &session, command).await?;
    if ran.refused {
        // Audited as refused by the run, as in Zalo.
        return Ok(view::message(StatusCode::FORBIDDEN, view::CHIEF_ONLY));
    }
    if reveal {
        // Shown once, in this answer only: never put in a cookie or behind a link.
        return Ok(super::reveal::answer(&session, &code, &ran.told));
    }
    Ok(auth::see_other_with_flash(
        &format!("/cases/{code}"),
        &ran.told.join("\n"),
        state.inner.secure_cookie,
    ))
}

/// What running a command from the console came to.
pub struct Ran {
    /// The acknowledgements meant for the acting officer, to show on the page.
    pub told: Vec<String>,
    /// The command needs the chief's role: refused (and audited so).
    pub refused: bool,
}

/// Runs an officer command for the session's officer in one transaction, as Zalo would: the
/// same role check, action and audit row; messages for others go to the outbox.
pub async fn run(state: &ConsoleState, session: &Session, command: Command) -> Result<Ran> {
    let s = &state.inner;
    let officer = &session.officer;
    let Ok(officer_id) = s.vault.open_zalo_id(&officer.zalo_id_sealed) else {
        return Err(view::message(StatusCode::INTERNAL_SERVER_ERROR, view::SERVER_ERROR).into());
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
    Ok(Ran {
        told: own.into_iter().map(|r| r.message.text).collect(),
        refused,
    })
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
        "reveal" => Command::Reveal {
            code,
            reason: text(form.reason)?,
        },
        _ => return Ok(None),
    }))
}
