//! Erasure (issue 12): a resident's `user_withdraw` erases their identity at once and keeps
//! their open case under the pseudonym; the retention step erases identities and texts of
//! closed cases past `privacy.retention_days`, keeping statistics and the audit log. Checked
//! in the database itself: no sealed value anywhere opens to the resident's id or words, and
//! (on SQLite) the id is nowhere in the files' bytes.

use std::sync::Arc;
use std::time::Duration;

use ketnoi::pipeline::retention::Retention;
use ketnoi::time::ManualClock;
use ketnoi::vault::Vault;
use zalo_sim::ResidentInput;

use crate::helpers::*;

fn vault() -> Vault {
    Vault::new(&[42u8; 32])
}

/// The tables and columns holding sealed values whose plaintext contains `needle`.
async fn sealed_holding(app: &TestApp, needle: &str) -> Vec<String> {
    let columns = [
        ("residents", "zalo_id_sealed"),
        ("dialogues", "state"),
        ("cases", "details"),
        ("case_events", "body"),
        ("inbox", "body"),
        ("outbox", "payload"),
        ("audit_log", "detail"),
    ];
    let vault = vault();
    let mut found = Vec::new();
    for (table, column) in columns {
        let rows: Vec<(Option<Vec<u8>>,)> =
            sqlx::query_as(&format!("select {column} from {table}"))
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        for (sealed,) in rows {
            let plain = sealed.and_then(|s| vault.open(&s).ok()).unwrap_or_default();
            if String::from_utf8_lossy(&plain).contains(needle) {
                found.push(format!("{table}.{column}"));
            }
        }
    }
    found
}

