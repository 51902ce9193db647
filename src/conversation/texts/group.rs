//! `[group]` of `config/messages.vi.toml`: what the bot says in a khu phố's Zalo group, to a
//! resident asking for their group, and to officers working the groups (`/group`).

use serde::Deserialize;

use super::template::{name, Template, Text};

/// `[group]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupTexts {
    /// In the group, to a member who mentioned the OA with what looks like a report: the one
    /// line the bot says there.
    pub invite_private: Text,
    /// In the group, an emergency: the numbers, and that the area officer was paged.
    pub emergency: Text,
    /// The same when nobody could be paged.
    pub emergency_nobody: Text,
    /// What an officer posts with `/group say`, signed as the station.
    pub signed: Template<name::Text>,
    /// A resident's "nhóm zalo khu phố": the join link.
    pub join_link: Template<(name::Area, name::Url)>,
    /// The same, khu phố not known yet: asked with a button per khu phố.
    pub join_which_area: Text,
    /// The khu phố has no group.
    pub join_none: Template<name::Area>,
    /// The khu phố has a group, but its join link was not given when it was linked.
    pub join_ask_officer: Template<(name::Area, name::Officer, name::Phone)>,
    /// `/group`: the heading of the list.
    pub list_header: Text,
    /// `/group`: a khu phố with a live group.
    pub list_active: Template<(name::Area, name::Text)>,
    /// `/group`: a live group's members, as Zalo last counted them.
    pub list_members: Template<(name::Count, name::Time)>,
    /// `/group`: a khu phố whose group Zalo no longer has.
    pub list_gone: Template<name::Area>,
    /// `/group`: a khu phố without a group.
    pub list_none: Template<name::Area>,
    /// `/group link` done.
    pub linked: Template<(name::Area, name::Text)>,
    /// `/group say` sent.
    pub said: Template<name::Area>,
    /// `/group say` to a khu phố without a live group.
    pub no_group: Template<name::Area>,
    /// `/group say` by an officer who does not cover that khu phố.
    pub not_your_area: Template<name::Area>,
    /// Added to an alert's or a warning's summary: how many groups it was posted to.
    pub groups_reached: Template<name::Count>,
    /// `/group create`: the new group's name in Zalo (at most 100 characters).
    pub create_name: Template<name::Area>,
    /// `/group create`: the new group's description; `{name}` is the station's.
    pub create_description: Template<(name::Area, name::Name)>,
    /// `/group create` asked of Zalo, with the first members' names.
    pub creating: Template<(name::Area, name::Count, name::Names)>,
    /// Zalo created the group: its join link.
    pub created: Template<(name::Area, name::Count, name::Url)>,
    /// Zalo created the group without giving its join link.
    pub created_no_link: Template<(name::Area, name::Count)>,
    /// Zalo refused to create the group.
    pub create_failed: Template<(name::Area, name::Error)>,
    /// `/group create` without a GMF asset configured.
    pub create_no_asset: Text,
    /// `/group create` while an earlier one for the khu phố awaits Zalo's answer.
    pub create_waiting: Template<name::Area>,
    /// `/group create` for a khu phố that has a live group.
    pub create_exists: Template<(name::Area, name::Text)>,
    /// To the chief, once: a group Zalo no longer has.
    pub gone_told: Template<name::Area>,
}
