//! The resident's khu phố: asked once with buttons after the welcome (skippable, changeable
//! from Contact), stored, and applied as a Zalo tag so the station can use it in Zalo's tools.

use super::dialogue::{stored, Dialogue};
use super::payload::Payload;
use super::{ApiCall, Bot, Reply, Turn};
use crate::config::AreaSettings;
use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};

/// The configured khu phố a text names, by name or alias, with or without diacritics, inside a
/// sentence ("công an khu phố 2") or as one word ("kp2"). Used by residents' messages and
/// officers' commands alike.
pub fn area_named(areas: &[AreaSettings], text: &str) -> Option<String> {
    area_position(areas, text).map(|i| areas[i].name.clone())
}

/// Position in `areas` of the khu phố a text names (see [`area_named`]).
pub fn area_position(areas: &[AreaSettings], text: &str) -> Option<usize> {
    let folded = format!(" {} ", canonical(&super::lang::fold(text)));
    let compact = folded.replace(' ', "");
    areas.iter().position(|area| {
        std::iter::once(&area.name)
            .chain(&area.aliases)
            .any(|alias| {
                let alias = canonical(&super::lang::fold(alias));
                !alias.is_empty()
                    && (folded.contains(&format!(" {alias} ")) || compact == alias.replace(' ', ""))
            })
    })
}

