//! `outbox`: messages to residents, written in the same transaction as the change that caused
//! them, delivered by the delivery workers in per-recipient order.

use super::{Store, Tx};

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewOutbound {
    /// Unique key making re-queueing idempotent.
    pub dedupe_key: String,
    /// The event that caused it, if any.
    pub inbox_id: Option<i64>,
    /// Keyed hash of the recipient.
    pub recipient_key: String,
    /// Sealed request.
    pub payload: Vec<u8>,
}

/// A queued message a delivery worker has leased.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedOutbound {
    /// Row id.
    pub id: i64,
    /// Keyed hash of the recipient.
    pub recipient_key: String,
    /// Sealed request.
    pub payload: Vec<u8>,
    /// Attempts so far, this one included.
    pub attempts: i64,
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
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into outbox (dedupe_key, inbox_id, recipient_key, payload, status, next_attempt_at, created_at)
             values ($1, $2, $3, $4, $5, $6, $6) on conflict (dedupe_key) do nothing",
        )
        .bind(&msg.dedupe_key)
        .bind(msg.inbox_id)
        .bind(&msg.recipient_key)
        .bind(&msg.payload)
        .bind(if parked { "parked" } else { "pending" })
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Leases due messages: per recipient only the oldest pending one, so order is kept.
    pub async fn claim_outbound(
        &self,
        worker: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<ClaimedOutbound>> {
        let sql = format!(
            "update outbox set locked_by = $1, locked_until = $2, attempts = attempts + 1
             where id in (
                select o.id from outbox o
                where o.status = 'pending' and o.next_attempt_at <= $3
                  and (o.locked_until is null or o.locked_until < $3)
                  and not exists (select 1 from outbox p where p.recipient_key = o.recipient_key
                                  and p.status = 'pending' and p.id < o.id)
                order by o.id limit $4 {})
             returning id, recipient_key, payload, attempts",
            self.skip_locked()
        );
        let mut rows: Vec<ClaimedOutbound> = sqlx::query_as(&sql)
            .bind(worker)
            .bind(now + lease_ms)
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Records a successful delivery.
    pub async fn mark_sent(
        &self,
        id: i64,
        worker: &str,
        zalo_message_id: &str,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update outbox set status = 'sent', sent_at = $1, zalo_message_id = $2,
             locked_by = null, locked_until = null where id = $3 and locked_by = $4",
        )
        .bind(now)
        .bind(zalo_message_id)
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Moves a message to `status` (`pending` with a retry time, `parked` or `failed`),
    /// remembering the error.
    pub async fn reschedule_outbound(
        &self,
        id: i64,
        worker: &str,
        status: &str,
        next_attempt_at: i64,
        error_code: &str,
        error: &str,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update outbox set status = $1, next_attempt_at = $2, last_error_code = $3, last_error = $4,
             locked_by = null, locked_until = null where id = $5 and locked_by = $6",
        )
        .bind(status)
        .bind(next_attempt_at)
        .bind(error_code)
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The resident wrote again: their parked messages become due now. Returns how many.
    pub async fn unpark(&self, tx: &mut Tx, recipient_key: &str, now: i64) -> sqlx::Result<u64> {
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
    pub async fn outbox_stats(&self, now: i64) -> sqlx::Result<OutboxStats> {
        let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
            "select status, count(*), min(created_at) from outbox
             where status in ('pending', 'parked', 'failed') group by status",
        )
        .fetch_all(self.pool())
        .await?;
        let mut stats = OutboxStats::default();
        for (status, count, oldest) in rows {
            match status.as_str() {
                "pending" => {
                    stats.pending = count;
                    stats.oldest_pending_ms = oldest.map(|t| (now - t).max(0)).unwrap_or(0);
                }
                "parked" => stats.parked = count,
                _ => stats.failed = count,
            }
        }
        Ok(stats)
    }

    /// Deletes delivered messages older than `before`.
    pub async fn prune_outbound(&self, before: i64) -> sqlx::Result<u64> {
        let result = sqlx::query("delete from outbox where status = 'sent' and created_at < $1")
            .bind(before)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }
}
