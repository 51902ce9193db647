//! Feature extraction for the classifiers: hashed word uni/bi-grams, char
//! 3/4-grams and a few synthetic flags, all computed on [`fold`]ed text.
//!
//! Features are 64-bit FNV-1a hashes of byte slices, so extraction does not
//! allocate per n-gram; char n-grams make the models robust to typos and to
//! words glued or split differently ("dangky" / "dang ky").
//!
//! [`fold`]: super::normalize::fold

/// Distinct seeds keep the feature kinds from colliding with each other.
const SEED_WORD: u64 = 0xcbf2_9ce4_8422_2325;
const SEED_BIGRAM: u64 = 0x9e37_79b9_7f4a_7c15;
const SEED_CHAR: u64 = 0x6a09_e667_f3bc_c908;
const SEED_FLAG: u64 = 0xbb67_ae85_84ca_a73b;

/// Synthetic flags; their hashes are features like any other.
pub const FLAG_CASE_CODE: &[u8] = b"case-code";
pub const FLAG_SHORT: &[u8] = b"short";
pub const FLAG_NUMBER: &[u8] = b"number";

fn fnv(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = seed;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

/// Does the folded text contain a case code? `PA-7K3M9Q` folds to
/// `pa 7k3m9q` (6 Crockford base32 chars) and `PA-2026-000045` to
/// `pa 2026 000045`.
pub fn has_case_code(folded: &str) -> bool {
    let mut it = folded.split(' ');
    while let Some(w) = it.next() {
        if w != "pa" {
            continue;
        }
        let mut look = it.clone();
        let Some(a) = look.next() else { return false };
        if a.len() == 6 && a.bytes().all(is_crockford) {
            return true;
        }
        if a.len() == 4 && a.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(b) = look.next() {
                if b.len() >= 4 && b.bytes().all(|c| c.is_ascii_digit()) {
                    return true;
                }
            }
        }
    }
    false
}

fn is_crockford(b: u8) -> bool {
    b.is_ascii_digit() || (b.is_ascii_lowercase() && !matches!(b, b'i' | b'l' | b'o' | b'u'))
}

/// Append the feature hashes of `folded` to `out` (cleared first).
pub fn extract(folded: &str, out: &mut Vec<u64>) {
    out.clear();
    let bytes = folded.as_bytes();
    let mut prev: Option<&[u8]> = None;
    let mut n_words = 0usize;
    let mut has_number = false;
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        let wb = w.as_bytes();
        n_words += 1;
        has_number |= wb.iter().all(u8::is_ascii_digit);
        out.push(fnv(SEED_WORD, &[wb]));
        if let Some(p) = prev {
            out.push(fnv(SEED_BIGRAM, &[p, wb]));
        }
        prev = Some(wb);
    }
    // Char n-grams over " text " so word edges are part of the grams.
    let padded_len = bytes.len() + 2;
    let at = |i: usize| -> u8 {
        if i == 0 || i == padded_len - 1 {
            b' '
        } else {
            bytes[i - 1]
        }
    };
    for n in 3..=5 {
        if padded_len < n {
            continue;
        }
        for start in 0..=padded_len - n {
            let mut h = SEED_CHAR ^ n as u64;
            for i in start..start + n {
                h ^= u64::from(at(i));
                h = h.wrapping_mul(0x100_0000_01b3);
            }
            out.push(h);
        }
    }
    if has_case_code(folded) {
        out.push(fnv(SEED_FLAG, &[FLAG_CASE_CODE]));
    }
    if n_words <= 2 {
        out.push(fnv(SEED_FLAG, &[FLAG_SHORT]));
    }
    if has_number {
        out.push(fnv(SEED_FLAG, &[FLAG_NUMBER]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_case_codes() {
        assert!(has_case_code("ho so pa 7k3m9q sao roi"));
        assert!(has_case_code("pa 2026 000045"));
        assert!(!has_case_code("pa oi"));
        assert!(!has_case_code("pa lolulo"));
    }

    #[test]
    fn extracts_some_features() {
        let mut v = Vec::new();
        extract("tam tru", &mut v);
        assert!(v.len() > 5);
        extract("", &mut v);
        assert_eq!(v.len(), 1); // only the "short" flag
    }
}
