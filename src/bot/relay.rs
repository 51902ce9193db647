//! The anonymous two-way relay: after an officer answers a case, what the resident writes next
//! is added to the case and forwarded to the officer handling it — under the case's pseudonym,
//! never with the resident's id — while it is plainly about that case. A new question (a
//! procedure, news, a new report) is answered normally; when unsure the bot asks with two
//! buttons. The relay ends when the case closes.

use super::payload::Payload;
use super::report::Input;
use super::typed::Typed;
use super::Bot;
use crate::cases::CaseCode;
use crate::conversation::dialogue::Dialogue;
use crate::conversation::{Reply, Turn};
use crate::ids::ZaloId;
use crate::lang::{Classification, Intent};
use crate::store::CaseRow;
use crate::zalo::messages::{Button, CsMessage};

/// Confidence from which a non-case intent is taken as a new question rather than an answer.
const NEW_QUESTION_ABOVE: f32 = 0.75;
/// Below this, a non-case reading is too unsure either way: ask.
const ASK_ABOVE: f32 = 0.45;

impl Bot {
    /// A resident's message while the relay of a case is open. `None` when it is not for the
    /// officer: the caller answers it as any other message (the relay stays open).
    pub(super) async fn relay_from_resident(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
        input: &Input,
        typed: Option<Typed>,
        classification: Option<&Classification>,
    ) -> sqlx::Result<Option<Vec<Reply>>> {
        let Some(case) = self.open_case(turn, case_id, code).await? else {
            turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
            return Ok(None);
        };
        if matches!(typed, Some(Typed::Menu | Typed::Resume | Typed::Back)) {
            return Ok(None);
        }
        let about_case = match classification {
            None => true, // photos, a location, a typed "ok"/"không": answers to the officer
            // A question of another kind (a procedure, news, the station's contacts) is a new
            // question; everything else — details, thanks, "other" — answers the officer.
            Some(c) => match c.intent {
                Intent::Procedure | Intent::News | Intent::Contact
                    if c.confidence >= NEW_QUESTION_ABOVE =>
                {
                    false
                }
                Intent::Procedure | Intent::News | Intent::Contact if c.confidence >= ASK_ABOVE => {
                    // Unsure: hold the message and ask.
                    let text = input.as_timeline_text();
                    self.save_dialogue(
                        turn,
                        &Dialogue::Relay {
                            case_id,
                            code: code.to_owned(),
                            pending: Some(text),
                        },
                    )
                    .await?;
                    let t = &self.texts;
                    return Ok(Some(vec![turn.reply(
                        CsMessage::text(t.relay.ask.render(&[("code", code)])).with_buttons(vec![
                            Button::query(
                                t.relay.send.render(&[("code", code)]),
                                Payload::RelaySend(true).encode(),
                            ),
                            Button::query(&t.relay.other, Payload::RelaySend(false).encode()),
                        ]),
                    )]));
                }
                _ => true,
            },
        };
        // A new report ("tôi muốn báo tin khác") is a new case, not a reply.
        let new_report = classification.is_some_and(|c| {
            c.intent == Intent::Report && input.text.as_deref().is_some_and(says_new_report)
        });
        if !about_case || new_report {
            return Ok(None);
        }
        let text = input.as_timeline_text();
        Ok(Some(self.forward_to_officer(turn, &case, &text).await?))
    }

    /// The resident tapped "for the officer" or "something else" about a held message.
    pub(super) async fn relay_choice(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
        pending: Option<String>,
        send: bool,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.open_case(turn, case_id, code).await? else {
            turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
            return Ok(vec![turn.reply(self.welcome())]);
        };
        self.save_dialogue(
            turn,
            &Dialogue::Relay {
                case_id,
                code: code.to_owned(),
                pending: None,
            },
        )
        .await?;
        match pending {
            Some(text) if send => self.forward_to_officer(turn, &case, &text).await,
            Some(text) => {
                self.answer(turn, &text, Input::text(text.clone()), text_class(&text))
                    .await
            }
            None => Ok(vec![turn.reply(self.welcome())]),
        }
    }

    /// The case, while it still takes messages.
    async fn open_case(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
    ) -> sqlx::Result<Option<CaseRow>> {
        Ok(self
            .case_of_dialogue(turn, case_id, code)
            .await?
            .filter(|c| c.status.is_open()))
    }

    /// Adds the resident's message to the case and forwards it to whoever handles it. The
    /// resident is told it reached an officer only if one received it.
    pub(super) async fn forward_to_officer(
        &self,
        turn: &mut Turn<'_>,
        case: &CaseRow,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        record_resident_message(turn, case.id, text).await?;
        let recipients = self.case_handlers(turn, case).await?;
        let forwarded = self.texts.officer.resident_said.render(&[
            ("code", &case.code),
            ("pseudonym", &case.pseudonym),
            ("text", &crate::conversation::quote::for_officers(text)),
        ]);
        let ack = if self.any_reachable(turn, &recipients).await? {
            &self.texts.relay.ack
        } else {
            &self.texts.relay.ack_recorded
        };
        let mut replies = vec![turn.reply(
            CsMessage::text(ack.render(&[("code", &case.code)])).with_buttons(self.menu_buttons()),
        )];
        replies.extend(Reply::to_each(recipients, &forwarded));
        Ok(replies)
    }

    /// Zalo ids of who handles a case: its assignee, else the chief for a complaint, else the
    /// officers on call.
    pub(super) async fn case_handlers(
        &self,
        turn: &mut Turn<'_>,
        case: &CaseRow,
    ) -> sqlx::Result<Vec<ZaloId>> {
        let assignee = match &case.assigned_to {
            Some(key) => turn
                .store
                .officer(turn.tx, key)
                .await?
                .and_then(|o| turn.vault.open_zalo_id(&o.zalo_id_sealed).ok()),
            None => None,
        };
        if let Some(id) = assignee {
            return Ok(vec![id]);
        }
        if case.category.chief_only() {
            return crate::conversation::roster::chief_ids(turn.store, turn.tx, turn.vault).await;
        }
        crate::conversation::roster::pager_ids(
            turn.store,
            turn.tx,
            turn.vault,
            &self.config.on_call,
        )
        .await
    }
}

/// Adds what the resident said to a case's timeline, sealed.
pub(super) async fn record_resident_message(
    turn: &mut Turn<'_>,
    case_id: i64,
    text: &str,
) -> sqlx::Result<()> {
    let sealed = turn.vault.seal(text.as_bytes());
    turn.store
        .add_case_event(
            turn.tx,
            case_id,
            "resident_message",
            "resident",
            Some(&sealed),
            turn.now,
        )
        .await
}

/// "Báo tin khác", "tin báo mới", "việc khác": the resident starts something new.
fn says_new_report(text: &str) -> bool {
    let folded = crate::lang::fold(text);
    [
        "bao tin khac",
        "tin bao moi",
        "bao tin moi",
        "viec khac",
        "vu khac",
        "chuyen khac",
    ]
    .iter()
    .any(|p| crate::cases::contains_words(&folded, p))
}

fn text_class(text: &str) -> Option<Classification> {
    (!text.trim().is_empty()).then(|| crate::lang::shared().classify(text))
}
