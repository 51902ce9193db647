//! Dialogue state per resident: a serde enum, sealed at rest (it may hold report text), with
//! an idle expiry.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cases::{CaseCode, Category, Evidence, Place};
use crate::ids::UserKey;

/// Where a resident's conversation stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dialogue", rename_all = "snake_case")]
pub enum Dialogue {
    /// Writing a report.
    Report(ReportDraft),
    /// An officer answered a case: what the resident writes next goes to that case while it is
    /// plainly about it.
    Relay {
        /// The case's row id.
        case_id: i64,
        /// Its code.
        code: CaseCode,
        /// A message held while the resident says whether it is for the officer.
        #[serde(default)]
        pending: Option<String>,
    },
    /// An emergency was answered: follow-ups (address, location, photos, "nhanh lên") belong to
    /// its urgent case and reach whoever was paged, for [`EMERGENCY_FOLLOW_UP`].
    Emergency {
        /// The urgent case's row id.
        case_id: i64,
        /// Its code.
        code: CaseCode,
    },
    /// The classifier hesitated between a report and an emergency: the resident was asked
    /// whether the danger is happening now; their first message waits here.
    DangerCheck {
        /// The message that raised the question.
        text: String,
    },
    /// An officer asked for more information on a case.
    AddInfo {
        /// The case's row id.
        case_id: i64,
        /// Its code.
        code: CaseCode,
        /// What the resident sent, waiting for the one-tap confirmation.
        #[serde(default)]
        pending: Option<Addition>,
    },
    /// The khu phố question is open: a typed khu phố name answers it.
    AskArea,
    /// "Which khu phố's group?" is open: a typed khu phố name gets that group's join link.
    AskGroupArea,
    /// Zalo's contact form was just offered after a report that allows contact: a phone number
    /// typed instead of tapping the form is kept on that case the same way. Anything else ends
    /// it and is answered as usual.
    ContactOffered {
        /// The case's code.
        code: CaseCode,
    },
    /// A location was shared outside any report: kept so that "Báo tin tại đây" can start a
    /// report with it as the place. Any other message simply goes on as usual.
    SharedPlace {
        /// The location, with its label.
        place: Place,
    },
}

/// Text and attachments a resident sent in answer to "cần bổ sung", before they confirm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Addition {
    /// What they typed.
    pub text: String,
    /// Photos and files.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// A shared location.
    #[serde(default)]
    pub place: Option<Place>,
}

/// A resident's stored dialogue, unsealed (`None` when there is none or it cannot be read).
pub async fn stored(
    turn: &mut super::Turn<'_>,
    resident_key: &UserKey,
) -> sqlx::Result<Option<Dialogue>> {
    Ok(turn
        .store
        .load_dialogue(turn.tx, resident_key)
        .await?
        .and_then(|(sealed, _)| turn.vault.open(&sealed).ok())
        .and_then(|plain| serde_json::from_slice::<Dialogue>(&plain).ok()))
}

/// How long after an emergency the resident's messages are follow-ups of it.
pub const EMERGENCY_FOLLOW_UP: Duration = Duration::from_secs(30 * 60);

/// How long a resident may take to answer an officer: Zalo's own reply window.
pub const RELAY_IDLE: Duration = crate::zalo::REPLY_WINDOW;

/// A report being written; each field is asked for only while missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportDraft {
    /// Chosen or guessed category.
    pub category: Option<Category>,
    /// What happened.
    pub description: Option<String>,
    /// When, as the resident put it.
    pub when: Option<String>,
    /// Where.
    pub place: Option<Place>,
    /// Photos and files so far.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// The evidence question has been answered (or skipped).
    #[serde(default)]
    pub evidence_done: bool,
    /// Khu phố recognised in the place, if any.
    pub khu_pho: Option<String>,
    /// Set aside with "menu" or by another question: messages are handled normally until the
    /// resident resumes it.
    #[serde(default)]
    pub paused: bool,
}

/// The next thing a draft needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportStep {
    /// Category buttons.
    Category,
    /// Free text.
    Description,
    /// Time.
    When,
    /// Place or location.
    Where,
    /// Photos.
    Evidence,
    /// Summary with send buttons.
    Confirm,
}

