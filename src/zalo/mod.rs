//! The Zalo platform, and nothing of ours: wire types, the webhook MAC, the OA API client,
//! error codes, the reply window. The simulator that stands in for Zalo offline is a crate of
//! its own (`crates/zalo-sim`), which the library does not use.

pub mod client;
pub mod error;
pub mod events;
pub mod gmf;
pub mod messages;
pub mod signature;

/// Zalo's customer-service window: a customer-service message may be sent until 7 days after
/// the resident's last interaction (docs/PLATFORM.md §4).
pub const REPLY_WINDOW: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);
