//! The inbox worker: leases stored events, runs the bot, and commits the replies together with
//! the event's completion in one transaction.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::idle;
use crate::conversation::Turn;
use crate::dispatch::Dispatcher;
use crate::ids::ZaloId;
use crate::store::{ClaimedEvent, Store, Tx};
use crate::time::{SharedClock, Timestamp};
use crate::vault::Vault;
use crate::zalo::events::{EventKind, ZaloEvent};

/// Everything an inbox worker needs.
#[derive(Clone)]
pub struct InboxWorker {
    /// Database.
    pub store: Store,
    /// Opens sealed events, seals replies.
    pub vault: Vault,
    /// Who handles each event: the resident bot or the officers' console.
    pub bot: Arc<Dispatcher>,
    /// Woken by the webhook when an event is stored.
    pub inbox_ready: Arc<Notify>,
    /// Woken when replies are queued.
    pub outbox_ready: Arc<Notify>,
    /// Lease length.
    pub lease: Duration,
    /// Idle poll interval.
    pub poll: Duration,
    /// Attempts before an event is dead-lettered.
    pub max_attempts: u32,
    /// Where "now" comes from.
    pub clock: SharedClock,
    /// Woken when a khu phố group's members change, so the group sync reads the new count.
    pub groups_changed: Arc<Notify>,
}

/// How many events one claim takes.
const BATCH: i64 = 16;

