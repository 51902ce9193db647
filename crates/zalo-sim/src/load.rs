//! Load mode (`ketnoi sim load`): plays Zalo towards one or more webhooks at a fixed rate,
//! open loop — events leave on schedule whether or not earlier ones were answered — and, as
//! the OA API, receives the bot's replies, so it measures both the webhook's acknowledgement
//! latency and the end-to-end time from event sent to reply received.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::event::Kind;
use crate::input::Location;
use crate::resident::{new_event, post};
use crate::Simulator;

/// What to send.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Webhook URLs; events are spread across them in turn.
    pub webhooks: Vec<String>,
    /// Events per second.
    pub rate: f64,
    /// How long to send.
    pub duration: Duration,
    /// Distinct residents.
    pub users: usize,
    /// Kinds of event, used in turn: `text`, `image`, `location`, `follow`.
    pub mix: Vec<String>,
    /// How long to wait for the last replies after sending stops.
    pub drain: Duration,
    /// Closed loop with this many concurrent connections instead of a fixed rate (0: open loop).
    pub connections: usize,
    /// Zalo's redelivery ladder (30 s, 5 min, 15 min, 30 min, 1 h) divided by this factor;
    /// 0 turns redelivery off.
    pub ladder_factor: f64,
}

/// Zalo's retry ladder after a failed delivery (docs/PLATFORM.md §1.3).
const LADDER_SECS: [f64; 5] = [30.0, 300.0, 900.0, 1800.0, 3600.0];

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
}

/// The result of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadReport {
    /// Events sent.
    pub sent: u64,
    /// Answered 2xx.
    pub acked: u64,
    /// Answered with another status (after any redeliveries).
    pub non_2xx: u64,
    /// Redeliveries made after a failed or non-2xx attempt.
    pub redeliveries: u64,
    /// No answer (connection error).
    pub failed: u64,
    /// Achieved send rate, events/s.
    pub send_rate: f64,
    /// Webhook acknowledgement latency.
    pub ack_ms: Percentiles,
    /// Event sent → the bot's reply received by the simulator.
    pub e2e_ms: Percentiles,
    /// Acknowledged events without a reply at the end.
    pub replies_missing: u64,
    /// Replies beyond the first for the same event.
    pub replies_duplicated: u64,
    /// Refresh tokens the platform issued during the run (one per refresh).
    pub token_refreshes: u64,
    /// Refreshes attempted with an already used or unknown refresh token (must be 0).
    pub refresh_token_reuse: u64,
}

struct Sent {
    at: Instant,
    user: String,
    acked: bool,
}

/// What every sending task shares.
struct Shared {
    sim: Simulator,
    config: LoadConfig,
    ladder: Vec<Duration>,
    sent: Mutex<HashMap<String, Sent>>,
    acks: Mutex<Vec<(u16, f64)>>,
    redeliveries: std::sync::atomic::AtomicU64,
}

/// Sends event number `i` (redelivering it on the ladder while unanswered) and records it.
async fn fire(shared: Arc<Shared>, i: u64) {
    let config = &shared.config;
    let user = format!("9{:08}", i as usize % config.users.max(1));
    let kind = kind_for(&config.mix[i as usize % config.mix.len()], i);
    let mut event = new_event(&shared.sim, &user, kind);
    let url = &config.webhooks[i as usize % config.webhooks.len()];
    let began = Instant::now();
    let msg_id = event.msg_id.clone();
    if let Some(id) = &msg_id {
        let record = Sent {
            at: began,
            user,
            acked: false,
        };
        shared
            .sent
            .lock()
            .expect("not poisoned")
            .insert(id.clone(), record);
    }
    let mut status = deliver(&shared.sim, url, &event).await;
    let ack_ms = began.elapsed().as_secs_f64() * 1000.0;
    // Like Zalo: the same bytes again, later, while the webhook does not answer 200.
    for wait in &shared.ladder {
        if status == 200 {
            break;
        }
        tokio::time::sleep(*wait).await;
        event.retries += 1;
        shared
            .redeliveries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        status = deliver(&shared.sim, url, &event).await;
    }
    if let (Some(id), true) = (&msg_id, (200..300).contains(&status)) {
        if let Some(s) = shared.sent.lock().expect("not poisoned").get_mut(id) {
            s.acked = true;
        }
    }
    shared
        .acks
        .lock()
        .expect("not poisoned")
        .push((status, ack_ms));
}

