//! Officer commands typed into Zalo: a pure parser from message text to [`Command`], no I/O.
//!
//! Officers type on phones, in a hurry, so the syntax is forgiving where it cannot mislead:
//!
//! - A command starts with `/` (or the full-width `／`); anything else is [`ParseError::NotACommand`]
//!   and goes to the resident pipeline. Leading and extra spaces are ignored.
//! - The command word, sub-commands, filters, statuses and roles are keywords: matched after
//!   [`fold`] (case, diacritics, `đ`→`d`, punctuation), so `/TRẢLỜI`, `/traloi` and `/trả-lời`
//!   are the same. A keyword may also be typed as two words (`/trả lời`, `/ghi chú`,
//!   `/thống kê`): the joined form is tried when the first word alone is not a command, or when
//!   both name the same command (`/tin tức` = `/tin`). So `/tin báo` is `/tin` (news) — write
//!   `/tinbao` or `/ds` for the case list.
//! - Free text (replies, notes, titles, reasons, names, khu phố) is never folded: it is kept as
//!   typed, NFC-normalised ([`nfc`]), with surrounding spaces trimmed.
//! - A case code is the first argument, in any form [`code::find`] accepts (`pa 7k3m9q`,
//!   `PA7K3M9Q`, `Pa-7k3m-9q`, `#PA-…`); it must start with `PA`. The punctuation after it
//!   (`:`, `,`, `.`, `-`) is dropped from the text that follows.
//! - Handles (officers' short names) are lowercased and stripped of diacritics and a leading `@`,
//!   so `@Bình` is `binh`.
//!
//! | command   | aliases                    | arguments |
//! |-----------|----------------------------|-----------|
//! | `help`    | giup, trogiup, huongdan    | — |
//! | `cases`   | ds, danhsach, tinbao       | `[new\|moi · mine\|cuatoi\|toi · open\|mo\|dangmo · urgent\|khan\|khancap · area\|kp\|khuvuc <khu phố…> · kp2]`, default open |
//! | `case`    | xem, chitiet               | `<code>` |
//! | `claim`   | nhan                       | `<code>` |
//! | `assign`  | giao                       | `<code> [cho] <handle>` (chief) |
//! | `status`  | tt, trangthai              | `<code> <status> [note…]` |
//! | `note`    | ghichu                     | `<code> <text…>` (1–2000 chars) |
//! | `reply`   | traloi, tl                 | `<code> <text…>` (1–2000 chars) |
//! | `news`    | tin, tintuc                | `<title> \| <text>` (split at the first bar or line break) |
//! | `warn`    | canhbao                    | `<title> \| <text>` |
//! | `alert`   | thongbao, bao              | `<area> <text…>`: area is ONE token; all/tatca/"tất cả" → `all` |
//! | `reveal`  | danhtinh                   | `<code> <reason…>` (chief) |
//! | `stats`   | thongke, tk                | `[days]` 1–365, default 30; `7`, `7d`, `7 ngày` |
//! | `oncall`  | truc                       | `` (show) · `set\|dat <handle>…` (chief, checked by the caller) |
//! | `officer` | canbo                      | `list\|ds` · `add\|them <zalo_id> <handle> <chief\|officer> <name…>` · `remove\|xoa\|go <handle>` · `area\|kp\|khuvuc <handle> <area>…` (chief) |
//!
//! Status keywords (one to three words, longest match wins, the rest is the note):
//! `received` ← tiepnhan, da tiep nhan · `processing` ← xuly, dang xu ly ·
//! `need_info` ← bosung, can bo sung · `transferred` ← chuyen, da chuyen ·
//! `resolved` ← xong, da xong, da xu ly, xu ly xong, giaiquyet, da giai quyet, hoanthanh ·
//! `rejected` ← tuchoi, tu choi. The English ids (`need_info`, `need-info`) work too.
//!
//! Officer areas: separated by `,`/`;`/`|` when any is present (so `Khu phố 2, Khu phố 3`
//! works), otherwise one per word.

use crate::bot::lang::{fold, nfc};
use crate::cases::code;

/// Longest reply, note, reason, alert or news body, in characters (a Zalo text message).
const MAX_TEXT: usize = 2000;
/// Longest news or warning title, in characters.
const MAX_TITLE: usize = 150;
/// Longest officer display name, in characters.
const MAX_NAME: usize = 100;
/// Longest handle, in characters.
const MAX_HANDLE: usize = 32;
/// Default and largest `/stats` window, in days.
const DEFAULT_DAYS: u32 = 30;
const MAX_DAYS: u32 = 365;

/// Which cases `/cases` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseFilter {
    /// Nobody has claimed them yet.
    New,
    /// Assigned to the officer asking.
    Mine,
    /// Not resolved or rejected (the default).
    Open,
    /// Marked urgent.
    Urgent,
    /// In this khu phố, as typed.
    Area(String),
}

/// `/oncall`: show the roster, or (chief) replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnCallAction {
    /// Who is on call now.
    Show,
    /// The new roster, as handles.
    Set(Vec<String>),
}

/// `/officer`: manage who may run commands (chief only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficerAction {
    /// All active officers.
    List,
    /// Register an officer.
    Add {
        /// Zalo user id, as typed.
        zalo_id: String,
        /// Short name used in commands.
        handle: String,
        /// Display name, as typed.
        name: String,
        /// Whether the new officer is a chief.
        chief: bool,
    },
    /// Deactivate an officer.
    Remove {
        /// Handle of the officer.
        handle: String,
    },
    /// Allow or stop an officer sending `/alert all`.
    AlertAll {
        /// Handle of the officer.
        handle: String,
        /// Allowed from now on.
        allowed: bool,
    },
    /// Set the khu phố an officer covers.
    Areas {
        /// Handle of the officer.
        handle: String,
        /// Khu phố names, as typed.
        areas: Vec<String>,
    },
}

/// A parsed officer command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// List the commands.
    Help,
    /// List cases.
    Cases(CaseFilter),
    /// Show one case.
    Case { code: String },
    /// Take a case.
    Claim { code: String },
    /// Give a case to an officer (chief).
    Assign { code: String, officer: String },
    /// Change a case's status (`received|processing|need_info|transferred|resolved|rejected`).
    Status {
        code: String,
        status: String,
        note: Option<String>,
    },
    /// Internal note on a case (not sent to the resident).
    Note { code: String, text: String },
    /// Message to the resident who reported the case.
    Reply { code: String, text: String },
    /// Publish news.
    News { title: String, text: String },
    /// Publish a warning.
    Warn { title: String, text: String },
    /// Broadcast to one khu phố or `all`.
    Alert { area: String, text: String },
    /// Reveal a reporter's identity (chief, with a reason).
    Reveal { code: String, reason: String },
    /// Statistics over the last `days` days.
    Stats { days: u32 },
    /// The on-call roster.
    OnCall(OnCallAction),
    /// Officer management.
    Officer(OfficerAction),
}

