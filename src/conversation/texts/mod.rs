//! Reply texts, loaded from `config/messages.vi.toml` so wording changes need no code change.
//! [`template`] holds the typed entries the catalogue is moving to.

pub mod template;

use std::collections::HashMap;
use std::path::Path;

/// Keys the code uses; loading fails if any is missing, so a typo shows at start-up.
pub const REQUIRED_KEYS: &[&str] = &[
    "other",
    "clarify",
    "cancelled",
    "emergency",
    "page_on_call",
    "report_intro",
    "ask_category",
    "ask_description",
    "ask_when",
    "ask_where",
    "ask_evidence",
    "confirm",
    "report_created",
    "procedure_menu",
    "news_header",
    "news_empty",
    "status_line",
    "status_not_found",
    "status_none",
    "contact",
    "welcome",
    "menu_report",
    "menu_procedure",
    "menu_news",
    "menu_contact",
    "acknowledge",
    "acknowledge_media",
    "back_to_menu",
];

/// The loaded texts.
#[derive(Debug, Clone)]
pub struct Texts {
    map: HashMap<String, String>,
}

impl Texts {
    /// Parses and checks a messages file's content.
    pub fn from_toml(text: &str) -> anyhow::Result<Texts> {
        let map: HashMap<String, String> = toml::from_str(text)?;
        if let Some(missing) = REQUIRED_KEYS.iter().find(|k| !map.contains_key(**k)) {
            anyhow::bail!("messages file lacks the key `{missing}`");
        }
        let map = map
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    unicode_normalization::UnicodeNormalization::nfc(v.trim()).collect(),
                )
            })
            .collect();
        Ok(Texts { map })
    }

    /// Loads `messages.vi.toml` from a config directory.
    pub fn load(config_dir: &Path) -> anyhow::Result<Texts> {
        let path = config_dir.join("messages.vi.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        Self::from_toml(&text)
    }

    /// The text for `key`; a missing key falls back to the key itself (and a test checks
    /// that every key the code uses exists).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_owned();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Whether the file defines `key`.
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_messages_have_every_key_and_fit_zalo_limits() {
        let texts = Texts::load(&crate::config::default_config_dir()).unwrap();
        for key in REQUIRED_KEYS {
            let text = texts.get(key);
            assert!(!text.is_empty() && text.chars().count() <= 2000, "{key}");
        }
        assert!(texts.get("menu_report").chars().count() <= 100);
    }

    #[test]
    fn a_missing_key_is_named() {
        let err = Texts::from_toml("other = \"x\"").unwrap_err();
        assert!(err.to_string().contains("clarify"), "{err}");
    }
}