/// Runs the load and gathers the report.
pub async fn run(sim: &Simulator, config: &LoadConfig) -> LoadReport {
    let ladder: Vec<Duration> = if config.ladder_factor > 0.0 {
        LADDER_SECS
            .iter()
            .map(|s| Duration::from_secs_f64(s / config.ladder_factor))
            .collect()
    } else {
        Vec::new()
    };
    let shared = Arc::new(Shared {
        sim: sim.clone(),
        config: config.clone(),
        ladder,
        sent: Mutex::default(),
        acks: Mutex::default(),
        redeliveries: Default::default(),
    });
    let mut tasks = tokio::task::JoinSet::new();
    let start = Instant::now();
    if config.connections > 0 {
        // Closed loop: each connection sends its next event as soon as the last is answered,
        // which measures the most the webhook can take.
        let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let end = start + config.duration;
        for _ in 0..config.connections {
            let (shared, next) = (shared.clone(), next.clone());
            tasks.spawn(async move {
                while Instant::now() < end {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    fire(shared.clone(), i).await;
                }
            });
        }
    } else {
        // Open loop: each event has its own departure time, independent of earlier answers.
        let interval = Duration::from_secs_f64(1.0 / config.rate.max(0.001));
        let total = (config.rate * config.duration.as_secs_f64()).round() as u64;
        for i in 0..total {
            tokio::time::sleep_until((start + interval.mul_f64(i as f64)).into()).await;
            tasks.spawn(fire(shared.clone(), i));
        }
    }
    while tasks.join_next().await.is_some() {}
    let send_secs = start.elapsed().as_secs_f64();
    let acks = std::mem::take(&mut *shared.acks.lock().expect("not poisoned"));
    let sent = std::mem::take(&mut *shared.sent.lock().expect("not poisoned"));

    // Wait for replies to every acknowledged message event, up to the drain time.
    let deadline = Instant::now() + config.drain;
    // A reply may have several parts (a long answer split at Zalo's limit), all quoting the
    // event; a duplicate is the same part delivered again.
    let answered = |sim: &Simulator| -> HashMap<String, Vec<(Instant, String)>> {
        let mut by_quote: HashMap<String, Vec<(Instant, String)>> = HashMap::new();
        let users: std::collections::HashSet<&String> = sent.values().map(|s| &s.user).collect();
        for user in users {
            for message in sim.sent_messages(user) {
                if let Some(quote) = message.body["message"]["quote_message_id"].as_str() {
                    by_quote
                        .entry(quote.to_owned())
                        .or_default()
                        .push((message.arrived, message.body["message"].to_string()));
                }
            }
        }
        by_quote
    };
    let mut replies = answered(sim);
    while Instant::now() < deadline
        && sent
            .iter()
            .any(|(id, s)| s.acked && !replies.contains_key(id))
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
        replies = answered(sim);
    }

    let mut report = LoadReport {
        redeliveries: shared
            .redeliveries
            .load(std::sync::atomic::Ordering::Relaxed),
        sent: acks.len() as u64,
        acked: acks.iter().filter(|(s, _)| (200..300).contains(s)).count() as u64,
        failed: acks.iter().filter(|(s, _)| *s == 0).count() as u64,
        send_rate: acks.len() as f64 / send_secs.max(1e-9),
        ack_ms: percentiles(acks.iter().map(|(_, ms)| *ms).collect()),
        ..LoadReport::default()
    };
    report.non_2xx = report.sent - report.acked - report.failed;
    let mut e2e = Vec::with_capacity(sent.len());
    for (id, s) in &sent {
        match replies.get(id) {
            Some(times) => {
                let first = times.iter().map(|(t, _)| *t).min().unwrap_or(s.at);
                e2e.push(first.saturating_duration_since(s.at).as_secs_f64() * 1000.0);
                let distinct: std::collections::HashSet<&String> =
                    times.iter().map(|(_, b)| b).collect();
                report.replies_duplicated += (times.len() - distinct.len()) as u64;
            }
            None if s.acked => report.replies_missing += 1,
            None => {}
        }
    }
    report.e2e_ms = percentiles(e2e);
    let stats = sim.stats();
    report.token_refreshes = stats.refresh_tokens_issued;
    report.refresh_token_reuse = stats.refresh_attempts_with_used_or_unknown_token;
    report
}

/// One delivery attempt; 0 when the webhook could not be reached.
async fn deliver(sim: &Simulator, url: &str, event: &crate::state::DeliveredEvent) -> u16 {
    post(sim, url, event.clone())
        .await
        .map(|o| o.webhook_status)
        .unwrap_or(0)
}

fn kind_for(name: &str, i: u64) -> Kind {
    match name {
        "image" => Kind::Image {
            url: format!("https://img.example/{i}.jpg"),
            caption: None,
        },
        "location" => Kind::Location {
            at: Location {
                latitude: 10.77,
                longitude: 106.69,
            },
            name: None,
        },
        "follow" => Kind::Follow,
        _ => Kind::Text(format!(
            "Cho tôi hỏi thủ tục đăng ký tạm trú, tin nhắn số {i}"
        )),
    }
}

fn percentiles(mut values: Vec<f64>) -> Percentiles {
    if values.is_empty() {
        return Percentiles::default();
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        values[((values.len() as f64 * q).ceil() as usize)
            .saturating_sub(1)
            .min(values.len() - 1)]
    };
    Percentiles {
        p50: at(0.50),
        p99: at(0.99),
        p999: at(0.999),
        max: values[values.len() - 1],
    }
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "sent {}  acked {}  non-2xx {}  failed {}  redeliveries {}  ({:.0} events/s)",
            self.sent, self.acked, self.non_2xx, self.failed, self.redeliveries, self.send_rate
        )?;
        writeln!(
            f,
            "{:<22}{:>9}{:>9}{:>9}{:>9}",
            "latency (ms)", "p50", "p99", "p99.9", "max"
        )?;
        for (name, p) in [
            ("webhook ack", &self.ack_ms),
            ("event → reply", &self.e2e_ms),
        ] {
            writeln!(
                f,
                "{:<22}{:>9.2}{:>9.2}{:>9.2}{:>9.2}",
                name, p.p50, p.p99, p.p999, p.max
            )?;
        }
        write!(
            f,
            "replies missing {}  duplicated {}",
            self.replies_missing, self.replies_duplicated
        )
    }
}