impl Command {
    /// Canonical English name, for audit rows and role checks (see [`CHIEF_ONLY`]).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Cases(_) => "cases",
            Command::Case { .. } => "case",
            Command::Claim { .. } => "claim",
            Command::Assign { .. } => "assign",
            Command::Status { .. } => "status",
            Command::Note { .. } => "note",
            Command::Reply { .. } => "reply",
            Command::News { .. } => "news",
            Command::Warn { .. } => "warn",
            Command::Alert { .. } => "alert",
            Command::Reveal { .. } => "reveal",
            Command::Stats { .. } => "stats",
            Command::OnCall(_) => "oncall",
            Command::Officer(_) => "officer",
        }
    }
}

/// Why a text is not a runnable command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text does not start with `/`: it is not for the command parser.
    #[error("not a command")]
    NotACommand,
    /// No command has this name or alias (the word as typed, without the slash).
    #[error("unknown command `{0}`")]
    Unknown(String),
    /// Missing or bad arguments: `usage` is the Vietnamese line to show back.
    #[error("{usage}")]
    Usage {
        command: &'static str,
        usage: &'static str,
    },
}

/// Canonical names of the commands that need the chief role. `/oncall set` also does; the caller
/// checks that one, since `/oncall` alone is open to every officer.
pub const CHIEF_ONLY: &[&str] = &["assign", "reveal", "officer"];

/// One command: its name, aliases (folded, without spaces), usage and help text.
struct Spec {
    name: &'static str,
    aliases: &'static [&'static str],
    usage: &'static str,
    about: &'static str,
    chief: bool,
}

const USAGE_PREFIX: &str = "Cú pháp: ";
const ONCALL_SET_HELP: &str =
    "/oncall set <tên gọi> [<tên gọi>...] — đặt lại danh sách cán bộ trực";
const OFFICER_ADD_USAGE: &str =
    "Cú pháp: /officer add <zalo_id> <tên gọi> <chief|officer> <họ tên>";
const OFFICER_REMOVE_USAGE: &str = "Cú pháp: /officer remove <tên gọi>";
const OFFICER_AREA_USAGE: &str = "Cú pháp: /officer area <tên gọi> <khu phố> [<khu phố>...]";
const OFFICER_ALERT_ALL_USAGE: &str =
    "Cú pháp: /officer alertall <tên gọi> on|off (cho phép gửi /alert all)";

/// In the order `help` lists them.
const SPECS: &[Spec] = &[
    Spec {
        name: "help",
        aliases: &["giup", "trogiup", "huongdan"],
        usage: "Cú pháp: /help",
        about: "danh sách lệnh",
        chief: false,
    },
    Spec {
        name: "cases",
        aliases: &["ds", "danhsach", "tinbao"],
        usage: "Cú pháp: /cases [new|mine|open|urgent|kp <khu phố>]",
        about: "danh sách tin báo (mặc định: đang mở)",
        chief: false,
    },
    Spec {
        name: "case",
        aliases: &["xem", "chitiet"],
        usage: "Cú pháp: /case <mã tin báo>",
        about: "xem chi tiết một tin báo",
        chief: false,
    },
    Spec {
        name: "claim",
        aliases: &["nhan"],
        usage: "Cú pháp: /claim <mã tin báo>",
        about: "nhận xử lý tin báo",
        chief: false,
    },
    Spec {
        name: "status",
        aliases: &["tt", "trangthai"],
        usage: "Cú pháp: /status <mã tin báo> <tiepnhan|xuly|bosung|chuyen|xong|tuchoi> [ghi chú]",
        about: "đổi trạng thái tin báo",
        chief: false,
    },
    Spec {
        name: "note",
        aliases: &["ghichu"],
        usage: "Cú pháp: /note <mã tin báo> <nội dung>",
        about: "ghi chú nội bộ (người báo không thấy)",
        chief: false,
    },
    Spec {
        name: "reply",
        aliases: &["traloi", "tl"],
        usage: "Cú pháp: /reply <mã tin báo> <nội dung>",
        about: "trả lời người báo tin",
        chief: false,
    },
    Spec {
        name: "news",
        aliases: &["tin", "tintuc"],
        usage: "Cú pháp: /news <tiêu đề> | <nội dung>",
        about: "đăng tin tức",
        chief: false,
    },
    Spec {
        name: "warn",
        aliases: &["canhbao"],
        usage: "Cú pháp: /warn <tiêu đề> | <nội dung>",
        about: "đăng cảnh báo",
        chief: false,
    },
    Spec {
        name: "alert",
        aliases: &["thongbao", "bao"],
        usage: "Cú pháp: /alert <khu phố|all> <nội dung>",
        about: "gửi thông báo tới một khu phố hoặc tất cả",
        chief: false,
    },
    Spec {
        name: "stats",
        aliases: &["thongke", "tk"],
        usage: "Cú pháp: /stats [số ngày, 1-365]",
        about: "thống kê (mặc định 30 ngày)",
        chief: false,
    },
    Spec {
        name: "oncall",
        aliases: &["truc"],
        usage: "Cú pháp: /oncall hoặc /oncall set <tên gọi> [<tên gọi>...]",
        about: "xem cán bộ đang trực",
        chief: false,
    },
    Spec {
        name: "assign",
        aliases: &["giao"],
        usage: "Cú pháp: /assign <mã tin báo> <tên gọi cán bộ>",
        about: "giao tin báo cho cán bộ",
        chief: true,
    },
    Spec {
        name: "reveal",
        aliases: &["danhtinh"],
        usage: "Cú pháp: /reveal <mã tin báo> <lý do>",
        about: "xem danh tính người báo (ghi nhật ký)",
        chief: true,
    },
    Spec {
        name: "officer",
        aliases: &["canbo"],
        usage: "Cú pháp: /officer list | add <zalo_id> <tên gọi> <chief|officer> <họ tên> | remove <tên gọi> | area <tên gọi> <khu phố>... | alertall <tên gọi> on|off",
        about: "quản lý cán bộ",
        chief: true,
    },
];

/// The spec of a canonical command name.
fn spec(name: &str) -> &'static Spec {
    // Every name used below is in SPECS; fall back to `help` rather than panic.
    SPECS.iter().find(|s| s.name == name).unwrap_or(&SPECS[0])
}

fn usage(name: &str) -> ParseError {
    let s = spec(name);
    ParseError::Usage {
        command: s.name,
        usage: s.usage,
    }
}

fn officer_usage(usage: &'static str) -> ParseError {
    ParseError::Usage {
        command: "officer",
        usage,
    }
}

/// The command a folded keyword names, by canonical name or alias.
fn lookup_command(key: &str) -> Option<&'static Spec> {
    SPECS
        .iter()
        .find(|s| s.name == key || s.aliases.contains(&key))
}

