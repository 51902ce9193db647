//! The conversation with residents. The inbox worker hands each event to [`Bot::handle`] inside
//! the event's transaction; handlers read and change state only through the store in that
//! transaction and return replies — they never call Zalo themselves.
//!
//! Who is writing (an officer or a resident) is decided above, by [`crate::dispatch`].
//!
//! Order of decisions for a resident's message (one place, on purpose):
//! 0. a `/…` text gets the menu and learns nothing about commands;
//! 1. a button payload, matched exactly;
//! 2. "hủy" while something is in progress;
//! 3. an emergency — answered at once, whatever else is going on;
//! 4. the dialogue in progress (a report being written, or an answer to an officer);
//! 5. a case code → that case's status;
//! 6. the classified intent, or a clarifying question when the classifier is unsure.

mod addinfo;
mod anonymous;
mod answers;
mod area;
mod contact_info;
mod emergency;
mod group;
mod honorific;
pub mod out_of_scope;
pub mod payload;
mod place;
pub mod procedures;
mod relay;
pub(crate) mod report;
pub mod scam;
pub mod typed;

use std::time::Duration;

use crate::cases::code;
use crate::conversation::dialogue::{Dialogue, ReportDraft};
use crate::conversation::texts::{Label, Texts};
use crate::conversation::{BotConfig, Reply, Turn};
use crate::lang;
use crate::lang::Intent;
use crate::store::Priority;
use crate::zalo::events::EventKind;
use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};
use out_of_scope::OutOfScope;
use payload::Payload;
use procedures::Catalogue;
use report::Input;
use typed::Typed;

/// Confidence an emergency reading of the model alone needs to interrupt a dialogue in progress
/// (an answer to a question: "áo khoác đen", "6", "2 giờ sáng nay"); a rule's cue — "cứu", a
/// knife now, fire — always interrupts.
const EMERGENCY_IN_DIALOGUE: f32 = 0.9;

/// The bot.
#[derive(Debug, Clone)]
pub struct Bot {
    texts: Texts,
    catalogue: Catalogue,
    out_of_scope: OutOfScope,
    config: BotConfig,
}

impl Bot {
    /// Builds the bot; the classifier is trained on first use.
    pub fn new(
        texts: Texts,
        catalogue: Catalogue,
        out_of_scope: OutOfScope,
        config: BotConfig,
    ) -> Bot {
        Bot {
            texts,
            catalogue,
            out_of_scope,
            config,
        }
    }

    /// Trains the classifier now rather than on the first message.
    pub fn warm_up(&self) {
        crate::lang::shared();
    }

    /// The replies to a resident's follow, chat-now tap or message (the dispatcher sends nothing else here).
    pub async fn handle(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let kind = turn.event.kind();
        // One look-up per event: how to address them.
        let elderly = self.honorific(turn).await?;
        let replies = match kind {
            EventKind::Follow | EventKind::ChatNow => self.greet(turn).await?,
            _ => {
                let replies = self.handle_message(turn).await?;
                self.limit_flood(turn, replies).await?
            }
        };
        Ok(honorific::address(turn.user_id, replies, elderly))
    }

