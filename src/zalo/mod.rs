//! The Zalo platform, and nothing of ours: wire types, the webhook MAC, the OA API client, the
//! token manager, error codes, and the simulator that stands in for Zalo offline.

pub mod client;
pub mod error;
pub mod events;
pub mod messages;
pub mod signature;
pub mod sim;
pub mod token;
