//! Who and what, as types that cannot be swapped: a resident's or officer's Zalo id (personal
//! data, sealed at rest, never logged) and the keyed hash the store keeps instead of it. The
//! third id, a case's public code, is [`crate::cases::CaseCode`], beside the rules that make
//! it. All are strings underneath; as types, passing one where another belongs does not
//! compile.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Zalo user id as Zalo sends it (`sender.id`, app-scoped). Personal data: it is sealed
/// before it is stored and `Debug` shows only its length, so a stray `{:?}` logs nothing.
/// It serialises as the plain string, for the OA API requests that address a user.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ZaloId(String);

impl ZaloId {
    /// Wraps an id received from Zalo or opened from the vault.
    pub fn new(id: impl Into<String>) -> ZaloId {
        ZaloId(id.into())
    }

    /// The id, for a request to Zalo or for sealing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ZaloId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ZaloId(<{} chars>)", self.0.len())
    }
}

/// The keyed hash of a Zalo id (`Vault::user_key`): what rows are keyed by. Stable per person,
/// meaningless without the station's key.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct UserKey(String);

impl UserKey {
    /// Wraps a stored or freshly computed key.
    pub fn new(key: impl Into<String>) -> UserKey {
        UserKey(key.into())
    }

    /// The key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for UserKey {
    fn from(key: &str) -> UserKey {
        UserKey::new(key)
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zalo_id_is_not_shown_by_debug() {
        let id = ZaloId::new("4417893216612398118");
        let shown = format!("{id:?}");
        assert!(!shown.contains("4417"), "{shown}");
        assert_eq!(shown, "ZaloId(<19 chars>)");
        assert_eq!(id.as_str(), "4417893216612398118");
    }
}
