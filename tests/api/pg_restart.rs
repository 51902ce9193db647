//! PostgreSQL stopped and started again under load, with a `ketnoi serve` process on it: while
//! the server is down the webhook answers 503 (nothing acknowledged that is not stored) and
//! `/readyz` fails; once it is back, service resumes by itself, and after a SIGKILL and a
//! restart every acknowledged event has been answered exactly once.
//!
//! The test runs its own PostgreSQL cluster (initdb into a temporary folder, a free port), so
//! stopping it disturbs no other test. Skipped where PostgreSQL's binaries are not installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use zalo_sim::ResidentInput;

use crate::exactly_once::{kill_restart_and_check, readyz, serve_with_sim, Acked};

/// A PostgreSQL cluster of this test's own, stopped when dropped.
struct PrivatePostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePostgres {
    /// Creates the cluster, or `None` when PostgreSQL is not installed here.
    fn create() -> Option<PrivatePostgres> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max()?;
        let dir = tempfile::tempdir().unwrap();
        let port = crate::exactly_once::free_port();
        let cluster = PrivatePostgres { bin, dir, port };
        if is_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(cluster.dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server the way a crash would: no checkpoint, clients cut off.
    fn crash(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let status = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .current_dir(self.dir.path())
                .stdout(std::process::Stdio::null())
                .status()
        } else {
            Command::new(&program)
                .args(args)
                .current_dir(self.dir.path())
                .stdout(std::process::Stdio::null())
                .status()
        };
        assert!(
            status.as_ref().is_ok_and(|s| s.success()),
            "{} {args:?} failed: {status:?}",
            program.display()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if Path::new(&self.dir.path().join("data/postmaster.pid")).exists() {
            self.crash();
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_loses_no_acknowledged_event() {
    let Some(postgres) = PrivatePostgres::create() else {
        eprintln!("skipped: PostgreSQL is not installed here");
        return;
    };
    postgres.start();
    let (sim, sim_address, _stop, port, child) = serve_with_sim(&postgres.url()).await;

    let send = |i: usize| {
        let sim = sim.clone();
        async move {
            let user = format!("7930{:03}", i % 40);
            let outcome = sim
                .send_as_user(&user, ResidentInput::text(format!("tin báo số {i}")))
                .await
                .unwrap();
            (i, user, outcome)
        }
    };
    let mut acked: Vec<Acked> = Vec::new();
    let mut refused = 0;
    let mut keep = |i: usize, user: String, outcome: zalo_sim::SendOutcome, up: bool| match outcome
        .webhook_status
    {
        200 => acked.push(Acked::new(&user, outcome)),
        503 if !up => refused += 1,
        503 => panic!("event {i} refused with the database up"),
        other => panic!("an event not stored must be answered 503, got {other}"),
    };
    // Up, then a crash while replies are being sent, then events while the server is down
    // (sent at once, as Zalo would: each waits for the database at most its deadline), then up
    // again.
    for i in 0..100 {
        let (i, user, outcome) = send(i).await;
        keep(i, user, outcome, true);
    }
    eprintln!("crash at {:?}", Instant::now());
    postgres.crash();
    let started = Instant::now();
    for (i, user, outcome) in futures::future::join_all((100..130).map(send)).await {
        keep(i, user, outcome, false);
    }
    let refusals_took = started.elapsed();
    assert_eq!(
        readyz(port).await,
        503,
        "/readyz fails while the database is down"
    );
    postgres.start();
    // The pool finds the server again by itself: the first events may still meet a connection
    // the crash broke, and are refused; after that, all are stored.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut i = 130;
    loop {
        let (i2, user, outcome) = send(i).await;
        i += 1;
        if outcome.webhook_status == 200 {
            keep(i2, user, outcome, true);
            break;
        }
        assert!(Instant::now() < deadline, "service never resumed");
        keep(i2, user, outcome, false);
    }
    for i in i..i + 100 {
        let (i, user, outcome) = send(i).await;
        keep(i, user, outcome, true);
    }
    assert!(refused > 0, "the database never went away");
    assert_eq!(
        readyz(port).await,
        200,
        "ready again once the database is back"
    );
    let twice =
        kill_restart_and_check(&sim, sim_address, port, &postgres.url(), child, &acked).await;
    println!(
        "acked {}, refused {refused} (in {refusals_took:?}), lost 0, answered twice {twice}",
        acked.len()
    );
    assert_eq!(
        twice, 0,
        "every acknowledged event is answered exactly once"
    );
}
