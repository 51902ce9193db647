//! The case model: codes residents quote, categories, statuses and what a case records.

pub mod code;

pub use code::CaseCode;

use serde::{Deserialize, Serialize};

use crate::ids::UserKey;

/// What a report is about. More than Zalo's five buttons: the bot infers the category from the
/// text when it is clear, and otherwise offers the likeliest few as buttons and the rest as a
/// numbered list that can be typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Theft, burglary, snatching, robbery after the fact.
    Theft,
    /// Drugs or gambling.
    DrugsGambling,
    /// Scams and fraud, online or not.
    Scam,
    /// Fights, public disorder, threats, vandalism, suspicious people.
    Disorder,
    /// A child, an elderly person or a relative missing.
    MissingPerson,
    /// Violence within a family.
    DomesticViolence,
    /// Epidemic-prevention violations (the station's Zalo also takes "phòng chống dịch" tips).
    Epidemic,
    /// Traffic accidents, illegal racing, reckless driving.
    Traffic,
    /// Black credit: usurious loans, debt collectors' harassment.
    LoanShark,
    /// Noise, pollution, encroachment on the pavement.
    Environment,
    /// A complaint about an officer or the station: seen by the chief only.
    Complaint,
    /// Anything else about security and public order.
    Other,
}

impl Category {
    /// Every category, in list order (the number a resident may type is the position + 1).
    pub const ALL: [Category; 12] = [
        Category::Theft,
        Category::Scam,
        Category::Disorder,
        Category::DrugsGambling,
        Category::DomesticViolence,
        Category::MissingPerson,
        Category::LoanShark,
        Category::Traffic,
        Category::Environment,
        Category::Epidemic,
        Category::Complaint,
        Category::Other,
    ];

