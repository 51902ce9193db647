//! One store suite, run on SQLite always and on PostgreSQL when `KETNOI_TEST_POSTGRES_URL` is
//! set: both backends must behave the same.

use ketnoi::store::{DeliveryResult, NewEvent, NewOutbound, Priority, Store, StoredTokens};

use crate::helpers::TestDb;

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url(), 5).await.unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap(); // idempotent
    assert!(store.is_ready().await);
    store
}

fn event(key: &str, user: Option<&str>) -> NewEvent {
    NewEvent {
        dedupe_key: key.into(),
        event_name: "user_send_text".into(),
        user_key: user.map(str::to_owned),
        event_ts: 1,
        body: vec![1, 2, 3],
    }
}

async fn inbox_contract(store: &Store) {
    assert!(store
        .insert_event(&event("a1", Some("u1")), 10)
        .await
        .unwrap());
    assert!(
        !store
            .insert_event(&event("a1", Some("u1")), 11)
            .await
            .unwrap(),
        "dedupe"
    );
    assert!(store
        .insert_event(&event("a2", Some("u1")), 12)
        .await
        .unwrap());
    assert!(store
        .insert_event(&event("b1", Some("u2")), 13)
        .await
        .unwrap());
    assert!(store.insert_event(&event("c1", None), 14).await.unwrap());
    assert_eq!(store.inbox_depth(20).await.unwrap(), (4, 10));

    // Only the oldest pending event of each resident is claimable.
    let claimed = store.claim_events("w1", 100, 1000, 10).await.unwrap();
    let ids: Vec<_> = claimed.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(claimed
        .iter()
        .all(|c| c.attempts == 1 && c.body == vec![1, 2, 3]));
    // Leased rows are not claimable again until the lease runs out.
    assert!(store
        .claim_events("w2", 200, 1000, 10)
        .await
        .unwrap()
        .is_empty());

    // A worker that lost its lease cannot finish the event.
    let first = claimed[0].id;
    let mut tx = store.begin().await.unwrap();
    assert!(!store.finish_event(&mut tx, first, "w2", 300).await.unwrap());
    assert!(store.finish_event(&mut tx, first, "w1", 300).await.unwrap());
    tx.commit().await.unwrap();

    // After the lease expires, another worker takes the rest; u1's second event is now free.
    let retaken = store.claim_events("w2", 5000, 1000, 10).await.unwrap();
    assert_eq!(retaken.len(), 3);
    assert!(retaken.iter().any(|c| c.attempts == 2));
    // A whole batch finishes in one statement, and only rows whose lease is still held.
    let ids: Vec<i64> = retaken.iter().map(|c| c.id).collect();
    let mut tx = store.begin().await.unwrap();
    assert!(store
        .finish_events(&mut tx, &ids, "w1", 5001)
        .await
        .unwrap()
        .is_empty());
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(
        store
            .finish_events(&mut tx, &ids, "w2", 5001)
            .await
            .unwrap(),
        sorted
    );
    tx.commit().await.unwrap();
    assert_eq!(store.inbox_depth(6000).await.unwrap().0, 0);
    assert_eq!(store.prune_events(100).await.unwrap(), 4);
    assert_eq!(store.count_events().await.unwrap(), 0);
}

/// Urgent messages go first, bulk ones only take a share of a claim while others wait, and a
/// resident's urgent answer does not wait behind an alert to them.
async fn outbox_priority_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    let msg = |key: &str, to: &str, priority| NewOutbound {
        dedupe_key: key.into(),
        inbox_id: None,
        recipient_key: to.into(),
        payload: key.as_bytes().to_vec(),
        priority,
    };
    for i in 0..20 {
        store
            .enqueue(
                &mut tx,
                &msg(&format!("bulk{i}"), &format!("b{i}"), Priority::Bulk),
                false,
                1,
            )
            .await
            .unwrap();
    }
    for i in 0..4 {
        store
            .enqueue(
                &mut tx,
                &msg(
                    &format!("talk{i}"),
                    &format!("t{i}"),
                    Priority::Conversation,
                ),
                false,
                2,
            )
            .await
            .unwrap();
    }
    // The resident b0 has an alert queued, then an emergency answer.
    store
        .enqueue(&mut tx, &msg("urgent", "b0", Priority::Urgent), false, 3)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let claimed = store.claim_outbound("p1", 10, 1000, 8).await.unwrap();
    let keys: Vec<String> = claimed
        .iter()
        .map(|c| String::from_utf8(c.payload.clone()).unwrap())
        .collect();
    assert!(keys.contains(&"urgent".to_owned()), "{keys:?}");
    assert_eq!(keys.iter().filter(|k| k.starts_with("talk")).count(), 4);
    let bulk = keys.iter().filter(|k| k.starts_with("bulk")).count();
    assert_eq!(
        bulk, 2,
        "bulk takes at most a quarter of the claim: {keys:?}"
    );
    // With nothing else waiting, bulk may use the whole claim.
    let claimed = store.claim_outbound("p1", 10, 1000, 8).await.unwrap();
    assert_eq!(claimed.len(), 8);
}

