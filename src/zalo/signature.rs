//! The webhook MAC: `lowercase_hex(SHA-256(app_id ‖ raw_body ‖ timestamp ‖ oa_secret_key))`,
//! sent by Zalo as `X-ZEvent-Signature: mac=<hex>` (docs/PLATFORM.md §1.1).
//!
//! This is a plain hash of a concatenation, not an HMAC; that is what Zalo's official Java SDK
//! (`MacUtils.buildMac`) computes. `sign` lives next to `verify` for the tests, benches and fuzz
//! targets that forge requests by hand; the simulator computes the MAC with an implementation of
//! its own, so a mistake here does not sign its events too, and independent vectors check both.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Name of the header carrying the MAC.
pub const SIGNATURE_HEADER: &str = "x-zevent-signature";

/// Why a signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-ZEvent-Signature` header.
    #[error("missing signature header")]
    Missing,
    /// The header is not `mac=<64 hex digits>`.
    #[error("malformed signature header")]
    Malformed,
    /// Well-formed, but not the MAC of this body.
    #[error("signature mismatch")]
    Mismatch,
}

/// Computes the lowercase hex MAC over the exact bytes of the body.
pub fn compute_mac(app_id: &str, raw_body: &[u8], timestamp: &str, oa_secret_key: &str) -> String {
    hex::encode(mac_bytes(app_id, raw_body, timestamp, oa_secret_key))
}

/// The header value Zalo sends: `mac=<hex>`.
pub fn sign(app_id: &str, raw_body: &[u8], timestamp: &str, oa_secret_key: &str) -> String {
    format!(
        "mac={}",
        compute_mac(app_id, raw_body, timestamp, oa_secret_key)
    )
}

fn mac_bytes(app_id: &str, raw_body: &[u8], timestamp: &str, secret: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(app_id.as_bytes());
    hasher.update(raw_body);
    hasher.update(timestamp.as_bytes());
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

/// Parses the header value into the 32 MAC bytes. Tolerates `mac = <hex>` spacing and upper-case
/// hex, since the exact formatting Zalo sends is an open question (docs/PLATFORM.md §8.3).
pub fn parse_header(value: Option<&[u8]>) -> Result<[u8; 32], SignatureError> {
    let value = value.ok_or(SignatureError::Missing)?;
    let value = std::str::from_utf8(value).map_err(|_| SignatureError::Malformed)?;
    let (key, hex_mac) = value.split_once('=').ok_or(SignatureError::Malformed)?;
    if !key.trim().eq_ignore_ascii_case("mac") {
        return Err(SignatureError::Malformed);
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_mac.trim(), &mut out).map_err(|_| SignatureError::Malformed)?;
    Ok(out)
}

/// Verifies a header value against the body, in constant time. Several secrets may be given so a
/// key can be rotated without dropping events; every candidate is compared.
pub fn verify(
    header: Option<&[u8]>,
    app_id: &str,
    raw_body: &[u8],
    timestamp: &str,
    oa_secret_keys: &[&str],
) -> Result<(), SignatureError> {
    let given = parse_header(header)?;
    let mut matched = subtle::Choice::from(0u8);
    for secret in oa_secret_keys {
        let expected = mac_bytes(app_id, raw_body, timestamp, secret);
        matched |= expected.ct_eq(&given);
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vector computed independently with coreutils:
    // printf '%s' '12345{"a":1}1699003881354secret' | sha256sum
    const VECTOR_MAC: &str = "b77acbe1ffbabcd8705142b281937014649475746ef98577529b0986b376a7a0";

    #[test]
    fn matches_an_independently_computed_vector() {
        let mac = compute_mac("12345", br#"{"a":1}"#, "1699003881354", "secret");
        assert_eq!(mac, VECTOR_MAC);
    }

    #[test]
    fn verify_accepts_own_signature_and_rejects_tampering() {
        let body = br#"{"event_name":"user_send_text"}"#;
        let header = sign("app", body, "1", "k");
        assert_eq!(
            verify(Some(header.as_bytes()), "app", body, "1", &["k"]),
            Ok(())
        );
        let tampered = br#"{"event_name":"user_send_texT"}"#;
        assert_eq!(
            verify(Some(header.as_bytes()), "app", tampered, "1", &["k"]),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(header.as_bytes()), "other", body, "1", &["k"]),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn header_format_is_tolerant_but_strict_about_content() {
        let body = b"{}";
        let mac = compute_mac("a", body, "1", "k");
        let spaced = format!("mac = {}", mac.to_uppercase());
        assert_eq!(
            verify(Some(spaced.as_bytes()), "a", body, "1", &["k"]),
            Ok(())
        );
        assert_eq!(
            verify(None, "a", body, "1", &["k"]),
            Err(SignatureError::Missing)
        );
        for bad in [
            "",
            "mac=",
            "sha=00",
            "mac=zz",
            &format!("mac={}", &mac[..10]),
        ] {
            assert_eq!(
                verify(Some(bad.as_bytes()), "a", body, "1", &["k"]),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn rotated_secrets_are_all_tried() {
        let header = sign("a", b"{}", "1", "new");
        assert_eq!(
            verify(Some(header.as_bytes()), "a", b"{}", "1", &["old", "new"]),
            Ok(())
        );
    }
}
