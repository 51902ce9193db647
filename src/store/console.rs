//! `console_login_tokens` and `console_sessions`: the web console's single-use login links and
//! browser sessions, both stored only as hashes (the caller hashes; nothing here sees a token).

use super::{Store, Tx};
use crate::ids::UserKey;
use crate::time::Timestamp;

impl Store {
    /// Records a login link for an officer, valid until `expires_at`.
    pub async fn add_login_token(
        &self,
        tx: &mut Tx,
        token_hash: &str,
        officer_key: &UserKey,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> sqlx::Result<()> {
        let sql =
            "insert into console_login_tokens (token_hash, officer_key, created_at, expires_at)
             values ($1, $2, $3, $4)";
        insert_hashed(tx, sql, token_hash, officer_key, now, expires_at).await
    }

    /// Spends a login link: the officer it was for, if it was unused and unexpired. One
    /// statement, so two browsers opening the same link cannot both get a session.
    pub async fn redeem_login_token(
        &self,
        tx: &mut Tx,
        token_hash: &str,
        now: Timestamp,
    ) -> sqlx::Result<Option<UserKey>> {
        sqlx::query_scalar(
            "update console_login_tokens set used_at = $1
             where token_hash = $2 and used_at is null and expires_at > $1
             returning officer_key",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await
    }

    /// Starts a session.
    pub async fn add_console_session(
        &self,
        tx: &mut Tx,
        session_hash: &str,
        officer_key: &UserKey,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> sqlx::Result<()> {
        let sql = "insert into console_sessions (session_hash, officer_key, created_at, expires_at)
             values ($1, $2, $3, $4)";
        insert_hashed(tx, sql, session_hash, officer_key, now, expires_at).await
    }

    /// The officer of an unexpired session; `None` once the officer is removed.
    pub async fn console_session(
        &self,
        tx: &mut Tx,
        session_hash: &str,
        now: Timestamp,
    ) -> sqlx::Result<Option<UserKey>> {
        sqlx::query_scalar(
            "select s.officer_key from console_sessions s
             join officers o on o.user_key = s.officer_key and o.active = 1
             where s.session_hash = $1 and s.expires_at > $2",
        )
        .bind(session_hash)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await
    }

    /// Ends a session (logout).
    pub async fn end_console_session(&self, tx: &mut Tx, session_hash: &str) -> sqlx::Result<()> {
        sqlx::query("delete from console_sessions where session_hash = $1")
            .bind(session_hash)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Ends every session and unused link of an officer (removed from the station), and
    /// forgets expired ones of everybody on the way.
    pub async fn end_console_sessions_of(
        &self,
        tx: &mut Tx,
        officer_key: &UserKey,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("delete from console_sessions where officer_key = $1 or expires_at <= $2")
            .bind(officer_key)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        sqlx::query("delete from console_login_tokens where officer_key = $1 or expires_at <= $2")
            .bind(officer_key)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// Both tables hold the same row: a hash, whose it is, when made, until when valid.
async fn insert_hashed(
    tx: &mut Tx,
    sql: &'static str,
    hash: &str,
    officer_key: &UserKey,
    now: Timestamp,
    expires_at: Timestamp,
) -> sqlx::Result<()> {
    sqlx::query(sql)
        .bind(hash)
        .bind(officer_key)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
