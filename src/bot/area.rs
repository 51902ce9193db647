//! The resident's khu phố: asked once with buttons after the welcome (skippable, changeable
//! from Contact), stored, and applied as a Zalo tag so the station can use it in Zalo's tools.
//! The look-up itself is [`crate::conversation::area`].

use super::payload::Payload;
use super::Bot;
use crate::conversation::area::{area_named, area_position};
use crate::conversation::dialogue::{stored, Dialogue};
use crate::conversation::{ApiCall, Reply, Turn};
use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};

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
            &self.texts.area.skip,
            Payload::Area(None).encode(),
        ));
        let mut text = self.texts.area.ask.to_string();
        if areas.len() > MAX_BUTTONS - 1 {
            let rest: Vec<&str> = areas[MAX_BUTTONS - 1..]
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            text.push('\n');
            let more = self
                .texts
                .area
                .ask_more
                .render(&[("list", &rest.join(", "))]);
            text.push_str(&more);
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
            self.texts.area.unknown.render(&[("text", &short)]),
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
                CsMessage::text(&self.texts.area.skipped).with_buttons(self.menu_buttons()),
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
            turn.calls.push(ApiCall::new(
                turn.user_id.to_owned(),
                "/v2.0/oa/tag/rmfollowerfromtag",
                serde_json::json!({"user_id": turn.user_id, "tag_name": old}),
            ));
        }
        turn.calls.push(ApiCall::new(
            turn.user_id.to_owned(),
            "/v2.0/oa/tag/tagfollower",
            serde_json::json!({"user_id": turn.user_id, "tag_name": area}),
        ));
        let text = self.texts.area.saved.render(&[("area", &area)]);
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