/// Whitespace-separated words of a text, with their byte offsets, so the text after any word
/// can be taken exactly as typed.
struct Words<'a> {
    text: &'a str,
    spans: Vec<(usize, usize)>,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Self {
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    spans.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            spans.push((s, text.len()));
        }
        Words { text, spans }
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Word `i` as typed, or "" past the end.
    fn word(&self, i: usize) -> &'a str {
        self.spans.get(i).map_or("", |&(s, e)| &self.text[s..e])
    }

    /// Word `i` as a keyword: folded, spaces removed (`trả-lời` → `traloi`).
    fn key(&self, i: usize) -> String {
        fold(self.word(i)).replace(' ', "")
    }

    /// Words `0..n` joined as one keyword.
    fn joined(&self, n: usize) -> String {
        (0..n).map(|i| self.key(i)).collect()
    }

    /// The text from word `i` on, as typed and trimmed; "" past the end.
    fn rest(&self, i: usize) -> &'a str {
        self.spans
            .get(i)
            .map_or("", |&(s, _)| self.text[s..].trim_end())
    }
}

/// Longest match of the first one to `max` words (joined) in `table`.
fn keyword<T: Copy>(words: &Words, table: &[(&str, T)], max: usize) -> Option<(T, usize)> {
    (1..=max.min(words.len())).rev().find_map(|n| {
        let key = words.joined(n);
        table.iter().find(|(k, _)| *k == key).map(|&(_, v)| (v, n))
    })
}

/// Parses an officer's message. See the module docs for the syntax.
pub fn parse(text: &str) -> Result<Command, ParseError> {
    let text = nfc(text);
    let trimmed = text.trim_start();
    let body = trimmed
        .strip_prefix('/')
        .or_else(|| trimmed.strip_prefix('／'))
        .ok_or(ParseError::NotACommand)?;
    let words = Words::new(body);
    let single = lookup_command(&words.key(0));
    let double = (words.len() >= 2)
        .then(|| lookup_command(&words.joined(2)))
        .flatten();
    let (spec, used) = match (single, double) {
        (a, Some(b)) if a.is_none_or(|a| a.name == b.name) => (b, 2),
        (Some(a), _) => (a, 1),
        _ => return Err(ParseError::Unknown(words.word(0).to_string())),
    };
    let rest = words.rest(used);
    match spec.name {
        "help" => Ok(Command::Help),
        "cases" => parse_cases(rest),
        "case" => {
            let (code, _) = take_code(rest).ok_or_else(|| usage("case"))?;
            Ok(Command::Case { code })
        }
        "claim" => {
            let (code, _) = take_code(rest).ok_or_else(|| usage("claim"))?;
            Ok(Command::Claim { code })
        }
        "assign" => parse_assign(rest),
        "status" => parse_status(rest),
        "note" => {
            let (code, text) = code_and_text(rest, "note")?;
            Ok(Command::Note { code, text })
        }
        "reply" => {
            let (code, text) = code_and_text(rest, "reply")?;
            Ok(Command::Reply { code, text })
        }
        "reveal" => {
            let (code, reason) = code_and_text(rest, "reveal")?;
            Ok(Command::Reveal { code, reason })
        }
        "news" => {
            let (title, text) = title_and_text(rest, "news")?;
            Ok(Command::News { title, text })
        }
        "warn" => {
            let (title, text) = title_and_text(rest, "warn")?;
            Ok(Command::Warn { title, text })
        }
        "alert" => parse_alert(rest),
        "stats" => parse_stats(rest),
        "oncall" => parse_oncall(rest),
        _ => parse_officer(rest),
    }
}

/// A case code at the start of `text` and the text after it (leading separators dropped).
fn take_code(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start().trim_start_matches('#');
    let mut chars = text.char_indices();
    let starts_pa = matches!(
        (chars.next(), chars.next()),
        (Some((_, p)), Some((_, a))) if p.eq_ignore_ascii_case(&'p') && a.eq_ignore_ascii_case(&'a')
    );
    if !starts_pa {
        return None;
    }
    // Find where the six code characters end, skipping the separators `find` skips.
    let mut count = 0;
    let mut end = 2;
    for (i, c) in chars {
        if count == 6 {
            break;
        }
        if matches!(c, '-' | ' ' | '.' | '_') {
            continue;
        }
        if !c.is_alphanumeric() {
            break;
        }
        count += 1;
        end = i + c.len_utf8();
    }
    let after = &text[end..];
    if count < 6 || after.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let code = code::find(&text[..end])?;
    let after = after.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | ',' | ';' | '.' | '-' | '–')
    });
    Some((code, after))
}

/// Trimmed free text of 1..=MAX_TEXT characters.
fn bounded_text(text: &str) -> Option<String> {
    let text = text.trim();
    let n = text.chars().count();
    (1..=MAX_TEXT).contains(&n).then(|| text.to_string())
}

fn code_and_text(rest: &str, name: &str) -> Result<(String, String), ParseError> {
    take_code(rest)
        .and_then(|(code, text)| Some((code, bounded_text(text)?)))
        .ok_or_else(|| usage(name))
}

/// `title | text`, or title and text on separate lines: split at the first bar or line break.
fn title_and_text(rest: &str, name: &str) -> Result<(String, String), ParseError> {
    // Whichever comes first, so the text after it may contain the other.
    let (title, text) = rest
        .split_once(['|', '｜', '\n'])
        .ok_or_else(|| usage(name))?;
    let title = title.trim();
    let title_len = title.chars().count();
    if !(1..=MAX_TITLE).contains(&title_len) {
        return Err(usage(name));
    }
    let text = bounded_text(text).ok_or_else(|| usage(name))?;
    Ok((title.to_string(), text))
}

#[derive(Clone, Copy)]
enum FilterKey {
    New,
    Mine,
    Open,
    Urgent,
    Area,
}

const FILTERS: &[(&str, FilterKey)] = &[
    ("new", FilterKey::New),
    ("moi", FilterKey::New),
    ("mine", FilterKey::Mine),
    ("cuatoi", FilterKey::Mine),
    ("toi", FilterKey::Mine),
    ("open", FilterKey::Open),
    ("mo", FilterKey::Open),
    ("dangmo", FilterKey::Open),
    ("urgent", FilterKey::Urgent),
    ("khan", FilterKey::Urgent),
    ("khancap", FilterKey::Urgent),
    ("area", FilterKey::Area),
    ("kp", FilterKey::Area),
    ("khuvuc", FilterKey::Area),
];

fn parse_cases(rest: &str) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    if words.is_empty() {
        return Ok(Command::Cases(CaseFilter::Open));
    }
    let filter = match keyword(&words, FILTERS, 2) {
        Some((FilterKey::New, _)) => CaseFilter::New,
        Some((FilterKey::Mine, _)) => CaseFilter::Mine,
        Some((FilterKey::Open, _)) => CaseFilter::Open,
        Some((FilterKey::Urgent, _)) => CaseFilter::Urgent,
        Some((FilterKey::Area, n)) => {
            let area = words.rest(n);
            if area.is_empty() {
                return Err(usage("cases"));
            }
            CaseFilter::Area(area.to_string())
        }
        // `kp2`, `KP12`: the khu phố glued to its prefix.
        None if is_glued_area(&words.key(0)) => CaseFilter::Area(words.word(0).to_string()),
        None => return Err(usage("cases")),
    };
    Ok(Command::Cases(filter))
}

