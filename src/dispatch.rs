//! The one place that decides who handles an event: a registered officer's message goes to the
//! officers' console, an invited officer's one-time code registers them, a resident's follow or
//! message or chat-now tap goes to the resident bot, a member's message in a khu phố group goes
//! to the bot's group rules (whoever wrote it), an unfollow ends the resident's dialogue, a
//! withdrawal erases the resident's identity, and receipts,
//! echoes and unknown events need no answer. The inbox worker calls [`Dispatcher::handle`]
//! inside the event's transaction.

use crate::bot::Bot;
use crate::conversation::{Reply, Turn};
use crate::lang::nfc;
use crate::officers::Console;
use crate::zalo::events::EventKind;

/// Routes each event to the resident bot or the officers' console.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    bot: Bot,
    console: Console,
}

impl Dispatcher {
    /// Both sides of the conversation.
    pub fn new(bot: Bot, console: Console) -> Dispatcher {
        Dispatcher { bot, console }
    }

    /// Trains the classifier now rather than on the first message.
    pub fn warm_up(&self) {
        self.bot.warm_up();
    }

    /// The replies to one event.
    pub async fn handle(&self, turn: &mut Turn<'_>) -> sqlx::Result<Vec<Reply>> {
        let kind = turn.event.kind();
        match kind {
            EventKind::Unfollow => {
                turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
                return Ok(Vec::new());
            }
            // A data-subject request (docs/PLATFORM.md §2.2): their identity goes at once, and
            // nothing is sent — there is no one left to address.
            EventKind::Management if turn.event.event_name == "user_withdraw" => {
                let erased = turn.store.erase_resident(turn.tx, turn.user_key).await?;
                tracing::info!(
                    cases = erased.cases,
                    messages = erased.messages,
                    "resident withdrew: identity erased, cases kept under the pseudonym"
                );
                return Ok(Vec::new());
            }
            // In a group nobody runs commands, officers included: a group is public.
            EventKind::Group if turn.event.is_group_message() => {
                return self.bot.group_message(turn).await
            }
            // "Nhắn tin" on the OA profile opens the reply window: answered like a follow.
            EventKind::Follow | EventKind::ChatNow | EventKind::UserMessage => {}
            // Contact details from Zalo's form: kept only with the resident's consent.
            EventKind::SubmitInfo => {
                if turn.store.officer(turn.tx, turn.user_key).await?.is_some() {
                    return Ok(Vec::new());
                }
                return self.bot.submit_info(turn).await;
            }
            // A visitor not logged in to Zalo: plain answers, never a report or a command.
            EventKind::Anonymous if turn.event.event_name.starts_with("anonymous_send_") => {
                return self.bot.anonymous(turn).await;
            }
            _ => return Ok(Vec::new()),
        }
        if let Some(officer) = turn.store.officer(turn.tx, turn.user_key).await? {
            let text = turn.event.text().map(nfc).unwrap_or_default();
            return self.console.handle(turn, &officer, text.trim()).await;
        }
        // Someone the chief invited, sending their code: registered as an officer.
        if let Some(text) = turn.event.text().map(nfc) {
            if let Some(replies) = self.console.redeem(turn, text.trim()).await? {
                return Ok(replies);
            }
        }
        self.bot.handle(turn).await
    }
}
