//! One store suite, run on SQLite always and on PostgreSQL when `KETNOI_TEST_POSTGRES_URL` is
//! set: both backends must behave the same. It covers the pipeline (inbox, outbox, residents,
//! tokens) and what the bot reads and writes: cases and their timeline, officers, the audit log,
//! news and dialogues, with the filters and orders the bot relies on.

use ketnoi::store::{
    CaseQuery, CaseRow, DeliveryResult, NewCase, NewEvent, NewOutbound, NewsItem, OfficerRow,
    Priority, Store, StoredTokens,
};

use std::time::Duration;

use ketnoi::access::{AuditAction, CommandName, Outcome, Role};
use ketnoi::cases::{Category, Status};
use ketnoi::store::{CaseReminder, NewsKind, OutboxState};

use crate::helpers::{at, key, TestDb};

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url(), 5).await.unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap(); // idempotent
    assert!(store.is_ready().await);
    store
}

fn event(dedupe: &str, user: Option<&str>) -> NewEvent {
    NewEvent {
        dedupe_key: dedupe.into(),
        event_name: "user_send_text".into(),
        user_key: user.map(key),
        event_ts: 1,
        body: vec![1, 2, 3],
    }
}

async fn inbox_contract(store: &Store) {
    assert!(store
        .insert_event(&event("a1", Some("u1")), at(10))
        .await
        .unwrap());
    assert!(
        !store
            .insert_event(&event("a1", Some("u1")), at(11))
            .await
            .unwrap(),
        "dedupe"
    );
    assert!(store
        .insert_event(&event("a2", Some("u1")), at(12))
        .await
        .unwrap());
    assert!(store
        .insert_event(&event("b1", Some("u2")), at(13))
        .await
        .unwrap());
    assert!(store
        .insert_event(&event("c1", None), at(14))
        .await
        .unwrap());
    assert_eq!(store.inbox_depth(at(20)).await.unwrap(), (4, 10));

    // Only the oldest pending event of each resident is claimable.
    let claimed = store
        .claim_events("w1", at(100), Duration::from_millis(1000), 10)
        .await
        .unwrap();
    let ids: Vec<_> = claimed.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(claimed
        .iter()
        .all(|c| c.attempts == 1 && c.body == vec![1, 2, 3]));
    // Leased rows are not claimable again until the lease runs out.
    assert!(store
        .claim_events("w2", at(200), Duration::from_millis(1000), 10)
        .await
        .unwrap()
        .is_empty());

    // A worker that lost its lease cannot finish the event.
    let first = claimed[0].id;
    let mut tx = store.begin().await.unwrap();
    assert!(!store
        .finish_event(&mut tx, first, "w2", at(300))
        .await
        .unwrap());
    assert!(store
        .finish_event(&mut tx, first, "w1", at(300))
        .await
        .unwrap());
    tx.commit().await.unwrap();

    // After the lease expires, another worker takes the rest; u1's second event is now free.
    let retaken = store
        .claim_events("w2", at(5000), Duration::from_millis(1000), 10)
        .await
        .unwrap();
    assert_eq!(retaken.len(), 3);
    assert!(retaken.iter().any(|c| c.attempts == 2));
    // A whole batch finishes in one statement, and only rows whose lease is still held.
    let ids: Vec<i64> = retaken.iter().map(|c| c.id).collect();
    let mut tx = store.begin().await.unwrap();
    assert!(store
        .finish_events(&mut tx, &ids, "w1", at(5001))
        .await
        .unwrap()
        .is_empty());
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(
        store
            .finish_events(&mut tx, &ids, "w2", at(5001))
            .await
            .unwrap(),
        sorted
    );
    tx.commit().await.unwrap();
    assert_eq!(store.inbox_depth(at(6000)).await.unwrap().0, 0);
    assert_eq!(store.prune_events(at(100)).await.unwrap(), 4);
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
                at(1),
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
                at(2),
            )
            .await
            .unwrap();
    }
    // The resident b0 has an alert queued, then an emergency answer.
    store
        .enqueue(
            &mut tx,
            &msg("urgent", "b0", Priority::Urgent),
            false,
            at(3),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let claimed = store
        .claim_outbound("p1", at(10), Duration::from_millis(1000), 8)
        .await
        .unwrap();
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
    let claimed = store
        .claim_outbound("p1", at(10), Duration::from_millis(1000), 8)
        .await
        .unwrap();
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
        .enqueue(&mut tx, &msg("m1", "r1"), false, at(10))
        .await
        .unwrap();
    store
        .enqueue(&mut tx, &msg("m1", "r1"), false, at(10))
        .await
        .unwrap(); // ignored
    store
        .enqueue(&mut tx, &msg("m2", "r1"), false, at(11))
        .await
        .unwrap();
    store
        .enqueue(&mut tx, &msg("m3", "r2"), true, at(12))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let stats = store.outbox_stats(at(20)).await.unwrap();
    assert_eq!(
        (stats.pending, stats.parked, stats.oldest_pending_ms),
        (2, 1, 10)
    );

    let claimed = store
        .claim_outbound("d1", at(100), Duration::from_millis(1000), 10)
        .await
        .unwrap();
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
        .record_deliveries(
            "d1",
            &[retry(claimed[0].id, OutboxState::Pending, at(500), "-32")],
            &[],
            at(110),
        )
        .await
        .unwrap();
    assert!(store
        .claim_outbound("d1", at(200), Duration::from_millis(1000), 10)
        .await
        .unwrap()
        .is_empty());
    let again = store
        .claim_outbound("d1", at(600), Duration::from_millis(1000), 10)
        .await
        .unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 2));
    let sent = DeliveryResult::Sent {
        id: again[0].id,
        zalo_message_id: "zalo-1".into(),
    };
    // A worker whose lease was taken over cannot defer the row...
    store
        .record_deliveries(
            "someone-else",
            &[retry(again[0].id, OutboxState::Pending, at(9000), "-32")],
            &[],
            at(605),
        )
        .await
        .unwrap();
    assert_eq!(store.outbox_stats(at(606)).await.unwrap().pending, 2);
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
        .record_deliveries("someone-else", &[sent], &[], at(610))
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
    let next = store
        .claim_outbound("d1", at(620), Duration::from_millis(1000), 10)
        .await
        .unwrap();
    assert_eq!(next[0].payload, b"m2");
    store
        .record_deliveries(
            "d1",
            &[retry(next[0].id, OutboxState::Parked, at(630), "-230")],
            &[],
            at(630),
        )
        .await
        .unwrap();

    // The resident writes again: parked messages become due.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(store.unpark(&mut tx, &key("r1"), at(700)).await.unwrap(), 1);
    assert_eq!(store.unpark(&mut tx, &key("r2"), at(700)).await.unwrap(), 1);
    store
        .touch_resident(&mut tx, &key("r1"), b"sealed", None, at(650))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let both = store
        .claim_outbound("d2", at(800), Duration::from_millis(1000), 10)
        .await
        .unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(
        both.iter()
            .map(|r| (r.recipient_key.as_str(), r.last_interaction_at))
            .collect::<Vec<_>>(),
        vec![("r1", Some(at(650))), ("r2", None)],
        "the claim carries each recipient's reply window"
    );
    // Only the holder renews a lease.
    let both_ids: Vec<i64> = both.iter().map(|r| r.id).collect();
    assert!(store
        .renew_outbound_leases("x", &both_ids, at(5000))
        .await
        .unwrap()
        .is_empty());
    let mut renewed = store
        .renew_outbound_leases("d2", &both_ids, at(5000))
        .await
        .unwrap();
    renewed.sort_unstable();
    assert_eq!(renewed, both_ids);
    assert!(
        store
            .claim_outbound("d3", at(2500), Duration::from_millis(1000), 10)
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
    store
        .record_deliveries("d2", &results, &[], at(810))
        .await
        .unwrap();
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
    assert_eq!(store.prune_outbound(at(10_000)).await.unwrap(), 3);
}

