//! `/cases`, `/assign` and `/stats`: which cases to list, who gets one, over how many days.

use super::words::{handle, keyword, take_code, Words};
use super::{usage, Command, ParseError, DEFAULT_DAYS, MAX_DAYS};
use crate::lang::fold;

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

#[derive(Clone, Copy)]
pub(super) enum FilterKey {
    New,
    Mine,
    Open,
    Urgent,
    Area,
}

pub(super) const FILTERS: &[(&str, FilterKey)] = &[
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

pub(super) fn parse_cases(rest: &str) -> Result<Command, ParseError> {
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

pub(super) fn is_glued_area(key: &str) -> bool {
    key.strip_prefix("kp")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub(super) fn parse_assign(rest: &str) -> Result<Command, ParseError> {
    let (code, after) = take_code(rest).ok_or_else(|| usage("assign"))?;
    let words = Words::new(after);
    // "/giao PA-… cho an": skip the Vietnamese "to".
    let skip = usize::from(words.len() >= 2 && words.key(0) == "cho");
    let officer = handle(words.word(skip)).ok_or_else(|| usage("assign"))?;
    Ok(Command::Assign { code, officer })
}

pub(super) fn parse_stats(rest: &str) -> Result<Command, ParseError> {
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
