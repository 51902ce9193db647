//! The workers between the webhook and Zalo: the inbox worker turns stored events into replies,
//! the delivery worker sends the outbox to the OA API. Both lease rows, so a crash or a second
//! process never loses or doubles work.

pub mod call_budget;
pub mod delivery;
pub mod inbox;

use std::time::Duration;

use rand::Rng;
use tokio_util::sync::CancellationToken;

/// An outbox row for a customer-service message to `to`, sealed.
pub fn outbound(
    vault: &crate::vault::Vault,
    dedupe_key: String,
    inbox_id: Option<i64>,
    to: &str,
    message: &crate::zalo::messages::CsMessage,
) -> crate::store::NewOutbound {
    outbound_call(
        vault,
        dedupe_key,
        inbox_id,
        to,
        None,
        message.to_request(to),
    )
}

/// An outbox row for any OA API call about `to` (`path` `None`: a customer-service message),
/// sealed; the delivery worker reads `path` and `body` back.
pub fn outbound_call(
    vault: &crate::vault::Vault,
    dedupe_key: String,
    inbox_id: Option<i64>,
    to: &str,
    path: Option<&str>,
    body: serde_json::Value,
) -> crate::store::NewOutbound {
    let payload = serde_json::json!({"user_id": to, "path": path, "body": body});
    crate::store::NewOutbound {
        dedupe_key,
        inbox_id,
        recipient_key: vault.user_key(to),
        payload: vault.seal(payload.to_string().as_bytes()),
    }
}

/// Zalo's customer-service window: 7 days after the resident's last interaction.
pub const REPLY_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;

/// Exponential backoff with "equal" jitter: a random delay in `[cap/2, cap]`, where
/// `cap = min(max, base·2^attempt)`, so retries spread out but never come back at once.
/// Written here rather than taken from a crate because the schedule is persisted in the outbox
/// row (`next_attempt_at`), not slept in memory.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exp = base.saturating_mul(1u32.checked_shl(attempt.min(30)).unwrap_or(u32::MAX));
    let cap = exp.min(max).as_millis() as u64;
    Duration::from_millis(rand::thread_rng().gen_range(cap / 2..=cap.max(1)))
}

/// Waits for a wake-up, the poll interval, or shutdown; `false` means stop.
async fn idle(notify: &tokio::sync::Notify, poll: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = notify.notified() => true,
        _ = tokio::time::sleep(poll) => true,
        _ = shutdown.cancelled() => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(10);
        for _ in 0..100 {
            assert!(backoff(0, base, max) <= base);
            let d = backoff(3, base, max);
            assert!(d >= Duration::from_millis(400) && d <= Duration::from_millis(800));
            assert!(backoff(40, base, max) <= max);
        }
    }
}