fn is_glued_area(key: &str) -> bool {
    key.strip_prefix("kp")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A handle as officers type it (`@Bình,`) in the stored form (`binh`); None if nothing is left.
fn handle(word: &str) -> Option<String> {
    let word = word
        .trim_start_matches('@')
        .trim_end_matches([',', ';', '.', ':']);
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        unicode_normalization::char::decompose_canonical(c, |d| {
            if unicode_normalization::char::is_combining_mark(d) {
                return;
            }
            match d {
                'đ' | 'Đ' => out.push('d'),
                _ => out.extend(d.to_lowercase()),
            }
        });
    }
    (!out.is_empty()).then_some(out)
}

fn parse_assign(rest: &str) -> Result<Command, ParseError> {
    let (code, after) = take_code(rest).ok_or_else(|| usage("assign"))?;
    let words = Words::new(after);
    // "/giao PA-… cho an": skip the Vietnamese "to".
    let skip = usize::from(words.len() >= 2 && words.key(0) == "cho");
    let officer = handle(words.word(skip)).ok_or_else(|| usage("assign"))?;
    Ok(Command::Assign { code, officer })
}

const STATUSES: &[(&str, &str)] = &[
    ("received", "received"),
    ("tiepnhan", "received"),
    ("datiepnhan", "received"),
    ("processing", "processing"),
    ("xuly", "processing"),
    ("dangxuly", "processing"),
    ("needinfo", "need_info"),
    ("bosung", "need_info"),
    ("canbosung", "need_info"),
    ("transferred", "transferred"),
    ("chuyen", "transferred"),
    ("dachuyen", "transferred"),
    ("resolved", "resolved"),
    ("xong", "resolved"),
    ("daxong", "resolved"),
    ("daxuly", "resolved"),
    ("xulyxong", "resolved"),
    ("giaiquyet", "resolved"),
    ("dagiaiquyet", "resolved"),
    ("hoanthanh", "resolved"),
    ("rejected", "rejected"),
    ("tuchoi", "rejected"),
];

fn parse_status(rest: &str) -> Result<Command, ParseError> {
    let (code, after) = take_code(rest).ok_or_else(|| usage("status"))?;
    let words = Words::new(after);
    let (status, used) = keyword(&words, STATUSES, 3).ok_or_else(|| usage("status"))?;
    let note = words
        .rest(used)
        .trim_start_matches([':', ',', '-', '–'])
        .trim();
    let note = if note.is_empty() {
        None
    } else {
        Some(bounded_text(note).ok_or_else(|| usage("status"))?)
    };
    Ok(Command::Status {
        code,
        status: status.to_string(),
        note,
    })
}

fn parse_alert(rest: &str) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    let (area, used) = if words.key(0) == "all" || words.key(0) == "tatca" {
        ("all".to_string(), 1)
    } else if words.len() >= 2 && words.joined(2) == "tatca" {
        ("all".to_string(), 2)
    } else {
        (words.word(0).to_string(), 1)
    };
    if area.is_empty() {
        return Err(usage("alert"));
    }
    let text = bounded_text(words.rest(used)).ok_or_else(|| usage("alert"))?;
    Ok(Command::Alert { area, text })
}

fn parse_stats(rest: &str) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    if words.is_empty() {
        return Ok(Command::Stats { days: DEFAULT_DAYS });
    }
    // Digits as typed (so `-5` is refused), then an optional unit: `7`, `7d`, `7ngày`.
    let word = words.word(0);
    let digits_end = word
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(word.len());
    let (digits, unit) = word.split_at(digits_end);
    if !matches!(fold(unit).as_str(), "" | "d" | "n" | "ngay") {
        return Err(usage("stats"));
    }
    match digits.parse::<u32>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Ok(Command::Stats { days }),
        _ => Err(usage("stats")),
    }
}

#[derive(Clone, Copy)]
enum OnCallKey {
    Show,
    Set,
}

const ONCALL_SUBS: &[(&str, OnCallKey)] = &[
    ("show", OnCallKey::Show),
    ("list", OnCallKey::Show),
    ("xem", OnCallKey::Show),
    ("ds", OnCallKey::Show),
    ("set", OnCallKey::Set),
    ("dat", OnCallKey::Set),
];

/// Handles separated by spaces and/or commas, deduplicated in order.
fn handles(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';'))
        .filter_map(handle)
    {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

fn parse_oncall(rest: &str) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    if words.is_empty() {
        return Ok(Command::OnCall(OnCallAction::Show));
    }
    match keyword(&words, ONCALL_SUBS, 1) {
        Some((OnCallKey::Show, _)) => Ok(Command::OnCall(OnCallAction::Show)),
        Some((OnCallKey::Set, n)) => {
            let set = handles(words.rest(n));
            if set.is_empty() {
                return Err(usage("oncall"));
            }
            Ok(Command::OnCall(OnCallAction::Set(set)))
        }
        None => Err(usage("oncall")),
    }
}

#[derive(Clone, Copy)]
enum OfficerKey {
    List,
    Add,
    Remove,
    Area,
    AlertAll,
}

/// On or off, as typed: English, Vietnamese with or without diacritics.
const SWITCH: &[(&str, bool)] = &[
    ("on", true),
    ("yes", true),
    ("bat", true),
    ("co", true),
    ("chophep", true),
    ("off", false),
    ("no", false),
    ("tat", false),
    ("khong", false),
    ("thuhoi", false),
];

const OFFICER_SUBS: &[(&str, OfficerKey)] = &[
    ("list", OfficerKey::List),
    ("ds", OfficerKey::List),
    ("danhsach", OfficerKey::List),
    ("xem", OfficerKey::List),
    ("add", OfficerKey::Add),
    ("them", OfficerKey::Add),
    ("remove", OfficerKey::Remove),
    ("rm", OfficerKey::Remove),
    ("xoa", OfficerKey::Remove),
    ("go", OfficerKey::Remove),
    ("alertall", OfficerKey::AlertAll),
    ("thongbao", OfficerKey::AlertAll),
    ("area", OfficerKey::Area),
    ("areas", OfficerKey::Area),
    ("kp", OfficerKey::Area),
    ("khuvuc", OfficerKey::Area),
    ("diaban", OfficerKey::Area),
];

const ROLES: &[(&str, bool)] = &[
    ("chief", true),
    ("truong", true),
    ("chihuy", true),
    ("officer", false),
    ("canbo", false),
    ("cb", false),
];

/// A handle fit to be stored: ASCII letters, digits, `_ - .`, at most MAX_HANDLE.
fn new_handle(word: &str) -> Option<String> {
    handle(word).filter(|h| {
        h.len() <= MAX_HANDLE
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    })
}

