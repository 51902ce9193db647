//! Database access for both backends through sqlx's `Any` driver: one set of SQL (`$n`
//! placeholders work in both), with the few dialect differences (row locking) chosen by
//! [`Backend`]. Migrations are embedded per dialect from `migrations/{sqlite,postgres}`.

mod budget;
mod cases;
mod checkpoint;
mod columns;
mod console;
mod dead_letters;
mod dialogues;
mod durability;
mod erasure;
mod groups;
mod inbox;
mod ingest;
mod invites;
mod news;
mod officers;
mod outbox;
mod priority;
mod residents;
mod tokens;

pub use cases::{CaseEvent, CaseQuery, CaseReminder, CaseRow, NewCase, OpenCaseRow};
pub use dead_letters::{DeadEvent, DeadMessage};
pub use erasure::Erased;
pub use groups::{GroupRow, GroupState};
pub use inbox::{ClaimedEvent, NewEvent};
pub use ingest::{Ingest, IngestError};
pub use invites::InviteRow;
pub use news::{NewsItem, NewsKind, NewsRecord};
pub use officers::{AuditRow, OfficerRow};
pub use outbox::{
    ClaimedOutbound, DeliveryResult, FollowUp, NewOutbound, OutboxState, OutboxStats, Priority,
};
pub use residents::ResidentRow;
pub use tokens::{StoredTokens, TokenRefresh};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor};

use crate::time::Timestamp;

/// An open transaction on either backend.
pub type Tx = sqlx::Transaction<'static, Any>;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One process, a file.
    Sqlite,
    /// Several processes may share it.
    Postgres,
}

/// The store: a pool plus the backend it talks to.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite only: the group fsync behind [`Store::make_durable`].
    wal_sync: Option<Arc<durability::WalSync>>,
    /// SQLite only: lets the webhook's commits go before workers' on the one connection.
    ingest_first: Option<Arc<priority::IngestFirst>>,
    /// SQLite only: checkpoints the WAL on a connection of its own while any handle lives.
    _checkpointer: Option<Arc<checkpoint::Checkpointer>>,
    /// Set while the webhook's writes fail (disk full, database down), cleared by the next
    /// durable one: `/readyz` answers 503 meanwhile.
    write_failing: Arc<std::sync::atomic::AtomicBool>,
    /// Set on a storage error: the next connection acquired is replaced (see `connect`).
    reset_connection: Arc<std::sync::atomic::AtomicBool>,
}

