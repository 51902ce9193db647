//! The platform as it really behaves (issue 12): receipts in either orientation, a named
//! location shared outside a report, and the "Nhắn tin" (chat-now) tap in both shapes.

use zalo_sim::ResidentInput;

use crate::helpers::*;

/// The inbox rows' user keys, oldest first.
async fn inbox_user_keys(app: &TestApp) -> Vec<Option<String>> {
    sqlx::query_as::<_, (Option<String>,)>("select user_key from inbox order by id")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|(k,)| k)
        .collect()
}

#[tokio::test]
async fn receipts_either_way_round_are_stored_and_answered_with_silence() {
    let app = spawn_app().await;
    let user = "7300001";
    let now = now_ms();
    // The live capture's shape (msg_ids[]) and the ZNS docs' shape (msg_id, delivery_time),
    // each with the OA as sender (docs/PLATFORM.md §2.2) and as recipient (ZNS page, a
    // chatwoot branch): tests/fixtures/real/user_seen_message.capture.json,
    // user_received_message.zns-docs.json.
    let seen = |n: i64, oa_sends: bool| {
        let (sender, recipient) = if oa_sends {
            (OA_ID, user)
        } else {
            (user, OA_ID)
        };
        serde_json::json!({"sender": {"id": sender}, "recipient": {"id": recipient},
            "event_name": "user_seen_message", "message": {"msg_ids": ["e72c0a55e95fcb00924f"]},
            "app_id": APP_ID, "timestamp": (now - n).to_string()})
    };
    let received = |n: i64, oa_sends: bool| {
        let (sender, recipient) = if oa_sends {
            (OA_ID, user)
        } else {
            (user, OA_ID)
        };
        serde_json::json!({"sender": {"id": sender}, "recipient": {"id": recipient},
            "event_name": "user_received_message", "message": {"delivery_time": (now - n).to_string(),
            "msg_id": "15a0cc0bbb13bd4ce403", "tracking_id": "tracking_id"},
            "app_id": APP_ID, "timestamp": (now - n).to_string()})
    };
    for event in [
        seen(4, true),
        seen(3, false),
        received(2, true),
        received(1, false),
    ] {
        let name = event["event_name"].clone();
        assert_eq!(
            app.post_signed(&event).await.status(),
            200,
            "{name}: {event}"
        );
    }
    assert_eq!(app.store.count_events().await.unwrap(), 4);
    // Each is filed under the resident, whichever party the OA was.
    let vault = ketnoi::vault::Vault::new(&[42u8; 32]);
    let resident = vault.user_key(user).as_str().to_owned();
    assert_eq!(inbox_user_keys(&app).await, vec![Some(resident); 4]);
    // A receipt naming neither party as our OA is still refused.
    let mut foreign = seen(0, true);
    foreign["sender"]["id"] = "111".into();
    assert_eq!(app.post_signed(&foreign).await.status(), 401);
    settled(&app).await;
    assert!(
        app.sim.sent_messages(user).is_empty(),
        "receipts get no answer"
    );
    assert!(app.sim.sent_messages(OA_ID).is_empty());
}

#[tokio::test]
async fn a_named_location_outside_a_report_offers_a_report_there_and_the_contact() {
    let app = spawn_app().await;
    let u = "7300002";
    say(&app, u, ResidentInput::follow(), 2).await;
    let place = "Cơm Coffee New Sky";
    let r = say(
        &app,
        u,
        ResidentInput::named_location(10.7923119, 106.7820651, place),
        1,
    )
    .await;
    show("resident", &format!("(vị trí: {place})"), &r);
    let text = text_of(&r[0]);
    assert!(text.contains(place) && text.contains("113"), "{text}");
    assert!(
        !text.contains("chưa hiểu") && !text.contains("hình ảnh"),
        "{text}"
    );
    assert!(text.contains("Điện thoại"), "the station's contact: {text}");
    let buttons = buttons_of(&r[0]);
    assert_eq!(buttons[0].2, "#report:here", "{buttons:?}");
    assert!(buttons.iter().any(|(_, kind, _)| kind == "oa.open.phone"));

    // "Báo tin tại đây": a report whose place is already that location.
    let r = say(&app, u, ResidentInput::text("#report:here"), 2).await;
    show("resident", "[Báo tin tại đây]", &r);
    assert!(payloads_of(&r[1]).iter().any(|p| p.starts_with("#cat:")));
    say(&app, u, ResidentInput::text("#cat:theft"), 1).await;
    let said = "Có người lạ cạy khóa xe máy dựng trước quán, tôi thấy rõ mặt";
    say(&app, u, ResidentInput::text(said), 1).await;
    let r = say(&app, u, ResidentInput::text("#when:now"), 1).await;
    assert!(
        !text_of(&r[0]).contains("ở đâu"),
        "the place is not asked again: {}",
        text_of(&r[0])
    );
    let r = say(&app, u, ResidentInput::text("#evidence:done"), 1).await;
    let summary = text_of(&r[0]);
    assert!(summary.contains(place), "{summary}");
}

