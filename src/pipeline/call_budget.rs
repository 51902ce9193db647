//! The OA API call budget. Zalo allows 4000 calls a minute per app (docs/PLATFORM.md §7) and
//! answers `-32` beyond it. Within a process a token bucket (governor) spreads calls out in
//! bursts of at most a second's worth. Processes sharing a PostgreSQL database also reserve
//! their calls from one table (`api_call_budget`) in 10-second windows of a sixth of the
//! per-minute limit each, so `zalo.rate_limit_per_minute` is the limit of the whole app however
//! many `serve` processes run: any 60 seconds then hold at most 7/6 of it (e.g. 3,500 for the
//! default 3,000, under Zalo's 4,000).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::Mutex;

use crate::store::Store;
use crate::time::Timestamp;

/// Length of a shared budget window.
const WINDOW_MS: i64 = 10_000;

/// The process's call budget.
pub struct CallLimiter {
    local: DefaultDirectRateLimiter,
    burst: NonZeroU32,
    shared: Option<SharedBudget>,
}

/// Calls reserved from the shared table and not yet made, for the current window.
struct SharedBudget {
    store: Store,
    per_window: i64,
    chunk: i64,
    reserved: Mutex<(i64, i64)>,
}

impl CallLimiter {
    /// `per_minute` calls for this process alone (SQLite: one process).
    pub fn local(per_minute: u32) -> Arc<CallLimiter> {
        Arc::new(Self::build(per_minute, None))
    }

    /// `per_minute` calls for all processes sharing `store` together.
    pub fn shared(per_minute: u32, store: Store) -> Arc<CallLimiter> {
        let per_window = (i64::from(per_minute) * WINDOW_MS / 60_000).max(1);
        let budget = SharedBudget {
            store,
            per_window,
            // Few round trips, little left unused when a window ends.
            chunk: (per_window / 50).clamp(1, 10),
            reserved: Mutex::new((0, 0)),
        };
        Arc::new(Self::build(per_minute, Some(budget)))
    }

    fn build(per_minute: u32, shared: Option<SharedBudget>) -> CallLimiter {
        let per_minute = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
        let burst = NonZeroU32::new((per_minute.get() / 60).max(1)).expect("at least 1");
        CallLimiter {
            local: RateLimiter::direct(Quota::per_minute(per_minute).allow_burst(burst)),
            burst,
            shared,
        }
    }

    /// Most calls that can be taken at once.
    pub fn burst(&self) -> u32 {
        self.burst.get()
    }

    /// Waits until `n` calls (clamped to 1..=burst) may be made now, and takes them.
    pub async fn take(&self, n: usize) {
        let n = u32::try_from(n)
            .unwrap_or(u32::MAX)
            .clamp(1, self.burst.get());
        // Cannot fail: n is within the burst.
        let _ = self
            .local
            .until_n_ready(NonZeroU32::new(n).expect("at least 1"))
            .await;
        if let Some(shared) = &self.shared {
            shared.take(i64::from(n)).await;
        }
    }
}

impl SharedBudget {
    async fn take(&self, n: i64) {
        loop {
            let now = Timestamp::now().as_millis();
            match self.try_take(now, n).await {
                Ok(true) => return,
                Ok(false) => {
                    metrics::counter!("ketnoi_call_budget_exhausted_total").increment(1);
                    let next_window = (now / WINDOW_MS + 1) * WINDOW_MS;
                    tokio::time::sleep(Duration::from_millis((next_window - now) as u64)).await;
                }
                Err(err) => {
                    tracing::error!(error = %err, "reserving OA API calls failed; retrying");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        }
    }

    /// Takes `n` calls at time `now` from what this process reserved, reserving more from the
    /// table when needed; `false` when the window has none left for this process.
    async fn try_take(&self, now: i64, n: i64) -> sqlx::Result<bool> {
        let window = now / WINDOW_MS * WINDOW_MS;
        let mut reserved = self.reserved.lock().await;
        if reserved.0 != window {
            // What was left of an earlier window is gone with it.
            *reserved = (window, 0);
        }
        while reserved.1 < n {
            let want = self.chunk.max(n - reserved.1);
            if !self
                .store
                .reserve_calls(window, want, self.per_window)
                .await?
            {
                return Ok(false);
            }
            reserved.1 += want;
        }
        reserved.1 -= n;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/k.db", dir.path().display());
        let store = Store::connect(&url, 1).await.unwrap();
        store.migrate().await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn processes_sharing_a_database_share_one_window() {
        let (_dir, store) = store().await;
        // 600 a minute: 100 per 10-second window, reserved in chunks of 2.
        let a = CallLimiter::shared(600, store.clone());
        let b = CallLimiter::shared(600, store.clone());
        let (a, b) = (a.shared.as_ref().unwrap(), b.shared.as_ref().unwrap());
        let now = 1_000_000_000;
        let mut granted = 0;
        for _ in 0..200 {
            for budget in [a, b] {
                if budget.try_take(now, 1).await.unwrap() {
                    granted += 1;
                }
            }
        }
        assert_eq!(
            granted, 100,
            "both processes together get one window's budget"
        );
        assert!(!a.try_take(now + 9_999, 1).await.unwrap());
        assert!(
            b.try_take(now + WINDOW_MS, 1).await.unwrap(),
            "the next window starts afresh"
        );
    }

    #[tokio::test]
    async fn a_call_larger_than_the_chunk_is_reserved_whole() {
        let (_dir, store) = store().await;
        let limiter = CallLimiter::shared(3000, store);
        let shared = limiter.shared.as_ref().unwrap();
        assert_eq!(shared.chunk, 10);
        assert!(shared.try_take(0, 50).await.unwrap());
        assert_eq!(*shared.reserved.lock().await, (0, 0));
        assert!(shared.try_take(5, 3).await.unwrap());
        assert_eq!(*shared.reserved.lock().await, (0, 7));
    }
}
