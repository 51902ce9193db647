//! Text normalisation for Vietnamese "as people type it".
//!
//! Residents write with or without diacritics, in NFC or NFD, with teencode
//! (`ko`, `dc`, `j`, `z`…) and abbreviations (`sdt`, `cccd`…). [`fold`] maps
//! all of these onto one plain-ASCII, lowercase, space-separated form so that
//! matching and the classifier see the same tokens whatever the typing habit.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Unicode NFC, the form stored and shown everywhere in the bot.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Lowercase without diacritics (`đ`→`d`), every other character kept: for names typed as
/// identifiers, such as officers' handles (`Bình` → `binh`), where [`fold`]'s teencode and
/// punctuation rules do not belong.
pub fn strip_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            match d {
                'đ' | 'Đ' => out.push('d'),
                _ => out.extend(d.to_lowercase()),
            }
        });
    }
    out
}

/// Fold text for matching: NFC → lowercase → strip diacritics (`đ`→`d`) →
/// expand teencode/abbreviations → punctuation and whitespace collapsed to
/// single spaces. Digits are kept; other symbols become separators.
///
/// Decomposing (NFD) and dropping combining marks handles NFC and NFD input
/// identically, which is the same result as NFC-then-strip.
pub fn fold(text: &str) -> String {
    // Pass 1: strip marks, lowercase, letters/digits kept, everything else a
    // single space.
    let mut base = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        if c.is_ascii() {
            push_folded(&mut base, &mut last_space, c);
        } else {
            // Per-char canonical decomposition: cheaper than the buffered NFD
            // iterator, and mark order is irrelevant since marks are dropped.
            decompose_canonical(c, |d| push_folded(&mut base, &mut last_space, d));
        }
    }
    // Pass 2: expand teencode token by token (with one word of look-ahead).
    let mut out = String::with_capacity(base.len() + 16);
    let mut words = base.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(w) = words.next() {
        let w = w.trim_end_matches('/');
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(expand(w, words.peek().copied()).unwrap_or(w));
    }
    out
}

fn push_folded(base: &mut String, last_space: &mut bool, c: char) {
    if is_combining_mark(c) {
        return;
    }
    let c = match c {
        'đ' | 'Đ' | 'ð' | 'Ð' | 'ɗ' | 'Ɗ' => 'd',
        _ => c,
    };
    if c.is_alphanumeric() {
        if c.is_ascii() {
            base.push(c.to_ascii_lowercase());
        } else {
            base.extend(c.to_lowercase());
        }
        *last_space = false;
    } else if c == '/'
        && (base.ends_with(" a") || base == "a" || base.ends_with(" c") || base == "c")
    {
        // "a/e" (anh em), "c/a" (công an) keep their slash so they can be expanded.
        base.push('/');
    } else if !*last_space {
        base.push(' ');
        *last_space = true;
    }
}

/// Words after which `bn` means "bao nhiêu" (how much/many) rather than "bạn".
fn is_quantity(word: &str) -> bool {
    matches!(
        word,
        "tien"
            | "ngay"
            | "lau"
            | "tuoi"
            | "nam"
            | "thang"
            | "phi"
            | "gio"
            | "k"
            | "nghin"
            | "ngan"
            | "lan"
            | "nguoi"
            | "buoi"
            | "dong"
    )
}

/// Words after which `mat` (mất) means "takes / costs".
fn is_cost_word(word: &str) -> bool {
    matches!(
        word,
        "bao"
            | "phi"
            | "may"
            | "bn"
            | "bnhieu"
            | "nhieu"
            | "thoi"
            | "le"
            | "tam"
            | "khoang"
            | "chi"
    )
}

