//! Follower data endpoints (docs/PLATFORM.md §6): `user/detail`, `getoa`, and tags
//! (`tagfollower`, `rmfollowerfromtag`, `rmtag`, `gettagsofoa`). Tag membership lives in the
//! shared state, so `user/detail` shows it.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use crate::date::vn_date;
use crate::platform::{parse_data_param, parse_json, str_field, ApiError};
use crate::state::user_id_by_app;
use crate::Simulator;

const TAG_NAME_LIMIT: usize = 100;

fn unknown_user() -> ApiError {
    ApiError::new(
        -201,
        "Parameter user_id is invalid: user has never interacted with the OA",
    )
}

pub(crate) async fn user_detail(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let result = sim.authorize(&headers).and_then(|()| {
        let query = query.map(|Query(q)| q).unwrap_or_default();
        let data = parse_data_param(&query)?;
        let user_id = str_field(&data, "user_id")?;
        let state = sim.state();
        let user = state.users.get(user_id).ok_or_else(unknown_user)?;
        let suffix: String = {
            let chars: Vec<char> = user_id.chars().collect();
            chars[chars.len().saturating_sub(4)..].iter().collect()
        };
        let avatar = format!("https://s120-ava-talk.zadn.vn/sim/avatar/{user_id}.jpg");
        Ok(json!({
            "user_id": user_id,
            "user_id_by_app": user_id_by_app(&sim.config().app_id, user_id),
            "user_external_id": "",
            "display_name": format!("Cư dân {suffix}"),
            "user_alias": "",
            "is_sensitive": false,
            "user_last_interaction_date": user.last_interaction_ms.map(vn_date).unwrap_or_default(),
            "user_is_follower": user.follower,
            "avatar": avatar,
            "avatars": { "120": avatar, "240": avatar.replace("s120", "s240") },
            "tags_and_notes_info": { "notes": [], "tag_names": user.tags },
        }))
    });
    sim.respond(result)
}

pub(crate) async fn get_oa(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let result = sim.authorize(&headers).map(|()| {
        let followers = sim.state().users.values().filter(|u| u.follower).count();
        json!({
            "oa_id": sim.config().oa_id,
            "oaid": sim.config().oa_id,
            "name": "Công an phường (sandbox)",
            "description": "Zalo OA simulator",
            "is_verified": true,
            "oa_type": 2,
            "num_follower": followers,
            "package_name": "sandbox",
        })
    });
    sim.respond(result)
}

/// `{user_id, tag_name}` from a JSON body, with the tag name checked.
fn user_and_tag(body: &[u8]) -> Result<(String, String), ApiError> {
    let req = parse_json(body)?;
    let user_id = str_field(&req, "user_id")?.to_owned();
    let tag = tag_name(&req)?;
    Ok((user_id, tag))
}

fn tag_name(req: &Value) -> Result<String, ApiError> {
    let tag = str_field(req, "tag_name")?.trim();
    if tag.chars().count() > TAG_NAME_LIMIT {
        return Err(ApiError::exceeds("tag_name"));
    }
    Ok(tag.to_owned())
}

pub(crate) async fn tag_follower(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = sim.authorize(&headers).and_then(|()| {
        let (user_id, tag) = user_and_tag(&body)?;
        let mut state = sim.state();
        let user = state.users.get_mut(&user_id).ok_or_else(unknown_user)?;
        // Tagging creates the tag if it does not exist yet (§6).
        user.tags.insert(tag.clone());
        state.tags.insert(tag);
        Ok(json!({}))
    });
    sim.respond(result)
}

pub(crate) async fn untag_follower(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = sim.authorize(&headers).and_then(|()| {
        let (user_id, tag) = user_and_tag(&body)?;
        let mut state = sim.state();
        if !state.tags.contains(&tag) {
            return Err(ApiError::invalid("tag_name"));
        }
        let user = state.users.get_mut(&user_id).ok_or_else(unknown_user)?;
        user.tags.remove(&tag);
        Ok(json!({}))
    });
    sim.respond(result)
}

pub(crate) async fn remove_tag(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = sim.authorize(&headers).and_then(|()| {
        let tag = tag_name(&parse_json(&body)?)?;
        let mut state = sim.state();
        if !state.tags.remove(&tag) {
            return Err(ApiError::invalid("tag_name"));
        }
        for user in state.users.values_mut() {
            user.tags.remove(&tag);
        }
        Ok(json!({}))
    });
    sim.respond(result)
}

pub(crate) async fn tags_of_oa(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let result = sim
        .authorize(&headers)
        .map(|()| json!(sim.state().tags.iter().collect::<Vec<_>>()));
    sim.respond(result)
}
