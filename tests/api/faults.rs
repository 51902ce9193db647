//! Zalo misbehaving: 30 % of sends failing and every token expiring mid-run. Every event is
//! still answered exactly once, and no refresh token is ever presented twice.

use std::time::Duration;

use zalo_sim::ResidentInput;

use crate::helpers::*;

async fn set_faults(app: &TestApp, body: serde_json::Value) {
    let response = app
        .http
        .post(format!("http://{}/sim/faults", app.sim_address))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

#[tokio::test]
async fn flaky_api_and_expired_tokens_still_deliver_every_reply_exactly_once() {
    let app = spawn_app().await;
    set_faults(&app, serde_json::json!({"error_rate": 0.3})).await;
    let users: Vec<String> = (0..40).map(|i| format!("70{i:02}")).collect();
    let mut sent_ids = Vec::new();
    for (i, user) in users.iter().enumerate() {
        if i == 20 {
            set_faults(&app, serde_json::json!({"expire_tokens": true})).await;
        }
        let outcome = app
            .sim
            .send_as_user(user, ResidentInput::text(format!("tin số {i}")))
            .await
            .unwrap();
        assert_eq!(outcome.webhook_status, 200);
        sent_ids.push(outcome.msg_id.unwrap());
    }
    eventually(Duration::from_secs(30), "every resident answered", || {
        users.iter().all(|u| !app.sim.sent_messages(u).is_empty())
    })
    .await;
    // Once each resident's marker is answered, any second reply to their message has arrived.
    let before = before_markers(&app.sim, &users, "cảm ơn").await;
    let mut quoted = Vec::new();
    for (user, messages) in users.iter().zip(before) {
        assert_eq!(
            messages.len(),
            1,
            "exactly one reply to {user}: {messages:#?}"
        );
        quoted.push(
            messages[0].body["message"]["quote_message_id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(quoted, sent_ids, "each reply quotes its own event");
    let stats = app.sim.stats();
    assert_eq!(
        stats.refresh_attempts_with_used_or_unknown_token, 0,
        "{stats:?}"
    );
    assert!(
        stats.refresh_tokens_issued >= 2,
        "the expired token was refreshed: {stats:?}"
    );
    assert!(
        stats.api_calls_by_code.get(&-32).copied().unwrap_or(0) > 0,
        "faults were injected: {stats:?}"
    );
    assert!(
        stats.api_calls_by_code.get(&-220).copied().unwrap_or(0) > 0,
        "expiry was seen: {stats:?}"
    );
}
