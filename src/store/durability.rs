//! When a SQLite commit reaches the disk. The connection runs `synchronous = normal`: a commit
//! is written to the WAL file (so it survives the process being killed) but not fsynced, which
//! costs ~20 µs here instead of ~180 µs. Whatever is about to be *told to the outside world* —
//! the webhook's 200, a message or API call to Zalo, a freshly refreshed token pair — first
//! waits for [`WalSync::sync`], an fsync of the WAL file that covers every commit before it.
//!
//! The fsync runs on a blocking thread, not on the connection's thread, so the one SQLite
//! connection keeps serving queries meanwhile; concurrent callers share one fsync (group
//! sync). The effect is SQLite's `synchronous = full` for everything that matters, paid once per
//! group rather than once per transaction. A power cut can only lose worker commits whose
//! effects never left the process; their events are processed again.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Mutex;

/// Group fsync of one SQLite database's WAL file.
#[derive(Debug)]
pub struct WalSync {
    wal: PathBuf,
    /// Tickets handed out; a caller takes one after its commit returned.
    requested: AtomicU64,
    /// Held while an fsync runs; the value is the highest ticket already covered.
    covered: Mutex<u64>,
}

impl WalSync {
    /// For the database file at `db_path` (its WAL is `<db_path>-wal`).
    pub fn new(db_path: &str) -> WalSync {
        WalSync {
            wal: PathBuf::from(format!("{db_path}-wal")),
            requested: AtomicU64::new(0),
            covered: Mutex::new(0),
        }
    }

    /// Returns once every commit that returned before this call is on disk.
    pub async fn sync(&self) -> std::io::Result<()> {
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let mut covered = self.covered.lock().await;
        if *covered >= ticket {
            // An fsync that started after our commit finished while we queued.
            metrics::counter!("ketnoi_wal_sync_shared_total").increment(1);
            return Ok(());
        }
        // Every ticket up to here was taken after its commit: this fsync covers them all.
        let covers = self.requested.load(Ordering::SeqCst);
        let wal = self.wal.clone();
        let started = std::time::Instant::now();
        tokio::task::spawn_blocking(move || fsync(&wal))
            .await
            .map_err(std::io::Error::other)??;
        metrics::histogram!("ketnoi_wal_sync_seconds").record(started.elapsed().as_secs_f64());
        *covered = covers;
        Ok(())
    }
}

/// Opened afresh each time: SQLite deletes and recreates the WAL file when its last connection
/// closes (after checkpointing it into the database and syncing that), so a kept descriptor
/// could point at a file no longer in use. A missing WAL means there is nothing unsynced.
fn fsync(wal: &std::path::Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new().write(true).open(wal) {
        Ok(file) => file.sync_data(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_wal_needs_no_sync_and_an_existing_one_is_synced() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        let sync = WalSync::new(db.to_str().unwrap());
        sync.sync().await.unwrap();
        std::fs::write(dir.path().join("k.db-wal"), b"frames").unwrap();
        sync.sync().await.unwrap();
        assert_eq!(*sync.covered.lock().await, 2);
    }

    #[tokio::test]
    async fn concurrent_callers_are_all_covered() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        std::fs::write(dir.path().join("k.db-wal"), b"frames").unwrap();
        let sync = std::sync::Arc::new(WalSync::new(db.to_str().unwrap()));
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let sync = sync.clone();
                tokio::spawn(async move { sync.sync().await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(*sync.covered.lock().await, 32);
    }
}