    async fn handle_message(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let text = turn.event.text().map(lang::nfc).unwrap_or_default();
        let text = text.trim();
        if text.starts_with('/') || text.starts_with('／') {
            return Ok(vec![turn.reply(self.welcome())]);
        }
        let (dialogue, expired) = self.load_dialogue(turn).await?;
        let payload = Payload::parse(text).or_else(|| self.typed_button(dialogue.as_ref(), text));
        let input = Input::from_event(turn.event, payload.clone());
        if let Some(payload) = payload {
            return self
                .on_payload(turn, payload, dialogue, expired, input)
                .await;
        }
        // A shared location's text is the place's name, a label: not words to classify.
        let typed = if input.location.is_some() {
            None
        } else {
            typed::typed(text)
        };

        // Follow-ups of an emergency belong to it, whatever they say: an address, a location,
        // photos, "nhanh lên". Only the ways out leave it.
        if let Some(Dialogue::Emergency { case_id, code }) = &dialogue {
            match typed {
                Some(Typed::Cancel) => return self.cancel(turn, dialogue.as_ref()).await,
                Some(Typed::Menu) => return Ok(vec![turn.reply(self.welcome())]),
                _ => return self.emergency_follow_up(turn, *case_id, code, input).await,
            }
        }

        let paused = paused_draft(dialogue.as_ref());
        let classification = (!text.is_empty() && typed.is_none() && input.location.is_none())
            .then(|| lang::shared().classify(text));
        if let Some(c) = &classification {
            metrics::counter!("ketnoi_intents_total", "intent" => c.intent.as_str()).increment(1);
            // Inside a report, short answers ("2 giờ sáng nay") can look alarming to the model;
            // there it takes a confident emergency to interrupt. Outside, any emergency reading
            // wins: a false alarm costs less than a missed one.
            // Answers to a question (a report step, an officer's question) are read the same
            // careful way.
            let writing = matches!(
                &dialogue,
                Some(Dialogue::Report(ReportDraft { paused: false, .. }))
                    | Some(Dialogue::Relay { .. })
                    | Some(Dialogue::AddInfo { .. })
                    | Some(Dialogue::AskArea)
                    | Some(Dialogue::AskGroupArea)
            );
            if c.intent == Intent::Emergency
                && (!writing || c.emergency_cue || c.confidence >= EMERGENCY_IN_DIALOGUE)
            {
                return self.emergency(turn, text).await;
            }
            // Recall before precision: when the model hesitates, ask, with the numbers to call.
            // A khu phố's name on its own is the resident saying where they live, not danger.
            let only_area =
                self.area_index(text).is_some() && crate::conversation::area::is_only_area(text);
            if !writing && !only_area && c.emergency_p >= self.config.bot.danger_check_above {
                return self.danger_check(turn, text).await;
            }
        }
        if typed == Some(Typed::Cancel) {
            return self.cancel(turn, dialogue.as_ref()).await;
        }

        match dialogue {
            Some(Dialogue::Report(draft)) if !draft.paused => {
                return self
                    .continue_report(turn, draft, input, typed, classification.as_ref())
                    .await
            }
            Some(Dialogue::Relay {
                case_id,
                code,
                pending,
            }) => {
                if let (Some(held), Some(answer @ (Typed::Yes | Typed::No))) = (&pending, typed) {
                    let send = answer == Typed::Yes;
                    return self
                        .relay_choice(turn, case_id, &code, Some(held.clone()), send)
                        .await;
                }
                if let Some(replies) = self
                    .relay_from_resident(
                        turn,
                        case_id,
                        &code,
                        &input,
                        typed,
                        classification.as_ref(),
                    )
                    .await?
                {
                    return Ok(replies);
                }
            }
            Some(Dialogue::AddInfo { case_id, code, .. }) => {
                return self.add_info(turn, case_id, &code, input, typed).await;
            }
            Some(Dialogue::DangerCheck { text: first }) => {
                match typed {
                    Some(Typed::Yes) => return self.emergency(turn, &first).await,
                    Some(Typed::No) => {
                        return self.start_report(turn, Input::text(first)).await;
                    }
                    // Anything else is a new message: the question is dropped, nobody is stuck.
                    _ => turn.store.clear_dialogue(turn.tx, turn.user_key).await?,
                }
            }
            Some(Dialogue::AskArea) => {
                if let Some(area) = self.area_index(text) {
                    return self.save_area(turn, Some(area)).await;
                }
                match typed {
                    Some(Typed::Done | Typed::No | Typed::DontKnow) => {
                        return self.save_area(turn, None).await
                    }
                    _ if crate::conversation::area::looks_like_area(text) => {
                        return Ok(vec![turn.reply(self.area_not_found(text))]);
                    }
                    _ => turn.store.clear_dialogue(turn.tx, turn.user_key).await?,
                }
            }
            Some(Dialogue::AskGroupArea) => {
                turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
                if let Some(area) = self.area_in(text) {
                    return self.group_link(turn, Some(area)).await;
                }
            }
            Some(Dialogue::ContactOffered { code }) => {
                turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
                if crate::conversation::quote::has_long_number(text) {
                    return self.typed_contact(turn, &code, text).await;
                }
            }
            Some(Dialogue::Report(_))
            | Some(Dialogue::Emergency { .. })
            | Some(Dialogue::SharedPlace { .. })
            | None => {}
        }
        if let Some(place) = input.location.clone() {
            let mut replies = vec![self.place_shared(turn, place, paused.is_none()).await?];
            if paused.is_some() {
                self.offer_resume(turn, &mut replies).await?;
            }
            return Ok(replies);
        }
        match typed {
            Some(Typed::Menu) => return Ok(vec![turn.reply(self.welcome_with(paused.is_some()))]),
            Some(Typed::Resume) => return self.resume_report(turn, paused).await,
            _ => {}
        }
        let mut replies = self.answer(turn, text, input, classification).await?;
        if paused.is_some() {
            self.offer_resume(turn, &mut replies).await?;
        }
        Ok(replies)
    }

