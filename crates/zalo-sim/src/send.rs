//! `POST /v3.0/oa/message/cs`, the customer-service send (docs/PLATFORM.md §3, §4): body
//! validation with Zalo's limits and codes, the 7-day window, recording accepted messages.
//! Also the retired `POST /v2.0/oa/message` (-240 for ordinary sends).

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

use crate::platform::{parse_json, str_at, ApiError, ApiResult};
use crate::Simulator;

const TEXT_LIMIT: usize = 2000;
const MAX_BUTTONS: usize = 5;
const BUTTON_TITLE_LIMIT: usize = 100;
const QUERY_PAYLOAD_LIMIT: usize = 1000;
const SMS_CONTENT_LIMIT: usize = 160;
const SUBTITLE_LIMIT: usize = 500;
const DAY_MS: i64 = 24 * 3600 * 1000;
/// Customer-service messages need an interaction within 7 days; inside 48 h they are free
/// replies, after that billed (no `quota` object in the answer).
const WINDOW_MS: i64 = 7 * DAY_MS;
const FREE_REPLY_MS: i64 = 2 * DAY_MS;

/// Zalo counts characters of NFC text; NFD input must not inflate the count.
fn nfc_len(s: &str) -> usize {
    s.nfc().count()
}

pub(crate) async fn message_cs(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = handle_cs(&sim, &headers, &body);
    sim.respond(result)
}

/// What every sending call (`message/cs`, `group/message`) checks before its own rules: the
/// token, an injected failure for `path` (before anything is recorded), a JSON body, and a
/// `recipient` and a `message` object. Returns the parsed body.
pub(crate) fn sending_request(
    sim: &Simulator,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
) -> Result<Value, ApiError> {
    sim.authorize(headers)?;
    if let Some(e) = sim.injected_failure(path) {
        return Err(e);
    }
    let req = parse_json(body)?;
    for field in ["recipient", "message"] {
        match req.get(field) {
            Some(Value::Object(_)) => {}
            None | Some(Value::Null) => return Err(ApiError::missing(field)),
            Some(_) => return Err(ApiError::invalid(field)),
        }
    }
    Ok(req)
}

fn handle_cs(sim: &Simulator, headers: &HeaderMap, body: &[u8]) -> ApiResult {
    let req = sending_request(sim, headers, body, "/v3.0/oa/message/cs")?;
    let (recipient, message) = (&req["recipient"], &req["message"]);

    let now = sim.now_ms();
    let mut state = sim.state();
    validate_message(message, &state.attachments)?;
    let user_id = if recipient.get("user_id").is_some() {
        str_at(recipient, "user_id", "recipient.user_id")?.to_owned()
    } else if recipient.get("message_id").is_some() {
        let mid = str_at(recipient, "message_id", "recipient.message_id")?;
        state
            .inbound_msgs
            .get(mid)
            .cloned()
            .ok_or_else(|| ApiError::invalid("recipient.message_id"))?
    } else {
        return Err(ApiError::missing("recipient.user_id"));
    };

    let last = state
        .users
        .get(&user_id)
        .and_then(|u| u.last_interaction_ms);
    let since = match last {
        Some(t) if now - t <= WINDOW_MS => now - t,
        _ => {
            return Err(ApiError::new(
                -230,
                "User has not interacted with the OA in the past 7 days",
            ))
        }
    };

    let message_id = state.record_sent(&user_id, req, now);
    let mut data = json!({
        "message_id": message_id,
        "user_id": user_id,
        "sent_time": now.to_string(),
    });
    if since <= FREE_REPLY_MS {
        data["quota"] = json!({"quota_type": "reply"});
    }
    Ok(data)
}

pub(crate) async fn message_v2(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = sim.authorize(&headers).and_then(|()| {
        let req = parse_json(&body)?;
        // Reactions and anonymous visitors still use v2 (§3.1, §6); other sends moved to v3.
        if let Some(action) = req.get("sender_action") {
            str_at(action, "react_icon", "sender_action.react_icon")?;
            let mid = str_at(action, "react_message_id", "sender_action.react_message_id")?;
            return Ok(json!({ "message_id": mid }));
        }
        match req.get("recipient") {
            Some(recipient) if recipient.get("anonymous_id").is_some() => {
                send_anonymous(&sim, req.clone())
            }
            _ => Err(ApiError::new(
                -240,
                "MessageV2 API has been shut down, please use MessageV3",
            )),
        }
    });
    sim.respond(result)
}

