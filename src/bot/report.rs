//! Report intake: a dialogue that asks only for what is still missing — category, what
//! happened, when, where, photos — then shows a summary whose buttons send the report (with or
//! without consent to be contacted) or cancel it. A report written in one long message goes
//! straight to that summary.

use super::dialogue::{Dialogue, ReportDraft, ReportStep};
use super::payload::Payload;
use super::{Bot, Reply, Turn};
use crate::bot::lang::fold;
use crate::cases::{code, pseudonym, Category, Details, Evidence, Place};
use crate::store::NewCase;
use crate::zalo::events::ZaloEvent;
use crate::zalo::messages::{Button, CsMessage};

/// What the resident gave in one message, as far as the report is concerned.
#[derive(Debug, Default)]
pub(super) struct Input {
    pub text: Option<String>,
    pub payload: Option<Payload>,
    pub evidence: Vec<Evidence>,
    pub location: Option<Place>,
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
            .map(|t| crate::bot::lang::nfc(t.trim()))
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
    "luc ",
    "gio ",
    "hom kia",
    "tuan truoc",
    "thang truoc",
    "ngay ",
    "sang qua",
    "chieu qua",
    "khuya",
    "nua dem",
    "rang sang",
];
const PLACE_CUES: &[&str] = &[
    " o ",
    " tai ",
    "duong ",
    "ngo ",
    "hem ",
    "so nha",
    "khu pho",
    "kp",
    "chung cu",
    "cho ",
    "truong ",
    "cong vien",
    "to dan pho",
    "ngach ",
    "kiet ",
    "quan ",
    "nha so",
    "truoc cua",
    "dau hem",
    "cuoi hem",
    "gan ",
];

