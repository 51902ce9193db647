//! The short, in-CI form of `scripts/chaos.sh FAULTS=1`: a real `ketnoi serve` process, killed
//! with SIGKILL under load and restarted, while the OA API fails 30 % of calls, answers slowly
//! and has every access token expired mid-run. The load tool plays Zalo (redelivering
//! unanswered events on its ladder, compressed) and the OA API.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use tokio::process::{Child, Command};
use zalo_sim::load::{run, LoadConfig};

use crate::helpers::*;

pub(crate) fn start_serve(port: u16, db_url: &str, sim: std::net::SocketAddr) -> Child {
    start_serve_with(port, db_url, sim, &[])
}

/// `start_serve` with more settings (`KETNOI__…` variables) on top.
pub(crate) fn start_serve_with(
    port: u16,
    db_url: &str,
    sim: std::net::SocketAddr,
    extra: &[(&str, &str)],
) -> Child {
    let key = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    Command::new(env!("CARGO_BIN_EXE_ketnoi"))
        .arg("serve")
        .env("KETNOI__SIM__ENABLED", "false")
        .env("KETNOI__SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("KETNOI__OPS__LISTEN", "127.0.0.1:0")
        .env("KETNOI__CONSOLE__LISTEN", "127.0.0.1:0")
        .env("KETNOI__BOT__BURST_MESSAGES", "1000000")
        .env("KETNOI__DATABASE__URL", db_url)
        .env("KETNOI__ZALO__APP_ID", APP_ID)
        .env("KETNOI__ZALO__OA_ID", OA_ID)
        .env("KETNOI__ZALO__OA_SECRET_KEY", OA_SECRET)
        .env("KETNOI__ZALO__APP_SECRET", APP_SECRET)
        .env("KETNOI__ZALO__REFRESH_TOKEN", REFRESH)
        .env("KETNOI__ZALO__API_BASE", format!("http://{sim}"))
        .env("KETNOI__ZALO__OAUTH_BASE", format!("http://{sim}"))
        .env("KETNOI__ZALO__RATE_LIMIT_PER_MINUTE", "600000")
        .env("KETNOI__PRIVACY__IDENTITY_KEY", key)
        .env("KETNOI__WORKERS__LEASE_SECS", "3")
        .env("KETNOI__WORKERS__POLL_INTERVAL_MS", "50")
        .env("KETNOI__WORKERS__BACKOFF_BASE_MS", "20")
        .env("KETNOI__WORKERS__BACKOFF_MAX_MS", "500")
        .env("RUST_LOG", "error")
        .envs(extra.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("ketnoi binary starts")
}

pub(crate) async fn wait_healthy(port: u16) {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("serve did not come up on port {port}");
}

async fn set_faults(sim: std::net::SocketAddr, faults: serde_json::Value) {
    let status = reqwest::Client::new()
        .post(format!("http://{sim}/sim/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serve_process_killed_under_load_with_a_failing_api_loses_nothing() {
    let (sim, sim_address, _stop) = spawn_sim().await;
    set_faults(
        sim_address,
        serde_json::json!({"error_rate": 0.3, "error_code": -32, "latency_ms": 30}),
    )
    .await;
    let db = TestDb::sqlite();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = start_serve(port, &db.url(), sim_address);
    wait_healthy(port).await;

    let config = LoadConfig {
        webhooks: vec![format!("http://127.0.0.1:{port}/webhook/zalo")],
        rate: 25.0,
        duration: Duration::from_secs(8),
        users: 40,
        mix: vec!["text".into()],
        drain: Duration::from_secs(40),
        connections: 0,
        ladder_factor: 100.0,
    };
    let load = {
        let sim = sim.clone();
        tokio::spawn(async move { run(&sim, &config).await })
    };
    let mut kills = 0;
    for round in 0..3 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        if round == 1 {
            set_faults(sim_address, serde_json::json!({"expire_tokens": true})).await;
        }
        child.start_kill().unwrap(); // SIGKILL
        child.wait().await.unwrap();
        kills += 1;
        child = start_serve(port, &db.url(), sim_address);
        wait_healthy(port).await;
    }
    let report = load.await.unwrap();
    child.start_kill().unwrap();
    let _ = child.wait().await;

    eprintln!("{kills} kills\n{report}");
    assert_eq!(report.acked, report.sent, "{report}");
    assert_eq!(report.replies_missing, 0, "{report}");
    // A kill can repeat only what was in flight: one batch per delivery worker (4 × ≤ 32).
    assert!(report.replies_duplicated <= kills * 4 * 32, "{report}");
    assert_eq!(report.refresh_token_reuse, 0, "{report}");
    assert!(
        report.token_refreshes >= 2,
        "expired tokens were refreshed: {report}"
    );
}
