//! `outbox`: messages to residents, written in the same transaction as the change that caused
//! them, delivered by the delivery workers in per-recipient order.

use std::time::Duration;

use super::{Store, Tx};
use crate::ids::UserKey;
use crate::time::Timestamp;

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewOutbound {
    /// Unique key making re-queueing idempotent.
    pub dedupe_key: String,
    /// The event that caused it, if any.
    pub inbox_id: Option<i64>,
    /// Keyed hash of the recipient.
    pub recipient_key: UserKey,
    /// Sealed request.
    pub payload: Vec<u8>,
    /// 0 urgent, 1 conversation, 2 bulk: see [`Priority`].
    pub priority: Priority,
}

/// The order in which queued messages are sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// An emergency's answer, the pages and follow-ups: before anything else.
    Urgent = 0,
    /// Answers in a conversation, notices to officers.
    #[default]
    Conversation = 1,
    /// Alerts to a khu phố or the ward: after the rest, and never more than a share of a claim.
    Bulk = 2,
}

/// Share of each delivery claim that bulk messages may take while other messages wait.
const BULK_SHARE: f64 = 0.25;

/// Where a queued message stands (`outbox.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    /// Due at `next_attempt_at`.
    Pending,
    /// Waiting for the resident to write again (Zalo's reply window is closed).
    Parked,
    /// Zalo accepted it.
    Sent,
    /// Given up: permanent error or attempts exhausted.
    Failed,
}

impl OutboxState {
    /// Every state.
    pub const ALL: [OutboxState; 4] = [
        OutboxState::Pending,
        OutboxState::Parked,
        OutboxState::Sent,
        OutboxState::Failed,
    ];

