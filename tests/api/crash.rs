//! A process killed mid-batch (its runtime dropped, nothing shut down) loses nothing it had
//! acknowledged: a restarted process on the same database answers every event.

use std::time::Duration;

use ketnoi::startup::Application;
use zalo_sim::ResidentInput;

use crate::helpers::*;

/// Runs an app on its own runtime in a thread; dropping the returned sender kills it abruptly.
fn start_killable(
    db_url: String,
    sim: std::net::SocketAddr,
) -> (
    std::net::SocketAddr,
    std::sync::mpsc::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (kill_tx, kill_rx) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut settings = test_settings(&db_url, false);
            settings.zalo.api_base = format!("http://{sim}");
            settings.zalo.oauth_base = format!("http://{sim}");
            let app = Application::build(settings).await.unwrap();
            addr_tx.send(app.address()).unwrap();
            tokio::spawn(app.run(tokio_util::sync::CancellationToken::new()));
        });
        let _ = kill_rx.recv();
        // No graceful anything: every task stops at its next await, transactions roll back.
        runtime.shutdown_timeout(Duration::ZERO);
    });
    (addr_rx.recv().unwrap(), kill_tx, thread)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_mid_batch_loses_no_acknowledged_event() {
    let (sim, sim_address, _stop) = spawn_sim().await;
    // The API answers slowly so the kill lands while work is in flight.
    let http = reqwest::Client::new();
    http.post(format!("http://{sim_address}/sim/faults"))
        .json(&serde_json::json!({"latency_ms": 30}))
        .send()
        .await
        .unwrap();
    let db = TestDb::sqlite();
    let (first, kill, thread) = start_killable(db.url(), sim_address);
    sim.set_webhook_url(format!("http://{first}/webhook/zalo"));
    let users: Vec<String> = (0..60).map(|i| format!("80{i:02}")).collect();
    for user in &users {
        // A question answered in exactly one message, so every extra message is a duplicate.
        let outcome = sim
            .send_as_user(user, ResidentInput::text("đăng ký tạm trú cần giấy tờ gì"))
            .await
            .unwrap();
        assert_eq!(outcome.webhook_status, 200, "acknowledged before the kill");
    }
    drop(kill);
    tokio::task::spawn_blocking(move || thread.join().unwrap())
        .await
        .unwrap();
    let answered_before = users
        .iter()
        .filter(|u| !sim.sent_messages(u).is_empty())
        .count();
    // Messages in flight at the kill: leased by a delivery worker, their result not recorded.
    let store = ketnoi::store::Store::connect(&db.url(), 1).await.unwrap();
    let (in_flight,): (i64,) = sqlx::query_as(
        "select count(*) from outbox where status = 'pending' and locked_by is not null",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    store.close().await;

    let (second, kill2, thread2) = start_killable(db.url(), sim_address);
    sim.set_webhook_url(format!("http://{second}/webhook/zalo"));
    eventually(
        Duration::from_secs(30),
        "every acknowledged event answered after restart",
        || users.iter().all(|u| !sim.sent_messages(u).is_empty()),
    )
    .await;
    // A duplicate is sent no later than the next message to the same resident: once each
    // resident's marker is answered, every duplicate has arrived.
    let duplicates: usize = before_markers(&sim, &users, "cảm ơn")
        .await
        .iter()
        .map(|got| got.len() - 1)
        .sum();
    // Only a message whose send was in flight at the kill can go out twice, and only once.
    assert!(
        duplicates as i64 <= in_flight,
        "{duplicates} duplicates, {in_flight} in flight at the kill"
    );
    assert!(
        answered_before < users.len(),
        "the kill should land mid-run ({answered_before} answered)"
    );
    assert_eq!(sim.stats().refresh_attempts_with_used_or_unknown_token, 0);
    drop(kill2);
    tokio::task::spawn_blocking(move || thread2.join().unwrap())
        .await
        .unwrap();
}