/// A message to an anonymous visitor (§3.1, §6: `recipient.anonymous_id` +
/// `conversation_id`; text, image, file, sticker). Recorded under the anonymous id, for a
/// conversation the visitor opened; the answer echoes both ids (§3.4).
fn send_anonymous(sim: &Simulator, req: Value) -> ApiResult {
    let recipient = &req["recipient"];
    let anonymous_id = str_at(recipient, "anonymous_id", "recipient.anonymous_id")?.to_owned();
    let conversation_id =
        str_at(recipient, "conversation_id", "recipient.conversation_id")?.to_owned();
    let message = req
        .get("message")
        .filter(|m| m.is_object())
        .ok_or_else(|| ApiError::missing("message"))?;
    if message
        .get("attachment")
        .and_then(|a| a.get("payload"))
        .and_then(|p| p.get("buttons"))
        .is_some()
    {
        return Err(ApiError::new(
            -233,
            "Message type is not supported for anonymous users",
        ));
    }
    let uploads = sim.state().attachments.clone();
    validate_message(message, &uploads)?;
    let now = sim.now_ms();
    let mut state = sim.state();
    let known = state
        .users
        .get(&anonymous_id)
        .and_then(|u| u.conversation_id.as_deref())
        == Some(conversation_id.as_str());
    if !known {
        return Err(ApiError::invalid("recipient.conversation_id"));
    }
    let message_id = state.record_sent(&anonymous_id, req, now);
    Ok(json!({
        "message_id": message_id,
        "anonymous_id": anonymous_id,
        "conversation_id": conversation_id,
    }))
}

/// Checks `message` against Zalo's rules for CS messages.
pub(crate) fn validate_message(message: &Value, uploads: &HashSet<String>) -> Result<(), ApiError> {
    let text = match message.get("text") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(ApiError::invalid("message.text")),
    };
    if let Some(t) = text {
        if nfc_len(t) > TEXT_LIMIT {
            return Err(ApiError::exceeds("message.text"));
        }
    }
    match message.get("attachment") {
        None | Some(Value::Null) => {
            if text.is_none_or(|t| t.trim().is_empty()) {
                return Err(ApiError::missing("message.text"));
            }
        }
        Some(a) => validate_attachment(a, uploads)?,
    }
    match message.get("quote_message_id") {
        None | Some(Value::Null) | Some(Value::String(_)) => Ok(()),
        Some(_) => Err(ApiError::invalid("message.quote_message_id")),
    }
}

fn validate_attachment(a: &Value, uploads: &HashSet<String>) -> Result<(), ApiError> {
    if !a.is_object() {
        return Err(ApiError::invalid("message.attachment"));
    }
    let kind = str_at(a, "type", "message.attachment.type")?;
    let payload = match a.get("payload") {
        Some(p @ Value::Object(_)) => p,
        None | Some(Value::Null) => return Err(ApiError::missing("message.attachment.payload")),
        Some(_) => return Err(ApiError::invalid("message.attachment.payload")),
    };
    match kind {
        "template" => {
            match payload.get("template_type").and_then(Value::as_str) {
                None if payload.get("template_type").is_none() => {
                    if payload.get("buttons").is_none() {
                        return Err(ApiError::missing("message.attachment.payload.buttons"));
                    }
                }
                Some("media") => validate_media(payload, uploads)?,
                Some("request_user_info") => validate_request_info(payload)?,
                // List templates are not available on v3 CS (§3.2), nor anything unknown.
                _ => {
                    return Err(ApiError::new(
                        -233,
                        "Message type is invalid or unsupported",
                    ))
                }
            }
            if let Some(buttons) = payload.get("buttons") {
                validate_buttons(buttons)?;
            }
            Ok(())
        }
        "file" => str_at(payload, "token", "message.attachment.payload.token").map(|_| ()),
        _ => Err(ApiError::invalid("message.attachment.type")),
    }
}

