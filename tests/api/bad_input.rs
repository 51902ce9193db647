//! Ten thousand generated bad requests: wrong or missing MACs, truncated and mistyped JSON,
//! huge strings, invalid UTF-8, deep nesting, replays. None may get a 5xx or store anything,
//! and the server must still take a good event afterwards.

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use ketnoi::zalo::signature;

use crate::helpers::*;

/// One bad request: body and signature header.
fn bad_request(rng: &mut StdRng, i: usize) -> (Vec<u8>, Option<String>) {
    let good = text_event("5009", &format!("bad-{i}"), "xin chào");
    let body = serde_json::to_vec(&good).unwrap();
    let ts = timestamp_of(&good);
    match i % 10 {
        // A real event with a wrong MAC.
        0 => (
            body.clone(),
            Some(signature::sign(APP_ID, &body, &ts, "wrong-secret")),
        ),
        // Truncated JSON, correctly "signed" for what was sent.
        1 => {
            let cut = rng.gen_range(1..body.len());
            let truncated = body[..cut].to_vec();
            (
                truncated.clone(),
                Some(signature::sign(APP_ID, &truncated, &ts, OA_SECRET)),
            )
        }
        // Wrong types in signed bodies.
        2 => {
            let mut v = good.clone();
            let field = ["sender", "message", "recipient"][rng.gen_range(0..3)];
            v[field] = serde_json::json!([1, 2, 3]);
            let b = serde_json::to_vec(&v).unwrap();
            (b.clone(), Some(signature::sign(APP_ID, &b, &ts, OA_SECRET)))
        }
        // A huge string without a valid MAC.
        3 => {
            let mut v = good.clone();
            v["message"]["text"] = "ư".repeat(rng.gen_range(10_000..200_000)).into();
            (
                serde_json::to_vec(&v).unwrap(),
                Some(format!("mac={}", "0".repeat(64))),
            )
        }
        // Invalid UTF-8.
        4 => {
            let mut b = body.clone();
            let at = rng.gen_range(0..b.len());
            b[at] = 0xff;
            (b, Some(signature::sign(APP_ID, &body, &ts, OA_SECRET)))
        }
        // Deep nesting.
        5 => {
            let depth = rng.gen_range(200..5000);
            let b = format!(
                "{{\"event_name\":\"user_send_text\",\"x\":{}{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            (b.into_bytes(), None)
        }
        // A replayed, correctly signed event from a day ago.
        6 => {
            let mut v = good.clone();
            v["timestamp"] = (now_ms() - 86_400_000).to_string().into();
            let b = serde_json::to_vec(&v).unwrap();
            let ts = timestamp_of(&v);
            (b.clone(), Some(signature::sign(APP_ID, &b, &ts, OA_SECRET)))
        }
        // No header at all.
        7 => (body, None),
        // Random bytes.
        8 => {
            let len = rng.gen_range(0..2048);
            (
                (0..len).map(|_| rng.gen()).collect(),
                Some(format!("mac={:064x}", rng.gen::<u128>())),
            )
        }
        // Garbage headers on a real body.
        _ => {
            let header = [
                "mac=",
                "mac",
                "sha256=abc",
                "mac=zz",
                "   ",
                "mac=\u{1F46E}",
            ][rng.gen_range(0..6)];
            (body, Some(header.to_owned()))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_bad_requests_get_no_5xx_and_store_nothing() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let url = app.webhook_url();
    let mut rng = StdRng::seed_from_u64(20261128);
    let requests: Vec<_> = (0..10_000).map(|i| bad_request(&mut rng, i)).collect();
    let statuses: Vec<u16> = futures::stream::iter(requests)
        .map(|(body, header)| {
            let mut request = client
                .post(&url)
                .header("content-type", "application/json")
                .body(body);
            if let Some(header) = header {
                if let Ok(value) = reqwest::header::HeaderValue::from_str(&header) {
                    request = request.header("X-ZEvent-Signature", value);
                }
            }
            async move {
                request
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut by_status = std::collections::BTreeMap::new();
    for status in &statuses {
        *by_status.entry(*status).or_insert(0) += 1;
    }
    println!("statuses: {by_status:?}");
    assert!(
        statuses.iter().all(|s| (200..500).contains(s)),
        "{by_status:?}"
    );
    assert_eq!(app.store.count_events().await.unwrap(), 0, "nothing stored");
    // Still healthy.
    let good = app
        .post_signed(&text_event("5010", "after-the-storm", "xin chào"))
        .await;
    assert_eq!(good.status(), 200);
    assert_eq!(app.store.count_events().await.unwrap(), 1);
}

#[cfg(unix)]
#[tokio::test]
async fn database_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    // Something written, so the WAL exists too.
    say(
        &app,
        "7900001",
        zalo_sim::ResidentInput::text("xin chào"),
        2,
    )
    .await;
    let path = app.db.sqlite_path().unwrap();
    for file in [
        path.clone(),
        path.with_extension("db-wal"),
        path.with_extension("db-shm"),
    ] {
        if file.exists() {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }
}

#[tokio::test]
async fn a_flood_is_answered_once_and_spends_no_more_calls_and_reports_merge() {
    let app = spawn_app_with(TestDb::sqlite(), |s| {
        s.bot.burst_messages = 6;
        s.bot.burst_window_secs = 60;
        s.bot.reports_per_hour = 2;
    })
    .await;
    let user = "7900101";
    let calls = |app: &TestApp| app.sim.stats().api_calls_by_code.values().sum::<u64>();
    let before = calls(&app);
    for i in 0..30 {
        let text = format!("alo alo tin nhắn số {i}");
        let sent = app
            .sim
            .send_as_user(user, zalo_sim::ResidentInput::text(text))
            .await
            .unwrap();
        assert_eq!(sent.webhook_status, 200);
    }
    // Every message handled and everything it queued sent: the counts below are final.
    settled(&app).await;
    let got = app.sim.sent_messages(user);
    let notices = got
        .iter()
        .filter(|m| text_of(m).contains("xin chờ") || text_of(m).contains("Xin chờ"))
        .count();
    assert_eq!(notices, 1, "told once: {got:#?}");
    assert!(got.len() <= 12, "{} messages for 30 sent", got.len());
    assert!(
        calls(&app) - before <= 12,
        "the call budget is not one resident's"
    );
    // Nothing lost: every message is stored.
    let (stored,): (i64,) = sqlx::query_as("select count(*) from inbox where status = 'done'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(stored >= 30, "{stored}");
    // An emergency in the middle of a flood is still answered at once.
    let r = say(&app, user, zalo_sim::ResidentInput::text("cứu với"), 1).await;
    assert!(text_of(&r[0]).contains("KHẨN CẤP"));

    // Reports past the hourly limit merge into the open case.
    let reporter = "7900102";
    let report = "Tối qua lúc 10 giờ xe máy của tôi bị trộm ở trước nhà số 8 hẻm 5 khu phố 1";
    for _ in 0..3 {
        say(&app, reporter, zalo_sim::ResidentInput::text(report), 2).await;
        say(&app, reporter, zalo_sim::ResidentInput::text("gửi"), 1).await;
    }
    let (cases,): (i64,) = sqlx::query_as("select count(*) from cases where urgent = 0")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(cases, 2, "the third report was merged");
    let last = app.sim.sent_messages(reporter);
    assert!(text_of(last.last().unwrap()).contains("gộp vào tin báo"));
}

/// A client that opens connections and never finishes its request headers (a slow-loris, or a
/// half-open connection) does not keep them: each is closed once `server.header_timeout_ms`
/// has passed, and a real request on a fresh connection is still answered. An idle keep-alive
/// connection is closed the same way after its response.
#[tokio::test]
async fn connections_that_never_finish_their_headers_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(TestDb::sqlite(), |s| s.server.header_timeout_ms = 300).await;
    let read_to_close = |mut stream: tokio::net::TcpStream| async move {
        let mut sink = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut sink),
        )
        .await
        .map(|_| sink)
    };
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(app.address).await.unwrap();
        stream
            .write_all(b"POST /webhook/zalo HTTP/1.1\r\nHost: ketnoi\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    let started = std::time::Instant::now();
    for stream in slow {
        assert!(
            read_to_close(stream).await.is_ok(),
            "a connection with unfinished headers stays open"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    // Idle after a complete request and its response: closed too.
    let mut idle = tokio::net::TcpStream::connect(app.address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: ketnoi\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(idle).await.expect("idle connection closed");
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    // The server still answers.
    let ok = reqwest::get(format!("http://{}/healthz", app.address))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}
