//! Tests of the simulator through its router (tower `oneshot`) and, for the resident side,
//! through a real webhook receiver on 127.0.0.1:0. Shared helpers live here.

mod data_tests;
mod group_tests;
mod platform_tests;
mod resident_tests;

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use super::{SimConfig, Simulator};

pub(super) fn sim() -> Simulator {
    let mut config = SimConfig::sandbox_defaults();
    config.webhook_url = None;
    Simulator::new(config)
}

/// One request through the router; returns status and JSON body (Null if not JSON).
pub(super) async fn call(
    sim: &Simulator,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let Ok(req) = req.body(body.into()) else {
        panic!("bad test request");
    };
    let resp = match sim.router().oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

pub(super) async fn post_json(sim: &Simulator, uri: &str, body: Value) -> (StatusCode, Value) {
    call(
        sim,
        "POST",
        uri,
        &[("content-type", "application/json")],
        body.to_string(),
    )
    .await
}

/// Exchanges a refresh token; returns the raw token-endpoint body.
pub(super) async fn refresh(sim: &Simulator, refresh_token: &str) -> Value {
    let form = format!(
        "app_id={}&grant_type=refresh_token&refresh_token={refresh_token}",
        sim.config().app_id
    );
    let secret = sim.config().app_secret.clone();
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("secret_key", secret.as_str()),
    ];
    call(sim, "POST", "/v4/oa/access_token", &headers, form)
        .await
        .1
}

/// A fresh access token obtained with the bootstrap refresh token.
pub(super) async fn access_token(sim: &Simulator) -> String {
    let initial = sim.config().initial_refresh_token.clone();
    let body = refresh(sim, &initial).await;
    body["access_token"].as_str().unwrap_or_default().to_owned()
}

/// POSTs to `/v3.0/oa/message/cs` with a token; returns the Zalo envelope.
pub(super) async fn send_cs(sim: &Simulator, token: &str, body: &str) -> Value {
    let headers = [
        ("access_token", token),
        ("content-type", "application/json"),
    ];
    call(
        sim,
        "POST",
        "/v3.0/oa/message/cs",
        &headers,
        body.to_owned(),
    )
    .await
    .1
}

/// Opens the customer-service window for `user_id` (last interaction `ago_secs` ago).
pub(super) async fn interacted(sim: &Simulator, user_id: &str, ago_secs: u64) {
    let uri = format!("/sim/users/{user_id}/last_interaction");
    let (status, _) = post_json(sim, &uri, serde_json::json!({ "ago_secs": ago_secs })).await;
    assert_eq!(status, StatusCode::OK);
}

/// What a webhook receiver saw.
pub(super) type Seen = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A tiny webhook on 127.0.0.1:0 answering `status`; returns its URL and what it received.
pub(super) async fn receiver(status: StatusCode) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let store = seen.clone();
    let app = Router::new().route(
        "/webhook/zalo",
        post(move |headers: HeaderMap, body: Bytes| {
            let store = store.clone();
            async move {
                store
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((headers, body));
                status
            }
        }),
    );
    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
        panic!("cannot bind test receiver");
    };
    let Ok(addr) = listener.local_addr() else {
        panic!("no local addr");
    };
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/webhook/zalo"), seen)
}

pub(super) fn seen(seen: &Seen) -> Vec<(HeaderMap, Bytes)> {
    seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
