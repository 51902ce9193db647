//! What a simulated resident can do, as the `POST /sim/users/{user_id}/send` body and the
//! `Simulator::send_as_user` argument. A leaf: the event builder and the resident endpoint
//! both use it.

use serde::{Deserialize, Serialize};

/// What a resident does. Exactly one of `text`, `image_url` (with optional `text` caption),
/// `location` (with optional `name`, the place's name), `event` ("follow" | "unfollow" |
/// "chatnow" | "chatnow_follower"), `file_url` (with optional `name`), `sticker`;
/// or `redeliver: true` to have the previous event delivered again. `text` with
/// `conversation_id` is an anonymous (not logged-in) visitor's `anonymous_send_text`, the
/// user id then being the anonymous id.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResidentInput {
    pub text: Option<String>,
    pub image_url: Option<String>,
    pub location: Option<Location>,
    pub event: Option<String>,
    pub file_url: Option<String>,
    pub name: Option<String>,
    pub sticker: Option<String>,
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub redeliver: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

impl ResidentInput {
    pub fn text(text: impl Into<String>) -> Self {
        ResidentInput {
            text: Some(text.into()),
            ..Self::default()
        }
    }
    pub fn image(url: impl Into<String>, caption: Option<String>) -> Self {
        ResidentInput {
            image_url: Some(url.into()),
            text: caption,
            ..Self::default()
        }
    }
    pub fn location(latitude: f64, longitude: f64) -> Self {
        ResidentInput {
            location: Some(Location {
                latitude,
                longitude,
            }),
            ..Self::default()
        }
    }
    /// A location shared with the place's name, as Zalo sends a named pin.
    pub fn named_location(latitude: f64, longitude: f64, name: impl Into<String>) -> Self {
        ResidentInput {
            name: Some(name.into()),
            ..Self::location(latitude, longitude)
        }
    }
    /// "Nhắn tin" on the OA profile: `user_click_chatnow` with a flat `user_id`, or with
    /// `follower.id` when `follower_shape`.
    pub fn chat_now(follower_shape: bool) -> Self {
        let event = if follower_shape {
            "chatnow_follower"
        } else {
            "chatnow"
        };
        ResidentInput {
            event: Some(event.to_owned()),
            ..Self::default()
        }
    }
    /// An anonymous visitor's text in conversation `conversation_id`.
    pub fn anonymous_text(text: impl Into<String>, conversation_id: impl Into<String>) -> Self {
        ResidentInput {
            conversation_id: Some(conversation_id.into()),
            ..Self::text(text)
        }
    }
    pub fn follow() -> Self {
        ResidentInput {
            event: Some("follow".to_owned()),
            ..Self::default()
        }
    }
    pub fn unfollow() -> Self {
        ResidentInput {
            event: Some("unfollow".to_owned()),
            ..Self::default()
        }
    }
    pub fn redeliver() -> Self {
        ResidentInput {
            redeliver: true,
            ..Self::default()
        }
    }
}
