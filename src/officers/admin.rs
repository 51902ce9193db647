//! The chief's tools and the figures: identity reveal, statistics, the on-call roster and
//! officer management.

use std::time::Duration;

use super::command::{OfficerAction, OnCallAction};
use super::handling::age;
use super::Console;
use crate::access::{CommandName, Outcome};
use crate::cases::{CaseCode, Status};
use crate::conversation::{Reply, Turn};
use crate::store::OfficerRow;

impl Console {
    /// Shows who reported a case. The role check happened before; the reason is audited.
    pub(super) async fn reveal(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        code: &CaseCode,
        reason: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let Some(case) = self.find(turn, officer, code).await? else {
            return self.no_case(turn, code);
        };
        let resident = turn.store.resident(turn.tx, &case.reporter_key).await?;
        let zalo_id = resident.and_then(|r| turn.vault.open_zalo_id(&r.zalo_id_sealed).ok());
        self.audit(
            turn,
            officer,
            CommandName::Reveal,
            Some(code),
            Outcome::Ok,
            Some(reason),
        )
        .await?;
        let t = &self.texts.officer;
        let entry = t
            .reveal_entry
            .render(&[("handle", &officer.handle), ("reason", reason)]);
        self.add_event(turn, officer, &case, "reveal", &entry)
            .await?;
        // The account as typed, numbers unmasked: what officers saw masked, the chief may see.
        let description = turn
            .vault
            .open(&case.details)
            .ok()
            .and_then(|d| serde_json::from_slice::<crate::cases::Details>(&d).ok())
            .map(|d| d.description)
            .unwrap_or_default();
        let text = match zalo_id {
            Some(id) => t.reveal.render(&[
                ("code", &case.code),
                ("reason", reason),
                ("zalo_id", id.as_str()),
                ("description", &description),
            ]),
            None => t.reveal_missing.render(&[("code", &case.code)]),
        };
        Ok(vec![self.say(turn, text)])
    }

    pub(super) async fn stats(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        days: u32,
    ) -> sqlx::Result<Vec<Reply>> {
        let since = turn
            .now
            .minus(Duration::from_secs(u64::from(days) * 86_400));
        let cases = turn.store.cases_since(turn.tx, since).await?;
        self.audit(turn, officer, CommandName::Stats, None, Outcome::Ok, None)
            .await?;
        let mut by_status: Vec<(String, usize)> = Vec::new();
        let mut by_category: Vec<(String, usize)> = Vec::new();
        let bump = |list: &mut Vec<(String, usize)>, key: String| match list
            .iter_mut()
            .find(|(k, _)| *k == key)
        {
            Some((_, n)) => *n += 1,
            None => list.push((key, 1)),
        };
        for case in &cases {
            bump(&mut by_status, self.status_label(case.status));
            bump(&mut by_category, self.category_label(case));
        }
        let first: Vec<Duration> = cases
            .iter()
            .filter_map(|c| c.first_response_at.map(|t| t.since(c.created_at)))
            .collect();
        let resolved: Vec<Duration> = cases
            .iter()
            .filter_map(|c| c.resolved_at.map(|t| t.since(c.created_at)))
            .collect();
        let open_urgent = cases
            .iter()
            .filter(|c| c.urgent == 1 && c.status.is_open())
            .count();
        let overdue = cases
            .iter()
            .filter(|c| c.first_response_at.is_none() && c.status == Status::Received)
            .filter(|c| turn.now.since(c.created_at) > self.service.target(c.urgent == 1))
            .count();
        let t = &self.texts.officer;
        let none = || t.stats.none.to_string();
        let list = |l: &[(String, usize)]| match l {
            [] => none(),
            _ => l
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect::<Vec<_>>()
                .join("; "),
        };
        let median_age = |values| median(values).map_or_else(none, |ms| age(&t.age, ms));
        let mut text = t.stats.summary.render(&[
            ("days", &days.to_string()),
            ("cases", &cases.len().to_string()),
            ("by_status", &list(&by_status)),
            ("by_category", &list(&by_category)),
            ("first_response", &median_age(first)),
            ("resolution", &median_age(resolved)),
            ("open_urgent", &open_urgent.to_string()),
            ("overdue", &overdue.to_string()),
            (
                "urgent_minutes",
                &self.service.urgent_first_response_minutes.to_string(),
            ),
            (
                "ordinary_hours",
                &self.service.ordinary_first_response_hours.to_string(),
            ),
        ]);
        if officer.is_chief() {
            let dead = turn.store.dead_lettered_since(turn.tx, since).await?;
            text.push('\n');
            text.push_str(&t.stats.dead_letters.render(&[("count", &dead.to_string())]));
        }
        Ok(vec![self.say(turn, text)])
    }

