//! `/status`: the status keywords officers type, one to three words, longest match first.

use super::words::{bounded_text, keyword, take_code, Words};
use super::{usage, Command, ParseError};
use crate::cases::Status;

pub(super) const STATUSES: &[(&str, Status)] = &[
    ("received", Status::Received),
    ("tiepnhan", Status::Received),
    ("datiepnhan", Status::Received),
    ("processing", Status::Processing),
    ("xuly", Status::Processing),
    ("dangxuly", Status::Processing),
    ("needinfo", Status::NeedInfo),
    ("bosung", Status::NeedInfo),
    ("canbosung", Status::NeedInfo),
    ("transferred", Status::Transferred),
    ("chuyen", Status::Transferred),
    ("dachuyen", Status::Transferred),
    ("resolved", Status::Resolved),
    ("xong", Status::Resolved),
    ("daxong", Status::Resolved),
    ("daxuly", Status::Resolved),
    ("xulyxong", Status::Resolved),
    ("giaiquyet", Status::Resolved),
    ("dagiaiquyet", Status::Resolved),
    ("hoanthanh", Status::Resolved),
    ("rejected", Status::Rejected),
    ("tuchoi", Status::Rejected),
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
    Ok(Command::Status { code, status, note })
}
