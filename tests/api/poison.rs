//! A poison event — one whose processing fails every time — is dead-lettered after
//! `workers.max_event_attempts`, kept, counted, and the resident's later events go on.

use std::time::Duration;

use zalo_sim::ResidentInput;

use crate::helpers::*;

#[tokio::test]
async fn a_poison_event_is_dead_lettered_and_the_residents_next_message_is_answered() {
    let app = spawn_app_with(TestDb::sqlite(), |s| s.workers.max_event_attempts = 2).await;
    let user = "7800001";
    let key = ketnoi::vault::Vault::new(&[42u8; 32]).user_key(user);
    // Every reply to this resident fails to be queued: the event can never complete.
    sqlx::query(&format!(
        "create trigger poison before insert on outbox when new.recipient_key = '{key}'
         begin select raise(abort, 'poisoned for the test'); end"
    ))
    .execute(app.store.pool())
    .await
    .unwrap();
    let sent = app
        .sim
        .send_as_user(user, ResidentInput::text("xin chào"))
        .await
        .unwrap();
    assert_eq!(sent.webhook_status, 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (n,): (i64,) = sqlx::query_as("select count(*) from inbox where status = 'failed'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        if n == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the event was never dead-lettered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (attempts, error): (i64, String) =
        sqlx::query_as("select attempts, last_error from inbox where status = 'failed'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(attempts, 2);
    assert!(error.contains("poisoned"), "{error}");
    // The resident is not locked out: once the fault is gone, the next message is answered.
    sqlx::query("drop trigger poison")
        .execute(app.store.pool())
        .await
        .unwrap();
    let r = say(
        &app,
        user,
        ResidentInput::text("đăng ký tạm trú cần giấy tờ gì"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("TẠM TRÚ"), "{}", text_of(&r[0]));
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("ketnoi_events_dead_lettered_total 1"),
        "{}",
        metrics
            .lines()
            .filter(|l| l.contains("dead"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
