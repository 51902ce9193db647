//! The vocabulary every conversation shares — the resident bot, the officers' console and the
//! dispatcher above them: one event being handled ([`Turn`]), what it sends ([`Reply`],
//! [`ApiCall`]), the message catalogue, splitting long texts, khu phố look-up, the stored
//! dialogue state of a resident, and who gets paged. It depends on neither side.

pub mod area;
pub mod dialogue;
pub mod groups;
pub mod outbox;
pub mod quote;
pub mod roster;
pub mod text;
pub mod texts;

use crate::config::{BotSettings, StationSettings};
use crate::ids::{UserKey, ZaloId};
use crate::store::{Priority, Store, Tx};
use crate::time::Timestamp;
use crate::vault::Vault;
use crate::zalo::events::ZaloEvent;
use crate::zalo::messages::CsMessage;

/// A message to send: to the resident of the turn, or to an officer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Zalo user id of the recipient.
    pub to: ZaloId,
    /// The message.
    pub message: CsMessage,
    /// When it goes out relative to other queued messages.
    pub priority: Priority,
}

impl Reply {
    /// A message to `to`, in conversation order.
    pub fn new(to: ZaloId, message: CsMessage) -> Reply {
        Reply {
            to,
            message,
            priority: Priority::Conversation,
        }
    }

    /// The same text to each of these Zalo users (pages, notices, forwards).
    pub fn to_each(ids: Vec<ZaloId>, text: &str) -> impl Iterator<Item = Reply> {
        Reply::to_each_message(ids, CsMessage::text(text))
    }

    /// The same message to each of these Zalo users.
    pub fn to_each_message(ids: Vec<ZaloId>, message: CsMessage) -> impl Iterator<Item = Reply> {
        ids.into_iter()
            .map(move |to| Reply::new(to, message.clone()))
    }

    /// Sent before everything else: an emergency's answer, pages, follow-ups.
    pub fn urgent(mut self) -> Reply {
        self.priority = Priority::Urgent;
        self
    }

    /// Sent after the rest, within the bulk share: alerts to many residents.
    pub fn bulk(mut self) -> Reply {
        self.priority = Priority::Bulk;
        self
    }
}

/// One event being handled: who, what, and the transaction to work in.
pub struct Turn<'a> {
    /// Database.
    pub store: &'a Store,
    /// The event's transaction.
    pub tx: &'a mut Tx,
    /// Seals what is stored.
    pub vault: &'a Vault,
    /// The event.
    pub event: &'a ZaloEvent,
    /// The writer's Zalo id (a resident's, or an officer's).
    pub user_id: &'a ZaloId,
    /// Its keyed hash, what the store knows them by.
    pub user_key: &'a UserKey,
    /// When the event is handled (the inbox worker's clock).
    pub now: Timestamp,
    /// The event's row in the inbox (its place in the resident's sequence of events).
    pub inbox_id: i64,
    /// Other OA API calls to make (e.g. tagging the resident), queued with the replies.
    pub calls: Vec<ApiCall>,
}

/// An OA API call other than a message, queued in the outbox like one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    /// Zalo user it concerns (for ordering and the outbox key).
    pub to: ZaloId,
    /// API path, e.g. `/v2.0/oa/tag/tagfollower`.
    pub path: String,
    /// Request body.
    pub body: serde_json::Value,
    /// What to do with the answer, for the calls whose answer matters.
    pub then: Option<outbox::AfterCall>,
}

impl ApiCall {
    /// A call whose answer is only recorded.
    pub fn new(to: ZaloId, path: impl Into<String>, body: serde_json::Value) -> ApiCall {
        ApiCall {
            to,
            path: path.into(),
            body,
            then: None,
        }
    }

    /// The same call, with what to do with its answer.
    pub fn then(self, after: outbox::AfterCall) -> ApiCall {
        ApiCall {
            then: Some(after),
            ..self
        }
    }
}

impl Turn<'_> {
    /// A reply to the resident, quoting their message.
    pub fn reply(&self, message: CsMessage) -> Reply {
        Reply::new(self.user_id.clone(), message.quoting(self.event.msg_id()))
    }
}

/// Everything the conversation needs that does not change at run time.
#[derive(Debug, Clone)]
pub struct BotConfig {
    /// Behaviour settings.
    pub bot: BotSettings,
    /// Station details and khu phố.
    pub station: StationSettings,
    /// Officers paged for emergencies.
    pub on_call: Vec<String>,
    /// The OA's Zalo id (`zalo.oa_id`): how a member mentions it in a group (`[@<oa_id>]`).
    pub oa_id: String,
    /// The purchased GMF asset new khu phố groups are made with (`zalo.gmf_asset_id`); empty
    /// when the OA has none, and `/group create` says so.
    pub gmf_asset_id: String,
}

impl BotConfig {
    /// The parts of the settings the conversations read.
    pub fn from_settings(settings: &crate::config::Settings) -> BotConfig {
        BotConfig {
            bot: settings.bot.clone(),
            station: settings.station.clone(),
            on_call: settings.officers.on_call.clone(),
            oa_id: settings.zalo.oa_id.clone(),
            gmf_asset_id: settings.zalo.gmf_asset_id.clone(),
        }
    }
}