    pub(super) async fn on_call(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        action: OnCallAction,
    ) -> sqlx::Result<Vec<Reply>> {
        if let OnCallAction::Set(handles) = &action {
            let officers = turn.store.officers(turn.tx).await?;
            if let Some(unknown) = handles
                .iter()
                .find(|h| !officers.iter().any(|o| &o.handle == *h))
            {
                return Ok(vec![self.say(
                    turn,
                    self.texts.officer.no_officer.render(&[("handle", unknown)]),
                )]);
            }
            turn.store.set_on_call(turn.tx, handles, turn.now).await?;
            self.audit(
                turn,
                officer,
                CommandName::OnCall,
                None,
                Outcome::Ok,
                Some(&handles.join(" ")),
            )
            .await?;
        } else {
            self.audit(turn, officer, CommandName::OnCall, None, Outcome::Ok, None)
                .await?;
        }
        let roster: Vec<String> = turn
            .store
            .officers(turn.tx)
            .await?
            .into_iter()
            .filter(|o| o.on_call == 1)
            .map(|o| format!("{} ({})", o.name, o.handle))
            .collect();
        let t = &self.texts.officer;
        let names = if roster.is_empty() {
            t.oncall_from_config.to_string()
        } else {
            roster.join(", ")
        };
        let told = if matches!(action, OnCallAction::Set(_)) {
            &t.oncall_set
        } else {
            &t.oncall
        };
        Ok(vec![self.say(turn, told.render(&[("names", &names)]))])
    }