async fn residents_and_tokens_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    store
        .touch_resident(&mut tx, &key("k1"), b"sealed", Some("m1"), at(100))
        .await
        .unwrap();
    store
        .touch_resident(&mut tx, &key("k1"), b"sealed", None, at(50))
        .await
        .unwrap(); // older: ignored
    tx.commit().await.unwrap();
    let last_interaction = |resident: &'static str| async move {
        let mut tx = store.begin().await.unwrap();
        let row = store.resident(&mut tx, &key(resident)).await.unwrap();
        row.map(|r| r.last_interaction_at)
    };
    assert_eq!(last_interaction("k1").await, Some(at(100)));
    assert_eq!(last_interaction("nobody").await, None);

    assert!(store.load_tokens().await.unwrap().is_none());
    let mut section = store.begin_token_refresh().await.unwrap();
    assert!(section.load().await.unwrap().is_none());
    let tokens = StoredTokens {
        access_token: b"a1".to_vec(),
        refresh_token: b"r1".to_vec(),
        access_expires_at: at(1000),
        generation: 1,
    };
    section.save(&tokens, at(1)).await.unwrap();
    let mut section = store.begin_token_refresh().await.unwrap();
    assert_eq!(section.load().await.unwrap().unwrap().generation, 1);
    // Another connection writes meanwhile (on SQLite this used to break the save).
    let mut other = store.begin().await.unwrap();
    store
        .touch_resident(&mut other, &key("k2"), b"s", None, at(1))
        .await
        .unwrap();
    other.commit().await.unwrap();
    section
        .save(
            &StoredTokens {
                generation: 2,
                ..tokens
            },
            at(2),
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

fn new_case(code: &str, reporter: &str, urgent: bool, khu_pho: Option<&str>) -> NewCase {
    NewCase {
        code: case_code(code),
        reporter_key: reporter.into(),
        pseudonym: format!("Người báo {reporter}"),
        category: Category::Theft,
        urgent,
        khu_pho: khu_pho.map(str::to_owned),
        details: code.as_bytes().to_vec(),
    }
}

/// A code as the service makes them (canonical form).
fn case_code(text: &str) -> ketnoi::cases::CaseCode {
    ketnoi::cases::code::find(text).expect("a case code")
}

fn codes(rows: &[CaseRow]) -> Vec<&str> {
    rows.iter().map(|r| r.code.as_str()).collect()
}

/// The statuses an officer's lists call open.
fn open_statuses() -> Vec<Status> {
    Status::OPEN.to_vec()
}

/// Cases: creation (a taken code), the reporter's views, the officers' list filters and their
/// order, assignment, status stamps, the timeline, service-level candidates and counts.
async fn cases_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    let a = store
        .create_case(
            &mut tx,
            &new_case("PA-AAAAAA", "r1", false, Some("Khu phố 1")),
            at(100),
        )
        .await
        .unwrap()
        .expect("a new code");
    let taken = store
        .create_case(&mut tx, &new_case("PA-AAAAAA", "r9", true, None), at(101))
        .await
        .unwrap();
    assert_eq!(
        taken, None,
        "a taken code is refused, the transaction goes on"
    );
    let b = store
        .create_case(
            &mut tx,
            &new_case("PA-BBBBBB", "r1", true, Some("Khu phố 2")),
            at(110),
        )
        .await
        .unwrap()
        .unwrap();
    let c = store
        .create_case(
            &mut tx,
            &new_case("PA-CCCCCC", "r2", false, Some("Khu phố 1")),
            at(120),
        )
        .await
        .unwrap()
        .unwrap();
    let d = store
        .create_case(&mut tx, &new_case("PA-DDDDDD", "r2", true, None), at(130))
        .await
        .unwrap()
        .unwrap();
    assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let row = store
        .case_by_code(&mut tx, &case_code("PA-AAAAAA"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.id,
            row.reporter_key.as_str(),
            row.pseudonym.as_str(),
            row.category.id(),
            row.urgent,
            row.status.id(),
            row.khu_pho.as_deref(),
            row.details.as_slice(),
        ),
        (
            a,
            "r1",
            "Người báo r1",
            "theft",
            0,
            "received",
            Some("Khu phố 1"),
            b"PA-AAAAAA".as_slice()
        )
    );
    assert_eq!(
        (
            row.created_at,
            row.updated_at,
            row.assigned_to,
            row.first_response_at,
            row.resolved_at,
            row.reminded_at,
            row.escalated_at
        ),
        (at(100), at(100), None, None, None, None, None)
    );
    let d_row = store
        .case_by_code(&mut tx, &case_code("PA-DDDDDD"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((d_row.urgent, d_row.khu_pho), (1, None));
    assert!(store
        .case_by_code(&mut tx, &case_code("PA-ZZZZZZ"))
        .await
        .unwrap()
        .is_none());

    // A resident sees only their own cases, newest first.
    let own = store
        .case_of_reporter(&mut tx, &case_code("PA-AAAAAA"), &key("r1"))
        .await
        .unwrap();
    assert_eq!(own.map(|r| r.id), Some(a));
    assert!(store
        .case_of_reporter(&mut tx, &case_code("PA-AAAAAA"), &key("r2"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        codes(
            &store
                .cases_of_reporter(&mut tx, &key("r1"), 10)
                .await
                .unwrap()
        ),
        ["PA-BBBBBB", "PA-AAAAAA"]
    );
    assert_eq!(
        codes(
            &store
                .cases_of_reporter(&mut tx, &key("r2"), 1)
                .await
                .unwrap()
        ),
        ["PA-DDDDDD"]
    );
    assert!(store
        .cases_of_reporter(&mut tx, &key("nobody"), 10)
        .await
        .unwrap()
        .is_empty());

    // The officers' lists: urgent first, then oldest first.
    let list = |q: CaseQuery, limit: i64| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            let rows = store.list_cases(&mut tx, &q, limit).await.unwrap();
            tx.commit().await.unwrap();
            rows.into_iter()
                .map(|r| r.code.to_string())
                .collect::<Vec<_>>()
        }
    };
    tx.commit().await.unwrap();
    assert_eq!(
        list(CaseQuery::default(), 50).await,
        ["PA-BBBBBB", "PA-DDDDDD", "PA-AAAAAA", "PA-CCCCCC"]
    );
    assert_eq!(
        list(CaseQuery::default(), 3).await,
        ["PA-BBBBBB", "PA-DDDDDD", "PA-AAAAAA"]
    );

    // Officers act: a claim, a status change, an assignment by the system.
    let mut tx = store.begin().await.unwrap();
    store
        .assign_case(&mut tx, a, &key("off-an"), "off-an", at(200))
        .await
        .unwrap();
    store
        .set_case_status(&mut tx, a, Status::Processing, at(201))
        .await
        .unwrap();
    store
        .assign_case(&mut tx, c, &key("off-an"), "system", at(210))
        .await
        .unwrap();
    store
        .assign_case(&mut tx, d, &key("off-binh"), "system", at(220))
        .await
        .unwrap();
    store
        .set_case_status(&mut tx, d, Status::NeedInfo, at(221))
        .await
        .unwrap();
    store
        .add_case_event(&mut tx, a, "note", "off-an", Some(b"sealed note"), at(202))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let received = CaseQuery {
        statuses: vec![Status::Received],
        ..CaseQuery::default()
    };
    assert_eq!(list(received, 50).await, ["PA-BBBBBB", "PA-CCCCCC"]);
    let open = CaseQuery {
        statuses: open_statuses(),
        ..CaseQuery::default()
    };
    assert_eq!(
        list(open.clone(), 50).await,
        ["PA-BBBBBB", "PA-DDDDDD", "PA-AAAAAA", "PA-CCCCCC"]
    );
    let mine = CaseQuery {
        assigned_to: Some("off-an".into()),
        ..open.clone()
    };
    assert_eq!(list(mine, 50).await, ["PA-AAAAAA", "PA-CCCCCC"]);
    let urgent = CaseQuery {
        urgent_only: true,
        ..open.clone()
    };
    assert_eq!(list(urgent, 50).await, ["PA-BBBBBB", "PA-DDDDDD"]);
    let area = CaseQuery {
        khu_pho: Some("Khu phố 1".into()),
        ..open.clone()
    };
    assert_eq!(list(area, 50).await, ["PA-AAAAAA", "PA-CCCCCC"]);
    let everything = CaseQuery {
        statuses: open_statuses(),
        urgent_only: true,
        assigned_to: Some("off-binh".into()),
        khu_pho: None,
    };
    assert_eq!(list(everything, i64::MAX).await, ["PA-DDDDDD"]);

    // Stamps: the first response once, the resolution while closed only.
    let mut tx = store.begin().await.unwrap();
    store
        .set_case_status(&mut tx, a, Status::Resolved, at(300))
        .await
        .unwrap();
    let row = store
        .case_by_code(&mut tx, &case_code("PA-AAAAAA"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.status.id(),
            row.assigned_to.as_ref().map(|k| k.as_str()),
            row.first_response_at,
            row.resolved_at,
            row.updated_at
        ),
        (
            "resolved",
            Some("off-an"),
            Some(at(201)),
            Some(at(300)),
            at(300)
        )
    );
    store
        .set_case_status(&mut tx, a, Status::Processing, at(400))
        .await
        .unwrap();
    store
        .mark_first_response(&mut tx, a, at(500))
        .await
        .unwrap();
    let row = store
        .case_by_code(&mut tx, &case_code("PA-AAAAAA"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.first_response_at, row.resolved_at),
        (Some(at(201)), None),
        "reopened: no resolution; the first response stays the first"
    );
    store
        .set_case_status(&mut tx, b, Status::Rejected, at(410))
        .await
        .unwrap();
    let row = store
        .case_by_code(&mut tx, &case_code("PA-BBBBBB"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.first_response_at, row.resolved_at),
        (Some(at(410)), Some(at(410)))
    );

    // The timeline, oldest first.
    let timeline: Vec<(i64, String, String, Option<Vec<u8>>)> = store
        .case_events(&mut tx, a)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.at.as_millis(), e.kind, e.actor, e.body))
        .collect();
    assert_eq!(
        timeline,
        vec![
            (100, "created".into(), "resident".into(), None),
            (200, "assigned".into(), "off-an".into(), None),
            (
                202,
                "note".into(),
                "off-an".into(),
                Some(b"sealed note".to_vec())
            ),
        ]
    );
    assert_eq!(store.case_events(&mut tx, c).await.unwrap().len(), 2);

    // Statistics and service levels.
    assert_eq!(
        codes(&store.cases_since(&mut tx, at(110)).await.unwrap()).len(),
        3,
        "created at or after the start"
    );
    assert_eq!(
        codes(&store.unanswered_cases(&mut tx).await.unwrap()),
        ["PA-CCCCCC"],
        "received and never answered (an assignment is no answer)"
    );
    store
        .mark_case_reminded(&mut tx, c, CaseReminder::FirstResponse, at(600))
        .await
        .unwrap();
    store
        .mark_case_reminded(&mut tx, c, CaseReminder::FirstResponseEscalated, at(700))
        .await
        .unwrap();
    let row = store
        .case_by_code(&mut tx, &case_code("PA-CCCCCC"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.reminded_at, row.escalated_at, row.first_response_at),
        (Some(at(600)), Some(at(700)), None)
    );
    tx.commit().await.unwrap();
    let mut counts: Vec<(&str, i64)> = store
        .case_counts()
        .await
        .unwrap()
        .into_iter()
        .map(|(status, n)| (status.id(), n))
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        vec![
            ("need_info", 1),
            ("processing", 1),
            ("received", 1),
            ("rejected", 1),
        ]
    );
}

