//! Working cases: list (page by page), show, claim, assign, status, private notes, and the
//! anonymous relay of replies and progress updates to the reporter.

use std::time::Duration;

use super::command::CaseFilter;
use super::Console;
use crate::access::{CommandName, Outcome};
use crate::cases::{Details, Place, Status};
use crate::conversation::texts::{OfficerAgeTexts, OfficerCaseTexts, Text};
use crate::conversation::{Reply, Turn};
use crate::store::{CaseQuery, CaseRow, OfficerRow};
use crate::time::Timestamp;
use crate::zalo::messages::CsMessage;
use crate::zalo::REPLY_WINDOW;

/// Cases per page of `/cases`: one short message on a phone.
const PAGE_SIZE: usize = 15;

/// What an officer sends the reporter through the relay: an answer, or word of progress. Both
/// go the same way under the same rules; only the wording and the timeline entry differ.
#[derive(Debug, Clone, Copy)]
pub(super) enum Relayed {
    /// `/reply`.
    Reply,
    /// `/update`.
    Update,
}

impl Console {
    pub(super) async fn list(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        filter: CaseFilter,
        page: u32,
    ) -> sqlx::Result<Vec<Reply>> {
        let open = Status::OPEN.to_vec();
        let query = match &filter {
            CaseFilter::New => CaseQuery {
                statuses: vec![Status::Received],
                ..CaseQuery::default()
            },
            CaseFilter::Mine => CaseQuery {
                statuses: open,
                assigned_to: Some(officer.user_key.clone()),
                ..CaseQuery::default()
            },
            CaseFilter::Open => CaseQuery {
                statuses: open,
                ..CaseQuery::default()
            },
            CaseFilter::Urgent => CaseQuery {
                statuses: open,
                urgent_only: true,
                ..CaseQuery::default()
            },
            CaseFilter::All => CaseQuery::default(),
            CaseFilter::Area(area) => CaseQuery {
                statuses: open,
                khu_pho: Some(self.area_name(area).unwrap_or_else(|| area.clone())),
                ..CaseQuery::default()
            },
        };
        // Every matching case this officer may see, then the page: complaints are filtered by
        // role here rather than in SQL, and a ward's caseload is a few hundred rows at most.
        let cases: Vec<CaseRow> = turn
            .store
            .list_cases(turn.tx, &query, i64::MAX)
            .await?
            .into_iter()
            .filter(|case| may_see(officer, case))
            .collect();
        self.audit(turn, officer, CommandName::Cases, None, Outcome::Ok, None)
            .await?;
        let t = &self.texts.officer;
        let skip = (page as usize - 1).saturating_mul(PAGE_SIZE);
        let shown: Vec<&CaseRow> = cases.iter().skip(skip).take(PAGE_SIZE).collect();
        if shown.is_empty() {
            return Ok(vec![self.say(turn, t.list_empty.to_string())]);
        }
        let officers = turn.store.officers(turn.tx).await?;
        // One line a case, without the resident's wording: that is on the card (`/case`).
        let mut lines: Vec<String> = shown
            .iter()
            .map(|c| {
                let assignee = c
                    .assigned_to
                    .as_ref()
                    .and_then(|k| officers.iter().find(|o| &o.user_key == k))
                    .map_or(t.unassigned.as_str(), |o| o.handle.as_str());
                let line = t.case.line.render(&[
                    ("code", &c.code),
                    ("category", &self.category_label(c)),
                    ("area", c.khu_pho.as_deref().unwrap_or(&t.case.unknown)),
                    ("age", &age(&t.age, turn.now.since(c.created_at))),
                    ("status", &self.status_label(c.status)),
                    ("assignee", assignee),
                ]);
                urgent_marked(&t.case.urgent_mark, c, line)
            })
            .collect();
        let left = cases.len().saturating_sub(skip + shown.len());
        if left > 0 {
            lines.push(t.list_more.render(&[
                ("count", &left.to_string()),
                ("command", &filter.command(page + 1)),
            ]));
        }
        Ok(vec![self.say(turn, lines.join("\n"))])
    }

