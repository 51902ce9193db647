//! `/cases`, `/assign` and `/stats`: which cases to list (and which page), who gets one, over
//! how many days.

use super::words::{area_words, handle, keyword, known_area, take_code, Words};
use super::{usage, Command, ParseError, DEFAULT_DAYS, MAX_DAYS};
use crate::config::AreaSettings;
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
    /// Every case, closed ones too.
    All,
    /// In this khu phố: its configured name, or as typed when it names none.
    Area(String),
}

impl CaseFilter {
    /// The `/cases` command that lists this page of these cases, as officers can type it back
    /// (the list's "more" line names the next page this way).
    pub fn command(&self, page: u32) -> String {
        let filter = match self {
            CaseFilter::New => "new ",
            CaseFilter::Mine => "mine ",
            CaseFilter::Open => "",
            CaseFilter::Urgent => "urgent ",
            CaseFilter::All => "all ",
            CaseFilter::Area(area) => return format!("/cases kp {area} {page}"),
        };
        format!("/cases {filter}{page}")
    }
}

#[derive(Clone, Copy)]
pub(super) enum FilterKey {
    New,
    Mine,
    Open,
    Urgent,
    All,
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
    ("all", FilterKey::All),
    ("tatca", FilterKey::All),
    ("area", FilterKey::Area),
    ("kp", FilterKey::Area),
    ("khuvuc", FilterKey::Area),
];

pub(super) fn parse_cases(rest: &str, areas: &[AreaSettings]) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    let is_page = |word: &str| word.parse::<u32>().is_ok_and(|p| p >= 1);
    // A khu phố named at once (`kp 3`, `Khu phố 3`) or after the filter word (`kp Khu phố 3`).
    let (filter, used) = match known_area(&words, 0, areas) {
        Some((name, n)) => (CaseFilter::Area(name), n),
        None => match keyword(&words, FILTERS, 2) {
            Some((FilterKey::New, n)) => (CaseFilter::New, n),
            Some((FilterKey::Mine, n)) => (CaseFilter::Mine, n),
            Some((FilterKey::Open, n)) => (CaseFilter::Open, n),
            Some((FilterKey::Urgent, n)) => (CaseFilter::Urgent, n),
            Some((FilterKey::All, n)) => (CaseFilter::All, n),
            Some((FilterKey::Area, n)) => match known_area(&words, n, areas) {
                Some((name, m)) => (CaseFilter::Area(name), n + m),
                // A khu phố the station does not list, as typed: "Khu phố 30" with its number,
                // anything else up to a page number.
                None => {
                    let last = words.len().saturating_sub(1);
                    let (_, guessed) = area_words(&words, n, areas);
                    let end = if guessed > 1 {
                        n + guessed
                    } else if last > n && is_page(words.word(last)) {
                        last
                    } else {
                        words.len()
                    };
                    if end == n {
                        return Err(usage("cases"));
                    }
                    (CaseFilter::Area(words.span(n, end).to_string()), end)
                }
            },
            // `kp2`, `KP12`: the khu phố glued to its prefix.
            None if is_glued_area(&words.key(0)) => {
                (CaseFilter::Area(words.word(0).to_string()), 1)
            }
            // No filter: only a page number may follow.
            None => (CaseFilter::Open, 0),
        },
    };
    let page = match words.len() - used {
        0 => 1,
        1 if is_page(words.word(used)) => words.word(used).parse().unwrap_or(1),
        _ => return Err(usage("cases")),
    };
    Ok(Command::Cases { filter, page })
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
