//! OA-owned group chats (GMF, docs/PLATFORM.md §2.5 and the GMF row of §6): the send path and
//! body, and mentions. Group messages take the customer-service message shapes, are free, and
//! are not bound to the 7-day reply window, so they reach every member.
//!
//! Zalo renders `[@<id>]` inside a message's text as a mention of that user, group or OA. Text
//! we post on someone's behalf must never mention anyone, so every `[@` in it is broken up
//! ([`escape_mentions`]).

use serde_json::{json, Value};

/// `POST` path of a message to a group.
pub const GROUP_MESSAGE_PATH: &str = "/v3.0/oa/group/message";

/// `POST` path creating a group owned by the OA: `group_name`, `group_description`,
/// `asset_id` (the purchased GMF asset) and `member_user_ids`; answers `group_id` and
/// `group_link`.
pub const CREATE_GROUP_PATH: &str = "/v3.0/oa/group/creategroupwithoa";

/// Members `creategroupwithoa` takes at once (1–99).
pub const MAX_CREATE_MEMBERS: usize = 99;

/// `GET` path of a group's details, `?group_id=`: its member count (`total_member`) among them.
pub const GET_GROUP_PATH: &str = "/v3.0/oa/group/getgroup";

/// The request body of a text message to a group; the text is escaped.
pub fn group_text(group_id: &str, text: &str) -> Value {
    json!({
        "recipient": { "group_id": group_id },
        "message": { "text": escape_mentions(text) },
    })
}

/// Text that mentions nobody: `[@` becomes `[ @`, which Zalo shows as typed.
pub fn escape_mentions(text: &str) -> String {
    text.replace("[@", "[ @")
}

/// Whether a member's text in a group mentions this OA (`[@<oa_id>]`).
pub fn mentions(text: &str, oa_id: &str) -> bool {
    !oa_id.is_empty() && text.contains(&format!("[@{oa_id}]"))
}

/// The text without any mention markers, for reading what was said.
pub fn without_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[@") {
        out.push_str(&rest[..start]);
        match rest[start..].find(']') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_text_cannot_mention_anyone() {
        let body = group_text("g1", "Chú ý [@123456] và [@2851903374523456789]");
        let text = body["message"]["text"].as_str().unwrap();
        assert!(!text.contains("[@"), "{text}");
        assert_eq!(text, "Chú ý [ @123456] và [ @2851903374523456789]");
        assert_eq!(body["recipient"]["group_id"], "g1");
    }

    #[test]
    fn a_mention_of_the_oa_is_found_and_removed_for_reading() {
        let text = "[@2851903374523456789] có trộm xe ở hẻm 5 [@777]";
        assert!(mentions(text, "2851903374523456789"));
        assert!(!mentions(text, "285190337452345678"));
        assert!(!mentions("chào cả nhà", "2851903374523456789"));
        assert!(!mentions(text, ""));
        assert_eq!(without_mentions(text), "có trộm xe ở hẻm 5");
        assert_eq!(without_mentions("a [@ b"), "a [@ b");
    }
}
