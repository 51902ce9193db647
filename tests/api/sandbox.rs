//! Sandbox mode's wiring: the library binds the stand-in Zalo's listener, the caller serves the
//! simulator on it ([`Application::serve_sandbox`]), and the bot never runs in sandbox mode
//! without it.

use ketnoi::startup::Application;
use tokio_util::sync::CancellationToken;
use zalo_sim::SimConfig;

use crate::helpers::*;

#[tokio::test]
async fn sandbox_mode_does_not_run_with_nothing_serving_zalo() {
    let db = TestDb::sqlite();
    let app = Application::build(test_settings(&db.url(), true))
        .await
        .unwrap();
    let err = app.run(CancellationToken::new()).await.unwrap_err();
    assert!(err.to_string().contains("nothing serves Zalo"), "{err}");
}

#[tokio::test]
async fn only_sandbox_mode_has_a_platform_to_serve() {
    let db = TestDb::sqlite();
    let mut app = Application::build(test_settings(&db.url(), false))
        .await
        .unwrap();
    assert_eq!(app.sandbox_address(), None);
    let served = app.serve_sandbox(|_, _| async { Ok(()) });
    assert!(served.is_err());
}

#[test]
fn the_simulators_quota_is_the_ceiling_start_up_checks() {
    // Two copies of docs/PLATFORM.md §7, one on each side of the wire.
    assert_eq!(
        SimConfig::sandbox_defaults().api_calls_per_minute,
        Some(ketnoi::config::ZALO_CALLS_PER_MINUTE)
    );
}

#[test]
fn the_library_does_not_use_the_simulator() {
    // Cargo gives the library every dependency the binary has; this keeps `zalo-sim` the
    // binary's and the tests' alone.
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let users: Vec<_> = files
        .iter()
        .filter(|f| **f != src.join("main.rs"))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("zalo_sim"))
        .collect();
    assert!(users.is_empty(), "{users:?}");
}
