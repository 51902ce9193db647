//! How the station addresses a resident: "anh/chị" by default, "ông/bà" once they write as an
//! elderly person ("bà hỏi cái này", "tôi năm nay 76 tuổi", "ông già rồi không rành"). The texts
//! say "anh/chị"; replies to an elderly resident have it swapped just before they leave.

use super::Bot;
use crate::conversation::{Reply, Turn};
use crate::ids::ZaloId;
use crate::lang::fold;

/// Stored value for "ông/bà".
const ELDERLY: &str = "ong_ba";

/// Whether a message is written by an elderly person speaking of themselves.
pub fn writes_as_elderly(text: &str) -> bool {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    // Self-reference as "ông"/"bà" at the start ("bà hỏi…", "dạ ông muốn…"), or to a young
    // listener ("cháu ơi", "con ơi").
    let mut rest = words
        .iter()
        .skip_while(|w| matches!(**w, "da" | "vang" | "chao" | "xin" | "oi"));
    let start = matches!(rest.next(), Some(&"ong" | &"ba" | &"bac"))
        && matches!(
            rest.next(),
            Some(
                &"hoi"
                    | &"muon"
                    | &"can"
                    | &"xin"
                    | &"nho"
                    | &"khong"
                    | &"chang"
                    | &"gia"
                    | &"biet"
                    | &"doc"
                    | &"go"
                    | &"thay"
                    | &"di"
                    | &"ve"
                    | &"goi"
                    | &"dang"
                    | &"lam"
                    | &"nay"
                    | &"o"
                    | &"co"
                    | &"bi"
            )
        )
        && words.len() >= 3;
    let to_young = crate::cases::contains_words(&folded, "chau oi")
        || crate::cases::contains_words(&folded, "con oi")
        || crate::cases::contains_words(&folded, "cac chau");
    let old_age = words.windows(3).any(|w| {
        matches!(w[0], "nay" | "da" | "gia")
            && w[1]
                .parse::<u32>()
                .is_ok_and(|age| (60..=110).contains(&age))
            && w[2] == "tuoi"
    }) || ["nguoi gia", "gia roi", "tuoi gia", "ve huu"]
        .iter()
        .any(|p| crate::cases::contains_words(&folded, p) && folded.contains("toi"));
    start || to_young || old_age
}

/// "anh/chị" → "ông/bà" in a text meant for an elderly resident.
pub fn to_elderly(text: &str) -> String {
    text.replace("anh/chị", "ông/bà")
        .replace("Anh/chị", "Ông/bà")
}

impl Bot {
    /// Whether the resident of the turn is addressed "ông/bà": read once per event, and
    /// remembered the first time they write as an elderly person.
    pub(super) async fn honorific(&self, turn: &mut Turn<'_>) -> sqlx::Result<bool> {
        let known = turn
            .store
            .resident(turn.tx, turn.user_key)
            .await?
            .is_some_and(|r| r.honorific.as_deref() == Some(ELDERLY));
        if known {
            return Ok(true);
        }
        let writes_so = turn.event.text().is_some_and(writes_as_elderly);
        if writes_so {
            turn.store
                .set_resident_honorific(turn.tx, turn.user_key, ELDERLY, turn.now)
                .await?;
        }
        Ok(writes_so)
    }
}

/// Addresses the replies to `resident` as they should be ("ông/bà" for an elderly resident).
pub(super) fn address(resident: &ZaloId, mut replies: Vec<Reply>, elderly: bool) -> Vec<Reply> {
    if elderly {
        for reply in replies.iter_mut().filter(|r| &r.to == resident) {
            reply.message.text = to_elderly(&reply.message.text);
        }
    }
    replies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elderly_writers() {
        for text in [
            "bà hỏi cái này với cháu ơi",
            "Dạ ông muốn làm lại căn cước",
            "tôi năm nay 76 tuổi không rành điện thoại",
            "con oi cho ba hoi lam giay to o dau",
        ] {
            assert!(writes_as_elderly(text), "{text}");
        }
        for text in [
            "ông hàng xóm hát karaoke suốt đêm",
            "bà nội tôi bị lạc",
            "nhà tôi bị trộm xe",
            "ba tôi bị mất ví",
        ] {
            assert!(!writes_as_elderly(text), "{text}");
        }
    }

    #[test]
    fn swaps_the_address() {
        assert_eq!(
            to_elderly("Anh/chị chờ nhé, cảm ơn anh/chị"),
            "Ông/bà chờ nhé, cảm ơn ông/bà"
        );
    }
}
