//! The case model: codes residents quote, categories, statuses and what a case records.

pub mod code;

use serde::{Deserialize, Serialize};

/// What a report is about. Five, so the choice fits Zalo's five buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Theft, burglary, snatching, robbery after the fact.
    Theft,
    /// Drugs or gambling.
    DrugsGambling,
    /// Scams and fraud, online or not.
    Scam,
    /// Fights, disorder, noise, illegal racing.
    Disorder,
    /// Anything else about security and public order.
    Other,
}

impl Category {
    /// Every category, in button order.
    pub const ALL: [Category; 5] = [
        Category::Theft,
        Category::DrugsGambling,
        Category::Scam,
        Category::Disorder,
        Category::Other,
    ];

    /// Stable id, stored and used in button payloads.
    pub fn id(self) -> &'static str {
        match self {
            Category::Theft => "theft",
            Category::DrugsGambling => "drugs_gambling",
            Category::Scam => "scam",
            Category::Disorder => "disorder",
            Category::Other => "other",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Guesses the category from folded text (no diacritics, lower case).
    pub fn guess(folded: &str) -> Option<Category> {
        const WORDS: &[(Category, &[&str])] = &[
            (
                Category::Scam,
                &[
                    "lua dao",
                    "lua tien",
                    "chiem doat",
                    "gia danh",
                    "link la",
                    "otp",
                    "chuyen khoan",
                    "scam",
                ],
            ),
            (
                Category::DrugsGambling,
                &[
                    "ma tuy", "chich", "hut", "bay lac", "co bac", "danh bac", "lo de", "ca do",
                    "xoc dia", "danh bai",
                ],
            ),
            (
                Category::Theft,
                &[
                    "trom", "cuop", "giat", "mat xe", "bi mat", "moc tui", "be khoa", "cay cua",
                ],
            ),
            (
                Category::Disorder,
                &[
                    "danh nhau",
                    "gay roi",
                    "on ao",
                    "hat karaoke",
                    "dua xe",
                    "boc dau",
                    "chui boi",
                    "say xin",
                    "hanh hung",
                    "am i",
                    "karaoke",
                ],
            ),
        ];
        WORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| folded.contains(w)))
            .map(|(c, _)| *c)
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received, nobody working on it yet.
    Received,
    /// An officer is working on it.
    Processing,
    /// The station needs more from the resident.
    NeedInfo,
    /// Sent to another agency.
    Transferred,
    /// Done.
    Resolved,
    /// Not something the police can act on.
    Rejected,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::Processing,
        Status::NeedInfo,
        Status::Transferred,
        Status::Resolved,
        Status::Rejected,
    ];

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Processing => "processing",
            Status::NeedInfo => "need_info",
            Status::Transferred => "transferred",
            Status::Resolved => "resolved",
            Status::Rejected => "rejected",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// A shared location or a typed place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Address or description as typed, or the location's label.
    pub text: Option<String>,
    /// Latitude, if a location was shared.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
}

/// A photo or file the resident sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// `image`, `file`, `video`, `audio`, `link`.
    pub kind: String,
    /// Where Zalo keeps it.
    pub url: String,
    /// File name, if any.
    pub name: Option<String>,
}

/// What a case records, sealed at rest as one JSON value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Details {
    /// The resident's account.
    pub description: String,
    /// When it happened, as the resident put it.
    pub when: Option<String>,
    /// Where.
    pub place: Option<Place>,
    /// Photos and files.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Whether the police may contact the resident.
    pub contact_ok: bool,
}

/// The pseudonym officers see, derived from the reporter's keyed hash: stable per resident,
/// meaningless outside the station.
pub fn pseudonym(reporter_key: &str) -> String {
    let tail: String = reporter_key
        .chars()
        .take(6)
        .collect::<String>()
        .to_uppercase();
    format!("Người báo #{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_and_guess() {
        for c in Category::ALL {
            assert_eq!(Category::from_id(c.id()), Some(c));
        }
        assert_eq!(
            Category::guess("nha toi bi trom xe may"),
            Some(Category::Theft)
        );
        assert_eq!(
            Category::guess("co nguoi ban ma tuy o hem"),
            Some(Category::DrugsGambling)
        );
        assert_eq!(
            Category::guess("bi lua dao chuyen khoan"),
            Some(Category::Scam)
        );
        assert_eq!(
            Category::guess("hang xom hat karaoke on ao"),
            Some(Category::Disorder)
        );
        assert_eq!(Category::guess("xin chao"), None);
        for s in Status::ALL {
            assert_eq!(Status::from_id(s.id()), Some(s));
        }
    }
}
