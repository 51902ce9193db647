//! `zalo_tokens`: the OA access/refresh token pair, sealed, with a lock row so only one process
//! at a time spends the single-use refresh token.

use super::{Backend, Store, Tx};

/// The stored pair (still sealed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredTokens {
    /// Sealed access token.
    pub access_token: Vec<u8>,
    /// Sealed refresh token.
    pub refresh_token: Vec<u8>,
    /// Expiry of the access token, ms.
    pub access_expires_at: i64,
    /// Increases with every refresh.
    pub generation: i64,
}

impl Store {
    /// Begins the refresh critical section: on PostgreSQL the lock row is held until the
    /// transaction ends, so other processes wait; SQLite runs one process, whose own mutex
    /// already serialises refreshes.
    pub async fn begin_token_refresh(&self) -> sqlx::Result<Tx> {
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("select id from zalo_token_lock where id = 1 for update")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Reads the stored pair.
    pub async fn load_tokens(&self, tx: Option<&mut Tx>) -> sqlx::Result<Option<StoredTokens>> {
        let query = sqlx::query_as(
            "select access_token, refresh_token, access_expires_at, generation from zalo_tokens where id = 1",
        );
        match tx {
            Some(tx) => query.fetch_optional(&mut **tx).await,
            None => query.fetch_optional(self.pool()).await,
        }
    }

    /// Stores a new pair.
    pub async fn save_tokens(
        &self,
        tx: &mut Tx,
        tokens: &StoredTokens,
        now: i64,
    ) -> sqlx::Result<()> {
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
        .execute(&mut **tx)
        .await?;
        Ok(())
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
