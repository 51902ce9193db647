//! Shapes of the webhook events a resident's action produces (docs/PLATFORM.md §2): message
//! events carry the §2.1 envelope with `sender`/`recipient`; follow/unfollow carry `oa_id` and
//! `follower` instead (§2.4); chat-now carries `oa_id` and a flat `user_id` or `follower`. Ids
//! and timestamps are strings, as Zalo sends them; keys come in Zalo's order.

use crate::input::{Location, ResidentInput};
use crate::ordered::{obj, s, Json};
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
    Location {
        at: Location,
        /// The place's name, sent as `message.text`.
        name: Option<String>,
    },
    File {
        url: String,
        name: String,
    },
    Sticker(String),
    Follow,
    Unfollow,
    /// `anonymous_send_text` of a visitor not logged in to Zalo.
    AnonymousText {
        text: String,
        conversation_id: String,
    },
    /// `user_click_chatnow`, flat `user_id` or `follower.id`.
    ChatNow {
        follower_shape: bool,
    },
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
        if input.name.is_some() && input.file_url.is_none() && input.location.is_none() {
            return Err("name is only allowed with file_url or location".to_owned());
        }
        if let Some(url) = &input.image_url {
            let caption = input.text.clone().filter(|c| !c.is_empty());
            return Ok(Kind::Image {
                url: non_empty("image_url", url)?,
                caption,
            });
        }
        if input.conversation_id.is_some() && input.text.is_none() {
            return Err("conversation_id is only allowed with text".to_owned());
        }
        if let Some(text) = &input.text {
            if let Some(conversation_id) = &input.conversation_id {
                return Ok(Kind::AnonymousText {
                    text: non_empty("text", text)?,
                    conversation_id: non_empty("conversation_id", conversation_id)?,
                });
            }
            return Ok(Kind::Text(non_empty("text", text)?));
        }
        if let Some(loc) = input.location {
            let ok =
                (-90.0..=90.0).contains(&loc.latitude) && (-180.0..=180.0).contains(&loc.longitude);
            return if ok {
                Ok(Kind::Location {
                    at: loc,
                    name: input.name.clone(),
                })
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
            Some("chatnow") => Ok(Kind::ChatNow {
                follower_shape: false,
            }),
            Some("chatnow_follower") => Ok(Kind::ChatNow {
                follower_shape: true,
            }),
            _ => Err(
                "event must be \"follow\", \"unfollow\", \"chatnow\" or \"chatnow_follower\""
                    .to_owned(),
            ),
        }
    }

    /// Message events carry a `msg_id`; follow, unfollow and chat-now do not.
    pub fn is_message(&self) -> bool {
        !matches!(self, Kind::Follow | Kind::Unfollow | Kind::ChatNow { .. })
    }
}

/// Builds the event in Zalo's key order (see [`crate::ordered`]); returns its `event_name` too.
pub(crate) fn build_event(
    cfg: &SimConfig,
    user_id: &str,
    kind: &Kind,
    msg_id: Option<&str>,
    timestamp: &str,
) -> (String, Json) {
    let uba = user_id_by_app(&cfg.app_id, user_id);
    let (name, message) = match kind {
        Kind::Follow | Kind::Unfollow => {
            let name = if *kind == Kind::Follow {
                "follow"
            } else {
                "unfollow"
            };
            // The docs sample's order (real payloads: tests/fixtures/real/follow.*).
            let event = obj([
                ("oa_id", s(&cfg.oa_id)),
                ("follower", obj([("id", s(user_id))])),
                ("user_id_by_app", s(&uba)),
                ("event_name", s(name)),
                ("source", s("oa_profile")),
                ("app_id", s(&cfg.app_id)),
                ("timestamp", s(timestamp)),
            ]);
            return (name.to_owned(), event);
        }
        Kind::ChatNow { follower_shape } => {
            // Two shapes in community handlers (docs/PLATFORM.md §2.2): a flat `user_id` (T1),
            // or `follower.id` with a `source`.
            let mut event = obj([("app_id", s(&cfg.app_id)), ("oa_id", s(&cfg.oa_id))]);
            if !follower_shape {
                event.push("user_id", s(user_id));
            }
            event.push("user_id_by_app", s(&uba));
            event.push("event_name", s("user_click_chatnow"));
            event.push("timestamp", s(timestamp));
            if *follower_shape {
                event.push("source", s("oa_profile"));
                event.push("follower", obj([("id", s(user_id))]));
            }
            return ("user_click_chatnow".to_owned(), event);
        }
        Kind::AnonymousText {
            text,
            conversation_id,
        } => {
            // The community handlers' shape (docs/PLATFORM.md §2.2): the §2.1 envelope with
            // the anonymous id as sender and the conversation in the message.
            let event = obj([
                ("app_id", s(&cfg.app_id)),
                ("sender", obj([("id", s(user_id))])),
                ("recipient", obj([("id", s(&cfg.oa_id))])),
                ("event_name", s("anonymous_send_text")),
                (
                    "message",
                    obj([
                        ("text", s(text)),
                        ("msg_id", s(msg_id.unwrap_or_default())),
                        ("conversation_id", s(conversation_id)),
                    ]),
                ),
                ("timestamp", s(timestamp)),
            ]);
            return ("anonymous_send_text".to_owned(), event);
        }
        Kind::Text(text) => ("user_send_text", (Some(text.clone()), Vec::new())),
        Kind::Image { url, caption } => (
            "user_send_image",
            (
                caption.clone(),
                vec![attachment(
                    "image",
                    obj([("thumbnail", s(url)), ("url", s(url))]),
                )],
            ),
        ),
        // A real share carries the place's name as the text ("Cơm Coffee New Sky"), empty
        // when the pin has none.
        Kind::Location { at, name } => (
            "user_send_location",
            (
                Some(name.clone().unwrap_or_default()),
                vec![attachment(
                    "location",
                    obj([(
                        "coordinates",
                        obj([
                            ("latitude", s(at.latitude.to_string())),
                            ("longitude", s(at.longitude.to_string())),
                        ]),
                    )]),
                )],
            ),
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
                (
                    None,
                    vec![attachment(
                        "file",
                        obj([
                            ("url", s(url)),
                            ("size", s(size.to_string())),
                            ("name", s(name)),
                            ("checksum", s(&digest[..32])),
                            ("type", s(ext)),
                        ]),
                    )],
                ),
            )
        }
        Kind::Sticker(id) => (
            "user_send_sticker",
            (
                None,
                vec![attachment(
                    "sticker",
                    obj([
                        ("id", s(id)),
                        (
                            "url",
                            s(format!(
                                "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={id}&size=130"
                            )),
                        ),
                    ]),
                )],
            ),
        ),
    };
    let (text, attachments) = message;
    // The console's order: msg_id, text, attachments.
    let mut message = obj([("msg_id", s(msg_id.unwrap_or_default()))]);
    if let Some(text) = text {
        message.push("text", s(text));
    }
    if !attachments.is_empty() {
        message.push("attachments", Json::Arr(attachments));
    }
    let event = obj([
        ("app_id", s(&cfg.app_id)),
        ("user_id_by_app", s(&uba)),
        ("event_name", s(name)),
        ("timestamp", s(timestamp)),
        ("sender", obj([("id", s(user_id))])),
        ("recipient", obj([("id", s(&cfg.oa_id))])),
        ("message", message),
    ]);
    (name.to_owned(), event)
}

/// One `attachments[]` element; real payloads put `payload` before `type`.
fn attachment(kind: &str, payload: Json) -> Json {
    obj([("payload", payload), ("type", s(kind))])
}
