//! What comes of an API call whose answer matters ([`AfterCall`]): the writes recorded with the
//! call itself ([`FollowUp`]), in the delivery worker's one transaction, so the answer is acted
//! on exactly once. Only `creategroupwithoa` has one today: the new group is linked to its khu
//! phố and the officer who asked is told, with the join link or with Zalo's refusal.

use serde_json::Value;

use crate::conversation::outbox::{outbound, AfterCall};
use crate::conversation::texts::Texts;
use crate::ids::ZaloId;
use crate::store::FollowUp;
use crate::vault::Vault;
use crate::zalo::error::ApiError;
use crate::zalo::messages::CsMessage;

/// The follow-ups of outbox row `row_id`'s call, from Zalo's answer: its `data` when it was
/// accepted, else the error that failed it for good (a call still being retried has none).
pub(super) fn follow_ups(
    after: &AfterCall,
    answer: Result<&Value, &ApiError>,
    row_id: i64,
    texts: &Texts,
    vault: &Vault,
) -> Vec<FollowUp> {
    match after {
        AfterCall::GroupCreated {
            area,
            linked_by,
            officer,
            members,
        } => {
            let t = &texts.group;
            let count = members.to_string();
            let created = answer.ok().and_then(|data| {
                let group_id = id_of(&data["group_id"])?;
                let link = data["group_link"]
                    .as_str()
                    .filter(|l| l.starts_with("https://"))
                    .map(str::to_owned);
                Some((group_id, link))
            });
            let mut follow_ups = Vec::new();
            let told = match created {
                Some((group_id, link)) => {
                    let told = match &link {
                        Some(url) => {
                            t.created
                                .render(&[("area", area), ("count", &count), ("url", url)])
                        }
                        None => t
                            .created_no_link
                            .render(&[("area", area), ("count", &count)]),
                    };
                    follow_ups.push(FollowUp::LinkGroup {
                        area: area.clone(),
                        group_id,
                        join_link: link,
                        linked_by: linked_by.clone(),
                        members: *members,
                    });
                    told
                }
                None => {
                    follow_ups.push(FollowUp::EndGroupRequest { area: area.clone() });
                    let error = match answer {
                        Err(ApiError::Zalo { code, message }) => {
                            format!("mã lỗi {code} – {message}")
                        }
                        Err(other) => format!("không nhận được trả lời ({other})"),
                        Ok(_) => "trả lời không có mã nhóm (group_id)".to_owned(),
                    };
                    t.create_failed.render(&[("area", area), ("error", &error)])
                }
            };
            follow_ups.push(FollowUp::Enqueue(outbound(
                vault,
                format!("after:{row_id}"),
                None,
                &ZaloId::new(officer),
                &CsMessage::text(told),
            )));
            follow_ups
        }
    }
}

/// A Zalo id as a string, whether the JSON gives it as a string or a number.
fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
