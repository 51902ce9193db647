//! Report intake: a dialogue that asks only for what is still missing — category, what
//! happened, when, where, photos — then shows a summary whose buttons send the report (with or
//! without consent to be contacted) or cancel it. A report written in one long message goes
//! straight to that summary.
//!
//! [`decide`] says what one message does to the draft (pure, tested directly in `tests.rs`);
//! this module applies it; [`case`] turns a finished draft into a case and routes it.

mod case;
mod decide;
#[cfg(test)]
mod tests;

use decide::ReportMove;

use super::payload::Payload;
use super::typed::Typed;
use super::Bot;

use crate::cases::{contains_words, Category, Evidence, Place};
use crate::conversation::dialogue::{Dialogue, ReportDraft, ReportStep};
use crate::conversation::{Reply, Turn};
use crate::lang::{fold, infer_category, Classification};
use crate::zalo::events::ZaloEvent;
use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};

/// What the resident gave in one message, as far as the report is concerned.
#[derive(Debug, Default)]
pub(super) struct Input {
    pub text: Option<String>,
    pub payload: Option<Payload>,
    pub evidence: Vec<Evidence>,
    pub location: Option<Place>,
    /// A category already known (e.g. "Báo tin lừa đảo" after a scam check).
    pub category: Option<Category>,
}