fn officer_view(row: &OfficerRow) -> (&str, &str, &str, &str, &str, i64, i64) {
    (
        row.user_key.as_str(),
        row.handle.as_str(),
        row.name.as_str(),
        row.role.id(),
        row.areas.as_str(),
        row.on_call,
        row.may_alert_all,
    )
}

/// Officers: registration, look-ups by key and handle (active ones only), the list and its
/// order, areas, the on-call roster, `/alert all` permission, removal and handle reuse; and the
/// append-only audit log.
async fn officers_and_audit_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    for (officer_key, handle, name, role) in [
        ("k-chief", "truong", "Trần Văn Trưởng", Role::Chief),
        ("k-an", "an", "Nguyễn Văn An", Role::Officer),
        ("k-an2", "an2", "Lê An", Role::Officer),
        ("k-an-z", "an-z", "Phạm An", Role::Officer),
        ("k-an_d", "an_d", "Đỗ An", Role::Officer),
        ("k-binh", "binh", "Lê Thị Bình", Role::Officer),
    ] {
        store
            .upsert_officer(
                &mut tx,
                &key(officer_key),
                officer_key.as_bytes(),
                handle,
                name,
                role,
                at(100),
            )
            .await
            .unwrap();
    }
    let chief = store
        .officer(&mut tx, &key("k-chief"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        officer_view(&chief),
        ("k-chief", "truong", "Trần Văn Trưởng", "chief", "", 0, 0)
    );
    assert_eq!(chief.zalo_id_sealed, b"k-chief");
    assert!(chief.is_chief() && chief.may_alert_everyone());
    let an = store
        .officer_by_handle(&mut tx, "an")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(an.user_key, key("k-an"));
    assert!(!an.is_chief() && !an.may_alert_everyone());
    assert!(store
        .officer(&mut tx, &key("k-nobody"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .officer_by_handle(&mut tx, "An")
        .await
        .unwrap()
        .is_none());
    // Byte order of the handles, whatever the server's collation.
    let handles = |rows: Vec<OfficerRow>| rows.into_iter().map(|o| o.handle).collect::<Vec<_>>();
    assert_eq!(
        handles(store.officers(&mut tx).await.unwrap()),
        ["an", "an-z", "an2", "an_d", "binh", "truong"]
    );

    assert!(store
        .set_officer_areas(
            &mut tx,
            "an",
            &["Khu phố 1".into(), "Khu phố 2".into()],
            at(110)
        )
        .await
        .unwrap());
    assert!(!store
        .set_officer_areas(&mut tx, "nobody", &["Khu phố 1".into()], at(110))
        .await
        .unwrap());
    assert!(store
        .set_may_alert_all(&mut tx, "an", true, at(120))
        .await
        .unwrap());
    assert!(!store
        .set_may_alert_all(&mut tx, "nobody", true, at(120))
        .await
        .unwrap());
    store
        .set_on_call(&mut tx, &["an".into(), "binh".into()], at(130))
        .await
        .unwrap();
    store
        .set_on_call(&mut tx, &["binh".into(), "truong".into()], at(140))
        .await
        .unwrap();
    let an = store.officer(&mut tx, &key("k-an")).await.unwrap().unwrap();
    assert_eq!(
        officer_view(&an),
        (
            "k-an",
            "an",
            "Nguyễn Văn An",
            "officer",
            "Khu phố 1|Khu phố 2",
            0,
            1
        )
    );
    assert_eq!(an.area_list(), ["Khu phố 1", "Khu phố 2"]);
    assert!(an.may_alert_everyone());
    let on_call: Vec<String> = store
        .officers(&mut tx)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.on_call == 1)
        .map(|o| o.handle)
        .collect();
    assert_eq!(on_call, ["binh", "truong"]);
    assert!(store
        .set_may_alert_all(&mut tx, "an", false, at(150))
        .await
        .unwrap());
    assert_eq!(
        store
            .officer(&mut tx, &key("k-an"))
            .await
            .unwrap()
            .unwrap()
            .may_alert_all,
        0
    );

    // Removal: gone from every look-up, off the roster; the row stays for the audit log.
    assert!(store
        .deactivate_officer(&mut tx, "binh", at(200))
        .await
        .unwrap());
    assert!(!store
        .deactivate_officer(&mut tx, "binh", at(201))
        .await
        .unwrap());
    assert!(store
        .officer(&mut tx, &key("k-binh"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .officer_by_handle(&mut tx, "binh")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        handles(store.officers(&mut tx).await.unwrap()),
        ["an", "an-z", "an2", "an_d", "truong"]
    );
    // The removed officer's handle goes to someone new; an active one's is not touched.
    store
        .release_handle(&mut tx, "binh", at(300))
        .await
        .unwrap();
    store.release_handle(&mut tx, "an", at(300)).await.unwrap();
    store
        .upsert_officer(
            &mut tx,
            &key("k-binh2"),
            b"k-binh2",
            "binh",
            "Võ Bình",
            Role::Officer,
            at(310),
        )
        .await
        .unwrap();
    let (old_handle, active, on_call): (String, i64, i64) =
        sqlx::query_as("select handle, active, on_call from officers where user_key = $1")
            .bind("k-binh")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!((old_handle.as_str(), active, on_call), ("binh~300", 0, 0));
    assert_eq!(
        store
            .officer_by_handle(&mut tx, "binh")
            .await
            .unwrap()
            .unwrap()
            .user_key,
        key("k-binh2")
    );
    assert_eq!(
        store
            .officer_by_handle(&mut tx, "an")
            .await
            .unwrap()
            .unwrap()
            .user_key,
        key("k-an")
    );
    // Registering a known Zalo id again renames and re-activates; areas and rights stay.
    store
        .deactivate_officer(&mut tx, "an", at(400))
        .await
        .unwrap();
    store
        .upsert_officer(
            &mut tx,
            &key("k-an"),
            b"k-an",
            "an.moi",
            "Nguyễn An",
            Role::Chief,
            at(410),
        )
        .await
        .unwrap();
    let an = store.officer(&mut tx, &key("k-an")).await.unwrap().unwrap();
    assert_eq!(
        officer_view(&an),
        (
            "k-an",
            "an.moi",
            "Nguyễn An",
            "chief",
            "Khu phố 1|Khu phố 2",
            0,
            0
        )
    );
    assert_eq!(
        handles(store.officers(&mut tx).await.unwrap()),
        ["an-z", "an.moi", "an2", "an_d", "binh", "truong"]
    );

    // The audit log: every action, refusals included, as written.
    store
        .audit(
            &mut tx,
            "k-chief",
            Some("truong"),
            AuditAction::from(CommandName::Officer),
            None,
            Outcome::Ok,
            Some(b"add an"),
            at(500),
        )
        .await
        .unwrap();
    store
        .audit(
            &mut tx,
            "k-an",
            Some("an"),
            AuditAction::from(CommandName::Reveal),
            Some("PA-AAAAAA"),
            Outcome::Refused,
            None,
            at(510),
        )
        .await
        .unwrap();
    store
        .audit(
            &mut tx,
            "k-stranger",
            None,
            AuditAction::from(CommandName::Cases),
            None,
            Outcome::Refused,
            None,
            at(520),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Nothing of a transaction that rolls back is kept.
    let mut tx = store.begin().await.unwrap();
    store
        .audit(
            &mut tx,
            "k-an",
            Some("an"),
            AuditAction::from(CommandName::Claim),
            Some("PA-BBBBBB"),
            Outcome::Ok,
            None,
            at(530),
        )
        .await
        .unwrap();
    store
        .deactivate_officer(&mut tx, "truong", at(530))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(store
        .officer(&mut tx, &key("k-chief"))
        .await
        .unwrap()
        .is_some());
    tx.commit().await.unwrap();

    type AuditRow = (
        i64,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        Option<Vec<u8>>,
    );
    let rows: Vec<AuditRow> = sqlx::query_as(
        "select at, actor_key, actor_handle, action, target, outcome, detail from audit_log order by id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                500,
                "k-chief".into(),
                Some("truong".into()),
                "officer".into(),
                None,
                "ok".into(),
                Some(b"add an".to_vec())
            ),
            (
                510,
                "k-an".into(),
                Some("an".into()),
                "reveal".into(),
                Some("PA-AAAAAA".into()),
                "refused".into(),
                None
            ),
            (
                520,
                "k-stranger".into(),
                None,
                "cases".into(),
                None,
                "refused".into(),
                None
            ),
        ]
    );
    let (refused,): (i64,) =
        sqlx::query_as("select count(*) from audit_log where outcome = $1 and at >= $2")
            .bind("refused")
            .bind(505_i64)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(refused, 2);
}

/// News: publication, the count, and pages newest first (ties by the later row) with the flag
/// telling whether more remain.
async fn news_contract(store: &Store) {
    assert_eq!(store.news_count().await.unwrap(), 0);
    let mut tx = store.begin().await.unwrap();
    let (items, more) = store.news_page(&mut tx, 0, 3).await.unwrap();
    assert!(items.is_empty() && !more);
    let mut ids = Vec::new();
    for (kind, title, link, published) in [
        (NewsKind::News, "Họp tổ dân phố", None, 1_000),
        (
            NewsKind::Warning,
            "Cảnh báo lừa đảo qua điện thoại",
            Some("https://example.vn/a"),
            3_000,
        ),
        (
            NewsKind::News,
            "Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
            None,
            2_000,
        ),
        (NewsKind::Warning, "Cảnh báo trộm xe", None, 3_000),
        (NewsKind::News, "Lịch tiếp công dân", None, 500),
    ] {
        ids.push(
            store
                .add_news(
                    &mut tx,
                    kind,
                    title,
                    "Nội dung ngắn.",
                    link,
                    at(published),
                    "seed",
                    at(10),
                )
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    assert_eq!(store.news_count().await.unwrap(), 5);
    let page = |offset: i64, limit: i64| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            let page = store.news_page(&mut tx, offset, limit).await.unwrap();
            tx.commit().await.unwrap();
            page
        }
    };
    let titles = |items: &[NewsItem]| items.iter().map(|n| n.title.clone()).collect::<Vec<_>>();
    let (first, more) = page(0, 2).await;
    assert_eq!(
        (titles(&first), more),
        (
            vec![
                "Cảnh báo trộm xe".to_owned(),
                "Cảnh báo lừa đảo qua điện thoại".to_owned()
            ],
            true
        )
    );
    let item = &first[1];
    assert_eq!(
        (
            item.id,
            item.kind.id(),
            item.body.as_str(),
            item.link.as_deref(),
            item.published_at
        ),
        (
            ids[1],
            "warning",
            "Nội dung ngắn.",
            Some("https://example.vn/a"),
            at(3_000)
        )
    );
    assert_eq!(first[0].link, None);
    let (second, more) = page(2, 2).await;
    assert_eq!(
        (titles(&second), more),
        (
            vec![
                "Ngày hội toàn dân bảo vệ an ninh Tổ quốc".to_owned(),
                "Họp tổ dân phố".to_owned()
            ],
            true
        )
    );
    let (last, more) = page(4, 2).await;
    assert_eq!(
        (titles(&last), more),
        (vec!["Lịch tiếp công dân".to_owned()], false)
    );
    let (exact, more) = page(3, 2).await;
    assert_eq!(
        (exact.len(), more),
        (2, false),
        "no more past a full last page"
    );
    assert!(page(10, 2).await.0.is_empty());

    // The chief edits and withdraws items: a withdrawn one stays listed for the chief, not for
    // residents, and can be neither edited nor withdrawn again.
    let mut tx = store.begin().await.unwrap();
    assert!(store
        .edit_news(
            &mut tx,
            ids[3],
            NewsKind::News,
            "Trộm xe: đã bắt",
            "Đã bắt.",
            at(20)
        )
        .await
        .unwrap());
    assert!(store.expire_news(&mut tx, ids[1], at(30)).await.unwrap());
    assert!(!store.expire_news(&mut tx, ids[1], at(31)).await.unwrap());
    assert!(!store
        .edit_news(&mut tx, ids[1], NewsKind::News, "x", "y", at(32))
        .await
        .unwrap());
    assert!(!store.expire_news(&mut tx, 999_999, at(33)).await.unwrap());
    let records = store.news_records(&mut tx, 10).await.unwrap();
    let edited = store.news_record(&mut tx, ids[3]).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(records.len(), 5);
    assert_eq!(
        (edited.kind, edited.title.as_str(), edited.body.as_str()),
        (NewsKind::News, "Trộm xe: đã bắt", "Đã bắt.")
    );
    assert_eq!((edited.updated_at, edited.expired_at), (Some(at(20)), None));
    let gone = records.iter().find(|r| r.id == ids[1]).unwrap();
    assert_eq!(gone.expired_at, Some(at(30)));
    let (first, more) = page(0, 5).await;
    assert_eq!(
        (titles(&first), more),
        (
            vec![
                "Trộm xe: đã bắt".to_owned(),
                "Ngày hội toàn dân bảo vệ an ninh Tổ quốc".to_owned(),
                "Họp tổ dân phố".to_owned(),
                "Lịch tiếp công dân".to_owned()
            ],
            false
        )
    );
}

/// Dialogues: one sealed state per resident, replaced in place, ended, and kept only when its
/// transaction commits.
async fn dialogues_contract(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        store.load_dialogue(&mut tx, &key("d1")).await.unwrap(),
        None
    );
    store
        .save_dialogue(&mut tx, &key("d1"), b"state one", at(100))
        .await
        .unwrap();
    store
        .save_dialogue(&mut tx, &key("d2"), b"other", at(100))
        .await
        .unwrap();
    assert_eq!(
        store.load_dialogue(&mut tx, &key("d1")).await.unwrap(),
        Some((b"state one".to_vec(), at(100))),
        "read back inside the transaction"
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    store
        .save_dialogue(&mut tx, &key("d1"), b"state two", at(200))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    store
        .save_dialogue(&mut tx, &key("d1"), b"rolled back", at(300))
        .await
        .unwrap();
    store.clear_dialogue(&mut tx, &key("d2")).await.unwrap();
    tx.rollback().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        store.load_dialogue(&mut tx, &key("d1")).await.unwrap(),
        Some((b"state two".to_vec(), at(200)))
    );
    assert_eq!(
        store.load_dialogue(&mut tx, &key("d2")).await.unwrap(),
        Some((b"other".to_vec(), at(100)))
    );
    store.clear_dialogue(&mut tx, &key("d1")).await.unwrap();
    store.clear_dialogue(&mut tx, &key("d1")).await.unwrap(); // nothing to end: no error
    store.clear_dialogue(&mut tx, &key("nobody")).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        store.load_dialogue(&mut tx, &key("d1")).await.unwrap(),
        None
    );
    assert!(store
        .load_dialogue(&mut tx, &key("d2"))
        .await
        .unwrap()
        .is_some());
    // An empty state is a state.
    store
        .save_dialogue(&mut tx, &key("d3"), b"", at(400))
        .await
        .unwrap();
    assert_eq!(
        store.load_dialogue(&mut tx, &key("d3")).await.unwrap(),
        Some((Vec::new(), at(400)))
    );
    tx.commit().await.unwrap();
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
    cases_contract(&store).await;
    officers_and_audit_contract(&store).await;
    news_contract(&store).await;
    dialogues_contract(&store).await;
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
