//! Who may do what, and how it is recorded: officers' roles, the commands they run by canonical
//! name, and the vocabulary of the append-only audit log (what was done, and whether it was
//! done). A leaf the store, the command parser and the console all use, so each value has one
//! spelling, stored and parsed in one place.

/// An officer's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Every registered officer.
    Officer,
    /// The chief (Trưởng Công an phường): manages officers and content, and alone may reveal
    /// a reporter's identity.
    Chief,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 2] = [Role::Officer, Role::Chief];

    /// Stable id, stored in `officers.role`.
    pub fn id(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Chief => "chief",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// The commands, by canonical name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandName {
    /// `/help`.
    Help,
    /// `/cases`.
    Cases,
    /// `/case`.
    Case,
    /// `/claim`.
    Claim,
    /// `/assign`.
    Assign,
    /// `/status`.
    Status,
    /// `/note`.
    Note,
    /// `/reply`.
    Reply,
    /// `/update`.
    Update,
    /// `/news`.
    News,
    /// `/warn`.
    Warn,
    /// `/alert`.
    Alert,
    /// `/group`.
    Group,
    /// `/reveal`.
    Reveal,
    /// `/stats`.
    Stats,
    /// `/oncall`.
    OnCall,
    /// `/officer`.
    Officer,
    /// `/web`: a login link to the web console.
    Web,
}

impl CommandName {
    /// Every command, in the order `/help` lists them.
    pub const ALL: [CommandName; 18] = [
        CommandName::Help,
        CommandName::Cases,
        CommandName::Case,
        CommandName::Claim,
        CommandName::Assign,
        CommandName::Status,
        CommandName::Note,
        CommandName::Reply,
        CommandName::Update,
        CommandName::News,
        CommandName::Warn,
        CommandName::Alert,
        CommandName::Group,
        CommandName::Reveal,
        CommandName::Stats,
        CommandName::OnCall,
        CommandName::Officer,
        CommandName::Web,
    ];

    /// Canonical English name, for audit rows, metrics and help.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::Help => "help",
            CommandName::Cases => "cases",
            CommandName::Case => "case",
            CommandName::Claim => "claim",
            CommandName::Assign => "assign",
            CommandName::Status => "status",
            CommandName::Note => "note",
            CommandName::Reply => "reply",
            CommandName::Update => "update",
            CommandName::News => "news",
            CommandName::Warn => "warn",
            CommandName::Alert => "alert",
            CommandName::Group => "group",
            CommandName::Reveal => "reveal",
            CommandName::Stats => "stats",
            CommandName::OnCall => "oncall",
            CommandName::Officer => "officer",
            CommandName::Web => "web",
        }
    }
}

/// What an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// An officer's command (run or refused).
    Command(CommandName),
    /// A text starting with `/` that is not a valid command.
    Parse,
    /// The chief registered at start-up from `officers.chief_id`.
    BootstrapChief,
    /// A new officer registered themselves with the chief's one-time invite code.
    InviteRedeemed,
    /// The chief rewrote a news item or warning in the web console.
    NewsEdited,
    /// The chief withdrew a news item or warning in the web console.
    NewsExpired,
}

impl AuditAction {
    /// Stable id, stored in `audit_log.action`.
    pub fn id(self) -> &'static str {
        match self {
            AuditAction::Command(name) => name.as_str(),
            AuditAction::Parse => "parse",
            AuditAction::BootstrapChief => "bootstrap_chief",
            AuditAction::InviteRedeemed => "invite_redeemed",
            AuditAction::NewsEdited => "news_edit",
            AuditAction::NewsExpired => "news_expire",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<AuditAction> {
        match id {
            "parse" => Some(AuditAction::Parse),
            "bootstrap_chief" => Some(AuditAction::BootstrapChief),
            "invite_redeemed" => Some(AuditAction::InviteRedeemed),
            "news_edit" => Some(AuditAction::NewsEdited),
            "news_expire" => Some(AuditAction::NewsExpired),
            _ => CommandName::ALL
                .into_iter()
                .find(|c| c.as_str() == id)
                .map(AuditAction::Command),
        }
    }
}

impl From<CommandName> for AuditAction {
    fn from(name: CommandName) -> AuditAction {
        AuditAction::Command(name)
    }
}

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Not allowed for this officer's role.
    Refused,
    /// The command could not be understood.
    Error,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Refused, Outcome::Error];

    /// Stable id, stored in `audit_log.outcome`.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Error => "error",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_id(role.id()), Some(role));
        }
        for name in CommandName::ALL {
            let action = AuditAction::from(name);
            assert_eq!(AuditAction::from_id(action.id()), Some(action));
        }
        for action in [
            AuditAction::Parse,
            AuditAction::BootstrapChief,
            AuditAction::InviteRedeemed,
            AuditAction::NewsEdited,
            AuditAction::NewsExpired,
        ] {
            assert_eq!(AuditAction::from_id(action.id()), Some(action));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::from_id(outcome.id()), Some(outcome));
        }
        assert_eq!(Role::from_id("admin"), None);
        assert_eq!(AuditAction::from_id("warning"), None);
    }
}