impl Input {
    /// Collects text, photos/files and a shared location from a message event.
    pub(super) fn from_event(event: &ZaloEvent, payload: Option<Payload>) -> Input {
        let mut input = Input {
            payload,
            ..Input::default()
        };
        let text = event
            .text()
            .map(|t| crate::lang::nfc(t.trim()))
            .filter(|t| !t.is_empty());
        for attachment in event.attachments() {
            let p = &attachment.payload;
            match attachment.kind.as_str() {
                "location" => {
                    let coords = p.coordinates.as_ref();
                    input.location = Some(Place {
                        text: text.clone(),
                        latitude: coords.and_then(|c| c.latitude.parse().ok()),
                        longitude: coords.and_then(|c| c.longitude.parse().ok()),
                    });
                }
                "image" | "file" | "video" | "audio" | "gif" | "link" => {
                    if let Some(url) = &p.url {
                        input.evidence.push(Evidence {
                            kind: attachment.kind.clone(),
                            url: url.clone(),
                            name: p.name.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        // A location's label is not free text; a photo's caption is kept as text.
        if input.location.is_none() && input.payload.is_none() {
            input.text = text;
        }
        input
    }

    /// Just a text, as if typed.
    pub(super) fn text(text: String) -> Input {
        Input {
            text: Some(text),
            ..Input::default()
        }
    }

    /// The message as one line for a case's timeline: text, then attachments and a map link.
    pub(super) fn as_timeline_text(&self) -> String {
        let mut text = self.text.clone().unwrap_or_default();
        for evidence in &self.evidence {
            text.push_str(&format!("\n[{}] {}", evidence.kind, evidence.url));
        }
        if let Some(place) = &self.location {
            if let Some(link) = place.map_link() {
                text.push_str(&format!("\n[vị trí] {link}"));
            }
            if let Some(label) = &place.text {
                text.push_str(&format!(" {label}"));
            }
        }
        text.trim().to_owned()
    }
}

/// Words that only say "I want to report", without saying what happened.
const JUST_ASKING: &[&str] = &[
    "bao tin",
    "to giac",
    "phan anh",
    "trinh bao",
    "bao cong an",
    "muon bao",
    "can bao",
];
/// Whole-word cues that the first message already says when it happened.
const TIME_CUES: &[&str] = &[
    "hom qua",
    "toi qua",
    "dem qua",
    "sang nay",
    "trua nay",
    "chieu nay",
    "toi nay",
    "hom nay",
    "vua xong",
    "vua roi",
    "luc",
    "gio",
    "hom kia",
    "tuan truoc",
    "thang truoc",
    "sang qua",
    "chieu qua",
    "khuya",
    "nua dem",
    "rang sang",
    "phut truoc",
    "tieng truoc",
    "dem nao",
    "toi nao",
    "hang dem",
    "moi dem",
    "hang ngay",
    "ngay nao",
    "tuan nay",
    "thang nay",
];
/// Whole-word cues that it already says where.
const PLACE_CUES: &[&str] = &[
    "o",
    "tai",
    "duong",
    "ngo",
    "hem",
    "so nha",
    "khu pho",
    "kp",
    "chung cu",
    "cho",
    "truong",
    "cong vien",
    "to dan pho",
    "ngach",
    "kiet",
    "quan",
    "nha so",
    "truoc cua",
    "dau hem",
    "cuoi hem",
    "gan",
    "ap",
    "to",
    "phong tro",
    "khu tro",
    "ben canh",
    "doi dien",
    "nga ba",
    "nga tu",
];

fn has_any(folded: &str, cues: &[&str]) -> bool {
    cues.iter().any(|c| contains_words(folded, c))
}

impl Bot {
    /// Starts a report, using whatever the first message already says.
    pub(super) async fn start_report(
        &self,
        turn: &mut Turn<'_>,
        input: Input,
    ) -> sqlx::Result<Vec<Reply>> {
        let mut draft = ReportDraft {
            category: input.category,
            ..ReportDraft::default()
        };
        let mut replies = vec![turn.reply(CsMessage::text(&self.texts.report.intro))];
        if let Some(text) = &input.text {
            let folded = fold(text);
            let words = folded.split_whitespace().count();
            let only_asking = words <= 8 && has_any(&folded, JUST_ASKING);
            if draft.category.is_none() && !only_asking {
                draft.category = infer_category(text);
            }
            if !only_asking && words >= 4 && input.payload.is_none() {
                draft.description = Some(text.clone());
                let in_text = self.texts.report.in_description.to_string();
                if has_any(&folded, TIME_CUES) {
                    draft.when = Some(in_text.clone());
                }
                if has_any(&folded, PLACE_CUES) {
                    draft.place = Some(Place::typed(in_text));
                    draft.khu_pho = self.area_in(text);
                }
                // Everything said at once: photos can still be sent at the summary.
                if draft.when.is_some() && draft.place.is_some() {
                    draft.evidence_done = true;
                }
            }
        }
        draft.evidence.extend(input.evidence);
        if let Some(place) = input.location {
            draft.place = Some(place);
        }
        replies.extend(self.ask_next(turn, draft).await?);
        Ok(replies)
    }

    /// Applies one message to the draft and asks for what is still missing: [`Self::decide`]
    /// says what the message does, this applies it (stores the draft, sends, submits).
    pub(super) async fn continue_report(
        &self,
        turn: &mut Turn<'_>,
        draft: ReportDraft,
        input: Input,
        typed: Option<Typed>,
        classification: Option<&Classification>,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.report;
        let mut replies = Vec::new();
        let draft = match self.decide(draft, input, typed, classification) {
            ReportMove::Ask { draft, added } => {
                if let Some(text) = added {
                    replies.push(turn.reply(CsMessage::text(
                        t.added_to_description.render(&[("text", &text)]),
                    )));
                }
                draft
            }
            ReportMove::BackAtStart(draft) => {
                replies.push(turn.reply(CsMessage::text(&t.back_at_start)));
                draft
            }
            ReportMove::Pause(draft) => {
                self.save(turn, draft).await?;
                return Ok(vec![turn.reply(self.welcome_with(true))]);
            }
            ReportMove::AnswerElsewhere {
                draft,
                input,
                classification,
            } => {
                self.save(turn, draft).await?;
                let text = input.text.clone().unwrap_or_default();
                let mut replies = self
                    .answer(turn, &text, input, Some(classification))
                    .await?;
                self.offer_resume(turn, &mut replies).await?;
                return Ok(replies);
            }
            ReportMove::Submit { draft, contact_ok } => {
                return self.submit(turn, draft, contact_ok).await;
            }
            ReportMove::EvidenceReceived(draft) => {
                let count = draft.evidence.len().to_string();
                let message = CsMessage::text(t.evidence_received.render(&[("count", &count)]))
                    .with_buttons(vec![Button::query(
                        &t.evidence_done,
                        Payload::EvidenceDone.encode(),
                    )]);
                self.save(turn, draft).await?;
                return Ok(vec![turn.reply(message)]);
            }
        };
        replies.extend(self.ask_next(turn, draft).await?);
        Ok(replies)
    }

    /// Saves the draft and asks its next question.
    pub(super) async fn ask_next(
        &self,
        turn: &mut Turn<'_>,
        draft: ReportDraft,
    ) -> sqlx::Result<Vec<Reply>> {
        let message = self.question(&draft);
        self.save(turn, draft).await?;
        Ok(vec![turn.reply(message)])
    }

    /// The question of the draft's next step, with its buttons.
    fn question(&self, draft: &ReportDraft) -> CsMessage {
        let t = &self.texts;
        let cancel = || Button::query(&t.report.cancel, Payload::Cancel.encode());
        match draft.next_step() {
            ReportStep::Category => self.ask_category(draft),
            ReportStep::Confirm => self.summary(draft),
            ReportStep::Description => {
                CsMessage::text(&t.report.ask_description).with_buttons(vec![cancel()])
            }
            ReportStep::When => CsMessage::text(&t.report.ask_when).with_buttons(vec![
                Button::query(
                    &t.report.when_just_now,
                    Payload::When("now".into()).encode(),
                ),
                Button::query(&t.report.when_today, Payload::When("today".into()).encode()),
                Button::query(
                    &t.report.when_unknown,
                    Payload::When("unknown".into()).encode(),
                ),
                cancel(),
            ]),
            ReportStep::Where => CsMessage::text(&t.report.ask_where).with_buttons(vec![
                Button::query(&t.report.where_unknown, Payload::WhereUnknown.encode()),
                cancel(),
            ]),
            ReportStep::Evidence => CsMessage::text(&t.report.ask_evidence).with_buttons(vec![
                Button::query(&t.report.evidence_none, Payload::EvidenceDone.encode()),
                cancel(),
            ]),
        }
    }

    /// The category question: the likeliest four as buttons with "Việc khác", and every
    /// category numbered in the text so any of them can be typed.
    fn ask_category(&self, draft: &ReportDraft) -> CsMessage {
        let t = &self.texts;
        let ranked: Vec<Category> = match draft.description.as_deref() {
            Some(text) => crate::lang::shared()
                .category_ranked(text)
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
            None => vec![
                Category::Theft,
                Category::Scam,
                Category::Disorder,
                Category::DrugsGambling,
            ],
        };
        let mut buttons: Vec<Button> = ranked
            .into_iter()
            .filter(|c| *c != Category::Other)
            .take(MAX_BUTTONS - 1)
            .chain(std::iter::once(Category::Other))
            .map(|c| Button::query(&t.category[c], Payload::Category(c.id().into()).encode()))
            .collect();
        buttons.truncate(MAX_BUTTONS);
        let mut text = t.report.ask_category.to_string();
        for (i, c) in Category::ALL.iter().enumerate() {
            text.push_str(&format!("\n{}. {}", i + 1, &t.category[*c]));
        }
        CsMessage::text(text).with_buttons(buttons)
    }

    fn summary(&self, draft: &ReportDraft) -> CsMessage {
        let t = &self.texts;
        let not_given = t.report.not_given.as_str();
        let category = draft.category.unwrap_or(Category::Other);
        let description = draft.description.as_deref().unwrap_or(not_given);
        let short: String = if description.chars().count() > 600 {
            description.chars().take(600).collect::<String>() + "…"
        } else {
            description.to_owned()
        };
        let place = match &draft.place {
            Some(Place {
                latitude: Some(_),
                text,
                ..
            }) => text
                .clone()
                .unwrap_or_else(|| t.report.location_shared.to_string()),
            Some(Place {
                text: Some(text), ..
            }) => text.clone(),
            _ => not_given.to_owned(),
        };
        let evidence = draft.evidence.len().to_string();
        let text = t.report.confirm.render(&[
            ("category", &t.category[category]),
            ("description", &short),
            ("when", draft.when.as_deref().unwrap_or(not_given)),
            ("where", &place),
            ("evidence", &evidence),
        ]);
        CsMessage::text(text).with_buttons(vec![
            Button::query(
                &t.report.send_with_contact,
                Payload::Send { contact_ok: true }.encode(),
            ),
            Button::query(
                &t.report.send_anonymous,
                Payload::Send { contact_ok: false }.encode(),
            ),
            Button::query(&t.report.cancel, Payload::Cancel.encode()),
        ])
    }

    pub(super) async fn save(&self, turn: &mut Turn<'_>, draft: ReportDraft) -> sqlx::Result<()> {
        self.save_dialogue(turn, &Dialogue::Report(draft)).await
    }
}

/// Adds a line to the resident's account.
fn append(draft: &mut ReportDraft, text: &str) {
    let description = draft.description.take().unwrap_or_default();
    draft.description = Some(format!("{description}\n{text}").trim().to_owned());
}