    pub(super) async fn show(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        self.audit(
            turn,
            officer,
            CommandName::Case,
            Some(code),
            Outcome::Ok,
            None,
        )
        .await?;
        let details: Details = turn
            .vault
            .open(&case.details)
            .ok()
            .and_then(|d| serde_json::from_slice(&d).ok())
            .unwrap_or_default();
        let t = &self.texts.officer.case;
        // An emergency was never asked about contact: it must not read as a refusal.
        let contact = match (case.urgent == 1, details.contact_ok) {
            (_, true) => &t.contact_allowed,
            (true, false) => &t.contact_not_asked,
            (false, false) => &t.contact_refused,
        };
        let card = t.card.render(&[
            ("code", &case.code),
            ("category", &self.category_label(&case)),
            ("status", &self.status_label(case.status)),
            ("pseudonym", &case.pseudonym),
            ("contact", contact),
            ("area", case.khu_pho.as_deref().unwrap_or(&t.unknown)),
            (
                "description",
                &crate::conversation::quote::for_officers(&details.description),
            ),
            ("when", details.when.as_deref().unwrap_or(&t.unknown)),
            ("place", &place_text(t, details.place.as_ref())),
        ]);
        let mut text = urgent_marked(&t.urgent_card_mark, &case, card);
        for (i, evidence) in details.evidence.iter().enumerate() {
            text.push('\n');
            text.push_str(&t.file.render(&[
                ("number", &(i + 1).to_string()),
                ("kind", &evidence.kind),
                ("url", &evidence.url),
            ]));
        }
        let events = turn.store.case_events(turn.tx, case.id).await?;
        text.push('\n');
        text.push_str(&t.timeline);
        for event in events.iter().rev().take(10).rev() {
            let body = event
                .body
                .as_ref()
                .and_then(|b| turn.vault.open_string(b).ok())
                .unwrap_or_default();
            // What the resident wrote is quoted and masked like the account itself.
            let body = if event.kind == "resident_message" {
                format!("\n{}", crate::conversation::quote::for_officers(&body))
            } else {
                body
            };
            let entry = t.timeline_entry.render(&[
                ("time", &event.at.vn_time()),
                ("event", self.texts.officer.events.of(&event.kind)),
                ("text", &body),
            ]);
            // An entry without text ends at its label.
            text.push('\n');
            text.push_str(entry.trim_end());
        }
        Ok(vec![self.say(turn, text)])
    }

    pub(super) async fn claim(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        self.take(turn, officer, &case).await?;
        self.audit(
            turn,
            officer,
            CommandName::Claim,
            Some(code),
            Outcome::Ok,
            None,
        )
        .await?;
        let mut replies = vec![self.say(
            turn,
            self.texts.officer.claimed.render(&[("code", &case.code)]),
        )];
        if case.status == Status::Received {
            replies.extend(
                self.change_status(turn, officer, &case, Status::Processing)
                    .await?,
            );
        } else {
            turn.store
                .mark_first_response(turn.tx, case.id, turn.now)
                .await?;
        }
        Ok(replies)
    }

    pub(super) async fn assign(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
        handle: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        let Some(assignee) = turn.store.officer_by_handle(turn.tx, handle).await? else {
            return Ok(vec![self.say(
                turn,
                self.texts.officer.no_officer.render(&[("handle", handle)]),
            )]);
        };
        turn.store
            .assign_case(
                turn.tx,
                case.id,
                &assignee.user_key,
                officer.user_key.as_str(),
                turn.now,
            )
            .await?;
        self.audit(
            turn,
            officer,
            CommandName::Assign,
            Some(code),
            Outcome::Ok,
            Some(handle),
        )
        .await?;
        let mut replies = vec![self.say(
            turn,
            self.texts
                .officer
                .assigned
                .render(&[("code", &case.code), ("name", &assignee.name)]),
        )];
        if let Ok(to) = turn.vault.open_zalo_id(&assignee.zalo_id_sealed) {
            let category = self.category_label(&case);
            let text = self
                .texts
                .officer
                .assigned_to_you
                .render(&[("code", &case.code), ("category", &category)]);
            replies.push(Reply::new(to, CsMessage::text(text)));
        }
        Ok(replies)
    }