    /// A message outside any dialogue: a case code, else what the classifier read.
    async fn answer(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
        input: Input,
        classification: Option<lang::Classification>,
    ) -> sqlx::Result<Vec<Reply>> {
        if let Some(code) = code::find(text) {
            return self.case_status(turn, Some(code)).await;
        }
        if let Some(area) = self
            .area_index(text)
            .filter(|_| crate::conversation::area::is_only_area(text))
        {
            return self.save_area(turn, Some(area)).await;
        }
        let Some(c) = classification else {
            // Photos or files without words and without a report in progress (a location is
            // answered before this, in `handle_message`).
            let text = &self.texts.menu.media_outside_report;
            return Ok(vec![turn.reply(CsMessage::text(text).with_buttons(vec![
                Button::query(&self.texts.menu.report, Payload::Report.encode()),
                Button::query(&self.texts.menu.back, Payload::Menu.encode()),
            ]))]);
        };
        if group::asks_for_group(text) {
            return self.group_link(turn, self.area_in(text)).await;
        }
        let may_be_scam_check = !matches!(
            c.intent,
            Intent::News | Intent::Procedure | Intent::Contact | Intent::Greeting
        );
        if may_be_scam_check && scam::is_scam_question(text) {
            return Ok(vec![turn.reply(self.scam_answer())]);
        }
        if c.intent == Intent::Other || c.confidence < self.config.bot.clarify_below {
            if let Some(topic) = self.out_of_scope.find(text) {
                return Ok(vec![turn.reply(self.out_of_scope_answer(topic))]);
            }
        }
        if c.confidence < self.config.bot.clarify_below && c.intent != Intent::Greeting {
            return Ok(vec![turn.reply(self.clarify(c.intent))]);
        }
        match c.intent {
            Intent::Emergency => self.emergency(turn, text).await,
            Intent::Report => self.start_report(turn, input).await,
            Intent::Procedure => {
                Ok(self.procedure_answer(turn, c.procedure, &c.procedure_candidates))
            }
            Intent::News => self.news(turn, 0).await,
            Intent::CaseStatus => self.case_status(turn, None).await,
            Intent::Greeting => self.greet(turn).await,
            Intent::Contact => {
                let area = self.resident_area(turn).await?;
                Ok(vec![turn.reply(self.contact(text, area))])
            }
            Intent::Other => Ok(vec![turn.reply(self.other())]),
        }
    }

