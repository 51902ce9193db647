//! `POST /webhook/zalo`: what is accepted, what is refused, and that refusals store nothing.

use ketnoi::zalo::signature;
use zalo_sim::ResidentInput;

use crate::helpers::*;

#[tokio::test]
async fn a_correctly_signed_event_is_stored_once_and_acknowledged() {
    let app = spawn_app().await;
    let response = app
        .post_signed(&text_event("5001", "msg-1", "xin chào"))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.store.count_events().await.unwrap(), 1);
}

#[tokio::test]
async fn bad_missing_or_foreign_signatures_are_401_and_store_nothing() {
    let app = spawn_app().await;
    let event = text_event("5001", "msg-1", "xin chào");
    let body = serde_json::to_vec(&event).unwrap();
    let ts = timestamp_of(&event);
    let other_body = serde_json::to_vec(&text_event("5001", "msg-2", "khác")).unwrap();
    let cases = [
        ("missing header", None),
        ("garbage header", Some("mac=nothex".to_owned())),
        (
            "wrong secret",
            Some(signature::sign(APP_ID, &body, &ts, "not-the-secret")),
        ),
        (
            "wrong app id in MAC",
            Some(signature::sign("42", &body, &ts, OA_SECRET)),
        ),
        (
            "MAC of another body",
            Some(signature::sign(APP_ID, &other_body, &ts, OA_SECRET)),
        ),
        (
            "MAC with another timestamp",
            Some(signature::sign(APP_ID, &body, "1", OA_SECRET)),
        ),
    ];
    for (what, header) in cases {
        let response = app.post_raw(body.clone(), header).await;
        assert_eq!(response.status(), 401, "{what}");
    }
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

#[tokio::test]
async fn events_for_another_app_or_oa_are_401() {
    let app = spawn_app().await;
    let mut other_app = text_event("5001", "msg-1", "x");
    other_app["app_id"] = "111".into();
    let mut other_oa = text_event("5001", "msg-2", "x");
    other_oa["recipient"]["id"] = "222".into();
    for event in [other_app, other_oa] {
        assert_eq!(app.post_signed(&event).await.status(), 401);
    }
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

#[tokio::test]
async fn replayed_old_or_future_events_are_401() {
    let app = spawn_app().await;
    let mut old = text_event("5001", "msg-1", "x");
    old["timestamp"] = (now_ms() - 7 * 3600 * 1000).to_string().into();
    let mut future = text_event("5001", "msg-2", "x");
    future["timestamp"] = (now_ms() + 3600 * 1000).to_string().into();
    for event in [old, future] {
        assert_eq!(app.post_signed(&event).await.status(), 401);
    }
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

#[tokio::test]
async fn malformed_bodies_are_400_and_store_nothing() {
    let app = spawn_app().await;
    let bodies: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        b"".to_vec(),
        b"[1,2,3]".to_vec(),
        vec![0xff, 0xfe, b'{', b'}'],
        br#"{"event_name":"user_send_text","timestamp":"17"#.to_vec(),
        br#"{"event_name":"user_send_text"}"#.to_vec(),
        br#"{"event_name":"user_send_text","timestamp":{"a":1}}"#.to_vec(),
    ];
    for body in bodies {
        let response = app.post_raw(body.clone(), Some("mac=00".into())).await;
        assert_eq!(response.status(), 400, "{}", String::from_utf8_lossy(&body));
    }
    // Signed correctly but missing a field the event kind needs.
    let mut no_msg_id = text_event("5001", "x", "x");
    no_msg_id["message"]
        .as_object_mut()
        .unwrap()
        .remove("msg_id");
    assert_eq!(app.post_signed(&no_msg_id).await.status(), 400);
    let mut wrong_type = text_event("5001", "y", "x");
    wrong_type["message"]["attachments"] = "not a list".into();
    assert_eq!(app.post_signed(&wrong_type).await.status(), 400);
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

#[tokio::test]
async fn oversized_bodies_are_413_and_store_nothing() {
    let app = spawn_app().await;
    let event = text_event("5001", "big", &"a".repeat(1024 * 1024 + 10));
    let response = app.post_signed(&event).await;
    assert_eq!(response.status(), 413);
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

#[tokio::test]
async fn the_url_probe_without_event_name_is_200_and_not_stored() {
    let app = spawn_app().await;
    assert_eq!(app.post_raw(b"{}".to_vec(), None).await.status(), 200);
    assert_eq!(
        app.post_raw(br#"{"hello":"zalo"}"#.to_vec(), None)
            .await
            .status(),
        200
    );
    let get = app.http.get(app.webhook_url()).send().await.unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(app.store.count_events().await.unwrap(), 0);
}

#[tokio::test]
async fn unknown_events_and_odd_unicode_are_stored_not_rejected() {
    let app = spawn_app().await;
    let unknown = serde_json::json!({"app_id": APP_ID, "oa_id": OA_ID, "event_name": "brand_new_event",
        "timestamp": now_ms().to_string(), "data": {"x": [1, 2]}});
    assert_eq!(app.post_signed(&unknown).await.status(), 200);
    let odd = text_event(
        "5001",
        "odd",
        "Tie\u{302}\u{301}ng Vie\u{323}\u{302}t \u{200b}\u{0}\u{1F46E} \u{202e}abc",
    );
    assert_eq!(app.post_signed(&odd).await.status(), 200);
    assert_eq!(app.store.count_events().await.unwrap(), 2);
}

#[tokio::test]
async fn every_documented_event_shape_is_accepted() {
    let app = spawn_app().await;
    let fixtures: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../fixtures/zalo_events.json")).unwrap();
    let now = now_ms();
    for (i, mut event) in fixtures.into_iter().enumerate() {
        let fresh = now - 1000 + i as i64;
        event["timestamp"] = if event["timestamp"].is_number() {
            fresh.into()
        } else {
            fresh.to_string().into()
        };
        let name = event["event_name"].clone();
        assert_eq!(app.post_signed(&event).await.status(), 200, "{name}");
    }
    assert_eq!(app.store.count_events().await.unwrap(), 48);
}

#[tokio::test]
async fn an_event_delivered_five_times_is_stored_and_answered_once() {
    let app = spawn_app().await;
    let first = app
        .sim
        .send_as_user("5002", ResidentInput::text("xin chào"))
        .await
        .unwrap();
    assert_eq!(first.webhook_status, 200);
    for _ in 0..4 {
        let again = app
            .sim
            .send_as_user("5002", ResidentInput::redeliver())
            .await
            .unwrap();
        assert_eq!(again.webhook_status, 200);
        assert_eq!(again.body, first.body, "redelivery is byte-identical");
    }
    // One answer: the welcome and, the first time, the khu phố question; nothing more before
    // the answer to the resident's next message.
    assert_eq!(app.store.count_events().await.unwrap(), 1);
    let got = before_marker(&app.sim, "5002", "cảm ơn", |_| false).await;
    assert_eq!(got.len(), 2, "{got:#?}");
}

#[tokio::test]
async fn operations_endpoints_answer() {
    let app = spawn_app().await;
    app.post_signed(&text_event("5001", "m", "x")).await;
    app.post_raw(b"{bad".to_vec(), None).await;
    let base = format!("http://{}", app.address);
    assert_eq!(
        app.http
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Metrics are on the private operations listener only, never on the public one.
    assert_eq!(
        app.http
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("ketnoi_webhook_requests_total"),
        "{metrics}"
    );
    assert!(metrics.contains("result=\"malformed\""));
    assert!(metrics.contains("ketnoi_inbox_depth"));
    assert!(metrics.contains("ketnoi_outbox_depth"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_delivered_concurrently_is_stored_once() {
    let app = spawn_app().await;
    let event = text_event("5003", "racing", "xin chào");
    let posts = (0..20).map(|_| app.post_signed(&event));
    let statuses: Vec<u16> = futures::future::join_all(posts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(app.store.count_events().await.unwrap(), 1);
}
