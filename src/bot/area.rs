//! The resident's khu phố: asked once with buttons after the welcome (skippable, changeable
//! from Contact), stored, and applied as a Zalo tag so the station can use it in Zalo's tools.

use super::payload::Payload;
use super::{ApiCall, Bot, Reply, Turn};
use crate::config::AreaSettings;
use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};

/// The configured khu phố a text names, by name or alias, with or without diacritics, inside a
/// sentence ("công an khu phố 2") or as one word ("kp2"). Used by residents' messages and
/// officers' commands alike.
pub fn area_named(areas: &[AreaSettings], text: &str) -> Option<String> {
    let folded = format!(" {} ", super::lang::fold(text));
    let compact = folded.replace(' ', "");
    areas.iter().find_map(|area| {
        std::iter::once(&area.name)
            .chain(&area.aliases)
            .any(|alias| {
                let alias = super::lang::fold(alias);
                folded.contains(&format!(" {alias} ")) || compact == alias.replace(' ', "")
            })
            .then(|| area.name.clone())
    })
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
            replies.push(turn.reply(self.ask_area()));
        }
        Ok(replies)
    }

    /// The question, with one button per khu phố (as many as fit beside "Bỏ qua").
    pub(super) fn ask_area(&self) -> CsMessage {
        let mut buttons: Vec<Button> = self
            .config
            .station
            .areas
            .iter()
            .enumerate()
            .take(MAX_BUTTONS - 1)
            .map(|(i, area)| Button::query(area.name.clone(), Payload::Area(Some(i)).encode()))
            .collect();
        buttons.push(Button::query(
            self.texts.get("area_skip"),
            Payload::Area(None).encode(),
        ));
        CsMessage::text(self.texts.get("ask_area")).with_buttons(buttons)
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
