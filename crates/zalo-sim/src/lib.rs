//! zalo-sim: an in-memory stand-in for the Zalo platform, so that ketnoi runs, and is tested,
//! with no Zalo account and no network. It plays the other side of the wire: the OA API
//! (`message/cs`, the retired `message`, image upload, user detail, tags), the OAuth v4 token
//! endpoint, and residents, whose events it builds, signs with the webhook MAC and POSTs to the
//! bot's webhook; `load` plays Zalo under load for benchmarks.
//!
//! How faithful: built from docs/PLATFORM.md, which gives a source for every fact. Requests are
//! validated as Zalo documents them and answered with Zalo's envelopes and error codes (`-216`
//! for an unknown token, `-220` for an expired one, `-32` past 4000 calls a minute, `-230`
//! outside the 7-day reply window; refresh tokens are single-use, access tokens live 25 h);
//! events have Zalo's JSON shapes, MAC and, on request, byte-identical redelivery. What the sources leave open (docs/PLATFORM.md §8) is the documentation's reading,
//! not a measurement of the real platform. On top of Zalo: `/sim/...` endpoints to act as a
//! resident, inspect what the bot sent, move the clock and inject faults (docs/DESIGN.md, "The
//! Zalo simulator").
//!
//! Nothing of ketnoi's is used here, not even its MAC or dates (`mac`, `date`): a simulator that
//! shared the bot's code would agree with the bot's mistakes.
//!
//! Modules: `oauth` (token endpoint), `platform` (OA API auth and envelopes), `send`
//! (`message/cs` validation), `upload` (image upload), `tags` (tags and user detail), `group`
//! (OA-owned group chats and members writing in them),
//! `event` (event JSON shapes), `mac` (the webhook MAC), `date` (dates in Vietnam's time zone),
//! `resident` (building, signing and posting events), `inspect` (read-only views and test
//! knobs), `faults` (injected misbehaviour), `state` (the shared state), `load` (the load
//! generator).
//!
//! State lives only in memory: a restart of the simulator is a fresh Zalo sandbox.

mod date;
mod event;
mod faults;
mod group;
mod input;
mod inspect;
pub mod load;
mod mac;
mod oauth;
mod ordered;
mod platform;
mod resident;
mod send;
mod state;
mod tags;
mod upload;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tokio_util::sync::CancellationToken;

pub use faults::FaultSettings;
pub use group::Membership;
pub use input::{Location, ResidentInput};
pub use resident::SendOutcome;
pub use state::{SentMessage, SimStats};

use state::State;

/// Zalo's OA API quota: 4000 calls in any 60 s per app, `-32` beyond it (docs/PLATFORM.md §7).
pub const CALLS_PER_MINUTE: u32 = 4000;

/// Identities and secrets of the simulated app and OA.
#[derive(Clone)]
pub struct SimConfig {
    pub app_id: String,
    pub oa_id: String,
    /// OA Secret Key: the last term of the webhook MAC.
    pub oa_secret_key: String,
    /// App Secret: the `secret_key` header of the token endpoint and the `appsecret_proof` key.
    pub app_secret: String,
    /// The bootstrap refresh token the bot is configured with; like every refresh token it is
    /// valid exactly once.
    pub initial_refresh_token: String,
    /// Where resident events are POSTed.
    pub webhook_url: Option<String>,
    /// Lifetime of access tokens; Zalo's is 25 h.
    pub access_token_ttl: Duration,
    /// Zalo's OA API quota per app, calls in any 60 s ([`CALLS_PER_MINUTE`], `-32` beyond it);
    /// `None` for load runs that measure the bot's own pipeline.
    pub api_calls_per_minute: Option<u32>,
}

impl SimConfig {
    /// Fixed sandbox values; nothing here is a real credential.
    pub fn sandbox_defaults() -> Self {
        SimConfig {
            app_id: "4318826701985012345".to_owned(),
            oa_id: "2851903374523456789".to_owned(),
            oa_secret_key: "sandbox-oa-secret-key".to_owned(),
            app_secret: "sandbox-app-secret".to_owned(),
            initial_refresh_token: "sandbox-bootstrap-refresh-token".to_owned(),
            webhook_url: Some("http://127.0.0.1:8080/webhook/zalo".to_owned()),
            access_token_ttl: Duration::from_secs(90_000),
            api_calls_per_minute: Some(CALLS_PER_MINUTE),
        }
    }
}

// Secrets never appear in Debug output (docs/DESIGN.md, "Settings").
impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("app_id", &self.app_id)
            .field("oa_id", &self.oa_id)
            .field("oa_secret_key", &"<redacted>")
            .field("app_secret", &"<redacted>")
            .field("initial_refresh_token", &"<redacted>")
            .field("webhook_url", &self.webhook_url)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("api_calls_per_minute", &self.api_calls_per_minute)
            .finish()
    }
}

/// Handle to one simulated Zalo platform. Cheap to clone; clones share the same state.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

