//! `inbox`: every accepted webhook event, stored before the 200 and processed by the inbox
//! workers in per-resident order.

use std::time::Duration;

use super::{Store, Tx};
use crate::ids::UserKey;
use crate::time::Timestamp;

/// An event to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Keyed hash of the dedupe subject.
    pub dedupe_key: String,
    /// `event_name`.
    pub event_name: String,
    /// Keyed hash of the resident's id, if the event has one.
    pub user_key: Option<UserKey>,
    /// The event's own timestamp (ms).
    pub event_ts: i64,
    /// Sealed raw body.
    pub body: Vec<u8>,
}

/// A stored event a worker has leased.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedEvent {
    /// Row id.
    pub id: i64,
    /// `event_name`.
    pub event_name: String,
    /// Sealed raw body.
    pub body: Vec<u8>,
    /// How many times it has been claimed, this time included.
    pub attempts: i64,
}

impl Store {
    /// Inserts the event unless its dedupe key is known. Returns `true` when it is new.
    pub async fn insert_event(&self, event: &NewEvent, now: Timestamp) -> sqlx::Result<bool> {
        Ok(self
            .insert_events(&[(event, now)])
            .await?
            .first()
            .copied()
            .unwrap_or(false))
    }

    /// Inserts events (each with its receipt time) in one transaction with one multi-row
    /// statement — one round trip, however many — and tells, per event, whether it was new.
    /// The same dedupe key twice in one call (a redelivery racing the original) counts as new
    /// only the first time.
    pub async fn insert_events(
        &self,
        events: &[(&NewEvent, Timestamp)],
    ) -> sqlx::Result<Vec<bool>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "insert into inbox (dedupe_key, event_name, user_key, event_ts, received_at, body) values ",
        );
        for i in 0..events.len() {
            let b = i * 6;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        sql.push_str(" on conflict (dedupe_key) do nothing returning dedupe_key");
        let mut query = sqlx::query_as::<_, (String,)>(&sql);
        for (event, now) in events {
            query = query
                .bind(&event.dedupe_key)
                .bind(&event.event_name)
                .bind(&event.user_key)
                .bind(event.event_ts)
                .bind(*now)
                .bind(&event.body);
        }
        // One statement is its own transaction: no BEGIN/COMMIT round trips needed.
        let rows = query.fetch_all(&self.pool).await?;
        let mut fresh: std::collections::HashSet<String> = rows.into_iter().map(|(k,)| k).collect();
        Ok(events
            .iter()
            .map(|(event, _)| fresh.remove(&event.dedupe_key))
            .collect())
    }

    /// Leases up to `limit` pending events: for each resident only their oldest pending event,
    /// so one person's messages are handled in order even across processes.
    pub async fn claim_events(
        &self,
        worker: &str,
        now: Timestamp,
        lease: Duration,
        limit: i64,
    ) -> sqlx::Result<Vec<ClaimedEvent>> {
        let sql = format!(
            "update inbox set locked_by = $1, locked_until = $2, attempts = attempts + 1
             where id in (
                select i.id from inbox i
                where i.status = 'pending' and (i.locked_until is null or i.locked_until < $3)
                  and not exists (select 1 from inbox j where j.user_key = i.user_key
                                  and j.status = 'pending' and j.id < i.id)
                order by i.id limit $4 {})
             returning id, event_name, body, attempts",
            self.skip_locked()
        );
        self.after_ingest().await;
        let mut rows: Vec<ClaimedEvent> = sqlx::query_as(&sql)
            .bind(worker)
            .bind(now.plus(lease))
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Marks a leased event done inside the transaction that records its effects. Returns
    /// `false` if the lease was lost (another worker took over): the caller must roll back.
    pub async fn finish_event(
        &self,
        tx: &mut Tx,
        id: i64,
        worker: &str,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "update inbox set status = 'done', processed_at = $1, locked_by = null, locked_until = null
             where id = $2 and locked_by = $3 and status = 'pending'",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&mut **tx)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// [`Store::finish_event`] for a whole claimed batch in one statement: returns the ids
    /// whose lease this worker still holds (only those may be processed in this transaction).
    pub async fn finish_events(
        &self,
        tx: &mut Tx,
        ids: &[i64],
        worker: &str,
        now: Timestamp,
    ) -> sqlx::Result<Vec<i64>> {
        super::update_held(
            &mut **tx,
            "inbox",
            "status = 'done', processed_at = $1, locked_by = null, locked_until = null",
            now,
            worker,
            ids,
        )
        .await
    }

    /// Gives up on an event that cannot be processed (e.g. it cannot be opened or parsed).
    pub async fn fail_event(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update inbox set status = 'failed', last_error = $1, processed_at = $2,
             locked_by = null, locked_until = null where id = $3 and locked_by = $4",
        )
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many events of this resident, up to and including inbox row `up_to`, arrived since
    /// `since` (ms): flood control.
    pub async fn events_since(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
        since: Timestamp,
        up_to: i64,
    ) -> sqlx::Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "select count(*) from inbox where user_key = $1 and received_at >= $2 and id <= $3",
        )
        .bind(user_key)
        .bind(since)
        .bind(up_to)
        .fetch_one(&mut **tx)
        .await?;
        Ok(n)
    }

    /// How many events were dead-lettered (kept as `failed`) since `since`.
    pub async fn dead_lettered_since(&self, tx: &mut Tx, since: Timestamp) -> sqlx::Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "select count(*) from inbox where status = 'failed' and processed_at >= $1",
        )
        .bind(since)
        .fetch_one(&mut **tx)
        .await?;
        Ok(n)
    }

    /// Releases a lease early so the event is retried after `retry_at`.
    pub async fn release_event(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update inbox set last_error = $1, locked_until = $2 where id = $3 and locked_by = $4",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Pending events and the age of the oldest, in ms.
    pub async fn inbox_depth(&self, now: Timestamp) -> sqlx::Result<(i64, i64)> {
        let (count, oldest): (i64, Option<Timestamp>) =
            sqlx::query_as("select count(*), min(received_at) from inbox where status = 'pending'")
                .fetch_one(self.pool())
                .await?;
        Ok((
            count,
            oldest.map(|t| now.since(t).as_millis() as i64).unwrap_or(0),
        ))
    }

    /// Deletes finished events older than `before` (their dedupe keys go with them).
    pub async fn prune_events(&self, before: Timestamp) -> sqlx::Result<u64> {
        let result =
            sqlx::query("delete from inbox where status <> 'pending' and received_at < $1")
                .bind(before)
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected())
    }

    /// Number of stored events (any status); for tests and diagnostics.
    pub async fn count_events(&self) -> sqlx::Result<i64> {
        let (n,): (i64,) = sqlx::query_as("select count(*) from inbox")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }
}

impl Store {
    /// Clears every lease. Only sound when no other process can hold one — SQLite's single
    /// process at start-up — so work a crashed run had leased is resumed at once instead of
    /// after the lease runs out.
    pub async fn release_all_leases(&self) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "update inbox set locked_by = null, locked_until = null where status = 'pending'",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update outbox set locked_by = null, locked_until = null where status = 'pending'",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}
