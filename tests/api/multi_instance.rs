//! Two `serve` processes on one PostgreSQL: events spread across both are each answered once,
//! and the single-use refresh token is spent once.

use std::time::Duration;

use ketnoi::startup::Application;
use ketnoi::zalo::sim::ResidentInput;
use tokio_util::sync::CancellationToken;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_answer_each_event_once() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("skipped: KETNOI_TEST_POSTGRES_URL is not set");
        return;
    };
    let (sim, sim_address, _stop_sim) = spawn_sim().await;
    let stop = CancellationToken::new();
    let mut addresses = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let mut settings = test_settings(&db.url(), false);
        settings.zalo.api_base = format!("http://{sim_address}");
        settings.zalo.oauth_base = format!("http://{sim_address}");
        let app = Application::build(settings).await.unwrap();
        addresses.push(app.address());
        tasks.push(tokio::spawn(app.run(stop.clone())));
    }
    let users: Vec<String> = (0..50).map(|i| format!("90{i:02}")).collect();
    let mut expected = Vec::new();
    for round in 0..4 {
        for (i, user) in users.iter().enumerate() {
            let target = addresses[(i + round) % 2];
            sim.set_webhook_url(format!("http://{target}/webhook/zalo"));
            let outcome = sim
                .send_as_user(user, ResidentInput::text(format!("lần {round}")))
                .await
                .unwrap();
            assert_eq!(outcome.webhook_status, 200);
            expected.push(outcome.msg_id.unwrap());
        }
    }
    eventually(Duration::from_secs(60), "200 replies", || {
        users
            .iter()
            .map(|u| sim.sent_messages(u).len())
            .sum::<usize>()
            >= 200
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut quoted: Vec<String> = users
        .iter()
        .flat_map(|u| sim.sent_messages(u))
        .map(|m| {
            m.body["message"]["quote_message_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(quoted.len(), 200, "no duplicate replies");
    quoted.sort();
    expected.sort();
    assert_eq!(quoted, expected, "every event answered exactly once");
    // Each resident's replies arrive in the order they wrote.
    for user in &users {
        let texts: Vec<_> = sim
            .sent_messages(user)
            .iter()
            .map(|m| m.received_at_ms)
            .collect();
        assert!(texts.windows(2).all(|w| w[0] <= w[1]));
    }
    let stats = sim.stats();
    assert_eq!(
        stats.refresh_tokens_issued, 1,
        "one refresh across both processes: {stats:?}"
    );
    assert_eq!(stats.refresh_attempts_with_used_or_unknown_token, 0);
    stop.cancel();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}