    async fn on_payload(
        &self,
        turn: &mut Turn<'_>,
        payload: Payload,
        dialogue: Option<Dialogue>,
        expired: bool,
        input: Input,
    ) -> sqlx::Result<Vec<Reply>> {
        let report_step = matches!(
            payload,
            Payload::Category(_)
                | Payload::When(_)
                | Payload::WhereUnknown
                | Payload::EvidenceDone
                | Payload::Send { .. }
                | Payload::Back
        );
        match (payload, dialogue) {
            (Payload::Cancel, dialogue) => self.cancel(turn, dialogue.as_ref()).await,
            (_, Some(Dialogue::Report(draft))) if report_step => {
                let mut draft = draft;
                draft.paused = false;
                self.continue_report(turn, draft, input, None, None).await
            }
            (_, _) if report_step => {
                let text = if expired {
                    &self.texts.in_progress.expired
                } else {
                    &self.texts.in_progress.nothing_to_cancel
                };
                Ok(vec![turn.reply(
                    CsMessage::text(text).with_buttons(self.menu_buttons()),
                )])
            }
            (Payload::DangerNow(now), Some(Dialogue::DangerCheck { text })) => {
                if now {
                    self.emergency(turn, &text).await
                } else {
                    self.start_report(turn, Input::text(text)).await
                }
            }
            (Payload::AddInfo(yes), Some(Dialogue::AddInfo { case_id, code, .. })) => {
                let typed = if yes { Typed::Yes } else { Typed::No };
                self.add_info(turn, case_id, &code, input, Some(typed))
                    .await
            }
            (
                Payload::RelaySend(send),
                Some(Dialogue::Relay {
                    case_id,
                    code,
                    pending,
                }),
            ) => self.relay_choice(turn, case_id, &code, pending, send).await,
            (Payload::Menu, dialogue) => {
                let draft_kept = self.pause_draft(turn, dialogue).await?;
                Ok(vec![turn.reply(self.welcome_with(draft_kept))])
            }
            (Payload::ResumeReport, dialogue) => {
                self.resume_report(turn, paused_draft(dialogue.as_ref()))
                    .await
            }
            (Payload::Area(choice), _) => self.save_area(turn, choice).await,
            (Payload::ChangeArea, _) => self.ask_area_now(turn).await,
            (Payload::Group(area), _) => {
                let area = area
                    .and_then(|i| self.config.station.areas.get(i))
                    .map(|a| a.name.clone());
                self.group_link(turn, area).await
            }
            (Payload::Report, dialogue) => match paused_draft(dialogue.as_ref()) {
                Some(draft) => self.resume_report(turn, Some(draft)).await,
                None => self.start_report(turn, Input::default()).await,
            },
            (Payload::ReportHere, dialogue) => self.report_here(turn, dialogue).await,
            (Payload::ScamReport, _) => {
                let input = Input {
                    category: Some(crate::cases::Category::Scam),
                    ..Input::default()
                };
                self.start_report(turn, input).await
            }
            (Payload::Procedures, _) => Ok(vec![turn.reply(self.procedure_menu())]),
            (Payload::Procedure(id), _) => {
                Ok(self.procedure_answer(turn, self.catalogue_id(&id), &[]))
            }
            (Payload::ProcedureDetails(id), _) => {
                Ok(self.procedure_details(turn, self.catalogue_id(&id)))
            }
            (Payload::News(offset), _) => self.news(turn, offset).await,
            (Payload::Contact, _) => {
                let area = self.resident_area(turn).await?;
                Ok(vec![turn.reply(self.contact("", area))])
            }
            (Payload::MyReports, _) => self.case_status(turn, None).await,
            // A stale button of a question no longer open: the menu, never a dead end.
            _ => Ok(vec![turn.reply(self.welcome())]),
        }
    }

    /// "Hủy" / "thôi": ends what is in progress and says what that was.
    async fn cancel(
        &self,
        turn: &mut Turn<'_>,
        dialogue: Option<&Dialogue>,
    ) -> sqlx::Result<Vec<Reply>> {
        turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        let t = &self.texts.in_progress;
        let text = match dialogue {
            Some(Dialogue::Report(_)) => t.cancelled_report.to_string(),
            Some(Dialogue::AddInfo { code, .. }) => t.cancelled_addition.render(&[("code", code)]),
            Some(_) => t.cancelled.to_string(),
            None => t.nothing_to_cancel.to_string(),
        };
        Ok(vec![turn.reply(
            CsMessage::text(text).with_buttons(self.menu_buttons()),
        )])
    }

