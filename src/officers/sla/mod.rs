//! Service levels: cases without a first response past their target remind the assignee (or
//! the officers on call), and at twice the target the chief; open cases nearing the resolution
//! target warn the assignee, and past it the chief ([`resolution`]). `check` takes the time as
//! an argument so tests can move the clock. The same periodic check tells the chief, once,
//! about a khu phố Zalo group that Zalo no longer has.

mod resolution;

pub use resolution::{resolution_due, ResolutionDue};

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::cases::{CaseCode, Category};
use crate::config::ServiceLevelSettings;
use crate::conversation::outbox::outbound;
use crate::conversation::texts::Texts;
use crate::ids::{UserKey, ZaloId};
use crate::store::{CaseReminder, CaseRow, Store, Tx};
use crate::time::{SharedClock, Timestamp};
use crate::vault::Vault;
use crate::zalo::messages::CsMessage;

/// Looks for overdue cases.
#[derive(Clone)]
pub struct Sla {
    /// Database.
    pub store: Store,
    /// Opens officers' ids, seals messages.
    pub vault: Vault,
    /// Reminder texts.
    pub texts: Texts,
    /// Targets.
    pub service: ServiceLevelSettings,
    /// Paged when nobody is on the roster.
    pub on_call_fallback: Vec<String>,
    /// Woken when reminders are queued.
    pub outbox_ready: Arc<Notify>,
    /// Where "now" comes from.
    pub clock: SharedClock,
}

/// What an unanswered case is due, decided from the case and the time alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overdue {
    /// How long it has waited for a first response.
    pub waited: Duration,
    /// Remind the assignee (or the officers on call, or the chief for a complaint).
    pub remind: bool,
    /// Escalate to the chief: twice the target has passed.
    pub escalate: bool,
}

/// The pure core of the check: `None` while within target or when every message it is due was
/// already sent.
pub fn overdue(case: &CaseRow, now: Timestamp, service: &ServiceLevelSettings) -> Option<Overdue> {
    let target = service.target(case.urgent == 1);
    let waited = now.since(case.created_at);
    if waited <= target {
        return None;
    }
    let remind = case.reminded_at.is_none();
    let escalate = waited > 2 * target && case.escalated_at.is_none();
    Some(Overdue {
        waited,
        remind,
        escalate,
    })
}

impl Sla {
    /// One step: sends the reminders and escalations due now (the clock's now).
    pub async fn run_once(&self) -> sqlx::Result<usize> {
        self.check(self.clock.now()).await
    }

    /// Sends due reminders and escalations as of `now`; returns how many messages were queued.
    pub async fn check(&self, now: Timestamp) -> sqlx::Result<usize> {
        let mut tx = self.store.begin().await?;
        let mut queued = 0;
        let mut overdue_cases = 0;
        for case in self.store.unanswered_cases(&mut tx).await? {
            let Some(due) = overdue(&case, now, &self.service) else {
                continue;
            };
            overdue_cases += 1;
            let category = &self.texts.category[case.category];
            let age = crate::officers::handling_age(&self.texts, due.waited);
            if due.remind {
                let to = self
                    .assignee_or_pagers(&mut tx, case.assigned_to.as_ref(), case.category)
                    .await?;
                let text = self.texts.officer.overdue.render(&[
                    ("code", &case.code),
                    ("category", category),
                    ("age", &age),
                ]);
                queued += self
                    .send(
                        &mut tx,
                        &to,
                        &text,
                        &case.code,
                        &format!("sla:{}:remind", case.id),
                        now,
                    )
                    .await?;
                self.store
                    .mark_case_reminded(&mut tx, case.id, CaseReminder::FirstResponse, now)
                    .await?;
            }
            if due.escalate {
                let chiefs = self.officer_ids(&mut tx, None, true).await?;
                let assignee = self
                    .assignee_name(&mut tx, case.assigned_to.as_ref())
                    .await?;
                let text = self.texts.officer.overdue_chief.render(&[
                    ("code", &case.code),
                    ("category", category),
                    ("age", &age),
                    ("assignee", &assignee),
                ]);
                queued += self
                    .send(
                        &mut tx,
                        &chiefs,
                        &text,
                        &case.code,
                        &format!("sla:{}:escalate", case.id),
                        now,
                    )
                    .await?;
                self.store
                    .mark_case_reminded(&mut tx, case.id, CaseReminder::FirstResponseEscalated, now)
                    .await?;
            }
        }
        let (resolution_queued, past_resolution) = self.check_resolution(&mut tx, now).await?;
        queued += resolution_queued;
        queued += self.tell_gone_groups(&mut tx, now).await?;
        tx.commit().await?;
        metrics::gauge!("ketnoi_cases_overdue").set(overdue_cases as f64);
        metrics::counter!("ketnoi_cases_past_resolution_target_total")
            .increment(past_resolution as u64);
        metrics::gauge!("ketnoi_first_response_target_seconds", "urgency" => "urgent")
            .set(self.service.target(true).as_secs_f64());
        metrics::gauge!("ketnoi_first_response_target_seconds", "urgency" => "ordinary")
            .set(self.service.target(false).as_secs_f64());
        if queued > 0 {
            self.outbox_ready.notify_one();
        }
        Ok(queued)
    }

