//! Working cases: list (page by page) and show here; the actions that change a case — claim,
//! assign, status, private notes, and the anonymous relay of replies and progress updates to
//! the reporter — are decided in [`action`] (pure) and carried out in [`apply`].

mod action;
mod apply;
#[cfg(test)]
mod tests;

pub(crate) use action::CaseAction;

use std::time::Duration;

use super::command::CaseFilter;
use super::Console;
use crate::access::{CommandName, Outcome};
use crate::cases::{CaseCode, Details, Place, Status};
use crate::conversation::texts::{OfficerAgeTexts, OfficerCaseTexts, Text};
use crate::conversation::{Reply, Turn};
use crate::store::{CaseQuery, CaseRow, OfficerRow};

/// Cases per page of `/cases`: one short message on a phone.
const PAGE_SIZE: usize = 15;

/// What an officer sends the reporter through the relay: an answer, or word of progress. Both
/// go the same way under the same rules; only the wording and the timeline entry differ.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Relayed {
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
        code: &CaseCode,
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

    /// The case with this code, as far as this officer may see it: a complaint about an
    /// officer or the station is the chief's alone, and to anyone else it does not exist.
    pub(super) async fn find(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &CaseCode,
    ) -> sqlx::Result<Option<CaseRow>> {
        Ok(turn
            .store
            .case_by_code(turn.tx, code)
            .await?
            .filter(|case| may_see(officer, case)))
    }

    pub(super) fn no_case(&self, turn: &Turn<'_>, code: &CaseCode) -> sqlx::Result<Vec<Reply>> {
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
