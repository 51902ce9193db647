//! An officer's action on a case — claim, assign, status, note, reply, update — decided in one
//! pure step ([`Console::decide`]): from the officer, the case, what was asked and what is known
//! of the reporter, the list of [`Effect`]s, in order. No store, no clock, nothing sent: unit
//! tests call it directly, and `apply` carries the effects out inside the turn's transaction.

use super::Relayed;
use crate::access::CommandName;
use crate::cases::Status;
use crate::ids::UserKey;
use crate::officers::Console;
use crate::store::{CaseRow, OfficerRow};
use crate::time::Timestamp;
use crate::zalo::REPLY_WINDOW;

/// What an officer asked to do to one case.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CaseAction<'a> {
    /// `/claim`: the case is theirs; a new case moves to "đang xử lý".
    Claim,
    /// `/assign`: the case goes to the officer with this handle.
    Assign(&'a str),
    /// `/status`, with the officer's words for the reporter where the status needs them.
    Status {
        status: Status,
        note: Option<&'a str>,
    },
    /// `/note`: private, on the timeline only.
    Note(&'a str),
    /// `/reply` or `/update`: through the relay to the reporter.
    Relay { text: &'a str, kind: Relayed },
}

/// What is known when deciding, besides the action.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub officer: &'a OfficerRow,
    pub case: &'a CaseRow,
    /// For [`CaseAction::Assign`]: the officer with that handle, if there is one.
    pub assignee: Option<&'a OfficerRow>,
    /// When the reporter last wrote to the OA; `None` if they cannot be reached at all.
    pub reporter_last_seen: Option<Timestamp>,
    pub now: Timestamp,
}

/// One thing an action does. `apply` carries them out in order; the messages go out in the
/// order they appear.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    /// The case is given to this officer.
    Assign(UserKey),
    /// The case's status changes.
    SetStatus(Status),
    /// An entry on the case's timeline, by the acting officer (sealed).
    Timeline { kind: &'static str, text: String },
    /// The case counts as answered from now, if it was not already.
    FirstResponse,
    /// The reporter's next message is offered to this case ("cần bổ sung").
    OpenAddInfo,
    /// The reporter's replies reach this case's officers.
    OpenRelay,
    /// The case is closed to the reporter's replies.
    CloseRelay,
    /// An audit row for the command; `detail` is sealed.
    Audit {
        command: CommandName,
        detail: Option<String>,
    },
    /// A message to the officer who acted.
    ToOfficer(String),
    /// A message to the reporter, quoting their last message.
    ToReporter(String),
    /// A message to the officer the case was assigned to.
    ToAssignee(String),
}

impl Console {
    /// What `action` does to the case in `facts`: see [`Effect`].
    pub(crate) fn decide(&self, action: CaseAction<'_>, facts: Facts<'_>) -> Vec<Effect> {
        let Facts { officer, case, .. } = facts;
        let code = case.code.as_str();
        let t = &self.texts.officer;
        let audit = |command: CommandName, detail: Option<&str>| Effect::Audit {
            command,
            detail: detail.map(str::to_owned),
        };
        match action {
            CaseAction::Claim => {
                let mut effects = vec![
                    Effect::Assign(officer.user_key.clone()),
                    audit(CommandName::Claim, None),
                    Effect::ToOfficer(t.claimed.render(&[("code", code)])),
                ];
                if case.status == Status::Received {
                    effects.extend(self.status_change(case, Status::Processing, None));
                } else {
                    effects.push(Effect::FirstResponse);
                }
                effects
            }
            CaseAction::Assign(handle) => {
                let Some(assignee) = facts.assignee else {
                    return vec![Effect::ToOfficer(
                        t.no_officer.render(&[("handle", handle)]),
                    )];
                };
                let category = self.category_label(case);
                vec![
                    Effect::Assign(assignee.user_key.clone()),
                    audit(CommandName::Assign, Some(handle)),
                    Effect::ToOfficer(
                        t.assigned
                            .render(&[("code", code), ("name", &assignee.name)]),
                    ),
                    Effect::ToAssignee(
                        t.assigned_to_you
                            .render(&[("code", code), ("category", &category)]),
                    ),
                ]
            }
            CaseAction::Status { status, note } => {
                let mut effects = Vec::new();
                if let Some(note) = note {
                    // For "cần bổ sung" and "từ chối" the note is what the reporter needs to
                    // read; it is kept on the timeline either way.
                    effects.push(Effect::Timeline {
                        kind: "note",
                        text: note.to_owned(),
                    });
                }
                let label = self.status_label(status);
                effects.push(audit(CommandName::Status, Some(status.id())));
                effects.push(Effect::ToOfficer(
                    t.status_set.render(&[("code", code), ("status", &label)]),
                ));
                effects.extend(self.status_change(case, status, note));
                effects
            }
            CaseAction::Note(text) => vec![
                Effect::Timeline {
                    kind: "note",
                    text: text.to_owned(),
                },
                audit(CommandName::Note, None),
                Effect::ToOfficer(t.noted.render(&[("code", code)])),
            ],
            CaseAction::Relay { text, kind } => self.relay_effects(facts, text, kind),
        }
    }

    /// A status change: set, on the timeline, and told to the reporter in plain words — with
    /// the officer's words where given: what is needed for "cần bổ sung" (the reporter's next
    /// message is then offered to the case), the reason for a rejection, a transfer or a
    /// resolution. A closed case ends the relay.
    fn status_change(&self, case: &CaseRow, status: Status, note: Option<&str>) -> Vec<Effect> {
        let code = case.code.as_str();
        let label = self.status_label(status);
        let text = match (status, note) {
            (Status::NeedInfo, Some(note)) => self
                .texts
                .need_info
                .request
                .render(&[("code", code), ("note", note)]),
            (Status::Rejected | Status::Transferred | Status::Resolved, Some(reason)) => self
                .texts
                .case_status
                .changed_reason
                .render(&[("code", code), ("status", &label), ("reason", reason)]),
            _ => self
                .texts
                .case_status
                .changed
                .render(&[("code", code), ("status", &label)]),
        };
        let mut effects = vec![
            Effect::SetStatus(status),
            Effect::Timeline {
                kind: "status",
                text: status.id().to_owned(),
            },
        ];
        match status {
            Status::NeedInfo => effects.push(Effect::OpenAddInfo),
            Status::Resolved | Status::Rejected | Status::Transferred => {
                effects.push(Effect::CloseRelay)
            }
            Status::Received | Status::Processing => {}
        }
        effects.push(Effect::ToReporter(text));
        effects
    }

    /// An officer's answer (`/reply`) or word of progress (`/update`, the status left as it
    /// is), relayed to the reporter signed as the station; neither side learns the other's Zalo
    /// id. The case counts as answered and, if nobody had it, becomes the officer's. Outside the
    /// 7-day window the message waits in the outbox (the delivery worker parks it) until the
    /// resident writes again, and the officer is told so. A reporter who cannot be reached is
    /// not written to, and nothing is recorded.
    fn relay_effects(&self, facts: Facts<'_>, text: &str, kind: Relayed) -> Vec<Effect> {
        let Facts {
            officer,
            case,
            reporter_last_seen,
            now,
            ..
        } = facts;
        let code = case.code.as_str();
        let t = &self.texts;
        let Some(last_seen) = reporter_last_seen else {
            return vec![Effect::ToOfficer(
                t.officer.no_case.render(&[("code", code)]),
            )];
        };
        let (event, command, template, told, parked) = match kind {
            Relayed::Reply => (
                "reply",
                CommandName::Reply,
                &t.relay.to_resident,
                &t.officer.replied,
                &t.officer.reply_parked,
            ),
            Relayed::Update => (
                "update",
                CommandName::Update,
                &t.relay.progress,
                &t.officer.updated,
                &t.officer.update_parked,
            ),
        };
        let mut effects = vec![
            Effect::Timeline {
                kind: event,
                text: text.to_owned(),
            },
            Effect::FirstResponse,
        ];
        if case.assigned_to.is_none() {
            effects.push(Effect::Assign(officer.user_key.clone()));
        }
        let window_open = now.since(last_seen) <= REPLY_WINDOW;
        let told = if window_open { told } else { parked };
        effects.extend([
            Effect::Audit {
                command,
                detail: None,
            },
            Effect::OpenRelay,
            Effect::ToOfficer(told.render(&[("code", code)])),
            Effect::ToReporter(template.render(&[("code", code), ("text", text)])),
        ]);
        effects
    }
}
