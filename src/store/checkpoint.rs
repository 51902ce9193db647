//! SQLite checkpoints mostly off the serving connection. The connection that commits when the
//! WAL passes 1000 pages copies the WAL into the database file and fsyncs it, right there,
//! holding up every query queued behind it — with one connection, the webhook's too. This task,
//! on a connection (and thread) of its own, runs a PASSIVE checkpoint several times a second:
//! it copies what it can without waiting for, or blocking, the writer. When the serving
//! connection's own automatic checkpoint comes due, little is left to copy, and it still
//! restarts the WAL so the file stays bounded (a background checkpoint alone cannot: under
//! continuous writes the WAL is never fully copied at the moment a writer looks, and it grew
//! past 1 GB in a 10 s benchmark).

use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor};
use tokio_util::sync::CancellationToken;

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(200);

/// Stops the checkpointer when the last store handle is dropped.
#[derive(Debug)]
pub struct Checkpointer(CancellationToken);

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl Checkpointer {
    /// Starts checkpointing the database at `url` (already prepared by `Store::connect`).
    pub async fn start(url: &str) -> sqlx::Result<Checkpointer> {
        let mut conn = AnyConnection::connect(url).await?;
        let stop = CancellationToken::new();
        let token = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = token.cancelled() => break,
                    _ = tokio::time::sleep(EVERY) => {}
                }
                let started = std::time::Instant::now();
                match conn.execute("pragma wal_checkpoint(passive)").await {
                    Ok(_) => metrics::histogram!("ketnoi_wal_checkpoint_seconds")
                        .record(started.elapsed().as_secs_f64()),
                    Err(err) => tracing::warn!(error = %err, "WAL checkpoint failed"),
                }
            }
            let _ = conn.close().await;
        });
        Ok(Checkpointer(stop))
    }
}