    pub(super) async fn status(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
        status: Status,
        note: Option<String>,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        if let Some(note) = &note {
            // For "cần bổ sung" and "từ chối" the note is what the reporter needs to read; it is
            // kept on the timeline either way.
            self.add_event(turn, officer, &case, "note", note).await?;
        }
        self.audit(
            turn,
            officer,
            CommandName::Status,
            Some(code),
            Outcome::Ok,
            Some(status.id()),
        )
        .await?;
        let mut replies = self
            .change_status_saying(turn, officer, &case, status, note.as_deref())
            .await?;
        let label = self.status_label(status);
        replies.insert(
            0,
            self.say(
                turn,
                self.texts
                    .officer
                    .status_set
                    .render(&[("code", &case.code), ("status", &label)]),
            ),
        );
        Ok(replies)
    }

    /// Sets the status, records it, and tells the reporter in plain words.
    async fn change_status(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        case: &CaseRow,
        status: Status,
    ) -> sqlx::Result<Vec<Reply>> {
        self.change_status_saying(turn, officer, case, status, None)
            .await
    }

    /// [`Self::change_status`] with the officer's words for the reporter: what is needed for
    /// "cần bổ sung" (and the reporter's next message is then offered to the case), the reason
    /// for a rejection or a transfer. A closed case ends the relay.
    async fn change_status_saying(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        case: &CaseRow,
        status: Status,
        note: Option<&str>,
    ) -> sqlx::Result<Vec<Reply>> {
        turn.store
            .set_case_status(turn.tx, case.id, status, turn.now)
            .await?;
        self.add_event(turn, officer, case, "status", status.id())
            .await?;
        let label = self.status_label(status);
        let text = match (status, note) {
            (Status::NeedInfo, Some(note)) => self
                .texts
                .need_info
                .request
                .render(&[("code", &case.code), ("note", note)]),
            (Status::Rejected | Status::Transferred | Status::Resolved, Some(reason)) => self
                .texts
                .case_status
                .changed_reason
                .render(&[("code", &case.code), ("status", &label), ("reason", reason)]),
            _ => self
                .texts
                .case_status
                .changed
                .render(&[("code", &case.code), ("status", &label)]),
        };
        match status {
            Status::NeedInfo => {
                crate::conversation::dialogue::open_add_info(
                    turn,
                    &case.reporter_key,
                    case.id,
                    &case.code,
                )
                .await?
            }
            Status::Resolved | Status::Rejected | Status::Transferred => {
                crate::conversation::dialogue::close_case_relay(turn, &case.reporter_key, case.id)
                    .await?
            }
            Status::Received | Status::Processing => {}
        }
        Ok(self
            .to_reporter(turn, case, text)
            .await?
            .map(|(reply, _)| reply)
            .into_iter()
            .collect())
    }

    pub(super) async fn note(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        self.add_event(turn, officer, &case, "note", text).await?;
        self.audit(
            turn,
            officer,
            CommandName::Note,
            Some(code),
            Outcome::Ok,
            None,
        )
        .await?;
        Ok(vec![self.say(
            turn,
            self.texts.officer.noted.render(&[("code", &case.code)]),
        )])
    }

    /// Relays an officer's answer (`/reply`) or word of progress (`/update`, the status left as
    /// it is) to the reporter, signed as the station; neither side learns the other's Zalo id.
    /// Outside the 7-day window the message waits in the outbox (the delivery worker parks it)
    /// until the resident writes again.
    pub(super) async fn relay(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
        text: &str,
        kind: Relayed,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        let t = &self.texts;
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
        self.add_event(turn, officer, &case, event, text).await?;
        turn.store
            .mark_first_response(turn.tx, case.id, turn.now)
            .await?;
        if case.assigned_to.is_none() {
            self.take(turn, officer, &case).await?;
        }
        self.audit(turn, officer, command, Some(code), Outcome::Ok, None)
            .await?;
        let message = template.render(&[("code", &case.code), ("text", text)]);
        let Some((relayed, last_interaction_at)) = self.to_reporter(turn, &case, message).await?
        else {
            return Ok(vec![
                self.say(turn, t.officer.no_case.render(&[("code", code)]))
            ]);
        };
        crate::conversation::dialogue::open_case_relay(
            turn,
            &case.reporter_key,
            case.id,
            &case.code,
        )
        .await?;
        let window_open = turn.now.since(last_interaction_at) <= REPLY_WINDOW;
        let told = if window_open { told } else { parked };
        Ok(vec![
            self.say(turn, told.render(&[("code", &case.code)])),
            relayed,
        ])
    }

