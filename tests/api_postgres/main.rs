//! The integration suite of `tests/api` again, with every app on PostgreSQL: the same test
//! files, compiled into a second target whose [`helpers::Suite`] is PostgreSQL, so that
//! `spawn_app()` and `spawn_app_with(TestDb::sqlite(), …)` get a fresh PostgreSQL database of
//! their own on the server named by `KETNOI_TEST_POSTGRES_URL`. Without that variable the
//! target prints why and ends as a success, having run nothing.
//!
//! Left out, and why:
//! - `crash`, `process_kill`: their processes run on a `TestDb::sqlite()` they open themselves;
//!   here they would only repeat the SQLite run. A `serve` process killed and restarted on
//!   PostgreSQL is `pg_restart`'s test.
//! - `disk_full`: a SQLite file on a nearly full tmpfs.
//! - `poison`: poisons the outbox with a SQLite trigger (`create trigger … begin select
//!   raise(abort, …); end`), which PostgreSQL does not parse (42601, syntax error at "new").
//! - `pg_restart`: runs a PostgreSQL cluster of its own (already in `tests/api`).
//! - `multi_instance`: PostgreSQL only already; it runs in `tests/api`.
//! - `store_contract`: runs on both backends in `tests/api`.
//! - `sandbox`: start-up wiring and constants; the database plays no part.
//! - `exactly_once`: helpers of `disk_full` and `pg_restart`, no tests.
//!
//! Two tests of the included files read the SQLite file itself and stay on SQLite here (see
//! `SUITE`).

#[path = "../api/bad_input.rs"]
mod bad_input;
#[path = "../api/casework.rs"]
mod casework;
#[path = "../api/casework_zalo.rs"]
mod casework_zalo;
#[path = "../api/console.rs"]
mod console;
#[path = "../api/conversation.rs"]
mod conversation;
#[path = "../api/emergency.rs"]
mod emergency;
#[path = "../api/faults.rs"]
mod faults;
#[path = "../api/groups.rs"]
mod groups;
// Some helpers serve only the tests left out of this target.
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/officers.rs"]
mod officers;
#[path = "../api/platform.rs"]
mod platform;
#[path = "../api/privacy.rs"]
mod privacy;
#[path = "../api/resident.rs"]
mod resident;
#[path = "../api/typed.rs"]
mod typed;
#[path = "../api/webhook.rs"]
mod webhook;

/// Every app on PostgreSQL, except in these tests.
const SUITE: helpers::Suite = helpers::Suite::Postgres {
    sqlite_only: &[
        // Reads the SQLite file: the database files are readable by their owner only.
        "bad_input::database_files_are_readable_by_their_owner_only",
        // Reads the SQLite file: no resident id or phone number in clear in its bytes.
        "conversation::no_resident_id_or_phone_is_stored_in_clear",
    ],
};
