//! `POST /webhook/zalo`: verify, record, acknowledge — nothing slower.
//!
//! Order of checks, and why:
//! 1. The body must be JSON: the MAC covers the body's own `timestamp` field, so that one field
//!    has to be read before the MAC can be computed. Only that minimal read happens before
//!    verification; the typed parse comes after.
//! 2. No `event_name` is Zalo's URL probe: 200, nothing stored (docs/PLATFORM.md §1.2).
//! 3. MAC over the exact received bytes, in constant time → 401.
//! 4. App id / OA id must be ours, the timestamp fresh (replay window) → 401.
//! 5. Typed parse and required fields → 400.
//! 6. Insert with the dedupe key (duplicates are a 200 too), wake a worker, answer 200.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use crate::store::NewEvent;
use crate::time::Timestamp;
use crate::zalo::events::ZaloEvent;
use crate::zalo::signature::{self, SIGNATURE_HEADER};

/// Why an event was not accepted; each maps to a status and a metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rejection {
    TooLarge,
    Malformed,
    MissingFields,
    BadSignature,
    WrongApp,
    Stale,
    Unavailable,
}

impl Rejection {
    fn status(self) -> StatusCode {
        match self {
            Rejection::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::Malformed | Rejection::MissingFields => StatusCode::BAD_REQUEST,
            Rejection::BadSignature | Rejection::WrongApp | Rejection::Stale => {
                StatusCode::UNAUTHORIZED
            }
            // Zalo retries on non-200, which is what we want when the database is down.
            Rejection::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Rejection::TooLarge => "too_large",
            Rejection::Malformed => "malformed",
            Rejection::MissingFields => "missing_fields",
            Rejection::BadSignature => "bad_signature",
            Rejection::WrongApp => "wrong_app",
            Rejection::Stale => "stale",
            Rejection::Unavailable => "unavailable",
        }
    }
}

/// What happened to an accepted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accepted {
    Stored,
    Duplicate,
    Probe,
}

impl Accepted {
    fn label(self) -> &'static str {
        match self {
            Accepted::Stored => "stored",
            Accepted::Duplicate => "duplicate",
            Accepted::Probe => "probe",
        }
    }
}

/// The few fields read before verification. Everything else is skipped unparsed.
#[derive(Deserialize)]
struct Preamble {
    event_name: Option<serde_json::Value>,
    timestamp: Option<serde_json::Value>,
}

/// Handles a webhook POST.
pub(super) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let outcome = match body {
        Ok(body) => accept(&state, &headers, &body).await,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(Rejection::TooLarge)
        }
        Err(_) => Err(Rejection::Malformed),
    };
    let label = match &outcome {
        Ok(accepted) => accepted.label(),
        Err(rejection) => rejection.label(),
    };
    metrics::counter!("ketnoi_webhook_requests_total", "result" => label).increment(1);
    match outcome {
        Ok(_) => (StatusCode::OK, Json(json!({"error": 0, "message": "ok"}))).into_response(),
        Err(rejection) => {
            tracing::debug!(result = label, "webhook request rejected");
            (rejection.status(), Json(json!({"error": label}))).into_response()
        }
    }
}

/// Zalo's console may probe with GET; answering 200 is harmless (docs/PLATFORM.md §1.2).
pub(super) async fn probe() -> StatusCode {
    StatusCode::OK
}

async fn accept(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Accepted, Rejection> {
    let config = &state.inner.webhook;
    let preamble: Preamble = serde_json::from_slice(body).map_err(|_| Rejection::Malformed)?;
    if preamble.event_name.is_none() {
        return Ok(Accepted::Probe);
    }
    let timestamp = match preamble.timestamp {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return Err(Rejection::MissingFields),
    };
    let secrets: Vec<&str> = config.oa_secret_keys.iter().map(String::as_str).collect();
    let header = headers.get(SIGNATURE_HEADER).map(|v| v.as_bytes());
    signature::verify(header, &config.app_id, body, &timestamp, &secrets)
        .map_err(|_| Rejection::BadSignature)?;

    let event: ZaloEvent = serde_json::from_slice(body).map_err(|_| Rejection::Malformed)?;
    if event
        .app_id
        .as_deref()
        .is_some_and(|id| id != config.app_id)
        || event.is_for_other_oa(&config.oa_id)
    {
        return Err(Rejection::WrongApp);
    }
    let event_ts = event.timestamp_ms().ok_or(Rejection::MissingFields)?;
    // Zalo's own millisecond stamp against ours, as plain integers.
    let now = Timestamp::now().as_millis();
    if now - event_ts > config.max_age_ms || event_ts - now > config.max_future_ms {
        return Err(Rejection::Stale);
    }
    event.validate().map_err(|_| Rejection::MissingFields)?;

    let vault = &state.inner.vault;
    let record = NewEvent {
        dedupe_key: vault.keyed_hash("dedupe", &event.dedupe_subject()),
        event_name: event.event_name.clone(),
        user_key: event
            .user_id_for(&config.oa_id)
            .map(|id| vault.user_key(id)),
        event_ts,
        body: vault.seal(body),
    };
    let deadline = state.inner.webhook.store_deadline;
    let inserted = match tokio::time::timeout(
        deadline,
        state
            .inner
            .ingest
            .insert(record, Timestamp::from_millis(now)),
    )
    .await
    {
        Ok(Ok(inserted)) => inserted,
        Ok(Err(err)) => {
            tracing::error!(error = %err, "could not store webhook event");
            return Err(Rejection::Unavailable);
        }
        Err(_) => {
            // The event may still be written later; Zalo's redelivery is then a duplicate.
            tracing::error!(
                deadline_ms = deadline.as_millis() as u64,
                "storing a webhook event took too long"
            );
            state.inner.store.note_write_stalled();
            return Err(Rejection::Unavailable);
        }
    };
    if inserted {
        state.inner.inbox_ready.notify_one();
        tracing::debug!(event_name = %event.event_name, "event stored");
        Ok(Accepted::Stored)
    } else {
        tracing::debug!(event_name = %event.event_name, "duplicate event acknowledged");
        Ok(Accepted::Duplicate)
    }
}