struct Inner {
    config: SimConfig,
    webhook_url: Mutex<Option<String>>,
    state: Mutex<State>,
    /// Added to the wall clock, so tests can move the simulator's time forward.
    clock_offset_ms: AtomicI64,
    http: reqwest::Client,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("config", &self.inner.config)
            .finish()
    }
}

/// Uploads may be up to 1 MB; allow more so an oversized file gets Zalo's -210, not a 413.
const PLATFORM_BODY_LIMIT: usize = 8 * 1024 * 1024;

impl Simulator {
    pub fn new(config: SimConfig) -> Simulator {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let state = State::new(&config.initial_refresh_token);
        Simulator {
            inner: Arc::new(Inner {
                webhook_url: Mutex::new(config.webhook_url.clone()),
                config,
                state: Mutex::new(state),
                clock_offset_ms: AtomicI64::new(0),
                http,
            }),
        }
    }

    /// Every endpoint: the OA API, the token endpoint, and the `/sim/...` control surface.
    pub fn router(&self) -> Router {
        let platform = Router::new()
            .route("/v4/oa/access_token", post(oauth::access_token))
            .route("/v3.0/oa/message/cs", post(send::message_cs))
            .route("/v2.0/oa/message", post(send::message_v2))
            .route("/v2.0/oa/upload/image", post(upload::upload_image))
            .route("/v2.0/oa/upload/gif", post(upload::upload_gif))
            .route("/v2.0/oa/upload/file", post(upload::upload_file))
            .route("/v3.0/oa/user/detail", get(tags::user_detail))
            .route("/v2.0/oa/getoa", get(tags::get_oa))
            .route("/v2.0/oa/tag/tagfollower", post(tags::tag_follower))
            .route("/v2.0/oa/tag/rmfollowerfromtag", post(tags::untag_follower))
            .route("/v2.0/oa/tag/rmtag", post(tags::remove_tag))
            .route("/v2.0/oa/tag/gettagsofoa", get(tags::tags_of_oa))
            .route("/v3.0/oa/group/creategroupwithoa", post(group::create))
            .route("/v3.0/oa/group/message", post(group::message))
            .route("/v3.0/oa/group/getgroup", get(group::get_group))
            .route("/v3.0/oa/group/listmember", get(group::list_members))
            .layer(DefaultBodyLimit::max(PLATFORM_BODY_LIMIT))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                faults::latency,
            ));
        let control = Router::new()
            .route("/sim/users/{user_id}/send", post(resident::send))
            .route(
                "/sim/users/{user_id}/last_interaction",
                post(inspect::set_last_interaction),
            )
            .route(
                "/sim/groups/{group_id}/users/{user_id}/send",
                post(group::member_send),
            )
            .route(
                "/sim/groups/{group_id}/users/{user_id}/join",
                post(group::member_join),
            )
            .route(
                "/sim/groups/{group_id}/users/{user_id}/leave",
                post(group::member_leave),
            )
            .route("/sim/groups/{group_id}/expire", post(group::expire))
            .route("/sim/messages", get(inspect::messages))
            .route("/sim/stats", get(inspect::stats))
            .route(
                "/sim/faults",
                get(faults::get_faults).post(faults::set_faults),
            );
        platform
            .merge(control)
            .fallback(platform::unknown_path)
            .with_state(self.clone())
    }

    /// Points resident events at another webhook (e.g. once `serve` knows its own port).
    pub fn set_webhook_url(&self, url: String) {
        *lock(&self.inner.webhook_url) = Some(url);
    }

    /// Serves the router until `shutdown` is cancelled.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: CancellationToken,
    ) -> std::io::Result<()> {
        let app = self.router();
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    }

    /// What the bot sent to `user_id` and the API accepted, in the order received.
    pub fn sent_messages(&self, user_id: &str) -> Vec<SentMessage> {
        self.state()
            .messages
            .get(user_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn stats(&self) -> SimStats {
        self.state().stats.clone()
    }

    /// The OA tags a user carries, as the tag API set them.
    pub fn user_tags(&self, user_id: &str) -> Vec<String> {
        self.state()
            .users
            .get(user_id)
            .map(|u| u.tags.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Same as `POST /sim/users/{user_id}/send`.
    pub async fn send_as_user(
        &self,
        user_id: &str,
        input: ResidentInput,
    ) -> anyhow::Result<SendOutcome> {
        Ok(resident::send_as_user(self, user_id, input).await?)
    }

    /// Current fault settings (same as `GET /sim/faults`).
    pub fn faults(&self) -> FaultSettings {
        self.state().faults.clone()
    }

    /// Moves the simulator's clock forward, e.g. past an access token's 25 h.
    pub fn advance_clock(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.inner.clock_offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// The simulator's clock, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        wall.saturating_add(self.inner.clock_offset_ms.load(Ordering::SeqCst))
    }

    fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    fn webhook_url(&self) -> Option<String> {
        lock(&self.inner.webhook_url).clone()
    }

    fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The state lock is never held across an await.
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.inner.state)
    }
}

/// A poisoned lock only means another request panicked; the maps are still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
