//! `residents`: who has written to the OA (by keyed hash, id sealed) and when, which decides
//! whether Zalo's 7-day customer-service window is still open.

use super::{Store, Tx};

impl Store {
    /// Records an interaction (a message, follow, button tap…) of the resident.
    pub async fn touch_resident(
        &self,
        tx: &mut Tx,
        user_key: &str,
        zalo_id_sealed: &[u8],
        last_msg_id: Option<&str>,
        at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into residents (user_key, zalo_id_sealed, last_interaction_at, last_msg_id, created_at, updated_at)
             values ($1, $2, $3, $4, $3, $3)
             on conflict (user_key) do update set
                last_interaction_at = case when excluded.last_interaction_at > residents.last_interaction_at
                                           then excluded.last_interaction_at else residents.last_interaction_at end,
                last_msg_id = coalesce(excluded.last_msg_id, residents.last_msg_id),
                updated_at = excluded.updated_at",
        )
        .bind(user_key)
        .bind(zalo_id_sealed)
        .bind(at)
        .bind(last_msg_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// When the resident last interacted, if ever.
    pub async fn last_interaction(&self, user_key: &str) -> sqlx::Result<Option<i64>> {
        let row: Option<(i64,)> =
            sqlx::query_as("select last_interaction_at from residents where user_key = $1")
                .bind(user_key)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(t,)| t))
    }
}
