//! Integration tests: the real router on 127.0.0.1:0, a real database (SQLite always,
//! PostgreSQL when `KETNOI_TEST_POSTGRES_URL` is set) and the Zalo simulator.
//!
//! The apps of this target run on SQLite; `tests/api_postgres` runs the same tests (all but the
//! SQLite-only ones) with every app on PostgreSQL.

mod bad_input;
mod casework;
mod casework_zalo;
mod console;
mod conversation;
mod crash;
mod disk_full;
mod emergency;
mod exactly_once;
mod faults;
mod groups;
mod helpers;
mod multi_instance;
mod officers;
mod pg_restart;
mod platform;
mod poison;
mod privacy;
mod process_kill;
mod resident;
mod sandbox;
mod store_contract;
mod typed;
mod webhook;
mod workers;

/// Every app of this target runs on SQLite (see `helpers::TestDb::suite`).
const SUITE: helpers::Suite = helpers::Suite::Sqlite;
