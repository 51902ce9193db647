//! The conversation: turns a resident's event into replies. Pure — no I/O; the inbox worker
//! loads what it needs, calls [`Bot::respond`], and commits the replies with the event.

pub mod lang;
pub mod procedures;
pub mod text;
pub mod texts;

use crate::zalo::events::{EventKind, ZaloEvent};
use crate::zalo::messages::{Button, CsMessage};
use texts::Texts;

/// Button payloads of the main menu. They arrive back as `user_send_text` with this text.
pub mod payload {
    /// Start a report.
    pub const REPORT: &str = "#menu:report";
    /// Procedures.
    pub const PROCEDURE: &str = "#menu:procedure";
    /// News and warnings.
    pub const NEWS: &str = "#menu:news";
    /// Contact.
    pub const CONTACT: &str = "#menu:contact";
    /// Back to the main menu.
    pub const MENU: &str = "#menu";
}

/// The bot.
#[derive(Debug, Clone)]
pub struct Bot {
    texts: Texts,
}

impl Bot {
    /// Builds the bot from its texts.
    pub fn new(texts: Texts) -> Bot {
        Bot { texts }
    }

    /// The replies to one event (possibly none: receipts, echoes, unknown events).
    pub fn respond(&self, event: &ZaloEvent) -> Vec<CsMessage> {
        match event.kind() {
            EventKind::Follow => vec![self.welcome(None)],
            EventKind::UserMessage => self.respond_to_message(event),
            _ => Vec::new(),
        }
    }

    fn respond_to_message(&self, event: &ZaloEvent) -> Vec<CsMessage> {
        let quote = event.msg_id();
        match event.text().map(str::trim) {
            Some(text) if is_greeting(text) => vec![self.welcome(quote)],
            Some(text) if !text.is_empty() => {
                vec![CsMessage::text(self.texts.get("acknowledge"))
                    .with_buttons(vec![Button::query(
                        self.texts.get("back_to_menu"),
                        payload::MENU,
                    )])
                    .quoting(quote)]
            }
            _ if !event.attachments().is_empty() => {
                vec![CsMessage::text(self.texts.get("acknowledge_media")).quoting(quote)]
            }
            _ => Vec::new(),
        }
    }

    /// The welcome text with the main menu.
    pub fn welcome(&self, quote: Option<&str>) -> CsMessage {
        let t = &self.texts;
        CsMessage::text(t.get("welcome"))
            .with_buttons(vec![
                Button::query(t.get("menu_report"), payload::REPORT),
                Button::query(t.get("menu_procedure"), payload::PROCEDURE),
                Button::query(t.get("menu_news"), payload::NEWS),
                Button::query(t.get("menu_contact"), payload::CONTACT),
            ])
            .quoting(quote)
    }
}

/// Greetings and menu requests, with or without diacritics. Replaced by the classifier later.
fn is_greeting(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words = [
        "xin chào",
        "xin chao",
        "chào",
        "chao",
        "hello",
        "hi",
        "menu",
        "alo",
    ];
    lower == payload::MENU || words.iter().any(|w| lower.starts_with(w))
}
