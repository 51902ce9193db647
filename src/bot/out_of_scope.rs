//! Questions that are not police business — land, birth registration, electricity, tax… — get
//! a short answer saying who handles them, from `config/out_of_scope.toml`, and the main menu.
//! Keywords are matched as whole words of the folded text ("so do" is not inside "so do thi").

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::cases::contains_words;

/// One topic of the catalogue.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Stable id.
    pub id: String,
    /// Short name.
    pub title: String,
    /// Folded phrases (lowercase, no diacritics) that name the topic.
    pub keywords: Vec<String>,
    /// The answer: who handles it.
    pub answer: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    topic: Vec<Topic>,
}

/// The loaded catalogue.
#[derive(Debug, Clone, Default)]
pub struct OutOfScope {
    topics: Vec<Topic>,
}

impl OutOfScope {
    /// Parses and checks the catalogue (every topic has keywords and an answer; keywords are
    /// already folded, so they can match).
    pub fn from_toml(text: &str) -> anyhow::Result<OutOfScope> {
        let text: String = text.nfc().collect();
        let file: File = toml::from_str(&text)?;
        for topic in &file.topic {
            anyhow::ensure!(
                !topic.keywords.is_empty() && !topic.answer.trim().is_empty(),
                "out_of_scope topic `{}` needs keywords and an answer",
                topic.id
            );
            for keyword in &topic.keywords {
                anyhow::ensure!(
                    crate::lang::fold(keyword) == *keyword,
                    "out_of_scope topic `{}`: keyword {keyword:?} must be lowercase without diacritics",
                    topic.id
                );
            }
        }
        Ok(OutOfScope { topics: file.topic })
    }

    /// Loads `out_of_scope.toml` from a config directory.
    pub fn load(config_dir: &Path) -> anyhow::Result<OutOfScope> {
        let path = config_dir.join("out_of_scope.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        Self::from_toml(&text)
    }

    /// The topic a message is about: the one whose longest matching keyword is longest.
    pub fn find(&self, text: &str) -> Option<&Topic> {
        let folded = crate::lang::fold(text);
        self.topics
            .iter()
            .filter_map(|topic| {
                topic
                    .keywords
                    .iter()
                    .filter(|k| contains_words(&folded, k))
                    .map(|k| k.split(' ').count())
                    .max()
                    .map(|len| (len, topic))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, topic)| topic)
    }

    /// Every topic, in file order.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> OutOfScope {
        OutOfScope::load(&crate::config::default_config_dir()).unwrap()
    }

    #[test]
    fn shipped_catalogue_loads_and_fits_a_message() {
        let catalogue = shipped();
        assert!(catalogue.topics().len() >= 15);
        for topic in catalogue.topics() {
            assert!(topic.answer.chars().count() <= 600, "{}", topic.id);
            assert!(
                !topic.answer.contains(" bạn "),
                "{}: address residents as anh/chị",
                topic.id
            );
        }
    }

    #[test]
    fn finds_who_handles_it() {
        let catalogue = shipped();
        for (text, id) in [
            ("cho hỏi làm sổ đỏ ở đâu", "dat-dai"),
            ("dang ky khai sinh cho con o dau vay", "khai-sinh"),
            ("nhà tôi bị cúp điện từ sáng", "dien"),
        ] {
            let topic = catalogue.find(text).map(|t| t.id.as_str());
            assert_eq!(topic, Some(id), "{text}");
        }
        assert!(catalogue.find("nhà tôi bị trộm xe máy").is_none());
    }

    #[test]
    fn bad_keywords_are_refused() {
        let bad =
            "[[topic]]\nid = \"x\"\ntitle = \"X\"\nkeywords = [\"Sổ đỏ\"]\nanswer = \"UBND\"\n";
        assert!(OutOfScope::from_toml(bad).is_err());
    }
}
