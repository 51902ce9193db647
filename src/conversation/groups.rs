//! Which Zalo group a khu phố has: the one the chief linked (`/group link`, kept in
//! `area_groups`), else the `group_id` in its settings; and the call that posts to it. Both the
//! officers' commands (`/group`, `/alert`, `/warn`) and the resident bot (a resident asking for
//! their group, a member writing in one) read groups through here.

use crate::config::AreaSettings;
use crate::conversation::{ApiCall, Turn};
use crate::ids::ZaloId;
use crate::store::GroupState;
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
}

/// Every khu phố's group, in the settings' order; khu phố without one are left out.
pub async fn area_groups(
    turn: &mut Turn<'_>,
    areas: &[AreaSettings],
) -> sqlx::Result<Vec<AreaGroup>> {
    let linked = turn.store.area_groups(turn.tx).await?;
    Ok(areas
        .iter()
        .filter_map(
            |area| match linked.iter().find(|row| row.area == area.name) {
                Some(row) => Some(AreaGroup {
                    area: row.area.clone(),
                    group_id: row.group_id.clone(),
                    join_link: row.join_link.clone(),
                    live: row.state == GroupState::Active,
                }),
                None => area.group_id.as_ref().map(|id| AreaGroup {
                    area: area.name.clone(),
                    group_id: id.clone(),
                    join_link: None,
                    live: true,
                }),
            },
        )
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
    ApiCall {
        // The outbox orders and keys sends by recipient; a group is its own recipient.
        to: ZaloId::new(group_id),
        path: GROUP_MESSAGE_PATH.to_owned(),
        body: group_text(group_id, text),
    }
}
