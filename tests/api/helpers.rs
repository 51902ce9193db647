//! Spawning apps, databases and simulators for the tests, and waiting for replies.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use ketnoi::config::{default_config_dir, Settings};
use ketnoi::startup::Application;
use ketnoi::store::Store;
use ketnoi::zalo::signature;
use tokio_util::sync::CancellationToken;
use zalo_sim::{SentMessage, SimConfig, Simulator};

pub const APP_ID: &str = "1234567890123456789";
pub const OA_ID: &str = "9876543210987654321";
pub const OA_SECRET: &str = "test-oa-secret-key";
pub const APP_SECRET: &str = "test-app-secret-key";
pub const REFRESH: &str = "test-bootstrap-refresh";

/// A database for one test.
pub enum TestDb {
    /// A SQLite file in a temporary folder (kept alive by the guard).
    Sqlite(tempfile::TempDir),
    /// A freshly created PostgreSQL database.
    Postgres(String),
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        TestDb::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    /// A new empty database on the server named by `KETNOI_TEST_POSTGRES_URL`, or `None` (the
    /// caller skips) when it is not set.
    pub async fn postgres() -> Option<TestDb> {
        let base = std::env::var("KETNOI_TEST_POSTGRES_URL").ok()?;
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&base)
            .await
            .expect("PostgreSQL reachable");
        let name = format!("ketnoi_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("create database {name}"))
            .execute(&mut conn)
            .await
            .expect("create db");
        let (prefix, _) = base.rsplit_once('/').expect("url has a database name");
        Some(TestDb::Postgres(format!("{prefix}/{name}")))
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => format!("sqlite://{}/ketnoi.db", dir.path().display()),
            TestDb::Postgres(url) => url.clone(),
        }
    }

    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        match self {
            TestDb::Sqlite(dir) => Some(dir.path().join("ketnoi.db")),
            TestDb::Postgres(_) => None,
        }
    }

    /// A new empty database of this target's [`Suite`] for the running test: SQLite in `api`;
    /// PostgreSQL in `api_postgres` (SQLite for the few tests it lists, e.g. those that read the
    /// SQLite file).
    /// Without `KETNOI_TEST_POSTGRES_URL` the PostgreSQL target stops here, skipped.
    pub async fn suite() -> TestDb {
        match crate::SUITE {
            Suite::Sqlite => TestDb::sqlite(),
            Suite::Postgres { sqlite_only } => {
                // libtest names each test's thread after the test, and a `#[tokio::test]` body
                // runs on that thread.
                let test = std::thread::current().name().unwrap_or_default().to_owned();
                if sqlite_only.contains(&test.as_str()) {
                    return TestDb::sqlite();
                }
                match TestDb::postgres().await {
                    Some(db) => db,
                    None => skip_postgres_suite(),
                }
            }
        }
    }

    /// This database, or the suite's instead when it is a SQLite file nothing was written to
    /// yet and the suite runs on PostgreSQL (see [`spawn_app_with`]).
    async fn or_suite(self) -> TestDb {
        match (&self, crate::SUITE) {
            (TestDb::Sqlite(dir), Suite::Postgres { .. })
                if !dir.path().join("ketnoi.db").exists() =>
            {
                TestDb::suite().await
            }
            _ => self,
        }
    }
}

/// Which database a test target runs its apps on; each target's `main.rs` sets `SUITE`.
#[derive(Clone, Copy)]
#[allow(dead_code)] // each target uses one variant
pub enum Suite {
    /// Every app on SQLite (`tests/api`).
    Sqlite,
    /// Every app on PostgreSQL (`tests/api_postgres`), except in the tests named here (module
    /// path and name, e.g. `conversation::no_resident_id_or_phone_is_stored_in_clear`), which
    /// stay on SQLite, each for the reason given where the list is.
    Postgres {
        sqlite_only: &'static [&'static str],
    },
}

/// Ends the PostgreSQL target, which has no server to run on, as a success.
fn skip_postgres_suite() -> ! {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // The first test here says why and exits; another one arriving meanwhile waits for that.
    ONCE.call_once(|| {
        use std::io::Write as _;
        // Straight to stderr: the harness captures `eprintln!` and shows it only on failure.
        let _ = writeln!(
            std::io::stderr(),
            "\nskipped: KETNOI_TEST_POSTGRES_URL is not set, so the PostgreSQL run of the suite \
             (tests/api_postgres) did not run; set it, e.g. to postgres://postgres@127.0.0.1:5432/test\n"
        );
        std::process::exit(0);
    });
    unreachable!("the process exits in call_once");
}

