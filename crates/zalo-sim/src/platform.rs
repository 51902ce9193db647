//! What every OA API endpoint shares: Zalo's envelopes (`{"error":0,"message":"Success",
//! "data":…}` or `{"error":<negative>,"message":…}`, always HTTP 200, docs/PLATFORM.md §3.4),
//! access-token and `appsecret_proof` checks (§5.3, §5.4), and counting calls by code.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::Simulator;

/// A Zalo API failure: negative code and message text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub code: i64,
    pub message: String,
}

impl ApiError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// -201, naming the field, as Zalo does.
    pub fn invalid(field: &str) -> Self {
        Self::new(-201, format!("Parameter {field} is invalid"))
    }

    pub fn missing(field: &str) -> Self {
        Self::new(-201, format!("Parameter {field} is missing"))
    }

    pub fn exceeds(field: &str) -> Self {
        Self::new(-210, format!("Parameter {field} exceeds limit"))
    }
}

pub(crate) type ApiResult = Result<Value, ApiError>;

impl Simulator {
    /// Wraps a handler's result in Zalo's envelope and counts it by code.
    pub(crate) fn respond(&self, result: ApiResult) -> Response {
        let (code, body) = match result {
            Ok(data) => (0, json!({"error": 0, "message": "Success", "data": data})),
            Err(e) => (e.code, json!({"error": e.code, "message": e.message})),
        };
        self.state().count_call(code);
        Json(body).into_response()
    }

    /// Checks the `access_token` header (-216 unknown, -220 expired), the app's call quota
    /// (-32) and, when present, `appsecret_proof` (-242).
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let token = headers
            .get("access_token")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::new(-216, "Access token is invalid"))?;
        let expires_at = self.state().access_tokens.get(token).copied();
        match expires_at {
            None => return Err(ApiError::new(-216, "Access token is invalid")),
            Some(at) if at <= self.now_ms() => {
                return Err(ApiError::new(-220, "Access token is expired or removed"))
            }
            Some(_) => {}
        }
        if let Some(limit) = self.config().api_calls_per_minute {
            let now = self.now_ms();
            let mut state = self.state();
            while state
                .recent_calls
                .front()
                .is_some_and(|&t| t <= now - 60_000)
            {
                state.recent_calls.pop_front();
            }
            if state.recent_calls.len() >= limit as usize {
                return Err(ApiError::new(-32, "The request exceeds the rate limit"));
            }
            state.recent_calls.push_back(now);
        }
        if let Some(proof) = headers.get("appsecret_proof") {
            let expected = appsecret_proof(&self.config().app_secret, token);
            let given = proof.to_str().unwrap_or("").trim().to_ascii_lowercase();
            if given != expected {
                return Err(ApiError::new(-242, "Invalid appsecret_proof"));
            }
        }
        Ok(())
    }
}

/// `lowercase_hex(HMAC-SHA256(key = app_secret, msg = access_token))` (§5.4).
pub(crate) fn appsecret_proof(app_secret: &str, access_token: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(access_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Parses a JSON request body; Zalo answers malformed bodies with -201.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(ApiError::new(
            -201,
            "Parameter body is invalid: expected a JSON object",
        )),
    }
}

/// GET endpoints take one URL-encoded JSON object in `data=` (§6).
pub(crate) fn parse_data_param(
    query: &std::collections::HashMap<String, String>,
) -> Result<Value, ApiError> {
    let raw = query.get("data").ok_or_else(|| ApiError::missing("data"))?;
    parse_json(raw.as_bytes()).map_err(|_| ApiError::invalid("data"))
}

/// A required non-empty string field of a top-level JSON object.
pub(crate) fn str_field<'a>(obj: &'a Value, field: &str) -> Result<&'a str, ApiError> {
    str_at(obj, field, field)
}

/// A required non-empty string field `key` of `obj`; errors name it by its full `path`.
pub(crate) fn str_at<'a>(obj: &'a Value, key: &str, path: &str) -> Result<&'a str, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(ApiError::missing(path)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(ApiError::invalid(path)),
    }
}

/// Any path the simulator does not serve: Zalo's error envelope rather than an empty 404, so a
/// client reading the body (as ketnoi does, whatever the status) sees a Zalo-shaped failure.
/// `-209` is Zalo's "API not supported" (docs/PLATFORM.md §5.5); the status stays 404.
pub(crate) async fn unknown_path(
    axum::extract::State(sim): axum::extract::State<Simulator>,
) -> Response {
    sim.state().count_call(-209);
    (
        axum::http::StatusCode::NOT_FOUND,
        Json(json!({"error": -209, "message": "API not supported"})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appsecret_proof_matches_independent_vector() {
        // python3 -c "import hmac,hashlib;print(hmac.new(b'sandbox-app-secret',
        //   b'token-abc',hashlib.sha256).hexdigest())"
        assert_eq!(
            appsecret_proof("sandbox-app-secret", "token-abc"),
            "cd752a37d0fc2886390a4ab7b798ab78de9f3790c647aa4fa9c679cbc7327f88"
        );
    }
}
