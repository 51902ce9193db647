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
    /// Members, as Zalo's `getgroup` last said.
    pub member_count: Option<i64>,
    /// When that count was read.
    pub counted_at: Option<Timestamp>,
}

const GROUP_COLUMNS: &str =
    "area, group_id, join_link, state, updated_at, member_count, counted_at";

/// `linked_by` of a group that came from the settings rather than from an officer.
const FROM_SETTINGS: &str = "config";

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

    /// Makes the groups named in settings (`[[station.areas]] group_id`: khu phố name, group
    /// id) rows like linked ones, so they too are counted and marked gone. A khu phố an officer
    /// linked keeps that link; one that came from settings follows the settings (a changed id
    /// replaces it, a removed one deletes it). A group id already linked to another khu phố is
    /// left there.
    pub async fn seed_configured_groups(
        &self,
        tx: &mut Tx,
        configured: &[(&str, Option<&str>)],
        now: Timestamp,
    ) -> sqlx::Result<()> {
        for (area, group_id) in configured {
            let existing: Option<(String, String)> =
                sqlx::query_as("select group_id, linked_by from area_groups where area = $1")
                    .bind(area)
                    .fetch_optional(&mut **tx)
                    .await?;
            match (existing, group_id) {
                (Some((_, by)), _) if by != FROM_SETTINGS => {}
                (Some((old, _)), Some(id)) if old == *id => {}
                (Some(_), _) => {
                    sqlx::query("delete from area_groups where area = $1")
                        .bind(area)
                        .execute(&mut **tx)
                        .await?;
                }
                (None, _) => {}
            }
            if let Some(id) = group_id {
                sqlx::query(
                    "insert into area_groups (area, group_id, state, linked_by, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $5) on conflict do nothing",
                )
                .bind(area)
                .bind(id)
                .bind(GroupState::Active)
                .bind(FROM_SETTINGS)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Notes that a group was asked of Zalo for `area`; `false` if one asked since `stale` is
    /// still waiting for its answer.
    pub async fn start_group_request(
        &self,
        tx: &mut Tx,
        area: &str,
        requested_by: &str,
        now: Timestamp,
        stale: Timestamp,
    ) -> sqlx::Result<bool> {
        sqlx::query("delete from group_requests where area = $1 and requested_at < $2")
            .bind(area)
            .bind(stale)
            .execute(&mut **tx)
            .await?;
        let done = sqlx::query(
            "insert into group_requests (area, requested_by, requested_at) values ($1, $2, $3)
             on conflict do nothing",
        )
        .bind(area)
        .bind(requested_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Zalo answered the group request for `area`.
    pub async fn end_group_request(&self, tx: &mut Tx, area: &str) -> sqlx::Result<()> {
        sqlx::query("delete from group_requests where area = $1")
            .bind(area)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Records a group's member count as Zalo gave it.
    pub async fn set_group_members(
        &self,
        tx: &mut Tx,
        group_id: &str,
        count: i64,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update area_groups set member_count = $1, counted_at = $2 where group_id = $3",
        )
        .bind(count)
        .bind(now)
        .bind(group_id)
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