fn parse_officer(rest: &str) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    if words.is_empty() {
        return Ok(Command::Officer(OfficerAction::List));
    }
    let (sub, used) = keyword(&words, OFFICER_SUBS, 2).ok_or_else(|| usage("officer"))?;
    let args = Words::new(words.rest(used));
    let action = match sub {
        OfficerKey::List => OfficerAction::List,
        OfficerKey::Add => {
            let bad = || officer_usage(OFFICER_ADD_USAGE);
            let zalo_id = args.word(0);
            if zalo_id.is_empty() || !zalo_id.chars().all(|c| c.is_ascii_graphic() && c != '|') {
                return Err(bad());
            }
            let handle = new_handle(args.word(1)).ok_or_else(bad)?;
            let role = Words::new(args.rest(2));
            let (chief, _) = keyword(&role, ROLES, 1).ok_or_else(bad)?;
            let name = role.rest(1);
            if !(1..=MAX_NAME).contains(&name.chars().count()) {
                return Err(bad());
            }
            OfficerAction::Add {
                zalo_id: zalo_id.to_string(),
                handle,
                name: name.to_string(),
                chief,
            }
        }
        OfficerKey::Remove => {
            let handle = handle(args.word(0)).ok_or_else(|| officer_usage(OFFICER_REMOVE_USAGE))?;
            OfficerAction::Remove { handle }
        }
        OfficerKey::Area => {
            let bad = || officer_usage(OFFICER_AREA_USAGE);
            let handle = handle(args.word(0)).ok_or_else(bad)?;
            let list = args.rest(1);
            let areas: Vec<String> = if list.contains([',', ';', '|']) {
                list.split([',', ';', '|'])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect()
            } else {
                list.split_whitespace().map(str::to_string).collect()
            };
            if areas.is_empty() {
                return Err(bad());
            }
            OfficerAction::Areas { handle, areas }
        }
        OfficerKey::AlertAll => {
            let bad = || officer_usage(OFFICER_ALERT_ALL_USAGE);
            let handle = handle(args.word(0)).ok_or_else(bad)?;
            let (allowed, _) = keyword(&Words::new(args.rest(1)), SWITCH, 2).ok_or_else(bad)?;
            OfficerAction::AlertAll { handle, allowed }
        }
    };
    Ok(Command::Officer(action))
}

