//! Officer commands typed into Zalo: a pure parser from message text to [`Command`], no I/O.
//! One module per command family — [`cases`] (`/cases`, `/assign`, `/stats`), [`status`],
//! [`publishing`] (`/alert`), [`roster`] (`/oncall`, `/officer`) — over the shared primitives
//! of [`words`]; this module holds the command table ([`CommandName`], each with its aliases,
//! usage, help line and required [`Role`]) and the dispatch from a command word to its parser.
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
//! | `cases`   | ds, danhsach, tinbao       | `[new\|moi · mine\|cuatoi\|toi · open\|mo\|dangmo · urgent\|khan\|khancap · all\|tatca · area\|kp\|khuvuc <khu phố…> · kp2] [page]`, default open, page 1 |
//! | `case`    | xem, chitiet               | `<code>` |
//! | `claim`   | nhan                       | `<code>` |
//! | `assign`  | giao                       | `<code> [cho] <handle>` (chief) |
//! | `status`  | tt, trangthai              | `<code> <status> [note…]` |
//! | `note`    | ghichu                     | `<code> <text…>` (1–2000 chars) |
//! | `reply`   | traloi, tl                 | `<code> <text…>` (1–2000 chars) |
//! | `update`  | capnhat, tiendo            | `<code> <text…>` (1–2000 chars): progress to the resident, status unchanged |
//! | `news`    | tin, tintuc                | `<title> \| <text>` (split at the first bar or line break) |
//! | `warn`    | canhbao                    | `<title> \| <text>` |
//! | `alert`   | thongbao, bao              | `<area> <text…>`: area is the longest known khu phố name/alias at the start, else one word; all/tatca/"tất cả" → `all` |
//! | `reveal`  | danhtinh                   | `<code> <reason…>` (chief) |
//! | `stats`   | thongke, tk                | `[days]` 1–365, default 30; `7`, `7d`, `7 ngày` |
//! | `oncall`  | truc                       | `` (show) · `set\|dat <handle>…` (chief, checked by the caller) |
//! | `web`     | banlamviec                 | — |
//! | `officer` | canbo                      | `list\|ds` · `invite\|moi [name…] [chief\|officer]` · `add\|them <zalo_id> <handle> <chief\|officer> <name…>` · `remove\|xoa\|go <handle>` · `area\|kp\|khuvuc <handle> <area>…` (chief) |
//!
//! Status keywords (one to three words, longest match wins, the rest is the note):
//! `received` ← tiepnhan, da tiep nhan · `processing` ← xuly, dang xu ly ·
//! `need_info` ← bosung, can bo sung · `transferred` ← chuyen, da chuyen ·
//! `resolved` ← xong, da xong, da xu ly, xu ly xong, giaiquyet, da giai quyet, hoanthanh ·
//! `rejected` ← tuchoi, tu choi. The English ids (`need_info`, `need-info`) work too.
//!
//! Khu phố names contain spaces ("Khu phố 3", an alias "Tân Hòa Đông"): wherever a command
//! takes one, the longest configured name or alias at that point, folded, is the khu phố
//! ([`parse_in`] is given the configured list; [`parse`] knows none, as in the table tests, and
//! falls back to one word). Officer areas: separated by `,`/`;`/`|` when any is present,
//! otherwise known names in a row (`Khu phố 2 Khu phố 5`), an unknown word on its own.

mod cases;
mod groups;
mod publishing;
mod roster;
mod status;
#[cfg(test)]
mod tests;
mod words;

pub use cases::CaseFilter;
pub use groups::GroupAction;
pub use roster::{OfficerAction, OnCallAction};

pub use crate::access::{CommandName, Role};
use crate::cases::{CaseCode, Status};
use crate::config::AreaSettings;
use crate::lang::nfc;
use roster::ONCALL_SET_HELP;
use words::{code_and_text, take_code, title_and_text, Words};

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

/// A parsed officer command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// List the commands.
    Help,
    /// List cases, one page (from 1) at a time.
    Cases { filter: CaseFilter, page: u32 },
    /// Show one case.
    Case { code: CaseCode },
    /// Take a case.
    Claim { code: CaseCode },
    /// Give a case to an officer (chief).
    Assign { code: CaseCode, officer: String },
    /// Change a case's status (`received|processing|need_info|transferred|resolved|rejected`).
    Status {
        code: CaseCode,
        status: Status,
        note: Option<String>,
    },
    /// Internal note on a case (not sent to the resident).
    Note { code: CaseCode, text: String },
    /// Message to the resident who reported the case.
    Reply { code: CaseCode, text: String },
    /// Progress message to the resident; the status stays as it is.
    Update { code: CaseCode, text: String },
    /// Publish news.
    News { title: String, text: String },
    /// Publish a warning.
    Warn { title: String, text: String },
    /// Broadcast to one khu phố or `all`.
    Alert { area: String, text: String },
    /// The khu phố Zalo groups.
    Group(GroupAction),
    /// Reveal a reporter's identity (chief, with a reason).
    Reveal { code: CaseCode, reason: String },
    /// Statistics over the last `days` days.
    Stats { days: u32 },
    /// The on-call roster.
    OnCall(OnCallAction),
    /// Officer management.
    Officer(OfficerAction),
    /// A login link to the web console.
    Web,
}