/// Settings for tests: ephemeral ports, quick polling and retries, test secrets.
pub fn test_settings(db_url: &str, embedded_sim: bool) -> Settings {
    if std::env::var_os("TEST_LOG").is_some() {
        ketnoi::telemetry::init(false);
    }
    let mut s = Settings::load_from(&default_config_dir(), None, false).expect("defaults load");
    s.server.listen = "127.0.0.1:0".into();
    s.sim.listen = "127.0.0.1:0".into();
    s.ops.listen = "127.0.0.1:0".into();
    s.console.listen = "127.0.0.1:0".into();
    // Tests type faster than any resident; flood control has a test of its own.
    s.bot.burst_messages = 1_000;
    s.sim.enabled = embedded_sim;
    s.database.url = db_url.to_owned().into();
    s.database.max_connections = 5;
    s.zalo.app_id = APP_ID.into();
    s.zalo.oa_id = OA_ID.into();
    s.zalo.oa_secret_key = OA_SECRET.to_owned().into();
    s.zalo.app_secret = APP_SECRET.to_owned().into();
    s.zalo.refresh_token = REFRESH.to_owned().into();
    s.zalo.request_timeout_ms = 3000;
    s.privacy.identity_key = base64::engine::general_purpose::STANDARD
        .encode([42u8; 32])
        .into();
    s.workers.poll_interval_ms = 50;
    s.workers.lease_secs = 5;
    s.workers.backoff_base_ms = 20;
    s.workers.backoff_max_ms = 300;
    s
}

/// A simulator playing Zalo for the test app's identities and secrets.
fn test_sim(webhook_url: Option<String>) -> Simulator {
    Simulator::new(SimConfig {
        app_id: APP_ID.into(),
        oa_id: OA_ID.into(),
        oa_secret_key: OA_SECRET.into(),
        app_secret: APP_SECRET.into(),
        initial_refresh_token: REFRESH.into(),
        webhook_url,
        ..SimConfig::sandbox_defaults()
    })
}

/// A simulator of its own (not embedded), for tests that restart or multiply the app.
pub async fn spawn_sim() -> (Simulator, SocketAddr, CancellationToken) {
    let sim = test_sim(None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let stop = CancellationToken::new();
    tokio::spawn(sim.clone().serve(listener, stop.clone()));
    (sim, address, stop)
}

/// A running app.
pub struct TestApp {
    pub address: SocketAddr,
    /// The operations listener (`/metrics`).
    pub ops_address: SocketAddr,
    /// The web console's listener.
    pub console_address: SocketAddr,
    pub sim: Simulator,
    pub sim_address: SocketAddr,
    pub store: Store,
    pub http: reqwest::Client,
    pub db: TestDb,
    stop: CancellationToken,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// The app in sandbox mode (embedded simulator) on a fresh database of this target's [`Suite`].
pub async fn spawn_app() -> TestApp {
    spawn_app_on(TestDb::suite().await).await
}

/// The app in sandbox mode on the given database.
pub async fn spawn_app_on(db: TestDb) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

/// The app in sandbox mode on the given database, with adjusted settings.
///
/// In the PostgreSQL target a fresh SQLite database (`spawn_app_with(TestDb::sqlite(), …)`, the
/// way tests ask for a new database with settings of their own) is replaced by a PostgreSQL one;
/// a database already written to (handed back by [`TestApp::stop`]) is kept.
pub async fn spawn_app_with(db: TestDb, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let db = db.or_suite().await;
    let mut settings = test_settings(&db.url(), true);
    tweak(&mut settings);
    let mut app = Application::build(settings).await.expect("app builds");
    // Embedded as `ketnoi serve` embeds it in sandbox mode.
    let sim = test_sim(Some(app.webhook_url()));
    let embedded = sim.clone();
    app.serve_sandbox(move |listener, stop| embedded.serve(listener, stop))
        .expect("sandbox mode");
    let address = app.address();
    let ops_address = app.ops_address();
    let console_address = app.console_address();
    let sim_address = app.sandbox_address().expect("sandbox");
    let store = app.store().clone();
    let stop = CancellationToken::new();
    let task = tokio::spawn(app.run(stop.clone()));
    TestApp {
        address,
        ops_address,
        console_address,
        sim,
        sim_address,
        store,
        http: reqwest::Client::new(),
        db,
        stop,
        task: Some(task),
    }
}

impl TestApp {
    /// The Prometheus text of the operations listener.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("http://{}/metrics", self.ops_address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub fn webhook_url(&self) -> String {
        format!("http://{}/webhook/zalo", self.address)
    }

    /// POSTs raw bytes with an optional signature header.
    pub async fn post_raw(&self, body: Vec<u8>, signature: Option<String>) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.webhook_url())
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("X-ZEvent-Signature", signature);
        }
        request.send().await.expect("webhook reachable")
    }

    /// POSTs an event signed like Zalo signs it.
    pub async fn post_signed(&self, event: &serde_json::Value) -> reqwest::Response {
        let body = serde_json::to_vec(event).unwrap();
        let ts = timestamp_of(event);
        self.post_raw(
            body.clone(),
            Some(signature::sign(APP_ID, &body, &ts, OA_SECRET)),
        )
        .await
    }

    /// Stops the app gracefully, waits for it, and hands back its database.
    pub async fn stop(mut self) -> TestDb {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            task.await
                .expect("app task joins")
                .expect("app stops cleanly");
        }
        std::mem::replace(&mut self.db, TestDb::Postgres(String::new()))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

