//! The delivery worker: leases due outbox rows and sends them to the OA API under a global rate
//! limit, classifying failures by Zalo's error table — retry with backoff, refresh the token
//! once, park until the resident writes again, or fail for good.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::after_call::follow_ups;
use super::call_budget::CallLimiter;
use super::token::TokenManager;
use super::{backoff, idle};
use crate::conversation::outbox::AfterCall;
use crate::conversation::texts::Texts;
use crate::store::{ClaimedOutbound, DeliveryResult, FollowUp, OutboxState, Store};
use crate::time::{SharedClock, Timestamp};
use crate::vault::Vault;
use crate::zalo::client::ZaloClient;
use crate::zalo::error::{ApiError, Disposition};
use crate::zalo::gmf::GROUP_MESSAGE_PATH;
use crate::zalo::REPLY_WINDOW;

/// Everything a delivery worker needs.
#[derive(Clone)]
pub struct DeliveryWorker {
    /// Database.
    pub store: Store,
    /// Opens sealed payloads.
    pub vault: Vault,
    /// OA API.
    pub client: ZaloClient,
    /// Access tokens.
    pub tokens: Arc<TokenManager>,
    /// Shared by all workers of the process.
    pub limiter: Arc<CallLimiter>,
    /// Woken when messages are queued.
    pub outbox_ready: Arc<Notify>,
    /// Retry policy and lease.
    pub policy: RetryPolicy,
    /// Rows this process sent whose results are not recorded yet (the database refused the
    /// write): shared by the process's delivery workers, none of which sends them again when
    /// their lease ends. Another process may, on PostgreSQL: at least once, never lost.
    pub unrecorded: Arc<Mutex<HashSet<i64>>>,
    /// Where "now" comes from.
    pub clock: SharedClock,
    /// What an officer is told when a call made for them comes back ([`AfterCall`]).
    pub texts: Texts,
}

/// When to retry and when to give up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts before a message is failed.
    pub max_attempts: u32,
    /// First retry delay.
    pub base: Duration,
    /// Largest retry delay.
    pub max: Duration,
    /// Lease on a claimed row.
    pub lease: Duration,
    /// Idle poll interval.
    pub poll: Duration,
}

/// The sealed outbox payload: the request body, the OA API path it goes to (a
/// customer-service message unless said otherwise, e.g. a tag change) and what to do with the
/// answer, if anything. `user_id` is stored beside them for diagnostics; the body already
/// addresses the recipient.
#[derive(Deserialize)]
struct Payload {
    body: serde_json::Value,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    then: Option<AfterCall>,
}

/// The customer-service message endpoint.
pub const CS_PATH: &str = "/v3.0/oa/message/cs";

impl Payload {
    fn path(&self) -> &str {
        self.path.as_deref().unwrap_or(CS_PATH)
    }
}

/// How one delivery attempt ended: Zalo's `data`, or the error.
enum Outcome {
    Sent(serde_json::Value),
    Failed(ApiError),
}

/// What one row's attempt leaves to record: its result, and what its answer also writes.
struct Delivered {
    result: DeliveryResult,
    follow_ups: Vec<FollowUp>,
}

/// Rows one worker leases and sends at once. They are all for different recipients (the claim
/// takes only each recipient's oldest pending row), so sending them concurrently keeps every
/// resident's messages in order.
const BATCH: i64 = 32;

/// The longest wait between attempts to record a batch's results. Short, so the record lands
/// soon after room is back and well inside the rows' lease.
const RECORD_RETRY_MAX: Duration = Duration::from_secs(2);

impl DeliveryWorker {
    /// Runs until shutdown, finishing the batch in hand first.
    pub async fn run(self, worker_id: String, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match self.run_once(&worker_id, &shutdown).await {
                Ok(0) => {
                    if !idle(&self.outbox_ready, self.policy.poll, &shutdown).await {
                        break;
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    self.store.note_storage_error();
                    tracing::error!(error = %err, "delivery step failed; retrying after the poll interval");
                    tokio::time::sleep(self.policy.poll).await;
                }
            }
        }
    }