fn validate_buttons(buttons: &Value) -> Result<(), ApiError> {
    const PATH: &str = "message.attachment.payload.buttons";
    let list = match buttons.as_array() {
        Some(l) if !l.is_empty() => l,
        _ => return Err(ApiError::invalid(PATH)),
    };
    if list.len() > MAX_BUTTONS {
        return Err(ApiError::exceeds(PATH));
    }
    for (i, button) in list.iter().enumerate() {
        let at = |field: &str| format!("{PATH}[{i}].{field}");
        let title = str_at(button, "title", &at("title"))?;
        if nfc_len(title) > BUTTON_TITLE_LIMIT {
            return Err(ApiError::exceeds(&at("title")));
        }
        let kind = str_at(button, "type", &at("type"))?;
        let payload = button.get("payload").unwrap_or(&Value::Null);
        match kind {
            "oa.open.url" => {
                str_at(payload, "url", &at("payload.url"))?;
            }
            "oa.query.show" | "oa.query.hide" => match payload.as_str() {
                Some(p) if !p.is_empty() && nfc_len(p) <= QUERY_PAYLOAD_LIMIT => {}
                Some(p) if !p.is_empty() => return Err(ApiError::exceeds(&at("payload"))),
                _ => return Err(ApiError::invalid(&at("payload"))),
            },
            "oa.open.sms" => {
                str_at(payload, "phone_code", &at("payload.phone_code"))?;
                match payload.get("content") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(c)) if nfc_len(c) <= SMS_CONTENT_LIMIT => {}
                    Some(Value::String(_)) => {
                        return Err(ApiError::exceeds(&at("payload.content")))
                    }
                    Some(_) => return Err(ApiError::invalid(&at("payload.content"))),
                }
            }
            "oa.open.phone" => {
                str_at(payload, "phone_code", &at("payload.phone_code"))?;
            }
            _ => return Err(ApiError::invalid(&at("type"))),
        }
    }
    Ok(())
}

fn single_element<'a>(payload: &'a Value, path: &str) -> Result<&'a Value, ApiError> {
    match payload.get("elements").and_then(Value::as_array) {
        Some(list) if list.len() == 1 => Ok(&list[0]),
        Some(list) if list.len() > 1 => Err(ApiError::exceeds(path)),
        _ => Err(ApiError::invalid(path)),
    }
}

fn validate_media(payload: &Value, uploads: &HashSet<String>) -> Result<(), ApiError> {
    const PATH: &str = "message.attachment.payload.elements";
    let element = single_element(payload, PATH)?;
    let media_type = str_at(element, "media_type", &format!("{PATH}[0].media_type"))?;
    let url = element.get("url").and_then(Value::as_str);
    let attachment_id = element.get("attachment_id").and_then(Value::as_str);
    match (media_type, url, attachment_id) {
        ("image", Some(_), None) => Ok(()),
        ("image" | "gif", None, Some(id)) => {
            if uploads.contains(id) {
                Ok(())
            } else {
                Err(ApiError::new(-100, "attachment_id is invalid or expired"))
            }
        }
        // Sticker ids come from Zalo's sticker catalogue, not from uploads.
        ("sticker", None, Some(_)) => Ok(()),
        ("image" | "gif" | "sticker", _, _) => Err(ApiError::invalid(&format!(
            "{PATH}[0].url or {PATH}[0].attachment_id"
        ))),
        _ => Err(ApiError::invalid(&format!("{PATH}[0].media_type"))),
    }
}

fn validate_request_info(payload: &Value) -> Result<(), ApiError> {
    const PATH: &str = "message.attachment.payload.elements";
    let element = single_element(payload, PATH)?;
    let title = str_at(element, "title", &format!("{PATH}[0].title"))?;
    if nfc_len(title) > BUTTON_TITLE_LIMIT {
        return Err(ApiError::exceeds(&format!("{PATH}[0].title")));
    }
    match element.get("subtitle") {
        Some(Value::String(s)) if nfc_len(s) > SUBTITLE_LIMIT => {
            Err(ApiError::exceeds(&format!("{PATH}[0].subtitle")))
        }
        _ => Ok(()),
    }
}
