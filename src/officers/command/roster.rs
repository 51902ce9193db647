//! `/oncall` and `/officer`: the on-call roster and the officers themselves.

use super::words::{area_words, handle, keyword, Words};
use super::{officer_usage, usage, Command, ParseError, Role, MAX_HANDLE, MAX_NAME};
use crate::config::AreaSettings;

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
    /// A one-time code a new officer sends to the OA to be registered, their Zalo id taken
    /// from that message.
    Invite {
        /// Display name, as typed (the console makes one up when it is not given).
        name: Option<String>,
        /// The new officer's role.
        role: Role,
    },
    /// Register an officer.
    Add {
        /// Zalo user id, as typed.
        zalo_id: String,
        /// Short name used in commands.
        handle: String,
        /// Display name, as typed.
        name: String,
        /// The new officer's role.
        role: Role,
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

pub(super) const ONCALL_SET_HELP: &str =
    "/oncall set <tên gọi> [<tên gọi>...] — đặt lại danh sách cán bộ trực";
pub(super) const OFFICER_ADD_USAGE: &str =
    "Cú pháp: /officer add <zalo_id> <tên gọi> <chief|officer> <họ tên>";
pub(super) const OFFICER_INVITE_USAGE: &str = "Cú pháp: /officer invite [họ tên] [chief|officer]";
pub(super) const OFFICER_REMOVE_USAGE: &str = "Cú pháp: /officer remove <tên gọi>";
pub(super) const OFFICER_AREA_USAGE: &str =
    "Cú pháp: /officer area <tên gọi> <khu phố>[, <khu phố>...]";
pub(super) const OFFICER_ALERT_ALL_USAGE: &str =
    "Cú pháp: /officer alertall <tên gọi> on|off (cho phép gửi /alert all)";

#[derive(Clone, Copy)]
pub(super) enum OnCallKey {
    Show,
    Set,
}

pub(super) const ONCALL_SUBS: &[(&str, OnCallKey)] = &[
    ("show", OnCallKey::Show),
    ("list", OnCallKey::Show),
    ("xem", OnCallKey::Show),
    ("ds", OnCallKey::Show),
    ("set", OnCallKey::Set),
    ("dat", OnCallKey::Set),
];

/// Handles separated by spaces and/or commas, deduplicated in order.
pub(super) fn handles(text: &str) -> Vec<String> {
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

pub(super) fn parse_oncall(rest: &str) -> Result<Command, ParseError> {
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
pub(super) enum OfficerKey {
    List,
    Invite,
    Add,
    Remove,
    Area,
    AlertAll,
}

/// On or off, as typed: English, Vietnamese with or without diacritics.
pub(super) const SWITCH: &[(&str, bool)] = &[
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

pub(super) const OFFICER_SUBS: &[(&str, OfficerKey)] = &[
    ("list", OfficerKey::List),
    ("ds", OfficerKey::List),
    ("danhsach", OfficerKey::List),
    ("xem", OfficerKey::List),
    ("invite", OfficerKey::Invite),
    ("moi", OfficerKey::Invite),
    ("loimoi", OfficerKey::Invite),
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

pub(super) const ROLES: &[(&str, Role)] = &[
    ("chief", Role::Chief),
    ("truong", Role::Chief),
    ("chihuy", Role::Chief),
    ("officer", Role::Officer),
    ("canbo", Role::Officer),
    ("cb", Role::Officer),
];

/// A handle fit to be stored: ASCII letters, digits, `_ - .`, at most MAX_HANDLE.
pub(super) fn new_handle(word: &str) -> Option<String> {
    handle(word).filter(|h| {
        h.len() <= MAX_HANDLE
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    })
}

pub(super) fn parse_officer(rest: &str, known: &[AreaSettings]) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    if words.is_empty() {
        return Ok(Command::Officer(OfficerAction::List));
    }
    let (sub, used) = keyword(&words, OFFICER_SUBS, 2).ok_or_else(|| usage("officer"))?;
    let args = Words::new(words.rest(used));
    let action = match sub {
        OfficerKey::List => OfficerAction::List,
        OfficerKey::Invite => parse_invite(&args)?,
        OfficerKey::Add => {
            let bad = || officer_usage(OFFICER_ADD_USAGE);
            let zalo_id = args.word(0);
            if zalo_id.is_empty() || !zalo_id.chars().all(|c| c.is_ascii_graphic() && c != '|') {
                return Err(bad());
            }
            let handle = new_handle(args.word(1)).ok_or_else(bad)?;
            let role = Words::new(args.rest(2));
            let (role_value, _) = keyword(&role, ROLES, 1).ok_or_else(bad)?;
            let name = role.rest(1);
            if !(1..=MAX_NAME).contains(&name.chars().count()) {
                return Err(bad());
            }
            OfficerAction::Add {
                zalo_id: zalo_id.to_string(),
                handle,
                name: name.to_string(),
                role: role_value,
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
                areas_in_a_row(&Words::new(list), known)
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

/// `/officer invite [họ tên] [role]`: the role may come first or last, the rest is the name.
fn parse_invite(args: &Words) -> Result<OfficerAction, ParseError> {
    let bad = || officer_usage(OFFICER_INVITE_USAGE);
    let last = args.len().saturating_sub(1);
    let (role, name) = match keyword(args, ROLES, 1) {
        Some((role, _)) => (role, args.rest(1)),
        None => match ROLES.iter().find(|(k, _)| *k == args.key(last)) {
            Some(&(_, role)) if !args.is_empty() => (role, args.span(0, last)),
            _ => (Role::Officer, args.rest(0)),
        },
    };
    if name.chars().count() > MAX_NAME {
        return Err(bad());
    }
    Ok(OfficerAction::Invite {
        name: (!name.is_empty()).then(|| name.to_string()),
        role,
    })
}

/// Khu phố written one after another without separators: each known name or alias as long as
/// it goes (`Khu phố 2 Khu phố 5`), an unknown one as [`area_words`] reads it.
fn areas_in_a_row(words: &Words, known: &[AreaSettings]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (area, used) = area_words(words, i, known);
        out.push(area);
        i += used;
    }
    out
}