impl InboxWorker {
    /// Runs until shutdown, finishing the batch in hand first.
    pub async fn run(self, worker_id: String, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match self.run_once(&worker_id).await {
                Ok(0) => {
                    if !idle(&self.inbox_ready, self.poll, &shutdown).await {
                        break;
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    self.store.note_storage_error();
                    tracing::error!(error = %err, "claiming events failed");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// One step: claims a batch of due events and handles it. Returns how many events were
    /// claimed (0: nothing was due). Tests call this instead of waiting for a running worker.
    pub async fn run_once(&self, worker_id: &str) -> sqlx::Result<usize> {
        let batch = self
            .store
            .claim_events(worker_id, self.clock.now(), self.lease, BATCH)
            .await?;
        let claimed = batch.len();
        if claimed as i64 == BATCH {
            // More may be waiting: let a sibling worker start on them.
            self.inbox_ready.notify_one();
        }
        if claimed > 0 {
            self.process_batch(worker_id, batch).await;
        }
        Ok(claimed)
    }

    /// Processes a claimed batch in one transaction: one commit for all of it instead of one
    /// per event (each resident appears at most once in a batch, see `claim_events`). If any
    /// event's handling fails, the batch is rolled back and its events are processed one by
    /// one, so one bad event cannot hold back the others.
    async fn process_batch(&self, worker_id: &str, batch: Vec<ClaimedEvent>) {
        let now = self.clock.now();
        let mut opened = Vec::with_capacity(batch.len());
        for claimed in batch {
            match self.open(&claimed) {
                Ok(event) => opened.push((claimed, event)),
                Err(reason) => {
                    tracing::error!(
                        event_id = claimed.id,
                        reason,
                        "stored event cannot be processed; marked failed"
                    );
                    let _ = self
                        .store
                        .fail_event(claimed.id, worker_id, reason, now)
                        .await;
                }
            }
        }
        if opened.len() > 1 {
            match self.commit_batch(worker_id, &opened, now).await {
                Ok(()) => return,
                Err(err) => {
                    self.store.note_storage_error();
                    tracing::warn!(error = %err, events = opened.len(), "batch failed; processing its events one by one");
                }
            }
        }
        for (claimed, event) in &opened {
            self.process_one(worker_id, claimed, event, now).await;
        }
    }

    async fn commit_batch(
        &self,
        worker_id: &str,
        opened: &[(ClaimedEvent, ZaloEvent)],
        now: Timestamp,
    ) -> sqlx::Result<()> {
        let mut tx = self.store.begin_lazy().await?;
        let ids: Vec<i64> = opened.iter().map(|(claimed, _)| claimed.id).collect();
        // First, so events whose lease was lost are found before any work is written.
        let ours = self
            .store
            .finish_events(&mut tx, &ids, worker_id, now)
            .await?;
        let mut queued = false;
        let mut done = Vec::with_capacity(ours.len());
        for (claimed, event) in opened {
            if ours.binary_search(&claimed.id).is_err() {
                tracing::warn!(
                    event_id = claimed.id,
                    "lease lost to another worker; its result stands"
                );
                continue;
            }
            queued |= self.apply(&mut tx, claimed, event, now).await?;
            done.push(event.kind());
        }
        tx.commit().await?;
        if queued {
            self.outbox_ready.notify_one();
        }
        for kind in done {
            count_processed(kind);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(event_id = claimed.id, event_name = %claimed.event_name))]
    async fn process_one(
        &self,
        worker_id: &str,
        claimed: &ClaimedEvent,
        event: &ZaloEvent,
        now: Timestamp,
    ) {
        match self.commit_one(worker_id, claimed, event, now).await {
            Ok(true) => count_processed(event.kind()),
            Ok(false) => tracing::warn!("lease lost to another worker; its result stands"),
            Err(err) if claimed.attempts >= i64::from(self.max_attempts) => {
                self.store.note_storage_error();
                // A poison event: retried forever it would lock its resident out for good (their
                // events are handled in order). Kept as `failed` for the chief to see.
                tracing::error!(error = %err, attempts = claimed.attempts, "processing keeps failing; event dead-lettered");
                metrics::counter!("ketnoi_events_dead_lettered_total").increment(1);
                let _ = self
                    .store
                    .fail_event(claimed.id, worker_id, &err.to_string(), now)
                    .await;
            }
            Err(err) => {
                self.store.note_storage_error();
                tracing::error!(error = %err, "processing failed; will retry");
                let retry_at = now.plus(retry_delay(claimed.attempts));
                let _ = self
                    .store
                    .release_event(claimed.id, worker_id, &err.to_string(), retry_at)
                    .await;
            }
        }
    }

    fn open(&self, claimed: &ClaimedEvent) -> Result<ZaloEvent, &'static str> {
        let body = self
            .vault
            .open(&claimed.body)
            .map_err(|_| "sealed body cannot be opened")?;
        serde_json::from_slice(&body).map_err(|_| "stored body is not a Zalo event")
    }

    /// Completes one event in its own transaction. `Ok(false)`: the lease was lost.
    async fn commit_one(
        &self,
        worker_id: &str,
        claimed: &ClaimedEvent,
        event: &ZaloEvent,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let mut tx = self.store.begin().await?;
        // First, so a lost lease is found before any work is written.
        if !self
            .store
            .finish_event(&mut tx, claimed.id, worker_id, now)
            .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        let queued = self.apply(&mut tx, claimed, event, now).await?;
        tx.commit().await?;
        if queued {
            self.outbox_ready.notify_one();
        }
        Ok(true)
    }

    /// Records the interaction, runs the bot and queues its replies inside `tx`, which also
    /// marks the event done: either everything happened or nothing did. Returns whether
    /// anything was queued for delivery.
    async fn apply(
        &self,
        tx: &mut Tx,
        claimed: &ClaimedEvent,
        event: &ZaloEvent,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        // A group deleted or dissolved (the event has no user): marked, the chief told once
        // by the SLA check.
        if event.kind() == EventKind::Group
            && matches!(event.event_name.as_str(), "delete_group" | "disperse_group")
        {
            if let Some(group_id) = event.group() {
                self.store.mark_group_gone(tx, group_id, now).await?;
            }
            return Ok(false);
        }
        // Someone joined or left a group, or its admins or details changed (Zalo's names for
        // these differ by source; docs/PLATFORM.md §8 item 9): the sync reads it again.
        if event.kind() == EventKind::Group && !event.is_group_message() && event.group().is_some()
        {
            self.groups_changed.notify_one();
            return Ok(false);
        }
        let Some(user_id) = event.user_id().map(ZaloId::new) else {
            return Ok(false);
        };
        let user_key = self.vault.user_key(user_id.as_str());
        if counts_as_interaction(event) {
            let at = event.timestamp_ms().map_or(now, Timestamp::from_millis);
            let sealed_id = self.vault.seal(user_id.as_str().as_bytes());
            // A message in a group cannot be quoted in a 1:1 answer later.
            let quotable = event.msg_id().filter(|_| !event.is_group_message());
            self.store
                .touch_resident(tx, &user_key, &sealed_id, quotable, at)
                .await?;
            let released = self.store.unpark(tx, &user_key, now).await?;
            if released > 0 {
                tracing::info!(released, "resident wrote again; parked messages released");
            }
        }
        let mut turn = Turn {
            store: &self.store,
            tx,
            vault: &self.vault,
            event,
            user_id: &user_id,
            user_key: &user_key,
            now,
            inbox_id: claimed.id,
            calls: Vec::new(),
        };
        let replies = self.bot.handle(&mut turn).await?;
        let calls = std::mem::take(&mut turn.calls);
        super::enqueue_replies(
            &self.store,
            tx,
            &self.vault,
            &format!("event:{}", claimed.id),
            Some(claimed.id),
            &replies,
            &calls,
            now,
        )
        .await
    }
}

/// 2 s, 4 s, 8 s … after each failed attempt, at most 5 minutes.
fn retry_delay(attempts: i64) -> Duration {
    Duration::from_secs((1u64 << attempts.clamp(1, 9)).min(300))
}

fn count_processed(kind: EventKind) {
    metrics::counter!("ketnoi_events_processed_total", "kind" => format!("{kind:?}")).increment(1);
}

/// Events that open or refresh Zalo's 7-day customer-service window (docs/PLATFORM.md §4).
fn counts_as_interaction(event: &ZaloEvent) -> bool {
    match event.kind() {
        EventKind::UserMessage | EventKind::Follow | EventKind::ChatNow | EventKind::SubmitInfo => {
            true
        }
        EventKind::Reaction => event.event_name.starts_with("user_"),
        // Writing in an OA's group opens the member's window too (docs/PLATFORM.md §7).
        EventKind::Group => event.is_group_message(),
        _ => false,
    }
}
