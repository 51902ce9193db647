//! The labels the classifier chooses from: what the resident wants ([`Intent`]) and which
//! procedure a question is about ([`PROCEDURE_IDS`]). A leaf: the classifier and its rules
//! both use it.

use std::str::FromStr;

/// What the resident wants; drives which flow of the bot answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    Report,
    Emergency,
    Procedure,
    News,
    CaseStatus,
    Greeting,
    Contact,
    Other,
}

impl Intent {
    /// In model-class order (index = class id).
    pub const ALL: [Intent; 8] = [
        Intent::Report,
        Intent::Emergency,
        Intent::Procedure,
        Intent::News,
        Intent::CaseStatus,
        Intent::Greeting,
        Intent::Contact,
        Intent::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Intent::Report => "report",
            Intent::Emergency => "emergency",
            Intent::Procedure => "procedure",
            Intent::News => "news",
            Intent::CaseStatus => "case_status",
            Intent::Greeting => "greeting",
            Intent::Contact => "contact",
            Intent::Other => "other",
        }
    }

    /// Position in [`Intent::ALL`].
    pub fn index(&self) -> usize {
        *self as usize
    }
}

impl FromStr for Intent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .iter()
            .copied()
            .find(|i| i.as_str() == s.trim())
            .ok_or_else(|| format!("unknown intent {s:?}"))
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every procedure id of docs/PROCEDURES.md §7, in that order, then `ho-chieu` (passports:
/// police business, though not the ward's; see `config/procedures.toml`).
/// `to-giac-tin-bao` is listed for completeness, but "how do I denounce"
/// messages are classified as [`Intent::Report`], never as this procedure.
pub const PROCEDURE_IDS: &[&str] = &[
    "thuong-tru",
    "tam-tru",
    "gia-han-tam-tru",
    "xoa-thuong-tru",
    "xoa-tam-tru",
    "tach-ho",
    "dieu-chinh-cu-tru",
    "khai-bao-cu-tru",
    "luu-tru",
    "tam-vang",
    "xac-nhan-cu-tru",
    "tam-tru-nguoi-nuoc-ngoai",
    "can-cuoc",
    "dieu-chinh-csdl-dan-cu",
    "xac-nhan-cmnd",
    "dinh-danh-dien-tu",
    "dang-ky-xe",
    "sang-ten-xe",
    "thu-hoi-dang-ky-xe",
    "doi-cap-lai-dang-ky-xe",
    "doi-gplx",
    "mat-giay-to",
    "giao-nop-vu-khi",
    "khai-bao-vu-khi-tho-so",
    "ly-lich-tu-phap",
    "anninh-trat-tu-kinh-doanh",
    "to-giac-tin-bao",
    "ho-chieu",
];