/// Teencode / abbreviation table, applied to diacritic-free lowercase tokens.
/// Only expansions that are unambiguous in messages to a police station are
/// listed; e.g. a lone `a` is left alone because it is usually "ạ/à".
fn expand(tok: &str, next: Option<&str>) -> Option<&'static str> {
    let r = match tok {
        // "hong"/"hem" are left alone: they are also "hỏng" (broken), "hẻm" (alley).
        "ko" | "k" | "kh" | "hok" | "hk" | "kg" | "k0" | "khog" | "khg" | "kog" | "khum"
        | "hum" => "khong",
        "dc" | "dx" => "duoc",
        // "dk"/"đk" is far more often "đăng ký" than "được" in questions to police.
        "dk" | "dky" | "dki" | "dangky" => "dang ky",
        "j" | "ji" | "gj" => "gi",
        "z" | "dz" | "v" => "vay",
        "sdt" => "so dien thoai",
        "dt" => "dien thoai",
        "cccd" | "ccd" => "can cuoc",
        "cmnd" | "cmt" => "chung minh nhan dan",
        "ck" => "chong",
        "vk" => "vo",
        "a/e" | "ae" => "anh em",
        "c/a" => "cong an",
        "e" => "em",
        "mn" | "mng" | "mnguoi" => "moi nguoi",
        "bn" => {
            if next.is_some_and(is_quantity) {
                "bao nhieu"
            } else {
                "ban"
            }
        }
        // "mất bao lâu / mất phí / mất mấy ngày" means "takes/costs" (tốn),
        // not "lose": keep it away from the lost-documents vocabulary.
        "mat" if next.is_some_and(is_cost_word) => "ton",
        "bnhieu" | "bnh" | "baonhieu" => "bao nhieu",
        "ntn" | "nhuthenao" => "nhu the nao",
        "tn" | "tnao" => "the nao",
        "vs" => "voi",
        "r" | "roy" | "oy" => "roi",
        "ms" => "moi",
        "bh" | "bjo" | "bgio" | "bg" => "bao gio",
        "cx" | "cg" | "cug" => "cung",
        "ng" | "ngta" => "nguoi",
        "nhiu" => "nhieu",
        "bit" | "bik" | "bjk" | "pik" => "biet",
        "lm" => "lam",
        "trc" => "truoc",
        "dag" => "dang",
        "ns" => "noi",
        "nx" => "nua",
        "thui" => "thoi",
        "ak" | "ah" => "a",
        "hnay" => "hom nay",
        "hqua" => "hom qua",
        "onl" => "online",
        "cty" => "cong ty",
        "xm" => "xe may",
        "oto" => "o to",
        "bsx" => "bien so xe",
        "gplx" | "blx" => "giay phep lai xe",
        "antt" | "anttt" => "an ninh trat tu",
        "ubnd" => "uy ban nhan dan",
        "csgt" => "canh sat giao thong",
        "cskv" => "canh sat khu vuc",
        "lltp" => "ly lich tu phap",
        "vnid" | "vneld" => "vneid",
        "tks" | "thanks" | "thank" | "thx" | "camon" => "cam on",
        "nhaa" => "nha",
        "wa" => "qua",
        "ad" | "adm" => "admin",
        "pls" | "plz" => "giup",
        "dcko" | "dck" => "duoc khong",
        _ => return None,
    };
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_diacritics_and_d() {
        assert_eq!(fold("Đăng ký TẠM TRÚ ở đâu?"), "dang ky tam tru o dau");
        assert_eq!(fold("Đường   Nguyễn-Huệ!!"), "duong nguyen hue");
    }

    #[test]
    fn nfd_input_equals_nfc_input() {
        let nfc_text = nfc("Căn cước công dân bị mất");
        let nfd_text: String = nfc_text.nfd().collect();
        assert_ne!(nfc_text, nfd_text);
        assert_eq!(fold(&nfc_text), fold(&nfd_text));
        assert_eq!(nfc(&nfd_text), nfc_text);
    }

    #[test]
    fn expands_teencode() {
        assert_eq!(fold("ko dc j z"), "khong duoc gi vay");
        assert_eq!(fold("đc hok"), "duoc khong");
        assert_eq!(fold("cho e xin sdt"), "cho em xin so dien thoai");
        assert_eq!(fold("mat cccd"), "mat can cuoc");
        assert_eq!(fold("ck e bi danh"), "chong em bi danh");
        assert_eq!(fold("mn oi lam ntn"), "moi nguoi oi lam nhu the nao");
        assert_eq!(fold("a/e oi"), "anh em oi");
    }

    #[test]
    fn bn_depends_on_next_word() {
        assert_eq!(fold("het bn tien"), "het bao nhieu tien");
        assert_eq!(fold("bn oi"), "ban oi");
        assert_eq!(fold("mất bao lâu"), "ton bao lau");
        assert_eq!(fold("mất căn cước"), "mat can cuoc");
    }

    #[test]
    fn keeps_digits_and_drops_symbols() {
        assert_eq!(fold("PA-7K3M9Q ???"), "pa 7k3m9q");
        assert_eq!(fold("  "), "");
    }
}
