//! Outbound customer-service message bodies for `POST /v3.0/oa/message/cs` (docs/PLATFORM.md §3).

use serde::{Deserialize, Serialize};
use serde_json::json;

/// Zalo's limit on a CS text, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Zalo's limit on buttons per message.
pub const MAX_BUTTONS: usize = 5;
/// Zalo's limit on a button title, in characters.
pub const MAX_BUTTON_TITLE_CHARS: usize = 100;

/// A button under a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Button {
    /// Sends `payload` back to the OA as hidden text (`oa.query.hide`).
    Query {
        /// Button label.
        title: String,
        /// Text that comes back as a `user_send_text`.
        payload: String,
    },
    /// Opens the phone dialer (`oa.open.phone`).
    Phone {
        /// Button label.
        title: String,
        /// Number to dial.
        phone: String,
    },
    /// Opens a URL (`oa.open.url`).
    Url {
        /// Button label.
        title: String,
        /// Address.
        url: String,
    },
}

impl Button {
    /// A `oa.query.hide` button.
    pub fn query(title: impl Into<String>, payload: impl Into<String>) -> Button {
        Button::Query {
            title: title.into(),
            payload: payload.into(),
        }
    }

    fn to_wire(&self) -> serde_json::Value {
        match self {
            Button::Query { title, payload } => {
                json!({"title": title, "type": "oa.query.hide", "payload": payload})
            }
            Button::Phone { title, phone } => {
                json!({"title": title, "type": "oa.open.phone", "payload": {"phone_code": phone}})
            }
            Button::Url { title, url } => {
                json!({"title": title, "type": "oa.open.url", "payload": {"url": url}})
            }
        }
    }
}

/// One customer-service message: text, optional buttons, optional quoted message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CsMessage {
    /// Text, at most [`MAX_TEXT_CHARS`] characters.
    pub text: String,
    /// Up to [`MAX_BUTTONS`] buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    /// Inbound `msg_id` this message answers (Zalo shows it quoted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_msg_id: Option<String>,
    /// Image by URL, sent as a media template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Zalo's "request user info" form instead of a text (docs/PLATFORM.md §4): the resident
    /// taps it to send their name, phone and address, which come back as `user_submit_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<InfoForm>,
}

/// The one element of a `request_user_info` template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoForm {
    /// At most [`MAX_FORM_TITLE_CHARS`] characters.
    pub title: String,
    /// At most [`MAX_FORM_SUBTITLE_CHARS`] characters.
    pub subtitle: String,
    /// The picture shown on the form, when the station has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// Longest title of a request-user-info form.
pub const MAX_FORM_TITLE_CHARS: usize = 100;
/// Longest subtitle of a request-user-info form.
pub const MAX_FORM_SUBTITLE_CHARS: usize = 500;

impl CsMessage {
    /// A plain text message.
    pub fn text(text: impl Into<String>) -> CsMessage {
        CsMessage {
            text: text.into(),
            ..CsMessage::default()
        }
    }

    /// Adds buttons.
    pub fn with_buttons(mut self, buttons: Vec<Button>) -> CsMessage {
        self.buttons = buttons;
        self
    }

    /// Zalo's request-user-info form; the message has no text of its own.
    pub fn form(form: InfoForm) -> CsMessage {
        CsMessage {
            form: Some(form),
            ..CsMessage::default()
        }
    }

    /// Quotes an inbound message.
    pub fn quoting(mut self, msg_id: Option<&str>) -> CsMessage {
        self.quote_msg_id = msg_id.map(str::to_owned);
        self
    }

