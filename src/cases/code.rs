//! Case codes: `PA-` and six characters of Crockford base32, drawn at random (≈1.07 billion
//! codes), so they are short to read aloud, never sequential and not guessable. Residents may
//! type them in any case, with spaces or without the dash, and with the usual confusions
//! (O for 0, I or L for 1).

use std::fmt;
use std::ops::Deref;

use rand::Rng;
use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A case's public code in canonical form (`PA-7K3M9Q`): what residents quote, officers type
/// and pages link to. Made only by [`generate`], [`find`] or read back from the store, so a
/// resident's key or a free-text argument cannot be passed where a code belongs. It reads as
/// the `str` it is (`Deref`), for templates and display.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct CaseCode(String);

impl CaseCode {
    /// The code as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for CaseCode {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fresh random code.
pub fn generate() -> CaseCode {
    let mut rng = rand::thread_rng();
    let body: String = (0..6)
        .map(|_| ALPHABET[rng.gen_range(0..32)] as char)
        .collect();
    CaseCode(format!("PA-{body}"))
}

/// Maps one typed character to its Crockford digit.
fn crockford(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    match c {
        'O' => Some('0'),
        'I' | 'L' => Some('1'),
        c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => Some(c),
        _ => None,
    }
}

/// Finds a case code in free text (`pa 7k3m9q`, `PA-7K3M-9Q`, `ma pa7k3m9q`…) and returns it in
/// canonical form.
pub fn find(text: &str) -> Option<CaseCode> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i + 1 < chars.len() {
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        if starts_word
            && chars[i].eq_ignore_ascii_case(&'p')
            && chars[i + 1].eq_ignore_ascii_case(&'a')
        {
            let mut body = String::new();
            let mut j = i + 2;
            while j < chars.len() && body.len() < 6 {
                let c = chars[j];
                if c == '-' || c == ' ' || c == '.' || c == '_' {
                    j += 1;
                    continue;
                }
                match crockford(c) {
                    Some(d) => body.push(d),
                    None => break,
                }
                j += 1;
            }
            let ends_word = j >= chars.len() || !chars[j].is_alphanumeric();
            if body.len() == 6 && ends_word {
                return Some(CaseCode(format!("PA-{body}")));
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_have_the_documented_shape_and_vary() {
        let codes: std::collections::HashSet<_> = (0..1000).map(|_| generate()).collect();
        assert!(codes.len() > 990);
        for code in &codes {
            assert_eq!(code.len(), 9);
            assert!(code.starts_with("PA-"));
            assert_eq!(find(code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn typed_variants_are_recognised() {
        for typed in [
            "pa-7k3m9q",
            "PA 7K3M9Q",
            "ma so PA7K3M9Q a",
            "pa-7k3m-9q?",
            "Pa 7 k 3 m 9 q",
        ] {
            assert_eq!(find(typed).as_deref(), Some("PA-7K3M9Q"), "{typed}");
        }
        assert_eq!(find("PA-0O1IL0").as_deref(), Some("PA-001110"));
        assert_eq!(find("papa 123"), None);
        assert_eq!(
            find("PA-2026-000045"),
            None,
            "the old sequential style is not ours"
        );
        assert_eq!(find("pa-7k3m9qx"), None);
        assert_eq!(find(""), None);
    }
}