pub fn timestamp_of(event: &serde_json::Value) -> String {
    match &event["timestamp"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn now_ms() -> i64 {
    ketnoi::time::Timestamp::now().as_millis()
}

/// A stored key as the store's type.
pub fn key(key: &str) -> ketnoi::ids::UserKey {
    ketnoi::ids::UserKey::new(key)
}

/// The moment `ms` milliseconds after the epoch (the store's time type).
pub fn at(ms: i64) -> ketnoi::time::Timestamp {
    ketnoi::time::Timestamp::from_millis(ms)
}

/// A `user_send_text` event as Zalo would send it now.
pub fn text_event(user: &str, msg_id: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "app_id": APP_ID, "user_id_by_app": "77", "event_name": "user_send_text",
        "timestamp": now_ms().to_string(), "sender": {"id": user}, "recipient": {"id": OA_ID},
        "message": {"msg_id": msg_id, "text": text}
    })
}

/// Waits until `check` holds, polling; panics with `what` after `limit`.
pub async fn eventually<F: FnMut() -> bool>(limit: Duration, what: &str, mut check: F) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the simulator holds at least `n` messages for `user`.
pub async fn replies(sim: &Simulator, user: &str, n: usize) -> Vec<SentMessage> {
    eventually(
        Duration::from_secs(15),
        &format!("{n} replies to {user}"),
        || sim.sent_messages(user).len() >= n,
    )
    .await;
    sim.sent_messages(user)
}

/// Sends as a resident and waits for `expect` new messages to them; returns the new ones.
pub async fn say(
    app: &TestApp,
    user: &str,
    input: zalo_sim::ResidentInput,
    expect: usize,
) -> Vec<SentMessage> {
    let before = app.sim.sent_messages(user).len();
    let outcome = app
        .sim
        .send_as_user(user, input)
        .await
        .expect("simulator sends");
    assert_eq!(outcome.webhook_status, 200);
    let all = replies(&app.sim, user, before + expect).await;
    // Everything this message caused has gone out once nothing is queued: counts are exact.
    settled(app).await;
    let all_now = app.sim.sent_messages(user);
    assert_eq!(
        all_now.len(),
        all.len(),
        "more replies than expected: {:#?}",
        &all_now[before..]
    );
    all_now[before..].to_vec()
}

/// The text of a recorded message.
pub fn text_of(message: &SentMessage) -> &str {
    message.body["message"]["text"].as_str().unwrap_or_default()
}

