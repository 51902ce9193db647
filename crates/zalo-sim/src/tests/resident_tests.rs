//! Resident side: event shapes, the webhook MAC against independently computed vectors, real
//! delivery to a receiver, status pass-through, and byte-identical redelivery.

use axum::http::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::*;
use crate::event::{build_event, Kind};
use crate::mac;
use crate::resident::prepare;
use crate::ResidentInput;

// Computed outside Rust with coreutils, e.g.
//   printf '%s' '4318826701985012345{"event_name":…}1718000200000sandbox-oa-secret-key' | sha256sum
// (app_id ‖ body ‖ timestamp ‖ oa_secret_key, docs/PLATFORM.md §1.1).
const VECTORS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "4318826701985012345",
        r#"{"event_name":"user_send_text","message":{"text":"Có trộm ở hẻm 12"}}"#,
        "1718000200000",
        "sandbox-oa-secret-key",
        "a9b53ac44c282860cda08ad809555a9110800fb2509775645d198b57b98d24e2",
    ),
    (
        "111",
        r#"{"text":"Xin chào công an phường"}"#,
        "1700000000001",
        "khóa-bí-mật",
        "c17742b06d18c530daf7b0237f2228317dddc8fbf99c9535805828bede5c0491",
    ),
    (
        "987654321",
        r#"{"a":"đường Nguyễn Huệ, Quận 1"}"#,
        "1",
        "s3cr3t",
        "f886f29b4a50b09e1d12bf6541ace3af8f7e3b08b586f3a5c10a5161d226871f",
    ),
];

/// The exact bytes of a text event and a follow for fixed ids, keys in Zalo's order (the
/// console's test events and the docs' follow sample, tests/fixtures/real/), and their MACs,
/// both computed outside Rust with printf | sha256sum.
const FIXED_TEXT_EVENT: &str = r#"{"app_id":"4318826701985012345","user_id_by_app":"6635893373548014368","event_name":"user_send_text","timestamp":"1718000200000","sender":{"id":"5551234567"},"recipient":{"id":"2851903374523456789"},"message":{"msg_id":"1000000000000000001","text":"Có trộm ở hẻm 12, phường Bến Nghé"}}"#;
const FIXED_TEXT_MAC: &str = "d82869753a485c294c3a54808af75bdbe2414fd77d992e0225f094b1c07e72ed";
const FIXED_FOLLOW_EVENT: &str = r#"{"oa_id":"2851903374523456789","follower":{"id":"5551234567"},"user_id_by_app":"6635893373548014368","event_name":"follow","source":"oa_profile","app_id":"4318826701985012345","timestamp":"1718000300000"}"#;
const FIXED_FOLLOW_MAC: &str = "895477ddc1571576351f220b59f9e2c487ba02428c74bde255bcc4a29a432308";

#[test]
fn signing_matches_independent_vectors() {
    for (app_id, body, ts, secret, mac) in VECTORS {
        assert_eq!(
            mac::sign(app_id, body.as_bytes(), ts, secret),
            format!("mac={mac}")
        );
    }
}

#[test]
fn fixed_events_have_the_expected_bytes_and_mac() {
    let sim = sim();
    let text = Kind::Text("Có trộm ở hẻm 12, phường Bến Nghé".to_owned());
    let cases = [
        (
            text,
            Some("1000000000000000001"),
            "1718000200000",
            FIXED_TEXT_EVENT,
            FIXED_TEXT_MAC,
        ),
        (
            Kind::Follow,
            None,
            "1718000300000",
            FIXED_FOLLOW_EVENT,
            FIXED_FOLLOW_MAC,
        ),
    ];
    for (kind, msg_id, ts, expected_body, expected_mac) in cases {
        let (_, value) = build_event(sim.config(), "5551234567", &kind, msg_id, ts);
        let bytes = value.to_bytes();
        assert_eq!(String::from_utf8_lossy(&bytes), expected_body);
        let (body, mac) = prepare(&sim, bytes, ts);
        assert_eq!(body, expected_body.as_bytes());
        assert_eq!(mac, format!("mac={expected_mac}"));
    }
}

/// Recomputes the MAC with sha2 directly, from the received bytes and their `timestamp`.
fn recompute(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let ts = value["timestamp"].as_str().unwrap_or_default();
    let mut h = Sha256::new();
    h.update(b"4318826701985012345");
    h.update(body);
    h.update(ts.as_bytes());
    h.update(b"sandbox-oa-secret-key");
    format!("mac={}", hex::encode(h.finalize()))
}

