//! OA-owned group chats (GMF, docs/PLATFORM.md §2.5 and the GMF row of §6): creating a group
//! with the OA (`creategroupwithoa`), sending to it (`group/message`, not bound to the 7-day
//! window), reading it (`getgroup`, `listmember`); and, on the `/sim` side, a member writing in
//! a group (`POST /sim/groups/{group_id}/users/{user_id}/send`, a `user_send_group_text` event
//! with `recipient.id` = the group), a member joining or leaving
//! (`POST /sim/groups/{group_id}/users/{user_id}/join` or `/leave`: `user_join_group` or
//! `user_out_group`, with `users[{id}]`), and a group's asset running out
//! (`POST /sim/groups/{group_id}/expire`: later sends get `-237`).
//!
//! How faithful: no real GMF payload was found (the sources are a transcription of Zalo's
//! documentation and community code, docs/PLATFORM.md §8 item 9), so shapes follow that
//! reading: `creategroupwithoa` needs `group_name`, `asset_id` and 1–99 `member_user_ids` and
//! answers `group_id` and `group_link`; an unknown group is `-403` (the OA does not own it), an
//! expired one `-237`.

use std::collections::{BTreeSet, HashMap};

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::ordered::{obj, s, Json as Ordered};
use crate::platform::{parse_json, str_at, str_field, ApiError, ApiResult};
use crate::resident::{post, prepare, ResidentError};
use crate::send::{sending_request, validate_message};
use crate::state::{random_token, user_id_by_app, DeliveredEvent, SentMessage};
use crate::Simulator;

/// Members `creategroupwithoa` takes at once.
const MAX_INITIAL_MEMBERS: usize = 99;
const GROUP_NAME_LIMIT: usize = 100;

/// One OA-owned group.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub name: String,
    pub link: String,
    pub members: BTreeSet<String>,
    /// The GMF asset ran out or the group was dissolved: sends get `-237`.
    pub expired: bool,
    /// What the OA sent to the group, in order.
    pub messages: Vec<SentMessage>,
}

/// `POST /v3.0/oa/group/creategroupwithoa`.
pub(crate) async fn create(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = sim.authorize(&headers).and_then(|()| {
        if let Some(e) = sim.injected_failure("/v3.0/oa/group/creategroupwithoa") {
            return Err(e);
        }
        let req = parse_json(&body)?;
        let name = str_field(&req, "group_name")?;
        if name.chars().count() > GROUP_NAME_LIMIT {
            return Err(ApiError::exceeds("group_name"));
        }
        str_field(&req, "asset_id")?;
        let members: Vec<String> = match req.get("member_user_ids") {
            None | Some(Value::Null) => return Err(ApiError::missing("member_user_ids")),
            Some(Value::Array(ids)) if !ids.is_empty() => ids
                .iter()
                .map(|id| id.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(|| ApiError::invalid("member_user_ids"))?,
            Some(_) => return Err(ApiError::invalid("member_user_ids")),
        };
        if members.len() > MAX_INITIAL_MEMBERS {
            return Err(ApiError::exceeds("member_user_ids"));
        }
        let mut state = sim.state();
        let group_id = state.next_id();
        let link = format!("https://zalo.me/g/{}", random_token(10).to_lowercase());
        state.groups.insert(
            group_id.clone(),
            Group {
                name: name.to_owned(),
                link: link.clone(),
                members: members.into_iter().collect(),
                ..Group::default()
            },
        );
        Ok(json!({ "group_id": group_id, "group_link": link }))
    });
    sim.respond(result)
}

/// `POST /v3.0/oa/group/message`: the CS message shapes, to a group the OA owns.
pub(crate) async fn message(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = send_to_group(&sim, &headers, &body);
    sim.respond(result)
}

fn send_to_group(sim: &Simulator, headers: &HeaderMap, body: &[u8]) -> ApiResult {
    let req = sending_request(sim, headers, body, "/v3.0/oa/group/message")?;
    let group_id = str_at(&req["recipient"], "group_id", "recipient.group_id")?.to_owned();
    let message = &req["message"];
    let now = sim.now_ms();
    let mut state = sim.state();
    validate_message(message, &state.attachments)?;
    let message_id = state.next_msg_id();
    let group = state.groups.get_mut(&group_id).ok_or_else(not_owned)?;
    if group.expired {
        return Err(expired());
    }
    group.messages.push(SentMessage {
        received_at_ms: now,
        body: req,
        arrived: std::time::Instant::now(),
    });
    state.stats.messages_recorded += 1;
    Ok(json!({ "message_id": message_id, "group_id": group_id }))
}

fn not_owned() -> ApiError {
    ApiError::new(-403, "OA is not the owner of this group")
}

fn expired() -> ApiError {
    ApiError::new(-237, "Group chat is disabled: the GMF asset has expired")
}

/// The group named by `?group_id=` (or, like older GET endpoints, `?data={"group_id":…}`).
fn group_id_param(query: &HashMap<String, String>) -> Result<String, ApiError> {
    if let Some(id) = query.get("group_id").filter(|id| !id.trim().is_empty()) {
        return Ok(id.clone());
    }
    let data =
        crate::platform::parse_data_param(query).map_err(|_| ApiError::missing("group_id"))?;
    str_field(&data, "group_id").map(str::to_owned)
}

/// `GET /v3.0/oa/group/getgroup?group_id=`.
pub(crate) async fn get_group(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result = sim.authorize(&headers).and_then(|()| {
        let group_id = group_id_param(&query)?;
        let state = sim.state();
        let group = state.groups.get(&group_id).ok_or_else(not_owned)?;
        Ok(json!({
            "group_id": group_id,
            "name": group.name,
            "group_link": group.link,
            "total_member": group.members.len(),
            "status": if group.expired { "disabled" } else { "enabled" },
        }))
    });
    sim.respond(result)
}

/// `GET /v3.0/oa/group/listmember?group_id=&offset=&count=`.
pub(crate) async fn list_members(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let number = |key: &str, default: usize| {
        query.get(key).map_or(Ok(default), |v| {
            v.parse().map_err(|_| ApiError::invalid(key))
        })
    };
    let result = sim.authorize(&headers).and_then(|()| {
        let group_id = group_id_param(&query)?;
        let (offset, count) = (number("offset", 0)?, number("count", 50)?.min(50));
        let state = sim.state();
        let group = state.groups.get(&group_id).ok_or_else(not_owned)?;
        let members: Vec<Value> = group
            .members
            .iter()
            .skip(offset)
            .take(count)
            .map(|id| json!({ "user_id": id }))
            .collect();
        Ok(json!({ "total": group.members.len(), "members": members }))
    });
    sim.respond(result)
}

/// What a member writes in a group through `/sim`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupInput {
    pub text: String,
    /// Puts the OA's mention (`[@<oa_id>]`) in front of the text.
    #[serde(default)]
    pub mention_oa: bool,
}