    /// Tells the chiefs, once, about each khu phố group Zalo no longer has (marked by the
    /// delivery worker on `-237`/`-403`, or by a `delete_group` event).
    async fn tell_gone_groups(&self, tx: &mut Tx, now: Timestamp) -> sqlx::Result<usize> {
        let gone = self.store.groups_gone_untold(tx).await?;
        if gone.is_empty() {
            return Ok(0);
        }
        let chiefs = self.officer_ids(tx, None, true).await?;
        let now = now.min(self.clock.now());
        let mut queued = 0;
        for group in gone {
            let text = self.texts.group.gone_told.render(&[("area", &group.area)]);
            let message = CsMessage::text(text);
            for (n, id) in chiefs.iter().enumerate() {
                let key = format!(
                    "group-gone:{}:{}:{n}",
                    group.group_id,
                    group.updated_at.as_millis()
                );
                let msg = outbound(&self.vault, key, None, id, &message);
                self.store.enqueue(tx, &msg, false, now).await?;
                queued += 1;
            }
            self.store
                .mark_group_chief_told(tx, &group.group_id, now)
                .await?;
        }
        Ok(queued)
    }

    async fn send(
        &self,
        tx: &mut Tx,
        to: &[ZaloId],
        text: &str,
        code: &CaseCode,
        key: &str,
        as_of: Timestamp,
    ) -> sqlx::Result<usize> {
        // The same "Nhận xử lý" and "Xem" buttons as a new-case notice: one tap from the reminder.
        let message = CsMessage::text(text).with_buttons(super::case_buttons(&self.texts, code));
        // Due at once, even when `check` was asked about a later moment.
        let now = as_of.min(self.clock.now());
        for (n, id) in to.iter().enumerate() {
            let msg = outbound(&self.vault, format!("{key}:{n}"), None, id, &message);
            self.store.enqueue(tx, &msg, false, now).await?;
        }
        Ok(to.len())
    }

    /// Zalo ids of one officer (`key`) or of every chief.
    async fn officer_ids(
        &self,
        tx: &mut Tx,
        key: Option<&UserKey>,
        chiefs: bool,
    ) -> sqlx::Result<Vec<ZaloId>> {
        let officers = self.store.officers(tx).await?;
        Ok(officers
            .iter()
            .filter(|o| {
                if chiefs {
                    o.is_chief()
                } else {
                    Some(&o.user_key) == key
                }
            })
            .filter_map(|o| self.vault.open_zalo_id(&o.zalo_id_sealed).ok())
            .collect())
    }

    /// Who is reminded about a case: its assignee; unassigned, the officers on call — except a
    /// complaint about an officer, which goes to the chief, never to the officers on call (one
    /// of them may be the officer concerned).
    async fn assignee_or_pagers(
        &self,
        tx: &mut Tx,
        assignee: Option<&UserKey>,
        category: Category,
    ) -> sqlx::Result<Vec<ZaloId>> {
        match assignee {
            Some(key) => self.officer_ids(tx, Some(key), false).await,
            None if category.chief_only() => self.officer_ids(tx, None, true).await,
            None => self.pager_ids(tx).await,
        }
    }

    /// The assignee's name for the chief, or "chưa giao".
    async fn assignee_name(&self, tx: &mut Tx, assignee: Option<&UserKey>) -> sqlx::Result<String> {
        Ok(match assignee {
            Some(key) => self
                .store
                .officer(tx, key)
                .await?
                .map(|o| o.name)
                .unwrap_or_default(),
            None => self.texts.officer.unassigned.to_string(),
        })
    }

    async fn pager_ids(&self, tx: &mut Tx) -> sqlx::Result<Vec<ZaloId>> {
        crate::conversation::roster::pager_ids(&self.store, tx, &self.vault, &self.on_call_fallback)
            .await
    }

    /// Checks every `interval` until shutdown.
    pub async fn run(self, interval: Duration, shutdown: CancellationToken) -> anyhow::Result<()> {
        loop {
            if let Err(err) = self.run_once().await {
                tracing::warn!(error = %err, "service-level check failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.cancelled() => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Category, Status};
    use crate::ids::UserKey;

    fn case(urgent: bool, created_at: i64) -> CaseRow {
        CaseRow {
            id: 1,
            code: crate::cases::code::find("PA-7K3M9Q").expect("a code"),
            reporter_key: UserKey::new("r"),
            pseudonym: "Người báo #R".into(),
            category: Category::Theft,
            urgent: i64::from(urgent),
            status: Status::Received,
            khu_pho: None,
            details: Vec::new(),
            created_at: Timestamp::from_millis(created_at),
            updated_at: Timestamp::from_millis(created_at),
            assigned_to: None,
            first_response_at: None,
            resolved_at: None,
            reminded_at: None,
            escalated_at: None,
        }
    }

    #[test]
    fn reminded_past_the_target_escalated_past_twice_each_once() {
        let service = ServiceLevelSettings {
            urgent_first_response_minutes: 15,
            ordinary_first_response_hours: 24,
            check_interval_secs: 60,
            resolution_days: 0,
            resolution_warning_days: 0,
        };
        let hour = 3_600_000;
        let at = |ms: i64| Timestamp::from_millis(ms);
        assert_eq!(
            overdue(&case(false, 0), at(24 * hour), &service),
            None,
            "on target"
        );
        let due = overdue(&case(false, 0), at(25 * hour), &service).unwrap();
        assert!(due.remind && !due.escalate);
        assert_eq!(due.waited, Duration::from_secs(25 * 3600));
        let due = overdue(&case(false, 0), at(49 * hour), &service).unwrap();
        assert!(due.remind && due.escalate);
        let mut sent = case(false, 0);
        sent.reminded_at = Some(at(25 * hour));
        sent.escalated_at = Some(at(49 * hour));
        let due = overdue(&sent, at(60 * hour), &service).unwrap();
        assert!(!due.remind && !due.escalate, "each message once");
        let urgent = overdue(&case(true, 0), at(16 * 60_000), &service).unwrap();
        assert!(urgent.remind, "an urgent case waits 15 minutes, not a day");
    }
}
