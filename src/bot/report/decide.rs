//! The report dialogue's decisions: what one message does to a draft, from the draft and the
//! message alone — no store, no clock, nothing sent.

use super::super::payload::Payload;
use super::super::typed::{typed_number, Typed};
use super::super::Bot;
use super::{append, Input};
use crate::cases::{code, contains_words, Category, Place};
use crate::conversation::dialogue::{ReportDraft, ReportStep};
use crate::lang::{fold, infer_category, Classification, Intent};
use crate::zalo::messages::Button;

/// Below this classifier confidence a message inside a report is taken as part of it; above it,
/// a procedure, news, contact or case question interrupts (and the draft is kept).
const INTERRUPT_ABOVE: f32 = 0.9;

/// What a message does to a report being written ([`Bot::decide`]); `continue_report` applies
/// it.
#[derive(Debug)]
pub(in crate::bot) enum ReportMove {
    /// The draft, changed or not, and its next question; `added` is text put into the account,
    /// which the resident is told about.
    Ask {
        draft: ReportDraft,
        added: Option<String>,
    },
    /// "Quay lại" at the first question: said so, and the question asked again.
    BackAtStart(ReportDraft),
    /// "Menu": the draft is kept (paused) and the menu shown.
    Pause(ReportDraft),
    /// A question about something else (a procedure, a case, news, contact): answered, the
    /// draft kept for "tiếp tục".
    AnswerElsewhere {
        draft: ReportDraft,
        input: Input,
        classification: Classification,
    },
    /// Sent, with or without consent to be contacted.
    Submit {
        draft: ReportDraft,
        contact_ok: bool,
    },
    /// A photo or file: acknowledged with its count and a "done" button.
    EvidenceReceived(ReportDraft),
}

