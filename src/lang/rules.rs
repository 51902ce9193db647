//! High-precision rules applied on top of the models' probabilities.
//!
//! The models generalise from the corpus; these rules encode the project's
//! conventions where an error is costly or where a single keyword settles
//! the question whatever the rest of the message says:
//! - danger happening now → emergency (missing one is the worst error), but
//!   not when the message is clearly about the past;
//! - a case code or "already sent report" wording → case status;
//! - procedure anchors ("ct07", "tach khau", "gia han … tam tru"…) → that id.
//!
//! All matching is on folded text, on whole words.

use super::features::has_case_code;
use super::intent::{Intent, PROCEDURE_IDS};

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::model::IdentityHasher;

/// Longest phrase in any list, in words.
const MAX_PHRASE_WORDS: usize = 5;

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

// Bit positions of the phrase lists in a message's match mask. Procedure
// anchor groups take the bits from `ANCHOR_BASE` up.
const STRONG: u32 = 0;
const WEAK: u32 = 1;
const NOW_BIT: u32 = 2;
const PAST_BIT: u32 = 3;
const META_BIT: u32 = 4;
const CASE: u32 = 5;
const REPORT_START: u32 = 6;
const ANCHOR_BASE: u32 = 7;

/// Phrase hash → bitmask of the lists that contain it. Built once; a
/// message is then scanned with one lookup per 1–4-word n-gram.
pub struct Rules {
    phrases: HashMap<u64, u64, BuildHasherDefault<IdentityHasher>>,
    /// For each anchor: the mask of its groups (all must match) and its id index.
    anchors: Vec<(u64, usize)>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules::new()
    }
}

impl Rules {
    pub fn new() -> Rules {
        let mut phrases: HashMap<u64, u64, BuildHasherDefault<IdentityHasher>> = HashMap::default();
        let mut add = |list: &[&str], bit: u32| {
            for p in list {
                debug_assert!(p.split(' ').count() <= MAX_PHRASE_WORDS);
                *phrases.entry(fnv(p.as_bytes())).or_insert(0) |= 1u64 << bit;
            }
        };
        add(DANGER_STRONG, STRONG);
        add(DANGER_WEAK, WEAK);
        add(NOW, NOW_BIT);
        add(PAST, PAST_BIT);
        add(META, META_BIT);
        add(CASE_CUES, CASE);
        add(REPORT_CUES, REPORT_START);
        let mut anchors = Vec::new();
        let mut bit = ANCHOR_BASE;
        for (groups, id) in ANCHORS {
            let mut mask = 0u64;
            for g in *groups {
                assert!(bit < 64, "too many anchor groups for a u64 mask");
                add(g, bit);
                mask |= 1u64 << bit;
                bit += 1;
            }
            if let Some(k) = PROCEDURE_IDS.iter().position(|p| p == id) {
                anchors.push((mask, k));
            }
        }
        Rules { phrases, anchors }
    }

    /// Which phrase lists occur in `folded` (as whole words)?
    pub fn scan(&self, folded: &str) -> u64 {
        let bytes = folded.as_bytes();
        // Start offsets of the last few words, to form n-grams ending here.
        let mut starts = [0usize; MAX_PHRASE_WORDS];
        let mut n = 0usize;
        let mut mask = 0u64;
        let mut pos = 0;
        for w in folded.split(' ') {
            let end = pos + w.len();
            if !w.is_empty() {
                starts.rotate_right(1);
                starts[0] = pos;
                n = (n + 1).min(MAX_PHRASE_WORDS);
                for &s in &starts[..n] {
                    if let Some(m) = self.phrases.get(&fnv(&bytes[s..end])) {
                        mask |= m;
                    }
                }
            }
            pos = end + 1;
        }
        mask
    }
}

/// Whether a rule, not only the model, reads the message as danger now: a bare cry, a strong
/// danger cue, or a weak one with a "now" cue, not told in the past. Inside a dialogue (an
/// answer to a question) only such a cue, or a very sure model, interrupts it.
pub fn emergency_cue(folded: &str, mask: u64, fire: bool) -> bool {
    if is_bare_cry(folded) {
        return true;
    }
    let strong = bit(mask, STRONG) || fire;
    let weak_now = bit(mask, WEAK) && bit(mask, NOW_BIT);
    !past_or_meta(mask) && (strong || weak_now)
}

/// Whether the message tells of the past ("hôm qua", "đã xong") or talks about danger rather
/// than being in it ("cảnh báo", "tin đồn", "thủ tục").
pub fn past_or_meta(mask: u64) -> bool {
    bit(mask, PAST_BIT) || bit(mask, META_BIT)
}

fn bit(mask: u64, b: u32) -> bool {
    mask & (1u64 << b) != 0
}

