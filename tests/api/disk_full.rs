//! SQLite running out of room while events arrive and replies are recorded: every event
//! acknowledged with 200 must be on disk, as a second connection sees it, once room is back.
//! `PRAGMA max_page_count` caps the database where a tmpfs would fill up.

use crate::helpers::*;

#[tokio::test]
async fn events_acknowledged_around_a_full_disk_are_all_stored() {
    let app = spawn_app().await;
    let path = app.db.sqlite_path().unwrap();
    let (pages,): (i64,) = sqlx::query_as("pragma page_count")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    // The one SQLite connection of the pool: the cap applies to it.
    sqlx::query(&format!("pragma max_page_count = {}", pages + 8))
        .execute(app.store.pool())
        .await
        .unwrap();
    let mut acked = 0;
    let mut refused = 0;
    let long = "dữ liệu ".repeat(300);
    for i in 0..400 {
        let event = text_event(&format!("79100{:02}", i % 50), &format!("full-{i}"), &long);
        match app.post_signed(&event).await.status().as_u16() {
            200 => acked += 1,
            503 => refused += 1,
            other => panic!("an event not stored must be answered 503, got {other}"),
        }
    }
    assert!(refused > 0, "the disk never filled ({acked} acked)");
    let ready = |app: &TestApp| {
        let url = format!("http://{}/readyz", app.address);
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(ready(&app).await, 503, "/readyz fails while writes fail");
    // Room again.
    sqlx::query("pragma max_page_count = 1073741823")
        .execute(app.store.pool())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for i in 0..20 {
        let event = text_event("7910099", &format!("after-{i}"), "xin chào");
        assert_eq!(
            app.post_signed(&event).await.status(),
            200,
            "service resumed"
        );
        acked += 1;
    }
    // A connection of its own sees only what was really committed.
    let other = ketnoi::store::Store::connect(&format!("sqlite://{}", path.display()), 1)
        .await
        .unwrap();
    let (stored,): (i64,) = sqlx::query_as("select count(*) from inbox")
        .fetch_one(other.pool())
        .await
        .unwrap();
    println!("acked {acked}, refused {refused}, stored {stored}");
    assert!(
        stored >= acked,
        "acknowledged {acked} but only {stored} on disk"
    );
}
