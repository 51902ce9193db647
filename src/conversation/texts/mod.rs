//! The message catalogue: every text the bot sends, to residents and to officers, read from
//! `config/messages.vi.toml` so wording changes need no code change.
//!
//! The file is read into [`Texts`], one struct per `[section]` (the resident conversation's
//! parts, then `[officer]` and its sub-tables) and one field per text, with unknown keys denied:
//! a missing, misspelt or left-over key fails loading with an error naming it, at start-up. The
//! code names texts as fields (`texts.officer.claimed`, `texts.category[c]`), so a misspelt name
//! does not compile. Each entry is read NFC-normalised and trimmed and checked for what it may
//! contain — a template exactly the placeholders its type names, a button title Zalo's length —
//! in [`template`]; code fills a template with `render(&[("code", …)])`, by those same names.

mod group;
mod officer;
mod resident;
pub mod template;

use std::path::Path;

use serde::Deserialize;

pub use group::GroupTexts;
pub use officer::*;
pub use resident::*;
pub use template::{Label, Template, Text};

/// The catalogue, as the file's sections.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub menu: MenuTexts,
    pub clarify: ClarifyTexts,
    pub in_progress: InProgressTexts,
    pub emergency: EmergencyTexts,
    pub report: ReportTexts,
    pub category: CategoryTexts,
    pub scam: ScamTexts,
    pub procedures: ProceduresTexts,
    pub news: NewsTexts,
    pub case_status: CaseStatusTexts,
    pub status: StatusTexts,
    pub contact: ContactTexts,
    pub area: AreaTexts,
    pub relay: RelayTexts,
    pub need_info: NeedInfoTexts,
    pub officer: OfficerTexts,
    pub group: GroupTexts,
}

impl Texts {
    /// Parses and checks a messages file's content.
    pub fn from_toml(text: &str) -> anyhow::Result<Texts> {
        Ok(toml::from_str(text)?)
    }

    /// Loads `messages.vi.toml` from a config directory.
    pub fn load(config_dir: &Path) -> anyhow::Result<Texts> {
        let path = config_dir.join("messages.vi.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        Self::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zalo::messages::MAX_TEXT_CHARS;

    fn shipped() -> String {
        let path = crate::config::default_config_dir().join("messages.vi.toml");
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn the_shipped_file_loads_and_each_text_fits_one_message() {
        Texts::load(&crate::config::default_config_dir()).unwrap();
        // Longer texts would still go out, split; these are meant to be read as one.
        let table: toml::Table = toml::from_str(&shipped()).unwrap();
        let mut texts = Vec::new();
        let mut sections = vec![("", &table)];
        while let Some((_, section)) = sections.pop() {
            for (key, value) in section {
                match value {
                    toml::Value::Table(inner) => sections.push((key, inner)),
                    toml::Value::String(text) => texts.push((key.clone(), text.clone())),
                    other => panic!("`{key}` is not a text: {other}"),
                }
            }
        }
        assert!(texts.len() > 100, "{} texts", texts.len());
        for (key, text) in texts {
            assert!(text.chars().count() <= MAX_TEXT_CHARS, "{key}");
        }
    }

    #[test]
    fn a_missing_key_is_named() {
        let without = shipped().replace("\nclaimed = ", "\n# claimed = ");
        let err = Texts::from_toml(&without).unwrap_err().to_string();
        assert!(
            err.contains("[officer]") && err.contains("missing field `claimed`"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_key_is_named() {
        let misspelt = shipped().replace("\nclaimed = ", "\nclaimd = ");
        let err = Texts::from_toml(&misspelt).unwrap_err().to_string();
        assert!(err.contains("unknown field `claimd`"), "{err}");
        let extra = format!("{}\nacknowledge = \"Đã nhận.\"\n", shipped());
        let err = Texts::from_toml(&extra).unwrap_err().to_string();
        assert!(err.contains("unknown field `acknowledge`"), "{err}");
    }

    #[test]
    fn a_wrong_placeholder_is_named_with_its_key() {
        let typo = shipped().replace("nhận xử lý tin báo {code}", "nhận xử lý tin báo {cod}");
        let err = Texts::from_toml(&typo).unwrap_err().to_string();
        assert!(
            err.contains("claimed = ") && err.contains("unknown placeholder {cod}"),
            "{err}"
        );
    }
}
