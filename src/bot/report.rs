//! Report intake: a dialogue that asks only for what is still missing — category, what
//! happened, when, where, photos — then shows a summary whose buttons send the report (with or
//! without consent to be contacted) or cancel it. A report written in one long message goes
//! straight to that summary.

use super::payload::Payload;
use super::typed::{typed_number, Typed};
use super::Bot;
use std::time::Duration;

use crate::cases::{code, contains_words, pseudonym, Category, Details, Evidence, Place};
use crate::conversation::dialogue::{Dialogue, ReportDraft, ReportStep};
use crate::conversation::{Reply, Turn};
use crate::ids::ZaloId;
use crate::lang::{fold, infer_category, Classification, Intent};
use crate::store::NewCase;
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

/// Below this classifier confidence a message inside a report is taken as part of it; above it,
/// a procedure, news, contact or case question interrupts (and the draft is kept).
const INTERRUPT_ABOVE: f32 = 0.9;

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

    /// Applies one message to the draft and asks for what is still missing. Every button of
    /// every step can be typed ([`Typed`]); a typed answer that fits no choice is either taken
    /// as that step's free text or added to the account with "Đã thêm vào nội dung: …" — never
    /// swallowed.
    pub(super) async fn continue_report(
        &self,
        turn: &mut Turn<'_>,
        mut draft: ReportDraft,
        input: Input,
        typed: Option<Typed>,
        classification: Option<&Classification>,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.report;
        let step = draft.next_step();
        match (input.payload.as_ref(), typed) {
            (Some(Payload::Back), _) | (None, Some(Typed::Back)) => {
                let mut replies = Vec::new();
                if !draft.step_back() {
                    replies.push(turn.reply(CsMessage::text(&t.back_at_start)));
                }
                replies.extend(self.ask_next(turn, draft).await?);
                return Ok(replies);
            }
            (None, Some(Typed::Menu)) => {
                draft.paused = true;
                self.save(turn, draft).await?;
                return Ok(vec![turn.reply(self.welcome_with(true))]);
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
                self.save(turn, draft).await?;
                let text = input.text.clone().unwrap_or_default();
                let mut replies = self.answer(turn, &text, input, Some(c.clone())).await?;
                self.offer_resume(turn, &mut replies).await?;
                return Ok(replies);
            }
        }
        let got_evidence = !input.evidence.is_empty();
        draft.evidence.extend(input.evidence);
        let got_location = input.location.is_some();
        if let Some(place) = input.location {
            draft.place = Some(place);
        }
        let mut replies = Vec::new();
        let text = input.text;
        match (step, input.payload, typed) {
            (ReportStep::Confirm, Some(Payload::Send { contact_ok }), _) => {
                return self.submit(turn, draft, contact_ok).await;
            }
            (ReportStep::Confirm, None, Some(Typed::Yes | Typed::SendNoContact)) => {
                return self.submit(turn, draft, false).await;
            }
            (ReportStep::Confirm, None, Some(Typed::SendWithContact)) => {
                return self.submit(turn, draft, true).await;
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
                    None if draft.description.is_some() && !text.is_empty() => {
                        // The account is kept; only the category is still unclear.
                        replies.push(turn.reply(CsMessage::text(
                            t.added_to_description.render(&[("text", &text)]),
                        )));
                    }
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
                draft.place = Some(Place::typed(t.where_unknown.to_string()));
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
                let count = draft.evidence.len().to_string();
                if let Some(caption) = text {
                    append(&mut draft, &caption);
                }
                let message = CsMessage::text(t.evidence_received.render(&[("count", &count)]))
                    .with_buttons(vec![Button::query(
                        &t.evidence_done,
                        Payload::EvidenceDone.encode(),
                    )]);
                draft.evidence_done = false;
                self.save(turn, draft).await?;
                return Ok(vec![turn.reply(message)]);
            }
            (ReportStep::Confirm, Some(Payload::EvidenceDone), _) => {}
            (ReportStep::Evidence | ReportStep::Confirm, None, None) if text.is_some() => {
                // More details after the account was given: added, and said so.
                let text = text.unwrap_or_default();
                append(&mut draft, &text);
                replies.push(turn.reply(CsMessage::text(
                    t.added_to_description.render(&[("text", &text)]),
                )));
            }
            // A typed word that fits no choice of this step: the question is asked again.
            _ => {}
        }
        replies.extend(self.ask_next(turn, draft).await?);
        Ok(replies)
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

    /// Creates the case from the draft and ends the dialogue.
    async fn submit(
        &self,
        turn: &mut Turn<'_>,
        draft: ReportDraft,
        contact_ok: bool,
    ) -> sqlx::Result<Vec<Reply>> {
        let details = Details {
            description: draft.description.unwrap_or_default(),
            when: draft.when,
            place: draft.place,
            evidence: draft.evidence,
            contact_ok,
        };
        let category = draft.category.unwrap_or(Category::Other);
        if let Some(replies) = self.merge_if_flooding(turn, &details).await? {
            return Ok(replies);
        }
        // The place named in the report wins; else where the resident said they live.
        let area = match draft.khu_pho {
            Some(area) => Some(area),
            None => turn
                .store
                .resident(turn.tx, turn.user_key)
                .await?
                .and_then(|r| r.khu_pho),
        };
        let code = self
            .create_case(turn, category, false, area.clone(), &details)
            .await?;
        turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        let mut replies = self
            .route_new_case(turn, &code, category, area.as_deref())
            .await?;
        metrics::counter!("ketnoi_cases_created_total", "category" => category.id(), "urgent" => "false").increment(1);
        let t = &self.texts.report;
        let contact = if contact_ok {
            &t.contact_allowed
        } else {
            &t.contact_refused
        };
        let created = if category.chief_only() {
            &t.created_complaint
        } else {
            &t.created
        };
        let message = CsMessage::text(created.render(&[("code", &code), ("contact", contact)]))
            .with_buttons(vec![
                Button::query(&self.texts.report.my_reports, Payload::MyReports.encode()),
                Button::query(&self.texts.menu.back, Payload::Menu.encode()),
            ]);
        replies.insert(0, turn.reply(message));
        Ok(replies)
    }

    /// Past `bot.reports_per_hour`, a resident's new report is added to their latest open case
    /// (marked as a merged report on its timeline, forwarded to whoever handles it) instead of
    /// opening another case and paging again.
    async fn merge_if_flooding(
        &self,
        turn: &mut Turn<'_>,
        details: &Details,
    ) -> sqlx::Result<Option<Vec<Reply>>> {
        let hour_ago = turn.now.minus(Duration::from_secs(3600));
        let limit = self.config.bot.reports_per_hour as usize;
        let recent: Vec<_> = turn
            .store
            .cases_of_reporter(turn.tx, turn.user_key, limit as i64 + 1)
            .await?
            .into_iter()
            .filter(|c| c.created_at >= hour_ago)
            .collect();
        if recent.len() < limit {
            return Ok(None);
        }
        let open = recent.iter().find(|c| c.status.is_open());
        let Some(case) = open.cloned() else {
            return Ok(None);
        };
        turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        metrics::counter!("ketnoi_reports_merged_total").increment(1);
        let text = format!("[Tin báo gộp thêm] {}", details.description);
        let mut replies = self.forward_to_officer(turn, &case, &text).await?;
        replies[0] = turn.reply(
            CsMessage::text(self.texts.report.merged.render(&[("code", &case.code)])).with_buttons(
                vec![
                    Button::query(&self.texts.report.my_reports, Payload::MyReports.encode()),
                    Button::query(&self.texts.menu.back, Payload::Menu.encode()),
                ],
            ),
        );
        Ok(Some(replies))
    }

    /// A new case goes to the area officer of its khu phố (and is assigned to them), or, with
    /// no area officer, to the officers on call (else the chief). A complaint about an officer
    /// goes to the chief only, whoever the area officer is.
    async fn route_new_case(
        &self,
        turn: &mut Turn<'_>,
        code: &str,
        category: Category,
        area: Option<&str>,
    ) -> sqlx::Result<Vec<Reply>> {
        let recipients: Vec<ZaloId> = if category.chief_only() {
            crate::conversation::roster::chief_ids(turn.store, turn.tx, turn.vault).await?
        } else {
            let area_officers: Vec<_> = match area {
                Some(area) => turn
                    .store
                    .officers(turn.tx)
                    .await?
                    .into_iter()
                    .filter(|o| o.area_list().contains(&area))
                    .collect(),
                None => Vec::new(),
            };
            if let Some(first) = area_officers.first() {
                if let Some(case) = turn.store.case_by_code(turn.tx, code).await? {
                    turn.store
                        .assign_case(turn.tx, case.id, &first.user_key, "system", turn.now)
                        .await?;
                }
                area_officers
                    .iter()
                    .filter_map(|o| turn.vault.open_zalo_id(&o.zalo_id_sealed).ok())
                    .collect()
            } else {
                crate::conversation::roster::pager_ids(
                    turn.store,
                    turn.tx,
                    turn.vault,
                    &self.config.on_call,
                )
                .await?
            }
        };
        let area_text = area.map(|a| format!(" · {a}")).unwrap_or_default();
        let text = self.texts.officer.new_case.render(&[
            ("code", code),
            ("category", &self.texts.category[category]),
            ("area", &area_text),
        ]);
        let notice =
            CsMessage::text(text).with_buttons(crate::officers::case_buttons(&self.texts, code));
        Ok(Reply::to_each_message(recipients, notice).collect())
    }

    /// Stores a case under a fresh random code (drawing again on the rare collision).
    pub(super) async fn create_case(
        &self,
        turn: &mut Turn<'_>,
        category: Category,
        urgent: bool,
        khu_pho: Option<String>,
        details: &Details,
    ) -> sqlx::Result<String> {
        let sealed = turn
            .vault
            .seal(&serde_json::to_vec(details).expect("details serialise"));
        loop {
            let case = NewCase {
                code: code::generate(),
                reporter_key: turn.user_key.to_owned(),
                pseudonym: pseudonym(turn.user_key),
                category,
                urgent,
                khu_pho: khu_pho.clone(),
                details: sealed.clone(),
            };
            if turn
                .store
                .create_case(turn.tx, &case, turn.now)
                .await?
                .is_some()
            {
                return Ok(case.code);
            }
        }
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