async fn outbox_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    let msg = |key: &str, to: &str| NewOutbound {
        dedupe_key: key.into(),
        inbox_id: None,
        recipient_key: to.into(),
        payload: key.as_bytes().to_vec(),
        priority: Priority::Conversation,
    };
    store
        .enqueue(&mut tx, &msg("m1", "r1"), false, 10)
        .await
        .unwrap();
    store
        .enqueue(&mut tx, &msg("m1", "r1"), false, 10)
        .await
        .unwrap(); // ignored
    store
        .enqueue(&mut tx, &msg("m2", "r1"), false, 11)
        .await
        .unwrap();
    store
        .enqueue(&mut tx, &msg("m3", "r2"), true, 12)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let stats = store.outbox_stats(20).await.unwrap();
    assert_eq!(
        (stats.pending, stats.parked, stats.oldest_pending_ms),
        (2, 1, 10)
    );

    let claimed = store.claim_outbound("d1", 100, 1000, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "per-recipient order, parked rows wait");
    assert_eq!(claimed[0].payload, b"m1");
    assert_eq!(claimed[0].last_interaction_at, None, "r1 never wrote");
    // A retry scheduled later keeps the recipient's next message waiting behind it.
    let retry = |id, status, at, code: &str| DeliveryResult::Deferred {
        id,
        status,
        next_attempt_at: at,
        error_code: code.into(),
        error: "from Zalo".into(),
    };
    store
        .record_deliveries("d1", &[retry(claimed[0].id, "pending", 500, "-32")], 110)
        .await
        .unwrap();
    assert!(store
        .claim_outbound("d1", 200, 1000, 10)
        .await
        .unwrap()
        .is_empty());
    let again = store.claim_outbound("d1", 600, 1000, 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 2));
    let sent = DeliveryResult::Sent {
        id: again[0].id,
        zalo_message_id: "zalo-1".into(),
    };
    // A worker whose lease was taken over cannot defer the row...
    store
        .record_deliveries(
            "someone-else",
            &[retry(again[0].id, "pending", 9000, "-32")],
            605,
        )
        .await
        .unwrap();
    assert_eq!(store.outbox_stats(606).await.unwrap().pending, 2);
    let (due,): (i64,) = sqlx::query_as("select next_attempt_at from outbox where id = $1")
        .bind(again[0].id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_ne!(
        due, 9000,
        "a deferral by a worker without the lease is ignored"
    );
    // ...but a message it sent is recorded as sent, whoever holds the lease now: it did go out
    // (a record held back by a storage outage lands after the lease ended).
    store
        .record_deliveries("someone-else", &[sent], 610)
        .await
        .unwrap();
    let (status, message_id): (String, Option<String>) =
        sqlx::query_as("select status, zalo_message_id from outbox where id = $1")
            .bind(again[0].id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), message_id.as_deref()),
        ("sent", Some("zalo-1"))
    );
    let next = store.claim_outbound("d1", 620, 1000, 10).await.unwrap();
    assert_eq!(next[0].payload, b"m2");
    store
        .record_deliveries("d1", &[retry(next[0].id, "parked", 630, "-230")], 630)
        .await
        .unwrap();

    // The resident writes again: parked messages become due.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(store.unpark(&mut tx, "r1", 700).await.unwrap(), 1);
    assert_eq!(store.unpark(&mut tx, "r2", 700).await.unwrap(), 1);
    store
        .touch_resident(&mut tx, "r1", b"sealed", None, 650)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let both = store.claim_outbound("d2", 800, 1000, 10).await.unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(
        both.iter()
            .map(|r| (r.recipient_key.as_str(), r.last_interaction_at))
            .collect::<Vec<_>>(),
        vec![("r1", Some(650)), ("r2", None)],
        "the claim carries each recipient's reply window"
    );
    // Only the holder renews a lease.
    let both_ids: Vec<i64> = both.iter().map(|r| r.id).collect();
    assert!(store
        .renew_outbound_leases("x", &both_ids, 5000)
        .await
        .unwrap()
        .is_empty());
    let mut renewed = store
        .renew_outbound_leases("d2", &both_ids, 5000)
        .await
        .unwrap();
    renewed.sort_unstable();
    assert_eq!(renewed, both_ids);
    assert!(
        store
            .claim_outbound("d3", 2500, 1000, 10)
            .await
            .unwrap()
            .is_empty(),
        "renewed past the original lease"
    );
    // Several sent rows in one statement, each with its own Zalo message id.
    let results: Vec<DeliveryResult> = both
        .iter()
        .map(|r| DeliveryResult::Sent {
            id: r.id,
            zalo_message_id: format!("z-{}", r.recipient_key),
        })
        .collect();
    store.record_deliveries("d2", &results, 810).await.unwrap();
    let ids: Vec<(String, Option<String>)> = sqlx::query_as(
        "select recipient_key, zalo_message_id from outbox where status = 'sent' order by id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        ids,
        vec![
            ("r1".to_owned(), Some("zalo-1".to_owned())),
            ("r1".to_owned(), Some("z-r1".to_owned())),
            ("r2".to_owned(), Some("z-r2".to_owned())),
        ]
    );
    assert_eq!(store.prune_outbound(10_000).await.unwrap(), 3);
}

