//! Sandbox mode's wiring: the library binds the stand-in Zalo's listener, the caller serves the
//! simulator on it ([`Application::serve_sandbox`]), and the bot never runs in sandbox mode
//! without it.

use ketnoi::startup::Application;
use ketnoi::zalo::sim::SimConfig;
use tokio_util::sync::CancellationToken;

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
