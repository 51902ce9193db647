//! A first conversation end to end: resident → simulator → webhook → inbox → bot → outbox →
//! OA API (the simulator) → what the resident sees.

use zalo_sim::ResidentInput;

use crate::helpers::*;

#[tokio::test]
async fn a_greeting_gets_the_welcome_with_menu_buttons() {
    let app = spawn_app().await;
    let sent = app
        .sim
        .send_as_user("6001", ResidentInput::text("xin chào"))
        .await
        .unwrap();
    assert_eq!(sent.webhook_status, 200);
    let messages = replies(&app.sim, "6001", 1).await;
    let body = &messages[0].body;
    assert_eq!(body["recipient"]["user_id"], "6001");
    assert!(body["message"]["text"]
        .as_str()
        .unwrap()
        .contains("Công an phường"));
    assert_eq!(
        body["message"]["quote_message_id"],
        sent.msg_id.clone().unwrap()
    );
    let buttons = body["message"]["attachment"]["payload"]["buttons"]
        .as_array()
        .unwrap();
    let titles: Vec<_> = buttons
        .iter()
        .map(|b| b["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Báo tin / phản ánh",
            "Thủ tục hành chính",
            "Tin tức – cảnh báo",
            "Liên hệ"
        ]
    );
    assert!(buttons.iter().all(|b| b["type"] == "oa.query.hide"));
}

#[tokio::test]
async fn following_the_oa_gets_the_welcome() {
    let app = spawn_app().await;
    app.sim
        .send_as_user("6002", ResidentInput::follow())
        .await
        .unwrap();
    let messages = replies(&app.sim, "6002", 1).await;
    assert!(messages[0].body["message"]["attachment"]["payload"]["buttons"].is_array());
}

#[tokio::test]
async fn no_resident_id_or_phone_is_stored_in_clear() {
    let app = spawn_app().await;
    let user = "5849990001112223334";
    app.sim
        .send_as_user(user, ResidentInput::follow())
        .await
        .unwrap();
    app.sim
        .send_as_user(
            user,
            ResidentInput::text("số của tôi là 0912345678, nhà bị trộm"),
        )
        .await
        .unwrap();
    replies(&app.sim, user, 2).await;
    let path = app.db.sqlite_path().unwrap();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        if let Ok(content) = std::fs::read(&file) {
            bytes.extend(content);
        }
    }
    assert!(bytes.len() > 10_000, "database files were read");
    for secret in [user, "0912345678", "nhà bị trộm"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "`{secret}` found in clear in the database files"
        );
    }
}

#[tokio::test]
async fn graceful_shutdown_leaves_nothing_half_done() {
    let app = spawn_app().await;
    for i in 0..20 {
        let user = format!("61{i:02}");
        app.sim
            .send_as_user(&user, ResidentInput::text("alo"))
            .await
            .unwrap();
    }
    let db = app.stop().await;
    let store = ketnoi::store::Store::connect(&db.url(), 1).await.unwrap();
    let count = |sql: &'static str| {
        let store = store.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.pool()).await.unwrap();
            n
        }
    };
    assert_eq!(
        count("select count(*) from inbox").await,
        20,
        "every acknowledged event kept"
    );
    assert_eq!(
        count("select count(*) from inbox where status = 'pending' and locked_by is not null")
            .await,
        0,
        "no event left leased"
    );
    assert_eq!(
        count("select count(*) from outbox where status = 'pending' and locked_by is not null")
            .await,
        0,
        "no message left mid-send"
    );
}