/// On SQLite: whether `needle` appears in clear anywhere in the database files, after a
/// checkpoint has moved the WAL into the main file. `None` on PostgreSQL.
async fn in_database_files(app: &TestApp, needle: &str) -> Option<bool> {
    let path = app.db.sqlite_path()?;
    sqlx::query("pragma wal_checkpoint(TRUNCATE)")
        .execute(app.store.pool())
        .await
        .unwrap();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(content) = std::fs::read(format!("{}{suffix}", path.display())) {
            bytes.extend(content);
        }
    }
    assert!(bytes.len() > 10_000, "database files were read");
    Some(bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

async fn count(app: &TestApp, sql: &str, key: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(key)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    n
}

/// (status, reporter_key, category, khu_pho, created_at, details length) of a case.
async fn case_row(app: &TestApp, code: &str) -> (String, String, String, Option<String>, i64, i64) {
    sqlx::query_as(
        "select status, reporter_key, category, khu_pho, created_at, length(details)
           from cases where code = $1",
    )
    .bind(code)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_withdrawal_erases_the_identity_at_once_and_keeps_the_open_case() {
    let app = spawn_app().await;
    let user = "5840000000000000711";
    let text = "Tối qua khoảng 11 giờ có người lạ trèo tường vào sân nhà tôi ở hẻm 7 đường Hoa Sứ lấy mất xe đạp";
    let code = report(&app, user, text).await;
    // A second report left half-written: dialogue state.
    say(&app, user, ResidentInput::text("#menu:report"), 2).await;
    let key = vault().user_key(user).as_str().to_owned();
    assert_eq!(
        count(
            &app,
            "select count(*) from dialogues where user_key = $1",
            &key
        )
        .await,
        1
    );
    assert!(
        !sealed_holding(&app, user).await.is_empty(),
        "sealed before"
    );
    let sent_before = app.sim.sent_messages(user).len();

    // Zalo's shape (docs/PLATFORM.md §2.2): flat `user_id`.
    let withdraw = serde_json::json!({"app_id": APP_ID, "oa_id": OA_ID, "user_id": user,
        "user_id_by_app": "77", "event_name": "user_withdraw", "timestamp": now_ms().to_string()});
    assert_eq!(app.post_signed(&withdraw).await.status(), 200);
    settled(&app).await;

    assert_eq!(
        count(
            &app,
            "select count(*) from residents where user_key = $1",
            &key
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from dialogues where user_key = $1",
            &key
        )
        .await,
        0
    );
    assert_eq!(sealed_holding(&app, user).await, Vec::<String>::new());
    assert!(
        !in_database_files(&app, user).await.unwrap_or(false),
        "the clear id is in the SQLite files"
    );
    // The case stays, open, with what was reported, but under the pseudonym only.
    let (status, reporter, ..) = case_row(&app, &code).await;
    assert_eq!(status, "received");
    assert!(reporter.starts_with("erased:Người báo #"), "{reporter}");
    assert_eq!(sealed_holding(&app, "trèo tường").await, ["cases.details"]);
    assert_eq!(
        app.sim.sent_messages(user).len(),
        sent_before,
        "nothing is sent"
    );
}

#[tokio::test]
async fn a_withdrawal_naming_the_user_as_sender_is_honoured_too() {
    let app = spawn_app().await;
    let user = "5840000000000000712";
    say(&app, user, ResidentInput::follow(), 2).await;
    let key = vault().user_key(user).as_str().to_owned();
    assert_eq!(
        count(
            &app,
            "select count(*) from residents where user_key = $1",
            &key
        )
        .await,
        1
    );
    let withdraw = serde_json::json!({"app_id": APP_ID, "sender": {"id": user},
        "recipient": {"id": OA_ID}, "event_name": "user_withdraw",
        "timestamp": now_ms().to_string()});
    assert_eq!(app.post_signed(&withdraw).await.status(), 200);
    settled(&app).await;
    assert_eq!(
        count(
            &app,
            "select count(*) from residents where user_key = $1",
            &key
        )
        .await,
        0
    );
    assert_eq!(sealed_holding(&app, user).await, Vec::<String>::new());
}

#[tokio::test]
async fn closed_cases_past_retention_keep_only_their_statistics() {
    let app = spawn_app().await;
    let (closed_user, open_user) = ("5840000000000000721", "5840000000000000722");
    let closed_text = "Sáng nay lúc 6 giờ tôi bị giật điện thoại ở đầu hẻm 12 đường Trần Phú khi đang tập thể dục";
    let open_text =
        "Hôm qua lúc 8 giờ tối nhà hàng xóm ở hẻm 5 đường Lê Lợi hát karaoke rất to đến nửa đêm";
    let closed = report(&app, closed_user, closed_text).await;
    let open = report(&app, open_user, open_text).await;
    settled(&app).await;
    // The first case is closed now; a year and a month later it is past the 365 days.
    sqlx::query("update cases set status = 'resolved', resolved_at = $1 where code = $2")
        .bind(now_ms())
        .bind(&closed)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (_, _, category, khu_pho, created_at, _) = case_row(&app, &closed).await;
    let audit_rows = count(&app, "select count(*) from audit_log where $1 = $1", "").await;
    let clock = Arc::new(ManualClock::at(
        at(now_ms()).plus(Duration::from_secs(400 * 86_400)),
    ));
    let retention = Retention {
        store: app.store.clone(),
        period: Duration::from_secs(365 * 86_400),
        clock,
    };
    let erased = retention.run_once().await.unwrap();
    assert_eq!((erased.cases, erased.residents), (1, 1), "{erased:?}");

    // The closed case: statistics kept, identity and words gone.
    let (status, reporter, category_after, khu_pho_after, created_after, details_len) =
        case_row(&app, &closed).await;
    assert_eq!(status, "resolved");
    assert!(reporter.starts_with("erased:"), "{reporter}");
    assert_eq!(
        (category_after, khu_pho_after, created_after),
        (category, khu_pho, created_at)
    );
    assert_eq!(details_len, 0, "the sealed account is emptied");
    let bodies = count(
        &app,
        "select count(*) from case_events e join cases c on c.id = e.case_id
          where c.code = $1 and e.body is not null",
        &closed,
    )
    .await;
    assert_eq!(bodies, 0, "the timeline's sealed texts are gone");
    let closed_key = vault().user_key(closed_user).as_str().to_owned();
    assert_eq!(
        count(
            &app,
            "select count(*) from residents where user_key = $1",
            &closed_key
        )
        .await,
        0
    );
    assert_eq!(
        sealed_holding(&app, closed_user).await,
        Vec::<String>::new()
    );
    assert_eq!(
        sealed_holding(&app, "giật điện thoại").await,
        Vec::<String>::new()
    );
    assert!(
        !in_database_files(&app, closed_user).await.unwrap_or(false),
        "the clear id is in the SQLite files"
    );
    assert_eq!(
        count(&app, "select count(*) from audit_log where $1 = $1", "").await,
        audit_rows,
        "audit rows are kept"
    );

    // The open case and its reporter are untouched.
    let (status, reporter, .., details_len) = case_row(&app, &open).await;
    assert_eq!(status, "received");
    assert_eq!(reporter, vault().user_key(open_user).as_str());
    assert!(details_len > 0);
    assert_eq!(
        sealed_holding(&app, "karaoke rất to").await,
        ["cases.details"]
    );
    assert_eq!(
        sealed_holding(&app, open_user).await,
        ["residents.zalo_id_sealed"]
    );

    // Idempotent: nothing more to erase.
    assert_eq!(
        retention.run_once().await.unwrap(),
        ketnoi::store::Erased::default()
    );
}

/// `user_submit_info` in the current nested shape (tests/fixtures/real/ has both shapes).
fn submit_info(user: &str, phone: &str) -> serde_json::Value {
    serde_json::json!({"app_id": APP_ID, "user_id_by_app": "77", "event_name": "user_submit_info",
        "timestamp": now_ms().to_string(), "sender": {"id": user}, "recipient": {"id": OA_ID},
        "info": {"name": "Nguyễn Văn Bình", "phone": phone, "user_dob": "", "gender": "",
            "full_address": {"user_city": "TP. Hồ Chí Minh", "user_ward": "Phường Mẫu",
                "user_address": "12 Hoa Sứ"}}})
}

#[tokio::test]
async fn contact_details_from_zalos_form_are_kept_only_with_consent() {
    let app = spawn_app().await;
    let (agreed, refused) = ("5840000000000000731", "5840000000000000732");
    let text = "Tối qua khoảng 10 giờ có người lạ cạy cửa kho nhà tôi ở hẻm 9 đường Hoa Sứ lấy mất máy bơm";
    let code = report(&app, agreed, text).await;
    let before = app.sim.sent_messages(agreed).len();
    assert_eq!(
        app.post_signed(&submit_info(agreed, "0911222333"))
            .await
            .status(),
        200
    );
    let r = replies(&app.sim, agreed, before + 1).await;
    assert!(
        text_of(&r[before]).contains(&code),
        "{}",
        text_of(&r[before])
    );
    assert_eq!(
        sealed_holding(&app, "0911222333").await,
        ["case_events.body", "inbox.body"],
        "attached to the consenting case"
    );

    say(&app, refused, ResidentInput::text(text), 2).await;
    say(&app, refused, ResidentInput::text("#send:anonymous"), 1).await;
    let before = app.sim.sent_messages(refused).len();
    assert_eq!(
        app.post_signed(&submit_info(refused, "0944555666"))
            .await
            .status(),
        200
    );
    let r = replies(&app.sim, refused, before + 1).await;
    assert!(
        text_of(&r[before]).contains("chưa lưu"),
        "{}",
        text_of(&r[before])
    );
    assert_eq!(
        sealed_holding(&app, "0944555666").await,
        ["inbox.body"],
        "only the raw event, until the retention step"
    );
}

#[tokio::test]
async fn a_phone_number_typed_instead_of_tapping_the_form_is_kept_on_that_case() {
    let app = spawn_app().await;
    let resident = "5840000000000000741";
    let text = "Sáng nay có người lạ cạy cửa kho nhà tôi ở hẻm 9 đường Hoa Sứ lấy mất máy bơm";
    let code = report(&app, resident, text).await;
    // The form was offered; an elderly resident types instead of tapping.
    let r = say(
        &app,
        resident,
        ResidentInput::text("so dien thoai cua toi 0912 345 678, ten Tư"),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).starts_with("Công an phường đã nhận thông tin liên hệ")
            && text_of(&r[0]).contains(&code),
        "{}",
        text_of(&r[0])
    );
    assert_eq!(
        sealed_holding(&app, "0912 345 678").await,
        ["case_events.body", "inbox.body"],
        "sealed on the case, visible only on reveal"
    );
    // Only right after the offer: later, a number is an ordinary message again.
    let r = say(&app, resident, ResidentInput::text("cảm ơn"), 1).await;
    assert!(
        !text_of(&r[0]).contains("thông tin liên hệ"),
        "{}",
        text_of(&r[0])
    );
    say(&app, resident, ResidentInput::text("0987 654 321"), 1).await;
    assert_eq!(
        sealed_holding(&app, "0987 654 321").await,
        ["inbox.body"],
        "not attached once the offer has passed"
    );
}
