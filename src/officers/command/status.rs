//! `/status`: the status keywords officers type, one to three words, longest match first.

use super::words::{bounded_text, keyword, take_code, Words};
use super::{usage, Command, ParseError};

pub(super) const STATUSES: &[(&str, &str)] = &[
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

pub(super) fn parse_status(rest: &str) -> Result<Command, ParseError> {
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
