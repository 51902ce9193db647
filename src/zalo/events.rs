//! Wire types of the events Zalo posts to the webhook (docs/PLATFORM.md §2), and the facts the
//! webhook needs from them: kind, timestamp, owner ids, dedupe subject.
//!
//! One flat struct with optional fields instead of a tagged enum: Zalo has dozens of event
//! names, some with disputed spellings (§2.5, §8), and an unknown name must still be stored.
//! [`EventKind`] classifies the name; [`ZaloEvent::validate`] checks the fields that kind needs.

use serde::{Deserialize, Deserializer};

/// An event as posted by Zalo. Ids are decimal strings (sometimes numbers); both are accepted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ZaloEvent {
    /// Discriminator, e.g. `user_send_text`.
    pub event_name: String,
    /// The app the event is for.
    #[serde(default, deserialize_with = "opt_id")]
    pub app_id: Option<String>,
    /// The OA, on events without sender/recipient.
    #[serde(default, deserialize_with = "opt_id")]
    pub oa_id: Option<String>,
    /// Epoch milliseconds, a string or a number on the wire.
    #[serde(default, deserialize_with = "opt_id")]
    pub timestamp: Option<String>,
    /// App-scoped user id.
    #[serde(default, deserialize_with = "opt_id")]
    pub user_id_by_app: Option<String>,
    /// Sender (user → OA: the user; OA echo: the OA).
    pub sender: Option<Party>,
    /// Recipient (user → OA: the OA; group events: the group).
    pub recipient: Option<Party>,
    /// Message body of message, receipt and reaction events.
    pub message: Option<Message>,
    /// `follow` / `unfollow`.
    pub follower: Option<Party>,
    /// `follow` source (`oa_profile`, `message_invite`, `social_plugin`).
    pub source: Option<String>,
    /// Flat user id of `user_click_chatnow`, `user_withdraw`.
    #[serde(default, deserialize_with = "opt_id")]
    pub user_id: Option<String>,
    /// Tag events.
    pub tag: Option<Tag>,
    /// `user_submit_info`.
    pub info: Option<SubmitInfo>,
    /// Group events.
    #[serde(default, deserialize_with = "opt_id")]
    pub group_id: Option<String>,
    /// Members named by group lifecycle events.
    #[serde(default)]
    pub users: Vec<Party>,
}

/// A sender, recipient or follower.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Party {
    /// Zalo id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// OA admin who sent an echo from the OA chat tool.
    #[serde(default, deserialize_with = "opt_id")]
    pub admin_id: Option<String>,
}

/// The `message` object.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Message {
    /// Id of this message (or of the reacted/received message).
    #[serde(default, deserialize_with = "opt_id")]
    pub msg_id: Option<String>,
    /// `user_seen_message` carries an array instead.
    #[serde(default)]
    pub msg_ids: Vec<String>,
    /// Text or caption.
    pub text: Option<String>,
    /// Attachments of image, file, location… messages.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Set when the user used "Reply" on an earlier message.
    #[serde(default, deserialize_with = "opt_id")]
    pub quote_msg_id: Option<String>,
    /// Reaction events.
    pub react_icon: Option<String>,
    /// Anonymous visitors' conversation.
    pub conversation_id: Option<String>,
}

/// One `message.attachments[]` element.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Attachment {
    /// `image`, `gif`, `link`, `audio`, `video`, `sticker`, `location`, `file`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Kind-specific fields.
    #[serde(default)]
    pub payload: AttachmentPayload,
}

/// Union of the attachment payload keys of §2.3.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttachmentPayload {
    /// Media or file URL.
    pub url: Option<String>,
    /// Preview image.
    pub thumbnail: Option<String>,
    /// Link/video description; business cards carry JSON here.
    pub description: Option<String>,
    /// Sticker id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// File name.
    pub name: Option<String>,
    /// File size in bytes (a string on the wire).
    #[serde(default, deserialize_with = "opt_id")]
    pub size: Option<String>,
    /// File extension.
    #[serde(rename = "type")]
    pub file_type: Option<String>,
    /// File MD5.
    pub checksum: Option<String>,
    /// Location.
    pub coordinates: Option<Coordinates>,
}

