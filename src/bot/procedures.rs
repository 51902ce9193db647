//! Administrative-procedure catalogue: loads `config/procedures.toml`, validates it once at
//! start-up, and renders the answer a resident receives as Zalo-sized message parts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::conversation::text::{split_message, truncate_title};

/// Zalo's limit for one customer-service text message.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Zalo's limit for a button title.
pub const MAX_TITLE_CHARS: usize = 100;
/// The first answer a phone shows: title, summary and date fit in this many characters.
pub const MAX_SUMMARY_CHARS: usize = 600;

/// Appended to every answer: scammers pose as ward police asking for exactly these things.
pub const SCAM_WARNING: &str = "⚠️ CẢNH GIÁC LỪA ĐẢO: Công an không bao giờ yêu cầu cung cấp \
số căn cước, số định danh, mã OTP hay chuyển tiền qua tin nhắn, Zalo hoặc điện thoại. \
Gặp trường hợp như vậy, đừng làm theo và báo ngay cho Công an phường hoặc gọi 113.";

/// One procedure as written in the catalogue file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Stable id from the fact sheet's final list, e.g. `thuong-tru`.
    pub id: String,
    /// Full Vietnamese name of the procedure.
    pub title: String,
    /// Button label (≤ 100 chars); filled from `title` at load time when absent.
    #[serde(default)]
    pub short_title: Option<String>,
    /// What most people need, for the first message (≤ [`MAX_SUMMARY_CHARS`] with the title):
    /// where, what to bring, fee, how long, online or not. The rest is behind "Xem chi tiết".
    pub summary: String,
    /// Codes on dichvucong.gov.vn (mã thủ tục); empty when there is no single record.
    #[serde(default)]
    pub portal_codes: Vec<String>,
    /// Who handles it, stated plainly when it is not the ward police.
    pub handled_by: String,
    /// Papers to bring or file, with form codes (CT01, DC02, TK01…).
    pub documents: Vec<String>,
    /// Fee, including online and exemption remarks.
    pub fee: String,
    /// Legal processing time.
    pub processing_time: String,
    /// Where and how to apply (office, VNeID, portals). Written `where` in the file.
    #[serde(rename = "where")]
    pub where_to_apply: Vec<String>,
    /// Laws, decrees and circulars the answer rests on.
    pub legal_basis: Vec<String>,
    /// Day the entry was last checked against its sources, `YYYY-MM-DD`.
    pub last_verified: String,
    /// Extra advice shown under "Lưu ý".
    #[serde(default)]
    pub notes: Vec<String>,
    /// Phrases residents might type, with and without diacritics, for matching.
    pub keywords: Vec<String>,
}

/// Why a catalogue could not be loaded; messages name the file, procedure and field.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("cannot read procedure catalogue {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("procedure catalogue is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("procedure catalogue has no [[procedure]] entries")]
    Empty,
    #[error("procedure id `{0}` must be non-empty lowercase ASCII letters, digits and '-'")]
    BadId(String),
    #[error("duplicate procedure id `{0}`")]
    DuplicateId(String),
    #[error("procedure `{id}`: `{field}` must not be empty")]
    EmptyField { id: String, field: &'static str },
    #[error("procedure `{id}`: last_verified `{value}` is not a YYYY-MM-DD date")]
    BadDate { id: String, value: String },
    #[error("procedure `{id}`: short_title is longer than {MAX_TITLE_CHARS} characters")]
    TitleTooLong { id: String },
    #[error("procedure `{id}`: the first answer has {chars} characters, more than {MAX_SUMMARY_CHARS}; shorten `summary`")]
    SummaryTooLong { id: String, chars: usize },
}

/// The validated list of procedures, in file order, with look-up by id.
#[derive(Debug, Clone)]
pub struct Catalogue {
    procedures: Vec<Procedure>,
    by_id: HashMap<String, usize>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    procedure: Vec<Procedure>,
}

