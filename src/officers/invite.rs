//! Registering an officer without knowing their Zalo id: the chief's `/officer invite` makes a
//! one-time code (short, readable aloud, valid [`INVITE_HOURS`], stored only as a keyed hash);
//! the new officer sends it to the OA from their own Zalo, and the id is taken from that event.

use std::time::Duration;

use rand::Rng;

use super::Console;
use crate::access::{AuditAction, Outcome, Role};
use crate::conversation::{Reply, Turn};
use crate::lang::strip_marks;
use crate::store::{InviteRow, OfficerRow};
use crate::zalo::messages::CsMessage;

/// How long an invite code works.
pub(super) const INVITE_HOURS: u64 = 24;
/// Every code starts with this ("mời"), so it reads as an invite and cannot be a reply.
const PREFIX: &str = "MOI";
/// Letters and digits that cannot be mistaken for one another when read out or retyped (no
/// 0/O, 1/I/L, U/V).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
/// Random characters after the prefix: 29^8 ≈ 5·10^11 codes, one use, one day.
const RANDOM_CHARS: usize = 8;
/// Handle for an invite without a name.
const DEFAULT_HANDLE: &str = "canbo";

impl Console {
    /// Makes an invite and answers the chief with its code (shown only this once).
    pub(super) async fn invite(
        &self,
        turn: &mut Turn<'_>,
        chief: &OfficerRow,
        name: Option<String>,
        role: Role,
    ) -> sqlx::Result<String> {
        let t = &self.texts.officer;
        let base = name
            .as_deref()
            .map_or_else(|| DEFAULT_HANDLE.to_owned(), handle_from_name);
        let handle = free_handle(turn, &base).await?;
        let name = name.unwrap_or_else(|| t.invite_default_name.render(&[("handle", &handle)]));
        let code = new_code();
        let expires = turn.now.plus(Duration::from_secs(INVITE_HOURS * 3600));
        let invite = InviteRow {
            handle: handle.clone(),
            name: name.clone(),
            role,
            created_by: chief.user_key.as_str().to_owned(),
        };
        let hash = turn
            .vault
            .keyed_hash("invite", &normalise(&code).unwrap_or_default());
        turn.store
            .create_invite(turn.tx, &hash, &invite, turn.now, expires)
            .await?;
        Ok(t.invite_created.render(&[
            ("code", &code),
            ("name", &name),
            ("handle", &handle),
            ("role", role.id()),
            ("hours", &INVITE_HOURS.to_string()),
        ]))
    }

    /// A message from someone who is not an officer: if it is an invite code, registers them
    /// (or says the code is no good); `None` for anything else, which is the resident bot's.
    pub async fn redeem(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
    ) -> sqlx::Result<Option<Vec<Reply>>> {
        let Some(code) = normalise(text) else {
            return Ok(None);
        };
        let t = &self.texts.officer;
        let hash = turn.vault.keyed_hash("invite", &code);
        let Some(invite) = turn
            .store
            .redeem_invite(turn.tx, &hash, turn.user_key, turn.now)
            .await?
        else {
            let invalid = CsMessage::text(t.invite_invalid.to_string());
            return Ok(Some(vec![Reply::new(turn.user_id.clone(), invalid)]));
        };
        // Someone may have been given the handle since the invite was made.
        let handle = free_handle(turn, &invite.handle).await?;
        let sealed = turn.vault.seal(turn.user_id.as_str().as_bytes());
        turn.store
            .release_handle(turn.tx, &handle, turn.now)
            .await?;
        turn.store
            .upsert_officer(
                turn.tx,
                turn.user_key,
                &sealed,
                &handle,
                &invite.name,
                invite.role,
                turn.now,
            )
            .await?;
        turn.store
            .audit(
                turn.tx,
                turn.user_key.as_str(),
                Some(&handle),
                AuditAction::InviteRedeemed,
                Some(&handle),
                Outcome::Ok,
                None,
                turn.now,
            )
            .await?;
        let names = [("name", invite.name.as_str()), ("handle", handle.as_str())];
        let mut replies = vec![Reply::new(
            turn.user_id.clone(),
            CsMessage::text(t.invite_welcome.render(&names)),
        )];
        let inviter = crate::ids::UserKey::new(invite.created_by);
        if let Some(chief) = turn.store.officer(turn.tx, &inviter).await? {
            if let Ok(to) = turn.vault.open_zalo_id(&chief.zalo_id_sealed) {
                replies.push(Reply::new(
                    to,
                    CsMessage::text(t.invite_joined.render(&names)),
                ));
            }
        }
        Ok(Some(replies))
    }
}

/// A fresh code as shown to the chief: `MOI-7K3M-9QX2`.
fn new_code() -> String {
    let mut rng = rand::thread_rng();
    let random: String = (0..RANDOM_CHARS)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    let (a, b) = random.split_at(RANDOM_CHARS / 2);
    format!("{PREFIX}-{a}-{b}")
}

/// The code in a message, in the one form that is hashed (`MOI7K3M9QX2`), however it was
/// retyped (`moi 7k3m 9qx2`, `MOI-7K3M-9QX2.`); `None` when the message is anything else.
fn normalise(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let only_code = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '.' | ':'));
    let random = compact.strip_prefix(PREFIX)?;
    (only_code && random.len() == RANDOM_CHARS && random.bytes().all(|b| ALPHABET.contains(&b)))
        .then_some(compact)
}

/// A handle from a Vietnamese full name: the given name, which comes last ("Nguyễn Văn An" →
/// `an`), in lowercase ASCII.
fn handle_from_name(name: &str) -> String {
    let given = name.split_whitespace().last().unwrap_or_default();
    let handle: String = strip_marks(given)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if handle.is_empty() {
        DEFAULT_HANDLE.to_owned()
    } else {
        handle
    }
}

/// `base`, or `base2`, `base3`… — the first no active officer has.
async fn free_handle(turn: &mut Turn<'_>, base: &str) -> sqlx::Result<String> {
    let mut n = 1;
    loop {
        let handle = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}{n}")
        };
        match turn.store.officer_by_handle(turn.tx, &handle).await? {
            Some(officer) if &officer.user_key != turn.user_key => n += 1,
            _ => return Ok(handle),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_back_however_they_are_retyped() {
        let code = new_code();
        assert_eq!(code.len(), 13, "{code}");
        let compact = normalise(&code).expect("a fresh code is a code");
        for typed in [
            code.to_lowercase(),
            code.replace('-', " "),
            format!(" {code}. "),
        ] {
            assert_eq!(
                normalise(&typed).as_deref(),
                Some(compact.as_str()),
                "{typed}"
            );
        }
        for not in [
            "MOI-7K3M-9QX",
            "moi ban an com",
            "MOI-0K3M-9QX2",
            "Mời 7K3M 9QX2",
        ] {
            assert_eq!(normalise(not), None, "{not}");
        }
    }

    #[test]
    fn handles_come_from_the_given_name() {
        assert_eq!(handle_from_name("Thượng úy Nguyễn Văn Bình"), "binh");
        assert_eq!(handle_from_name("Đặng Thị Đào"), "dao");
        assert_eq!(handle_from_name("—"), DEFAULT_HANDLE);
    }
}