/// A shared location; strings on the wire, numbers tolerated.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Coordinates {
    /// Latitude in degrees.
    #[serde(deserialize_with = "id")]
    pub latitude: String,
    /// Longitude in degrees.
    #[serde(deserialize_with = "id")]
    pub longitude: String,
}

/// Tag events' `tag`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tag {
    /// Tag name.
    pub name: String,
    /// Users added or removed.
    #[serde(default)]
    pub user_ids: Vec<String>,
}

/// `user_submit_info`'s `info`, in the current nested shape and the older flat one (§8.10).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubmitInfo {
    /// Name the user entered.
    pub name: Option<String>,
    /// Phone number.
    #[serde(default, deserialize_with = "opt_id")]
    pub phone: Option<String>,
    /// Date of birth.
    pub user_dob: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// Current nested address.
    pub full_address: Option<FullAddress>,
    /// Older flat address fields.
    pub address: Option<String>,
    /// Older flat city.
    pub city: Option<String>,
    /// Older flat district.
    pub district: Option<String>,
    /// Older flat ward.
    pub ward: Option<String>,
}

/// Nested address of `user_submit_info`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FullAddress {
    /// City/province.
    pub user_city: Option<String>,
    /// Ward.
    pub user_ward: Option<String>,
    /// Street address.
    pub user_address: Option<String>,
}

/// What kind of event a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A logged-in user wrote to the OA (`user_send_*`).
    UserMessage,
    /// `follow`.
    Follow,
    /// `unfollow`.
    Unfollow,
    /// Delivery/seen receipts of OA messages.
    Receipt,
    /// `user_reacted_message` / `oa_reacted_message`.
    Reaction,
    /// `user_click_chatnow`.
    ChatNow,
    /// `user_submit_info`.
    SubmitInfo,
    /// Tag membership events.
    Tag,
    /// Echo of something the OA sent (`oa_send_*`).
    OaEcho,
    /// Anonymous visitor messages and their echoes.
    Anonymous,
    /// Group (GMF) messages and lifecycle.
    Group,
    /// `update_user_info`, `user_withdraw` and other account management.
    Management,
    /// Anything else: stored and acknowledged, never rejected.
    Unknown,
}

impl EventKind {
    /// Classifies an `event_name`.
    pub fn of(name: &str) -> EventKind {
        match name {
            "follow" => EventKind::Follow,
            "unfollow" => EventKind::Unfollow,
            "user_received_message" | "user_seen_message" => EventKind::Receipt,
            "user_reacted_message" | "oa_reacted_message" => EventKind::Reaction,
            "user_click_chatnow" => EventKind::ChatNow,
            "user_submit_info" => EventKind::SubmitInfo,
            "add_user_to_tag" | "remove_user_from_tag" | "remove_tag" => EventKind::Tag,
            "update_user_info" | "user_withdraw" => EventKind::Management,
            n if n.starts_with("user_send_group_") || n.starts_with("oa_send_group_") => {
                EventKind::Group
            }
            n if n.contains("group") => EventKind::Group,
            n if n.starts_with("anonymous_send_") || n.starts_with("oa_send_anonymous_") => {
                EventKind::Anonymous
            }
            n if n.starts_with("user_send_") => EventKind::UserMessage,
            n if n.starts_with("oa_send_") => EventKind::OaEcho,
            _ => EventKind::Unknown,
        }
    }
}

/// A known event lacks a field its kind needs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("event `{event}` is missing `{field}`")]
pub struct MissingField {
    /// Event name.
    pub event: String,
    /// Dotted field path.
    pub field: &'static str,
}

impl ZaloEvent {
    /// This event's kind.
    pub fn kind(&self) -> EventKind {
        EventKind::of(&self.event_name)
    }

