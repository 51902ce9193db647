//! The workers one step at a time: a test builds a worker around a store and a clock it moves
//! by hand, stores events, calls `run_once`, and looks at what that one step did — no running
//! service, no waiting for it.

use std::sync::Arc;
use std::time::Duration;

use ketnoi::bot::out_of_scope::OutOfScope;
use ketnoi::bot::procedures::Catalogue;
use ketnoi::bot::Bot;
use ketnoi::config::default_config_dir;
use ketnoi::conversation::texts::Texts;
use ketnoi::conversation::BotConfig;
use ketnoi::dispatch::Dispatcher;
use ketnoi::officers::Console;
use ketnoi::pipeline::inbox::InboxWorker;
use ketnoi::store::{NewEvent, Store};
use ketnoi::time::{Clock, ManualClock, Timestamp};
use ketnoi::vault::Vault;
use tokio::sync::Notify;

use crate::helpers::{test_settings, text_event, TestDb};

fn dispatcher() -> Dispatcher {
    let dir = default_config_dir();
    let settings = test_settings("sqlite::memory:", false);
    let texts = Texts::load(&dir).unwrap();
    let config = BotConfig {
        on_call: Vec::new(),
        ..BotConfig::from_settings(&settings)
    };
    Dispatcher::new(
        Bot::new(
            texts.clone(),
            Catalogue::load(&dir.join("procedures.toml")).unwrap(),
            OutOfScope::load(&dir).unwrap(),
            config.clone(),
        ),
        Console::new(
            texts,
            config,
            settings.service_levels.clone(),
            settings.console.public_url.clone(),
        ),
    )
}

/// Stores a resident's text message as the webhook would.
async fn store_text(store: &Store, vault: &Vault, user: &str, msg_id: &str, text: &str) {
    let event = text_event(user, msg_id, text);
    let stored = store
        .insert_event(
            &NewEvent {
                dedupe_key: vault.keyed_hash("dedupe", msg_id),
                event_name: "user_send_text".into(),
                user_key: Some(vault.user_key(user)),
                event_ts: Timestamp::now().as_millis(),
                body: vault.seal(event.to_string().as_bytes()),
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert!(stored);
}

#[tokio::test]
async fn one_inbox_step_answers_everything_stored_and_marks_a_broken_event_failed() {
    let db = TestDb::sqlite();
    let store = Store::connect(&db.url(), 4).await.unwrap();
    store.migrate().await.unwrap();
    let vault = Vault::new(&[42u8; 32]);
    let clock = Arc::new(ManualClock::at(Timestamp::now()));
    let worker = InboxWorker {
        store: store.clone(),
        vault: vault.clone(),
        bot: Arc::new(dispatcher()),
        inbox_ready: Arc::new(Notify::new()),
        outbox_ready: Arc::new(Notify::new()),
        lease: Duration::from_secs(60),
        poll: Duration::from_millis(50),
        max_attempts: 5,
        clock: clock.clone(),
        groups_changed: Arc::new(Notify::new()),
    };
    assert_eq!(
        worker.run_once("w1").await.unwrap(),
        0,
        "nothing stored yet"
    );

    store_text(&store, &vault, "7300001", "m1", "xin chào").await;
    store_text(&store, &vault, "7300002", "m2", "làm căn cước cần gì").await;
    // A body that is not a Zalo event: marked failed, the others still answered.
    store
        .insert_event(
            &NewEvent {
                dedupe_key: "broken".into(),
                event_name: "user_send_text".into(),
                user_key: Some(vault.user_key("7300003")),
                event_ts: 1,
                body: vault.seal(b"not json"),
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        worker.run_once("w1").await.unwrap(),
        3,
        "one step takes all three"
    );
    let stats = store.outbox_stats(clock.now()).await.unwrap();
    assert!(stats.pending >= 2, "both residents answered: {stats:?}");
    let (depth, _) = store.inbox_depth(clock.now()).await.unwrap();
    assert_eq!(depth, 0, "nothing left to handle");
    assert_eq!(
        worker.run_once("w1").await.unwrap(),
        0,
        "and nothing handled twice"
    );

    // The same resident's next message waits behind nothing and is answered in the next step.
    store_text(&store, &vault, "7300001", "m3", "cảm ơn").await;
    clock.advance(Duration::from_secs(1));
    assert_eq!(worker.run_once("w1").await.unwrap(), 1);
    store.close().await;
}
