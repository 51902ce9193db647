//! Service levels: cases without a first response past their target remind the assignee (or
//! the officers on call), and at twice the target the chief. `check` takes the time as an
//! argument so tests can move the clock.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::cases::Category;
use crate::config::ServiceLevelSettings;
use crate::conversation::outbox::outbound;
use crate::conversation::texts::Texts;
use crate::store::{now_ms, Store, Tx};
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
}

impl Sla {
    /// Sends due reminders and escalations as of `now`; returns how many messages were queued.
    pub async fn check(&self, now: i64) -> sqlx::Result<usize> {
        let mut tx = self.store.begin().await?;
        let mut queued = 0;
        let mut overdue = 0;
        for case in self.store.unanswered_cases(&mut tx).await? {
            let target = self.service.target_ms(case.urgent == 1);
            let waited = now - case.created_at;
            if waited <= target {
                continue;
            }
            overdue += 1;
            let category = Category::from_id(&case.category).unwrap_or(Category::Other);
            let chief_only = category.chief_only();
            let category = &self.texts.category[category];
            let age = crate::officers::handling_age(&self.texts, waited);
            if case.reminded_at.is_none() {
                let to = match &case.assigned_to {
                    Some(key) => self.officer_ids(&mut tx, Some(key), false).await?,
                    // A complaint about an officer is reminded to the chief, never to the
                    // officers on call (one of them may be the officer concerned).
                    None if chief_only => self.officer_ids(&mut tx, None, true).await?,
                    None => self.pager_ids(&mut tx).await?,
                };
                let text = self.texts.officer.overdue.render(&[
                    ("code", &case.code),
                    ("category", category),
                    ("age", &age),
                ]);
                queued += self
                    .send(&mut tx, &to, &text, &format!("sla:{}:remind", case.id), now)
                    .await?;
                self.store
                    .mark_case_reminded(&mut tx, case.id, false, now)
                    .await?;
            }
            if waited > 2 * target && case.escalated_at.is_none() {
                let chiefs = self.officer_ids(&mut tx, None, true).await?;
                let assignee = match &case.assigned_to {
                    Some(key) => self
                        .store
                        .officer(&mut tx, key)
                        .await?
                        .map(|o| o.name)
                        .unwrap_or_default(),
                    None => self.texts.officer.unassigned.to_string(),
                };
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
                        &format!("sla:{}:escalate", case.id),
                        now,
                    )
                    .await?;
                self.store
                    .mark_case_reminded(&mut tx, case.id, true, now)
                    .await?;
            }
        }
        tx.commit().await?;
        metrics::gauge!("ketnoi_cases_overdue").set(overdue as f64);
        metrics::gauge!("ketnoi_first_response_target_seconds", "urgency" => "urgent")
            .set(self.service.target_ms(true) as f64 / 1000.0);
        metrics::gauge!("ketnoi_first_response_target_seconds", "urgency" => "ordinary")
            .set(self.service.target_ms(false) as f64 / 1000.0);
        if queued > 0 {
            self.outbox_ready.notify_one();
        }
        Ok(queued)
    }

    async fn send(
        &self,
        tx: &mut Tx,
        to: &[String],
        text: &str,
        key: &str,
        as_of: i64,
    ) -> sqlx::Result<usize> {
        let message = CsMessage::text(text);
        // Due at once, even when `check` was asked about a later moment.
        let now = as_of.min(now_ms());
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
        key: Option<&String>,
        chiefs: bool,
    ) -> sqlx::Result<Vec<String>> {
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
            .filter_map(|o| self.vault.open_string(&o.zalo_id_sealed).ok())
            .collect())
    }

    async fn pager_ids(&self, tx: &mut Tx) -> sqlx::Result<Vec<String>> {
        crate::conversation::roster::pager_ids(&self.store, tx, &self.vault, &self.on_call_fallback)
            .await
    }

    /// Checks every `interval` until shutdown.
    pub async fn run(self, interval: Duration, shutdown: CancellationToken) -> anyhow::Result<()> {
        loop {
            if let Err(err) = self.check(now_ms()).await {
                tracing::warn!(error = %err, "service-level check failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.cancelled() => return Ok(()),
            }
        }
    }
}
