//! `officer_invites`: the chief's one-time codes for registering a new officer, kept as keyed
//! hashes only.

use super::{Store, Tx};
use crate::access::Role;
use crate::ids::UserKey;
use crate::time::Timestamp;

/// An invite, as the chief made it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InviteRow {
    /// The handle the new officer gets (if still free when they come).
    pub handle: String,
    /// Display name.
    pub name: String,
    /// The new officer's role.
    pub role: Role,
    /// Keyed hash of the chief who made it.
    pub created_by: String,
}

impl Store {
    /// Stores an invite under the keyed hash of its code.
    pub async fn create_invite(
        &self,
        tx: &mut Tx,
        code_hash: &str,
        invite: &InviteRow,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into officer_invites (code_hash, handle, name, role, created_by, created_at, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(code_hash)
        .bind(&invite.handle)
        .bind(&invite.name)
        .bind(invite.role)
        .bind(&invite.created_by)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Uses up the invite with this code hash if it is unused and unexpired, for `user`; `None`
    /// otherwise. One statement, so a code cannot be used twice.
    pub async fn redeem_invite(
        &self,
        tx: &mut Tx,
        code_hash: &str,
        user: &UserKey,
        now: Timestamp,
    ) -> sqlx::Result<Option<InviteRow>> {
        sqlx::query_as(
            "update officer_invites set used_at = $1, used_by = $2
             where code_hash = $3 and used_at is null and expires_at > $1
             returning handle, name, role, created_by",
        )
        .bind(now)
        .bind(user)
        .bind(code_hash)
        .fetch_optional(&mut **tx)
        .await
    }
}