impl CommandName {
    /// Its spec: aliases, usage, help line and role.
    fn spec(self) -> &'static Spec {
        SPECS
            .iter()
            .find(|s| s.name == self)
            .expect("every command has a spec (tested)")
    }
}

impl Command {
    /// Which command this is.
    pub fn name(&self) -> CommandName {
        match self {
            Command::Help => CommandName::Help,
            Command::Cases { .. } => CommandName::Cases,
            Command::Case { .. } => CommandName::Case,
            Command::Claim { .. } => CommandName::Claim,
            Command::Assign { .. } => CommandName::Assign,
            Command::Status { .. } => CommandName::Status,
            Command::Note { .. } => CommandName::Note,
            Command::Reply { .. } => CommandName::Reply,
            Command::Update { .. } => CommandName::Update,
            Command::News { .. } => CommandName::News,
            Command::Warn { .. } => CommandName::Warn,
            Command::Alert { .. } => CommandName::Alert,
            Command::Group(_) => CommandName::Group,
            Command::Reveal { .. } => CommandName::Reveal,
            Command::Stats { .. } => CommandName::Stats,
            Command::OnCall(_) => CommandName::OnCall,
            Command::Officer(_) => CommandName::Officer,
            Command::Web => CommandName::Web,
        }
    }

    /// The role needed to run it: its command's, except `/oncall set`, which is stricter than
    /// `/oncall` (seeing the roster is open to every officer, changing it is the chief's).
    pub fn required_role(&self) -> Role {
        match self {
            Command::OnCall(OnCallAction::Set(_)) => Role::Chief,
            Command::Group(GroupAction::Link { .. } | GroupAction::Create { .. }) => Role::Chief,
            _ => self.name().spec().role,
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

/// One command: its name, aliases (folded, without spaces), usage and help text.
struct Spec {
    name: CommandName,
    aliases: &'static [&'static str],
    usage: &'static str,
    about: &'static str,
    role: Role,
}

const USAGE_PREFIX: &str = "Cú pháp: ";
/// In the order `help` lists them.
const SPECS: &[Spec] = &[
    Spec {
        name: CommandName::Help,
        aliases: &["giup", "trogiup", "huongdan"],
        usage: "Cú pháp: /help",
        about: "danh sách lệnh",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Cases,
        aliases: &["ds", "danhsach", "tinbao"],
        usage: "Cú pháp: /cases [new|mine|open|urgent|all|kp <khu phố>] [trang]",
        about: "danh sách tin báo (mặc định: đang mở, trang 1)",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Case,
        aliases: &["xem", "chitiet"],
        usage: "Cú pháp: /case <mã tin báo>",
        about: "xem chi tiết một tin báo",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Claim,
        aliases: &["nhan"],
        usage: "Cú pháp: /claim <mã tin báo>",
        about: "nhận xử lý tin báo",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Status,
        aliases: &["tt", "trangthai"],
        usage: "Cú pháp: /status <mã tin báo> <tiepnhan|xuly|bosung|chuyen|xong|tuchoi> [ghi chú]",
        about: "đổi trạng thái tin báo",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Note,
        aliases: &["ghichu"],
        usage: "Cú pháp: /note <mã tin báo> <nội dung>",
        about: "ghi chú nội bộ (người báo không thấy)",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Reply,
        aliases: &["traloi", "tl"],
        usage: "Cú pháp: /reply <mã tin báo> <nội dung>",
        about: "trả lời người báo tin",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Update,
        aliases: &["capnhat", "tiendo"],
        usage: "Cú pháp: /update <mã tin báo> <nội dung>",
        about: "báo tiến độ cho người báo (giữ nguyên trạng thái)",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::News,
        aliases: &["tin", "tintuc"],
        usage: "Cú pháp: /news <tiêu đề> | <nội dung>",
        about: "đăng tin tức",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Warn,
        aliases: &["canhbao"],
        usage: "Cú pháp: /warn <tiêu đề> | <nội dung>",
        about: "đăng cảnh báo",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Alert,
        aliases: &["thongbao", "bao"],
        usage: "Cú pháp: /alert <khu phố|all> <nội dung>",
        about: "gửi thông báo tới một khu phố hoặc tất cả",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Group,
        aliases: &["nhom"],
        usage: "Cú pháp: /group | /group say <khu phố> <nội dung> | /group create <khu phố> | /group link <khu phố> <group_id> [đường dẫn]",
        about: "nhóm Zalo khu phố: xem, gửi vào nhóm (Trưởng Công an phường tạo nhóm bằng /group create, nối nhóm có sẵn bằng /group link)",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Stats,
        aliases: &["thongke", "tk"],
        usage: "Cú pháp: /stats [số ngày, 1-365]",
        about: "thống kê (mặc định 30 ngày)",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::OnCall,
        aliases: &["truc"],
        usage: "Cú pháp: /oncall hoặc /oncall set <tên gọi> [<tên gọi>...]",
        about: "xem cán bộ đang trực",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Web,
        aliases: &["banlamviec"],
        usage: "Cú pháp: /web",
        about: "liên kết đăng nhập bàn làm việc trên web (dùng một lần, 10 phút)",
        role: Role::Officer,
    },
    Spec {
        name: CommandName::Assign,
        aliases: &["giao"],
        usage: "Cú pháp: /assign <mã tin báo> <tên gọi cán bộ>",
        about: "giao tin báo cho cán bộ",
        role: Role::Chief,
    },
    Spec {
        name: CommandName::Reveal,
        aliases: &["danhtinh"],
        usage: "Cú pháp: /reveal <mã tin báo> <lý do>",
        about: "xem danh tính người báo (ghi nhật ký)",
        role: Role::Chief,
    },
    Spec {
        name: CommandName::Officer,
        aliases: &["canbo"],
        usage: "Cú pháp: /officer list | invite [họ tên] [chief|officer] | add <zalo_id> <tên gọi> <chief|officer> <họ tên> | remove <tên gọi> | area <tên gọi> <khu phố>, <khu phố>... | alertall <tên gọi> on|off",
        about: "quản lý cán bộ",
        role: Role::Chief,
    },
];

/// The spec of a canonical command name.
fn spec(name: &str) -> &'static Spec {
    // Every name used below is in SPECS; fall back to `help` rather than panic.
    SPECS
        .iter()
        .find(|s| s.name.as_str() == name)
        .unwrap_or(&SPECS[0])
}

fn usage(name: &str) -> ParseError {
    let s = spec(name);
    ParseError::Usage {
        command: s.name.as_str(),
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
        .find(|s| s.name.as_str() == key || s.aliases.contains(&key))
}

/// Parses an officer's message knowing no khu phố names (each is one word). See the module
/// docs for the syntax.
pub fn parse(text: &str) -> Result<Command, ParseError> {
    parse_in(text, &[])
}

/// Parses an officer's message; `areas` are the station's khu phố, whose names and aliases
/// (spaces and all) are recognised where a command takes one.
pub fn parse_in(text: &str, areas: &[AreaSettings]) -> Result<Command, ParseError> {
    let text = nfc(text);
    let trimmed = text.trim_start();
    let (body, tapped) = match trimmed
        .strip_prefix('/')
        .or_else(|| trimmed.strip_prefix('／'))
    {
        Some(body) => (body, false),
        // A button's payload may come back as `#claim PA-…`: a command only if the word is one,
        // so anything else starting with `#` stays ordinary text.
        None => (
            trimmed.strip_prefix('#').ok_or(ParseError::NotACommand)?,
            true,
        ),
    };
    let words = Words::new(body);
    if tapped && lookup_command(&words.key(0)).is_none() {
        return Err(ParseError::NotACommand);
    }
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
        CommandName::Help => Ok(Command::Help),
        CommandName::Cases => cases::parse_cases(rest, areas),
        CommandName::Case => {
            let (code, _) = take_code(rest).ok_or_else(|| usage("case"))?;
            Ok(Command::Case { code })
        }
        CommandName::Claim => {
            let (code, _) = take_code(rest).ok_or_else(|| usage("claim"))?;
            Ok(Command::Claim { code })
        }
        CommandName::Assign => cases::parse_assign(rest),
        CommandName::Status => status::parse_status(rest),
        CommandName::Note => {
            let (code, text) = code_and_text(rest, "note")?;
            Ok(Command::Note { code, text })
        }
        CommandName::Reply => {
            let (code, text) = code_and_text(rest, "reply")?;
            Ok(Command::Reply { code, text })
        }
        CommandName::Update => {
            let (code, text) = code_and_text(rest, "update")?;
            Ok(Command::Update { code, text })
        }
        CommandName::Reveal => {
            let (code, reason) = code_and_text(rest, "reveal")?;
            Ok(Command::Reveal { code, reason })
        }
        CommandName::News => {
            let (title, text) = title_and_text(rest, "news")?;
            Ok(Command::News { title, text })
        }
        CommandName::Warn => {
            let (title, text) = title_and_text(rest, "warn")?;
            Ok(Command::Warn { title, text })
        }
        CommandName::Alert => publishing::parse_alert(rest, areas),
        CommandName::Group => groups::parse_group(rest, areas),
        CommandName::Stats => cases::parse_stats(rest),
        CommandName::OnCall => roster::parse_oncall(rest),
        CommandName::Officer => roster::parse_officer(rest, areas),
        CommandName::Web => Ok(Command::Web),
    }
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
    for s in SPECS.iter().filter(|s| s.role == Role::Officer) {
        if s.name == CommandName::OnCall {
            lines.push(format!("/oncall — {} (gõ tắt: /truc)", s.about));
        } else {
            lines.push(line(s));
        }
    }
    if chief {
        lines.push("Lệnh của trưởng công an:".to_string());
        lines.push(format!("{ONCALL_SET_HELP} (gõ tắt: /truc dat)"));
        lines.extend(SPECS.iter().filter(|s| s.role == Role::Chief).map(line));
    }
    lines.join("\n")
}
