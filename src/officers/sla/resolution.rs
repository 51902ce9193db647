//! The resolution target (`service_levels.resolution_days`, 20 by default: the time Article 147
//! of the Criminal Procedure Code gives to decide on a crime report). An open case nearing it
//! warns its assignee once (or the officers on call, or the chief for a complaint); one past it
//! is reported to the chief once. Transferred, resolved and rejected cases are done with.

use std::time::Duration;

use super::Sla;
use crate::config::ServiceLevelSettings;
use crate::store::{CaseReminder, OpenCaseRow, Tx};
use crate::time::Timestamp;

/// What an open case is due against the resolution target, decided from the case and the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolutionDue {
    /// How long it has been open.
    pub age: Duration,
    /// Warn the assignee: the target is near (or already past, and nobody was warned).
    pub warn: bool,
    /// Tell the chief: the target has passed.
    pub escalate: bool,
}

/// The pure core: `None` without a target, before the warning, or when everything due was sent.
pub fn resolution_due(
    case: &OpenCaseRow,
    now: Timestamp,
    service: &ServiceLevelSettings,
) -> Option<ResolutionDue> {
    let (target, warn_at) = service.resolution()?;
    let age = now.since(case.created_at);
    if age <= warn_at {
        return None;
    }
    let warn = case.resolution_warned_at.is_none();
    let escalate = age > target && case.resolution_escalated_at.is_none();
    (warn || escalate).then_some(ResolutionDue {
        age,
        warn,
        escalate,
    })
}

impl Sla {
    /// Sends the resolution warnings and escalations due at `now`; returns how many messages
    /// were queued and how many open cases are past the target.
    pub(super) async fn check_resolution(
        &self,
        tx: &mut Tx,
        now: Timestamp,
    ) -> sqlx::Result<(usize, usize)> {
        let Some((_, warn_at)) = self.service.resolution() else {
            return Ok((0, 0));
        };
        let days = self.service.resolution_days.to_string();
        let (mut queued, mut past) = (0, 0);
        for case in self.store.open_cases_before(tx, now.minus(warn_at)).await? {
            let Some(due) = resolution_due(&case, now, &self.service) else {
                continue;
            };
            let category = &self.texts.category[case.category];
            let age = crate::officers::handling_age(&self.texts, due.age);
            if due.warn {
                let to = self
                    .assignee_or_pagers(tx, case.assigned_to.as_ref(), case.category)
                    .await?;
                let text = self.texts.officer.resolution_near.render(&[
                    ("code", &case.code),
                    ("category", category),
                    ("age", &age),
                    ("days", &days),
                ]);
                let key = format!("resolution:{}:warn", case.id);
                queued += self.send(tx, &to, &text, &case.code, &key, now).await?;
                self.store
                    .mark_case_reminded(tx, case.id, CaseReminder::Resolution, now)
                    .await?;
            }
            if due.escalate {
                past += 1;
                let chiefs = self.officer_ids(tx, None, true).await?;
                let assignee = self.assignee_name(tx, case.assigned_to.as_ref()).await?;
                let text = self.texts.officer.resolution_overdue_chief.render(&[
                    ("code", &case.code),
                    ("category", category),
                    ("age", &age),
                    ("days", &days),
                    ("assignee", &assignee),
                ]);
                let key = format!("resolution:{}:escalate", case.id);
                queued += self.send(tx, &chiefs, &text, &case.code, &key, now).await?;
                self.store
                    .mark_case_reminded(tx, case.id, CaseReminder::ResolutionEscalated, now)
                    .await?;
            }
        }
        Ok((queued, past))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{code, Category};

    const DAY: u64 = 86_400_000;

    fn service(days: u64) -> ServiceLevelSettings {
        ServiceLevelSettings {
            urgent_first_response_minutes: 15,
            ordinary_first_response_hours: 24,
            check_interval_secs: 60,
            resolution_days: days,
            resolution_warning_days: 3,
        }
    }

    fn case(warned: bool, escalated: bool) -> OpenCaseRow {
        OpenCaseRow {
            id: 1,
            code: code::generate(),
            category: Category::Theft,
            assigned_to: None,
            created_at: Timestamp::from_millis(0),
            resolution_warned_at: warned.then(|| Timestamp::from_millis(1)),
            resolution_escalated_at: escalated.then(|| Timestamp::from_millis(2)),
        }
    }

    fn at_day(day: u64) -> Timestamp {
        Timestamp::from_millis((day * DAY) as i64)
    }

    #[test]
    fn warned_three_days_before_then_the_chief_once_past_the_target() {
        let s = service(20);
        assert_eq!(resolution_due(&case(false, false), at_day(17), &s), None);
        let near = resolution_due(&case(false, false), at_day(18), &s).unwrap();
        assert!(near.warn && !near.escalate);
        assert_eq!(resolution_due(&case(true, false), at_day(19), &s), None);
        let past = resolution_due(&case(true, false), at_day(21), &s).unwrap();
        assert!(!past.warn && past.escalate);
        assert_eq!(resolution_due(&case(true, true), at_day(40), &s), None);
        // Found only once past the target (the service was down): both at once.
        let late = resolution_due(&case(false, false), at_day(25), &s).unwrap();
        assert!(late.warn && late.escalate);
    }

    #[test]
    fn no_target_means_nothing_is_due() {
        assert_eq!(
            resolution_due(&case(false, false), at_day(400), &service(0)),
            None
        );
    }
}
