//! ketnoi — the Zalo Official Account of a ward police station: a signed webhook feeding a
//! durable inbox, a bot that answers residents, and an outbox delivering replies through the
//! OA API. See `docs/DESIGN.md` for the fixed outside, and README's Layout for what each module
//! owns. The simulator standing in for Zalo is the separate `zalo-sim` crate: nothing here uses
//! it (`tests/api/sandbox.rs` checks).

pub mod access;
pub mod bot;
pub mod cases;
pub mod config;
pub mod console;
pub mod conversation;
pub mod dispatch;
pub mod http;
pub mod ids;
pub mod lang;
pub mod officers;
pub mod pipeline;
pub mod seed;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod time;
pub mod vault;
pub mod zalo;
