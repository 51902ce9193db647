//! The officers' section of the catalogue: `[officer]` of `config/messages.vi.toml`.

use serde::Deserialize;

use super::template::{name, Template, Text};

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
    pub claimed: Template<name::Code>,
    pub assigned: Template<(name::Code, name::Name)>,
    pub assigned_to_you: Template<(name::Code, name::Category)>,
    pub status_set: Template<(name::Code, name::Status)>,
    pub noted: Template<name::Code>,
    pub replied: Template<name::Code>,
    pub reply_parked: Template<name::Code>,
    pub news_posted: Template<(name::Kind, name::Title)>,
    pub alert_sent: Template<(name::Area, name::Reached, name::Unreached)>,
    pub reveal: Template<(name::Code, name::Reason, name::ZaloId)>,
    pub reveal_missing: Template<name::Code>,
    pub oncall: Template<name::Names>,
    pub oncall_set: Template<name::Names>,
    pub added: Template<(name::Name, name::Handle, name::Role)>,
    pub removed: Template<name::Handle>,
    pub areas_set: Template<(name::Handle, name::Areas)>,
    pub alert_all_allowed: Template<name::Handle>,
    pub alert_all_stopped: Template<name::Handle>,
    pub new_case: Template<(name::Code, name::Category, name::Area)>,
    pub resident_said: Template<(name::Code, name::Pseudonym, name::Text)>,
    pub page: Template<(name::Code, name::Time, name::Text)>,
    pub page_followup: Template<(name::Code, name::Text)>,
    pub overdue: Template<(name::Code, name::Category, name::Age)>,
    pub overdue_chief: Template<(name::Code, name::Category, name::Age, name::Assignee)>,
}