impl Catalogue {
    /// Parse and validate catalogue text (unique ids, required fields, dates).
    pub fn from_toml(text: &str) -> Result<Catalogue, CatalogueError> {
        // NFC once here so every string rendered or matched later is already normalised.
        let text: String = text.nfc().collect();
        let file: CatalogueFile = toml::from_str(&text)?;
        if file.procedure.is_empty() {
            return Err(CatalogueError::Empty);
        }
        let mut by_id = HashMap::new();
        let mut procedures = Vec::with_capacity(file.procedure.len());
        for mut p in file.procedure {
            p.validate()?;
            if by_id.insert(p.id.clone(), procedures.len()).is_some() {
                return Err(CatalogueError::DuplicateId(p.id));
            }
            let label = (p.short_title.take())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| p.title.clone());
            p.short_title = Some(truncate_title(&label, MAX_TITLE_CHARS));
            procedures.push(p);
        }
        Ok(Catalogue { procedures, by_id })
    }

    /// Read and validate the catalogue file at `path`.
    pub fn load(path: &Path) -> Result<Catalogue, CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Io {
            path: path.to_owned(),
            source,
        })?;
        Catalogue::from_toml(&text)
    }

    /// The procedure with this id, if any.
    pub fn get(&self, id: &str) -> Option<&Procedure> {
        self.by_id.get(id).map(|&i| &self.procedures[i])
    }

    /// All ids, in file order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.procedures.iter().map(|p| p.id.as_str())
    }

    /// All procedures, in file order.
    pub fn all(&self) -> &[Procedure] {
        &self.procedures
    }
}

impl Procedure {
    fn validate(&self) -> Result<(), CatalogueError> {
        let id = self.id.clone();
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(CatalogueError::BadId(id));
        }
        let blank = |s: &String| s.trim().is_empty();
        let texts = [
            ("title", &self.title),
            ("summary", &self.summary),
            ("handled_by", &self.handled_by),
            ("fee", &self.fee),
            ("processing_time", &self.processing_time),
            ("last_verified", &self.last_verified),
        ];
        // Required lists need items; no list may hold a blank item (it would render as an
        // empty bullet).
        let lists = [
            ("documents", &self.documents, true),
            ("where", &self.where_to_apply, true),
            ("legal_basis", &self.legal_basis, true),
            ("keywords", &self.keywords, true),
            ("notes", &self.notes, false),
            ("portal_codes", &self.portal_codes, false),
        ];
        let empty_text = texts.iter().find(|(_, v)| blank(v)).map(|(f, _)| *f);
        let empty_list = lists
            .iter()
            .find(|(_, v, required)| (*required && v.is_empty()) || v.iter().any(blank))
            .map(|(f, _, _)| *f);
        if let Some(field) = empty_text.or(empty_list) {
            return Err(CatalogueError::EmptyField { id, field });
        }
        if parse_date(&self.last_verified).is_none() {
            let value = self.last_verified.clone();
            return Err(CatalogueError::BadDate { id, value });
        }
        let too_long = self
            .short_title
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_TITLE_CHARS);
        if too_long {
            return Err(CatalogueError::TitleTooLong { id });
        }
        let chars = self.render_summary().chars().count();
        if chars > MAX_SUMMARY_CHARS {
            return Err(CatalogueError::SummaryTooLong { id, chars });
        }
        Ok(())
    }

    /// The first answer: the title, what most people need, and the date it was checked.
    pub fn render_summary(&self) -> String {
        format!(
            "{}\n{}\n🗓 Cập nhật: {}",
            self.title.to_uppercase(),
            self.summary.trim(),
            self.verified_vi()
        )
    }

    /// The detailed answer ("Xem chi tiết"): title, who handles it, documents (with form codes),
    /// fee, time, where/online, notes, legal basis, "Cập nhật lần cuối: dd/mm/yyyy", and
    /// always the anti-scam warning. Parts are ≤ 2000 chars, split at paragraph/line
    /// boundaries, never mid-word.
    pub fn render(&self) -> Vec<String> {
        let mut sections = vec![self.title.to_uppercase()];
        if !self.portal_codes.is_empty() {
            sections[0].push_str(&format!("\nMã thủ tục: {}", self.portal_codes.join(", ")));
        }
        sections.push(format!("👮 Cơ quan giải quyết:\n{}", self.handled_by));
        sections.push(bullets("📄 Giấy tờ cần chuẩn bị:", &self.documents));
        sections.push(format!("💰 Lệ phí: {}", self.fee));
        sections.push(format!("⏱ Thời hạn giải quyết: {}", self.processing_time));
        sections.push(bullets(
            "📍 Nộp ở đâu, bằng cách nào:",
            &self.where_to_apply,
        ));
        if !self.notes.is_empty() {
            sections.push(bullets("📝 Lưu ý:", &self.notes));
        }
        sections.push(bullets("⚖️ Căn cứ pháp lý:", &self.legal_basis));
        sections.push(format!(
            "🗓 Cập nhật lần cuối: {}. Quy định có thể thay đổi; trước khi đi, \
             anh/chị nên kiểm tra lại trên dichvucong.gov.vn hoặc hỏi Công an phường.",
            self.verified_vi()
        ));
        sections.push(SCAM_WARNING.to_owned());
        split_message(&sections.join("\n\n"), MAX_MESSAGE_CHARS)
    }

    /// Label for a button, at most 100 characters.
    pub fn short_title(&self) -> &str {
        // Always set by `Catalogue::from_toml`; the fallback only matters for hand-built values.
        self.short_title.as_deref().unwrap_or(&self.title)
    }

    /// `last_verified` as residents read dates (dd/mm/yyyy).
    fn verified_vi(&self) -> String {
        match parse_date(&self.last_verified) {
            Some((y, m, d)) => format!("{d:02}/{m:02}/{y:04}"),
            None => self.last_verified.clone(),
        }
    }
}