    /// The resident's dialogue, unless it idled out (then it is dropped: `(None, true)`).
    async fn load_dialogue(&self, turn: &mut Turn<'_>) -> sqlx::Result<(Option<Dialogue>, bool)> {
        let Some((sealed, updated_at)) = turn.store.load_dialogue(turn.tx, turn.user_key).await?
        else {
            return Ok((None, false));
        };
        let dialogue = turn
            .vault
            .open(&sealed)
            .ok()
            .and_then(|plain| serde_json::from_slice::<Dialogue>(&plain).ok());
        let idle = match dialogue {
            Some(Dialogue::Relay { .. } | Dialogue::AddInfo { .. }) => {
                crate::conversation::dialogue::RELAY_IDLE
            }
            Some(Dialogue::Emergency { .. }) => crate::conversation::dialogue::EMERGENCY_FOLLOW_UP,
            _ => Duration::from_secs(self.config.bot.dialogue_idle_minutes * 60),
        };
        if dialogue.is_none() || turn.now.since(updated_at) > idle {
            turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
            return Ok((None, true));
        }
        Ok((dialogue, false))
    }

    /// Flood control: past `bot.burst_messages` in `bot.burst_window_secs`, the resident's
    /// messages are still handled (a report keeps what they add), but the replies to them are
    /// replaced by one "Đã nhận, xin chờ…" for the burst. Urgent replies (an emergency's answer)
    /// always go out. Officers' messages never come here.
    async fn limit_flood(
        &self,
        turn: &mut Turn<'_>,
        mut replies: Vec<Reply>,
    ) -> sqlx::Result<Vec<Reply>> {
        let bot = &self.config.bot;
        let since = turn.now.minus(Duration::from_secs(bot.burst_window_secs));
        // Counted up to this event, not up to now: under a backlog the later ones are already
        // stored, and the first messages of a burst must still be answered.
        let recent = turn
            .store
            .events_since(turn.tx, turn.user_key, since, turn.inbox_id)
            .await?;
        let limit = i64::from(bot.burst_messages);
        if recent <= limit {
            return Ok(replies);
        }
        let user = turn.user_id;
        let urgent = replies
            .iter()
            .any(|r| &r.to == user && r.priority == Priority::Urgent);
        if urgent {
            return Ok(replies);
        }
        metrics::counter!("ketnoi_flood_limited_total").increment(1);
        replies.retain(|r| &r.to != user);
        if recent == limit + 1 {
            replies.insert(
                0,
                turn.reply(CsMessage::text(&self.texts.menu.flood_notice)),
            );
        }
        Ok(replies)
    }

    /// The payload of a button of an open two-choice question whose title the resident typed
    /// ("Gửi bổ sung", "Đang xảy ra, cần giúp"). Report steps match their own buttons.
    fn typed_button(&self, dialogue: Option<&Dialogue>, text: &str) -> Option<Payload> {
        let t = &self.texts;
        let choices: &[(&Label, Payload)] = match dialogue? {
            Dialogue::DangerCheck { .. } => &[
                (&t.emergency.danger_now, Payload::DangerNow(true)),
                (&t.emergency.danger_past, Payload::DangerNow(false)),
            ],
            Dialogue::AddInfo { .. } => &[
                (&t.need_info.send, Payload::AddInfo(true)),
                (&t.need_info.not_an_addition, Payload::AddInfo(false)),
            ],
            Dialogue::Relay {
                pending: Some(_), ..
            } => &[(&t.relay.other, Payload::RelaySend(false))],
            _ => return None,
        };
        let typed = lang::fold(text);
        choices
            .iter()
            .find(|(title, _)| lang::fold(title) == typed)
            .map(|(_, payload)| payload.clone())
    }

    /// The main menu buttons.
    fn menu_buttons(&self) -> Vec<Button> {
        let t = &self.texts;
        vec![
            Button::query(&t.menu.report, Payload::Report.encode()),
            Button::query(&t.menu.procedure, Payload::Procedures.encode()),
            Button::query(&t.menu.news, Payload::News(0).encode()),
            Button::query(&t.menu.contact, Payload::Contact.encode()),
        ]
    }

    /// The welcome text with the main menu.
    pub fn welcome(&self) -> CsMessage {
        self.welcome_with(false)
    }

