//! The identity vault: seals residents' Zalo ids, raw events and outbound payloads at rest
//! (XChaCha20-Poly1305) and derives keyed look-up hashes (HMAC-SHA256), all from
//! `privacy.identity_key`.
//!
//! Sub-keys are derived with HMAC over a fixed label so the AEAD key and the hash key are never
//! the same bytes, and so a hash can be recomputed from an id without being reversible.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::ids::{UserKey, ZaloId};

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 24;
/// Version byte in front of every sealed value, so the format can change later.
const FORMAT_V1: u8 = 1;

/// Encrypts and hashes personal data with keys derived from one master key.
#[derive(Clone)]
pub struct Vault {
    aead: XChaCha20Poly1305,
    hash_key: [u8; 32],
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(<redacted>)")
    }
}

/// A sealed value could not be opened: wrong key or tampered data.
#[derive(Debug, thiserror::Error)]
#[error("sealed data could not be opened (wrong key or corrupted)")]
pub struct OpenError;

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Vault {
    /// Builds the vault from the 32-byte master key.
    pub fn new(master: &[u8; 32]) -> Vault {
        let aead_key = derive(master, "ketnoi/aead/v1");
        Vault {
            aead: XChaCha20Poly1305::new((&aead_key).into()),
            hash_key: derive(master, "ketnoi/lookup/v1"),
        }
    }

    /// Encrypts `plain`; the result is `version ‖ nonce ‖ ciphertext+tag`.
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .aead
            .encrypt(XNonce::from_slice(&nonce), plain)
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory data");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts a value made by [`Vault::seal`].
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != FORMAT_V1 {
            return Err(OpenError);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        self.aead
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| OpenError)
    }

    /// Opens a sealed UTF-8 string.
    pub fn open_string(&self, sealed: &[u8]) -> Result<String, OpenError> {
        String::from_utf8(self.open(sealed)?).map_err(|_| OpenError)
    }

    /// Opens a sealed Zalo user id (a resident's or an officer's).
    pub fn open_zalo_id(&self, sealed: &[u8]) -> Result<ZaloId, OpenError> {
        self.open_string(sealed).map(ZaloId::new)
    }

    /// Keyed hash for look-ups: equal inputs give equal hashes, nobody without the key can
    /// recompute or reverse it. `domain` keeps hashes of different kinds of value apart.
    pub fn keyed_hash(&self, domain: &str, value: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.hash_key).expect("any key length");
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The look-up key of a Zalo user id.
    pub fn user_key(&self, zalo_user_id: &str) -> UserKey {
        UserKey::new(self.keyed_hash("user", zalo_user_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trips_and_hides_the_plaintext() {
        let vault = Vault::new(&[7; 32]);
        let sealed = vault.seal(b"5841234567890123456");
        assert!(!sealed.windows(6).any(|w| w == b"584123"));
        assert_eq!(vault.open(&sealed).unwrap(), b"5841234567890123456");
        assert_ne!(vault.seal(b"x"), vault.seal(b"x"), "nonces must differ");
    }

    #[test]
    fn tampering_or_wrong_key_is_detected() {
        let vault = Vault::new(&[7; 32]);
        let mut sealed = vault.seal(b"hello");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(vault.open(&sealed).is_err());
        let other = Vault::new(&[8; 32]);
        assert!(other.open(&vault.seal(b"hello")).is_err());
        assert!(vault.open(b"").is_err());
    }

    #[test]
    fn keyed_hashes_are_stable_and_domain_separated() {
        let vault = Vault::new(&[7; 32]);
        assert_eq!(vault.user_key("123"), vault.user_key("123"));
        assert_ne!(
            vault.user_key("123").as_str(),
            vault.keyed_hash("dedupe", "123")
        );
        assert_ne!(vault.user_key("123"), Vault::new(&[9; 32]).user_key("123"));
        assert_eq!(vault.user_key("123").as_str().len(), 32);
    }
}
