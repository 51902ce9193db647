//! The OAuth v4 token endpoint, `POST /v4/oa/access_token` (docs/PLATFORM.md §5.1–§5.3).
//!
//! Refresh tokens are single use: a successful refresh invalidates the presented token and
//! returns a new pair. Presenting a used or unknown token fails with HTTP 200 and an
//! `error_name`/`error_description` body without `access_token` — and is counted, because a
//! bot that does this in production has lost its refresh token (two workers raced, or the new
//! pair was not persisted before use).

use std::collections::HashMap;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::state::{random_token, RefreshToken, REFRESH_TOKEN_TTL_MS};
use crate::Simulator;

fn oauth_error(code: i64, name: &str, reason: &str, description: &str) -> (i64, Value) {
    (
        code,
        json!({
            "error": code,
            "error_name": name,
            "error_reason": reason,
            "error_description": description,
        }),
    )
}

pub(crate) async fn access_token(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let (code, body) = exchange(&sim, &headers, form.ok().map(|Form(f)| f));
    sim.state().count_call(code);
    Json(body).into_response()
}

fn exchange(
    sim: &Simulator,
    headers: &HeaderMap,
    form: Option<HashMap<String, String>>,
) -> (i64, Value) {
    let Some(form) = form else {
        return oauth_error(
            -14001,
            "invalid_request",
            "body must be application/x-www-form-urlencoded",
            "Invalid request",
        );
    };
    let config = sim.config();
    if form.get("app_id").map(String::as_str) != Some(config.app_id.as_str()) {
        return oauth_error(
            -14002,
            "invalid_client",
            "app_id is invalid",
            "Invalid app_id",
        );
    }
    let secret = headers.get("secret_key").and_then(|v| v.to_str().ok());
    if secret != Some(config.app_secret.as_str()) {
        return oauth_error(
            -14002,
            "invalid_client",
            "secret_key is invalid",
            "Invalid secret key",
        );
    }
    match form.get("grant_type").map(String::as_str) {
        Some("refresh_token") => {}
        Some("authorization_code") => {
            // The sandbox has no consent page, so no code can ever be valid.
            return oauth_error(-14019, "invalid_grant", "code is invalid", "Invalid code");
        }
        _ => {
            return oauth_error(
                -14003,
                "unsupported_grant_type",
                "grant_type must be refresh_token or authorization_code",
                "Unsupported grant type",
            )
        }
    }
    let presented = form.get("refresh_token").map(String::as_str).unwrap_or("");
    if presented.is_empty() {
        return oauth_error(
            -14001,
            "invalid_request",
            "refresh_token is missing",
            "Invalid request",
        );
    }

    let now = sim.now_ms();
    let ttl_ms = i64::try_from(config.access_token_ttl.as_millis()).unwrap_or(i64::MAX);
    let mut state = sim.state();
    let usable = matches!(
        state.refresh_tokens.get(presented),
        Some(RefreshToken { used: false, expires_at_ms }) if *expires_at_ms > now
    );
    if !usable {
        state.stats.refresh_attempts_with_used_or_unknown_token += 1;
        tracing::warn!("sim: refresh with a used, expired or unknown refresh token");
        return oauth_error(
            -14014,
            "invalid_grant",
            "refresh_token is used, expired or unknown",
            "Invalid refresh token",
        );
    }
    if let Some(old) = state.refresh_tokens.get_mut(presented) {
        old.used = true;
    }
    let access = random_token(96);
    let refresh = random_token(96);
    state
        .access_tokens
        .insert(access.clone(), now.saturating_add(ttl_ms));
    state.refresh_tokens.insert(
        refresh.clone(),
        RefreshToken {
            used: false,
            expires_at_ms: now.saturating_add(REFRESH_TOKEN_TTL_MS),
        },
    );
    state.stats.access_tokens_issued += 1;
    state.stats.refresh_tokens_issued += 1;
    (
        0,
        json!({
            "access_token": access,
            "refresh_token": refresh,
            // A string of seconds, as Zalo sends it.
            "expires_in": config.access_token_ttl.as_secs().to_string(),
        }),
    )
}
