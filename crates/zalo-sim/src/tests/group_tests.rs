//! OA-owned groups (GMF): create, send, read, a member writing, expiry.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::*;

async fn api(sim: &Simulator, token: &str, method: &str, uri: &str, body: Value) -> Value {
    let headers = [
        ("access_token", token),
        ("content-type", "application/json"),
    ];
    let body = if method == "GET" {
        String::new()
    } else {
        body.to_string()
    };
    call(sim, method, uri, &headers, body).await.1
}

async fn create(sim: &Simulator, token: &str, members: Value) -> Value {
    let body = json!({"group_name": "An ninh Khu phố 2", "group_description": "Nhóm an ninh",
        "asset_id": "gmf-asset", "member_user_ids": members});
    api(sim, token, "POST", "/v3.0/oa/group/creategroupwithoa", body).await
}

fn text_to(group_id: &str, text: &str) -> Value {
    json!({"recipient": {"group_id": group_id}, "message": {"text": text}})
}

#[tokio::test]
async fn a_group_is_created_with_its_link_and_members_and_takes_messages_without_a_window() {
    let sim = sim();
    let token = access_token(&sim).await;
    let created = create(&sim, &token, json!(["7001", "7002"])).await;
    assert_eq!(created["error"], 0, "{created}");
    let group_id = created["data"]["group_id"].as_str().expect("group id");
    assert!(created["data"]["group_link"]
        .as_str()
        .is_some_and(|l| l.starts_with("https://zalo.me/g/")));

    // No member has written to the OA: a group message still goes (not bound to the window).
    let sent = api(
        &sim,
        &token,
        "POST",
        "/v3.0/oa/group/message",
        text_to(group_id, "Cảnh báo"),
    )
    .await;
    assert_eq!(sent["error"], 0, "{sent}");
    assert_eq!(sent["data"]["group_id"], group_id);
    let recorded = sim.group_messages(group_id);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].body["message"]["text"], "Cảnh báo");
    let (status, listed) = call(
        &sim,
        "GET",
        &format!("/sim/messages?group_id={group_id}"),
        &[],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    let info = api(
        &sim,
        &token,
        "GET",
        &format!("/v3.0/oa/group/getgroup?group_id={group_id}"),
        Value::Null,
    )
    .await;
    assert_eq!(info["data"]["total_member"], 2, "{info}");
    let members = api(
        &sim,
        &token,
        "GET",
        &format!("/v3.0/oa/group/listmember?group_id={group_id}&offset=1&count=5"),
        Value::Null,
    )
    .await;
    assert_eq!(members["data"]["total"], 2);
    assert_eq!(members["data"]["members"], json!([{"user_id": "7002"}]));
}

#[tokio::test]
async fn group_rules_and_codes() {
    let sim = sim();
    let token = access_token(&sim).await;
    assert_eq!(create(&sim, &token, json!([])).await["error"], -201);
    let too_many: Vec<String> = (0..100).map(|i| format!("u{i}")).collect();
    assert_eq!(create(&sim, &token, json!(too_many)).await["error"], -210);
    let no_asset = json!({"group_name": "x", "member_user_ids": ["7001"]});
    let answer = api(
        &sim,
        &token,
        "POST",
        "/v3.0/oa/group/creategroupwithoa",
        no_asset,
    )
    .await;
    assert_eq!(answer["error"], -201);
    assert_eq!(
        api(
            &sim,
            "bad-token",
            "POST",
            "/v3.0/oa/group/message",
            text_to("1", "x")
        )
        .await["error"],
        -216
    );
    // A group the OA does not own.
    let unknown = api(
        &sim,
        &token,
        "POST",
        "/v3.0/oa/group/message",
        text_to("123", "x"),
    )
    .await;
    assert_eq!(unknown["error"], -403);
    // An expired one.
    let group_id = sim.create_group("KP 3", &["7003"]);
    let (status, _) = post_json(&sim, &format!("/sim/groups/{group_id}/expire"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let gone = api(
        &sim,
        &token,
        "POST",
        "/v3.0/oa/group/message",
        text_to(&group_id, "x"),
    )
    .await;
    assert_eq!(gone["error"], -237);
    assert!(sim.group_messages(&group_id).is_empty());
    // Texts follow the CS rules.
    let long = "a".repeat(2001);
    let over = api(
        &sim,
        &token,
        "POST",
        "/v3.0/oa/group/message",
        text_to(&sim.create_group("KP 4", &["1"]), &long),
    )
    .await;
    assert_eq!(over["error"], -210);
}

#[tokio::test]
async fn a_member_writing_in_a_group_is_a_signed_group_event_with_the_group_as_recipient() {
    let (url, seen) = receiver(StatusCode::OK).await;
    let sim = sim();
    sim.set_webhook_url(url);
    let group_id = sim.create_group("KP 2", &["7001"]);
    let uri = format!("/sim/groups/{group_id}/users/7009/send");
    let (status, outcome) = post_json(
        &sim,
        &uri,
        json!({"text": "có trộm xe", "mention_oa": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["event_name"], "user_send_group_text");
    let seen = seen.lock().expect("lock").clone();
    let event: Value = serde_json::from_slice(&seen[0].1).expect("json");
    assert_eq!(event["recipient"]["id"], group_id.as_str());
    assert_eq!(event["sender"]["id"], "7009");
    let oa_id = sim.config().oa_id.clone();
    assert_eq!(event["message"]["text"], format!("[@{oa_id}] có trộm xe"));
    assert!(sim.group_members(&group_id).contains(&"7009".to_owned()));
    let (status, _) = post_json(
        &sim,
        "/sim/groups/999/users/7009/send",
        json!({"text": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
