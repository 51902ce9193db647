//! The axum routers: the public one (the Zalo webhook and health checks, with request ids,
//! tracing, a body limit and a request deadline) and the private operations one (`/metrics`).

mod ops;
pub mod serve;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Notify;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::store::{Ingest, Store};
use crate::vault::Vault;

/// What the webhook checks events against.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Our app id (MAC term and body check).
    pub app_id: String,
    /// Our OA id.
    pub oa_id: String,
    /// Accepted OA secret keys, current first.
    pub oa_secret_keys: Vec<String>,
    /// Oldest accepted event, ms before now.
    pub max_age_ms: i64,
    /// Furthest accepted future timestamp, ms after now.
    pub max_future_ms: i64,
    /// How long an event may wait for the database before the webhook answers 503: shorter
    /// than the request deadline, so a database that is down or stuck is reported as such
    /// (Zalo retries), not as a request timeout.
    pub store_deadline: Duration,
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<StateInner>,
}

struct StateInner {
    webhook: WebhookConfig,
    store: Store,
    ingest: Ingest,
    vault: Vault,
    inbox_ready: Arc<Notify>,
    metrics: PrometheusHandle,
}

impl AppState {
    /// Builds the state.
    pub fn new(
        webhook: WebhookConfig,
        store: Store,
        vault: Vault,
        inbox_ready: Arc<Notify>,
        metrics: PrometheusHandle,
    ) -> AppState {
        let ingest = Ingest::start(store.clone());
        AppState {
            inner: Arc::new(StateInner {
                webhook,
                store,
                ingest,
                vault,
                inbox_ready,
                metrics,
            }),
        }
    }
}

/// The operations router (`ops.listen`): metrics and health, for the station's monitoring only.
pub fn ops_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .with_state(state)
        .layer(CatchPanicLayer::new())
}

/// The public router of `serve`: the webhook and health checks, nothing else.
pub fn router(state: AppState, body_limit: usize, timeout: Duration) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/webhook/zalo", post(webhook::receive).get(webhook::probe))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
