//! Every event shape of docs/PLATFORM.md §2, written as fixtures from the document, parses.

use super::*;

fn fixtures() -> Vec<serde_json::Value> {
    let text = include_str!("../../tests/fixtures/zalo_events.json");
    serde_json::from_str(text).expect("fixture file is JSON")
}

#[test]
fn every_documented_event_shape_parses_and_validates() {
    for value in fixtures() {
        let raw = serde_json::to_vec(&value).unwrap();
        let event: ZaloEvent = serde_json::from_slice(&raw)
            .unwrap_or_else(|e| panic!("{} did not parse: {e}", value["event_name"]));
        event.validate().unwrap_or_else(|e| panic!("{e}"));
        assert!(event.timestamp_ms().is_some(), "{}", event.event_name);
    }
}

#[test]
fn dedupe_subjects_are_distinct_across_fixtures() {
    let mut seen = std::collections::HashSet::new();
    for value in fixtures() {
        let event: ZaloEvent = serde_json::from_value(value).unwrap();
        assert!(
            seen.insert(event.dedupe_subject()),
            "duplicate subject for {}",
            event.event_name
        );
    }
}

#[test]
fn kinds_and_owners_follow_the_catalogue() {
    let by_name = |name: &str| -> ZaloEvent {
        let v = fixtures()
            .into_iter()
            .find(|v| v["event_name"] == name)
            .unwrap();
        serde_json::from_value(v).unwrap()
    };
    let user = "5841234567890123456";
    let oa = "9876543210987654321";
    let text = by_name("user_send_text");
    assert_eq!(text.kind(), EventKind::UserMessage);
    assert_eq!(text.user_id(), Some(user));
    assert_eq!(text.owning_oa_id(), Some(oa));
    let follow = by_name("follow");
    assert_eq!(follow.kind(), EventKind::Follow);
    assert_eq!(follow.user_id(), Some(user));
    let seen = by_name("user_seen_message");
    assert_eq!(seen.message.as_ref().unwrap().msg_ids.len(), 2);
    assert_eq!(seen.user_id(), Some(user));
    assert_eq!(seen.owning_oa_id(), Some(oa));
    let echo = by_name("oa_send_text");
    assert_eq!(echo.kind(), EventKind::OaEcho);
    assert_eq!(
        echo.sender.as_ref().unwrap().admin_id.as_deref(),
        Some("111")
    );
    let location = by_name("user_send_location");
    let coords = location.attachments()[0]
        .payload
        .coordinates
        .as_ref()
        .unwrap();
    assert_eq!(coords.latitude, "10.7725");
    let file = by_name("user_send_file");
    assert_eq!(file.attachments()[0].payload.size.as_deref(), Some("20480"));
    let nested = fixtures()
        .into_iter()
        .filter(|v| v["event_name"] == "user_submit_info");
    for v in nested {
        let e: ZaloEvent = serde_json::from_value(v).unwrap();
        assert_eq!(e.info.unwrap().phone.as_deref(), Some("0900000000"));
    }
    assert_eq!(
        by_name("some_future_event_zalo_adds").kind(),
        EventKind::Unknown
    );
    assert_eq!(by_name("user_out_group").kind(), EventKind::Group);
    assert_eq!(by_name("add_user_to_tag").kind(), EventKind::Tag);
}

#[test]
fn missing_fields_are_named() {
    let event: ZaloEvent = serde_json::from_str(
        r#"{"event_name":"user_send_text","timestamp":"1","sender":{"id":"1"},"recipient":{"id":"2"},"message":{"text":"x"}}"#,
    )
    .unwrap();
    assert_eq!(event.validate().unwrap_err().field, "message.msg_id");
    let event: ZaloEvent =
        serde_json::from_str(r#"{"event_name":"follow","timestamp":"1"}"#).unwrap();
    assert_eq!(event.validate().unwrap_err().field, "follower.id");
    let event: ZaloEvent = serde_json::from_str(r#"{"event_name":"whatever"}"#).unwrap();
    assert_eq!(event.validate().unwrap_err().field, "timestamp");
}

/// The real payloads in `tests/fixtures/real/` (README there) parse and validate.
fn real(name: &str) -> ZaloEvent {
    let path = format!("{}/tests/fixtures/real/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let event: ZaloEvent =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} did not parse: {e}"));
    event.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
    event
}

#[test]
fn real_receipts_name_the_resident_whichever_party_the_oa_is() {
    // The ZNS docs' shape: the OA sends, the user receives.
    let received = real("user_received_message.zns-docs.json");
    let oa = "2893352839501541173";
    assert_eq!(received.kind(), EventKind::Receipt);
    assert_eq!(received.user_id_for(oa), Some("84123456789"));
    assert!(!received.is_for_other_oa(oa));
    assert!(received.is_for_other_oa("1"));
    // The live capture cannot tell which party is the OA: either reading works.
    let seen = real("user_seen_message.capture.json");
    let (a, b) = ("2687558107438251665", "7605173638941758527");
    assert_eq!(seen.user_id_for(a), Some(b));
    assert_eq!(seen.user_id_for(b), Some(a));
    assert!(!seen.is_for_other_oa(a) && !seen.is_for_other_oa(b));
    assert!(seen.is_for_other_oa("3"));
    assert_eq!(seen.message.as_ref().map(|m| m.msg_ids.len()), Some(1));
}

#[test]
fn real_location_follow_and_console_events_parse() {
    let location = real("user_send_location.capture.json");
    assert_eq!(location.kind(), EventKind::UserMessage);
    assert_eq!(location.text(), Some("Cơm Coffee New Sky"));
    let coords = location.attachments()[0].payload.coordinates.as_ref();
    assert_eq!(coords.map(|c| c.latitude.as_str()), Some("10.7923119"));
    for name in ["follow.docs.json", "follow.capture-2.json"] {
        let follow = real(name);
        assert_eq!(follow.kind(), EventKind::Follow);
        assert!(follow.user_id().is_some());
    }
    for name in [
        "user_send_text.console.json",
        "user_send_image.console.json",
        "user_send_file.console.json",
    ] {
        assert_eq!(real(name).user_id(), Some("4339761418830368433"));
    }
}

#[test]
fn chat_now_names_the_user_in_either_shape() {
    for name in [
        "user_click_chatnow.flat-user_id.probe.json",
        "user_click_chatnow.follower.probe.json",
    ] {
        let event = real(name);
        assert_eq!(event.kind(), EventKind::ChatNow);
        assert_eq!(event.user_id(), Some("3"), "{name}");
    }
}

#[test]
fn an_anonymous_visitor_is_the_sender_with_a_conversation() {
    let event = real("anonymous_send_text.probe.json");
    assert_eq!(event.kind(), EventKind::Anonymous);
    assert_eq!(event.user_id(), Some("3"));
    let conversation = event
        .message
        .as_ref()
        .and_then(|m| m.conversation_id.as_deref());
    assert_eq!(conversation, Some("c1"));
}
