//! `area_groups`: each khu phố's Zalo security group (an OA-owned GMF group), as the chief
//! linked it, and whether Zalo still has it.

use super::{Store, Tx};
use crate::time::Timestamp;

/// Whether a group can still be written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    /// Linked and, as far as we know, alive.
    Active,
    /// Deleted, or its GMF asset expired: Zalo refuses messages to it.
    Gone,
}

impl GroupState {
    /// Stable id, stored in `area_groups.state`.
    pub fn id(self) -> &'static str {
        match self {
            GroupState::Active => "active",
            GroupState::Gone => "gone",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<GroupState> {
        [GroupState::Active, GroupState::Gone]
            .into_iter()
            .find(|s| s.id() == id)
    }
}

/// One khu phố's group.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GroupRow {
    /// The khu phố's configured name.
    pub area: String,
    /// Zalo's group id.
    pub group_id: String,
    /// The group's join link, when known.
    pub join_link: Option<String>,
    /// Alive or gone.
    pub state: GroupState,
    /// Last change.
    pub updated_at: Timestamp,
}

const GROUP_COLUMNS: &str = "area, group_id, join_link, state, updated_at";

impl Store {
    /// Links a khu phố to a group, replacing the one it had (and taking the group from any
    /// other khu phố it was linked to).
    pub async fn link_group(
        &self,
        tx: &mut Tx,
        area: &str,
        group_id: &str,
        join_link: Option<&str>,
        linked_by: &str,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("delete from area_groups where area = $1 or group_id = $2")
            .bind(area)
            .bind(group_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "insert into area_groups (area, group_id, join_link, state, linked_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(area)
        .bind(group_id)
        .bind(join_link)
        .bind(GroupState::Active)
        .bind(linked_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Every linked group, by khu phố.
    pub async fn area_groups(&self, tx: &mut Tx) -> sqlx::Result<Vec<GroupRow>> {
        sqlx::query_as(&format!(
            "select {GROUP_COLUMNS} from area_groups order by area"
        ))
        .fetch_all(&mut **tx)
        .await
    }

    /// The group with this Zalo id, if it is one of ours.
    pub async fn group_by_id(&self, tx: &mut Tx, group_id: &str) -> sqlx::Result<Option<GroupRow>> {
        sqlx::query_as(&format!(
            "select {GROUP_COLUMNS} from area_groups where group_id = $1"
        ))
        .bind(group_id)
        .fetch_optional(&mut **tx)
        .await
    }

    /// Marks a group Zalo no longer has (deleted, or its asset expired); `false` if it is not
    /// one of ours or was marked already.
    pub async fn mark_group_gone(
        &self,
        tx: &mut Tx,
        group_id: &str,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "update area_groups set state = $1, updated_at = $2 where group_id = $3 and state = $4",
        )
        .bind(GroupState::Gone)
        .bind(now)
        .bind(group_id)
        .bind(GroupState::Active)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gone groups the chief has not been told about.
    pub async fn groups_gone_untold(&self, tx: &mut Tx) -> sqlx::Result<Vec<GroupRow>> {
        sqlx::query_as(&format!(
            "select {GROUP_COLUMNS} from area_groups where state = $1 and chief_told_at is null order by area"
        ))
        .bind(GroupState::Gone)
        .fetch_all(&mut **tx)
        .await
    }

    /// Records that the chief was told about a gone group.
    pub async fn mark_group_chief_told(
        &self,
        tx: &mut Tx,
        group_id: &str,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("update area_groups set chief_told_at = $1 where group_id = $2")
            .bind(now)
            .bind(group_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}
