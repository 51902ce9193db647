//! Two `serve` processes on one PostgreSQL: events spread across both are each answered once,
//! in the order each resident wrote them, and the single-use refresh token is spent once.

use std::collections::HashMap;
use std::time::Duration;

use ketnoi::startup::Application;
use tokio_util::sync::CancellationToken;
use zalo_sim::ResidentInput;

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
    // Each resident writes four messages in a row, each to the other instance than the last.
    let mut written: HashMap<&str, Vec<String>> = HashMap::new();
    for (i, user) in users.iter().enumerate() {
        for round in 0..4 {
            let target = addresses[(i + round) % 2];
            sim.set_webhook_url(format!("http://{target}/webhook/zalo"));
            let outcome = sim
                .send_as_user(user, ResidentInput::text(format!("lần {round}")))
                .await
                .unwrap();
            assert_eq!(outcome.webhook_status, 200);
            written
                .entry(user.as_str())
                .or_default()
                .push(outcome.msg_id.unwrap());
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
    // Barrier: a last message from each resident, once answered, comes after every reply to
    // their earlier ones (a resident's events and replies are handled in order), so nothing
    // for those can still arrive.
    let mut markers = HashMap::new();
    for (i, user) in users.iter().enumerate() {
        sim.set_webhook_url(format!("http://{}/webhook/zalo", addresses[i % 2]));
        let outcome = sim
            .send_as_user(user, ResidentInput::text("hết"))
            .await
            .unwrap();
        assert_eq!(outcome.webhook_status, 200);
        markers.insert(user.as_str(), outcome.msg_id.unwrap());
    }
    let quotes = |user: &str| -> Vec<String> {
        sim.sent_messages(user)
            .iter()
            .map(|m| {
                m.body["message"]["quote_message_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    eventually(Duration::from_secs(60), "every marker answered", || {
        users
            .iter()
            .all(|u| quotes(u).contains(&markers[u.as_str()]))
    })
    .await;
    // What the simulator received for each resident: one reply per message, each quoting it,
    // in the order the resident wrote them across both instances, then the marker's.
    for user in &users {
        let mut expected = written[user.as_str()].clone();
        expected.push(markers[user.as_str()].clone());
        assert_eq!(
            quotes(user),
            expected,
            "{user}: every message answered once, in the order written"
        );
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
