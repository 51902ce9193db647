//! Shapes of the webhook events a resident's action produces (docs/PLATFORM.md §2): message
//! events carry the §2.1 envelope with `sender`/`recipient`; follow/unfollow carry `oa_id` and
//! `follower` instead (§2.4). Ids and timestamps are strings, as Zalo sends them.

use serde_json::{json, Value};

use crate::input::{Location, ResidentInput};
use crate::state::user_id_by_app;
use crate::SimConfig;

/// One resident action, validated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Text(String),
    Image {
        url: String,
        caption: Option<String>,
    },
    Location(Location),
    File {
        url: String,
        name: String,
    },
    Sticker(String),
    Follow,
    Unfollow,
}

fn non_empty(field: &str, value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        Err(format!("{field} must not be empty"))
    } else {
        Ok(value.to_owned())
    }
}

impl Kind {
    /// Exactly one kind of content; `text` is allowed next to `image_url` as its caption, and
    /// `name` only next to `file_url`.
    pub fn from_input(input: &ResidentInput) -> Result<Kind, String> {
        let kinds = [
            input.image_url.is_some(),
            input.location.is_some(),
            input.event.is_some(),
            input.file_url.is_some(),
            input.sticker.is_some(),
        ];
        let others = kinds.iter().filter(|k| **k).count();
        let text_alone = input.text.is_some() && input.image_url.is_none();
        if others + usize::from(text_alone) != 1 {
            return Err(
                "give exactly one of text, image_url, location, event, file_url, \
                        sticker (text may caption image_url)"
                    .to_owned(),
            );
        }
        if input.name.is_some() && input.file_url.is_none() {
            return Err("name is only allowed with file_url".to_owned());
        }
        if let Some(url) = &input.image_url {
            let caption = input.text.clone().filter(|c| !c.is_empty());
            return Ok(Kind::Image {
                url: non_empty("image_url", url)?,
                caption,
            });
        }
        if let Some(text) = &input.text {
            return Ok(Kind::Text(non_empty("text", text)?));
        }
        if let Some(loc) = input.location {
            let ok =
                (-90.0..=90.0).contains(&loc.latitude) && (-180.0..=180.0).contains(&loc.longitude);
            return if ok {
                Ok(Kind::Location(loc))
            } else {
                Err("location out of range".to_owned())
            };
        }
        if let Some(url) = &input.file_url {
            let url = non_empty("file_url", url)?;
            let name = match &input.name {
                Some(n) => non_empty("name", n)?,
                None => url.rsplit('/').next().unwrap_or("file").to_owned(),
            };
            return Ok(Kind::File { url, name });
        }
        if let Some(id) = &input.sticker {
            return Ok(Kind::Sticker(non_empty("sticker", id)?));
        }
        match input.event.as_deref() {
            Some("follow") => Ok(Kind::Follow),
            Some("unfollow") => Ok(Kind::Unfollow),
            _ => Err("event must be \"follow\" or \"unfollow\"".to_owned()),
        }
    }

    /// Message events carry a `msg_id`; follow/unfollow do not.
    pub fn is_message(&self) -> bool {
        !matches!(self, Kind::Follow | Kind::Unfollow)
    }
}

/// Builds the event JSON; returns its `event_name` too.
pub(crate) fn build_event(
    cfg: &SimConfig,
    user_id: &str,
    kind: &Kind,
    msg_id: Option<&str>,
    timestamp: &str,
) -> (String, Value) {
    let uba = user_id_by_app(&cfg.app_id, user_id);
    let (name, message) = match kind {
        Kind::Follow | Kind::Unfollow => {
            let name = if *kind == Kind::Follow {
                "follow"
            } else {
                "unfollow"
            };
            let event = json!({
                "app_id": cfg.app_id,
                "oa_id": cfg.oa_id,
                "user_id_by_app": uba,
                "event_name": name,
                "follower": { "id": user_id },
                "source": "oa_profile",
                "timestamp": timestamp,
            });
            return (name.to_owned(), event);
        }
        Kind::Text(text) => ("user_send_text", json!({ "text": text })),
        Kind::Image { url, caption } => {
            let mut m = json!({ "attachments": [
                { "type": "image", "payload": { "url": url, "thumbnail": url } }
            ]});
            if let Some(c) = caption {
                m["text"] = json!(c);
            }
            ("user_send_image", m)
        }
        Kind::Location(loc) => (
            "user_send_location",
            json!({ "text": "", "attachments": [{ "type": "location", "payload": {
                "coordinates": {
                    "latitude": loc.latitude.to_string(),
                    "longitude": loc.longitude.to_string(),
                }
            }}]}),
        ),
        Kind::File { url, name } => {
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e)
                .unwrap_or("")
                .to_lowercase();
            let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(url.as_bytes()));
            // The simulator never downloads the file, so size and checksum are stand-ins
            // derived from the URL: stable across redeliveries, shaped like Zalo's.
            let size = 10_000 + u64::from_str_radix(&digest[..6], 16).unwrap_or(0) % 2_000_000;
            (
                "user_send_file",
                json!({ "attachments": [{ "type": "file", "payload": {
                    "url": url, "name": name, "size": size.to_string(), "type": ext,
                    "checksum": &digest[..32],
                }}]}),
            )
        }
        Kind::Sticker(id) => (
            "user_send_sticker",
            json!({ "attachments": [{ "type": "sticker", "payload": {
                "id": id,
                "url": format!("https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={id}&size=130"),
            }}]}),
        ),
    };
    let mut message = message;
    message["msg_id"] = json!(msg_id.unwrap_or_default());
    let event = json!({
        "app_id": cfg.app_id,
        "user_id_by_app": uba,
        "event_name": name,
        "timestamp": timestamp,
        "sender": { "id": user_id },
        "recipient": { "id": cfg.oa_id },
        "message": message,
    });
    (name.to_owned(), event)
}