async fn residents_and_tokens_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    store
        .touch_resident(&mut tx, "k1", b"sealed", Some("m1"), 100)
        .await
        .unwrap();
    store
        .touch_resident(&mut tx, "k1", b"sealed", None, 50)
        .await
        .unwrap(); // older: ignored
    tx.commit().await.unwrap();
    let last_interaction = |key: &'static str| async move {
        let mut tx = store.begin().await.unwrap();
        let row = store.resident(&mut tx, key).await.unwrap();
        row.map(|r| r.last_interaction_at)
    };
    assert_eq!(last_interaction("k1").await, Some(100));
    assert_eq!(last_interaction("nobody").await, None);

    assert!(store.load_tokens().await.unwrap().is_none());
    let mut section = store.begin_token_refresh().await.unwrap();
    assert!(section.load().await.unwrap().is_none());
    let tokens = StoredTokens {
        access_token: b"a1".to_vec(),
        refresh_token: b"r1".to_vec(),
        access_expires_at: 1000,
        generation: 1,
    };
    section.save(&tokens, 1).await.unwrap();
    let mut section = store.begin_token_refresh().await.unwrap();
    assert_eq!(section.load().await.unwrap().unwrap().generation, 1);
    // Another connection writes meanwhile (on SQLite this used to break the save).
    let mut other = store.begin().await.unwrap();
    store
        .touch_resident(&mut other, "k2", b"s", None, 1)
        .await
        .unwrap();
    other.commit().await.unwrap();
    section
        .save(
            &StoredTokens {
                generation: 2,
                ..tokens
            },
            2,
        )
        .await
        .unwrap();
    let loaded = store.load_tokens().await.unwrap().unwrap();
    assert_eq!(
        (loaded.generation, loaded.access_token),
        (2, b"a1".to_vec())
    );
    store
        .begin_token_refresh()
        .await
        .unwrap()
        .release()
        .await
        .unwrap();
    store.forget_tokens().await.unwrap();
    assert!(store.load_tokens().await.unwrap().is_none());
}

async fn run_contract(db: TestDb) {
    let store = open(&db).await;
    inbox_contract(&store).await;
    outbox_priority_contract(&store).await;
    sqlx::query("delete from outbox")
        .execute(store.pool())
        .await
        .unwrap();
    outbox_contract(&store).await;
    residents_and_tokens_contract(&store).await;
    store.close().await;
}

#[tokio::test]
async fn store_contract_on_sqlite() {
    run_contract(TestDb::sqlite()).await;
}

#[tokio::test]
async fn store_contract_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("skipped: KETNOI_TEST_POSTGRES_URL is not set");
        return;
    };
    run_contract(db).await;
}

#[tokio::test]
async fn postgres_refresh_lock_serialises_processes() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("skipped: KETNOI_TEST_POSTGRES_URL is not set");
        return;
    };
    let a = open(&db).await;
    let b = Store::connect(&db.url(), 2).await.unwrap();
    let held = a.begin_token_refresh().await.unwrap();
    let waiter = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let section = b.begin_token_refresh().await.unwrap();
        section.release().await.unwrap();
        started.elapsed()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    held.release().await.unwrap();
    let waited = waiter.await.unwrap();
    assert!(
        waited >= std::time::Duration::from_millis(250),
        "second process waited {waited:?}"
    );
}
