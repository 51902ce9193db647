//! `/group`: the khu phố Zalo groups from the officers' side — the list with member counts,
//! the chief creating a khu phố's group through Zalo or linking an existing one, and an
//! officer posting in their khu phố's group as the station — and posting alerts and warnings
//! to the groups.

use serde_json::json;

use super::command::GroupAction;
use super::Console;
use crate::access::{CommandName, Outcome};
use crate::conversation::groups::{area_groups, live_group, post_to_group, AreaGroup};
use crate::conversation::outbox::AfterCall;
use crate::conversation::{ApiCall, Reply, Turn};
use crate::ids::ZaloId;
use crate::store::OfficerRow;
use crate::zalo::gmf::{CREATE_GROUP_PATH, MAX_CREATE_MEMBERS};

/// How long a `/group create` waits for Zalo's answer before another may be sent: longer than
/// the delivery worker's retries take (about 18 minutes at most).
const GROUP_REQUEST_STALE: std::time::Duration = std::time::Duration::from_secs(3600);

impl Console {
    pub(super) async fn group(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        action: GroupAction,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.group;
        match action {
            GroupAction::List => {
                let groups = area_groups(turn, &self.config.station.areas).await?;
                let mut lines = vec![t.list_header.to_string()];
                for area in &self.config.station.areas {
                    let line = match groups.iter().find(|g| g.area == area.name) {
                        Some(g) if g.live => {
                            let mut about = vec![g.group_id.clone()];
                            if let Some((count, at)) = g.members {
                                let time = at.vn_time();
                                about.push(
                                    t.list_members
                                        .render(&[("count", &count.to_string()), ("time", &time)]),
                                );
                            }
                            about.extend(g.join_link.clone());
                            let about = about.join(" – ");
                            t.list_active
                                .render(&[("area", &area.name), ("text", &about)])
                        }
                        Some(_) => t.list_gone.render(&[("area", &area.name)]),
                        None => t.list_none.render(&[("area", &area.name)]),
                    };
                    lines.push(line);
                }
                self.audit(turn, officer, CommandName::Group, None, Outcome::Ok, None)
                    .await?;
                Ok(vec![self.say(turn, lines.join("\n"))])
            }
            GroupAction::Link {
                area,
                group_id,
                join_link,
            } => {
                let Some(name) = self.area_name(&area) else {
                    return Ok(vec![self.unknown_area(turn, &area)]);
                };
                turn.store
                    .link_group(
                        turn.tx,
                        &name,
                        &group_id,
                        join_link.as_deref(),
                        officer.user_key.as_str(),
                        turn.now,
                    )
                    .await?;
                self.audit_group(
                    turn,
                    officer,
                    &name,
                    Outcome::Ok,
                    &format!("link {group_id}"),
                )
                .await?;
                let linked = t.linked.render(&[("area", &name), ("text", &group_id)]);
                Ok(vec![self.say(turn, linked)])
            }
            GroupAction::Create { area } => self.create_group(turn, officer, &area).await,
            GroupAction::Say { area, text } => {
                let Some(name) = self.area_name(&area) else {
                    return Ok(vec![self.unknown_area(turn, &area)]);
                };
                // The khu phố's own officer speaks in its group; the chief in any.
                if !officer.is_chief() && !officer.area_list().contains(&name.as_str()) {
                    self.audit_group(turn, officer, &name, Outcome::Refused, "say")
                        .await?;
                    return Ok(vec![
                        self.say(turn, t.not_your_area.render(&[("area", &name)]))
                    ]);
                }
                let Some(group) = live_group(turn, &self.config.station.areas, &name).await? else {
                    return Ok(vec![self.say(turn, t.no_group.render(&[("area", &name)]))]);
                };
                let signed = t.signed.render(&[("text", &text)]);
                turn.calls.push(post_to_group(&group.group_id, &signed));
                self.audit_group(turn, officer, &name, Outcome::Ok, "say")
                    .await?;
                Ok(vec![self.say(turn, t.said.render(&[("area", &name)]))])
            }
        }
    }

