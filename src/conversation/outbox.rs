//! The outbox row of a message or an API call: the recipient's keyed hash for ordering, and the
//! request sealed with the vault (it names the resident), with what to do with the call's answer
//! ([`AfterCall`]). Written by the inbox worker for each reply and by the SLA checker for
//! reminders; read back by the delivery worker.

use serde::{Deserialize, Serialize};

use crate::ids::ZaloId;

/// What the delivery worker does with an API call's answer besides recording it: the rare call
/// whose answer matters (most answer with a message id and nothing else). It is applied in the
/// transaction that records the call (`store::FollowUp`), so the answer is acted on exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AfterCall {
    /// `creategroupwithoa` for a khu phố: link the new group to it and tell the officer who
    /// asked; if Zalo refused, tell them why.
    GroupCreated {
        /// The khu phố's configured name.
        area: String,
        /// Keyed hash of the officer who asked.
        linked_by: String,
        /// Their Zalo id, to tell them (kept sealed with the rest of the row).
        officer: String,
        /// Members the group is created with.
        members: i64,
    },
}

/// An outbox row for a customer-service message to `to`, sealed.
pub fn outbound(
    vault: &crate::vault::Vault,
    dedupe_key: String,
    inbox_id: Option<i64>,
    to: &ZaloId,
    message: &crate::zalo::messages::CsMessage,
) -> crate::store::NewOutbound {
    outbound_call(
        vault,
        dedupe_key,
        inbox_id,
        to,
        None,
        message.to_request(to.as_str()),
        None,
    )
}

/// An outbox row for any OA API call about `to` (`path` `None`: a customer-service message),
/// sealed; the delivery worker reads `path`, `body` and `then` back.
pub fn outbound_call(
    vault: &crate::vault::Vault,
    dedupe_key: String,
    inbox_id: Option<i64>,
    to: &ZaloId,
    path: Option<&str>,
    body: serde_json::Value,
    then: Option<&AfterCall>,
) -> crate::store::NewOutbound {
    let payload = serde_json::json!({"user_id": to, "path": path, "body": body, "then": then});
    crate::store::NewOutbound {
        dedupe_key,
        inbox_id,
        recipient_key: vault.user_key(to.as_str()),
        payload: vault.seal(payload.to_string().as_bytes()),
        priority: crate::store::Priority::default(),
    }
}
