//! Injected misbehaviour (`/sim/faults`), so retries, token refresh and rate-limit handling can
//! be shown working: a fraction of sending calls (`message/cs`, `group/message`,
//! `group/creategroupwithoa`; or only the `paths` listed) failing with a chosen code, latency on
//! every platform answer, and a one-shot "expire every access token issued so far".

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Simulator;

/// Current fault settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultSettings {
    /// Fraction (0.0–1.0) of `message/cs` calls that fail with `error_code`.
    pub error_rate: f64,
    /// Delay before every platform answer.
    pub latency_ms: u64,
    /// Code used by `error_rate`; -32 is Zalo's rate-limit code.
    pub error_code: i64,
    /// The API paths `error_rate` applies to; empty: every sending call.
    pub paths: Vec<String>,
}

impl Default for FaultSettings {
    fn default() -> Self {
        FaultSettings {
            error_rate: 0.0,
            latency_ms: 0,
            error_code: -32,
            paths: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    error_rate: Option<f64>,
    latency_ms: Option<u64>,
    expire_tokens: Option<bool>,
    error_code: Option<i64>,
    paths: Option<Vec<String>>,
}

fn error_message(code: i64) -> &'static str {
    match code {
        -32 => "The request exceeds the rate limit",
        -200 => "Send message failed",
        -211 => "Out of quota",
        -216 => "Access token is invalid",
        -220 => "Access token is expired or removed",
        -237 => "Group chat is disabled: the GMF asset has expired",
        _ => "Simulated failure",
    }
}

impl Simulator {
    /// Applies a fault request. `{"error_rate": 0}` on its own clears every fault; other fields
    /// given alongside it are then applied on top.
    pub(crate) fn apply_faults(&self, req: FaultRequest) -> Result<FaultSettings, String> {
        if let Some(rate) = req.error_rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err("error_rate must be between 0.0 and 1.0".to_owned());
            }
        }
        if let Some(code) = req.error_code {
            if code >= 0 {
                return Err("error_code must be a negative Zalo error code".to_owned());
            }
        }
        let now = self.now_ms();
        let mut state = self.state();
        if req.error_rate == Some(0.0) {
            state.faults = FaultSettings::default();
        }
        if let Some(rate) = req.error_rate {
            state.faults.error_rate = rate;
        }
        if let Some(ms) = req.latency_ms {
            state.faults.latency_ms = ms;
        }
        if let Some(code) = req.error_code {
            state.faults.error_code = code;
        }
        if let Some(paths) = req.paths {
            state.faults.paths = paths;
        }
        if req.expire_tokens == Some(true) {
            // One-shot: tokens issued later are unaffected.
            for expires_at in state.access_tokens.values_mut() {
                *expires_at = (*expires_at).min(now);
            }
        }
        Ok(state.faults.clone())
    }

    /// Rolls the dice for an injected failure of a sending call to `path`.
    pub(crate) fn injected_failure(&self, path: &str) -> Option<crate::platform::ApiError> {
        let faults = self.state().faults.clone();
        let applies = faults.paths.is_empty() || faults.paths.iter().any(|p| p == path);
        if applies && faults.error_rate > 0.0 && rand::random::<f64>() < faults.error_rate {
            let code = faults.error_code;
            Some(crate::platform::ApiError::new(code, error_message(code)))
        } else {
            None
        }
    }
}

pub(crate) async fn get_faults(State(sim): State<Simulator>) -> Json<FaultSettings> {
    Json(sim.faults())
}

pub(crate) async fn set_faults(State(sim): State<Simulator>, body: axum::body::Bytes) -> Response {
    let parsed = serde_json::from_slice::<FaultRequest>(&body).map_err(|e| e.to_string());
    match parsed.and_then(|req| sim.apply_faults(req)) {
        Ok(settings) => Json(settings).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({ "error": e }))).into_response(),
    }
}

/// Delays every platform answer by the configured latency.
pub(crate) async fn latency(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let ms = sim.state().faults.latency_ms;
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    next.run(req).await
}