    /// The exact request body Zalo expects, addressed to `user_id`.
    pub fn to_request(&self, user_id: &str) -> serde_json::Value {
        if let Some(form) = &self.form {
            let mut element = json!({"title": form.title, "subtitle": form.subtitle});
            if let Some(url) = &form.image_url {
                element["image_url"] = json!(url);
            }
            return json!({"recipient": {"user_id": user_id}, "message": {"attachment": {
                "type": "template",
                "payload": {"template_type": "request_user_info", "elements": [element]},
            }}});
        }
        let mut message = serde_json::Map::new();
        message.insert("text".into(), json!(self.text));
        if let Some(quote) = &self.quote_msg_id {
            message.insert("quote_message_id".into(), json!(quote));
        }
        if let Some(url) = &self.image_url {
            message.insert(
                "attachment".into(),
                json!({"type": "template", "payload": {"template_type": "media",
                    "elements": [{"media_type": "image", "url": url}]}}),
            );
        } else if !self.buttons.is_empty() {
            let buttons: Vec<_> = self.buttons.iter().map(Button::to_wire).collect();
            message.insert(
                "attachment".into(),
                json!({"type": "template", "payload": {"buttons": buttons}}),
            );
        }
        json!({"recipient": {"user_id": user_id}, "message": message})
    }

    /// Checks Zalo's limits so a message that would be refused is caught where it is built.
    pub fn check_limits(&self) -> Result<(), String> {
        if let Some(form) = &self.form {
            if form.title.chars().count() > MAX_FORM_TITLE_CHARS
                || form.subtitle.chars().count() > MAX_FORM_SUBTITLE_CHARS
            {
                return Err("request-user-info form title or subtitle too long".to_owned());
            }
        }
        let chars = self.text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(format!(
                "text has {chars} characters, limit {MAX_TEXT_CHARS}"
            ));
        }
        if self.buttons.len() > MAX_BUTTONS {
            return Err(format!(
                "{} buttons, limit {MAX_BUTTONS}",
                self.buttons.len()
            ));
        }
        for button in &self.buttons {
            let (Button::Query { title, .. }
            | Button::Phone { title, .. }
            | Button::Url { title, .. }) = button;
            if title.chars().count() > MAX_BUTTON_TITLE_CHARS {
                return Err(format!("button title `{title}` is too long"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_buttons_has_zalos_shape() {
        let body = CsMessage::text("Chọn mục:")
            .with_buttons(vec![Button::query("Báo tin", "#bao_tin")])
            .quoting(Some("m1"))
            .to_request("42");
        assert_eq!(body["recipient"]["user_id"], "42");
        assert_eq!(body["message"]["text"], "Chọn mục:");
        assert_eq!(body["message"]["quote_message_id"], "m1");
        let button = &body["message"]["attachment"]["payload"]["buttons"][0];
        assert_eq!(button["type"], "oa.query.hide");
        assert_eq!(button["payload"], "#bao_tin");
        assert_eq!(body["message"]["attachment"]["type"], "template");
    }

    #[test]
    fn phone_buttons_open_the_dialer() {
        let body = CsMessage::text("Gọi ngay")
            .with_buttons(vec![Button::Phone {
                title: "113".into(),
                phone: "113".into(),
            }])
            .to_request("42");
        let button = &body["message"]["attachment"]["payload"]["buttons"][0];
        assert_eq!(button["type"], "oa.open.phone");
        assert_eq!(button["payload"]["phone_code"], "113");
    }

    #[test]
    fn the_contact_form_is_a_request_user_info_template_without_text() {
        let form = InfoForm {
            title: "Để lại số điện thoại".into(),
            subtitle: "Không bắt buộc".into(),
            image_url: None,
        };
        let body = CsMessage::form(form.clone()).to_request("42");
        let payload = &body["message"]["attachment"]["payload"];
        assert_eq!(payload["template_type"], "request_user_info");
        assert_eq!(payload["elements"][0]["title"], "Để lại số điện thoại");
        assert!(payload["elements"][0].get("image_url").is_none());
        assert!(body["message"].get("text").is_none());
        let long = InfoForm {
            title: "a".repeat(101),
            ..form
        };
        assert!(CsMessage::form(long).check_limits().is_err());
    }

    #[test]
    fn limits_are_checked() {
        assert!(CsMessage::text("a".repeat(2000)).check_limits().is_ok());
        assert!(CsMessage::text("ă".repeat(2001)).check_limits().is_err());
        let six = (0..6).map(|i| Button::query(format!("{i}"), "x")).collect();
        assert!(CsMessage::text("x")
            .with_buttons(six)
            .check_limits()
            .is_err());
    }
}