fn bullets(heading: &str, items: &[String]) -> String {
    let mut out = heading.to_owned();
    for item in items {
        out.push_str("\n• ");
        out.push_str(item.trim());
    }
    out
}

/// Strict `YYYY-MM-DD` with a real calendar day, so a typo like 2026-02-30 is caught at load.
fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let (y, m, d) = (
        s[..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..].parse().ok()?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 2000 && (1..=days).contains(&d)).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id of docs/PROCEDURES.md §7 "Final ID list" (the classifier's list); the shipped
    /// file must match exactly.
    const FACT_SHEET_IDS: &[&str] = crate::lang::PROCEDURE_IDS;

    /// The shipped file; `KETNOI_PROCEDURES` overrides the path (e.g. from a scratch crate).
    fn shipped() -> Catalogue {
        let path = std::env::var("KETNOI_PROCEDURES").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/config/procedures.toml").to_owned()
        });
        Catalogue::load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"))
    }

    fn entry(id: &str, date: &str) -> String {
        format!(
            r#"
[[procedure]]
id = "{id}"
title = "Thủ tục thử"
summary = "📍 Công an phường."
handled_by = "Công an phường"
documents = ["Tờ khai CT01"]
fee = "Miễn phí."
processing_time = "1 ngày làm việc."
where = ["Trực tiếp tại Công an phường."]
legal_basis = ["Luật Cư trú"]
last_verified = "{date}"
keywords = ["thu tuc"]
"#
        )
    }

    #[test]
    fn shipped_catalogue_has_exactly_the_fact_sheet_ids() {
        let catalogue = shipped();
        let mut ids: Vec<&str> = catalogue.ids().collect();
        ids.sort_unstable();
        let mut expected = FACT_SHEET_IDS.to_vec();
        expected.sort_unstable();
        assert_eq!(ids, expected);
        assert_eq!(catalogue.all().len(), 28);
        assert_eq!(catalogue.get("tam-tru").unwrap().title, "Đăng ký tạm trú");
        assert!(catalogue.get("khong-co").is_none());
    }

    #[test]
    fn every_answer_fits_zalo_and_carries_date_basis_and_warning() {
        for p in shipped().all() {
            let parts = p.render();
            assert!(!parts.is_empty(), "{}", p.id);
            for part in &parts {
                let len = part.chars().count();
                assert!(
                    len > 0 && len <= MAX_MESSAGE_CHARS,
                    "{}: part of {len}",
                    p.id
                );
                assert_eq!(*part, part.nfc().collect::<String>(), "{} not NFC", p.id);
            }
            assert!(parts.last().unwrap().ends_with(SCAM_WARNING), "{}", p.id);
            let answer = parts.join("\n");
            let date = format!("Cập nhật lần cuối: {}", p.verified_vi());
            assert!(date.contains('/') && answer.contains(&date), "{}", p.id);
            for law in &p.legal_basis {
                assert!(answer.contains(law.as_str()), "{}: {law}", p.id);
            }
            for doc in &p.documents {
                assert!(answer.contains(doc.as_str()), "{}: {doc}", p.id);
            }
        }
    }

    #[test]
    fn shipped_entries_are_button_ready_and_matchable() {
        for p in shipped().all() {
            let short = p.short_title();
            assert!(!short.is_empty() && short.chars().count() <= MAX_TITLE_CHARS);
            // Residents type both ways; keep at least one keyword of each kind.
            assert!(
                p.keywords.iter().any(|k| k.is_ascii()),
                "{}: no plain keyword",
                p.id
            );
            assert!(
                p.keywords.iter().any(|k| !k.is_ascii()),
                "{}: no accented one",
                p.id
            );
        }
    }

    #[test]
    fn judicial_record_says_plainly_who_issues_it() {
        let catalogue = shipped();
        let lltp = catalogue.get("ly-lich-tu-phap").unwrap();
        assert!(lltp.handled_by.contains("Công an phường KHÔNG cấp"));
        assert!(lltp.handled_by.contains("Công an tỉnh"));
        assert!(lltp.render()[0].contains("Cục Hồ sơ nghiệp vụ"));
    }

    #[test]
    fn long_entries_split_at_line_boundaries() {
        let doc = format!("\"{}\"", "Giấy tờ chứng minh chỗ ở hợp pháp. ".repeat(6));
        let docs = vec![doc.as_str(); 30].join(", ");
        let text = entry("dai", "2026-07-01").replace(r#"["Tờ khai CT01"]"#, &format!("[{docs}]"));
        let catalogue = Catalogue::from_toml(&text).unwrap();
        let p = &catalogue.all()[0];
        let parts = p.render();
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(part.chars().count() <= MAX_MESSAGE_CHARS);
            // Every document bullet arrives whole: no part starts or ends inside one.
            let doc_lines = part.lines().filter(|l| l.starts_with("• Giấy tờ"));
            assert!(doc_lines
                .into_iter()
                .all(|l| l[4..] == *p.documents[0].trim()));
        }
        assert!(parts.last().unwrap().contains(SCAM_WARNING));
    }

    #[test]
    fn short_title_falls_back_to_a_truncated_title() {
        let long = "Khai báo thông tin về cư trú ".repeat(5);
        let text = entry("dai", "2026-07-01").replace("Thủ tục thử", &long);
        let catalogue = Catalogue::from_toml(&text).unwrap();
        let short = catalogue.all()[0].short_title();
        assert!(short.ends_with('…') && short.chars().count() <= MAX_TITLE_CHARS);
    }

    #[test]
    fn decomposed_input_is_stored_as_nfc() {
        // Files edited on macOS can arrive in NFD; matching and rendering expect NFC.
        let nfd: String = entry("a", "2026-07-01").nfd().collect();
        let catalogue = Catalogue::from_toml(&nfd).unwrap();
        assert_eq!(catalogue.all()[0].title, "Thủ tục thử");
        assert!(catalogue.all()[0].render()[0].starts_with("THỦ TỤC THỬ"));
    }

    #[test]
    fn invalid_toml_is_rejected() {
        let err = Catalogue::from_toml("[[procedure]\nid = ").unwrap_err();
        assert!(matches!(err, CatalogueError::Toml(_)));
        assert!(err
            .to_string()
            .starts_with("procedure catalogue is not valid TOML"));
        // A misspelt field is an error, not silently dropped content.
        let typo = entry("a", "2026-07-01").replace("fee =", "fees =");
        assert!(matches!(
            Catalogue::from_toml(&typo),
            Err(CatalogueError::Toml(_))
        ));
        assert!(matches!(
            Catalogue::from_toml(""),
            Err(CatalogueError::Empty)
        ));
    }

    #[test]
    fn duplicate_id_is_rejected() {
        let text = entry("tam-tru", "2026-07-01") + &entry("tam-tru", "2026-07-01");
        let err = Catalogue::from_toml(&text).unwrap_err();
        assert_eq!(err.to_string(), "duplicate procedure id `tam-tru`");
    }

    #[test]
    fn bad_dates_are_rejected() {
        for bad in [
            "01/07/2026",
            "2026-13-01",
            "2026-02-30",
            "2026-7-1",
            "",
            "2026-07-01x",
        ] {
            let err = Catalogue::from_toml(&entry("a", bad)).unwrap_err();
            assert!(
                matches!(
                    err,
                    CatalogueError::BadDate { .. } | CatalogueError::EmptyField { .. }
                ),
                "{bad}: {err}"
            );
        }
        let err = Catalogue::from_toml(&entry("a", "2026-02-30")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "procedure `a`: last_verified `2026-02-30` is not a YYYY-MM-DD date"
        );
        assert!(Catalogue::from_toml(&entry("a", "2028-02-29")).is_ok());
    }

    #[test]
    fn empty_fields_and_bad_ids_are_rejected() {
        let text = entry("a", "2026-07-01").replace(r#"["Tờ khai CT01"]"#, "[]");
        let err = Catalogue::from_toml(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "procedure `a`: `documents` must not be empty"
        );
        let text = entry("a", "2026-07-01").replace(r#"fee = "Miễn phí.""#, r#"fee = "  ""#);
        assert!(matches!(
            Catalogue::from_toml(&text),
            Err(CatalogueError::EmptyField { field: "fee", .. })
        ));
        assert!(matches!(
            Catalogue::from_toml(&entry("Tam Tru", "2026-07-01")),
            Err(CatalogueError::BadId(_))
        ));
    }

    #[test]
    fn missing_file_error_names_the_path() {
        let err = Catalogue::load(Path::new("/nonexistent/procedures.toml")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/procedures.toml"));
    }
}