#[tokio::test]
async fn an_unnamed_location_outside_a_report_is_answered_too() {
    let app = spawn_app().await;
    let u = "7300003";
    say(&app, u, ResidentInput::follow(), 2).await;
    let r = say(&app, u, ResidentInput::location(10.7725, 106.698), 1).await;
    let text = text_of(&r[0]);
    assert!(
        text.contains("Đã nhận vị trí") && text.contains("113"),
        "{text}"
    );
    assert_eq!(payloads_of(&r[0])[0], "#report:here");
}

#[tokio::test]
async fn a_named_location_answers_the_where_question_inside_a_report() {
    let app = spawn_app().await;
    let u = "7300004";
    say(&app, u, ResidentInput::follow(), 2).await;
    say(&app, u, ResidentInput::text("#menu:report"), 2).await;
    say(&app, u, ResidentInput::text("#cat:disorder"), 1).await;
    let said = "Nhóm thanh niên tụ tập hát karaoke rất to, chửi bới người qua đường";
    say(&app, u, ResidentInput::text(said), 1).await;
    let r = say(&app, u, ResidentInput::text("#when:today"), 1).await;
    assert!(text_of(&r[0]).contains("ở đâu"), "{}", text_of(&r[0]));
    let place = "Cơm Coffee New Sky";
    let r = say(
        &app,
        u,
        ResidentInput::named_location(10.79, 106.78, place),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("ảnh"), "{}", text_of(&r[0]));
    let r = say(&app, u, ResidentInput::text("#evidence:done"), 1).await;
    assert!(text_of(&r[0]).contains(place), "{}", text_of(&r[0]));
}

#[tokio::test]
async fn chat_now_in_either_shape_gets_the_welcome() {
    let app = spawn_app().await;
    for (user, follower_shape) in [("7300005", false), ("7300006", true)] {
        // The welcome and, the first time, the khu phố question — as for a follow.
        let r = say(&app, user, ResidentInput::chat_now(follower_shape), 2).await;
        show("resident", "(bấm \"Nhắn tin\")", &r);
        assert!(
            text_of(&r[0]).contains("Công an phường chào"),
            "{}",
            text_of(&r[0])
        );
        assert!(payloads_of(&r[0]).contains(&"#menu:report".to_owned()));
    }
}

#[tokio::test]
async fn an_anonymous_visitor_gets_plain_answers_through_the_anonymous_endpoint() {
    let app = spawn_app().await;
    let visitor = "anon-8800001";
    let r = say(
        &app,
        visitor,
        ResidentInput::anonymous_text("xin chào", "conv-1"),
        1,
    )
    .await;
    show("khách ẩn danh", "xin chào", &r);
    let recipient = &r[0].body["recipient"];
    assert_eq!(recipient["anonymous_id"], visitor);
    assert_eq!(recipient["conversation_id"], "conv-1");
    assert!(
        text_of(&r[0]).contains("đăng nhập Zalo"),
        "{}",
        text_of(&r[0])
    );
    assert!(buttons_of(&r[0]).is_empty(), "no buttons for a visitor");

    let said = "cho hỏi làm căn cước cho con cần giấy tờ gì";
    let r = say(
        &app,
        visitor,
        ResidentInput::anonymous_text(said, "conv-1"),
        1,
    )
    .await;
    show("khách ẩn danh", said, &r);
    assert!(
        !text_of(&r[0]).contains("đăng nhập Zalo"),
        "{}",
        text_of(&r[0])
    );
    assert!(
        text_of(&r[0]).to_lowercase().contains("căn cước"),
        "{}",
        text_of(&r[0])
    );

    let said = "cứu với có người cầm dao đang đánh nhau trước nhà";
    let r = say(
        &app,
        visitor,
        ResidentInput::anonymous_text(said, "conv-1"),
        1,
    )
    .await;
    show("khách ẩn danh", said, &r);
    assert!(text_of(&r[0]).contains("113"), "{}", text_of(&r[0]));

    // Nothing is opened or kept for a visitor: no case, no resident, no dialogue.
    assert_eq!(case_count(&app).await, 0);
    let (residents, dialogues): (i64, i64) =
        sqlx::query_as("select (select count(*) from residents), (select count(*) from dialogues)")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((residents, dialogues), (0, 0));
}