    /// Stable id, stored.
    pub fn id(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Parked => "parked",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<OutboxState> {
        OutboxState::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// A queued message a delivery worker has leased.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedOutbound {
    /// Row id.
    pub id: i64,
    /// Keyed hash of the recipient.
    pub recipient_key: UserKey,
    /// Sealed request.
    pub payload: Vec<u8>,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// The recipient's last interaction (ms), if they are a known resident: the reply window.
    pub last_interaction_at: Option<Timestamp>,
}

/// How a delivery attempt ended, to be recorded by [`Store::record_deliveries`].
#[derive(Debug, Clone)]
pub enum DeliveryResult {
    /// Zalo accepted it; its message id (empty for API calls that return none).
    Sent {
        /// Outbox row.
        id: i64,
        /// Zalo's id of the sent message.
        zalo_message_id: String,
    },
    /// Not sent: pending again at `next_attempt_at`, parked, or failed.
    Deferred {
        /// Outbox row.
        id: i64,
        /// New state (never `Sent`).
        status: OutboxState,
        /// When it becomes due again (for `Pending`).
        next_attempt_at: Timestamp,
        /// Zalo's error code or our own reason.
        error_code: String,
        /// Readable error.
        error: String,
    },
}

impl DeliveryResult {
    /// The outbox row it is about.
    pub fn id(&self) -> i64 {
        match self {
            DeliveryResult::Sent { id, .. } | DeliveryResult::Deferred { id, .. } => *id,
        }
    }
}

/// What recording a delivery also writes, in the same transaction, so that an API call's answer
/// is never acted on twice or lost: the call itself is marked done in that transaction too.
/// Built by the delivery worker from an outbox row's `then` (see `pipeline::after_call`).
#[derive(Debug, Clone)]
pub enum FollowUp {
    /// Queue a message (e.g. telling an officer what came of their request).
    Enqueue(NewOutbound),
    /// Zalo refused to create a khu phố's group: it may be asked again.
    EndGroupRequest {
        /// The khu phố's configured name.
        area: String,
    },
    /// Link a khu phố to a group Zalo just created, with its first member count.
    LinkGroup {
        /// The khu phố's configured name.
        area: String,
        /// Zalo's new group id.
        group_id: String,
        /// Its join link.
        join_link: Option<String>,
        /// Keyed hash of the officer who asked for it.
        linked_by: String,
        /// Members it was created with.
        members: i64,
    },
}

/// Queue depth by state, for metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutboxStats {
    /// Waiting to be sent.
    pub pending: i64,
    /// Waiting for the resident to reopen the reply window.
    pub parked: i64,
    /// Given up.
    pub failed: i64,
    /// Age of the oldest pending message, ms.
    pub oldest_pending_ms: i64,
}

impl Store {
    /// Queues a message (ignored if its dedupe key is already queued).
    pub async fn enqueue(
        &self,
        tx: &mut Tx,
        msg: &NewOutbound,
        parked: bool,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into outbox (dedupe_key, inbox_id, recipient_key, payload, status, next_attempt_at, created_at, priority)
             values ($1, $2, $3, $4, $5, $6, $6, $7) on conflict (dedupe_key) do nothing",
        )
        .bind(&msg.dedupe_key)
        .bind(msg.inbox_id)
        .bind(&msg.recipient_key)
        .bind(&msg.payload)
        .bind(if parked {
            OutboxState::Parked
        } else {
            OutboxState::Pending
        })
        .bind(now)
        .bind(msg.priority as i64)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Leases due messages: per recipient only the oldest pending one of its priority or a more
    /// urgent one, so order is kept within a kind (an emergency answer never waits behind an
    /// alert to the same resident); urgent
    /// ones first, and bulk ones only in the room left, at most [`BULK_SHARE`] of `limit` while
    /// anything else is waiting.
    pub async fn claim_outbound(
        &self,
        worker: &str,
        now: Timestamp,
        lease: Duration,
        limit: i64,
    ) -> sqlx::Result<Vec<ClaimedOutbound>> {
        self.after_ingest().await;
        let mut rows = self
            .claim_outbound_where(worker, now, lease, limit, "o.priority < 2")
            .await?;
        let room = limit - rows.len() as i64;
        if room > 0 {
            let others_waiting = !rows.is_empty();
            let bulk = if others_waiting {
                room.min(((limit as f64) * BULK_SHARE).ceil() as i64)
            } else {
                room
            };
            rows.extend(
                self.claim_outbound_where(worker, now, lease, bulk, "o.priority >= 2")
                    .await?,
            );
        }
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    async fn claim_outbound_where(
        &self,
        worker: &str,
        now: Timestamp,
        lease: Duration,
        limit: i64,
        filter: &str,
    ) -> sqlx::Result<Vec<ClaimedOutbound>> {
        if limit <= 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "update outbox set locked_by = $1, locked_until = $2, attempts = attempts + 1
             where id in (
                select o.id from outbox o
                where o.status = 'pending' and o.next_attempt_at <= $3 and {filter}
                  and (o.locked_until is null or o.locked_until < $3)
                  and not exists (select 1 from outbox p where p.recipient_key = o.recipient_key
                                  and p.status = 'pending' and p.id < o.id
                                  and p.priority <= o.priority)
                order by o.priority, o.id limit $4 {})
             returning id, recipient_key, payload, attempts,
               (select r.last_interaction_at from residents r where r.user_key = outbox.recipient_key)
                 as last_interaction_at",
            self.skip_locked()
        );
        sqlx::query_as(&sql)
            .bind(worker)
            .bind(now.plus(lease))
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await
    }

    /// Extends this worker's lease on `ids` to `until`; returns the ids it still held (a row
    /// whose lease ran out may already be another worker's, which must then send it alone).
    pub async fn renew_outbound_leases(
        &self,
        worker: &str,
        ids: &[i64],
        until: Timestamp,
    ) -> sqlx::Result<Vec<i64>> {
        super::update_held(
            self.pool(),
            "outbox",
            "locked_until = $1",
            until,
            worker,
            ids,
        )
        .await
    }

