//! Read-only views for tests and operators (`GET /sim/messages?user_id=` or `?group_id=`,
//! `GET /sim/stats`) and the
//! test knob `POST /sim/users/{user_id}/last_interaction`, which moves a user's last
//! interaction into the past so the 7-day window can be closed without waiting a week.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::Simulator;

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

pub(crate) async fn messages(
    State(sim): State<Simulator>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    match (query.get("user_id"), query.get("group_id")) {
        (Some(user_id), None) => Json(sim.sent_messages(user_id)).into_response(),
        (None, Some(group_id)) => Json(sim.group_messages(group_id)).into_response(),
        _ => bad_request("give exactly one of the query parameters user_id, group_id".to_owned()),
    }
}

pub(crate) async fn stats(State(sim): State<Simulator>) -> Response {
    Json(sim.stats()).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LastInteraction {
    ago_secs: u64,
}

pub(crate) async fn set_last_interaction(
    State(sim): State<Simulator>,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Response {
    let req = match serde_json::from_slice::<LastInteraction>(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(format!("expected {{\"ago_secs\": N}}: {e}")),
    };
    let ago_ms = i64::try_from(req.ago_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let at = sim.now_ms().saturating_sub(ago_ms);
    sim.state().user_mut(&user_id).last_interaction_ms = Some(at);
    Json(json!({ "user_id": user_id, "last_interaction": at })).into_response()
}