/// `POST /sim/groups/{group_id}/users/{user_id}/send`: a member (added if new) writes in the
/// group; the `user_send_group_text` event is signed and posted like a resident's.
pub(crate) async fn member_send(
    State(sim): State<Simulator>,
    Path((group_id, user_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let input = match serde_json::from_slice::<GroupInput>(&body) {
        Ok(input) if !input.text.trim().is_empty() => input,
        Ok(_) => return bad_request("text must not be empty"),
        Err(e) => return bad_request(&format!("expected {{\"text\": …}}: {e}")),
    };
    match group_send(&sim, &group_id, &user_id, &input.text, input.mention_oa).await {
        Ok(outcome) => {
            let status =
                StatusCode::from_u16(outcome.webhook_status).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, Json(outcome)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// A member joining a group or leaving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// `user_join_group`.
    Join,
    /// `user_out_group` (SPEC's `user_leave_group`; docs/PLATFORM.md §8 item 9).
    Leave,
}

impl Membership {
    fn event_name(self) -> &'static str {
        match self {
            Membership::Join => "user_join_group",
            Membership::Leave => "user_out_group",
        }
    }
}

/// `POST /sim/groups/{group_id}/users/{user_id}/join`.
pub(crate) async fn member_join(
    State(sim): State<Simulator>,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Response {
    membership_response(&sim, &group_id, &user_id, Membership::Join).await
}

/// `POST /sim/groups/{group_id}/users/{user_id}/leave`.
pub(crate) async fn member_leave(
    State(sim): State<Simulator>,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Response {
    membership_response(&sim, &group_id, &user_id, Membership::Leave).await
}

async fn membership_response(
    sim: &Simulator,
    group_id: &str,
    user_id: &str,
    change: Membership,
) -> Response {
    match membership(sim, group_id, user_id, change).await {
        Ok(outcome) => {
            let status =
                StatusCode::from_u16(outcome.webhook_status).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, Json(outcome)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Changes the group's members and posts Zalo's lifecycle event, signed like a resident's.
async fn membership(
    sim: &Simulator,
    group_id: &str,
    user_id: &str,
    change: Membership,
) -> Result<crate::SendOutcome, ResidentError> {
    let url = sim.webhook_url().ok_or(ResidentError::NoWebhook)?;
    let event = {
        let timestamp = sim.now_ms().to_string();
        let mut state = sim.state();
        let Some(group) = state.groups.get_mut(group_id) else {
            return Err(ResidentError::BadInput(format!("no group {group_id}")));
        };
        match change {
            Membership::Join => group.members.insert(user_id.to_owned()),
            Membership::Leave => group.members.remove(user_id),
        };
        let cfg = sim.config();
        // Lifecycle events: `oa_id`, `group_id`, `app_id`, `timestamp`, `users` (T1).
        let value = obj([
            ("app_id", s(&cfg.app_id)),
            ("oa_id", s(&cfg.oa_id)),
            ("group_id", s(group_id)),
            ("event_name", s(change.event_name())),
            ("timestamp", s(&timestamp)),
            ("users", Ordered::Arr(vec![obj([("id", s(user_id))])])),
        ]);
        let (body, signature) = prepare(sim, value.to_bytes(), &timestamp);
        DeliveredEvent {
            body,
            signature,
            event_name: change.event_name().to_owned(),
            msg_id: None,
            retries: 0,
        }
    };
    post(sim, &url, event).await
}

/// `POST /sim/groups/{group_id}/expire`: the group's asset runs out.
pub(crate) async fn expire(State(sim): State<Simulator>, Path(group_id): Path<String>) -> Response {
    match sim.state().groups.get_mut(&group_id) {
        Some(group) => {
            group.expired = true;
            Json(json!({ "group_id": group_id, "expired": true })).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such group" })),
        )
            .into_response(),
    }
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

/// Builds, signs and posts a member's `user_send_group_text`.
async fn group_send(
    sim: &Simulator,
    group_id: &str,
    user_id: &str,
    text: &str,
    mention_oa: bool,
) -> Result<crate::SendOutcome, ResidentError> {
    let url = sim.webhook_url().ok_or(ResidentError::NoWebhook)?;
    let event = {
        let now = sim.now_ms();
        let timestamp = now.to_string();
        let mut state = sim.state();
        let Some(group) = state.groups.get_mut(group_id) else {
            return Err(ResidentError::BadInput(format!("no group {group_id}")));
        };
        group.members.insert(user_id.to_owned());
        let msg_id = state.next_msg_id();
        let cfg = sim.config();
        let text = if mention_oa {
            format!("[@{}] {text}", cfg.oa_id)
        } else {
            text.to_owned()
        };
        // Zalo's key order for message events (`crate::ordered`), with the group's `oa_id`.
        let value = obj([
            ("app_id", s(&cfg.app_id)),
            ("user_id_by_app", s(user_id_by_app(&cfg.app_id, user_id))),
            ("event_name", s("user_send_group_text")),
            ("timestamp", s(&timestamp)),
            ("oa_id", s(&cfg.oa_id)),
            ("sender", obj([("id", s(user_id))])),
            ("recipient", obj([("id", s(group_id))])),
            ("message", obj([("text", s(text)), ("msg_id", s(&msg_id))])),
        ]);
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        let (body, signature) = prepare(sim, bytes, &timestamp);
        // A group message opens the member's 1:1 window too (docs/PLATFORM.md §7).
        state.user_mut(user_id).last_interaction_ms = Some(now);
        DeliveredEvent {
            body,
            signature,
            event_name: "user_send_group_text".to_owned(),
            msg_id: Some(msg_id),
            retries: 0,
        }
    };
    post(sim, &url, event).await
}

impl Simulator {
    /// Same as `POST /sim/groups/{group_id}/users/{user_id}/send`: a member writes `text` in
    /// the group, with the OA's mention in front if `mention_oa`.
    pub async fn send_in_group(
        &self,
        group_id: &str,
        user_id: &str,
        text: &str,
        mention_oa: bool,
    ) -> anyhow::Result<crate::SendOutcome> {
        Ok(group_send(self, group_id, user_id, text, mention_oa).await?)
    }

    /// Same as `POST /sim/groups/{group_id}/users/{user_id}/join` or `/leave`.
    pub async fn change_membership(
        &self,
        group_id: &str,
        user_id: &str,
        change: Membership,
    ) -> anyhow::Result<crate::SendOutcome> {
        Ok(membership(self, group_id, user_id, change).await?)
    }

    /// What the OA sent to a group, in the order received.
    pub fn group_messages(&self, group_id: &str) -> Vec<SentMessage> {
        self.state()
            .groups
            .get(group_id)
            .map(|g| g.messages.clone())
            .unwrap_or_default()
    }

    /// A group's members, as the simulator knows them.
    pub fn group_members(&self, group_id: &str) -> Vec<String> {
        self.state()
            .groups
            .get(group_id)
            .map(|g| g.members.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Creates a group the OA owns, as if made in the Zalo app (for `/group link`); returns its
    /// id.
    pub fn create_group(&self, name: &str, members: &[&str]) -> String {
        let mut state = self.state();
        let group_id = state.next_id();
        let group = Group {
            name: name.to_owned(),
            link: format!("https://zalo.me/g/{}", random_token(10).to_lowercase()),
            members: members.iter().map(|m| (*m).to_owned()).collect(),
            ..Group::default()
        };
        state.groups.insert(group_id.clone(), group);
        group_id
    }
}