    /// Checks that the fields the kind depends on are present.
    pub fn validate(&self) -> Result<(), MissingField> {
        let missing = |field| {
            Err(MissingField {
                event: self.event_name.clone(),
                field,
            })
        };
        if self.timestamp.is_none() {
            return missing("timestamp");
        }
        match self.kind() {
            EventKind::UserMessage | EventKind::OaEcho | EventKind::Anonymous => {
                if self.sender.is_none() {
                    return missing("sender.id");
                }
                if self.recipient.is_none() {
                    return missing("recipient.id");
                }
                match &self.message {
                    None => return missing("message"),
                    Some(m) if m.msg_id.is_none() => return missing("message.msg_id"),
                    Some(_) => {}
                }
            }
            EventKind::Follow | EventKind::Unfollow if self.follower.is_none() => {
                return missing("follower.id")
            }
            EventKind::Receipt | EventKind::Reaction => {
                if self.recipient.is_none() {
                    return missing("recipient.id");
                }
                if self.message.is_none() {
                    return missing("message");
                }
            }
            EventKind::SubmitInfo if self.sender.is_none() => return missing("sender.id"),
            EventKind::Tag if self.tag.is_none() => return missing("tag"),
            _ => {}
        }
        Ok(())
    }

    /// The event time in epoch milliseconds, if the timestamp is a number.
    pub fn timestamp_ms(&self) -> Option<i64> {
        self.timestamp.as_deref()?.trim().parse().ok()
    }

    /// The resident this event is about (whose conversation it belongs to), if any.
    pub fn user_id(&self) -> Option<&str> {
        let party = match self.kind() {
            EventKind::UserMessage | EventKind::SubmitInfo => self.sender.as_ref(),
            EventKind::Follow | EventKind::Unfollow => self.follower.as_ref(),
            EventKind::Receipt | EventKind::OaEcho => self.recipient.as_ref(),
            EventKind::Reaction if self.event_name.starts_with("user_") => self.sender.as_ref(),
            EventKind::Reaction => self.recipient.as_ref(),
            // Chat-now: community handlers read a flat `user_id` (T1) or `follower.id`;
            // withdrawal: `user_id` (T1), some tooling `sender.id`. Either is taken.
            // An anonymous visitor's id; the OA's echo to them names them as recipient.
            EventKind::Anonymous if self.event_name.starts_with("anonymous_") => {
                self.sender.as_ref()
            }
            EventKind::Anonymous => self.recipient.as_ref(),
            EventKind::ChatNow => {
                return self
                    .user_id
                    .as_deref()
                    .or(self.follower.as_ref().map(|p| p.id.as_str()))
            }
            EventKind::Management => {
                return self
                    .user_id
                    .as_deref()
                    .or(self.sender.as_ref().map(|p| p.id.as_str()))
            }
            // A member writing in a group: the member (the recipient is the group).
            EventKind::Group if self.is_group_message() => self.sender.as_ref(),
            _ => None,
        };
        party.map(|p| p.id.as_str())
    }

    /// [`Self::user_id`], knowing which id is our OA. Receipts come in both orientations: §2.2
    /// (CW, T1) has sender = OA, recipient = user; the ZNS docs page and another chatwoot branch
    /// the reverse, and the one live capture cannot tell. There the user is whichever party is
    /// not the OA.
    pub fn user_id_for(&self, oa_id: &str) -> Option<&str> {
        if self.kind() == EventKind::Receipt {
            return [self.recipient.as_ref(), self.sender.as_ref()]
                .into_iter()
                .flatten()
                .map(|p| p.id.as_str())
                .find(|id| *id != oa_id);
        }
        self.user_id()
    }

    /// Whether the event says it belongs to another OA than `oa_id`. A receipt belongs to us
    /// when either party is our OA, whichever way round (see [`Self::user_id_for`]): a signed
    /// event of our app refused for its direction would be redelivered and could get the
    /// webhook switched off (§1.3).
    pub fn is_for_other_oa(&self, oa_id: &str) -> bool {
        if self.kind() == EventKind::Receipt && self.oa_id.is_none() {
            return ![self.sender.as_ref(), self.recipient.as_ref()]
                .into_iter()
                .flatten()
                .any(|p| p.id == oa_id);
        }
        self.owning_oa_id().is_some_and(|id| id != oa_id)
    }