    /// One step: leases due messages, sends them, and records the results. Returns how many
    /// were attempted (0: nothing was due, or only rows whose results are still unrecorded).
    /// On an error nothing was sent: the rows are retried once their lease ends.
    pub async fn run_once(
        &self,
        worker_id: &str,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<usize> {
        // No more than can be sent at once: rows wait for the rate limit while still
        // unclaimed, so a crash can only repeat calls that were actually in flight.
        let limit = BATCH.min(i64::from(self.limiter.burst()));
        let batch = self
            .store
            .claim_outbound(worker_id, self.clock.now(), self.policy.lease, limit)
            .await
            .map_err(|err| anyhow::anyhow!("claiming outbox failed: {err}"))?;
        if batch.len() as i64 == limit {
            self.outbox_ready.notify_one();
        }
        let batch = self.without_unrecorded(batch);
        if batch.is_empty() {
            return Ok(0);
        }
        let claimed_at = std::time::Instant::now();
        // Nothing reaches a resident before the commit that queued it is on disk: a power
        // cut must not leave a case code or a revealed identity that the database forgot.
        self.store
            .make_durable()
            .await
            .map_err(|err| anyhow::anyhow!("fsync before delivery failed: {err}"))?;
        self.limiter.take(batch.len()).await;
        // A long wait for the call budget may have outlived the lease: send only rows still
        // ours, or another worker that took them over would send them too.
        let batch = if claimed_at.elapsed() > self.policy.lease / 4 {
            self.renew(worker_id, batch)
                .await
                .map_err(|err| anyhow::anyhow!("renewing outbox leases failed: {err}"))?
        } else {
            batch
        };
        let delivered = futures::future::join_all(batch.iter().map(|row| self.deliver(row))).await;
        let (results, follow_ups): (Vec<_>, Vec<_>) = delivered
            .into_iter()
            .map(|d| (d.result, d.follow_ups))
            .unzip();
        let follow_ups: Vec<FollowUp> = follow_ups.into_iter().flatten().collect();
        self.record(worker_id, &results, &follow_ups, shutdown)
            .await;
        // A recipient's next message becomes due once this one is recorded.
        self.outbox_ready.notify_one();
        Ok(results.len())
    }

    /// Records what became of a batch, retrying while the database refuses writes (a full
    /// disk): the messages are already with Zalo, and a row left `pending` would be sent again
    /// when its lease ends. Gives up only at shutdown, after one last try; then the rows are
    /// sent again by whoever claims them next (at least once, never lost).
    async fn record(
        &self,
        worker_id: &str,
        results: &[DeliveryResult],
        follow_ups: &[FollowUp],
        shutdown: &CancellationToken,
    ) {
        let mut delay = Duration::from_millis(100);
        let mut held = false;
        loop {
            let Err(err) = self
                .store
                .record_deliveries(worker_id, results, follow_ups, self.clock.now())
                .await
            else {
                if held {
                    let mut unrecorded = self.unrecorded.lock().expect("not poisoned");
                    for result in results {
                        unrecorded.remove(&result.id());
                    }
                }
                return;
            };
            self.store.note_storage_error();
            if !held {
                let mut unrecorded = self.unrecorded.lock().expect("not poisoned");
                unrecorded.extend(results.iter().map(DeliveryResult::id));
                held = true;
            }
            if shutdown.is_cancelled() {
                tracing::error!(error = %err, rows = results.len(), "recording delivery results failed at shutdown; the rows will be sent again");
                return;
            }
            tracing::error!(error = %err, rows = results.len(), "recording delivery results failed; retrying");
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shutdown.cancelled() => {}
            }
            delay = (delay * 2).min(RECORD_RETRY_MAX);
        }
    }

    /// Leaves out rows whose sending is done but not yet recorded by a sibling worker.
    fn without_unrecorded(&self, batch: Vec<ClaimedOutbound>) -> Vec<ClaimedOutbound> {
        let unrecorded = self.unrecorded.lock().expect("not poisoned");
        if unrecorded.is_empty() {
            return batch;
        }
        batch
            .into_iter()
            .filter(|row| !unrecorded.contains(&row.id))
            .collect()
    }

    /// Extends the lease on `batch`, keeping the rows this worker still holds.
    async fn renew(
        &self,
        worker_id: &str,
        batch: Vec<ClaimedOutbound>,
    ) -> sqlx::Result<Vec<ClaimedOutbound>> {
        let ids: Vec<i64> = batch.iter().map(|row| row.id).collect();
        let until = self.clock.now().plus(self.policy.lease);
        let held = self
            .store
            .renew_outbound_leases(worker_id, &ids, until)
            .await?;
        if held.len() < batch.len() {
            metrics::counter!("ketnoi_outbox_leases_lost_total")
                .increment((batch.len() - held.len()) as u64);
        }
        Ok(batch
            .into_iter()
            .filter(|row| held.contains(&row.id))
            .collect())
    }

    /// One row: send it, and what its answer also writes.
    #[tracing::instrument(skip_all, fields(outbox_id = row.id, attempt = row.attempts))]
    async fn deliver(&self, row: &ClaimedOutbound) -> Delivered {
        let Some(payload) = self.open(row) else {
            return Delivered {
                result: DeliveryResult::Deferred {
                    id: row.id,
                    status: OutboxState::Failed,
                    next_attempt_at: self.clock.now(),
                    error_code: "sealed".to_owned(),
                    error: "payload cannot be opened".to_owned(),
                },
                follow_ups: Vec::new(),
            };
        };
        let (result, answer) = self.attempt(row, &payload).await;
        // A call still being retried has no answer yet.
        let settled = match (&result, &answer) {
            (DeliveryResult::Sent { .. }, Ok(data)) => Some(Ok(data)),
            (DeliveryResult::Deferred { status, .. }, Err(Some(err)))
                if *status != OutboxState::Pending =>
            {
                Some(Err(err))
            }
            _ => None,
        };
        let follow_ups = match (&payload.then, settled) {
            (Some(after), Some(answer)) => {
                follow_ups(after, answer, row.id, &self.texts, &self.vault)
            }
            _ => Vec::new(),
        };
        Delivered { result, follow_ups }
    }

