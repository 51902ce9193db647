//! What a resident types instead of tapping a button. Elderly residents rarely tap: they answer
//! "đồng ý", "ok", "gửi đi", "không có", "thôi" — with or without diacritics, with a polite
//! particle ("ạ", "nhé"). Every button the bot shows has typed equivalents here, matched on the
//! whole folded message (minus courtesy words), never on a substring, so "không có ảnh" is an
//! answer but "không có ai ở nhà" is not.

use crate::lang::fold;

/// A typed answer that stands for a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// "đồng ý", "ok", "gửi", "có", "được": go ahead with the step's main choice.
    Yes,
    /// "không", "chưa", "không phải": the negative choice of a yes/no question.
    No,
    /// "gửi ẩn danh", "không cần liên hệ": send without consent to be contacted.
    SendNoContact,
    /// "cho liên hệ", "gửi và cho liên hệ": send with consent to be contacted.
    SendWithContact,
    /// "không có", "xong", "bỏ qua", "hết rồi": nothing (more) to give at this step.
    Done,
    /// "không nhớ", "không biết", "không rõ".
    DontKnow,
    /// "quay lại", "sửa lại": one step back.
    Back,
    /// "menu", "trở về", "về menu": the main menu (a draft is kept).
    Menu,
    /// "hủy", "thôi", "thôi khỏi", "không báo nữa": cancel what is in progress.
    Cancel,
    /// "tiếp tục", "báo tiếp": resume a paused draft.
    Resume,
    /// "vừa xong", "vừa xảy ra", "ngay bây giờ".
    JustNow,
    /// "hôm nay".
    Today,
}

/// Courtesy and filler words that do not change the answer ("dạ đồng ý ạ", "ok nhé").
const FILLER: &[&str] = &[
    "a", "da", "vang", "nhe", "nha", "nhen", "ne", "di", "roi", "luon", "em", "anh", "chi", "con",
    "chau", "toi", "tui", "minh", "ban", "oi", "admin", "voi", "giup", "gium", "dum", "nhe", "cam",
    "on", "thoi", "la", "ma",
];

/// Phrases, folded, for each answer. Order matters: more specific lists come first.
const PHRASES: &[(Typed, &[&str])] = &[
    (
        Typed::Cancel,
        &[
            "huy",
            "huy bo",
            "huy tin bao",
            "huy tin",
            "huy bao tin",
            "thoi",
            "thoi khoi",
            "thoi khong bao nua",
            "thoi khong can",
            "thoi bo di",
            "khong bao nua",
            "khong bao",
            "khong muon bao nua",
            "khong gui nua",
            "khong gui",
            "dung lai",
            "dung",
            "bo di",
            "bo",
            "cancel",
            "stop",
            "khoi",
            "khoi bao",
            "thoi khoi bao",
        ],
    ),
    (
        Typed::SendNoContact,
        &[
            "gui an danh",
            "gui khong can lien he lai",
            "khong can lien he lai",
            "an danh",
            "giu an danh",
            "gui khong can lien he",
            "khong can lien he",
            "khong lien he",
            "khong can lien lac",
            "khong can goi lai",
            "khong can goi",
            "dung lien he",
            "khong muon lien he",
            "khong muon duoc lien he",
            "gui khong lien he",
            "gui bi mat",
        ],
    ),
    (
        Typed::SendWithContact,
        &[
            "cho lien he",
            "cho phep lien he",
            "duoc lien he",
            "lien he duoc",
            "co the lien he",
            "gui cho phep lien he",
            "gui va cho lien he",
            "gui cho lien he",
            "gui cho lien he lai",
            "dong y lien he",
            "dong y cho lien he",
            "goi lai cho",
            "lien he lai",
            "can lien he",
            "muon duoc lien he",
            "co lien he",
        ],
    ),
    (
        Typed::Back,
        &[
            "quay lai",
            "lui lai",
            "tro lai",
            "sua lai",
            "sua",
            "back",
            "buoc truoc",
            "quay lai buoc truoc",
        ],
    ),
    (
        Typed::Menu,
        &[
            "menu",
            "ve menu",
            "menu chinh",
            "ve menu chinh",
            "trang chu",
            "tro ve",
            "ve trang chinh",
            "muc chinh",
        ],
    ),
    (
        Typed::Resume,
        &[
            "tiep tuc",
            "tiep",
            "bao tiep",
            "viet tiep",
            "lam tiep",
            "tiep tuc bao tin",
            "tiep tuc tin bao",
        ],
    ),
    (
        Typed::Done,
        &[
            "khong co",
            "khong co anh",
            "khong co hinh",
            "khong co gi",
            "khong co video",
            "khong co tep",
            "khong co a",
            "khong co gi them",
            "het",
            "het roi",
            "xong",
            "xong roi",
            "bo qua",
            "skip",
            "khong them",
            "khong can",
            "du roi",
            "vay thoi",
            "chi vay",
            "chua co",
        ],
    ),
    (
        Typed::DontKnow,
        &[
            "khong nho",
            "khong biet",
            "khong ro",
            "khong nho ro",
            "khong biet ro",
            "chiu",
            "quen roi",
            "khong nho nua",
        ],
    ),
    (
        Typed::JustNow,
        &[
            "vua xong",
            "vua xay ra",
            "vua moi",
            "vua nay",
            "ngay bay gio",
            "bay gio",
            "luc nay",
            "moi xay ra",
            "dang xay ra",
        ],
    ),
    (Typed::Today, &["hom nay", "trong ngay", "hom nay luon"]),
    (
        Typed::Yes,
        &[
            "dong y",
            "ok",
            "oke",
            "okie",
            "okay",
            "oki",
            "okela",
            "uh",
            "uhm",
            "u",
            "um",
            "co",
            "duoc",
            "dung roi",
            "dung",
            "chinh xac",
            "gui",
            "gui di",
            "gui tin",
            "gui tin bao",
            "gui bao",
            "gui luon",
            "xac nhan",
            "yes",
            "y",
            "ung",
            "chuan",
            "vang dung",
            "nhat tri",
            "duyet",
            "gui tin bao di",
            "bao di",
            "gui nhe",
            "gui cho can bo",
            "gui bo sung",
        ],
    ),
    (
        Typed::No,
        &[
            "khong",
            "khong phai",
            "khong dung",
            "chua",
            "no",
            "sai",
            "sai roi",
            "khong phai vay",
        ],
    ),
];