    /// Assigns the case to the officer acting on it.
    async fn take(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        case: &CaseRow,
    ) -> sqlx::Result<()> {
        turn.store
            .assign_case(
                turn.tx,
                case.id,
                &officer.user_key,
                officer.user_key.as_str(),
                turn.now,
            )
            .await
    }

    /// Appends a sealed text entry to the case's timeline, by this officer.
    pub(super) async fn add_event(
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

    /// A message to the case's reporter, quoting their last message, and when they last wrote
    /// (their reply window); `None` if the reporter cannot be reached.
    async fn to_reporter(
        &self,
        turn: &mut Turn<'_>,
        case: &CaseRow,
        text: String,
    ) -> sqlx::Result<Option<(Reply, Timestamp)>> {
        let Some(resident) = turn.store.resident(turn.tx, &case.reporter_key).await? else {
            return Ok(None);
        };
        let Ok(to) = turn.vault.open_zalo_id(&resident.zalo_id_sealed) else {
            return Ok(None);
        };
        let message = CsMessage::text(text).quoting(resident.last_msg_id.as_deref());
        Ok(Some((
            Reply::new(to, message),
            resident.last_interaction_at,
        )))
    }

    /// The case with this code, as far as this officer may see it: a complaint about an
    /// officer or the station is the chief's alone, and to anyone else it does not exist.
    pub(super) async fn find(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &str,
    ) -> sqlx::Result<Option<CaseRow>> {
        Ok(turn
            .store
            .case_by_code(turn.tx, code)
            .await?
            .filter(|case| may_see(officer, case)))
    }

    pub(super) fn no_case(&self, turn: &Turn<'_>, code: &str) -> sqlx::Result<Vec<Reply>> {
        Ok(vec![self.say(
            turn,
            self.texts.officer.no_case.render(&[("code", code)]),
        )])
    }

    /// The configured khu phố an officer's word refers to ("kp2", "khu phố 2"…).
    pub(super) fn area_name(&self, typed: &str) -> Option<String> {
        crate::conversation::area::area_named(&self.config.station.areas, typed)
    }
}

/// Whether an officer may see a case: complaints are for the chief only.
pub(crate) fn may_see(officer: &OfficerRow, case: &CaseRow) -> bool {
    officer.is_chief() || !case.category.chief_only()
}

/// An urgent case's line or card starts with its mark.
fn urgent_marked(mark: &Text, case: &CaseRow, text: String) -> String {
    if case.urgent == 1 {
        format!("{mark} {text}")
    } else {
        text
    }
}

/// Where it happened: as typed, or a shared location's name and map link.
fn place_text(t: &OfficerCaseTexts, place: Option<&Place>) -> String {
    match place {
        Some(Place {
            latitude: Some(lat),
            longitude: Some(lon),
            text,
        }) => {
            format!(
                "{} https://maps.google.com/?q={lat},{lon}",
                text.as_deref().unwrap_or(&t.location)
            )
        }
        Some(Place {
            text: Some(text), ..
        }) => text.clone(),
        _ => t.unknown.to_string(),
    }
}

/// How long ago: minutes under an hour, hours under two days, then days ("5 phút", "3 giờ",
/// "2 ngày").
pub(super) fn age(t: &OfficerAgeTexts, span: Duration) -> String {
    let minutes = span.as_secs() / 60;
    let (unit, count) = if minutes < 60 {
        (&t.minutes, minutes)
    } else if minutes < 48 * 60 {
        (&t.hours, minutes / 60)
    } else {
        (&t.days, minutes / (24 * 60))
    };
    unit.render(&[("count", &count.to_string())])
}
