//! `residents`: who has written to the OA (by keyed hash, id sealed) and when, which decides
//! whether Zalo's 7-day customer-service window is still open.

use super::{Store, Tx};
use crate::ids::UserKey;
use crate::time::Timestamp;

impl Store {
    /// Records an interaction (a message, follow, button tap…) of the resident.
    pub async fn touch_resident(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
        zalo_id_sealed: &[u8],
        last_msg_id: Option<&str>,
        at: Timestamp,
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
}

/// What the station knows about a resident (id still sealed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResidentRow {
    /// Keyed hash.
    pub user_key: UserKey,
    /// Sealed Zalo id.
    pub zalo_id_sealed: Vec<u8>,
    /// Last interaction, ms.
    pub last_interaction_at: Timestamp,
    /// Their last message id (quoted by relayed replies).
    pub last_msg_id: Option<String>,
    /// Khu phố, if they said.
    pub khu_pho: Option<String>,
    /// 1 once they were asked for their khu phố.
    pub area_asked: i64,
    /// `ong_ba` when they write as an elderly person; else the bot says "anh/chị".
    pub honorific: Option<String>,
}

const RESIDENT_COLUMNS: &str =
    "user_key, zalo_id_sealed, last_interaction_at, last_msg_id, khu_pho, area_asked, honorific";

impl Store {
    /// A resident by keyed hash.
    pub async fn resident(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
    ) -> sqlx::Result<Option<ResidentRow>> {
        sqlx::query_as(&format!(
            "select {RESIDENT_COLUMNS} from residents where user_key = $1"
        ))
        .bind(user_key)
        .fetch_optional(&mut **tx)
        .await
    }

    /// Records the resident's khu phố (or that they skipped: `None`), and that they were asked.
    pub async fn set_resident_area(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
        khu_pho: Option<&str>,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("update residents set khu_pho = coalesce($1, khu_pho), area_asked = 1, updated_at = $2 where user_key = $3")
            .bind(khu_pho)
            .bind(now)
            .bind(user_key)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Records how the resident is to be addressed.
    pub async fn set_resident_honorific(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
        honorific: &str,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("update residents set honorific = $1, updated_at = $2 where user_key = $3")
            .bind(honorific)
            .bind(now)
            .bind(user_key)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Residents of a khu phố (`None`: everyone), with their last interaction.
    pub async fn residents_in_area(
        &self,
        tx: &mut Tx,
        khu_pho: Option<&str>,
    ) -> sqlx::Result<Vec<ResidentRow>> {
        match khu_pho {
            Some(area) => {
                sqlx::query_as(&format!(
                    "select {RESIDENT_COLUMNS} from residents where khu_pho = $1"
                ))
                .bind(area)
                .fetch_all(&mut **tx)
                .await
            }
            None => {
                sqlx::query_as(&format!("select {RESIDENT_COLUMNS} from residents"))
                    .fetch_all(&mut **tx)
                    .await
            }
        }
    }
}
