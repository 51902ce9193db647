//! Which Zalo group a khu phố has, as kept in `area_groups`: the one an officer linked or
//! created (`/group link`, `/group create`), else the `group_id` in its settings, adopted into
//! the table at start-up ([`adopt_configured_groups`]) so it too is counted and marked gone;
//! and the call that posts to a group. Both the officers' commands (`/group`, `/alert`,
//! `/warn`) and the resident bot (a resident asking for their group, a member writing in one)
//! read groups through here.

use crate::config::AreaSettings;
use crate::conversation::{ApiCall, Turn};
use crate::ids::ZaloId;
use crate::store::{GroupState, Store};
use crate::time::Timestamp;
use crate::zalo::gmf::{group_text, GROUP_MESSAGE_PATH};

/// A khu phố's group as the service knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaGroup {
    /// The khu phố's configured name.
    pub area: String,
    /// Zalo's group id.
    pub group_id: String,
    /// Its join link, when known.
    pub join_link: Option<String>,
    /// Whether Zalo still takes messages for it.
    pub live: bool,
    /// Members, as Zalo last said, and when.
    pub members: Option<(i64, Timestamp)>,
}

/// Makes the groups named in settings rows of `area_groups` (see the module's header).
pub async fn adopt_configured_groups(store: &Store, areas: &[AreaSettings]) -> sqlx::Result<()> {
    let configured: Vec<(&str, Option<&str>)> = areas
        .iter()
        .map(|a| (a.name.as_str(), a.group_id.as_deref()))
        .collect();
    let mut tx = store.begin().await?;
    store
        .seed_configured_groups(&mut tx, &configured, Timestamp::now())
        .await?;
    tx.commit().await
}

/// Every khu phố's group, in the settings' order; khu phố without one are left out.
pub async fn area_groups(
    turn: &mut Turn<'_>,
    areas: &[AreaSettings],
) -> sqlx::Result<Vec<AreaGroup>> {
    let linked = turn.store.area_groups(turn.tx).await?;
    Ok(areas
        .iter()
        .filter_map(|area| linked.iter().find(|row| row.area == area.name))
        .map(|row| AreaGroup {
            area: row.area.clone(),
            group_id: row.group_id.clone(),
            join_link: row.join_link.clone(),
            live: row.state == GroupState::Active,
            members: row.member_count.zip(row.counted_at),
        })
        .collect())
}

/// The live group of one khu phố (by its configured name), if it has one.
pub async fn live_group(
    turn: &mut Turn<'_>,
    areas: &[AreaSettings],
    area: &str,
) -> sqlx::Result<Option<AreaGroup>> {
    Ok(area_groups(turn, areas)
        .await?
        .into_iter()
        .find(|g| g.area == area && g.live))
}

/// The khu phố a group belongs to, if it is one of ours.
pub async fn area_of_group(
    turn: &mut Turn<'_>,
    areas: &[AreaSettings],
    group_id: &str,
) -> sqlx::Result<Option<AreaGroup>> {
    Ok(area_groups(turn, areas)
        .await?
        .into_iter()
        .find(|g| g.group_id == group_id))
}

/// A text posted to a group through the OA (mentions escaped), queued with the turn's other
/// sends; group messages are not bound to the reply window.
pub fn post_to_group(group_id: &str, text: &str) -> ApiCall {
    // The outbox orders and keys sends by recipient; a group is its own recipient.
    ApiCall::new(
        ZaloId::new(group_id),
        GROUP_MESSAGE_PATH,
        group_text(group_id, text),
    )
}