/// Danger that is an emergency on its own unless told in the past tense.
const DANGER_STRONG: &[&str] = &[
    "ban chi thien",
    "cam sung ban",
    "no sung",
    "tieng sung",
    "boc khoi",
    "khoi mu mit",
    "ket ben trong",
    "bi thuong nam",
    "nhieu nguoi bi thuong",
    "nam bat dong",
    "co nguoi chet",
    "dot quy",
    "treo co",
    "cuu voi",
    "cuu toi",
    "cuu em",
    "cuu con",
    "cuu chau",
    "cuu me",
    "cuu bo",
    "cuu nguoi",
    "keu cuu",
    "sos",
    "khan cap",
    "chay nha",
    "boc chay",
    "chay lon",
    "bi dam",
    "dam nguoi",
    "bi chem",
    "chem nguoi",
    "chem nhau",
    "hon chien",
    "no sung",
    "ban nguoi",
    "bat coc",
    "mac ket",
    "bi ket",
    "bat tinh",
    "duoi nuoc",
    "nhay cau",
    "tu tu",
    "dot nha",
    "ro ri gas",
    "ro gas",
    "dien giat",
    "lua lan",
    "chay lan",
    "khong tho duoc",
    "ngung tho",
    "tat tho",
    "bi ngat",
    "ngat xiu",
    "lay khong tinh",
    "khong tinh lai",
    "van khong tinh",
    "cuon troi",
    "bi cuon",
    "nuoc cuon",
    "song cuon",
    "chim xuong",
    "bi hoc",
];

/// Danger words that need a "happening now" cue to mean an emergency.
const DANGER_WEAK: &[&str] = &[
    "hung khi",
    "ma tau",
    "cam dao",
    "con dao",
    "vung dao",
    "rut dao",
    "dao kiem",
    "cam sung",
    "sung",
    "cam kiem",
    "cuop",
    "danh nhau",
    "au da",
    "bi danh",
    "danh nguoi",
    "chem",
    "dam",
    "lua",
    "khoi",
    "tieng no",
    "vu no",
    "chay mau",
    "bi thuong",
    "pha cua",
    "cay cua",
    "doa giet",
    "xong vao",
    "dap pha",
    "trom",
];

const NOW: &[&str] = &[
    "dang",
    "van con",
    "van dang",
    "ngay bay gio",
    "bay gio",
    "nhanh len",
    "toi ngay",
    "den ngay",
    "mau den",
    "giup voi",
    "ngay luc nay",
    "dang dien ra",
];

/// Talk *about* danger (rumours, warnings, how-to, handing in weapons) is not
/// an emergency even when it names one.
const META: &[&str] = &[
    "tin don",
    "nghe don",
    "canh bao",
    "phong chong",
    "that hay gia",
    "co that khong",
    "thu doan",
    "thu tuc",
    "giao nop",
    "nop",
    "khai bao",
    "to giac",
    "lam sao de",
];

const PAST: &[&str] = &[
    "hom qua",
    "hom truoc",
    "hom kia",
    "hom bua",
    "tuan truoc",
    "tuan roi",
    "thang truoc",
    "dem qua",
    "toi qua",
    "chieu qua",
    "sang nay",
    "nam ngoai",
    "hom chu nhat",
    "chu nhat truoc",
    "chu nhat roi",
    "tuan vua roi",
    "bua truoc",
    "may hom truoc",
    "hom roi",
    "may hom nay",
    "dem hom",
    "toi hom",
    "da ket thuc",
    "ket thuc",
    "da tan",
    "xong roi",
    "da xong",
    "lan truoc",
    "truoc day",
    "chay mat roi",
    "da gui",
    "da bao",
    "tin bao",
];

/// Wording that turns a message into a question about an existing report.
/// "I want to report…" wording: the resident starts a report (unless it is about one already sent).
const REPORT_CUES: &[&str] = &[
    "muon bao tin",
    "muon to giac",
    "muon trinh bao",
    "muon phan anh",
    "can bao tin",
    "can to giac",
    "xin bao tin",
    "toi muon bao",
    "em muon bao",
    "muon bao cong an",
    "bao tin ve",
    "to giac ve",
];

const CASE_CUES: &[&str] = &[
    "den dau roi",
    "ma ho so",
    "tin bao da gui",
    "da gui tin bao",
    "tien do",
    "da trinh bao",
    "chua thay ai",
    "chua co ket qua",
    "chua phan hoi",
    "chua co phan hoi",
    "ket qua xu ly",
    "bo sung",
    "ma tin bao",
    "ma phan anh",
    "da nop don",
    "den nay van chua",
    "hoi tien do",
];

