//! The conversation with residents. The inbox worker hands each event to [`Bot::handle`] inside
//! the event's transaction; handlers read and change state only through the store in that
//! transaction and return replies — they never call Zalo themselves.
//!
//! Order of decisions for a message (one place, on purpose):
//! 0. a registered officer's message goes to the officers' console; a resident's `/…` text
//!    gets the menu and learns nothing about commands;
//! 1. a button payload, matched exactly;
//! 2. "hủy" while something is in progress;
//! 3. an emergency — answered at once, whatever else is going on;
//! 4. the dialogue in progress (a report being written, or an answer to an officer);
//! 5. a case code → that case's status;
//! 6. the classified intent, or a clarifying question when the classifier is unsure.

mod answers;
pub mod area;
mod dialogue;
pub mod lang;
pub mod payload;
pub mod procedures;
mod relay;
mod report;
pub mod text;
pub mod texts;

pub use relay::open_case_relay;

use crate::cases::code;
use crate::config::{BotSettings, StationSettings};
use crate::store::{Store, Tx};
use crate::vault::Vault;
use crate::zalo::events::{EventKind, ZaloEvent};
use crate::zalo::messages::{Button, CsMessage};
use dialogue::Dialogue;
use lang::{fold, Intent};
use payload::Payload;
use procedures::Catalogue;
use report::Input;
use texts::Texts;

/// Confidence an emergency reading needs to interrupt a dialogue in progress.
const EMERGENCY_IN_DIALOGUE: f32 = 0.6;

/// A message to send: to the resident of the turn, or to an officer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Zalo user id of the recipient.
    pub to: String,
    /// The message.
    pub message: CsMessage,
}

/// One event being handled: who, what, and the transaction to work in.
pub struct Turn<'a> {
    /// Database.
    pub store: &'a Store,
    /// The event's transaction.
    pub tx: &'a mut Tx,
    /// Seals what is stored.
    pub vault: &'a Vault,
    /// The event.
    pub event: &'a ZaloEvent,
    /// The resident's Zalo id.
    pub user_id: &'a str,
    /// The resident's keyed hash.
    pub user_key: &'a str,
    /// Now, ms.
    pub now: i64,
    /// Other OA API calls to make (e.g. tagging the resident), queued with the replies.
    pub calls: Vec<ApiCall>,
}

/// An OA API call other than a message, queued in the outbox like one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    /// Zalo user it concerns (for ordering and the outbox key).
    pub to: String,
    /// API path, e.g. `/v2.0/oa/tag/tagfollower`.
    pub path: String,
    /// Request body.
    pub body: serde_json::Value,
}

impl Turn<'_> {
    /// A reply to the resident, quoting their message.
    fn reply(&self, message: CsMessage) -> Reply {
        Reply {
            to: self.user_id.to_owned(),
            message: message.quoting(self.event.msg_id()),
        }
    }
}

/// Everything the conversation needs that does not change at run time.
#[derive(Debug, Clone)]
pub struct BotConfig {
    /// Behaviour settings.
    pub bot: BotSettings,
    /// Station details and khu phố.
    pub station: StationSettings,
    /// Officers paged for emergencies.
    pub on_call: Vec<String>,
}

/// The bot.
#[derive(Debug, Clone)]
pub struct Bot {
    texts: Texts,
    catalogue: Catalogue,
    config: BotConfig,
    console: crate::officers::Console,
}

impl Bot {
    /// Builds the bot; the classifier is trained on first use.
    pub fn new(
        texts: Texts,
        catalogue: Catalogue,
        config: BotConfig,
        service: crate::config::ServiceLevelSettings,
    ) -> Bot {
        let console = crate::officers::Console::new(texts.clone(), config.clone(), service);
        Bot {
            texts,
            catalogue,
            config,
            console,
        }
    }

    /// Trains the classifier now rather than on the first message.
    pub fn warm_up(&self) {
        lang::shared();
    }