impl ReportDraft {
    /// The first missing piece, in the order residents are asked.
    pub fn next_step(&self) -> ReportStep {
        if self.category.is_none() {
            ReportStep::Category
        } else if self.description.is_none() {
            ReportStep::Description
        } else if self.when.is_none() {
            ReportStep::When
        } else if self.place.is_none() {
            ReportStep::Where
        } else if !self.evidence_done {
            ReportStep::Evidence
        } else {
            ReportStep::Confirm
        }
    }

    /// "Quay lại": forget the answer to the step before the current one, so it is asked again.
    /// Returns `false` at the first step, where there is nothing to go back to.
    pub fn step_back(&mut self) -> bool {
        match self.next_step() {
            ReportStep::Category => return false,
            ReportStep::Description => self.category = None,
            ReportStep::When => self.description = None,
            ReportStep::Where => self.when = None,
            ReportStep::Evidence => {
                self.place = None;
                self.khu_pho = None;
            }
            ReportStep::Confirm => {
                self.evidence_done = false;
            }
        }
        true
    }
}

// What an officer's action does to the reporter's conversation: the officers' console calls
// the functions below, and the resident bot reads the state they leave.

/// Opens the relay for the reporter of a case, unless they are in the middle of writing a
/// report (their draft is worth more; they can still answer by quoting the case code).
pub async fn open_case_relay(
    turn: &mut super::Turn<'_>,
    reporter_key: &UserKey,
    case_id: i64,
    code: &CaseCode,
) -> sqlx::Result<()> {
    let dialogue = Dialogue::Relay {
        case_id,
        code: code.to_owned(),
        pending: None,
    };
    save_unless_writing(turn, reporter_key, &dialogue).await
}

/// Ends the relay (or a pending "cần bổ sung") of a case whose reporter is in one.
pub async fn close_case_relay(
    turn: &mut super::Turn<'_>,
    reporter_key: &UserKey,
    case_id: i64,
) -> sqlx::Result<()> {
    if let Some(current) = stored(turn, reporter_key).await? {
        let same_case = matches!(current,
            Dialogue::Relay { case_id: id, .. } | Dialogue::AddInfo { case_id: id, .. } if id == case_id);
        if same_case {
            turn.store.clear_dialogue(turn.tx, reporter_key).await?;
        }
    }
    Ok(())
}

/// Stores `dialogue` for `resident_key` unless they are writing a report.
pub async fn save_unless_writing(
    turn: &mut super::Turn<'_>,
    resident_key: &UserKey,
    dialogue: &Dialogue,
) -> sqlx::Result<()> {
    if let Some(Dialogue::Report(_)) = stored(turn, resident_key).await? {
        return Ok(());
    }
    let json = serde_json::to_vec(dialogue).expect("dialogue serialises");
    let sealed = turn.vault.seal(&json);
    turn.store
        .save_dialogue(turn.tx, resident_key, &sealed, turn.now)
        .await
}

/// Puts the reporter of a case into "cần bổ sung" for it (unless they are writing a report).
pub async fn open_add_info(
    turn: &mut super::Turn<'_>,
    reporter_key: &UserKey,
    case_id: i64,
    code: &CaseCode,
) -> sqlx::Result<()> {
    let dialogue = Dialogue::AddInfo {
        case_id,
        code: code.to_owned(),
        pending: None,
    };
    save_unless_writing(turn, reporter_key, &dialogue).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_what_is_missing() {
        let mut draft = ReportDraft::default();
        assert_eq!(draft.next_step(), ReportStep::Category);
        draft.category = Some(Category::Theft);
        assert_eq!(draft.next_step(), ReportStep::Description);
        draft.description = Some("mất xe".into());
        draft.when = Some("tối qua".into());
        assert_eq!(draft.next_step(), ReportStep::Where);
        draft.place = Some(Place {
            text: Some("ngõ 5".into()),
            latitude: None,
            longitude: None,
        });
        assert_eq!(draft.next_step(), ReportStep::Evidence);
        draft.evidence_done = true;
        assert_eq!(draft.next_step(), ReportStep::Confirm);
        let json = serde_json::to_string(&Dialogue::Report(draft.clone())).unwrap();
        assert_eq!(
            serde_json::from_str::<Dialogue>(&json).unwrap(),
            Dialogue::Report(draft)
        );
    }
}
