//! `/healthz`, `/readyz` and `/metrics`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::AppState;
use crate::time::Timestamp;

/// 200 while the process runs.
pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers and migrations are applied.
pub(super) async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.inner.store.is_ready().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database not ready")
    }
}

/// Prometheus text. Queue gauges are read from the database at scrape time so they are exact
/// across processes.
pub(super) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let now = Timestamp::now();
    let store = &state.inner.store;
    if let Ok((depth, lag_ms)) = store.inbox_depth(now).await {
        metrics::gauge!("ketnoi_inbox_depth").set(depth as f64);
        metrics::gauge!("ketnoi_inbox_lag_seconds").set(lag_ms as f64 / 1000.0);
    }
    if let Ok(stats) = store.outbox_stats(now).await {
        metrics::gauge!("ketnoi_outbox_depth", "status" => "pending").set(stats.pending as f64);
        metrics::gauge!("ketnoi_outbox_depth", "status" => "parked").set(stats.parked as f64);
        metrics::gauge!("ketnoi_outbox_depth", "status" => "failed").set(stats.failed as f64);
        metrics::gauge!("ketnoi_outbox_lag_seconds").set(stats.oldest_pending_ms as f64 / 1000.0);
    }
    if let Ok(counts) = store.case_counts().await {
        for (status, count) in counts {
            metrics::gauge!("ketnoi_cases", "status" => status.id()).set(count as f64);
        }
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.inner.metrics.render(),
    )
}