/// One spelling for the usual ways of writing a khu phố or tổ: "kp2", "kp 2", "k.p 2",
/// "khu phố 2", "khu pho so 2" → "khu pho 2"; "tdp 5", "tổ dân phố 5", "tổ 5", "to so 5" →
/// "to 5".
fn canonical(folded: &str) -> String {
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let (head, tail) = w.split_at(w.find(|c: char| c.is_ascii_digit()).unwrap_or(w.len()));
        let kind = match (head, words.get(i + 1), words.get(i + 2)) {
            ("kp" | "khupho", _, _) => Some(("khu pho", 1)),
            ("k", Some(&"p"), _) => Some(("khu pho", 2)),
            ("khu", Some(&"pho"), _) => Some(("khu pho", 2)),
            ("tdp" | "to", _, _) if head == "tdp" || !tail.is_empty() => Some(("to", 1)),
            ("to", Some(&"dan"), Some(&"pho")) => Some(("to", 3)),
            ("to", Some(n), _) if n.parse::<u32>().is_ok() || *n == "so" => Some(("to", 1)),
            _ => None,
        };
        match kind {
            Some((name, used)) => {
                let mut j = i + used;
                let number = if !tail.is_empty() && used == 1 {
                    Some(tail.to_owned())
                } else {
                    if words.get(j) == Some(&"so") {
                        j += 1;
                    }
                    words.get(j).filter(|n| n.parse::<u32>().is_ok()).map(|n| {
                        j += 1;
                        n.to_string()
                    })
                };
                match number {
                    Some(n) => {
                        out.push(format!("{name} {}", n.trim_start_matches('0')));
                        i = j;
                    }
                    None => {
                        out.push(w.to_owned());
                        i += 1;
                    }
                }
            }
            None => {
                out.push(w.to_owned());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Whether a short text looks like an attempt at naming a khu phố ("kp 9", "khu phố Hòa Bình").
pub fn looks_like_area(text: &str) -> bool {
    let folded = canonical(&super::lang::fold(text));
    folded.split(' ').count() <= 6
        && (folded.starts_with("khu pho") || folded.starts_with("to ") || folded.starts_with("ap "))
}

/// Whether the text is nothing but a khu phố's name ("kp2", "khu phố 2 ạ").
pub fn is_only_area(text: &str) -> bool {
    let folded = canonical(&super::lang::fold(text));
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !matches!(*w, "a" | "da" | "nha" | "nhe" | "o" | "toi" | "em"))
        .collect();
    words.len() <= 3 && matches!(words.first(), Some(&"khu") | Some(&"to"))
}

impl Bot {
    /// The welcome, plus the khu phố question the first time.
    pub(super) async fn greet(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let mut replies = vec![turn.reply(self.welcome())];
        let asked = turn
            .store
            .resident(turn.tx, turn.user_key)
            .await?
            .is_some_and(|r| r.area_asked == 1);
        if !asked && !self.config.station.areas.is_empty() {
            turn.store
                .set_resident_area(turn.tx, turn.user_key, None, turn.now)
                .await?;
            replies.extend(self.ask_area_now(turn).await?);
        }
        Ok(replies)
    }

    /// The question, with one button per khu phố (as many as fit beside "Bỏ qua") and, in a
    /// ward with more, the others listed to be typed.
    pub(super) fn ask_area(&self) -> CsMessage {
        let areas = &self.config.station.areas;
        let mut buttons: Vec<Button> = areas
            .iter()
            .enumerate()
            .take(MAX_BUTTONS - 1)
            .map(|(i, area)| Button::query(area.name.clone(), Payload::Area(Some(i)).encode()))
            .collect();
        buttons.push(Button::query(
            self.texts.get("area_skip"),
            Payload::Area(None).encode(),
        ));
        let mut text = self.texts.get("ask_area").to_owned();
        if areas.len() > MAX_BUTTONS - 1 {
            let rest: Vec<&str> = areas[MAX_BUTTONS - 1..]
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            text.push('\n');
            text.push_str(
                &self
                    .texts
                    .fill("ask_area_more", &[("list", &rest.join(", "))]),
            );
        }
        CsMessage::text(text).with_buttons(buttons)
    }

    /// Asks for the khu phố now; a typed name answers it (unless a dialogue is in progress).
    pub(super) async fn ask_area_now(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        if turn
            .store
            .load_dialogue(turn.tx, turn.user_key)
            .await?
            .is_none()
        {
            self.save_dialogue(turn, &Dialogue::AskArea).await?;
        }
        Ok(vec![turn.reply(self.ask_area())])
    }

    /// A typed khu phố that the ward does not have: say so and ask again.
    pub(super) fn area_not_found(&self, text: &str) -> CsMessage {
        let short: String = text.chars().take(40).collect();
        let mut message = self.ask_area();
        message.text = format!(
            "{}\n\n{}",
            self.texts.fill("area_unknown", &[("text", &short)]),
            message.text
        );
        message
    }

    /// Position of the khu phố a text names.
    pub(super) fn area_index(&self, text: &str) -> Option<usize> {
        area_position(&self.config.station.areas, text)
    }

    /// Stores the choice and moves the resident's Zalo tag.
    pub(super) async fn save_area(
        &self,
        turn: &mut Turn<'_>,
        choice: Option<usize>,
    ) -> sqlx::Result<Vec<Reply>> {
        let area = choice
            .and_then(|i| self.config.station.areas.get(i))
            .map(|a| a.name.clone());
        let user_key = turn.user_key;
        if stored(turn, user_key).await? == Some(Dialogue::AskArea) {
            turn.store.clear_dialogue(turn.tx, user_key).await?;
        }
        let Some(area) = area else {
            turn.store
                .set_resident_area(turn.tx, turn.user_key, None, turn.now)
                .await?;
            return Ok(vec![turn.reply(
                CsMessage::text(self.texts.get("area_skipped")).with_buttons(self.menu_buttons()),
            )]);
        };
        let previous = turn
            .store
            .resident(turn.tx, turn.user_key)
            .await?
            .and_then(|r| r.khu_pho);
        turn.store
            .set_resident_area(turn.tx, turn.user_key, Some(&area), turn.now)
            .await?;
        if let Some(old) = previous.filter(|old| *old != area) {
            turn.calls.push(ApiCall {
                to: turn.user_id.to_owned(),
                path: "/v2.0/oa/tag/rmfollowerfromtag".into(),
                body: serde_json::json!({"user_id": turn.user_id, "tag_name": old}),
            });
        }
        turn.calls.push(ApiCall {
            to: turn.user_id.to_owned(),
            path: "/v2.0/oa/tag/tagfollower".into(),
            body: serde_json::json!({"user_id": turn.user_id, "tag_name": area}),
        });
        let text = self.texts.fill("area_saved", &[("area", &area)]);
        Ok(vec![turn.reply(
            CsMessage::text(text).with_buttons(self.menu_buttons()),
        )])
    }

    /// The khu phố a resident's text names.
    pub(super) fn area_in(&self, text: &str) -> Option<String> {
        area_named(&self.config.station.areas, text)
    }

    /// The khu phố the resident gave, if any.
    pub(super) async fn resident_area(&self, turn: &mut Turn<'_>) -> sqlx::Result<Option<String>> {
        Ok(turn
            .store
            .resident(turn.tx, turn.user_key)
            .await?
            .and_then(|r| r.khu_pho))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ward(n: usize) -> Vec<AreaSettings> {
        (1..=n)
            .map(|i| AreaSettings {
                name: format!("Khu phố {i}"),
                aliases: vec![],
                officer_name: String::new(),
                officer_phone: String::new(),
            })
            .collect()
    }

    #[test]
    fn khu_pho_in_the_usual_spellings() {
        let areas = ward(24);
        for (text, want) in [
            ("khu phố 2", "Khu phố 2"),
            ("kp2", "Khu phố 2"),
            ("KP 2", "Khu phố 2"),
            ("kp.12", "Khu phố 12"),
            ("nhà tôi ở khu pho so 7 a", "Khu phố 7"),
            ("kp02", "Khu phố 2"),
        ] {
            assert_eq!(area_named(&areas, text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(area_named(&areas, "khu phố 25"), None);
        assert_eq!(area_named(&areas, "kp 1 2"), Some("Khu phố 1".into()));
    }

    #[test]
    fn to_dan_pho_too() {
        let areas = vec![AreaSettings {
            name: "Tổ dân phố 5".into(),
            aliases: vec![],
            officer_name: String::new(),
            officer_phone: String::new(),
        }];
        for text in ["tổ 5", "to dan pho 5", "tdp5", "tổ số 5"] {
            assert_eq!(
                area_named(&areas, text).as_deref(),
                Some("Tổ dân phố 5"),
                "{text}"
            );
        }
        assert!(is_only_area("kp2"));
        assert!(is_only_area("khu phố 2 ạ"));
        assert!(!is_only_area("công an khu phố 2 là ai"));
    }
}
