//! The retention step: once an hour, erases what `privacy.retention_days` no longer allows
//! keeping — identities and sealed texts of cases closed longer ago than that, residents gone
//! quiet since with nothing left linked to them, and old sealed event and message bodies
//! ([`Store::erase_expired`]). Case statistics and the audit log stay. Time comes from the
//! injected clock, so a test can run one step "a year later".

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{Erased, Store};
use crate::time::SharedClock;

/// Everything the retention step needs.
#[derive(Clone)]
pub struct Retention {
    /// Database.
    pub store: Store,
    /// How long a closed case keeps what identifies its reporter and what they wrote.
    pub period: Duration,
    /// Where "now" comes from.
    pub clock: SharedClock,
}

/// How often the step runs: erasure is due within the hour, never sooner than needed.
pub const INTERVAL: Duration = Duration::from_secs(3600);

impl Retention {
    /// One step, in one transaction.
    pub async fn run_once(&self) -> sqlx::Result<Erased> {
        let cutoff = self.clock.now().minus(self.period);
        let mut tx = self.store.begin().await?;
        let erased = self.store.erase_expired(&mut tx, cutoff).await?;
        tx.commit().await?;
        if erased != Erased::default() {
            tracing::info!(
                residents = erased.residents,
                cases = erased.cases,
                messages = erased.messages,
                "retention period passed: identities and texts erased"
            );
        }
        Ok(erased)
    }

    /// Runs [`Self::run_once`] every `interval` until shutdown.
    pub async fn run(self, interval: Duration, shutdown: CancellationToken) -> anyhow::Result<()> {
        loop {
            if let Err(err) = self.run_once().await {
                self.store.note_storage_error();
                tracing::warn!(error = %err, "retention step failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.cancelled() => return Ok(()),
            }
        }
    }
}
