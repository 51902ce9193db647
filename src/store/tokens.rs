//! `zalo_tokens`: the OA access/refresh token pair, sealed, with a lock row so only one process
//! at a time spends the single-use refresh token.

use super::{Backend, Store, Tx};
use crate::time::Timestamp;

/// The stored pair (still sealed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredTokens {
    /// Sealed access token.
    pub access_token: Vec<u8>,
    /// Sealed refresh token.
    pub refresh_token: Vec<u8>,
    /// Expiry of the access token, ms.
    pub access_expires_at: Timestamp,
    /// Increases with every refresh.
    pub generation: i64,
}

/// The cross-process critical section around a refresh. On PostgreSQL it holds a row lock
/// until [`TokenRefresh::save`] commits or the guard is dropped, so other processes wait and
/// then see the new pair. SQLite runs one process, whose own mutex already serialises refreshes;
/// there no transaction is held across the HTTP call, because upgrading a read transaction to a
/// write after another connection committed fails with `SQLITE_BUSY_SNAPSHOT`, which would
/// lose a refresh token that Zalo has already spent.
pub struct TokenRefresh<'a> {
    store: &'a Store,
    lock: Option<Tx>,
}

impl TokenRefresh<'_> {
    /// Reads the stored pair.
    pub async fn load(&mut self) -> sqlx::Result<Option<StoredTokens>> {
        let query = sqlx::query_as(
            "select access_token, refresh_token, access_expires_at, generation from zalo_tokens where id = 1",
        );
        match &mut self.lock {
            Some(tx) => query.fetch_optional(&mut **tx).await,
            None => query.fetch_optional(self.store.pool()).await,
        }
    }

    /// Stores a new pair and ends the critical section.
    pub async fn save(self, tokens: &StoredTokens, now: Timestamp) -> sqlx::Result<()> {
        let mut tx = match self.lock {
            Some(tx) => tx,
            None => self.store.begin().await?,
        };
        sqlx::query(
            "insert into zalo_tokens (id, access_token, refresh_token, access_expires_at, generation, updated_at)
             values (1, $1, $2, $3, $4, $5)
             on conflict (id) do update set access_token = excluded.access_token,
                refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at,
                generation = excluded.generation, updated_at = excluded.updated_at",
        )
        .bind(&tokens.access_token)
        .bind(&tokens.refresh_token)
        .bind(tokens.access_expires_at)
        .bind(tokens.generation)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // Zalo has already spent the old refresh token: the new one must survive a power cut
        // before anything goes on to use it.
        self.store.make_durable().await.map_err(sqlx::Error::Io)
    }

    /// Ends the critical section without a change.
    pub async fn release(self) -> sqlx::Result<()> {
        match self.lock {
            Some(tx) => tx.commit().await,
            None => Ok(()),
        }
    }
}

impl Store {
    /// Enters the refresh critical section (see [`TokenRefresh`]).
    pub async fn begin_token_refresh(&self) -> sqlx::Result<TokenRefresh<'_>> {
        let lock = match self.backend() {
            Backend::Postgres => {
                let mut tx = self.begin().await?;
                sqlx::query("select id from zalo_token_lock where id = 1 for update")
                    .execute(&mut *tx)
                    .await?;
                Some(tx)
            }
            Backend::Sqlite => None,
        };
        Ok(TokenRefresh { store: self, lock })
    }

    /// Reads the stored pair outside any refresh.
    pub async fn load_tokens(&self) -> sqlx::Result<Option<StoredTokens>> {
        TokenRefresh {
            store: self,
            lock: None,
        }
        .load()
        .await
    }
}

impl Store {
    /// Drops the stored pair. Used in sandbox mode only: the embedded simulator starts with no
    /// memory of tokens it issued in an earlier run, so those tokens are worthless.
    pub async fn forget_tokens(&self) -> sqlx::Result<()> {
        sqlx::query("delete from zalo_tokens")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
