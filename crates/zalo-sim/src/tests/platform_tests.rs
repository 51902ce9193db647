//! Platform side: token endpoint, `message/cs` rules and codes, faults, uploads, tags.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::*;
use crate::platform::appsecret_proof;

const USER: &str = "5551234567";

fn text_body(text: &str) -> String {
    json!({"recipient": {"user_id": USER}, "message": {"text": text}}).to_string()
}

fn buttons_body(n: usize, title: &str, kind: &str) -> String {
    let buttons: Vec<Value> = (0..n)
        .map(|i| json!({"title": title, "type": kind, "payload": format!("#B{i}")}))
        .collect();
    json!({"recipient": {"user_id": USER}, "message": {"text": "Chọn mục:",
        "attachment": {"type": "template", "payload": {"buttons": buttons}}}})
    .to_string()
}

#[tokio::test]
async fn refresh_tokens_are_single_use_and_misuse_is_counted() {
    let sim = sim();
    let initial = sim.config().initial_refresh_token.clone();
    let first = refresh(&sim, &initial).await;
    assert_eq!(first["expires_in"], "90000");
    assert!(first["access_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    let next = first["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let again = refresh(&sim, &initial).await;
    assert_eq!(again["error"], -14014);
    assert_eq!(again["error_description"], "Invalid refresh token");
    assert!(again.get("access_token").is_none());
    assert_eq!(refresh(&sim, "never-issued").await["error"], -14014);

    // The new refresh token works exactly once too.
    assert!(refresh(&sim, &next).await["access_token"].is_string());
    assert_eq!(refresh(&sim, &next).await["error"], -14014);

    let stats = sim.stats();
    assert_eq!(stats.refresh_attempts_with_used_or_unknown_token, 3);
    assert_eq!(stats.refresh_tokens_issued, 2);
    assert_eq!(stats.access_tokens_issued, 2);
    assert_eq!(stats.api_calls_by_code.get(&-14014), Some(&3));
}

#[tokio::test]
async fn token_endpoint_checks_secret_and_app_id() {
    let sim = sim();
    let form = format!(
        "app_id={}&grant_type=refresh_token&refresh_token=sandbox-bootstrap-refresh-token",
        sim.config().app_id
    );
    let ct = ("content-type", "application/x-www-form-urlencoded");
    let wrong = [ct, ("secret_key", "nope")];
    let (status, body) = call(&sim, "POST", "/v4/oa/access_token", &wrong, form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["error"].as_i64().is_some_and(|c| c < 0));
    assert!(body.get("access_token").is_none());
    let bad_app = "app_id=1&grant_type=refresh_token&refresh_token=x";
    let ok_secret = [ct, ("secret_key", "sandbox-app-secret")];
    let (_, body) = call(&sim, "POST", "/v4/oa/access_token", &ok_secret, bad_app).await;
    assert!(body.get("access_token").is_none());
    // The bootstrap token was not consumed by the failed attempts.
    assert!(access_token(&sim).await.len() > 20);
    assert_eq!(sim.stats().refresh_attempts_with_used_or_unknown_token, 0);
}

#[tokio::test]
async fn accepted_message_is_recorded_with_zalo_envelope() {
    let sim = sim();
    let token = access_token(&sim).await;
    interacted(&sim, USER, 60).await;
    let reply = send_cs(&sim, &token, &text_body("Đã nhận tin báo của bạn.")).await;
    assert_eq!(reply["error"], 0, "{reply}");
    assert_eq!(reply["message"], "Success");
    assert_eq!(reply["data"]["user_id"], USER);
    assert_eq!(reply["data"]["quota"]["quota_type"], "reply");
    // Zalo's message ids are 20 lowercase hex digits.
    assert!(reply["data"]["message_id"]
        .as_str()
        .is_some_and(|id| id.len() == 20 && id.bytes().all(|c| c.is_ascii_hexdigit())));

    let recorded = sim.sent_messages(USER);
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0].body["message"]["text"],
        "Đã nhận tin báo của bạn."
    );
    let (status, listed) = call(&sim, "GET", "/sim/messages?user_id=5551234567", &[], "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed[0]["body"], recorded[0].body);
    assert!(listed[0]["received_at"].is_i64());
    let (_, stats) = call(&sim, "GET", "/sim/stats", &[], "").await;
    assert_eq!(stats["messages_recorded"], 1);
    assert_eq!(stats["api_calls_by_code"]["0"], 2); // one refresh, one send
}

#[tokio::test]
async fn text_limit_counts_nfc_characters() {
    let sim = sim();
    let token = access_token(&sim).await;
    interacted(&sim, USER, 0).await;
    let too_long = send_cs(&sim, &token, &text_body(&"a".repeat(2001))).await;
    assert_eq!(too_long["error"], -210);
    // 2000 "ệ" written decomposed (e + two combining marks) are 2000 characters after NFC.
    let nfd = "e\u{0323}\u{0302}".repeat(2000);
    assert_eq!(send_cs(&sim, &token, &text_body(&nfd)).await["error"], 0);
    assert_eq!(sim.sent_messages(USER).len(), 1);
}

#[tokio::test]
async fn button_rules() {
    let sim = sim();
    let token = access_token(&sim).await;
    interacted(&sim, USER, 0).await;
    let ok = send_cs(&sim, &token, &buttons_body(5, "Báo tin", "oa.query.hide")).await;
    assert_eq!(ok["error"], 0, "{ok}");
    let six = send_cs(&sim, &token, &buttons_body(6, "Báo tin", "oa.query.hide")).await;
    assert_eq!(six["error"], -210);
    let long = send_cs(
        &sim,
        &token,
        &buttons_body(1, &"x".repeat(101), "oa.query.show"),
    )
    .await;
    assert_eq!(long["error"], -210);
    let bad = send_cs(&sim, &token, &buttons_body(1, "Gọi", "oa.call")).await;
    assert_eq!(bad["error"], -201);
    assert!(bad["message"].as_str().is_some_and(|m| m.contains("type")));
    assert_eq!(sim.sent_messages(USER).len(), 1);
}

#[tokio::test]
async fn malformed_bodies_get_201_naming_the_field() {
    let sim = sim();
    let token = access_token(&sim).await;
    interacted(&sim, USER, 0).await;
    assert_eq!(send_cs(&sim, &token, "not json").await["error"], -201);
    let no_recipient = send_cs(&sim, &token, r#"{"message":{"text":"hi"}}"#).await;
    assert_eq!(no_recipient["error"], -201);
    assert!(no_recipient["message"]
        .as_str()
        .is_some_and(|m| m.contains("recipient")));
    let no_message = send_cs(&sim, &token, r#"{"recipient":{"user_id":"5551234567"}}"#).await;
    assert!(no_message["message"]
        .as_str()
        .is_some_and(|m| m.contains("message")));
    let empty_recipient = send_cs(&sim, &token, r#"{"recipient":{},"message":{"text":"a"}}"#);
    let empty_recipient = empty_recipient.await;
    assert!(empty_recipient["message"]
        .as_str()
        .is_some_and(|m| m.contains("recipient.user_id")));
}

#[tokio::test]
async fn bad_expired_and_proofed_tokens() {
    let sim = sim();
    interacted(&sim, USER, 0).await;
    assert_eq!(send_cs(&sim, "bogus", &text_body("a")).await["error"], -216);
    let headers = [("content-type", "application/json")];
    let (_, none) = call(
        &sim,
        "POST",
        "/v3.0/oa/message/cs",
        &headers,
        text_body("a"),
    )
    .await;
    assert_eq!(none["error"], -216);

    let initial = sim.config().initial_refresh_token.clone();
    let pair = refresh(&sim, &initial).await;
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    let next_refresh = pair["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let proof = appsecret_proof("sandbox-app-secret", &token);
    let with_proof = |p: &str| {
        let h = [("access_token", token.as_str()), ("appsecret_proof", p)];
        h.map(|(k, v)| (k, v.to_owned()))
    };
    for (p, want) in [(proof.as_str(), 0), ("00ff", -242)] {
        let h = with_proof(p);
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (_, r) = call(&sim, "POST", "/v3.0/oa/message/cs", &h, text_body("a")).await;
        assert_eq!(r["error"], want);
    }

    let (status, _) = post_json(&sim, "/sim/faults", json!({"expire_tokens": true})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], -220);
    // Tokens issued after the fault are fine; 25 h later they expire on their own.
    let fresh = refresh(&sim, &next_refresh).await;
    let fresh = fresh["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(send_cs(&sim, &fresh, &text_body("a")).await["error"], 0);
    sim.advance_clock(std::time::Duration::from_secs(90_001));
    interacted(&sim, USER, 0).await;
    assert_eq!(send_cs(&sim, &fresh, &text_body("a")).await["error"], -220);
}

#[tokio::test]
async fn seven_day_window() {
    let sim = sim();
    let token = access_token(&sim).await;
    assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], -230);
    interacted(&sim, USER, 7 * 86_400 + 1).await;
    assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], -230);
    interacted(&sim, USER, 3 * 86_400).await;
    let billed = send_cs(&sim, &token, &text_body("a")).await;
    assert_eq!(billed["error"], 0);
    assert!(
        billed["data"].get("quota").is_none(),
        "past 48 h a reply is billed"
    );
    assert_eq!(sim.stats().api_calls_by_code.get(&-230), Some(&2));
}

#[tokio::test]
async fn error_rate_fails_calls_without_recording() {
    let sim = sim();
    let token = access_token(&sim).await;
    interacted(&sim, USER, 0).await;
    post_json(&sim, "/sim/faults", json!({"error_rate": 1.0})).await;
    let (_, faults) = call(&sim, "GET", "/sim/faults", &[], "").await;
    assert_eq!(
        faults,
        json!({"error_rate": 1.0, "latency_ms": 0, "error_code": -32, "paths": []})
    );
    for _ in 0..3 {
        assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], -32);
    }
    post_json(
        &sim,
        "/sim/faults",
        json!({"error_rate": 1.0, "error_code": -200}),
    )
    .await;
    assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], -200);
    assert!(sim.sent_messages(USER).is_empty());
    assert_eq!(sim.stats().messages_recorded, 0);
    post_json(&sim, "/sim/faults", json!({"error_rate": 0})).await;
    assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], 0);
    // Limited to other paths, a fault leaves message/cs alone.
    post_json(
        &sim,
        "/sim/faults",
        json!({"error_rate": 1.0, "paths": ["/v3.0/oa/group/creategroupwithoa"]}),
    )
    .await;
    assert_eq!(send_cs(&sim, &token, &text_body("a")).await["error"], 0);
    post_json(&sim, "/sim/faults", json!({"error_rate": 0})).await;
    let (status, _) = post_json(&sim, "/sim/faults", json!({"error_rate": 2.0})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn latency_delays_platform_answers() {
    let sim = sim();
    post_json(&sim, "/sim/faults", json!({"latency_ms": 150})).await;
    let started = std::time::Instant::now();
    let _ = access_token(&sim).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
}

#[tokio::test]
async fn the_apps_call_quota_answers_minus_32_beyond_it() {
    let mut config = SimConfig::sandbox_defaults();
    config.webhook_url = None;
    config.api_calls_per_minute = Some(3);
    let sim = Simulator::new(config);
    let token = access_token(&sim).await;
    for _ in 0..3 {
        let ok = send_cs(&sim, &token, &text_body("xin chào")).await;
        assert_ne!(ok["error"], json!(-32), "{ok}");
    }
    let over = send_cs(&sim, &token, &text_body("xin chào")).await;
    assert_eq!(over["error"], json!(-32), "{over}");
}