#[tokio::test]
async fn posted_events_are_signed_and_real_shaped() {
    let sim = sim();
    let (url, received) = receiver(StatusCode::OK).await;
    sim.set_webhook_url(url);
    let (status, answer) = post_json(
        &sim,
        "/sim/users/5551234567/send",
        json!({"text": "Có trộm ở hẻm 12"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["webhook_status"], 200);
    assert_eq!(answer["event_name"], "user_send_text");
    let inputs = [
        json!({"image_url": "https://example.org/a.jpg", "text": "ảnh hiện trường"}),
        json!({"location": {"latitude": 10.7769, "longitude": 106.7009}}),
        json!({"event": "follow"}),
        json!({"file_url": "https://example.org/don.pdf", "name": "đơn.pdf"}),
        json!({"sticker": "abc123"}),
        json!({"event": "unfollow"}),
    ];
    for input in inputs {
        let (status, _) = post_json(&sim, "/sim/users/5551234567/send", input).await;
        assert_eq!(status, StatusCode::OK);
    }
    let got = seen(&received);
    assert_eq!(got.len(), 7);
    for (headers, body) in &got {
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(headers[mac::SIGNATURE_HEADER], recompute(body).as_str());
    }
    let events: Vec<Value> = got
        .iter()
        .map(|(_, b)| serde_json::from_slice(b).unwrap_or(Value::Null))
        .collect();
    let text = &events[0];
    assert_eq!(text["message"]["msg_id"], answer["msg_id"]);
    assert!(text["timestamp"]
        .as_str()
        .is_some_and(|t| t.parse::<i64>().is_ok()));
    assert_eq!(text["sender"]["id"], "5551234567");
    assert_eq!(text["recipient"]["id"], sim.config().oa_id);
    assert_eq!(events[1]["event_name"], "user_send_image");
    assert_eq!(events[1]["message"]["text"], "ảnh hiện trường");
    let coords = &events[2]["message"]["attachments"][0]["payload"]["coordinates"];
    assert_eq!(coords["latitude"], "10.7769");
    assert_eq!(events[3]["follower"]["id"], "5551234567");
    assert!(events[3].get("sender").is_none());
    assert_eq!(
        events[4]["message"]["attachments"][0]["payload"]["type"],
        "pdf"
    );
    assert_eq!(events[5]["event_name"], "user_send_sticker");
    assert_eq!(events[6]["event_name"], "unfollow");
    let ids: std::collections::HashSet<_> = events
        .iter()
        .filter_map(|e| e["message"]["msg_id"].as_str())
        .collect();
    assert_eq!(ids.len(), 5, "msg_ids are unique");
}

/// Where each key starts in the raw bytes, to compare with Zalo's order.
fn key_positions(body: &[u8], keys: &[&str]) -> Vec<usize> {
    let text = String::from_utf8_lossy(body);
    keys.iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap_or(usize::MAX))
        .collect()
}

fn in_order(positions: &[usize]) -> bool {
    positions.windows(2).all(|w| w[0] < w[1]) && !positions.contains(&usize::MAX)
}

#[tokio::test]
async fn events_come_in_zalos_key_order_with_hex_message_ids() {
    let sim = sim();
    let (url, received) = receiver(StatusCode::OK).await;
    sim.set_webhook_url(url);
    let inputs = [
        ResidentInput::text("Xin chào"),
        ResidentInput::named_location(10.7923119, 106.7820651, "Cơm Coffee New Sky"),
        ResidentInput::follow(),
        ResidentInput::chat_now(false),
        ResidentInput::chat_now(true),
    ];
    for input in inputs {
        let outcome = sim.send_as_user("5551234567", input).await;
        assert!(outcome.is_ok());
    }
    let got = seen(&received);
    assert_eq!(got.len(), 5);
    let envelope = [
        "app_id",
        "user_id_by_app",
        "event_name",
        "timestamp",
        "sender",
        "recipient",
        "message",
    ];
    for (_, body) in &got[..2] {
        assert!(
            in_order(&key_positions(body, &envelope)),
            "{}",
            String::from_utf8_lossy(body)
        );
        let event: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let id = event["message"]["msg_id"].as_str().unwrap_or_default();
        assert!(
            id.len() == 20 && id.bytes().all(|c| c.is_ascii_hexdigit()),
            "msg_id {id}"
        );
    }
    // The console's message order, and the attachment's payload before its type.
    let location = &got[1].1;
    assert!(in_order(&key_positions(
        location,
        &["msg_id", "text", "attachments", "payload", "type"]
    )));
    let location: Value = serde_json::from_slice(location).unwrap_or(Value::Null);
    assert_eq!(location["message"]["text"], "Cơm Coffee New Sky");
    let coords = &location["message"]["attachments"][0]["payload"]["coordinates"];
    assert_eq!(coords["latitude"], "10.7923119");
    let follow = [
        "oa_id",
        "follower",
        "user_id_by_app",
        "event_name",
        "source",
        "app_id",
        "timestamp",
    ];
    assert!(in_order(&key_positions(&got[2].1, &follow)));
    let flat: Value = serde_json::from_slice(&got[3].1).unwrap_or(Value::Null);
    assert_eq!(flat["event_name"], "user_click_chatnow");
    assert_eq!(flat["user_id"], "5551234567");
    assert!(flat.get("follower").is_none() && flat.get("message").is_none());
    let nested: Value = serde_json::from_slice(&got[4].1).unwrap_or(Value::Null);
    assert_eq!(nested["follower"]["id"], "5551234567");
    assert!(nested.get("user_id").is_none());
    // Chat-now opens the reply window (docs/PLATFORM.md §4).
    assert!(sim.state().users["5551234567"]
        .last_interaction_ms
        .is_some());
}

#[tokio::test]
async fn redelivery_sends_identical_bytes_with_num_retry() {
    let sim = sim();
    let (url, received) = receiver(StatusCode::OK).await;
    sim.set_webhook_url(url);
    let first = sim
        .send_as_user("777", ResidentInput::text("Xin chào"))
        .await;
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    let again = sim.send_as_user("777", ResidentInput::redeliver()).await;
    let again = again.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.body, again.body);
    assert_eq!(first.msg_id, again.msg_id);
    let got = seen(&received);
    assert_eq!(got[0].1, got[1].1);
    assert_eq!(
        got[0].0[mac::SIGNATURE_HEADER],
        got[1].0[mac::SIGNATURE_HEADER]
    );
    assert!(got[0].0.get("num_retry").is_none());
    assert_eq!(got[1].0["num_retry"], "1");
    let (status, _) = post_json(&sim, "/sim/users/888/send", json!({"redeliver": true})).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn webhook_status_passes_through_and_unreachable_is_502() {
    let sim = sim();
    let (url, _) = receiver(StatusCode::UNAUTHORIZED).await;
    sim.set_webhook_url(url);
    let (status, answer) = post_json(&sim, "/sim/users/1/send", json!({"text": "a"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["webhook_status"], 401);
    // Even an unacknowledged message counts as the user's interaction.
    assert!(sim.state().users["1"].last_interaction_ms.is_some());

    sim.set_webhook_url("http://127.0.0.1:9/webhook/zalo".to_owned());
    let (status, answer) = post_json(&sim, "/sim/users/1/send", json!({"text": "a"})).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(answer["error"].is_string());
    for bad in [
        json!({}),
        json!({"text": "a", "sticker": "b"}),
        json!({"event": "poke"}),
    ] {
        let (status, _) = post_json(&sim, "/sim/users/1/send", bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_resident_message_opens_the_window_and_message_id_addressing_works() {
    let sim = sim();
    let (url, _) = receiver(StatusCode::OK).await;
    sim.set_webhook_url(url);
    let token = access_token(&sim).await;
    let outcome = sim
        .send_as_user("42", ResidentInput::text("Cho hỏi thủ tục"))
        .await;
    let msg_id = outcome
        .map(|o| o.msg_id.unwrap_or_default())
        .unwrap_or_default();
    let body = json!({"recipient": {"message_id": msg_id}, "message": {"text": "Dạ"}});
    let reply = send_cs(&sim, &token, &body.to_string()).await;
    assert_eq!(reply["data"]["user_id"], "42");
    assert_eq!(sim.sent_messages("42").len(), 1);
}

#[tokio::test]
async fn an_anonymous_visitor_writes_and_is_answered_through_v2() {
    let sim = sim();
    let (url, received) = receiver(StatusCode::OK).await;
    sim.set_webhook_url(url);
    let token = access_token(&sim).await;
    let outcome = sim
        .send_as_user(
            "anon-77",
            ResidentInput::anonymous_text("xin chào", "conv-1"),
        )
        .await;
    assert_eq!(
        outcome.map(|o| o.event_name).unwrap_or_default(),
        "anonymous_send_text"
    );
    let got = seen(&received);
    let event: Value = serde_json::from_slice(&got[0].1).unwrap_or(Value::Null);
    assert_eq!(event["sender"]["id"], "anon-77");
    assert_eq!(event["message"]["conversation_id"], "conv-1");
    let send = |recipient: Value, message: Value| {
        let body = json!({"recipient": recipient, "message": message}).to_string();
        let (sim, token) = (sim.clone(), token.clone());
        async move {
            let headers = [
                ("access_token", token.as_str()),
                ("content-type", "application/json"),
            ];
            call(&sim, "POST", "/v2.0/oa/message", &headers, body)
                .await
                .1
        }
    };
    let ok = send(
        json!({"anonymous_id": "anon-77", "conversation_id": "conv-1"}),
        json!({"text": "Dạ, Công an phường xin chào."}),
    )
    .await;
    assert_eq!(ok["error"], 0, "{ok}");
    assert_eq!(ok["data"]["conversation_id"], "conv-1");
    assert_eq!(sim.sent_messages("anon-77").len(), 1);
    let wrong = send(
        json!({"anonymous_id": "anon-77", "conversation_id": "other"}),
        json!({"text": "x"}),
    )
    .await;
    assert_eq!(wrong["error"], -201);
    let buttons = send(
        json!({"anonymous_id": "anon-77", "conversation_id": "conv-1"}),
        json!({"text": "x", "attachment": {"type": "template", "payload": {"buttons": [
            {"title": "a", "type": "oa.query.hide", "payload": "#a"}]}}}),
    )
    .await;
    assert_eq!(buttons["error"], -233);
    // An ordinary v2 send is still refused.
    let v2 = send(json!({"user_id": "anon-77"}), json!({"text": "x"})).await;
    assert_eq!(v2["error"], -240);
}
