//! The simulator's shared state: tokens, users and their windows, tags, uploads, recorded
//! messages, counters and fault settings. Plain data behind one mutex in `Simulator`; the
//! handlers hold the lock only for short, synchronous sections.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rand::Rng;
use serde::Serialize;

use crate::faults::FaultSettings;

/// One message the OA API accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentMessage {
    /// Simulator clock at arrival, epoch ms.
    #[serde(rename = "received_at")]
    pub received_at_ms: i64,
    /// The request body exactly as the API received it (parsed JSON).
    pub body: serde_json::Value,
    /// Monotonic arrival time, for latency measurements (not serialised).
    #[serde(skip)]
    pub arrived: std::time::Instant,
}

/// Counters a test or operator can check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SimStats {
    pub refresh_tokens_issued: u64,
    /// Refreshes presented with a used or unknown refresh token; a correct bot keeps this at 0.
    pub refresh_attempts_with_used_or_unknown_token: u64,
    pub access_tokens_issued: u64,
    /// Every platform call (OA API and token endpoint) by the error code it got; 0 = success.
    pub api_calls_by_code: BTreeMap<i64, u64>,
    pub messages_recorded: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefreshToken {
    pub used: bool,
    pub expires_at_ms: i64,
}

/// An event as it went out, kept so it can be redelivered byte for byte.
#[derive(Debug, Clone)]
pub(crate) struct DeliveredEvent {
    pub body: Vec<u8>,
    pub signature: String,
    pub event_name: String,
    pub msg_id: Option<String>,
    pub retries: u32,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct User {
    /// Last interaction that opens the customer-service window (message, follow), epoch ms.
    pub last_interaction_ms: Option<i64>,
    pub follower: bool,
    pub tags: BTreeSet<String>,
    pub last_event: Option<DeliveredEvent>,
    /// An anonymous visitor's open conversation (`message.conversation_id`).
    pub conversation_id: Option<String>,
}

pub(crate) struct State {
    /// Access token → expiry (epoch ms, simulator clock).
    pub access_tokens: HashMap<String, i64>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub users: HashMap<String, User>,
    pub tags: BTreeSet<String>,
    pub attachments: HashSet<String>,
    /// Inbound `msg_id` → user, for replies addressed by `recipient.message_id`.
    pub inbound_msgs: HashMap<String, String>,
    pub messages: HashMap<String, Vec<SentMessage>>,
    /// OA-owned groups (GMF) by group id.
    pub groups: HashMap<String, crate::group::Group>,
    pub stats: SimStats,
    pub faults: FaultSettings,
    /// Times (ms) of the OA API calls of the last 60 s, for the per-app quota.
    pub recent_calls: std::collections::VecDeque<i64>,
    next_id: u64,
    next_msg_id: u128,
}

/// Refresh tokens live three months (docs/PLATFORM.md §5.2).
pub(crate) const REFRESH_TOKEN_TTL_MS: i64 = 90 * 24 * 3600 * 1000;

impl State {
    pub fn new(initial_refresh_token: &str) -> State {
        let mut refresh_tokens = HashMap::new();
        refresh_tokens.insert(
            initial_refresh_token.to_owned(),
            RefreshToken {
                used: false,
                expires_at_ms: i64::MAX,
            },
        );
        State {
            access_tokens: HashMap::new(),
            refresh_tokens,
            users: HashMap::new(),
            tags: BTreeSet::new(),
            attachments: HashSet::new(),
            inbound_msgs: HashMap::new(),
            messages: HashMap::new(),
            groups: HashMap::new(),
            stats: SimStats::default(),
            faults: FaultSettings::default(),
            recent_calls: std::collections::VecDeque::new(),
            // Zalo ids are decimal strings of up to 19 digits; start somewhere random in the
            // 19-digit range so ids differ between runs but never collide within one.
            next_id: rand::thread_rng()
                .gen_range(1_000_000_000_000_000_000..2_000_000_000_000_000_000),
            // Message ids are 20 hex digits ("e72c0a55e95fcb00924f" in a live capture,
            // "b8de7d84fa1b3043690c" in another): start at a random 20-digit value.
            next_msg_id: rand::thread_rng().gen_range(1u128 << 77..1u128 << 79),
        }
    }

    /// A fresh, unique, decimal-looking id (message ids, attachment ids).
    pub fn next_id(&mut self) -> String {
        self.next_id += rand::thread_rng().gen_range(1..1000);
        self.next_id.to_string()
    }

    /// A fresh, unique message id in Zalo's form: 20 lowercase hex digits.
    pub fn next_msg_id(&mut self) -> String {
        self.next_msg_id += rand::thread_rng().gen_range(1..1000);
        format!("{:020x}", self.next_msg_id)
    }

    /// Records a message the OA sent to `recipient` (a user or an anonymous visitor) at `now`;
    /// returns its fresh message id.
    pub fn record_sent(&mut self, recipient: &str, body: serde_json::Value, now: i64) -> String {
        let message_id = self.next_msg_id();
        self.messages
            .entry(recipient.to_owned())
            .or_default()
            .push(SentMessage {
                received_at_ms: now,
                body,
                arrived: std::time::Instant::now(),
            });
        self.stats.messages_recorded += 1;
        message_id
    }

    pub fn count_call(&mut self, code: i64) {
        *self.stats.api_calls_by_code.entry(code).or_insert(0) += 1;
    }

    pub fn user_mut(&mut self, user_id: &str) -> &mut User {
        self.users.entry(user_id.to_owned()).or_default()
    }
}

/// An opaque random token like Zalo's (long, URL-safe).
pub(crate) fn random_token(len: usize) -> String {
    use rand::distributions::Alphanumeric;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Stable app-scoped id for a user (`user_id_by_app` differs from the OA-scoped id in Zalo).
pub(crate) fn user_id_by_app(app_id: &str, user_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{app_id}:{user_id}").as_bytes());
    let mut n = [0u8; 8];
    n.copy_from_slice(&digest[..8]);
    // 19 digits, never a leading zero.
    (u64::from_be_bytes(n) % 9_000_000_000_000_000_000 + 1_000_000_000_000_000_000).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_decimal_strings() {
        let mut s = State::new("r");
        let a = s.next_id();
        let b = s.next_id();
        assert_ne!(a, b);
        assert!(a.len() == 19 && a.bytes().all(|c| c.is_ascii_digit()));
        let uba = user_id_by_app("app", "123");
        assert_eq!(uba.len(), 19);
        assert_eq!(uba, user_id_by_app("app", "123"));
    }

    #[test]
    fn message_ids_are_twenty_hex_digits() {
        let mut s = State::new("r");
        let a = s.next_msg_id();
        let b = s.next_msg_id();
        assert_ne!(a, b);
        for id in [a, b] {
            assert!(
                id.len() == 20
                    && id
                        .bytes()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                "{id}"
            );
        }
    }
}
