//! The resident side: `POST /sim/users/{user_id}/send` builds a real-shaped Zalo event
//! (docs/PLATFORM.md §2.1, §2.3, §2.4), serialises it once, signs those bytes with the real MAC
//! (§1.1) and POSTs them to the webhook, answering with the webhook's status code.
//! `"redeliver": true` re-sends the user's previous event byte for byte with `num_retry`, as
//! Zalo's retries do (§1.3).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

use crate::event::{build_event, Kind};
use crate::input::ResidentInput;
use crate::mac;
use crate::state::DeliveredEvent;
use crate::Simulator;

/// The result of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendOutcome {
    /// HTTP status the webhook answered with.
    pub webhook_status: u16,
    /// `message.msg_id` of the event; `None` for follow/unfollow.
    pub msg_id: Option<String>,
    pub event_name: String,
    /// The exact bytes posted, and the `X-ZEvent-Signature` value sent with them.
    #[serde(skip)]
    pub body: Vec<u8>,
    #[serde(skip)]
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ResidentError {
    #[error("{0}")]
    BadInput(String),
    #[error("no webhook_url is configured")]
    NoWebhook,
    #[error("this user has no previous event to redeliver")]
    NothingToRedeliver,
    #[error("webhook unreachable: {reason}")]
    Unreachable {
        reason: String,
        event_name: String,
        msg_id: Option<String>,
    },
}

impl IntoResponse for ResidentError {
    fn into_response(self) -> Response {
        let status = match &self {
            ResidentError::BadInput(_) => StatusCode::BAD_REQUEST,
            ResidentError::NoWebhook => StatusCode::SERVICE_UNAVAILABLE,
            ResidentError::NothingToRedeliver => StatusCode::CONFLICT,
            ResidentError::Unreachable { .. } => StatusCode::BAD_GATEWAY,
        };
        let mut body = json!({ "error": self.to_string() });
        if let ResidentError::Unreachable {
            event_name, msg_id, ..
        } = &self
        {
            body["event_name"] = json!(event_name);
            body["msg_id"] = json!(msg_id);
        }
        (status, Json(body)).into_response()
    }
}

pub(crate) async fn send(
    State(sim): State<Simulator>,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Response {
    let input = match serde_json::from_slice::<ResidentInput>(&body) {
        Ok(input) => input,
        Err(e) => return ResidentError::BadInput(format!("invalid body: {e}")).into_response(),
    };
    match send_as_user(&sim, &user_id, input).await {
        Ok(outcome) => {
            let status =
                StatusCode::from_u16(outcome.webhook_status).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, Json(outcome)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Signs already-serialised event bytes; the event's own `timestamp` is the MAC's timestamp.
pub(crate) fn prepare(sim: &Simulator, body: Vec<u8>, timestamp: &str) -> (Vec<u8>, String) {
    let cfg = sim.config();
    let mac = mac::sign(&cfg.app_id, &body, timestamp, &cfg.oa_secret_key);
    (body, mac)
}

pub(crate) async fn send_as_user(
    sim: &Simulator,
    user_id: &str,
    input: ResidentInput,
) -> Result<SendOutcome, ResidentError> {
    let valid_id = !user_id.is_empty()
        && user_id.len() <= 64
        && user_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if !valid_id {
        return Err(ResidentError::BadInput(
            "user_id must be 1-64 characters of [A-Za-z0-9._-]".to_owned(),
        ));
    }
    let url = sim.webhook_url().ok_or(ResidentError::NoWebhook)?;
    let event = if input.redeliver {
        let mut state = sim.state();
        let last = state
            .users
            .get_mut(user_id)
            .and_then(|u| u.last_event.as_mut())
            .ok_or(ResidentError::NothingToRedeliver)?;
        last.retries += 1;
        last.clone()
    } else {
        new_event(
            sim,
            user_id,
            Kind::from_input(&input).map_err(ResidentError::BadInput)?,
        )
    };
    post(sim, &url, event).await
}

/// Builds, serialises and signs a fresh event, and updates the user's state: messages and
/// follows open the 7-day window, unfollow does not.
pub(crate) fn new_event(sim: &Simulator, user_id: &str, kind: Kind) -> DeliveredEvent {
    let now = sim.now_ms();
    let timestamp = now.to_string();
    let mut state = sim.state();
    let msg_id = kind.is_message().then(|| state.next_msg_id());
    let (event_name, value) =
        build_event(sim.config(), user_id, &kind, msg_id.as_deref(), &timestamp);
    // Serialised once: these bytes are signed, posted, and kept for redelivery.
    let bytes = value.to_bytes();
    let (body, signature) = prepare(sim, bytes, &timestamp);
    let event = DeliveredEvent {
        body,
        signature,
        event_name,
        msg_id: msg_id.clone(),
        retries: 0,
    };
    if let Some(id) = &msg_id {
        state.inbound_msgs.insert(id.clone(), user_id.to_owned());
    }
    let user = state.user_mut(user_id);
    match kind {
        Kind::Unfollow => user.follower = false,
        // An anonymous visitor has no 7-day window; the conversation is what replies address.
        Kind::AnonymousText {
            conversation_id, ..
        } => user.conversation_id = Some(conversation_id),
        Kind::Follow => {
            user.follower = true;
            user.last_interaction_ms = Some(now);
        }
        _ => user.last_interaction_ms = Some(now),
    }
    user.last_event = Some(event.clone());
    event
}

pub(crate) async fn post(
    sim: &Simulator,
    url: &str,
    event: DeliveredEvent,
) -> Result<SendOutcome, ResidentError> {
    let mut request = sim
        .http()
        .post(url)
        .header(header::CONTENT_TYPE, "application/json")
        .header(mac::SIGNATURE_HEADER, &event.signature)
        .body(event.body.clone());
    if event.retries > 0 {
        request = request.header("num_retry", event.retries.to_string());
    }
    match request.send().await {
        Ok(response) => Ok(SendOutcome {
            webhook_status: response.status().as_u16(),
            msg_id: event.msg_id,
            event_name: event.event_name,
            body: event.body,
            signature: event.signature,
        }),
        Err(e) => Err(ResidentError::Unreachable {
            reason: e.to_string(),
            event_name: event.event_name,
            msg_id: event.msg_id,
        }),
    }
}