    /// The welcome, with "Tiếp tục báo tin" when a draft is kept.
    fn welcome_with(&self, draft_kept: bool) -> CsMessage {
        let mut text = self.texts.menu.welcome.to_string();
        let mut buttons = self.menu_buttons();
        if draft_kept {
            text.push_str("\n\n");
            text.push_str(&self.texts.in_progress.report_kept);
            buttons.push(self.resume_button());
        }
        CsMessage::text(text).with_buttons(buttons)
    }

    fn resume_button(&self) -> Button {
        Button::query(
            &self.texts.in_progress.resume,
            Payload::ResumeReport.encode(),
        )
    }

    /// Adds "Tiếp tục báo tin" to the last reply to the resident while a draft waits.
    async fn offer_resume(
        &self,
        turn: &mut Turn<'_>,
        replies: &mut Vec<Reply>,
    ) -> sqlx::Result<()> {
        let user = turn.user_id;
        let last = replies.iter_mut().rev().find(|r| &r.to == user);
        match last {
            Some(reply) if reply.message.buttons.len() < MAX_BUTTONS => {
                reply.message.buttons.push(self.resume_button());
            }
            _ => replies.push(
                turn.reply(
                    CsMessage::text(&self.texts.in_progress.report_kept)
                        .with_buttons(vec![self.resume_button()]),
                ),
            ),
        }
        Ok(())
    }

    /// Sets a draft aside (for "menu" or another question); `true` when there was one.
    async fn pause_draft(
        &self,
        turn: &mut Turn<'_>,
        dialogue: Option<Dialogue>,
    ) -> sqlx::Result<bool> {
        match dialogue {
            Some(Dialogue::Report(mut draft)) => {
                draft.paused = true;
                self.save(turn, draft).await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Takes a paused draft up again where it stopped.
    async fn resume_report(
        &self,
        turn: &mut Turn<'_>,
        paused: Option<ReportDraft>,
    ) -> sqlx::Result<Vec<Reply>> {
        match paused {
            Some(mut draft) => {
                draft.paused = false;
                self.ask_next(turn, draft).await
            }
            None => Ok(vec![turn.reply(
                CsMessage::text(&self.texts.in_progress.resume_nothing)
                    .with_buttons(self.menu_buttons()),
            )]),
        }
    }

    fn other(&self) -> CsMessage {
        CsMessage::text(&self.texts.menu.not_supported).with_buttons(self.menu_buttons())
    }

    /// Asks what the resident meant, offering the likely intent first.
    fn clarify(&self, guess: Intent) -> CsMessage {
        let t = &self.texts;
        let mut options = vec![
            (
                Intent::Report,
                Button::query(&t.clarify.report, Payload::Report.encode()),
            ),
            (
                Intent::Procedure,
                Button::query(&t.clarify.procedure, Payload::Procedures.encode()),
            ),
            (
                Intent::News,
                Button::query(&t.clarify.news, Payload::News(0).encode()),
            ),
            (
                Intent::CaseStatus,
                Button::query(&t.clarify.status, Payload::MyReports.encode()),
            ),
            (
                Intent::Contact,
                Button::query(&t.clarify.contact, Payload::Contact.encode()),
            ),
        ];
        options.sort_by_key(|(intent, _)| *intent != guess);
        CsMessage::text(&t.clarify.question)
            .with_buttons(options.into_iter().map(|(_, b)| b).collect())
    }
}

/// The report draft set aside, if the dialogue holds one.
fn paused_draft(dialogue: Option<&Dialogue>) -> Option<ReportDraft> {
    match dialogue {
        Some(Dialogue::Report(draft)) if draft.paused => Some(draft.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_words_with_or_without_diacritics() {
        for word in [
            "Hủy",
            "huỷ",
            "HUY",
            "thôi",
            "cancel",
            "thôi khỏi",
            "không báo nữa",
        ] {
            assert_eq!(typed::typed(word), Some(Typed::Cancel), "{word}");
        }
        assert_eq!(typed::typed("hủy đăng ký thường trú thế nào"), None);
    }
}