    /// One attempt: check the reply window, send, and decide what the row becomes; with Zalo's
    /// answer (`Err(None)`: no call was made).
    async fn attempt(
        &self,
        row: &ClaimedOutbound,
        payload: &Payload,
    ) -> (DeliveryResult, Result<serde_json::Value, Option<ApiError>>) {
        use OutboxState::{Failed, Parked, Pending};
        let deferred = |status: OutboxState, at: Timestamp, code: &str, error: &str| {
            DeliveryResult::Deferred {
                id: row.id,
                status,
                next_attempt_at: at,
                error_code: code.to_owned(),
                error: error.to_owned(),
            }
        };
        // Known closed window: do not spend an API call Zalo will refuse with -230.
        let now = self.clock.now();
        let last = row.last_interaction_at;
        if payload.path() == CS_PATH && last.is_none_or(|t| now.since(t) > REPLY_WINDOW) {
            metrics::counter!("ketnoi_outbox_parked_total", "reason" => "window").increment(1);
            return (
                deferred(Parked, now, "window", "reply window closed"),
                Err(None),
            );
        }
        match self.send(payload).await {
            Outcome::Sent(data) => {
                metrics::counter!("ketnoi_outbox_sent_total").increment(1);
                // A message's Zalo id; other calls answer with none.
                let zalo_message_id = data
                    .get("message_id")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned();
                let sent = DeliveryResult::Sent {
                    id: row.id,
                    zalo_message_id,
                };
                (sent, Ok(data))
            }
            Outcome::Failed(err) => {
                self.note_group_gone(payload, &err).await;
                let code = err.metric_code();
                let (status, at) = match err.disposition() {
                    Disposition::Park => (Parked, now),
                    Disposition::Fail => (Failed, now),
                    Disposition::Retry | Disposition::RefreshToken
                        if row.attempts >= i64::from(self.policy.max_attempts) =>
                    {
                        (Failed, now)
                    }
                    Disposition::Retry | Disposition::RefreshToken => {
                        let delay = backoff(row.attempts as u32, self.policy.base, self.policy.max);
                        (Pending, now.plus(delay))
                    }
                };
                if status == Failed {
                    tracing::warn!(code = %code, error = %err, "message failed permanently");
                } else {
                    tracing::info!(code = %code, status = status.id(), "delivery deferred");
                }
                metrics::counter!("ketnoi_outbox_errors_total", "code" => code.clone(), "outcome" => status.id()).increment(1);
                (
                    deferred(status, at, &code, &err.to_string()),
                    Err(Some(err)),
                )
            }
        }
    }

    /// A group message refused because the group is gone (`-237` asset expired or group
    /// disabled, `-403` the OA no longer owns it): the group is marked, so the next alert skips
    /// it and the SLA check tells the chief once. The message itself fails like any other.
    async fn note_group_gone(&self, payload: &Payload, err: &ApiError) {
        let gone = matches!(
            err,
            ApiError::Zalo {
                code: -237 | -403,
                ..
            }
        );
        if !gone || payload.path() != GROUP_MESSAGE_PATH {
            return;
        }
        let Some(group_id) = payload.body["recipient"]["group_id"].as_str() else {
            return;
        };
        let marked = async {
            let mut tx = self.store.begin().await?;
            let marked = self
                .store
                .mark_group_gone(&mut tx, group_id, self.clock.now())
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(marked)
        };
        match marked.await {
            Ok(true) => {
                tracing::warn!(code = %err.metric_code(), "a khu phố group is gone; marked")
            }
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "marking a gone group failed"),
        }
    }

    /// One API call; Zalo's `data` comes back.
    async fn call(&self, token: &str, payload: &Payload) -> Result<serde_json::Value, ApiError> {
        self.client
            .post_api(payload.path(), token, &payload.body)
            .await
    }

    fn open(&self, row: &ClaimedOutbound) -> Option<Payload> {
        let plain = self.vault.open(&row.payload).ok()?;
        serde_json::from_slice(&plain).ok()
    }

    /// One send, plus one retry with a fresh token if Zalo refused the token.
    async fn send(&self, payload: &Payload) -> Outcome {
        let token = match self.tokens.access_token().await {
            Ok(token) => token,
            Err(err) => return Outcome::Failed(ApiError::Network(err.to_string())),
        };
        // The budget for this first call was taken with the batch.
        let first = self.call(token.token.expose_secret(), payload).await;
        let err = match first {
            Ok(data) => return Outcome::Sent(data),
            Err(err) if err.disposition() == Disposition::RefreshToken => err,
            Err(err) => return Outcome::Failed(err),
        };
        tracing::info!(code = %err.metric_code(), "access token refused; refreshing");
        let fresh = match self.tokens.token_rejected(&token).await {
            Ok(fresh) => fresh,
            Err(refresh_err) => return Outcome::Failed(ApiError::Network(refresh_err.to_string())),
        };
        self.limiter.take(1).await;
        match self.call(fresh.token.expose_secret(), payload).await {
            Ok(data) => Outcome::Sent(data),
            Err(err) => Outcome::Failed(err),
        }
    }
}
