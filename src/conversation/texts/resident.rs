//! The resident conversation's sections of the catalogue, one struct per `[section]` of
//! `config/messages.vi.toml`, in the file's order.

use std::ops::Index;

use serde::Deserialize;

use super::template::{name, Label, Template, Text};
use crate::cases::{Category, Status};

/// `[menu]` — the welcome, the main menu and general answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuTexts {
    pub welcome: Text,
    pub report: Label,
    pub procedure: Label,
    pub news: Label,
    pub contact: Label,
    pub back: Label,
    pub not_supported: Text,
    pub out_of_scope_footer: Text,
    pub flood_notice: Text,
    pub media_outside_report: Text,
    pub location_outside_report: Text,
    pub location_named: Template<name::Place>,
    pub report_here: Label,
    pub anonymous_welcome: Text,
    pub anonymous_emergency: Text,
}

/// `[clarify]` — the question asked when the classifier is unsure, with its choices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClarifyTexts {
    pub question: Text,
    pub report: Label,
    pub procedure: Label,
    pub news: Label,
    pub status: Label,
    pub contact: Label,
}

/// `[in_progress]` — stopping ("hủy"), setting aside and resuming what is in progress.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InProgressTexts {
    pub cancelled: Text,
    pub cancelled_report: Text,
    pub cancelled_addition: Template<name::Code>,
    pub nothing_to_cancel: Text,
    pub expired: Text,
    pub report_kept: Text,
    pub resume: Label,
    pub resume_nothing: Text,
}

/// `[emergency]` — the answer to an emergency, its follow-ups, and the "is it happening now?"
/// check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyTexts {
    pub answer: Template<name::Code>,
    pub answer_nobody: Template<name::Code>,
    pub call_113: Label,
    pub call_114: Label,
    pub call_115: Label,
    pub followup: Template<name::Code>,
    pub followup_nobody: Template<name::Code>,
    pub danger_check: Text,
    pub danger_now: Label,
    pub danger_past: Label,
}

/// `[report]` — report intake, step by step, and its outcome.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTexts {
    pub intro: Text,
    pub back_at_start: Text,
    pub ask_category: Text,
    pub ask_description: Text,
    pub ask_when: Text,
    pub when_just_now: Label,
    pub when_today: Label,
    pub when_unknown: Label,
    pub ask_where: Text,
    pub where_unknown: Label,
    pub ask_evidence: Text,
    pub evidence_none: Label,
    pub evidence_done: Label,
    pub evidence_received: Template<name::Count>,
    pub confirm: Template<(
        name::Category,
        name::Description,
        name::When,
        name::Where,
        name::Evidence,
    )>,
    pub send_with_contact: Label,
    pub send_anonymous: Label,
    pub cancel: Label,
    pub added_to_description: Template<name::Text>,
    pub not_given: Text,
    pub location_shared: Text,
    pub in_description: Text,
    pub contact_allowed: Text,
    pub contact_refused: Text,
    pub created: Template<(name::Code, name::Contact)>,
    pub created_complaint: Template<(name::Code, name::Contact)>,
    pub my_reports: Label,
    pub merged: Template<name::Code>,
    pub contact_info_kept: Template<name::Code>,
    pub contact_info_not_kept: Text,
    /// The title of Zalo's contact form, offered after a report that allows contact (at most
    /// 100 characters).
    pub contact_form_title: Text,
    /// Its subtitle: what the details are for, and that giving them is optional.
    pub contact_form_subtitle: Template<name::Code>,
}

/// `[category]` — category labels, one per [`Category`]; look up with `texts.category[c]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryTexts {
    pub theft: Label,
    pub drugs_gambling: Label,
    pub scam: Label,
    pub disorder: Label,
    pub missing_person: Label,
    pub domestic_violence: Label,
    pub epidemic: Label,
    pub traffic: Label,
    pub loan_shark: Label,
    pub environment: Label,
    pub complaint: Label,
    pub other: Label,
}

/// `[scam]` — the answer to "is this a scam?".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScamTexts {
    pub check: Text,
    pub report: Label,
}

/// `[procedures]` — the procedure menu.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProceduresTexts {
    pub menu: Text,
    pub details: Label,
}

/// `[news]` — news, warnings, and officers' alerts as residents read them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsTexts {
    pub header: Text,
    pub empty: Text,
    pub more: Label,
    pub warning_label: Text,
    pub none_left: Text,
    pub alert: Template<(name::Area, name::Text)>,
}

/// `[case_status]` — a resident's question about their cases, and status changes sent to them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStatusTexts {
    pub line: Template<(name::Code, name::Category, name::Date, name::Status)>,
    pub not_found: Template<name::Code>,
    pub none: Text,
    pub recent: Text,
    pub changed: Template<(name::Code, name::Status)>,
    pub changed_reason: Template<(name::Code, name::Status, name::Reason)>,
}

/// `[status]` — status labels, one per [`Status`]; look up with `texts.status[s]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusTexts {
    pub received: Text,
    pub processing: Text,
    pub need_info: Text,
    pub transferred: Text,
    pub resolved: Text,
    pub rejected: Text,
}

/// `[contact]` — the station's contact card.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactTexts {
    pub card: Template<(name::Name, name::Address, name::Phone, name::Hours)>,
    pub area: Template<(name::Area, name::Officer, name::OfficerPhone)>,
    pub areas_hint: Text,
    pub call_station: Label,
}

/// `[area]` — the khu phố question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaTexts {
    pub ask: Text,
    pub ask_more: Template<name::List>,
    pub skip: Label,
    pub saved: Template<name::Area>,
    pub skipped: Text,
    pub unknown: Template<name::Text>,
    pub change: Label,
}

/// `[relay]` — the anonymous relay between an officer and the reporter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayTexts {
    pub to_resident: Template<(name::Code, name::Text)>,
    pub progress: Template<(name::Code, name::Text)>,
    pub ack: Template<name::Code>,
    pub ack_recorded: Template<name::Code>,
    pub ask: Template<name::Code>,
    pub send: Template<name::Code>,
    pub other: Label,
}

/// `[need_info]` — an officer's request for more, and the resident's addition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedInfoTexts {
    pub request: Template<(name::Code, name::Note)>,
    pub confirm: Template<(name::Code, name::Text)>,
    pub send: Label,
    pub not_an_addition: Label,
    pub added: Template<name::Code>,
    pub added_recorded: Template<name::Code>,
}

impl Index<Category> for CategoryTexts {
    type Output = str;

    fn index(&self, category: Category) -> &str {
        match category {
            Category::Theft => &self.theft,
            Category::DrugsGambling => &self.drugs_gambling,
            Category::Scam => &self.scam,
            Category::Disorder => &self.disorder,
            Category::MissingPerson => &self.missing_person,
            Category::DomesticViolence => &self.domestic_violence,
            Category::Epidemic => &self.epidemic,
            Category::Traffic => &self.traffic,
            Category::LoanShark => &self.loan_shark,
            Category::Environment => &self.environment,
            Category::Complaint => &self.complaint,
            Category::Other => &self.other,
        }
    }
}

impl Index<Status> for StatusTexts {
    type Output = str;

    fn index(&self, status: Status) -> &str {
        match status {
            Status::Received => &self.received,
            Status::Processing => &self.processing,
            Status::NeedInfo => &self.need_info,
            Status::Transferred => &self.transferred,
            Status::Resolved => &self.resolved,
            Status::Rejected => &self.rejected,
        }
    }
}