/// How long `/readyz` waits for the database.
const READY_PROBE_DEADLINE: Duration = Duration::from_secs(2);

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `url` (creating a SQLite file and its folder if missing).
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let mut url = url.to_owned();
        let mut wal_sync = None;
        if backend == Backend::Sqlite {
            if let Some(path) = prepare_sqlite_path(&url)? {
                wal_sync = Some(Arc::new(durability::WalSync::new(&path)));
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        // SQLite allows one writer at a time, and a connection that finds the file locked
        // sleeps in growing steps (up to 100 ms) before retrying: with several connections,
        // webhook commits and worker commits collide and tail latency explodes (measured: ack
        // p99 516 ms at 1000 events/s with 8 connections, 24 ms with one). One connection makes
        // the queueing explicit, fair and async instead.
        let max_connections = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => max_connections,
        };
        let reset = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reset_on_acquire = reset.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // After a storage error (SQLITE_FULL, an I/O error, a lost server) the connection
            // that saw it may think a transaction ended that SQLite still holds open: every later
            // "commit" would then be a savepoint inside it, acknowledged and never on disk. So the
            // next connection handed out after an error is replaced by a fresh one.
            .before_acquire(move |_conn, _meta| {
                let reset = reset_on_acquire.clone();
                Box::pin(async move {
                    let stale = reset.swap(false, std::sync::atomic::Ordering::AcqRel);
                    if stale {
                        tracing::warn!("replacing a database connection after a storage error");
                    }
                    Ok(!stale)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while one writer commits. NORMAL writes each
                        // commit to the WAL without an fsync; what must survive a power cut is
                        // fsynced by `make_durable` (see the `durability` module).
                        // Most checkpoint work runs on a connection of its own (see `checkpoint`).
                        conn.execute("pragma journal_mode = wal; pragma synchronous = normal; pragma temp_store = memory; pragma busy_timeout = 10000; pragma foreign_keys = on;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let checkpointer = match backend {
            Backend::Sqlite => Some(Arc::new(checkpoint::Checkpointer::start(&url).await?)),
            Backend::Postgres => None,
        };
        let ingest_first =
            (backend == Backend::Sqlite).then(|| Arc::new(priority::IngestFirst::default()));
        Ok(Store {
            pool,
            backend,
            wal_sync,
            ingest_first,
            _checkpointer: checkpointer,
            write_failing: Arc::default(),
            reset_connection: reset,
        })
    }

    /// Applies pending migrations of this backend's dialect.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// True when the database answers and every embedded migration is applied.
    /// Records whether the latest webhook write reached the disk.
    pub(crate) fn note_write(&self, ok: bool) {
        self.write_failing
            .store(!ok, std::sync::atomic::Ordering::Relaxed);
        if !ok {
            self.note_storage_error();
        }
    }

    /// A webhook write is taking too long (the database is down or stuck): `/readyz` fails
    /// until a webhook write succeeds. No connection is blamed; none reported an error.
    pub(crate) fn note_write_stalled(&self) {
        self.write_failing
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// A write failed: the connection that saw it is not trusted again (it is replaced the next
    /// time one is acquired), so a later commit really commits.
    pub fn note_storage_error(&self) {
        self.reset_connection
            .store(true, std::sync::atomic::Ordering::Release);
    }

    /// Whether the latest webhook write failed.
    pub fn writes_failing(&self) -> bool {
        self.write_failing
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Ready: the database answers, migrations are applied, and writes are not failing.
    pub async fn is_ready(&self) -> bool {
        if self.writes_failing() {
            return false;
        }
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        let expected = migrator.iter().count() as i64;
        // A database that is down makes the pool wait for a connection up to its acquire
        // timeout: a probe answers sooner than that.
        let applied = tokio::time::timeout(
            READY_PROBE_DEADLINE,
            sqlx::query_as::<_, (i64,)>(
                "select count(*) from _sqlx_migrations where success = true",
            )
            .fetch_one(&self.pool),
        )
        .await;
        matches!(applied, Ok(Ok((n,))) if n >= expected)
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for queries that belong to no module yet.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction (for workers and handlers: a waiting webhook batch goes first).
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        self.after_ingest().await;
        self.pool.begin().await
    }

    /// Starts a transaction whose commit need not wait for the disk: a worker's bookkeeping,
    /// whose effects reach no one before a later durable commit. On PostgreSQL that is
    /// `synchronous_commit = off` for this transaction: its commit returns before the WAL
    /// flush, and the next synchronous commit — at the latest the delivery worker's claim of
    /// the rows it wrote, which precedes any call to Zalo — flushes it too, since the WAL is
    /// flushed in order. A database crash can lose such a commit (never corrupt anything): its
    /// event is then processed again. On SQLite every worker commit is like this already (see
    /// `durability`).
    pub async fn begin_lazy(&self) -> sqlx::Result<Tx> {
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("set local synchronous_commit = off")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// On SQLite, waits (briefly) while a webhook batch wants the connection; see `priority`.
    async fn after_ingest(&self) {
        if let Some(gate) = &self.ingest_first {
            gate.worker().await;
        }
    }

    /// Returns once every commit made before the call survives a power cut. Call it before
    /// telling the outside world about a commit (an HTTP 200, a message sent to Zalo, a
    /// refresh token spent). PostgreSQL commits are already durable when they return; a
    /// SQLite file is fsynced by a group sync shared with concurrent callers.
    pub async fn make_durable(&self) -> std::io::Result<()> {
        match &self.wal_sync {
            Some(wal) => wal.sync().await,
            None => Ok(()),
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `for update skip locked` where the backend has it. SQLite serialises writers instead.
    fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => "for update skip locked",
        }
    }
}

/// `update {table} set {set} where locked_by = $2 and status = 'pending' and id in (…)
/// returning id`, with `$1` bound to `value`: changes only the rows among `ids` that `worker`
/// still holds, and returns their ids, sorted.
async fn update_held<'e, E>(
    executor: E,
    table: &str,
    set: &str,
    value: Timestamp,
    worker: &str,
    ids: &[i64],
) -> sqlx::Result<Vec<i64>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "update {table} set {set} where locked_by = $2 and status = 'pending' and id in ({}) returning id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql).bind(value).bind(worker);
    for id in ids {
        query = query.bind(id);
    }
    let mut held: Vec<i64> = query
        .fetch_all(executor)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    held.sort_unstable();
    Ok(held)
}

/// Creates the folder of a SQLite file and returns the file's path (`None` in memory).
fn prepare_sqlite_path(url: &str) -> anyhow::Result<Option<String>> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(None);
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)?;
        }
    }
    owner_only(path)?;
    Ok(Some(path.to_owned()))
}

/// Makes the database file readable by its owner only (0600), creating it empty if needed:
/// SQLite gives its -wal and -shm files the same permissions as the database file, and the
/// process umask (often 022) would leave all three world-readable.
#[cfg(unix)]
fn owner_only(path: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    for suffix in ["-wal", "-shm"] {
        let side = format!("{path}{suffix}");
        if std::path::Path::new(&side).exists() {
            std::fs::set_permissions(&side, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &str) -> anyhow::Result<()> {
    Ok(())
}
