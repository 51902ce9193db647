//! The webhook MAC as the platform computes it: `X-ZEvent-Signature: mac=<hex>`, where hex is
//! `lowercase_hex(SHA-256(app_id ‖ raw_body ‖ timestamp ‖ oa_secret_key))` — a plain hash of
//! the concatenation, not an HMAC (docs/PLATFORM.md §1.1).
//!
//! Written here from the documentation on purpose, not borrowed from the bot's verifier
//! (`ketnoi::zalo::signature`): an independent implementation cross-checks that verifier, where
//! a shared one would carry the same mistake to both sides and every test would still pass.

use sha2::{Digest, Sha256};

/// Name of the header carrying the MAC.
pub const SIGNATURE_HEADER: &str = "x-zevent-signature";

/// The header value for these exact body bytes: `mac=<64 lowercase hex digits>`.
pub fn sign(app_id: &str, raw_body: &[u8], timestamp: &str, oa_secret_key: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        app_id.as_bytes(),
        raw_body,
        timestamp.as_bytes(),
        oa_secret_key.as_bytes(),
    ] {
        hasher.update(part);
    }
    format!("mac={}", hex::encode(hasher.finalize()))
}