    /// Stable id, stored and used in button payloads.
    pub fn id(self) -> &'static str {
        match self {
            Category::Theft => "theft",
            Category::DrugsGambling => "drugs_gambling",
            Category::Scam => "scam",
            Category::Disorder => "disorder",
            Category::MissingPerson => "missing_person",
            Category::DomesticViolence => "domestic_violence",
            Category::Epidemic => "epidemic",
            Category::Traffic => "traffic",
            Category::LoanShark => "loan_shark",
            Category::Environment => "environment",
            Category::Complaint => "complaint",
            Category::Other => "other",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Whether the case must reach the chief only (never the officer it may be about).
    pub fn chief_only(self) -> bool {
        self == Category::Complaint
    }

    /// Guesses the category from folded text (no diacritics, lower case) by whole-word cues
    /// that settle it on their own. `None` when no cue is present; the classifier's category
    /// model ([`crate::lang::Classifier::category`]) covers the rest.
    pub fn guess(folded: &str) -> Option<Category> {
        const CUES: &[(Category, &[&str])] = &[
            (
                Category::Complaint,
                &[
                    "can bo phuong",
                    "can bo cong an",
                    "thai do cua can bo",
                    "khieu nai can bo",
                    "to cao can bo",
                    "cong an phuong gay kho",
                    "hach sach",
                    "nhung nhieu",
                    "doi boi duong",
                    "doi tien boi duong",
                    "can bo doi tien",
                    "khong tiep dan",
                ],
            ),
            (
                Category::DomesticViolence,
                &[
                    "bao luc gia dinh",
                    "chong danh",
                    "chong toi danh",
                    "chong em danh",
                    "ck danh",
                    "bo danh con",
                    "danh vo",
                    "danh con",
                    "bao hanh",
                ],
            ),
            (
                Category::MissingPerson,
                &[
                    "mat tich",
                    "di lac",
                    "bi lac",
                    "lac mat",
                    "lac con",
                    "bo nha di",
                    "khong ve nha",
                    "di dau mat",
                    "khong lien lac duoc",
                ],
            ),
            (
                Category::LoanShark,
                &[
                    "tin dung den",
                    "vay nang lai",
                    "cho vay nang lai",
                    "doi no",
                    "doi no thue",
                    "lai ngay",
                    "app vay",
                    "vay online",
                    "khung bo doi no",
                    "tat son",
                    "nem chat ban",
                ],
            ),
            (
                Category::Scam,
                &[
                    "lua dao",
                    "lua tien",
                    "chiem doat",
                    "gia danh",
                    "link la",
                    "otp",
                    "tai khoan tam giu",
                    "scam",
                    "bi lua",
                    "lua dao online",
                ],
            ),
            (
                Category::Epidemic,
                &[
                    "cach ly",
                    "phong chong dich",
                    "dich benh",
                    "covid",
                    "khai bao y te",
                    "o dich",
                    "sot xuat huyet",
                ],
            ),
            (
                Category::DrugsGambling,
                &[
                    "ma tuy",
                    "chich",
                    "tiem chich",
                    "hut chich",
                    "bay lac",
                    "co bac",
                    "danh bac",
                    "lo de",
                    "ca do",
                    "xoc dia",
                    "danh bai",
                    "da ga",
                    "ke da",
                    "thuoc lac",
                    "can sa",
                    "bong cuoi",
                ],
            ),
            (
                Category::Traffic,
                &[
                    "dua xe",
                    "boc dau",
                    "lang lach",
                    "tai nan",
                    "dam xe",
                    "tong xe",
                    "bao dem",
                    "no po",
                    "xe chay au",
                ],
            ),
            (
                Category::Theft,
                &[
                    "trom",
                    "cuop",
                    "bi giat",
                    "giat dien thoai",
                    "giat tui",
                    "cuop giat",
                    "mat xe",
                    "moc tui",
                    "be khoa",
                    "cay cua",
                    "dot nhap",
                    "lay mat",
                ],
            ),
            (
                Category::Environment,
                &[
                    "tieng on",
                    "on ao",
                    "karaoke",
                    "hat karaoke",
                    "loa keo",
                    "loa keo keo",
                    "xa rac",
                    "dot rac",
                    "xa thai",
                    "lan chiem",
                    "via he",
                    "boc mui",
                    "on qua",
                ],
            ),
            (
                Category::Disorder,
                &[
                    "danh nhau",
                    "gay roi",
                    "chui boi",
                    "say xin",
                    "hanh hung",
                    "quay pha",
                    "tu tap",
                    "doa giet",
                    "de doa",
                    "dap pha",
                    "bao ke",
                    "khong ngu duoc",
                ],
            ),
        ];
        CUES.iter()
            .find(|(_, cues)| cues.iter().any(|cue| contains_words(folded, cue)))
            .map(|(c, _)| *c)
    }
}

/// Whether `phrase` occurs in `folded` as whole words ("hut" is not in "phut").
pub fn contains_words(folded: &str, phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split(' ').collect();
    let text: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    !words.is_empty() && text.windows(words.len()).any(|w| w == words.as_slice())
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

    /// Still being worked on: received, processing or waiting for the resident. The others
    /// (resolved, rejected, transferred) close the case: its relay ends and lists leave it out.
    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// The statuses of a case still being worked on.
    pub const OPEN: [Status; 3] = [Status::Received, Status::Processing, Status::NeedInfo];
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

impl Place {
    /// A place typed as text.
    pub fn typed(text: String) -> Place {
        Place {
            text: Some(text),
            latitude: None,
            longitude: None,
        }
    }

    /// A map link for a shared location.
    pub fn map_link(&self) -> Option<String> {
        match (self.latitude, self.longitude) {
            (Some(lat), Some(lon)) => Some(format!("https://maps.google.com/?q={lat},{lon}")),
            _ => None,
        }
    }
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
pub fn pseudonym(reporter_key: &UserKey) -> String {
    let tail: String = reporter_key
        .as_str()
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
            Some(Category::Environment)
        );
        assert_eq!(
            Category::guess("bi giat dien thoai cach day 10 phut"),
            Some(Category::Theft),
            "phút is not hút"
        );
        assert_eq!(
            Category::guess("chong toi danh toi bam dap"),
            Some(Category::DomesticViolence)
        );
        assert_eq!(Category::guess("xin chao"), None);
        for s in Status::ALL {
            assert_eq!(Status::from_id(s.id()), Some(s));
        }
        let open: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(
            open,
            [Status::Received, Status::Processing, Status::NeedInfo]
        );
    }
}
