//! `/group`: the khu phố Zalo groups. `/group` lists them; `/group create <khu phố>` (chief)
//! has Zalo make an OA-owned group for it; `/group link <khu phố> <group_id> [link]` (chief)
//! ties a khu phố to an existing one; `/group say <khu phố> <text>` posts in it as the station.
//! Khu phố names with spaces work as everywhere ([`area_words`]).

use super::words::{area_words, bounded_text, Words};
use super::{usage, Command, ParseError};
use crate::config::AreaSettings;

/// What `/group` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupAction {
    /// The groups, one line per khu phố.
    List,
    /// Ties a khu phố (as typed) to a group; its join link if given.
    Link {
        area: String,
        group_id: String,
        join_link: Option<String>,
    },
    /// Posts in a khu phố's group.
    Say { area: String, text: String },
    /// Has Zalo create a group for a khu phố (as typed).
    Create { area: String },
}

/// Longest group id accepted; Zalo's are decimal strings of about 19 digits.
const MAX_GROUP_ID: usize = 64;

pub(super) fn parse_group(rest: &str, areas: &[AreaSettings]) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    if words.is_empty() {
        return Ok(Command::Group(GroupAction::List));
    }
    match words.key(0).as_str() {
        "link" | "noi" | "ganket" | "gan" => {
            let (area, used) = area_words(&words, 1, areas);
            let group_id = words.word(1 + used);
            let valid_id = !group_id.is_empty()
                && group_id.len() <= MAX_GROUP_ID
                && group_id.bytes().all(|b| b.is_ascii_alphanumeric());
            if area.is_empty() || !valid_id {
                return Err(usage("group"));
            }
            let join_link = match words.word(2 + used) {
                "" => None,
                link if link.starts_with("https://") && words.len() == 3 + used => {
                    Some(link.to_owned())
                }
                _ => return Err(usage("group")),
            };
            Ok(Command::Group(GroupAction::Link {
                area,
                group_id: group_id.to_owned(),
                join_link,
            }))
        }
        "say" | "gui" | "dang" | "nhan" => {
            let (area, used) = area_words(&words, 1, areas);
            let text = bounded_text(words.rest(1 + used)).ok_or_else(|| usage("group"))?;
            if area.is_empty() {
                return Err(usage("group"));
            }
            Ok(Command::Group(GroupAction::Say { area, text }))
        }
        "create" | "tao" | "lap" | "taonhom" => {
            let (area, used) = area_words(&words, 1, areas);
            if area.is_empty() || words.len() != 1 + used {
                return Err(usage("group"));
            }
            Ok(Command::Group(GroupAction::Create { area }))
        }
        "list" | "ds" | "danhsach" => Ok(Command::Group(GroupAction::List)),
        _ => Err(usage("group")),
    }
}
