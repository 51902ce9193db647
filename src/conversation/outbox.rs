//! The outbox row of a message or an API call: the recipient's keyed hash for ordering, and the
//! request sealed with the vault (it names the resident). Written by the inbox worker for each
//! reply and by the SLA checker for reminders; read back by the delivery worker.

use crate::ids::ZaloId;

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
    )
}

/// An outbox row for any OA API call about `to` (`path` `None`: a customer-service message),
/// sealed; the delivery worker reads `path` and `body` back.
pub fn outbound_call(
    vault: &crate::vault::Vault,
    dedupe_key: String,
    inbox_id: Option<i64>,
    to: &ZaloId,
    path: Option<&str>,
    body: serde_json::Value,
) -> crate::store::NewOutbound {
    let payload = serde_json::json!({"user_id": to, "path": path, "body": body});
    crate::store::NewOutbound {
        dedupe_key,
        inbox_id,
        recipient_key: vault.user_key(to.as_str()),
        payload: vault.seal(payload.to_string().as_bytes()),
        priority: crate::store::Priority::default(),
    }
}
