//! What the pipeline gave up on, for the chief's console: inbox events kept as `failed` after
//! `workers.max_event_attempts` (or that could not be opened), and outbox messages `failed` for
//! good. Only the bookkeeping columns are read — never the sealed body, payload, or who it was
//! from or for.

use super::{Store, Tx};
use crate::time::Timestamp;

/// A dead-lettered inbox event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadEvent {
    /// Row id.
    pub id: i64,
    /// Zalo's `event_name`.
    pub event_name: String,
    /// When it arrived, ms.
    pub received_at: Timestamp,
    /// When it was given up on, ms.
    pub processed_at: Option<Timestamp>,
    /// Times it was tried.
    pub attempts: i64,
    /// Why the last try failed.
    pub last_error: Option<String>,
}

/// An outbox message given up on.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadMessage {
    /// Row id.
    pub id: i64,
    /// The inbox event that caused it, if any.
    pub inbox_id: Option<i64>,
    /// Queued, ms.
    pub created_at: Timestamp,
    /// The last attempt was due then, ms.
    pub next_attempt_at: Timestamp,
    /// Times it was tried.
    pub attempts: i64,
    /// Zalo's error code or our own reason.
    pub last_error_code: Option<String>,
    /// Readable error.
    pub last_error: Option<String>,
}

impl Store {
    /// The latest `limit` dead-lettered inbox events, newest first.
    pub async fn dead_events(&self, tx: &mut Tx, limit: i64) -> sqlx::Result<Vec<DeadEvent>> {
        sqlx::query_as(
            "select id, event_name, received_at, processed_at, attempts, last_error from inbox
             where status = 'failed' order by id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
    }

    /// The latest `limit` outbox messages given up on, newest first.
    pub async fn dead_messages(&self, tx: &mut Tx, limit: i64) -> sqlx::Result<Vec<DeadMessage>> {
        sqlx::query_as(
            "select id, inbox_id, created_at, next_attempt_at, attempts, last_error_code, last_error
             from outbox where status = 'failed' order by id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
    }
}