/// Adjust intent probabilities in place and return the chosen intent and its
/// confidence.
///
/// `fire` is set by the caller when the text, with its diacritics, speaks of fire ("cháy"):
/// folded, "cháy" and "chạy" (run) are the same word, so only the caller can tell.
///
/// `emergency_bias`: a report, an "other" or a greeting whose emergency probability reaches it is
/// read as an emergency — recall before precision (see [`super::classify::EMERGENCY_BIAS`]).
pub fn adjust(
    folded: &str,
    mask: u64,
    probs: &mut [f32; 8],
    fire: bool,
    emergency_bias: f32,
) -> (Intent, f32) {
    let (top, _) = argmax(probs);
    let past = bit(mask, PAST_BIT) || bit(mask, META_BIT);
    // A lone cry for help, or an emergency number on its own, is the shortest emergency
    // there is.
    if is_bare_cry(folded) {
        set_floor(probs, Intent::Emergency, 0.9);
        return argmax(probs);
    }
    // Procedure/news/case questions mention weapons and fire too ("nộp súng",
    // "cảnh báo cháy"); only override intents where danger talk is plausible.
    let may_override = matches!(
        top,
        Intent::Report | Intent::Other | Intent::Greeting | Intent::Contact | Intent::Emergency
    ) || probs[Intent::Emergency.index()] >= 0.15;
    if may_override && !past {
        let strong = bit(mask, STRONG) || fire;
        let weak_now = bit(mask, WEAK) && bit(mask, NOW_BIT);
        if strong || weak_now {
            set_floor(probs, Intent::Emergency, 0.8);
            return argmax(probs);
        }
    }
    if has_case_code(folded) {
        set_floor(probs, Intent::CaseStatus, 0.85);
    } else if bit(mask, CASE) && top != Intent::Emergency {
        boost(probs, Intent::CaseStatus.index(), 6.0);
    } else if bit(mask, REPORT_START) && top != Intent::Emergency {
        set_floor(probs, Intent::Report, 0.8);
    }
    let (top, _) = argmax(probs);
    let hesitant = matches!(top, Intent::Report | Intent::Other | Intent::Greeting)
        && probs[Intent::Emergency.index()] >= emergency_bias;
    if hesitant && !past {
        let p = probs[Intent::Emergency.index()];
        return (Intent::Emergency, p);
    }
    argmax(probs)
}

/// "113", "cứu", "cứu với", "khẩn cấp", "gấp lắm", "sos"… as the whole message (repeated, with
/// courtesy words or exclamations around it).
pub fn is_bare_cry(folded: &str) -> bool {
    const CRIES: &[&str] = &[
        "113",
        "114",
        "115",
        "cuu",
        "cuu voi",
        "cuu toi",
        "cuu em",
        "cuu con",
        "cuu chau",
        "cuu nguoi",
        "khan cap",
        "khan",
        "gap",
        "gap lam",
        "rat gap",
        "nguy cap",
        "sos",
        "cuu voi ai do",
        "ai cuu voi",
        "co ai khong cuu voi",
        "goi 113",
        "goi 114",
        "goi 115",
        "bao 113",
        "cong an oi",
        "cong an dau",
        "nguy hiem",
        "ai giup voi",
        "giup voi",
        "giup toi voi",
        "giup em voi",
        "cuu giup",
    ];
    const AROUND: &[&str] = &[
        "oi",
        "voi",
        "a",
        "di",
        "len",
        "nhanh",
        "nhanh len",
        "ad",
        "admin",
    ];
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    // "cứu cứu cứu", "113 113": one cry said again.
    words.dedup();
    let mut core = words.as_slice();
    while let [rest @ .., last] = core {
        if AROUND.contains(last) && !rest.is_empty() {
            core = rest;
        } else {
            break;
        }
    }
    let phrase = core.join(" ");
    CRIES.contains(&phrase.as_str())
}

/// Raise class `i` to at least `floor`, rescaling the others to keep sum 1.
fn set_floor(probs: &mut [f32; 8], i: Intent, floor: f32) {
    let k = i.index();
    if probs[k] >= floor {
        return;
    }
    let rest: f32 = probs
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != k)
        .map(|(_, p)| p)
        .sum();
    let scale = if rest > 0.0 {
        (1.0 - floor) / rest
    } else {
        0.0
    };
    for (j, p) in probs.iter_mut().enumerate() {
        *p = if j == k { floor } else { *p * scale };
    }
}

fn boost(probs: &mut [f32], k: usize, factor: f32) {
    probs[k] *= factor;
    let sum: f32 = probs.iter().sum();
    if sum > 0.0 {
        for p in probs.iter_mut() {
            *p /= sum;
        }
    }
}