    /// `/group create`: asks Zalo for a group for the khu phố, its officers as the first members
    /// (then the chief who asked). Zalo's answer comes back through the outbox: the group is
    /// linked and the chief told its join link, or why Zalo refused ([`AfterCall`]).
    async fn create_group(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        typed: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.group;
        let Some(area) = self.area_name(typed) else {
            return Ok(vec![self.unknown_area(turn, typed)]);
        };
        if self.config.gmf_asset_id.is_empty() {
            return Ok(vec![self.say(turn, t.create_no_asset.to_string())]);
        }
        if let Some(group) = live_group(turn, &self.config.station.areas, &area).await? {
            let about = group.join_link.unwrap_or(group.group_id);
            let text = t.create_exists.render(&[("area", &area), ("text", &about)]);
            return Ok(vec![self.say(turn, text)]);
        }
        // One request at a time: a second tap while Zalo has not answered makes no second group.
        let waiting = !turn
            .store
            .start_group_request(
                turn.tx,
                &area,
                officer.user_key.as_str(),
                turn.now,
                turn.now.minus(GROUP_REQUEST_STALE),
            )
            .await?;
        if waiting {
            return Ok(vec![
                self.say(turn, t.create_waiting.render(&[("area", &area)]))
            ]);
        }
        // The khu phố's own officers first, then whoever asked.
        let mut members: Vec<(ZaloId, String)> = Vec::new();
        for other in turn.store.officers(turn.tx).await? {
            if other.user_key != officer.user_key && other.area_list().contains(&area.as_str()) {
                if let Ok(id) = turn.vault.open_zalo_id(&other.zalo_id_sealed) {
                    members.push((id, other.name.clone()));
                }
            }
        }
        members.truncate(MAX_CREATE_MEMBERS - 1);
        members.push((turn.user_id.clone(), officer.name.clone()));
        let body = json!({
            "group_name": t.create_name.render(&[("area", &area)]),
            "group_description": t.create_description.render(&[
                ("area", &area),
                ("name", &self.config.station.name),
            ]),
            "asset_id": self.config.gmf_asset_id,
            "member_user_ids": members.iter().map(|(id, _)| id).collect::<Vec<_>>(),
        });
        let after = AfterCall::GroupCreated {
            area: area.clone(),
            linked_by: officer.user_key.as_str().to_owned(),
            officer: turn.user_id.as_str().to_owned(),
            members: members.len() as i64,
        };
        turn.calls
            .push(ApiCall::new(turn.user_id.clone(), CREATE_GROUP_PATH, body).then(after));
        self.audit_group(turn, officer, &area, Outcome::Ok, "create")
            .await?;
        let names: Vec<&str> = members.iter().map(|(_, name)| name.as_str()).collect();
        let text = t.creating.render(&[
            ("area", &area),
            ("count", &members.len().to_string()),
            ("names", &names.join(", ")),
        ]);
        Ok(vec![self.say(turn, text)])
    }

    /// The audit row of a `/group` action on a khu phố: what was done (`link …`, `say`,
    /// `create`) and how it ended.
    async fn audit_group(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        area: &str,
        outcome: Outcome,
        what: &str,
    ) -> sqlx::Result<()> {
        self.audit(
            turn,
            officer,
            CommandName::Group,
            Some(area),
            outcome,
            Some(what),
        )
        .await
    }

    /// Posts `text` to the live group of `area` (its configured name), or to every live group
    /// for `None` (the whole ward); returns how many groups it went to.
    pub(super) async fn post_to_groups(
        &self,
        turn: &mut Turn<'_>,
        area: Option<&str>,
        text: &str,
    ) -> sqlx::Result<usize> {
        let groups: Vec<AreaGroup> = area_groups(turn, &self.config.station.areas)
            .await?
            .into_iter()
            .filter(|g| g.live && area.is_none_or(|a| g.area == a))
            .collect();
        for group in &groups {
            turn.calls.push(post_to_group(&group.group_id, text));
        }
        Ok(groups.len())
    }

    /// "No khu phố '<typed>'", with the list of the ward's khu phố.
    pub(super) fn unknown_area(&self, turn: &Turn<'_>, typed: &str) -> Reply {
        let known: Vec<&str> = self
            .config
            .station
            .areas
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let text = self
            .texts
            .officer
            .alert_unknown_area
            .render(&[("area", typed), ("list", &known.join(", "))]);
        self.say(turn, text)
    }
}