    /// The replies to one event (none for receipts, echoes and unknown events).
    pub async fn handle(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        match turn.event.kind() {
            EventKind::Follow => match turn.store.officer(turn.tx, turn.user_key).await? {
                Some(officer) => self.console.handle(turn, &officer, "").await,
                None => self.greet(turn).await,
            },
            EventKind::Unfollow => {
                turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
                Ok(Vec::new())
            }
            EventKind::UserMessage => self.handle_message(turn).await,
            _ => Ok(Vec::new()),
        }
    }

    async fn handle_message(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let text = turn.event.text().map(lang::nfc).unwrap_or_default();
        let text = text.trim();
        if let Some(officer) = turn.store.officer(turn.tx, turn.user_key).await? {
            return self.console.handle(turn, &officer, text).await;
        }
        if text.starts_with('/') || text.starts_with('／') {
            return Ok(vec![turn.reply(self.welcome())]);
        }
        let (dialogue, expired) = self.load_dialogue(turn).await?;
        let payload = Payload::parse(text);
        let input = Input::from_event(turn.event, payload.clone());

        if let Some(payload) = payload {
            return self
                .on_payload(turn, payload, dialogue, expired, input)
                .await;
        }
        let folded = fold(text);
        if is_cancel(&folded) {
            return self.cancel(turn, dialogue.is_some()).await;
        }
        let classification = (!text.is_empty()).then(|| lang::shared().classify(text));
        if let Some(c) = &classification {
            metrics::counter!("ketnoi_intents_total", "intent" => c.intent.as_str()).increment(1);
            // Inside a dialogue, short answers ("2 giờ sáng nay") can look alarming to the model;
            // there it takes a confident emergency to interrupt. Outside, any emergency reading
            // wins: a false alarm costs less than a missed one.
            if c.intent == Intent::Emergency
                && (dialogue.is_none() || c.confidence >= EMERGENCY_IN_DIALOGUE)
            {
                return self.emergency(turn, text).await;
            }
        }
        match dialogue {
            Some(Dialogue::Report(draft)) => return self.continue_report(turn, draft, input).await,
            Some(Dialogue::Relay { case_id, code }) => {
                return self.relay_to_officer(turn, case_id, &code, input).await
            }
            None => {}
        }
        if let Some(code) = code::find(text) {
            return self.case_status(turn, Some(code)).await;
        }
        let Some(c) = classification else {
            // Photos, files or a location without words and without a report in progress.
            return Ok(vec![turn.reply(
                CsMessage::text(self.texts.get("media_outside_report")).with_buttons(vec![
                    Button::query(self.texts.get("menu_report"), Payload::Report.encode()),
                    Button::query(self.texts.get("back_to_menu"), Payload::Menu.encode()),
                ]),
            )]);
        };
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
        );
        match (payload, dialogue) {
            (Payload::Cancel, dialogue) => self.cancel(turn, dialogue.is_some()).await,
            (_, Some(Dialogue::Report(draft))) if report_step => {
                self.continue_report(turn, draft, input).await
            }
            (_, None) if report_step => {
                let key = if expired {
                    "dialogue_expired"
                } else {
                    "nothing_to_cancel"
                };
                Ok(vec![turn.reply(
                    CsMessage::text(self.texts.get(key)).with_buttons(self.menu_buttons()),
                )])
            }
            (Payload::Menu, _) => Ok(vec![turn.reply(self.welcome())]),
            (Payload::Area(choice), _) => self.save_area(turn, choice).await,
            (Payload::ChangeArea, _) => Ok(vec![turn.reply(self.ask_area())]),
            (Payload::Report, _) => self.start_report(turn, Input::default()).await,
            (Payload::Procedures, _) => Ok(vec![turn.reply(self.procedure_menu())]),
            (Payload::Procedure(id), _) => {
                Ok(self.procedure_answer(turn, self.catalogue_id(&id), &[]))
            }
            (Payload::News(offset), _) => self.news(turn, offset).await,
            (Payload::Contact, _) => {
                let area = self.resident_area(turn).await?;
                Ok(vec![turn.reply(self.contact("", area))])
            }
            (Payload::MyReports, _) => self.case_status(turn, None).await,
            _ => Ok(vec![turn.reply(self.welcome())]),
        }
    }

    async fn cancel(&self, turn: &mut Turn<'_>, active: bool) -> sqlx::Result<Vec<Reply>> {
        turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        let key = if active {
            "cancelled"
        } else {
            "nothing_to_cancel"
        };
        Ok(vec![turn.reply(
            CsMessage::text(self.texts.get(key)).with_buttons(self.menu_buttons()),
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
        let idle_ms = match dialogue {
            Some(Dialogue::Relay { .. }) => dialogue::RELAY_IDLE_MS,
            _ => self.config.bot.dialogue_idle_minutes as i64 * 60_000,
        };
        if dialogue.is_none() || turn.now - updated_at > idle_ms {
            turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
            return Ok((None, true));
        }
        Ok((dialogue, false))
    }

    /// The main menu buttons.
    fn menu_buttons(&self) -> Vec<Button> {
        let t = &self.texts;
        vec![
            Button::query(t.get("menu_report"), Payload::Report.encode()),
            Button::query(t.get("menu_procedure"), Payload::Procedures.encode()),
            Button::query(t.get("menu_news"), Payload::News(0).encode()),
            Button::query(t.get("menu_contact"), Payload::Contact.encode()),
        ]
    }

    /// The welcome text with the main menu.
    pub fn welcome(&self) -> CsMessage {
        CsMessage::text(self.texts.get("welcome")).with_buttons(self.menu_buttons())
    }

    fn other(&self) -> CsMessage {
        CsMessage::text(self.texts.get("other")).with_buttons(self.menu_buttons())
    }

    /// Asks what the resident meant, offering the likely intent first.
    fn clarify(&self, guess: Intent) -> CsMessage {
        let t = &self.texts;
        let mut options = vec![
            (
                Intent::Report,
                Button::query(t.get("clarify_report"), Payload::Report.encode()),
            ),
            (
                Intent::Procedure,
                Button::query(t.get("clarify_procedure"), Payload::Procedures.encode()),
            ),
            (
                Intent::News,
                Button::query(t.get("clarify_news"), Payload::News(0).encode()),
            ),
            (
                Intent::CaseStatus,
                Button::query(t.get("clarify_status"), Payload::MyReports.encode()),
            ),
            (
                Intent::Contact,
                Button::query(t.get("clarify_contact"), Payload::Contact.encode()),
            ),
        ];
        options.sort_by_key(|(intent, _)| *intent != guess);
        CsMessage::text(t.get("clarify"))
            .with_buttons(options.into_iter().map(|(_, b)| b).collect())
    }
}

/// "Hủy", "huỷ", "thôi", "cancel"… as the whole message.
fn is_cancel(folded: &str) -> bool {
    matches!(
        folded.trim(),
        "huy" | "huy bo" | "thoi" | "thoi khong bao nua" | "cancel" | "dung lai" | "huy tin bao"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_key_used_by_the_code_exists() {
        let texts = Texts::load(&crate::config::default_config_dir()).unwrap();
        let source = [
            include_str!("mod.rs"),
            include_str!("report.rs"),
            include_str!("answers.rs"),
        ]
        .concat();
        let mut checked = 0;
        for (i, _) in source
            .match_indices("t.get(\"")
            .chain(source.match_indices("texts.get(\""))
            .chain(source.match_indices("fill(\""))
        {
            let rest = &source[i..];
            let start = rest.find('"').unwrap() + 1;
            let key = &rest[start..start + rest[start..].find('"').unwrap()];
            assert!(texts.has(key), "messages.vi.toml lacks `{key}`");
            checked += 1;
        }
        assert!(checked > 30, "found {checked} keys");
        for c in crate::cases::Category::ALL {
            assert!(texts.has(&format!("category_{}", c.id())));
        }
        for s in crate::cases::Status::ALL {
            assert!(texts.has(&format!("status_{}", s.id())));
        }
    }

    #[test]
    fn cancel_words_with_or_without_diacritics() {
        for word in ["Hủy", "huỷ", "HUY", "thôi", "cancel"] {
            assert!(is_cancel(&fold(word)), "{word}");
        }
        assert!(!is_cancel(&fold("hủy đăng ký thường trú thế nào")));
    }
}
