//! The workers between the webhook and Zalo: the inbox worker turns stored events into replies,
//! the delivery worker sends the outbox to the OA API with access tokens from the token manager
//! (which keeps them in our store). Both workers lease rows, so a crash or a second process
//! never loses or doubles work.

mod after_call;
pub mod call_budget;
pub mod delivery;
pub mod group_sync;
pub mod inbox;
pub mod retention;
pub mod token;

use std::time::Duration;

use rand::Rng;
use tokio_util::sync::CancellationToken;

/// Queues what a turn produced in the outbox, inside the caller's transaction: each reply in
/// as many parts as Zalo needs ([`parts`]), then the other API calls. Row keys start with
/// `prefix` (the inbox event's, or a web console action's) so a retried transaction queues
/// nothing twice. Returns whether anything was queued (the caller wakes the delivery workers).
#[allow(clippy::too_many_arguments)]
pub async fn enqueue_replies(
    store: &crate::store::Store,
    tx: &mut crate::store::Tx,
    vault: &crate::vault::Vault,
    prefix: &str,
    inbox_id: Option<i64>,
    replies: &[crate::conversation::Reply],
    calls: &[crate::conversation::ApiCall],
    now: crate::time::Timestamp,
) -> sqlx::Result<bool> {
    use crate::conversation::outbox::{outbound, outbound_call};
    for (n, reply) in replies.iter().enumerate() {
        for (k, part) in parts(&reply.message).iter().enumerate() {
            let key = match k {
                0 => format!("{prefix}:{n}"),
                k => format!("{prefix}:{n}:{k}"),
            };
            let mut msg = outbound(vault, key, inbox_id, &reply.to, part);
            msg.priority = reply.priority;
            store.enqueue(tx, &msg, false, now).await?;
        }
    }
    for (n, call) in calls.iter().enumerate() {
        let msg = outbound_call(
            vault,
            format!("{prefix}:call:{n}"),
            inbox_id,
            &call.to,
            Some(&call.path),
            call.body.clone(),
            call.then.as_ref(),
        );
        store.enqueue(tx, &msg, false, now).await?;
    }
    Ok(!replies.is_empty() || !calls.is_empty())
}

/// A message as Zalo will take it: text longer than Zalo's 2,000 characters is split on
/// paragraph, line, sentence or word boundaries into as many messages as it needs, in order;
/// the first part quotes the resident's message and the last carries the buttons. Nothing is
/// ever cut or dropped. Button titles over Zalo's limit are shortened at a word.
pub fn parts(message: &crate::zalo::messages::CsMessage) -> Vec<crate::zalo::messages::CsMessage> {
    use crate::conversation::text::{split_message, truncate_title};
    use crate::zalo::messages::{
        Button, CsMessage, MAX_BUTTONS, MAX_BUTTON_TITLE_CHARS, MAX_TEXT_CHARS,
    };
    let mut texts = split_message(&message.text, MAX_TEXT_CHARS);
    if texts.is_empty() {
        texts.push(message.text.clone());
    }
    let mut buttons = message.buttons.clone();
    if buttons.len() > MAX_BUTTONS {
        tracing::error!(
            buttons = buttons.len(),
            "more buttons than Zalo shows; the last ones are left out"
        );
        buttons.truncate(MAX_BUTTONS);
    }
    for button in &mut buttons {
        let (Button::Query { title, .. } | Button::Phone { title, .. } | Button::Url { title, .. }) =
            button;
        if title.chars().count() > MAX_BUTTON_TITLE_CHARS {
            *title = truncate_title(title, MAX_BUTTON_TITLE_CHARS);
        }
    }
    let last = texts.len() - 1;
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| CsMessage {
            text,
            buttons: if i == last {
                buttons.clone()
            } else {
                Vec::new()
            },
            quote_msg_id: if i == 0 {
                message.quote_msg_id.clone()
            } else {
                None
            },
            image_url: if i == last {
                message.image_url.clone()
            } else {
                None
            },
            form: if i == last {
                message.form.clone()
            } else {
                None
            },
        })
        .collect()
}

#[cfg(test)]
mod parts_tests {
    use super::parts;
    use crate::zalo::messages::{Button, CsMessage};

    #[test]
    fn a_long_text_goes_out_whole_in_order_with_the_buttons_last() {
        let sentence = "Đây là một câu trả lời khá dài của cán bộ về tin báo. ";
        let text = sentence.repeat(80); // ~4,300 characters
        let message = CsMessage::text(text.clone())
            .with_buttons(vec![Button::query("Về menu chính", "#menu")])
            .quoting(Some("m1"));
        let parts = parts(&message);
        assert!(parts.len() >= 3);
        assert!(parts.iter().all(|p| p.check_limits().is_ok()));
        let joined: String = parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(words(&joined), words(&text), "nothing cut or dropped");
        assert_eq!(parts[0].quote_msg_id.as_deref(), Some("m1"));
        assert!(parts[1..].iter().all(|p| p.quote_msg_id.is_none()));
        assert!(parts[..parts.len() - 1]
            .iter()
            .all(|p| p.buttons.is_empty()));
        assert_eq!(parts.last().unwrap().buttons.len(), 1);
    }

    #[test]
    fn a_short_message_is_one_part_unchanged() {
        let message = CsMessage::text("ngắn").with_buttons(vec![Button::query("x", "#menu")]);
        assert_eq!(parts(&message), vec![message]);
    }
}

/// Exponential backoff with "equal" jitter: a random delay in `[cap/2, cap]`, where
/// `cap = min(max, base·2^attempt)`, so retries spread out but never come back at once.
/// Written here rather than taken from a crate because the schedule is persisted in the outbox
/// row (`next_attempt_at`), not slept in memory.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exp = base.saturating_mul(1u32.checked_shl(attempt.min(30)).unwrap_or(u32::MAX));
    let cap = exp.min(max).as_millis() as u64;
    Duration::from_millis(rand::thread_rng().gen_range(cap / 2..=cap.max(1)))
}

/// Waits for a wake-up, the poll interval, or shutdown; `false` means stop.
async fn idle(notify: &tokio::sync::Notify, poll: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = notify.notified() => true,
        _ = tokio::time::sleep(poll) => true,
        _ = shutdown.cancelled() => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(10);
        for _ in 0..100 {
            assert!(backoff(0, base, max) <= base);
            let d = backoff(3, base, max);
            assert!(d >= Duration::from_millis(400) && d <= Duration::from_millis(800));
            assert!(backoff(40, base, max) <= max);
        }
    }
}
