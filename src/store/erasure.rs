//! Erasing what identifies residents: at once when one withdraws (Zalo's `user_withdraw`, a
//! data-subject request), and after the retention period for closed cases. What is erased:
//! the sealed Zalo id (the `residents` row), dialogue state, the raw events and queued or sent
//! messages that carry the id, and — for expired closed cases — the case's sealed account and
//! timeline texts. What stays: each case's statistics (category, khu phố, times, status, its
//! pseudonym) and the audit log.
//!
//! A case whose reporter is erased is re-keyed to `erased:<pseudonym>`: the keyed hash would
//! link it again to the same Zalo id if that resident ever wrote again.

use super::{Store, Tx};
use crate::ids::UserKey;
use crate::time::Timestamp;

/// What one erasure touched, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    /// Residents whose sealed id was deleted.
    pub residents: u64,
    /// Cases unlinked from their reporter (and, for retention, emptied).
    pub cases: u64,
    /// Inbox events and outbox messages whose sealed body was emptied or dropped.
    pub messages: u64,
}

/// Closed statuses, as stored.
const CLOSED: &str = "('resolved', 'rejected')";

impl Store {
    /// A resident withdrew: their identity and conversation state go now; their cases stay,
    /// under the pseudonym only, with their content (the station still has to act on them).
    pub async fn erase_resident(&self, tx: &mut Tx, user_key: &UserKey) -> sqlx::Result<Erased> {
        let mut erased = Erased::default();
        erased.residents += exec(tx, "delete from residents where user_key = $1", user_key).await?;
        exec(tx, "delete from dialogues where user_key = $1", user_key).await?;
        erased.cases += exec(
            tx,
            "update cases set reporter_key = 'erased:' || pseudonym where reporter_key = $1",
            user_key,
        )
        .await?;
        // Messages still waiting for them would carry the id out again; sent ones keep their
        // row (delivery statistics) without the sealed body.
        erased.messages += exec(
            tx,
            "delete from outbox where recipient_key = $1 and status in ('pending', 'parked')",
            user_key,
        )
        .await?;
        erased.messages += sqlx::query("update outbox set payload = $1 where recipient_key = $2")
            .bind(Vec::<u8>::new())
            .bind(user_key)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        // Their raw events, this withdrawal's own included (it carries the id too). A pending
        // one can no longer be opened and is failed by the inbox worker, unanswered.
        erased.messages += sqlx::query("update inbox set body = $1 where user_key = $2")
            .bind(Vec::<u8>::new())
            .bind(user_key)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        Ok(erased)
    }

    /// Erases what the retention period no longer allows keeping, as of `cutoff`: the content
    /// and reporter link of cases closed before it, the identity and dialogue of residents who
    /// have not written since and have no case left linked to them, and the sealed bodies of
    /// processed events and finished messages older than it.
    pub async fn erase_expired(&self, tx: &mut Tx, cutoff: Timestamp) -> sqlx::Result<Erased> {
        let mut erased = Erased::default();
        let expired = format!(
            "select id from cases where status in {CLOSED}
               and coalesce(resolved_at, updated_at) < $1 and reporter_key not like 'erased:%'"
        );
        sqlx::query(&format!(
            "update case_events set body = null where body is not null and case_id in ({expired})"
        ))
        .bind(cutoff)
        .execute(&mut **tx)
        .await?;
        erased.cases = sqlx::query(&format!(
            "update cases set details = $2, reporter_key = 'erased:' || pseudonym
              where id in ({expired})"
        ))
        .bind(cutoff)
        .bind(Vec::<u8>::new())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        let idle = "select user_key from residents where last_interaction_at < $1
              and not exists (select 1 from cases c where c.reporter_key = residents.user_key)";
        sqlx::query(&format!("delete from dialogues where user_key in ({idle})"))
            .bind(cutoff)
            .execute(&mut **tx)
            .await?;
        erased.residents =
            sqlx::query(&format!("delete from residents where user_key in ({idle})"))
                .bind(cutoff)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        let empty = Vec::<u8>::new();
        erased.messages += sqlx::query(
            "update inbox set body = $1
              where status in ('done', 'failed') and received_at < $2 and length(body) > 0",
        )
        .bind(&empty)
        .bind(cutoff)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        erased.messages += sqlx::query(
            "update outbox set payload = $1
              where status in ('sent', 'failed') and created_at < $2 and length(payload) > 0",
        )
        .bind(&empty)
        .bind(cutoff)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        Ok(erased)
    }
}

async fn exec(tx: &mut Tx, sql: &str, user_key: &UserKey) -> sqlx::Result<u64> {
    Ok(sqlx::query(sql)
        .bind(user_key)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}
