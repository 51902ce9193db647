//! "Is this a scam?": a resident describing a call or a message and asking whether it is real
//! gets the answer first (it is a scam; what to do; what to do if money already left), then the
//! offer to report it. Recognised on whole words of the folded text: a scam sign and a question.

use crate::cases::contains_words;
use crate::lang::fold;

/// What scammers posing as officials, banks or shops ask for.
const SCAM_SIGNS: &[&str] = &[
    "chuyen tien",
    "chuyen khoan",
    "tai khoan tam giu",
    "tam giu",
    "otp",
    "ma otp",
    "ma xac nhan",
    "ma xac thuc",
    "xung cong an",
    "xung la cong an",
    "gia danh",
    "gia cong an",
    "link",
    "duong link",
    "cai app",
    "cai ung dung",
    "tai app",
    "lua dao",
    "trung thuong",
    "nhan thuong",
    "phong toa",
    "dinh liu",
    "rua tien",
    "lenh bat",
    "toa an",
    "vien kiem sat",
    "cap nhat vneid",
    "cap nhat dinh danh",
    "dong bang",
    "nop phat",
    "nop tien",
    "dat coc",
    "viec nhe luong cao",
    "lam nhiem vu",
    "hoan tien",
    "so tai khoan",
    "khoa sim",
    "khoa tai khoan",
];

/// Asking whether it is genuine.
const QUESTION_CUES: &[&str] = &[
    "co phai",
    "phai khong",
    "co that khong",
    "that khong",
    "that hay gia",
    "co dung khong",
    "lua dao khong",
    "co phai lua dao",
    "co nen",
    "nen lam gi",
    "lam sao",
    "co sao khong",
    "co van de gi",
    "co an toan khong",
    "tin duoc khong",
    "co tin duoc",
    "dung khong",
    "co phai cong an",
    "co that",
    "that ko",
    "phai ko",
    "khong a",
    "ha",
];

/// Whether a message asks if something it describes is a scam.
pub fn is_scam_question(text: &str) -> bool {
    let folded = fold(text);
    let sign = SCAM_SIGNS.iter().any(|s| contains_words(&folded, s));
    let asks = QUESTION_CUES.iter().any(|q| contains_words(&folded, q)) || text.contains('?');
    sign && asks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_scam_checks() {
        for text in [
            "xưng công an bảo chuyển tiền vào tài khoản tạm giữ, có phải thật không?",
            "co nguoi goi bao toi dinh liu rua tien phai chuyen khoan co phai lua dao ko",
            "nhận tin nhắn bảo cập nhật VNeID kèm link, có phải lừa đảo không ạ",
            "có người đòi mã OTP để nhận thưởng, có nên đưa không",
        ] {
            assert!(is_scam_question(text), "{text}");
        }
    }

    #[test]
    fn plain_reports_and_questions_are_not() {
        for text in [
            "tôi bị lừa chuyển khoản mất 20 triệu hôm qua, muốn trình báo",
            "làm căn cước có phải đặt lịch không",
            "nhà bên cạnh hát karaoke tới 1 giờ sáng",
        ] {
            assert!(!is_scam_question(text), "{text}");
        }
    }
}
