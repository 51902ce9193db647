//! SQLite running out of room while events arrive and replies are recorded: every event
//! acknowledged with 200 must be on disk, as a second connection sees it, once room is back.
//! `PRAGMA max_page_count` caps the database where a tmpfs would fill up.

use crate::exactly_once::{kill_restart_and_check, readyz, serve_with_sim, Acked};
use crate::helpers::*;

#[tokio::test]
async fn events_acknowledged_around_a_full_disk_are_all_stored() {
    let app = spawn_app().await;
    let path = app.db.sqlite_path().unwrap();
    let (pages,): (i64,) = sqlx::query_as("pragma page_count")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    // The one SQLite connection of the pool: the cap applies to it.
    sqlx::query(&format!("pragma max_page_count = {}", pages + 8))
        .execute(app.store.pool())
        .await
        .unwrap();
    let mut acked = 0;
    let mut refused = 0;
    let long = "dữ liệu ".repeat(300);
    let cap = format!("pragma max_page_count = {}", pages + 8);
    for i in 0..400 {
        // Again each time: the pool replaces its connection after a storage error, and the
        // cap is a setting of the connection.
        sqlx::query(&cap).execute(app.store.pool()).await.unwrap();
        let event = text_event(&format!("79100{:02}", i % 50), &format!("full-{i}"), &long);
        match app.post_signed(&event).await.status().as_u16() {
            200 => acked += 1,
            503 => refused += 1,
            other => panic!("an event not stored must be answered 503, got {other}"),
        }
    }
    assert!(refused > 0, "the disk never filled ({acked} acked)");

    // Room again.
    sqlx::query("pragma max_page_count = 1073741823")
        .execute(app.store.pool())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for i in 0..20 {
        let event = text_event("7910099", &format!("after-{i}"), "xin chào");
        assert_eq!(
            app.post_signed(&event).await.status(),
            200,
            "service resumed"
        );
        acked += 1;
    }
    // A connection of its own sees only what was really committed.
    let other = ketnoi::store::Store::connect(&format!("sqlite://{}", path.display()), 1)
        .await
        .unwrap();
    let (stored,): (i64,) = sqlx::query_as("select count(*) from inbox")
        .fetch_one(other.pool())
        .await
        .unwrap();
    println!("acked {acked}, refused {refused}, stored {stored}");
    assert!(
        stored >= acked,
        "acknowledged {acked} but only {stored} on disk"
    );
}

/// The same on a real filesystem that fills up: a `ketnoi serve` process with its database on a
/// small tmpfs (CI runs as root), the disk filled during load, room made again, the process
/// killed with SIGKILL and restarted. Every event acknowledged with 200 is answered exactly once
/// (before the fix, 4 of 608 were lost); `/readyz` fails while writes fail. Skipped where tmpfs cannot be
/// mounted (not root).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_on_a_full_tmpfs_killed_and_restarted_loses_no_acknowledged_event() {
    use std::time::Duration;
    use zalo_sim::ResidentInput;
    let dir = tempfile::tempdir().unwrap();
    let mount = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(dir.path())
        .status();
    if !mount.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(dir.path().to_owned());
    // Leave the database about 700 KB: the rest is a file deleted later to make room.
    let filler = dir.path().join("filler");
    std::fs::write(&filler, vec![0u8; 2_300_000]).unwrap();
    let db_url = format!("sqlite://{}/ketnoi.db", dir.path().display());

    let (sim, sim_address, _stop, port, child) = serve_with_sim(&db_url).await;

    let long = "Kính gửi công an phường, tôi xin trình bày sự việc như sau. ".repeat(20);
    let mut acked: Vec<Acked> = Vec::new();
    let mut refused = 0;
    for i in 0..600 {
        let user = format!("7920{:03}", i % 60);
        let outcome = sim
            .send_as_user(&user, ResidentInput::text(format!("{long} #{i}")))
            .await
            .unwrap();
        match outcome.webhook_status {
            200 => acked.push(Acked::new(&user, outcome)),
            503 => refused += 1,
            other => panic!("an event not stored must be answered 503, got {other}"),
        }
        // Go on well past the first refusal, so that worker commits fail too (a transaction
        // SQLite rolled back by itself was the cause of lost events).
        if refused >= 150 {
            break;
        }
    }
    assert!(
        refused > 0,
        "the tmpfs never filled ({} acked)",
        acked.len()
    );
    assert_eq!(readyz(port).await, 503, "/readyz fails while writes fail");
    // Room again; a few more events.
    std::fs::remove_file(&filler).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..10 {
        let user = format!("7921{i:03}");
        let outcome = sim
            .send_as_user(&user, ResidentInput::text("xin chào"))
            .await
            .unwrap();
        assert_eq!(outcome.webhook_status, 200, "service resumed by itself");
        acked.push(Acked::new(&user, outcome));
    }
    assert_eq!(readyz(port).await, 200, "ready again once writes succeed");
    // Everything acknowledged is answered, and recorded as answered: SIGKILL now and nothing
    // may be answered again after the restart (before the fix, a connection that saw the full
    // disk recorded nothing more: 19 of 563 acknowledged events were lost).
    let twice = kill_restart_and_check(&sim, sim_address, port, &db_url, child, &acked).await;
    println!(
        "acked {}, refused {refused}, lost 0, answered twice {twice}",
        acked.len()
    );
    assert_eq!(
        twice, 0,
        "every acknowledged event is answered exactly once"
    );
}