/// (all of these phrase groups must match — any phrase within a group, procedure id).
type Anchor = (&'static [&'static [&'static str]], &'static str);

const ANCHORS: &[Anchor] = &[
    (
        &[&[
            "ct07",
            "xac nhan cu tru",
            "xac nhan thong tin",
            "xac nhan noi o",
            "xac nhan tam tru",
            "xac nhan thuong tru",
        ]],
        "xac-nhan-cu-tru",
    ),
    (
        &[&["gia han", "keo dai", "het han"], &["tam tru"]],
        "gia-han-tam-tru",
    ),
    (
        &[&["xoa", "huy", "cat"], &["thuong tru", "ho khau", "khau"]],
        "xoa-thuong-tru",
    ),
    (&[&["xoa", "huy", "cat"], &["tam tru"]], "xoa-tam-tru"),
    (&[&["tach ho", "tach khau", "tach so ho khau"]], "tach-ho"),
    (
        &[&[
            "doi chu ho",
            "thay doi chu ho",
            "chuyen chu ho",
            "dieu chinh thong tin",
        ]],
        "dieu-chinh-cu-tru",
    ),
    (&[&["luu tru"]], "luu-tru"),
    (&[&["tam vang"]], "tam-vang"),
    (
        &[&["ly lich tu phap", "tien an", "tien su"]],
        "ly-lich-tu-phap",
    ),
    (
        &[&[
            "muc 2",
            "muc 1",
            "mat khau",
            "dinh danh dien tu",
            "tai khoan vneid",
        ]],
        "dinh-danh-dien-tu",
    ),
    (&[&["sang ten"]], "sang-ten-xe"),
    (
        &[
            &["thu hoi", "rut ho so"],
            &["bien so", "dang ky xe", "ca vet", "xe"],
        ],
        "thu-hoi-dang-ky-xe",
    ),
    (
        &[&["na17", "nguoi nuoc ngoai", "khach tay", "khach nuoc ngoai"]],
        "tam-tru-nguoi-nuoc-ngoai",
    ),
    (
        &[
            &["cc04", "9 so", "chin so"],
            &["chung minh nhan dan", "xac nhan"],
        ],
        "xac-nhan-cmnd",
    ),
    (
        &[
            &["an ninh trat tu"],
            &["giay", "kinh doanh", "dieu kien", "chung nhan"],
        ],
        "anninh-trat-tu-kinh-doanh",
    ),
    (
        &[&[
            "giao nop",
            "nop sung",
            "nop vu khi",
            "vat lieu no",
            "qua bom",
            "dan cu",
            "nop phao",
        ]],
        "giao-nop-vu-khi",
    ),
    (
        &[&["gia bao", "gia truyen", "trung bay", "tho so"]],
        "khai-bao-vu-khi-tho-so",
    ),
    (
        &[&[
            "bi mat",
            "lam mat",
            "danh mat",
            "lam roi",
            "danh roi",
            "danh rot",
            "mat vi",
            "mat giay",
            "mat the",
            "mat het",
            "mat can cuoc",
            "mat ho chieu",
            "mat bang lai",
            "mat ca vet",
            "mat giay phep",
            "that lac",
        ]],
        "mat-giay-to",
    ),
    (
        &[&["doi", "het han"], &["bang lai", "giay phep lai xe"]],
        "doi-gplx",
    ),
];

/// Adjust procedure probabilities in place with keyword anchors.
pub fn adjust_procedure(rules: &Rules, mask: u64, probs: &mut [f32]) {
    for &(need, k) in &rules.anchors {
        if mask & need == need {
            boost(probs, k, 3.0);
        }
    }
}

fn argmax(probs: &[f32; 8]) -> (Intent, f32) {
    let mut best = 0;
    for i in 1..probs.len() {
        if probs[i] > probs[best] {
            best = i;
        }
    }
    (Intent::ALL[best], probs[best])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_cries() {
        for cry in [
            "113",
            "114",
            "115",
            "cuu",
            "cuu voi",
            "cuu cuu cuu",
            "khan cap",
            "gap lam",
            "sos",
            "cuu voi nhanh len",
            "113 113",
        ] {
            assert!(is_bare_cry(cry), "{cry}");
        }
        for not in [
            "nghien cuu",
            "khan cap can cuoc",
            "so 113 la gi",
            "",
            "gap ban",
        ] {
            assert!(!is_bare_cry(not), "{not}");
        }
    }

    #[test]
    fn whole_word_matching() {
        let r = Rules::new();
        assert!(bit(r.scan("co nguoi cam dao"), WEAK));
        assert!(bit(r.scan("cuu voi"), STRONG));
        assert!(!bit(r.scan("nghien cuu"), STRONG));
        assert!(!bit(r.scan("xe cuu thuong"), STRONG));
        assert!(bit(r.scan("lam ct07"), ANCHOR_BASE));
    }
}
