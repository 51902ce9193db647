//! The group sync: once at start-up, every `zalo.group_sync_minutes`, and a moment after a
//! member joins or leaves a group (the inbox worker wakes it), reads each live khu phố group's
//! details from Zalo (`getgroup`). Its member count is kept for `/group`; a
//! group Zalo no longer has (`-237` asset expired, `-403` not the OA's, or a status saying it
//! is disabled) is marked gone, just as a refused message marks it, so the chief is told once
//! even when nobody has posted to it since.
//!
//! The answer's shape is read tolerantly: no real `getgroup` answer was found (docs/PLATFORM.md
//! §8), so the count is taken from `total_member` at the top of `data` or under `group_info`.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::Value;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::call_budget::CallLimiter;
use super::token::TokenManager;
use crate::store::{GroupState, Store};
use crate::time::SharedClock;
use crate::zalo::client::ZaloClient;
use crate::zalo::error::{ApiError, Disposition};
use crate::zalo::gmf::GET_GROUP_PATH;

/// Everything the group sync needs.
#[derive(Clone)]
pub struct GroupSync {
    /// Database.
    pub store: Store,
    /// OA API.
    pub client: ZaloClient,
    /// Access tokens.
    pub tokens: Arc<TokenManager>,
    /// The app's call budget, shared with the delivery workers.
    pub limiter: Arc<CallLimiter>,
    /// Where "now" comes from.
    pub clock: SharedClock,
    /// Woken by the inbox worker when a group's members change.
    pub changed: Arc<Notify>,
}

/// How long the sync waits after a membership change before reading: a burst of joins (a link
/// shared at a meeting) becomes one pass.
const SETTLE: Duration = Duration::from_secs(2);

/// What one pass found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Synced {
    /// Groups whose member count was stored.
    pub counted: usize,
    /// Groups newly marked gone.
    pub gone: usize,
    /// Groups Zalo could not be asked about this time.
    pub failed: usize,
}

/// What Zalo said about one group.
enum Seen {
    Members(i64),
    Gone,
    Unreadable,
}

impl GroupSync {
    /// One pass over the live groups.
    pub async fn run_once(&self) -> anyhow::Result<Synced> {
        let groups = {
            let mut tx = self.store.begin().await?;
            let rows = self.store.area_groups(&mut tx).await?;
            tx.commit().await?;
            rows
        };
        let mut synced = Synced::default();
        for group in groups.iter().filter(|g| g.state == GroupState::Active) {
            let seen = match self.ask(&group.group_id).await {
                Ok(data) => read_group(&data),
                Err(ApiError::Zalo {
                    code: -237 | -403, ..
                }) => Seen::Gone,
                Err(err) => {
                    tracing::warn!(code = %err.metric_code(), "reading a khu phố group failed");
                    synced.failed += 1;
                    continue;
                }
            };
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            match seen {
                Seen::Members(count) => {
                    self.store
                        .set_group_members(&mut tx, &group.group_id, count, now)
                        .await?;
                    synced.counted += 1;
                }
                Seen::Gone => {
                    if self
                        .store
                        .mark_group_gone(&mut tx, &group.group_id, now)
                        .await?
                    {
                        tracing::warn!("a khu phố group is gone; marked");
                        synced.gone += 1;
                    }
                }
                Seen::Unreadable => {
                    tracing::warn!("Zalo's getgroup answer has no member count");
                    synced.failed += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(synced)
    }

    /// `getgroup` for one group, with one retry on a fresh token if the token was refused.
    async fn ask(&self, group_id: &str) -> Result<Value, ApiError> {
        let query = [("group_id", group_id)];
        let token = self
            .tokens
            .access_token()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        self.limiter.take(1).await;
        let first = self
            .client
            .get_api(GET_GROUP_PATH, token.token.expose_secret(), &query)
            .await;
        match first {
            Err(err) if err.disposition() == Disposition::RefreshToken => {
                let fresh = self
                    .tokens
                    .token_rejected(&token)
                    .await
                    .map_err(|e| ApiError::Network(e.to_string()))?;
                self.limiter.take(1).await;
                self.client
                    .get_api(GET_GROUP_PATH, fresh.token.expose_secret(), &query)
                    .await
            }
            other => other,
        }
    }

    /// Runs [`Self::run_once`] now, then every `interval` and [`SETTLE`] after a membership
    /// change, until shutdown.
    pub async fn run(self, interval: Duration, shutdown: CancellationToken) -> anyhow::Result<()> {
        loop {
            if let Err(err) = self.run_once().await {
                self.store.note_storage_error();
                tracing::warn!(error = %err, "group sync failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = self.changed.notified() => {
                    tokio::select! {
                        _ = tokio::time::sleep(SETTLE) => {}
                        _ = shutdown.cancelled() => return Ok(()),
                    }
                }
                _ = shutdown.cancelled() => return Ok(()),
            }
        }
    }
}

/// The member count, or that the group is disabled, from `getgroup`'s `data`.
fn read_group(data: &Value) -> Seen {
    let info = data.get("group_info").unwrap_or(data);
    let status = info
        .get("status")
        .or_else(|| data.get("status"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if matches!(status, "disabled" | "deleted" | "expired") {
        return Seen::Gone;
    }
    let count = info
        .get("total_member")
        .or_else(|| data.get("total_member"))
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
    match count {
        Some(n) if n >= 0 => Seen::Members(n),
        _ => Seen::Unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_count_is_read_from_either_shape() {
        let flat = json!({"group_id": "1", "total_member": 12, "status": "enabled"});
        let nested = json!({"group_info": {"group_id": "1", "total_member": "7"}});
        assert!(matches!(read_group(&flat), Seen::Members(12)));
        assert!(matches!(read_group(&nested), Seen::Members(7)));
    }

    #[test]
    fn a_disabled_group_is_gone_and_a_bare_answer_is_unreadable() {
        let disabled = json!({"total_member": 3, "status": "disabled"});
        assert!(matches!(read_group(&disabled), Seen::Gone));
        assert!(matches!(read_group(&json!({})), Seen::Unreadable));
        assert!(matches!(
            read_group(&json!({"total_member": -1})),
            Seen::Unreadable
        ));
    }
}
