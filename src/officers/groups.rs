//! `/group`: the khu phố Zalo groups from the officers' side — the list, the chief linking a
//! khu phố to an OA-owned group, and an officer posting in their khu phố's group as the
//! station — and posting alerts and warnings to the groups.

use super::command::GroupAction;
use super::Console;
use crate::access::{CommandName, Outcome};
use crate::conversation::groups::{area_groups, live_group, post_to_group, AreaGroup};
use crate::conversation::{Reply, Turn};
use crate::store::OfficerRow;

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
                            let about = match &g.join_link {
                                Some(link) => format!("{} – {link}", g.group_id),
                                None => g.group_id.clone(),
                            };
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
                self.audit(
                    turn,
                    officer,
                    CommandName::Group,
                    Some(&name),
                    Outcome::Ok,
                    Some(&format!("link {group_id}")),
                )
                .await?;
                let linked = t.linked.render(&[("area", &name), ("text", &group_id)]);
                Ok(vec![self.say(turn, linked)])
            }
            GroupAction::Say { area, text } => {
                let Some(name) = self.area_name(&area) else {
                    return Ok(vec![self.unknown_area(turn, &area)]);
                };
                // The khu phố's own officer speaks in its group; the chief in any.
                if !officer.is_chief() && !officer.area_list().contains(&name.as_str()) {
                    self.audit(
                        turn,
                        officer,
                        CommandName::Group,
                        Some(&name),
                        Outcome::Refused,
                        Some("say"),
                    )
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
                self.audit(
                    turn,
                    officer,
                    CommandName::Group,
                    Some(&name),
                    Outcome::Ok,
                    Some("say"),
                )
                .await?;
                Ok(vec![self.say(turn, t.said.render(&[("area", &name)]))])
            }
        }
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
