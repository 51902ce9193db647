//! `dialogues`: one sealed dialogue state per resident, read and written inside the event's
//! transaction.

use super::{Store, Tx};
use crate::ids::UserKey;
use crate::time::Timestamp;

impl Store {
    /// The resident's dialogue (sealed) and when it last changed.
    pub async fn load_dialogue(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
    ) -> sqlx::Result<Option<(Vec<u8>, Timestamp)>> {
        sqlx::query_as("select state, updated_at from dialogues where user_key = $1")
            .bind(user_key)
            .fetch_optional(&mut **tx)
            .await
    }

    /// Replaces the resident's dialogue.
    pub async fn save_dialogue(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
        sealed: &[u8],
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into dialogues (user_key, state, updated_at) values ($1, $2, $3)
             on conflict (user_key) do update set state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(user_key)
        .bind(sealed)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Ends the resident's dialogue.
    pub async fn clear_dialogue(&self, tx: &mut Tx, user_key: &UserKey) -> sqlx::Result<()> {
        sqlx::query("delete from dialogues where user_key = $1")
            .bind(user_key)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}