impl Bot {
    /// Starts a report, using whatever the first message already says.
    pub(super) async fn start_report(
        &self,
        turn: &mut Turn<'_>,
        input: Input,
    ) -> sqlx::Result<Vec<Reply>> {
        let mut draft = ReportDraft::default();
        let mut replies = vec![turn.reply(CsMessage::text(self.texts.get("report_intro")))];
        if let Some(text) = &input.text {
            let folded = format!(" {} ", fold(text));
            draft.category = Category::guess(&folded);
            let words = folded.split_whitespace().count();
            let only_asking = words <= 8 && JUST_ASKING.iter().any(|w| folded.contains(w));
            if !only_asking && words >= 4 && input.payload.is_none() {
                draft.description = Some(text.clone());
                let in_text = self.texts.get("in_description").to_owned();
                if TIME_CUES.iter().any(|c| folded.contains(c)) {
                    draft.when = Some(in_text.clone());
                }
                if PLACE_CUES.iter().any(|c| folded.contains(c)) {
                    draft.place = Some(Place {
                        text: Some(in_text),
                        latitude: None,
                        longitude: None,
                    });
                    draft.khu_pho = self.area_in(text);
                }
                // Everything said at once: go straight to the summary.
                if draft.when.is_some() && draft.place.is_some() {
                    draft.category.get_or_insert(Category::Other);
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

    /// Applies one message to the draft and asks for what is still missing.
    pub(super) async fn continue_report(
        &self,
        turn: &mut Turn<'_>,
        mut draft: ReportDraft,
        input: Input,
    ) -> sqlx::Result<Vec<Reply>> {
        let step = draft.next_step();
        let mut replies = Vec::new();
        let got_evidence = !input.evidence.is_empty();
        draft.evidence.extend(input.evidence);
        if let Some(place) = input.location {
            draft.place = Some(place);
        }
        match (step, input.payload, input.text) {
            (_, Some(Payload::Send { contact_ok }), _) if step == ReportStep::Confirm => {
                return self.submit(turn, draft, contact_ok).await;
            }
            (ReportStep::Category, Some(Payload::Category(id)), _) => {
                draft.category = Category::from_id(&id).or(Some(Category::Other));
            }
            (ReportStep::Category, None, Some(text)) => {
                // Typed instead of tapped: guess, and keep the text as the account.
                draft.category = Some(Category::guess(&fold(&text)).unwrap_or(Category::Other));
                if text.split_whitespace().count() >= 4 {
                    draft.description = Some(text);
                }
            }
            (ReportStep::Description, None, Some(text)) => draft.description = Some(text),
            (ReportStep::When, Some(Payload::When(w)), _) => {
                let key = format!(
                    "when_{}",
                    match w.as_str() {
                        "now" => "just_now",
                        other => other,
                    }
                );
                draft.when = Some(self.texts.get(&key).to_owned());
            }
            (ReportStep::When, None, Some(text)) => draft.when = Some(text),
            (ReportStep::Where, Some(Payload::WhereUnknown), _) => {
                draft.place = Some(Place {
                    text: Some(self.texts.get("where_unknown").into()),
                    latitude: None,
                    longitude: None,
                });
            }
            (ReportStep::Where, None, Some(text)) => {
                draft.khu_pho = self.area_in(&text);
                draft.place = Some(Place {
                    text: Some(text),
                    latitude: None,
                    longitude: None,
                });
            }
            (ReportStep::Evidence, Some(Payload::EvidenceDone), _) => draft.evidence_done = true,
            (ReportStep::Evidence | ReportStep::Confirm, None, None) if got_evidence => {
                let count = draft.evidence.len().to_string();
                let message =
                    CsMessage::text(self.texts.fill("evidence_received", &[("count", &count)]))
                        .with_buttons(vec![Button::query(
                            self.texts.get("evidence_done"),
                            Payload::EvidenceDone.encode(),
                        )]);
                self.save(turn, draft).await?;
                return Ok(vec![turn.reply(message)]);
            }
            (ReportStep::Confirm, Some(Payload::EvidenceDone), _) => {}
            (_, None, Some(text))
                if step == ReportStep::Evidence || step == ReportStep::Confirm =>
            {
                // More details after the account was given: add them to it.
                let description = draft.description.take().unwrap_or_default();
                draft.description = Some(format!("{description}\n{text}").trim().to_owned());
            }
            _ if got_evidence => {}
            _ => {}
        }
        replies.extend(self.ask_next(turn, draft).await?);
        Ok(replies)
    }

    /// Saves the draft and asks its next question.
    async fn ask_next(&self, turn: &mut Turn<'_>, draft: ReportDraft) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts;
        let cancel = || Button::query(t.get("confirm_cancel"), Payload::Cancel.encode());
        let message = match draft.next_step() {
            ReportStep::Category => {
                let buttons = Category::ALL
                    .iter()
                    .map(|c| {
                        Button::query(
                            t.get(&format!("category_{}", c.id())),
                            Payload::Category(c.id().into()).encode(),
                        )
                    })
                    .collect();
                CsMessage::text(t.get("ask_category")).with_buttons(buttons)
            }
            ReportStep::Description => {
                CsMessage::text(t.get("ask_description")).with_buttons(vec![cancel()])
            }
            ReportStep::When => CsMessage::text(t.get("ask_when")).with_buttons(vec![
                Button::query(t.get("when_just_now"), Payload::When("now".into()).encode()),
                Button::query(t.get("when_today"), Payload::When("today".into()).encode()),
                Button::query(
                    t.get("when_unknown"),
                    Payload::When("unknown".into()).encode(),
                ),
                cancel(),
            ]),
            ReportStep::Where => CsMessage::text(t.get("ask_where")).with_buttons(vec![
                Button::query(t.get("where_unknown"), Payload::WhereUnknown.encode()),
                cancel(),
            ]),
            ReportStep::Evidence => CsMessage::text(t.get("ask_evidence")).with_buttons(vec![
                Button::query(t.get("evidence_none"), Payload::EvidenceDone.encode()),
                cancel(),
            ]),
            ReportStep::Confirm => self.summary(&draft),
        };
        self.save(turn, draft).await?;
        Ok(vec![turn.reply(message)])
    }

    fn summary(&self, draft: &ReportDraft) -> CsMessage {
        let t = &self.texts;
        let not_given = t.get("not_given");
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
                .unwrap_or_else(|| t.get("location_shared").to_owned()),
            Some(Place {
                text: Some(text), ..
            }) => text.clone(),
            _ => not_given.to_owned(),
        };
        let evidence = draft.evidence.len().to_string();
        let text = t.fill(
            "confirm",
            &[
                ("category", t.get(&format!("category_{}", category.id()))),
                ("description", &short),
                ("when", draft.when.as_deref().unwrap_or(not_given)),
                ("where", &place),
                ("evidence", &evidence),
                ("contact", t.get("confirm_contact_question")),
            ],
        );
        CsMessage::text(text).with_buttons(vec![
            Button::query(
                t.get("send_with_contact"),
                Payload::Send { contact_ok: true }.encode(),
            ),
            Button::query(
                t.get("send_anonymous"),
                Payload::Send { contact_ok: false }.encode(),
            ),
            Button::query(t.get("confirm_cancel"), Payload::Cancel.encode()),
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
        let message = CsMessage::text(self.texts.fill("report_created", &[("code", &code)]))
            .with_buttons(vec![
                Button::query(self.texts.get("my_reports"), Payload::MyReports.encode()),
                Button::query(self.texts.get("back_to_menu"), Payload::Menu.encode()),
            ]);
        replies.insert(0, turn.reply(message));
        Ok(replies)
    }

    /// A new case goes to the area officer of its khu phố (and is assigned to them), or, with
    /// no area officer, to the officers on call.
    async fn route_new_case(
        &self,
        turn: &mut Turn<'_>,
        code: &str,
        category: Category,
        area: Option<&str>,
    ) -> sqlx::Result<Vec<Reply>> {
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
        let recipients: Vec<String> = if let Some(first) = area_officers.first() {
            if let Some(case) = turn.store.case_by_code(turn.tx, code).await? {
                turn.store
                    .assign_case(turn.tx, case.id, &first.user_key, "system", turn.now)
                    .await?;
            }
            area_officers
                .iter()
                .filter_map(|o| turn.vault.open_string(&o.zalo_id_sealed).ok())
                .collect()
        } else {
            crate::officers::pager_ids(turn.store, turn.tx, turn.vault, &self.config.on_call)
                .await?
        };
        let area_text = area.map(|a| format!(" · {a}")).unwrap_or_default();
        let text = self.texts.fill(
            "officer_new_case",
            &[
                ("code", code),
                (
                    "category",
                    self.texts.get(&format!("category_{}", category.id())),
                ),
                ("area", &area_text),
            ],
        );
        Ok(recipients
            .into_iter()
            .map(|to| Reply {
                to,
                message: CsMessage::text(text.clone()),
            })
            .collect())
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
                category: category.id().to_owned(),
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

    async fn save(&self, turn: &mut Turn<'_>, draft: ReportDraft) -> sqlx::Result<()> {
        let json = serde_json::to_vec(&Dialogue::Report(draft)).expect("dialogue serialises");
        let sealed = turn.vault.seal(&json);
        turn.store
            .save_dialogue(turn.tx, turn.user_key, &sealed, turn.now)
            .await
    }
}
