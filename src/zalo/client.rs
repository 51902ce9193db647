//! HTTP client for the OA API and the OAuth token endpoint. Knows Zalo's envelopes, headers and
//! `appsecret_proof`; knows nothing about tokens' storage or our intents.

use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;

use super::error::ApiError;

/// A fresh token pair from the OAuth endpoint.
#[derive(Clone)]
pub struct TokenPair {
    /// OA access token.
    pub access_token: SecretString,
    /// The next (single-use) refresh token.
    pub refresh_token: SecretString,
    /// Lifetime of the access token.
    pub expires_in: Duration,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenPair(expires_in={:?}, <redacted>)", self.expires_in)
    }
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// OA API base URL.
    pub api_base: String,
    /// OAuth base URL.
    pub oauth_base: String,
    /// App id.
    pub app_id: String,
    /// App Secret Key.
    pub app_secret: SecretString,
    /// Send `appsecret_proof`.
    pub send_appsecret_proof: bool,
    /// Per-call deadline.
    pub timeout: Duration,
}

/// Calls Zalo.
#[derive(Debug, Clone)]
pub struct ZaloClient {
    http: reqwest::Client,
    config: ClientConfig,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    error: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: serde_json::Value,
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<serde_json::Value>,
    error: Option<serde_json::Value>,
    error_name: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

impl ZaloClient {
    /// Builds the client.
    pub fn new(config: ClientConfig) -> ZaloClient {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .pool_max_idle_per_host(32)
            .build()
            .expect("reqwest client builds with static settings");
        ZaloClient { http, config }
    }

    fn proof(&self, access_token: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.config.app_secret.expose_secret().as_bytes())
                .expect("any key length");
        mac.update(access_token.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// POSTs a JSON body to an OA API path and returns `data` of a successful envelope.
    pub async fn post_api(
        &self,
        path: &str,
        access_token: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        let mut request = self
            .http
            .post(format!("{}{}", self.config.api_base, path))
            .header("access_token", access_token)
            .json(body);
        if self.config.send_appsecret_proof {
            request = request.header("appsecret_proof", self.proof(access_token));
        }
        let result = Self::read_envelope(request.send().await).await;
        count_call(path, &result);
        result
    }

    /// GETs an OA API path with query parameters and returns `data` of a successful envelope.
    pub async fn get_api(
        &self,
        path: &str,
        access_token: &str,
        query: &[(&str, &str)],
    ) -> Result<serde_json::Value, ApiError> {
        let mut request = self
            .http
            .get(format!("{}{}", self.config.api_base, path))
            .header("access_token", access_token)
            .query(query);
        if self.config.send_appsecret_proof {
            request = request.header("appsecret_proof", self.proof(access_token));
        }
        let result = Self::read_envelope(request.send().await).await;
        count_call(path, &result);
        result
    }

    async fn read_envelope(
        sent: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<serde_json::Value, ApiError> {
        let response = sent.map_err(transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport_error)?;
        match serde_json::from_slice::<Envelope>(&bytes) {
            Ok(env) if env.error == 0 && status.is_success() => Ok(env.data),
            Ok(env) if env.error != 0 => Err(ApiError::Zalo {
                code: env.error,
                message: env.message,
            }),
            _ if !status.is_success() => Err(ApiError::Http(status.as_u16())),
            _ => Err(ApiError::InvalidResponse(format!(
                "{} bytes, not an envelope",
                bytes.len()
            ))),
        }
    }

    /// Exchanges a refresh token for a new pair (`grant_type=refresh_token`). Any answer without
    /// `access_token` is a failure, whatever its HTTP status (docs/PLATFORM.md §5.3).
    pub async fn refresh_token(&self, refresh_token: &str) -> Result<TokenPair, ApiError> {
        let response = self
            .http
            .post(format!("{}/v4/oa/access_token", self.config.oauth_base))
            .header("secret_key", self.config.app_secret.expose_secret())
            .form(&[
                ("refresh_token", refresh_token),
                ("app_id", self.config.app_id.as_str()),
                ("grant_type", "refresh_token"),
            ])
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport_error)?;
        let body: TokenBody = serde_json::from_slice(&bytes).map_err(|_| {
            if status.is_success() {
                ApiError::InvalidResponse("token endpoint answered non-JSON".into())
            } else {
                ApiError::Http(status.as_u16())
            }
        })?;
        match (body.access_token, body.refresh_token) {
            (Some(access), Some(refresh)) if !access.is_empty() && !refresh.is_empty() => {
                let secs = match &body.expires_in {
                    Some(serde_json::Value::String(s)) => s.parse().unwrap_or(90_000),
                    Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(90_000),
                    _ => 90_000,
                };
                Ok(TokenPair {
                    access_token: access.into(),
                    refresh_token: refresh.into(),
                    expires_in: Duration::from_secs(secs),
                })
            }
            _ => {
                let code = body.error.as_ref().and_then(|e| e.as_i64()).unwrap_or(-1);
                let message = body
                    .error_description
                    .or(body.error_name)
                    .or(body.message)
                    .unwrap_or_else(|| "no access_token in answer".into());
                Err(ApiError::Zalo { code, message })
            }
        }
    }
}

/// Counts one OA API call by path and Zalo's code (0: success).
fn count_call(path: &str, result: &Result<serde_json::Value, ApiError>) {
    let code = match result {
        Ok(_) => "0".to_owned(),
        Err(err) => err.metric_code(),
    };
    metrics::counter!("ketnoi_zalo_api_calls_total", "path" => path.to_owned(), "code" => code)
        .increment(1);
}

fn transport_error(err: reqwest::Error) -> ApiError {
    if err.is_timeout() {
        ApiError::Timeout
    } else {
        ApiError::Network(err.without_url().to_string())
    }
}
