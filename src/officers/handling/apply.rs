//! Carries out an officer's case action: finds the case and what the decision needs from the
//! store, asks [`Console::decide`], and applies its effects in order inside the turn's
//! transaction — the only place these actions write.

use super::action::{CaseAction, Effect, Facts};
use crate::access::Outcome;
use crate::cases::CaseCode;
use crate::conversation::{dialogue, Reply, Turn};
use crate::ids::ZaloId;
use crate::officers::Console;
use crate::store::{CaseRow, OfficerRow};
use crate::time::Timestamp;
use crate::zalo::messages::CsMessage;

/// The case's reporter, as far as a message can reach them.
struct Reporter {
    to: ZaloId,
    /// Their last message, which a message to them quotes.
    last_msg_id: Option<String>,
    /// When they last wrote: their reply window.
    last_seen: Timestamp,
}

impl Console {
    /// Runs `action` on the case with this code, as far as this officer may see it.
    pub(in crate::officers) async fn act(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &CaseCode,
        action: CaseAction<'_>,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        let assignee = match action {
            CaseAction::Assign(handle) => turn.store.officer_by_handle(turn.tx, handle).await?,
            _ => None,
        };
        let reporter = self.reporter(turn, &case).await?;
        let facts = Facts {
            officer,
            case: &case,
            assignee: assignee.as_ref(),
            reporter_last_seen: reporter.as_ref().map(|r| r.last_seen),
            now: turn.now,
        };
        let effects = self.decide(action, facts);
        let mut replies = Vec::new();
        for effect in effects {
            match effect {
                Effect::Assign(to) => {
                    turn.store
                        .assign_case(turn.tx, case.id, &to, officer.user_key.as_str(), turn.now)
                        .await?
                }
                Effect::SetStatus(status) => {
                    turn.store
                        .set_case_status(turn.tx, case.id, status, turn.now)
                        .await?
                }
                Effect::Timeline { kind, text } => {
                    self.add_event(turn, officer, &case, kind, &text).await?
                }
                Effect::FirstResponse => {
                    turn.store
                        .mark_first_response(turn.tx, case.id, turn.now)
                        .await?
                }
                Effect::OpenAddInfo => {
                    dialogue::open_add_info(turn, &case.reporter_key, case.id, &case.code).await?
                }
                Effect::OpenRelay => {
                    dialogue::open_case_relay(turn, &case.reporter_key, case.id, &case.code).await?
                }
                Effect::CloseRelay => {
                    dialogue::close_case_relay(turn, &case.reporter_key, case.id).await?
                }
                Effect::Audit { command, detail } => {
                    self.audit(
                        turn,
                        officer,
                        command,
                        Some(case.code.as_str()),
                        Outcome::Ok,
                        detail.as_deref(),
                    )
                    .await?
                }
                Effect::ToOfficer(text) => replies.push(self.say(turn, text)),
                Effect::ToReporter(text) => {
                    // Unreachable reporters are decided on already; a status change still
                    // happens without them.
                    if let Some(reporter) = &reporter {
                        let message =
                            CsMessage::text(text).quoting(reporter.last_msg_id.as_deref());
                        replies.push(Reply::new(reporter.to.clone(), message));
                    }
                }
                Effect::ToAssignee(text) => {
                    let to = assignee
                        .as_ref()
                        .and_then(|a| turn.vault.open_zalo_id(&a.zalo_id_sealed).ok());
                    if let Some(to) = to {
                        replies.push(Reply::new(to, CsMessage::text(text)));
                    }
                }
            }
        }
        Ok(replies)
    }

    /// The case's reporter, if a message can reach them.
    async fn reporter(
        &self,
        turn: &mut Turn<'_>,
        case: &CaseRow,
    ) -> sqlx::Result<Option<Reporter>> {
        let Some(resident) = turn.store.resident(turn.tx, &case.reporter_key).await? else {
            return Ok(None);
        };
        let Ok(to) = turn.vault.open_zalo_id(&resident.zalo_id_sealed) else {
            return Ok(None);
        };
        Ok(Some(Reporter {
            to,
            last_msg_id: resident.last_msg_id,
            last_seen: resident.last_interaction_at,
        }))
    }

    /// Appends a sealed text entry to the case's timeline, by this officer.
    pub(in crate::officers) async fn add_event(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        case: &CaseRow,
        kind: &str,
        text: &str,
    ) -> sqlx::Result<()> {
        let sealed = turn.vault.seal(text.as_bytes());
        turn.store
            .add_case_event(
                turn.tx,
                case.id,
                kind,
                officer.user_key.as_str(),
                Some(&sealed),
                turn.now,
            )
            .await
    }
}