/// One help line per command, in Vietnamese, with its aliases; for a chief also the chief-only
/// commands (`/assign`, `/reveal`, `/oncall set`, `/officer`).
pub fn help(chief: bool) -> String {
    let line = |s: &Spec| {
        let aliases: Vec<String> = s.aliases.iter().map(|a| format!("/{a}")).collect();
        format!(
            "{} — {} (gõ tắt: {})",
            s.usage.trim_start_matches(USAGE_PREFIX),
            s.about,
            aliases.join(", ")
        )
    };
    let mut lines = vec!["Lệnh cho cán bộ (gõ có dấu hay không dấu đều được):".to_string()];
    for s in SPECS.iter().filter(|s| !s.chief) {
        if s.name == "oncall" {
            lines.push(format!("/oncall — {} (gõ tắt: /truc)", s.about));
        } else {
            lines.push(line(s));
        }
    }
    if chief {
        lines.push("Lệnh của trưởng công an:".to_string());
        lines.push(format!("{ONCALL_SET_HELP} (gõ tắt: /truc dat)"));
        lines.extend(SPECS.iter().filter(|s| s.chief).map(line));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "PA-7K3M9Q";

    fn ok(text: &str) -> Command {
        match parse(text) {
            Ok(c) => c,
            Err(e) => panic!("{text:?}: {e:?}"),
        }
    }

    fn usage_of(text: &str) -> &'static str {
        match parse(text) {
            Err(ParseError::Usage { command, usage }) => {
                assert!(usage.starts_with(USAGE_PREFIX), "{usage}");
                command
            }
            other => panic!("{text:?}: expected a usage error, got {other:?}"),
        }
    }

    fn case(code: &str) -> Command {
        Command::Case {
            code: code.to_string(),
        }
    }

    #[test]
    fn not_a_command() {
        for text in [
            "",
            "   ",
            "help",
            "xin chào",
            "PA-7K3M9Q",
            "\\help",
            "dấu / ở giữa",
        ] {
            assert_eq!(parse(text), Err(ParseError::NotACommand), "{text:?}");
        }
    }

    #[test]
    fn unknown_command_keeps_the_word_as_typed() {
        assert_eq!(parse("/xyz abc"), Err(ParseError::Unknown("xyz".into())));
        assert_eq!(parse("/Chào anh"), Err(ParseError::Unknown("Chào".into())));
        assert_eq!(parse("/"), Err(ParseError::Unknown(String::new())));
        assert_eq!(parse("/   "), Err(ParseError::Unknown(String::new())));
        assert_eq!(
            parse("/xyz").map_err(|e| e.to_string()),
            Err("unknown command `xyz`".to_string())
        );
    }

    #[test]
    fn slash_forms_and_spaces() {
        assert_eq!(ok("/help"), Command::Help);
        assert_eq!(ok("／help"), Command::Help);
        assert_eq!(ok("   /help   "), Command::Help);
        assert_eq!(ok("/ help"), Command::Help);
        assert_eq!(ok("/HELP"), Command::Help);
        assert_eq!(ok("/help anything else"), Command::Help);
    }

    #[test]
    fn every_alias_with_and_without_diacritics() {
        let cases: &[(&str, &str)] = &[
            ("/help", "help"),
            ("/giup", "help"),
            ("/giúp", "help"),
            ("/trogiup", "help"),
            ("/trợgiúp", "help"),
            ("/trợ giúp", "help"),
            ("/huongdan", "help"),
            ("/Hướng Dẫn", "help"),
            ("/cases", "cases"),
            ("/ds", "cases"),
            ("/danhsach", "cases"),
            ("/danh sách", "cases"),
            ("/tinbao", "cases"),
            ("/tinbáo", "cases"),
            ("/stats", "stats"),
            ("/thongke", "stats"),
            ("/thống kê", "stats"),
            ("/TK", "stats"),
            ("/oncall", "oncall"),
            ("/truc", "oncall"),
            ("/trực", "oncall"),
            ("/officer", "officer"),
            ("/canbo", "officer"),
            ("/cán bộ", "officer"),
            ("/Cán-Bộ list", "officer"),
        ];
        for (text, name) in cases {
            assert_eq!(ok(text).name(), *name, "{text}");
        }
        let with_code: &[(&str, &str)] = &[
            ("case", "case"),
            ("xem", "case"),
            ("chitiet", "case"),
            ("chi tiết", "case"),
            ("claim", "claim"),
            ("nhan", "claim"),
            ("nhận", "claim"),
            ("NHẬN", "claim"),
            ("assign", "assign"),
            ("giao", "assign"),
            ("status", "status"),
            ("tt", "status"),
            ("trangthai", "status"),
            ("trạng thái", "status"),
            ("note", "note"),
            ("ghichu", "note"),
            ("ghi chú", "note"),
            ("reply", "reply"),
            ("traloi", "reply"),
            ("trảlời", "reply"),
            ("trả lời", "reply"),
            ("tl", "reply"),
            ("reveal", "reveal"),
            ("danhtinh", "reveal"),
            ("danh tính", "reveal"),
        ];
        for (word, name) in with_code {
            // `xong` doubles as a handle, a status and free text.
            let text = format!("/{word} pa-7k3m9q xong");
            assert_eq!(ok(&text).name(), *name, "{text}");
        }
        for word in [
            "news",
            "tin",
            "tintuc",
            "tin tức",
            "warn",
            "canhbao",
            "cảnh báo",
        ] {
            let text = format!("/{word} Tiêu đề | Nội dung");
            assert!(
                matches!(ok(&text), Command::News { .. } | Command::Warn { .. }),
                "{text}"
            );
        }
        for word in ["alert", "thongbao", "thông báo", "bao", "báo"] {
            let text = format!("/{word} kp2 Cúp nước");
            assert_eq!(ok(&text).name(), "alert", "{text}");
        }
    }

    #[test]
    fn reply_keeps_the_text_exactly() {
        assert_eq!(
            ok("/TRẢLỜI pa 7k3m9q Chúng tôi đã tiếp nhận"),
            Command::Reply {
                code: CODE.into(),
                text: "Chúng tôi đã tiếp nhận".into()
            }
        );
        // NFD input comes out NFC; inner spacing and line breaks are kept.
        let nfd: String =
            unicode_normalization::UnicodeNormalization::nfd("/tl PA-7K3M9Q Cảm ơn  bạn,\nđã báo")
                .collect();
        assert_eq!(
            ok(&nfd),
            Command::Reply {
                code: CODE.into(),
                text: "Cảm ơn  bạn,\nđã báo".into()
            }
        );
        // `ko`, `dc` are teencode for fold, but free text is never folded.
        assert_eq!(
            ok("/reply PA-7K3M9Q: ko dc đâu ạ"),
            Command::Reply {
                code: CODE.into(),
                text: "ko dc đâu ạ".into()
            }
        );
        assert_eq!(
            ok("/tl pa-7k3m9q. Dạ vâng"),
            Command::Reply {
                code: CODE.into(),
                text: "Dạ vâng".into()
            }
        );
        assert_eq!(
            ok("/reply PA-7K3M9Q,Chúng tôi"),
            Command::Reply {
                code: CODE.into(),
                text: "Chúng tôi".into()
            }
        );
        assert_eq!(
            ok("/note PA-7K3M9Q - Đã gọi điện, hẹn 9h"),
            Command::Note {
                code: CODE.into(),
                text: "Đã gọi điện, hẹn 9h".into()
            }
        );
    }

    #[test]
    fn codes_in_odd_forms() {
        for typed in [
            "PA-7K3M9Q",
            "pa-7k3m9q",
            "pa 7k3m9q",
            "PA7K3M9Q",
            "Pa 7 k 3 m 9 q",
            "pa-7k3m-9q",
            "pa.7k3m9q",
            "#PA-7K3M9Q",
            "PA-7K3M9Q,",
        ] {
            assert_eq!(ok(&format!("/xem {typed}")), case(CODE), "{typed}");
            assert_eq!(ok(&format!("/xem   {typed}   ")), case(CODE), "{typed}");
        }
        // Crockford confusions are normalised by code::find.
        assert_eq!(ok("/xem pa-0o1il0"), case("PA-001110"));
        // Trailing words after a code are ignored where nothing else is expected.
        assert_eq!(
            ok("/nhan PA-7K3M9Q nhé"),
            Command::Claim { code: CODE.into() }
        );
        // A code that runs into more letters, or is split by the text, is not a code.
        assert_eq!(
            ok("/reply pa 7k3m9q xin chào"),
            Command::Reply {
                code: CODE.into(),
                text: "xin chào".into()
            }
        );
    }

    #[test]
    fn missing_or_bad_codes_are_usage_errors() {
        for text in [
            "/case",
            "/xem",
            "/xem 7K3M9Q",
            "/xem PA-7K3M9",
            "/xem PA-7K3M9QX",
            "/xem PA-7K3M9U",
            "/xem PA-2026-000045",
            "/xem mã PA-7K3M9Q",
            "/xem papa",
        ] {
            assert_eq!(usage_of(text), "case", "{text}");
        }
        for (text, name) in [
            ("/claim", "claim"),
            ("/nhan abc", "claim"),
            ("/assign", "assign"),
            ("/giao an", "assign"),
            ("/status", "status"),
            ("/tt xong", "status"),
            ("/note", "note"),
            ("/reply", "reply"),
            ("/reply Chúng tôi đã nhận PA-7K3M9Q", "reply"),
            ("/reveal", "reveal"),
        ] {
            assert_eq!(usage_of(text), name, "{text}");
        }
    }

    #[test]
    fn reply_and_note_text_bounds() {
        assert_eq!(usage_of("/reply PA-7K3M9Q"), "reply");
        assert_eq!(usage_of("/reply PA-7K3M9Q   "), "reply");
        assert_eq!(usage_of("/note PA-7K3M9Q :"), "note");
        let max = "ạ".repeat(MAX_TEXT);
        assert_eq!(
            ok(&format!("/reply PA-7K3M9Q {max}")),
            Command::Reply {
                code: CODE.into(),
                text: max.clone()
            }
        );
        assert_eq!(usage_of(&format!("/reply PA-7K3M9Q {max}a")), "reply");
        assert_eq!(usage_of(&format!("/note PA-7K3M9Q {max}a")), "note");
    }

    #[test]
    fn usage_error_displays_the_vietnamese_line() {
        let err = parse("/reply").err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("Cú pháp: /reply <mã tin báo> <nội dung>".to_string())
        );
    }

    #[test]
    fn cases_filters() {
        let f = |text: &str| match ok(text) {
            Command::Cases(f) => f,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(f("/cases"), CaseFilter::Open);
        assert_eq!(f("/ds"), CaseFilter::Open);
        for (word, want) in [
            ("new", CaseFilter::New),
            ("moi", CaseFilter::New),
            ("mới", CaseFilter::New),
            ("MỚI", CaseFilter::New),
            ("mine", CaseFilter::Mine),
            ("cuatoi", CaseFilter::Mine),
            ("của tôi", CaseFilter::Mine),
            ("toi", CaseFilter::Mine),
            ("tôi", CaseFilter::Mine),
            ("open", CaseFilter::Open),
            ("mo", CaseFilter::Open),
            ("mở", CaseFilter::Open),
            ("dangmo", CaseFilter::Open),
            ("đang mở", CaseFilter::Open),
            ("urgent", CaseFilter::Urgent),
            ("khan", CaseFilter::Urgent),
            ("khẩn", CaseFilter::Urgent),
            ("khancap", CaseFilter::Urgent),
            ("khẩn cấp", CaseFilter::Urgent),
        ] {
            assert_eq!(f(&format!("/cases {word}")), want, "{word}");
            assert_eq!(f(&format!("/tinbao   {word}  ")), want, "{word}");
        }
        assert_eq!(f("/ds kp Khu phố 2"), CaseFilter::Area("Khu phố 2".into()));
        assert_eq!(f("/ds area  Tân Hòa "), CaseFilter::Area("Tân Hòa".into()));
        assert_eq!(f("/ds khu vực Chợ"), CaseFilter::Area("Chợ".into()));
        assert_eq!(f("/ds kp2"), CaseFilter::Area("kp2".into()));
        assert_eq!(f("/ds KP12"), CaseFilter::Area("KP12".into()));
        assert_eq!(usage_of("/ds kp"), "cases");
        assert_eq!(usage_of("/ds hôm qua"), "cases");
    }

    #[test]
    fn assign_takes_a_handle() {
        let want = Command::Assign {
            code: CODE.into(),
            officer: "an".into(),
        };
        assert_eq!(ok("/assign PA-7K3M9Q an"), want);
        assert_eq!(ok("/giao pa7k3m9q @An"), want);
        assert_eq!(ok("/Giao pa 7k3m9q cho An"), want);
        assert_eq!(
            ok("/giao PA-7K3M9Q Bình"),
            Command::Assign {
                code: CODE.into(),
                officer: "binh".into()
            }
        );
        assert_eq!(
            ok("/giao PA-7K3M9Q cho"),
            Command::Assign {
                code: CODE.into(),
                officer: "cho".into()
            }
        );
        assert_eq!(usage_of("/giao PA-7K3M9Q"), "assign");
        assert_eq!(usage_of("/giao PA-7K3M9Q @"), "assign");
    }

    #[test]
    fn status_ids_and_aliases() {
        let st = |text: &str| match ok(text) {
            Command::Status { code, status, note } => {
                assert_eq!(code, CODE, "{text}");
                (status, note)
            }
            other => panic!("{text}: {other:?}"),
        };
        for (typed, want) in [
            ("received", "received"),
            ("tiepnhan", "received"),
            ("tiếp nhận", "received"),
            ("đã tiếp nhận", "received"),
            ("processing", "processing"),
            ("xuly", "processing"),
            ("xử lý", "processing"),
            ("đang xử lý", "processing"),
            ("need_info", "need_info"),
            ("need-info", "need_info"),
            ("bosung", "need_info"),
            ("bổ sung", "need_info"),
            ("cần bổ sung", "need_info"),
            ("transferred", "transferred"),
            ("chuyen", "transferred"),
            ("chuyển", "transferred"),
            ("đã chuyển", "transferred"),
            ("resolved", "resolved"),
            ("xong", "resolved"),
            ("XONG", "resolved"),
            ("đã xong", "resolved"),
            ("đã xử lý", "resolved"),
            ("xử lý xong", "resolved"),
            ("giaiquyet", "resolved"),
            ("giải quyết", "resolved"),
            ("đã giải quyết", "resolved"),
            ("hoàn thành", "resolved"),
            ("rejected", "rejected"),
            ("tuchoi", "rejected"),
            ("từ chối", "rejected"),
        ] {
            assert_eq!(
                st(&format!("/tt PA-7K3M9Q {typed}")),
                (want.to_string(), None),
                "{typed}"
            );
            assert_eq!(
                st(&format!("/trạng thái pa7k3m9q {typed} Ghi chú: ĐÃ gọi")),
                (want.to_string(), Some("Ghi chú: ĐÃ gọi".into())),
                "{typed}"
            );
        }
        assert_eq!(
            st("/status PA-7K3M9Q chuyển - Công an quận"),
            ("transferred".into(), Some("Công an quận".into()))
        );
        assert_eq!(usage_of("/tt PA-7K3M9Q"), "status");
        assert_eq!(usage_of("/tt PA-7K3M9Q done"), "status");
        assert_eq!(usage_of("/tt PA-7K3M9Q đang"), "status");
        let long = "x".repeat(MAX_TEXT + 1);
        assert_eq!(usage_of(&format!("/tt PA-7K3M9Q xong {long}")), "status");
    }

    #[test]
    fn news_and_warnings_need_title_and_text() {
        assert_eq!(
            ok("/news Lịch tiếp dân | Thứ Bảy 8h–11h tại trụ sở."),
            Command::News {
                title: "Lịch tiếp dân".into(),
                text: "Thứ Bảy 8h–11h tại trụ sở.".into()
            }
        );
        // Only the first bar splits; full-width bar and a line break work too.
        assert_eq!(
            ok("/tin A | b | c"),
            Command::News {
                title: "A".into(),
                text: "b | c".into()
            }
        );
        assert_eq!(
            ok("/canhbao Lừa đảo ｜Không chuyển tiền"),
            Command::Warn {
                title: "Lừa đảo".into(),
                text: "Không chuyển tiền".into()
            }
        );
        assert_eq!(
            ok("/cảnh báo Lừa đảo qua điện thoại\nKhông cung cấp mã OTP"),
            Command::Warn {
                title: "Lừa đảo qua điện thoại".into(),
                text: "Không cung cấp mã OTP".into()
            }
        );
        assert_eq!(
            ok("/news Tiêu đề\nNội dung | có gạch\nvà dòng 2"),
            Command::News {
                title: "Tiêu đề".into(),
                text: "Nội dung | có gạch\nvà dòng 2".into()
            }
        );
        // `/tin tức` is `/tin` with the second word of the alias.
        assert_eq!(
            ok("/tin tức Họp dân | 19h tối nay"),
            Command::News {
                title: "Họp dân".into(),
                text: "19h tối nay".into()
            }
        );
        for text in [
            "/news",
            "/news Tiêu đề",
            "/news Tiêu đề |",
            "/news | nội dung",
            "/news   |   ",
        ] {
            assert_eq!(usage_of(text), "news", "{text}");
        }
        assert_eq!(usage_of("/warn chỉ tiêu đề"), "warn");
        let title = "T".repeat(MAX_TITLE);
        assert!(matches!(
            ok(&format!("/news {title} | x")),
            Command::News { .. }
        ));
        assert_eq!(usage_of(&format!("/news {title}T | x")), "news");
        // `/tin báo` is news, not the case list: document, and fail visibly.
        assert_eq!(usage_of("/tin báo mới"), "news");
    }

    #[test]
    fn alert_area_is_one_token() {
        assert_eq!(
            ok("/alert kp2 Cúp điện từ 8h đến 11h"),
            Command::Alert {
                area: "kp2".into(),
                text: "Cúp điện từ 8h đến 11h".into()
            }
        );
        for all in ["all", "ALL", "tatca", "tấtcả", "tất cả", "Tất Cả"] {
            assert_eq!(
                ok(&format!("/thông báo {all} Họp tổ dân phố")),
                Command::Alert {
                    area: "all".into(),
                    text: "Họp tổ dân phố".into()
                },
                "{all}"
            );
        }
        // The area is kept as typed.
        assert_eq!(
            ok("/bao KP-Tân_Hòa nước ngập"),
            Command::Alert {
                area: "KP-Tân_Hòa".into(),
                text: "nước ngập".into()
            }
        );
        assert_eq!(usage_of("/alert"), "alert");
        assert_eq!(usage_of("/alert kp2"), "alert");
        assert_eq!(usage_of("/alert tất cả"), "alert");
    }

    #[test]
    fn reveal_needs_a_reason() {
        assert_eq!(
            ok("/danh tính PA-7K3M9Q Yêu cầu của cơ quan điều tra"),
            Command::Reveal {
                code: CODE.into(),
                reason: "Yêu cầu của cơ quan điều tra".into()
            }
        );
        assert_eq!(usage_of("/reveal PA-7K3M9Q"), "reveal");
    }

    #[test]
    fn stats_days_and_bounds() {
        let days = |text: &str| match ok(text) {
            Command::Stats { days } => days,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(days("/stats"), DEFAULT_DAYS);
        assert_eq!(days("/tk"), 30);
        assert_eq!(days("/thống kê 7"), 7);
        assert_eq!(days("/tk 7d"), 7);
        assert_eq!(days("/tk 7 ngày"), 7);
        assert_eq!(days("/tk 14ngày"), 14);
        assert_eq!(days("/tk 1"), 1);
        assert_eq!(days("/tk 365"), MAX_DAYS);
        // The unit is read from the first word only; later words are ignored.
        assert_eq!(days("/tk 7 tuần"), 7);
        for text in [
            "/tk 0",
            "/tk 366",
            "/tk 99999999999999",
            "/tk -5",
            "/tk tuần",
            "/tk 7w",
            "/tk 7tuần",
            "/tk ba",
        ] {
            assert_eq!(usage_of(text), "stats", "{text}");
        }
    }

    #[test]
    fn oncall_show_and_set() {
        assert_eq!(ok("/oncall"), Command::OnCall(OnCallAction::Show));
        assert_eq!(ok("/trực"), Command::OnCall(OnCallAction::Show));
        assert_eq!(ok("/truc xem"), Command::OnCall(OnCallAction::Show));
        let set = |v: &[&str]| {
            Command::OnCall(OnCallAction::Set(v.iter().map(|s| s.to_string()).collect()))
        };
        assert_eq!(ok("/oncall set an binh"), set(&["an", "binh"]));
        assert_eq!(ok("/trực đặt @An, Bình"), set(&["an", "binh"]));
        assert_eq!(ok("/oncall SET an an  binh an"), set(&["an", "binh"]));
        assert_eq!(usage_of("/oncall set"), "oncall");
        assert_eq!(usage_of("/oncall set , ,"), "oncall");
        assert_eq!(usage_of("/oncall an binh"), "oncall");
    }

    #[test]
    fn officer_management() {
        let off = |text: &str| match ok(text) {
            Command::Officer(a) => a,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(off("/officer"), OfficerAction::List);
        assert_eq!(off("/officer list"), OfficerAction::List);
        assert_eq!(off("/cán bộ ds"), OfficerAction::List);
        assert_eq!(
            off("/officer add 1234567890123 an officer Nguyễn Văn An"),
            OfficerAction::Add {
                zalo_id: "1234567890123".into(),
                handle: "an".into(),
                name: "Nguyễn Văn An".into(),
                chief: false
            }
        );
        assert_eq!(
            off("/canbo thêm 99 @Bình trưởng Trần Thị Bình"),
            OfficerAction::Add {
                zalo_id: "99".into(),
                handle: "binh".into(),
                name: "Trần Thị Bình".into(),
                chief: true
            }
        );
        assert_eq!(
            off("/officer add u-1 tu.le CHIEF Lê Tư"),
            OfficerAction::Add {
                zalo_id: "u-1".into(),
                handle: "tu.le".into(),
                name: "Lê Tư".into(),
                chief: true
            }
        );
        for text in [
            "/officer add",
            "/officer add 123",
            "/officer add 123 an",
            "/officer add 123 an officer",
            "/officer add 123 an sergeant Nguyễn An",
            "/officer add 123 an/b officer Nguyễn An",
            "/officer add 12|3 an officer Nguyễn An",
        ] {
            assert_eq!(
                parse(text),
                Err(ParseError::Usage {
                    command: "officer",
                    usage: OFFICER_ADD_USAGE
                }),
                "{text}"
            );
        }
        assert_eq!(
            off("/officer remove @An"),
            OfficerAction::Remove {
                handle: "an".into()
            }
        );
        assert_eq!(
            off("/canbo xoá binh"),
            OfficerAction::Remove {
                handle: "binh".into()
            }
        );
        assert_eq!(
            parse("/officer remove"),
            Err(ParseError::Usage {
                command: "officer",
                usage: OFFICER_REMOVE_USAGE
            })
        );
        assert_eq!(
            off("/officer area an kp1 kp2"),
            OfficerAction::Areas {
                handle: "an".into(),
                areas: vec!["kp1".into(), "kp2".into()]
            }
        );
        assert_eq!(
            off("/cán bộ khu vực an Khu phố 1, Khu phố 2 ,"),
            OfficerAction::Areas {
                handle: "an".into(),
                areas: vec!["Khu phố 1".into(), "Khu phố 2".into()]
            }
        );
        assert_eq!(
            parse("/officer area an"),
            Err(ParseError::Usage {
                command: "officer",
                usage: OFFICER_AREA_USAGE
            })
        );
        for (typed, allowed) in [
            ("/officer alertall an on", true),
            ("/cán bộ thông báo an cho phép", true),
            ("/canbo thongbao an tat", false),
            ("/officer alertall an thu hồi", false),
        ] {
            assert_eq!(
                off(typed),
                OfficerAction::AlertAll {
                    handle: "an".into(),
                    allowed
                },
                "{typed}"
            );
        }
        assert_eq!(
            parse("/officer alertall an maybe"),
            Err(ParseError::Usage {
                command: "officer",
                usage: OFFICER_ALERT_ALL_USAGE
            })
        );
        assert_eq!(usage_of("/officer fire an"), "officer");
    }

    #[test]
    fn names_are_canonical_and_chief_only_names_exist() {
        for spec in SPECS {
            assert!(lookup_command(spec.name).is_some());
            assert_eq!(CHIEF_ONLY.contains(&spec.name), spec.chief, "{}", spec.name);
        }
        // No alias names two commands.
        let mut all: Vec<&str> = SPECS
            .iter()
            .flat_map(|s| s.aliases.iter().copied().chain([s.name]))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
        assert_eq!(ok("/giao PA-7K3M9Q an").name(), "assign");
        assert_eq!(ok("/oncall set an").name(), "oncall");
    }

    #[test]
    fn help_lists_chief_commands_only_for_the_chief() {
        let officer = help(false);
        let chief = help(true);
        for cmd in [
            "/help", "/cases", "/case ", "/claim", "/status", "/note", "/reply", "/news", "/warn",
            "/alert", "/stats", "/oncall",
        ] {
            assert!(officer.contains(cmd), "{cmd}");
            assert!(chief.contains(cmd), "{cmd}");
        }
        for cmd in ["/assign", "/reveal", "/officer", "/oncall set"] {
            assert!(!officer.contains(cmd), "{cmd}");
            assert!(chief.contains(cmd), "{cmd}");
        }
        for alias in [
            "/traloi", "/tl", "/ds", "/tinbao", "/tk", "/truc", "/ghichu",
        ] {
            assert!(officer.contains(alias), "{alias}");
        }
        assert!(chief.contains("/danhtinh") && chief.contains("/canbo") && chief.contains("/giao"));
        // One line per command, plus a heading (and the chief's heading and oncall set line).
        assert_eq!(officer.lines().count(), 1 + 12);
        assert_eq!(chief.lines().count(), 1 + 12 + 1 + 1 + 3);
    }
}