    /// Records a batch of delivery results in one transaction; the sent rows in one statement.
    /// Only rows still leased by `worker` change (a row whose lease expired belongs to whoever
    /// claimed it next).
    pub async fn record_deliveries(
        &self,
        worker: &str,
        results: &[DeliveryResult],
        follow_ups: &[FollowUp],
        now: Timestamp,
    ) -> sqlx::Result<()> {
        let sent: Vec<(i64, &str)> = results
            .iter()
            .filter_map(|r| match r {
                DeliveryResult::Sent {
                    id,
                    zalo_message_id,
                } => Some((*id, zalo_message_id.as_str())),
                DeliveryResult::Deferred { .. } => None,
            })
            .collect();
        // Durable on PostgreSQL: a record lost in a database crash would send the message again
        // (measured: 3 of 201 answered twice when the server crashed under load). On SQLite the
        // commit survives a process crash; only a power cut could repeat the batch in hand.
        let mut tx = self.begin().await?;
        if !sent.is_empty() {
            let mut cases = String::new();
            let mut ids = Vec::with_capacity(sent.len());
            for i in 0..sent.len() {
                let (id_param, mid_param) = (2 + 2 * i, 3 + 2 * i);
                cases.push_str(&format!(" when ${id_param} then ${mid_param}"));
                ids.push(format!("${id_param}"));
            }
            let sql = format!(
                "update outbox set status = 'sent', sent_at = $1, locked_by = null, locked_until = null,
                 zalo_message_id = case id{cases} end
                 where id in ({})",
                ids.join(", ")
            );
            // Whoever holds the lease now: the message did go out. (After a long storage
            // outage the lease may have passed to another worker; see `pipeline::delivery`.)
            let mut query = sqlx::query(&sql).bind(now);
            for (id, message_id) in &sent {
                query = query.bind(*id).bind(*message_id);
            }
            query.execute(&mut *tx).await?;
        }
        for result in results {
            if let DeliveryResult::Deferred {
                id,
                status,
                next_attempt_at,
                error_code,
                error,
            } = result
            {
                sqlx::query(
                    "update outbox set status = $1, next_attempt_at = $2, last_error_code = $3, last_error = $4,
                     locked_by = null, locked_until = null where id = $5 and locked_by = $6",
                )
                .bind(*status)
                .bind(*next_attempt_at)
                .bind(error_code)
                .bind(error)
                .bind(*id)
                .bind(worker)
                .execute(&mut *tx)
                .await?;
            }
        }
        for follow_up in follow_ups {
            match follow_up {
                FollowUp::Enqueue(msg) => self.enqueue(&mut tx, msg, false, now).await?,
                FollowUp::EndGroupRequest { area } => self.end_group_request(&mut tx, area).await?,
                FollowUp::LinkGroup {
                    area,
                    group_id,
                    join_link,
                    linked_by,
                    members,
                } => {
                    self.link_group(
                        &mut tx,
                        area,
                        group_id,
                        join_link.as_deref(),
                        linked_by,
                        now,
                    )
                    .await?;
                    self.set_group_members(&mut tx, group_id, *members, now)
                        .await?;
                    self.end_group_request(&mut tx, area).await?;
                }
            }
        }
        tx.commit().await
    }

    /// The resident wrote again: their parked messages become due now. Returns how many.
    pub async fn unpark(
        &self,
        tx: &mut Tx,
        recipient_key: &UserKey,
        now: Timestamp,
    ) -> sqlx::Result<u64> {
        let result = sqlx::query(
            "update outbox set status = 'pending', next_attempt_at = $1, attempts = 0
             where recipient_key = $2 and status = 'parked'",
        )
        .bind(now)
        .bind(recipient_key)
        .execute(&mut **tx)
        .await?;
        Ok(result.rows_affected())
    }

    /// Queue depth and lag.
    pub async fn outbox_stats(&self, now: Timestamp) -> sqlx::Result<OutboxStats> {
        let rows: Vec<(OutboxState, i64, Option<Timestamp>)> = sqlx::query_as(
            "select status, count(*), min(created_at) from outbox
             where status <> 'sent' group by status",
        )
        .fetch_all(self.pool())
        .await?;
        let mut stats = OutboxStats::default();
        for (status, count, oldest) in rows {
            match status {
                OutboxState::Pending => {
                    stats.pending = count;
                    stats.oldest_pending_ms =
                        oldest.map(|t| now.since(t).as_millis() as i64).unwrap_or(0);
                }
                OutboxState::Parked => stats.parked = count,
                OutboxState::Failed | OutboxState::Sent => stats.failed = count,
            }
        }
        Ok(stats)
    }

    /// Deletes delivered messages older than `before`.
    pub async fn prune_outbound(&self, before: Timestamp) -> sqlx::Result<u64> {
        let result = sqlx::query("delete from outbox where status = 'sent' and created_at < $1")
            .bind(before)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }
}