/// The buttons of a recorded message as (title, type, payload).
pub fn buttons_of(message: &SentMessage) -> Vec<(String, String, String)> {
    message.body["message"]["attachment"]["payload"]["buttons"]
        .as_array()
        .map(|buttons| {
            buttons
                .iter()
                .map(|b| {
                    let payload = match &b["payload"] {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (
                        b["title"].as_str().unwrap_or_default().to_owned(),
                        b["type"].as_str().unwrap_or_default().to_owned(),
                        payload,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Prints a transcript line per message (shown with --nocapture; used in closing notes).
pub fn show(who: &str, said: &str, replies: &[SentMessage]) {
    println!("> {who}: {said}");
    for r in replies {
        let buttons: Vec<String> = buttons_of(r)
            .into_iter()
            .map(|(t, _, _)| format!("[{t}]"))
            .collect();
        println!(
            "< bot: {} {}",
            text_of(r).replace('\n', "\n        "),
            buttons.join(" ")
        );
    }
}

/// A stored case by code: its category, whether it is urgent, and its unsealed details.
pub async fn case_by_code(app: &TestApp, code: &str) -> (String, bool, ketnoi::cases::Details) {
    let (category, urgent, details): (String, i64, Vec<u8>) =
        sqlx::query_as("select category, urgent, details from cases where code = $1")
            .bind(code)
            .fetch_one(app.store.pool())
            .await
            .expect("the case exists");
    let vault = ketnoi::vault::Vault::new(&[42u8; 32]);
    let details = serde_json::from_slice(&vault.open(&details).expect("details unseal"))
        .expect("details parse");
    (category, urgent == 1, details)
}

/// How many cases the store holds.
pub async fn case_count(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("select count(*) from cases")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    n
}

/// The case code in a message, which must have one.
pub fn code_in(message: &SentMessage) -> String {
    ketnoi::cases::code::find(text_of(message))
        .unwrap_or_else(|| panic!("a case code in: {}", text_of(message)))
        .to_string()
}

/// The payloads of a message's buttons.
pub fn payloads_of(message: &SentMessage) -> Vec<String> {
    buttons_of(message).into_iter().map(|(_, _, p)| p).collect()
}

/// Barrier for "nothing else arrived": `user` writes `marker`, and this waits until its answer
/// arrives (the message quoting it, or for an officer, whose answers quote nothing, the first
/// message `is_answer` recognises). Returns every message to `user` before that answer. A user's
/// events are handled in order, and messages to one recipient are sent in the order they were
/// queued (within a priority; bulk alerts come after), so whatever was queued for `user` before
/// the marker was handled — by their own earlier messages or by any event already answered —
/// is among them.
pub async fn before_marker(
    sim: &Simulator,
    user: &str,
    marker: &str,
    is_answer: impl Fn(&SentMessage) -> bool,
) -> Vec<SentMessage> {
    let start = sim.sent_messages(user).len();
    let sent = sim
        .send_as_user(user, zalo_sim::ResidentInput::text(marker))
        .await
        .expect("simulator sends");
    assert_eq!(sent.webhook_status, 200);
    let quoted = sent.msg_id.expect("a message has an id");
    let answer = |m: &SentMessage| {
        m.body["message"]["quote_message_id"].as_str() == Some(quoted.as_str()) || is_answer(m)
    };
    let mut at = None;
    eventually(
        Duration::from_secs(30),
        &format!("the answer to {user}'s marker"),
        || {
            at = sim.sent_messages(user)[start..].iter().position(answer);
            at.is_some()
        },
    )
    .await;
    let mut got = sim.sent_messages(user);
    got.truncate(start + at.expect("found"));
    got
}

/// [`before_marker`] for many residents at once: each writes `marker`, and this waits until
/// every marker is answered. Returns, per resident, the messages before their marker's answer.
pub async fn before_markers(
    sim: &Simulator,
    users: &[String],
    marker: &str,
) -> Vec<Vec<SentMessage>> {
    let mut quoted = Vec::new();
    for user in users {
        let sent = sim
            .send_as_user(user, zalo_sim::ResidentInput::text(marker))
            .await
            .expect("simulator sends");
        assert_eq!(sent.webhook_status, 200);
        quoted.push(sent.msg_id.expect("a message has an id"));
    }
    let answer_at = |user: &str, quoted: &str| {
        sim.sent_messages(user)
            .iter()
            .position(|m| m.body["message"]["quote_message_id"].as_str() == Some(quoted))
    };
    eventually(Duration::from_secs(60), "every marker answered", || {
        users
            .iter()
            .zip(&quoted)
            .all(|(u, q)| answer_at(u, q).is_some())
    })
    .await;
    users
        .iter()
        .zip(&quoted)
        .map(|(u, q)| {
            let mut got = sim.sent_messages(u);
            got.truncate(answer_at(u, q).expect("answered"));
            got
        })
        .collect()
}

/// Barrier for effects on anyone: waits until no event waits to be handled and no message waits
/// to be sent (parked ones wait for their resident and do not count). Everything the events
/// received so far caused has then reached the simulator, whoever it was for and whatever its
/// priority.
pub async fn settled(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (events, messages): (i64, i64) = sqlx::query_as(
            "select (select count(*) from inbox where status = 'pending'),
                    (select count(*) from outbox where status = 'pending')",
        )
        .fetch_one(app.store.pool())
        .await
        .expect("queues readable");
        if events == 0 && messages == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still queued after 30 s: {events} events, {messages} messages"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// [`before_marker`] for an officer: the marker is a plain message, which the console answers
/// with its greeting.
pub async fn before_officer_marker(sim: &Simulator, officer: &str) -> Vec<SentMessage> {
    before_marker(sim, officer, "đánh dấu", |m| {
        text_of(m).contains("Nhắn /help để xem các lệnh, /cases để xem tin báo")
    })
    .await
}

/// The audit rows of `action`, oldest first, as (actor handle, outcome).
pub async fn audit_rows(app: &TestApp, action: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "select coalesce(actor_handle, ''), outcome from audit_log where action = $1 order by id",
    )
    .bind(action)
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

/// The SLA checker of a test app's store, with the test settings' service levels, checked by
/// the test when it chooses (`check(at(…))`).
pub fn test_sla(app: &TestApp) -> ketnoi::officers::sla::Sla {
    let settings = test_settings("sqlite::memory:", true);
    ketnoi::officers::sla::Sla {
        store: app.store.clone(),
        vault: ketnoi::vault::Vault::new(&[42u8; 32]),
        texts: ketnoi::conversation::texts::Texts::load(&ketnoi::config::default_config_dir())
            .unwrap(),
        service: settings.service_levels.clone(),
        on_call_fallback: Vec::new(),
        outbox_ready: std::sync::Arc::new(tokio::sync::Notify::new()),
        clock: ketnoi::time::system_clock(),
    }
}

/// The group sync of a test app, asking the app's simulator, run by the test when it chooses
/// (`run_once()`).
pub fn test_group_sync(app: &TestApp) -> ketnoi::pipeline::group_sync::GroupSync {
    let base = format!("http://{}", app.sim_address);
    let client = ketnoi::zalo::client::ZaloClient::new(ketnoi::zalo::client::ClientConfig {
        api_base: base.clone(),
        oauth_base: base,
        app_id: APP_ID.into(),
        app_secret: APP_SECRET.to_owned().into(),
        send_appsecret_proof: true,
        timeout: std::time::Duration::from_secs(3),
    });
    let tokens = ketnoi::pipeline::token::TokenManager::new(
        app.store.clone(),
        ketnoi::vault::Vault::new(&[42u8; 32]),
        client.clone(),
        REFRESH.to_owned().into(),
        std::time::Duration::from_secs(3600),
    );
    ketnoi::pipeline::group_sync::GroupSync {
        store: app.store.clone(),
        client,
        tokens,
        limiter: ketnoi::pipeline::call_budget::CallLimiter::local(3000),
        clock: ketnoi::time::system_clock(),
        changed: std::sync::Arc::new(tokio::sync::Notify::new()),
    }
}

/// A resident files a report in one message and sends it, allowing contact (so Zalo's contact
/// form is offered too); returns the case code.
pub async fn report(app: &TestApp, user: &str, text: &str) -> String {
    let r = say(app, user, zalo_sim::ResidentInput::text(text), 2).await;
    assert!(
        text_of(&r[1]).contains("kiểm tra lại tin báo"),
        "{}",
        text_of(&r[1])
    );
    let before = app.sim.sent_messages(user).len();
    app.sim
        .send_as_user(user, zalo_sim::ResidentInput::text("#send:contact"))
        .await
        .unwrap();
    replies(&app.sim, user, before + 2).await;
    settled(app).await;
    let r = app.sim.sent_messages(user);
    assert_eq!(r.len(), before + 2, "the case code, then the contact form");
    let code = ketnoi::cases::code::find(text_of(&r[before]))
        .expect("case code")
        .to_string();
    // Contact allowed: Zalo's form for a phone number follows, naming the case.
    let form = &r[before + 1].body["message"]["attachment"]["payload"];
    assert_eq!(form["template_type"], "request_user_info", "{form}");
    assert!(
        form["elements"][0]["subtitle"]
            .as_str()
            .is_some_and(|s| s.contains(&code)),
        "{form}"
    );
    code
}