    pub(super) async fn manage(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        action: OfficerAction,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.officer;
        // An invite's answer holds its code, which is kept nowhere but as a keyed hash: the
        // audit row records that an invite was made, not the answer.
        let invite = matches!(action, OfficerAction::Invite { .. });
        let text = match action {
            OfficerAction::List => {
                let officers = turn.store.officers(turn.tx).await?;
                officers
                    .iter()
                    .map(|o| {
                        let areas = o.area_list().join(", ");
                        let mut parts = vec![o.handle.as_str(), o.name.as_str(), o.role.id()];
                        if !areas.is_empty() {
                            parts.push(&areas);
                        }
                        if o.on_call == 1 {
                            parts.push(&t.roster_on_call);
                        }
                        if o.may_alert_all == 1 && !o.is_chief() {
                            parts.push(&t.roster_may_alert_all);
                        }
                        parts.join(" · ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            OfficerAction::Invite { name, role } => self.invite(turn, officer, name, role).await?,
            OfficerAction::Add {
                zalo_id,
                handle,
                name,
                role,
            } => {
                let key = turn.vault.user_key(&zalo_id);
                let sealed = turn.vault.seal(zalo_id.as_bytes());
                if turn
                    .store
                    .officer_by_handle(turn.tx, &handle)
                    .await?
                    .is_some_and(|o| o.user_key != key)
                {
                    let taken = t.handle_taken.render(&[("handle", &handle)]);
                    return Ok(vec![self.say(turn, taken)]);
                }
                // A removed officer's handle may be given to someone new.
                turn.store
                    .release_handle(turn.tx, &handle, turn.now)
                    .await?;
                turn.store
                    .upsert_officer(turn.tx, &key, &sealed, &handle, &name, role, turn.now)
                    .await?;
                t.added
                    .render(&[("name", &name), ("handle", &handle), ("role", role.id())])
            }
            OfficerAction::Remove { handle } => {
                let leaving = turn.store.officer_by_handle(turn.tx, &handle).await?;
                if handle == officer.handle {
                    t.cannot_remove_self.to_string()
                } else if turn
                    .store
                    .deactivate_officer(turn.tx, &handle, turn.now)
                    .await?
                {
                    let moved = match leaving {
                        Some(leaving) => {
                            // A removed officer's open console tabs stop working at once.
                            turn.store
                                .end_console_sessions_of(turn.tx, &leaving.user_key, turn.now)
                                .await?;
                            self.hand_back_cases(turn, officer, &leaving).await?
                        }
                        None => 0,
                    };
                    let mut text = t.removed.render(&[("handle", &handle)]);
                    if moved > 0 {
                        text.push(' ');
                        let moved = moved.to_string();
                        text.push_str(&t.removed_cases_handed_back.render(&[("count", &moved)]));
                    }
                    text
                } else {
                    t.no_officer.render(&[("handle", &handle)])
                }
            }
            OfficerAction::AlertAll { handle, allowed } => {
                if turn
                    .store
                    .set_may_alert_all(turn.tx, &handle, allowed, turn.now)
                    .await?
                {
                    let told = if allowed {
                        &t.alert_all_allowed
                    } else {
                        &t.alert_all_stopped
                    };
                    told.render(&[("handle", &handle)])
                } else {
                    t.no_officer.render(&[("handle", &handle)])
                }
            }
            OfficerAction::Areas { handle, areas } => {
                // A khu phố the station does not list is named back, and nothing is stored:
                // cases are routed by the configured names only.
                if let Some(unknown) = areas.iter().find(|a| self.area_name(a).is_none()) {
                    return Ok(vec![self.unknown_area(turn, unknown)]);
                }
                let names: Vec<String> = areas.iter().filter_map(|a| self.area_name(a)).collect();
                if turn
                    .store
                    .set_officer_areas(turn.tx, &handle, &names, turn.now)
                    .await?
                {
                    t.areas_set
                        .render(&[("handle", &handle), ("areas", &names.join(", "))])
                } else {
                    t.no_officer.render(&[("handle", &handle)])
                }
            }
        };
        self.audit(
            turn,
            officer,
            CommandName::Officer,
            None,
            Outcome::Ok,
            Some(if invite { "invite" } else { &text }),
        )
        .await?;
        Ok(vec![self.say(turn, text)])
    }
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[values.len() / 2])
}

impl Console {
    /// A removed officer's open cases go to the area officer of their khu phố, else to the
    /// chief who removed them, so nothing a resident sends lands with nobody. Returns how many.
    async fn hand_back_cases(
        &self,
        turn: &mut Turn<'_>,
        chief: &OfficerRow,
        leaving: &OfficerRow,
    ) -> sqlx::Result<usize> {
        let query = crate::store::CaseQuery {
            statuses: Status::OPEN.to_vec(),
            assigned_to: Some(leaving.user_key.clone()),
            ..crate::store::CaseQuery::default()
        };
        let cases = turn.store.list_cases(turn.tx, &query, i64::MAX).await?;
        let officers = turn.store.officers(turn.tx).await?;
        for case in &cases {
            let area_officer = case.khu_pho.as_deref().and_then(|area| {
                officers
                    .iter()
                    .find(|o| o.user_key != leaving.user_key && o.area_list().contains(&area))
            });
            let to = area_officer.unwrap_or(chief);
            turn.store
                .assign_case(
                    turn.tx,
                    case.id,
                    &to.user_key,
                    chief.user_key.as_str(),
                    turn.now,
                )
                .await?;
        }
        Ok(cases.len())
    }
}
