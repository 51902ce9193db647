//! The officers' case console inside Zalo: a registered officer's message is a command, checked
//! for the sender's role, carried out in the event's transaction, and written to the audit log
//! — refusals included.
//! A button's tap is its payload sent back as a message, so the buttons under pages and
//! new-case notices ([`case_buttons`]) carry the command itself. A newcomer's invite code
//! ([`Console::redeem`]) is the one message the console takes from someone not yet an officer.

mod admin;
pub mod command;
mod content;
mod groups;
mod handling;
mod invite;
pub mod sla;
pub mod web;

pub(crate) use handling::may_see;

use crate::access::{AuditAction, Outcome};
use crate::store::NewsKind;
use command::{Command, ParseError, Role};
use handling::{CaseAction, Relayed};

use crate::cases::{CaseCode, Status};
use crate::config::ServiceLevelSettings;
use crate::conversation::texts::Texts;
use crate::conversation::{BotConfig, Reply, Turn};
use crate::store::{CaseRow, OfficerRow};
use crate::zalo::messages::{Button, CsMessage};

/// Runs officers' commands.
#[derive(Debug, Clone)]
pub struct Console {
    texts: Texts,
    config: BotConfig,
    service: ServiceLevelSettings,
    /// `console.public_url`: where `/web` links point.
    web_url: String,
}

impl Console {
    /// Builds the console; `web_url` is the web console's public address (`/web` links).
    pub fn new(
        texts: Texts,
        config: BotConfig,
        service: ServiceLevelSettings,
        web_url: String,
    ) -> Console {
        Console {
            texts,
            config,
            service,
            web_url,
        }
    }

    /// Handles one message from a registered officer.
    pub async fn handle(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.officer;
        let command = match command::parse_in(text, &self.config.station.areas) {
            Ok(command) => command,
            Err(ParseError::NotACommand) => {
                let hello = t.not_a_command.render(&[("name", &officer.name)]);
                return Ok(vec![self.say(turn, hello)]);
            }
            Err(err) => {
                self.audit(
                    turn,
                    officer,
                    AuditAction::Parse,
                    None,
                    Outcome::Error,
                    Some(&err.to_string()),
                )
                .await?;
                let wrong = t.unknown_command.render(&[("error", &err.to_string())]);
                return Ok(vec![self.say(turn, wrong)]);
            }
        };
        self.run(turn, officer, command).await
    }

    /// Carries out a parsed command for an officer: the role check, the action and its audit
    /// row. Zalo messages come here through [`Console::handle`]; the web console builds the
    /// same commands from its forms, so each action has one implementation and one audit trail.
    pub async fn run(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        command: Command,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.officer;
        let name = command.name();
        if command.required_role() == Role::Chief && !officer.is_chief() {
            let target = command_target(&command);
            self.audit(
                turn,
                officer,
                name,
                target.as_deref(),
                Outcome::Refused,
                None,
            )
            .await?;
            let refused = t.refused.render(&[("command", name.as_str())]);
            return Ok(vec![self.say(turn, refused)]);
        }
        metrics::counter!("ketnoi_officer_commands_total", "command" => name.as_str()).increment(1);
        match command {
            Command::Help => Ok(vec![self.say(turn, command::help(officer.is_chief()))]),
            Command::Cases { filter, page } => self.list(turn, officer, filter, page).await,
            Command::Case { code } => self.show(turn, officer, &code).await,
            Command::Claim { code } => self.act(turn, officer, &code, CaseAction::Claim).await,
            Command::Assign {
                code,
                officer: handle,
            } => {
                self.act(turn, officer, &code, CaseAction::Assign(&handle))
                    .await
            }
            Command::Status { code, status, note } => {
                let action = CaseAction::Status {
                    status,
                    note: note.as_deref(),
                };
                self.act(turn, officer, &code, action).await
            }
            Command::Note { code, text } => {
                self.act(turn, officer, &code, CaseAction::Note(&text))
                    .await
            }
            Command::Reply { code, text } => {
                let action = CaseAction::Relay {
                    text: &text,
                    kind: Relayed::Reply,
                };
                self.act(turn, officer, &code, action).await
            }
            Command::Update { code, text } => {
                let action = CaseAction::Relay {
                    text: &text,
                    kind: Relayed::Update,
                };
                self.act(turn, officer, &code, action).await
            }
            Command::News { title, text } => {
                self.post(turn, officer, NewsKind::News, &title, &text)
                    .await
            }
            Command::Warn { title, text } => {
                self.post(turn, officer, NewsKind::Warning, &title, &text)
                    .await
            }
            Command::Alert { area, text } => self.alert(turn, officer, &area, &text).await,
            Command::Group(action) => self.group(turn, officer, action).await,
            Command::Reveal { code, reason } => self.reveal(turn, officer, &code, &reason).await,
            Command::Stats { days } => self.stats(turn, officer, days).await,
            Command::OnCall(action) => self.on_call(turn, officer, action).await,
            Command::Officer(action) => self.manage(turn, officer, action).await,
            Command::Web => self.web(turn, officer).await,
        }
    }

    /// A message back to the officer who wrote; a long one (a case card with a long account
    /// and timeline) goes out in as many parts as it needs (`pipeline::parts`).
    fn say(&self, turn: &Turn<'_>, text: String) -> Reply {
        Reply::new(turn.user_id.clone(), CsMessage::text(text))
    }

    /// Appends to the audit log; `detail` is sealed.
    async fn audit(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        action: impl Into<AuditAction>,
        target: Option<&str>,
        outcome: Outcome,
        detail: Option<&str>,
    ) -> sqlx::Result<()> {
        let sealed = detail.map(|d| turn.vault.seal(d.as_bytes()));
        turn.store
            .audit(
                turn.tx,
                officer.user_key.as_str(),
                Some(&officer.handle),
                action.into(),
                target,
                outcome,
                sealed.as_deref(),
                turn.now,
            )
            .await
    }

    fn category_label(&self, case: &CaseRow) -> String {
        self.texts.category[case.category].to_owned()
    }

    fn status_label(&self, status: Status) -> String {
        self.texts.status[status].to_owned()
    }
}

/// The case code or handle a command is about, for the audit row.
fn command_target(command: &Command) -> Option<String> {
    match command {
        Command::Case { code }
        | Command::Claim { code }
        | Command::Assign { code, .. }
        | Command::Status { code, .. }
        | Command::Note { code, .. }
        | Command::Reply { code, .. }
        | Command::Update { code, .. }
        | Command::Reveal { code, .. } => Some(code.to_string()),
        Command::Alert { area, .. } => Some(area.clone()),
        _ => None,
    }
}

/// The buttons under a page or a new-case notice: claim the case, see its card. A tap sends
/// the command itself, which the console runs like a typed one.
pub fn case_buttons(texts: &Texts, code: &CaseCode) -> Vec<Button> {
    vec![
        Button::query(&texts.officer.claim_button, format!("/claim {code}")),
        Button::query(&texts.officer.view_button, format!("/case {code}")),
    ]
}

/// How long ago, for officers' messages ("5 phút", "3 giờ", "2 ngày").
pub(crate) fn handling_age(texts: &Texts, span: std::time::Duration) -> String {
    handling::age(&texts.officer.age, span)
}
