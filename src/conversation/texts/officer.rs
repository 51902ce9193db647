//! The officers' section of the catalogue: `[officer]` of `config/messages.vi.toml` and its
//! sub-tables.

// A template's type lists its placeholders: a long list is long, not complex.
#![allow(clippy::type_complexity)]

use serde::Deserialize;

use super::template::{name, Label, Template, Text};

/// `[officer]` — replies to officers' commands, and what the bot sends officers on its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerTexts {
    pub not_a_command: Template<name::Name>,
    pub unknown_command: Template<name::Error>,
    pub refused: Template<name::Command>,
    pub no_case: Template<name::Code>,
    pub no_officer: Template<name::Handle>,
    pub list_empty: Text,
    pub list_more: Template<(name::Count, name::Command)>,
    pub unassigned: Text,
    pub claimed: Template<name::Code>,
    pub assigned: Template<(name::Code, name::Name)>,
    pub assigned_to_you: Template<(name::Code, name::Category)>,
    pub status_set: Template<(name::Code, name::Status)>,
    pub noted: Template<name::Code>,
    pub replied: Template<name::Code>,
    pub reply_parked: Template<name::Code>,
    pub web_link: Template<name::Url>,
    pub updated: Template<name::Code>,
    pub update_parked: Template<name::Code>,
    pub news_posted: Template<name::Title>,
    pub warning_posted: Template<name::Title>,
    pub alert_sent: Template<(name::Area, name::Reached, name::Unreached)>,
    pub alert_all_refused: Text,
    pub alert_unknown_area: Template<(name::Area, name::List)>,
    pub whole_ward: Text,
    pub reveal: Template<(name::Code, name::Reason, name::ZaloId, name::Description)>,
    pub reveal_missing: Template<name::Code>,
    pub reveal_entry: Template<(name::Handle, name::Reason)>,
    pub oncall: Template<name::Names>,
    pub oncall_set: Template<name::Names>,
    pub oncall_from_config: Text,
    pub added: Template<(name::Name, name::Handle, name::Role)>,
    pub handle_taken: Template<name::Handle>,
    pub removed: Template<name::Handle>,
    pub removed_cases_handed_back: Template<name::Count>,
    pub cannot_remove_self: Text,
    pub areas_set: Template<(name::Handle, name::Areas)>,
    pub alert_all_allowed: Template<name::Handle>,
    pub alert_all_stopped: Template<name::Handle>,
    pub roster_on_call: Text,
    pub roster_may_alert_all: Text,
    pub invite_created: Template<(
        name::Code,
        name::Name,
        name::Handle,
        name::Role,
        name::Hours,
    )>,
    pub invite_default_name: Template<name::Handle>,
    pub invite_welcome: Template<(name::Name, name::Handle)>,
    pub invite_joined: Template<(name::Name, name::Handle)>,
    pub invite_invalid: Text,
    pub new_case: Template<(name::Code, name::Category, name::Area)>,
    pub resident_said: Template<(name::Code, name::Pseudonym, name::Text)>,
    pub page: Template<(name::Code, name::Time, name::Text)>,
    pub page_followup: Template<(name::Code, name::Text)>,
    pub claim_button: Label,
    pub view_button: Label,
    pub overdue: Template<(name::Code, name::Category, name::Age)>,
    pub overdue_chief: Template<(name::Code, name::Category, name::Age, name::Assignee)>,
    /// To the assignee: an open case nears the resolution target.
    pub resolution_near: Template<(name::Code, name::Category, name::Age, name::Days)>,
    /// To the chief: an open case passed the resolution target.
    pub resolution_overdue_chief: Template<(
        name::Code,
        name::Category,
        name::Age,
        name::Days,
        name::Assignee,
    )>,
    pub case: OfficerCaseTexts,
    pub events: OfficerEventsTexts,
    pub stats: OfficerStatsTexts,
    pub age: OfficerAgeTexts,
}

/// `[officer.case]` — a line of `/cases` and the card `/case` shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerCaseTexts {
    pub line: Template<(
        name::Code,
        name::Category,
        name::Area,
        name::Age,
        name::Status,
        name::Assignee,
    )>,
    pub urgent_mark: Text,
    pub card: Template<(
        name::Code,
        name::Category,
        name::Status,
        name::Pseudonym,
        name::Contact,
        name::Area,
        name::Description,
        name::When,
        name::Place,
    )>,
    pub urgent_card_mark: Text,
    pub contact_allowed: Text,
    pub contact_not_asked: Text,
    pub contact_refused: Text,
    pub unknown: Text,
    pub location: Text,
    pub file: Template<(name::Number, name::Kind, name::Url)>,
    pub timeline: Text,
    pub timeline_entry: Template<(name::Time, name::Event, name::Text)>,
}

/// `[officer.events]` — what each kind of entry on a case's timeline is called.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerEventsTexts {
    pub created: Text,
    pub status: Text,
    pub note: Text,
    pub reply: Text,
    pub update: Text,
    pub resident_message: Text,
    pub assigned: Text,
    pub reveal: Text,
}

/// `[officer.stats]` — `/stats`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerStatsTexts {
    pub summary: Template<(
        name::Days,
        name::Cases,
        name::ByStatus,
        name::ByCategory,
        name::FirstResponse,
        name::Resolution,
        name::OpenUrgent,
        name::Overdue,
        name::UrgentMinutes,
        name::OrdinaryHours,
    )>,
    pub dead_letters: Template<name::Count>,
    pub none: Text,
}

/// `[officer.age]` — how long ago, in the largest whole unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerAgeTexts {
    pub minutes: Template<name::Count>,
    pub hours: Template<name::Count>,
    pub days: Template<name::Count>,
}

impl OfficerEventsTexts {
    /// The label of a timeline entry's kind; an unknown kind is shown as stored.
    pub fn of<'a>(&'a self, kind: &'a str) -> &'a str {
        match kind {
            "created" => &self.created,
            "status" => &self.status,
            "note" => &self.note,
            "reply" => &self.reply,
            "update" => &self.update,
            "resident_message" => &self.resident_message,
            "assigned" => &self.assigned,
            "reveal" => &self.reveal,
            other => other,
        }
    }
}