    /// The OA the event claims to belong to, if it says.
    pub fn owning_oa_id(&self) -> Option<&str> {
        if let Some(oa) = &self.oa_id {
            return Some(oa);
        }
        match self.kind() {
            EventKind::UserMessage | EventKind::SubmitInfo | EventKind::Anonymous
                if !self.event_name.starts_with("oa_") =>
            {
                self.recipient.as_ref().map(|p| p.id.as_str())
            }
            EventKind::OaEcho | EventKind::Receipt => self.sender.as_ref().map(|p| p.id.as_str()),
            EventKind::Anonymous => self.sender.as_ref().map(|p| p.id.as_str()),
            _ => None,
        }
    }

    /// What identifies this event across Zalo's redeliveries: the message id where there is one,
    /// otherwise name, timestamp and subject. Callers hash it before storing.
    pub fn dedupe_subject(&self) -> String {
        let msg = self.message.as_ref();
        if let (
            EventKind::UserMessage | EventKind::OaEcho | EventKind::Anonymous | EventKind::Group,
            Some(id),
        ) = (self.kind(), msg.and_then(|m| m.msg_id.as_deref()))
        {
            return format!("m|{}|{}", self.event_name, id);
        }
        let mut subject = format!(
            "e|{}|{}",
            self.event_name,
            self.timestamp.as_deref().unwrap_or("")
        );
        for part in [
            self.user_id(),
            self.sender.as_ref().map(|p| p.id.as_str()),
            self.group_id.as_deref(),
            msg.and_then(|m| m.msg_id.as_deref()),
            msg.and_then(|m| m.react_icon.as_deref()),
            self.tag.as_ref().map(|t| t.name.as_str()),
        ]
        .into_iter()
        .flatten()
        {
            subject.push('|');
            subject.push_str(part);
        }
        if let Some(m) = msg {
            subject.push('|');
            subject.push_str(&m.msg_ids.join(","));
        }
        if let Some(tag) = &self.tag {
            subject.push('|');
            subject.push_str(&tag.user_ids.join(","));
        }
        subject
    }

    /// Whether this is a member's message in a group (`user_send_group_*`).
    pub fn is_group_message(&self) -> bool {
        self.event_name.starts_with("user_send_group_")
    }

    /// The group a group event is about: `group_id`, or for a member's message its
    /// `recipient.id` (docs/PLATFORM.md §2.5).
    pub fn group(&self) -> Option<&str> {
        if let Some(id) = &self.group_id {
            return Some(id);
        }
        if self.kind() == EventKind::Group {
            return self.recipient.as_ref().map(|p| p.id.as_str());
        }
        None
    }

    /// The message text, if any.
    pub fn text(&self) -> Option<&str> {
        self.message.as_ref()?.text.as_deref()
    }

    /// The message id of a user message (quoted in replies).
    pub fn msg_id(&self) -> Option<&str> {
        self.message.as_ref()?.msg_id.as_deref()
    }

    /// The attachments of a message, or none.
    pub fn attachments(&self) -> &[Attachment] {
        self.message
            .as_ref()
            .map(|m| m.attachments.as_slice())
            .unwrap_or(&[])
    }
}

/// An id or timestamp that may be a JSON string or number.
#[derive(Deserialize)]
#[serde(untagged)]
enum StrOrNum {
    Str(String),
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl StrOrNum {
    fn into_string(self) -> String {
        match self {
            StrOrNum::Str(s) => s,
            StrOrNum::Int(n) => n.to_string(),
            StrOrNum::UInt(n) => n.to_string(),
            StrOrNum::Float(n) => n.to_string(),
        }
    }
}

fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    StrOrNum::deserialize(d).map(StrOrNum::into_string)
}

fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<StrOrNum>::deserialize(d)?.map(StrOrNum::into_string))
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
