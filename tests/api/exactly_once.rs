//! Checks shared by the fault tests that run a real `ketnoi serve`: every event acknowledged
//! with 200 is answered, a redelivery of it after a restart is a known duplicate, and no event
//! is answered twice.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use zalo_sim::{ResidentInput, SendOutcome, Simulator};

/// The lease for these tests: longer than any send on a loaded CI machine, so only the fault
/// under test can make a message go out twice (a 3 s lease can end while a slow call is still
/// in flight, and another worker then sends the row again — at least once, by design).
pub(crate) const LONG_LEASE: &[(&str, &str)] = &[("KETNOI__WORKERS__LEASE_SECS", "30")];

/// One event the webhook acknowledged, kept as the exact bytes Zalo posted so it can be
/// redelivered.
pub(crate) struct Acked {
    pub user: String,
    pub msg_id: String,
    body: Vec<u8>,
    signature: String,
}

impl Acked {
    pub(crate) fn new(user: &str, outcome: SendOutcome) -> Acked {
        Acked {
            user: user.to_owned(),
            msg_id: outcome.msg_id.expect("a message event"),
            body: outcome.body,
            signature: outcome.signature,
        }
    }
}

/// The bodies of the messages that quote `msg_id`.
pub(crate) fn answers(sim: &Simulator, user: &str, msg_id: &str) -> Vec<String> {
    sim.sent_messages(user)
        .iter()
        .filter(|m| m.body["message"]["quote_message_id"].as_str() == Some(msg_id))
        .map(|m| m.body.to_string())
        .collect()
}

/// Waits until every acknowledged event has an answer.
pub(crate) async fn wait_all_answered(sim: &Simulator, acked: &[Acked], what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let missing: Vec<&str> = acked
            .iter()
            .filter(|a| answers(sim, &a.user, &a.msg_id).is_empty())
            .map(|a| a.msg_id.as_str())
            .collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} acknowledged events never answered {what}: {:?}",
            missing.len(),
            acked.len(),
            &missing[..missing.len().min(5)]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Zalo redelivers every acknowledged event to the server on `port`: each must be acknowledged
/// again. Then each resident sends one more message and it is answered: a resident's events are
/// handled in order, so a redelivery handled a second time would show by then.
pub(crate) async fn redeliver_all(sim: &Simulator, port: u16, acked: &[Acked]) {
    let http = reqwest::Client::new();
    for event in acked {
        let status = http
            .post(format!("http://127.0.0.1:{port}/webhook/zalo"))
            .header("content-type", "application/json")
            .header("X-ZEvent-Signature", &event.signature)
            .body(event.body.clone())
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200, "a redelivery is acknowledged");
    }
    let users: BTreeSet<&str> = acked.iter().map(|a| a.user.as_str()).collect();
    for user in users {
        let outcome = sim
            .send_as_user(user, ResidentInput::text("menu"))
            .await
            .unwrap();
        assert_eq!(outcome.webhook_status, 200);
        let marker = outcome.msg_id.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while answers(sim, user, &marker).is_empty() {
            assert!(
                Instant::now() < deadline,
                "a fresh message is never answered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Events answered more than once: the same message quoting the same event sent twice (a first
/// "xin chào" is rightly answered with two different messages, the menu and the khu phố
/// question).
pub(crate) fn answered_twice(sim: &Simulator, acked: &[Acked]) -> usize {
    let start = Instant::now();
    let twice: Vec<&Acked> = acked
        .iter()
        .filter(|a| {
            let bodies = answers(sim, &a.user, &a.msg_id);
            let distinct: HashSet<&String> = bodies.iter().collect();
            distinct.len() < bodies.len()
        })
        .collect();
    // What a failure needs to be understood: when each copy arrived.
    for a in twice.iter().take(3) {
        let arrivals: Vec<String> = sim
            .sent_messages(&a.user)
            .iter()
            .filter(|m| m.body["message"]["quote_message_id"].as_str() == Some(a.msg_id.as_str()))
            .map(|m| format!("{:?} ago", start.duration_since(m.arrived)))
            .collect();
        eprintln!("answered twice: {} {} at {arrivals:?}", a.user, a.msg_id);
    }
    twice.len()
}

/// The end of every exactly-once fault test: once everything acknowledged is answered, the
/// `serve` process is killed with SIGKILL and started again on the same database, every event is
/// redelivered, and nothing may have been answered twice. Returns how many were (printed, then
/// asserted 0 by the caller's message).
pub(crate) async fn kill_restart_and_check(
    sim: &Simulator,
    sim_address: std::net::SocketAddr,
    port: u16,
    db_url: &str,
    mut child: tokio::process::Child,
    acked: &[Acked],
) -> usize {
    wait_all_answered(sim, acked, "before the kill").await;
    // A message is at Zalo a moment before its result is written: a kill in that moment sends
    // it again (at least once). Kill once every result is written, which must happen by itself
    // after a storage fault (the bug this guards against: after a full disk nothing more was
    // recorded); without this wait a loaded machine made the check fail by timing alone.
    wait_all_recorded(db_url).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let mut child = crate::process_kill::start_serve_with(port, db_url, sim_address, LONG_LEASE);
    crate::process_kill::wait_healthy(port).await;
    redeliver_all(sim, port, acked).await;
    let twice = answered_twice(sim, acked);
    child.start_kill().unwrap();
    let _ = child.wait().await;
    twice
}

/// Waits until no outbox row of the database at `db_url` waits to be sent or recorded.
async fn wait_all_recorded(db_url: &str) {
    let store = ketnoi::store::Store::connect(db_url, 1)
        .await
        .expect("database reachable");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (pending,): (i64,) =
            sqlx::query_as("select count(*) from outbox where status = 'pending'")
                .fetch_one(store.pool())
                .await
                .expect("outbox readable");
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} outbox rows still unrecorded after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    store.close().await;
}

/// A free port on 127.0.0.1.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A simulator whose webhook is a fresh `ketnoi serve` process on `db_url`, up and healthy:
/// the simulator, its address, the token that stops it, the server's port and the process.
pub(crate) async fn serve_with_sim(
    db_url: &str,
) -> (
    Simulator,
    std::net::SocketAddr,
    tokio_util::sync::CancellationToken,
    u16,
    tokio::process::Child,
) {
    let (sim, sim_address, stop) = crate::helpers::spawn_sim().await;
    let port = free_port();
    sim.set_webhook_url(format!("http://127.0.0.1:{port}/webhook/zalo"));
    let child = crate::process_kill::start_serve_with(port, db_url, sim_address, LONG_LEASE);
    crate::process_kill::wait_healthy(port).await;
    (sim, sim_address, stop, port, child)
}

/// The status `/readyz` answers on the public listener at `port`.
pub(crate) async fn readyz(port: u16) -> u16 {
    reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
        .await
        .unwrap()
        .status()
        .as_u16()
}