/// The answer a whole message stands for, if it is one of the typed forms above.
pub fn typed(text: &str) -> Option<Typed> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    let exact = words.join(" ");
    if let Some(t) = lookup(&exact) {
        return Some(t);
    }
    // Drop courtesy words at either end ("dạ đồng ý ạ", "ok nhé em") and try again; a phrase
    // made only of filler ("thôi") was matched above.
    let mut core: &[&str] = &words;
    while let Some((first, rest)) = core.split_first() {
        if FILLER.contains(first) && !rest.is_empty() {
            core = rest;
        } else {
            break;
        }
    }
    while let Some((last, rest)) = core.split_last() {
        if FILLER.contains(last) && !rest.is_empty() {
            core = rest;
        } else {
            break;
        }
    }
    lookup(&core.join(" "))
}

fn lookup(phrase: &str) -> Option<Typed> {
    PHRASES
        .iter()
        .find(|(_, list)| list.contains(&phrase))
        .map(|(t, _)| *t)
}

/// A number typed on its own ("2", "số 2", "chọn 3"), for numbered lists.
pub fn typed_number(text: &str) -> Option<usize> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [n] | ["so", n] | ["chon", n] | ["chon", "so", n] | ["muc", n] => n.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_in_every_usual_form() {
        for text in [
            "Đồng ý",
            "dong y",
            "ok",
            "OK",
            "oke",
            "Gửi",
            "gửi đi",
            "có",
            "được",
            "Dạ đồng ý ạ",
            "ok nhé",
            "gui di a",
            "Xác nhận",
        ] {
            assert_eq!(typed(text), Some(Typed::Yes), "{text}");
        }
    }

    #[test]
    fn sending_choices_and_consent() {
        for text in [
            "Gửi ẩn danh",
            "gui an danh",
            "không cần liên hệ",
            "khong can lien he a",
        ] {
            assert_eq!(typed(text), Some(Typed::SendNoContact), "{text}");
        }
        for text in ["cho liên hệ", "Được liên hệ", "gửi và cho liên hệ"] {
            assert_eq!(typed(text), Some(Typed::SendWithContact), "{text}");
        }
    }

    #[test]
    fn ways_out() {
        for text in [
            "hủy",
            "Huỷ",
            "thôi",
            "thôi khỏi",
            "không báo nữa",
            "khong bao nua",
        ] {
            assert_eq!(typed(text), Some(Typed::Cancel), "{text}");
        }
        assert_eq!(typed("quay lại"), Some(Typed::Back));
        assert_eq!(typed("Menu"), Some(Typed::Menu));
        assert_eq!(typed("tiếp tục"), Some(Typed::Resume));
    }

    #[test]
    fn nothing_more_and_dont_know() {
        for text in ["không có", "ko co", "xong", "bỏ qua", "hết rồi", "k co a"] {
            assert_eq!(typed(text), Some(Typed::Done), "{text}");
        }
        assert_eq!(typed("không nhớ"), Some(Typed::DontKnow));
    }

    #[test]
    fn sentences_are_not_answers() {
        for text in [
            "không có ai ở nhà lúc đó",
            "có một người đàn ông lạ đứng trước cổng",
            "gửi xe ở bãi chợ thì bị mất",
            "đồng ý là mất xe nhưng camera không thấy",
            "",
        ] {
            assert_eq!(typed(text), None, "{text}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(typed_number("2"), Some(2));
        assert_eq!(typed_number("số 3"), Some(3));
        assert_eq!(typed_number("2 xe"), None);
    }
}