impl Bot {
    /// What one message does to a report being written, decided from the draft and the
    /// message alone — no store, no clock, nothing sent — so unit tests call it directly.
    /// Every button of every step can be typed ([`Typed`]); a typed answer that fits no choice
    /// is either taken as that step's free text or added to the account with "Đã thêm vào nội
    /// dung: …" — never swallowed.
    pub(super) fn decide(
        &self,
        mut draft: ReportDraft,
        input: Input,
        typed: Option<Typed>,
        classification: Option<&Classification>,
    ) -> ReportMove {
        let step = draft.next_step();
        match (input.payload.as_ref(), typed) {
            (Some(Payload::Back), _) | (None, Some(Typed::Back)) => {
                return if draft.step_back() {
                    ReportMove::Ask { draft, added: None }
                } else {
                    ReportMove::BackAtStart(draft)
                };
            }
            (None, Some(Typed::Menu)) => {
                draft.paused = true;
                return ReportMove::Pause(draft);
            }
            _ => {}
        }
        // A button's own title typed out ("Gửi – cho liên hệ lại") is that button.
        let mut input = input;
        if input.payload.is_none() {
            if let Some(payload) = input
                .text
                .as_deref()
                .and_then(|text| self.button_typed(&draft, text))
            {
                input.payload = Some(payload);
                input.text = None;
            }
        }
        // A category named or numbered at the category step is an answer, not a new question.
        let answers_category = step == ReportStep::Category
            && input.text.as_deref().is_some_and(|text| {
                typed_number(text).is_some() || self.category_named(text).is_some()
            });
        // Clearly something else — a procedure, a case, news, contact: answer it, keep the draft.
        if let (Some(c), None, None, false) =
            (classification, &input.payload, typed, answers_category)
        {
            let elsewhere = matches!(
                c.intent,
                Intent::Procedure | Intent::CaseStatus | Intent::News | Intent::Contact
            ) && c.confidence >= INTERRUPT_ABOVE;
            let code = input.text.as_deref().and_then(code::find);
            if elsewhere || code.is_some() {
                draft.paused = true;
                return ReportMove::AnswerElsewhere {
                    draft,
                    input,
                    classification: c.clone(),
                };
            }
        }
        let got_evidence = !input.evidence.is_empty();
        draft.evidence.extend(input.evidence);
        let got_location = input.location.is_some();
        if let Some(place) = input.location {
            draft.place = Some(place);
        }
        let mut added = None;
        let text = input.text;
        match (step, input.payload, typed) {
            (ReportStep::Confirm, Some(Payload::Send { contact_ok }), _) => {
                return ReportMove::Submit { draft, contact_ok };
            }
            (ReportStep::Confirm, None, Some(Typed::Yes | Typed::SendNoContact)) => {
                return ReportMove::Submit {
                    draft,
                    contact_ok: false,
                };
            }
            (ReportStep::Confirm, None, Some(Typed::SendWithContact)) => {
                return ReportMove::Submit {
                    draft,
                    contact_ok: true,
                };
            }
            (ReportStep::Category, Some(Payload::Category(id)), _) => {
                draft.category = Category::from_id(&id).or(Some(Category::Other));
            }
            (ReportStep::Category, None, _) => {
                let text = text.unwrap_or_default();
                let chosen = typed_number(&text)
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| Category::ALL.get(i).copied())
                    .or_else(|| self.category_named(&text))
                    .or_else(|| infer_category(&text));
                if text.split_whitespace().count() >= 4 && draft.description.is_none() {
                    draft.description = Some(text.clone());
                }
                match chosen {
                    Some(category) => draft.category = Some(category),
                    // The account is kept; only the category is still unclear.
                    None if draft.description.is_some() && !text.is_empty() => added = Some(text),
                    None => {}
                }
            }
            (ReportStep::Description, None, None) if text.is_some() => draft.description = text,
            (ReportStep::When, Some(Payload::When(w)), _) => {
                draft.when = Some(self.when_label(&w));
            }
            (ReportStep::When, None, Some(Typed::JustNow)) => {
                draft.when = Some(self.when_label("now"))
            }
            (ReportStep::When, None, Some(Typed::Today)) => {
                draft.when = Some(self.when_label("today"))
            }
            (ReportStep::When, None, Some(Typed::DontKnow | Typed::Done)) => {
                draft.when = Some(self.when_label("unknown"))
            }
            (ReportStep::When, None, None) if text.is_some() => draft.when = text,
            (ReportStep::Where, Some(Payload::WhereUnknown), _)
            | (ReportStep::Where, None, Some(Typed::DontKnow | Typed::Done)) => {
                draft.place = Some(Place::typed(self.texts.report.where_unknown.to_string()));
            }
            (ReportStep::Where, None, None) if text.is_some() && !got_location => {
                let text = text.unwrap_or_default();
                draft.khu_pho = self.area_in(&text);
                draft.place = Some(Place::typed(text));
            }
            (ReportStep::Where, None, _) if got_location => {
                draft.khu_pho = None;
            }
            (ReportStep::Evidence, Some(Payload::EvidenceDone), _)
            | (ReportStep::Evidence, None, Some(Typed::Done | Typed::No | Typed::Yes)) => {
                draft.evidence_done = true
            }
            (ReportStep::Evidence | ReportStep::Confirm, None, None) if got_evidence => {
                if let Some(caption) = text {
                    append(&mut draft, &caption);
                }
                draft.evidence_done = false;
                return ReportMove::EvidenceReceived(draft);
            }
            (ReportStep::Confirm, Some(Payload::EvidenceDone), _) => {}
            (ReportStep::Evidence | ReportStep::Confirm, None, None) if text.is_some() => {
                // More details after the account was given: added, and said so.
                let text = text.unwrap_or_default();
                append(&mut draft, &text);
                added = Some(text);
            }
            // A typed word that fits no choice of this step: the question is asked again.
            _ => {}
        }
        ReportMove::Ask { draft, added }
    }

    /// The payload of the button of the current step whose title the resident typed.
    fn button_typed(&self, draft: &ReportDraft, text: &str) -> Option<Payload> {
        let typed = fold(text);
        self.question(draft)
            .buttons
            .into_iter()
            .find_map(|button| match button {
                Button::Query { title, payload } if fold(&title) == typed => {
                    Payload::parse(&payload)
                }
                _ => None,
            })
    }

    fn when_label(&self, which: &str) -> String {
        let report = &self.texts.report;
        match which {
            "now" => &report.when_just_now,
            "today" => &report.when_today,
            _ => &report.when_unknown,
        }
        .to_string()
    }

    /// A category typed by (part of) its label: "lừa đảo", "ma tuy", "viec khac".
    fn category_named(&self, text: &str) -> Option<Category> {
        let folded = fold(text);
        if folded.is_empty() {
            return None;
        }
        Category::ALL.into_iter().find(|c| {
            let label = fold(&self.texts.category[*c]);
            label == folded || (folded.split(' ').count() <= 4 && contains_words(&label, &folded))
        })
    }
}
