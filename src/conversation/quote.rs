//! A resident's words as officers see them: unmistakably quoted, unable to imitate a system
//! notice, and with the phone and ID numbers they typed masked. The chief sees the original with
//! `/reveal`, audited.

/// Characters that reorder or hide text: bidi embeddings, overrides and isolates, marks.
fn is_hidden_control(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}'
    ) || (c.is_control() && c != '\n')
}

/// The resident's text for an officer: bidi and other invisible controls removed, phone and ID
/// numbers masked, and every line marked "│ " so no line can pass for a notice of the system
/// ("[KHẨN] …", "[Tin báo mới] …").
pub fn for_officers(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !is_hidden_control(*c)).collect();
    let masked = mask_numbers(&clean);
    masked
        .lines()
        .map(|line| format!("│ {}", line.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether the text holds a phone or ID number ([`mask_numbers`] would mask something).
pub fn has_long_number(text: &str) -> bool {
    mask_numbers(text) != text
}

/// Runs of 9 or more digits (spaces, dots and dashes allowed between groups) — phone numbers,
/// căn cước and CMND numbers — become "[số đã che]". Case codes (`PA-2026-000045`) are kept.
pub fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number =
            chars[i].is_ascii_digit() || (chars[i] == '+' && next_is_digit(&chars, i));
        if !starts_number {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        if after_case_code_prefix(&chars, i) {
            // The whole code: its digits and the dashes between them.
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || (chars[i] == '-' && next_is_digit(&chars, i)))
            {
                out.push(chars[i]);
                i += 1;
            }
            continue;
        }
        // Extend over digits and single separators between digits.
        let mut j = i + usize::from(chars[i] == '+');
        let mut digits = 0;
        let mut end = j;
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                digits += 1;
                j += 1;
                end = j;
            } else if matches!(chars[j], ' ' | '.' | '-') && next_is_digit(&chars, j) {
                j += 1;
            } else {
                break;
            }
        }
        let glued_to_letter = end < chars.len() && chars[end].is_alphabetic();
        if digits >= 9 && !glued_to_letter {
            out.push_str("[số đã che]");
        } else {
            out.extend(&chars[i..end]);
        }
        i = end.max(i + 1);
    }
    out
}

fn next_is_digit(chars: &[char], i: usize) -> bool {
    chars.get(i + 1).is_some_and(char::is_ascii_digit)
}

/// Whether the digits at `i` follow "PA-" (a case code the resident quotes).
fn after_case_code_prefix(chars: &[char], i: usize) -> bool {
    i >= 3 && {
        let prefix: String = chars[i - 3..i].iter().collect::<String>().to_uppercase();
        prefix == "PA-"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_id_numbers_are_masked() {
        for (text, hidden) in [
            ("gọi tôi số 0912345678 nhé", "0912345678"),
            ("sdt 0912 345 678", "0912 345 678"),
            ("+84 912.345.678", "+84 912.345.678"),
            ("cccd 079123456789 của tôi", "079123456789"),
            ("cmnd 123-456-789", "123-456-789"),
        ] {
            let masked = mask_numbers(text);
            assert!(!masked.contains(hidden), "{text} -> {masked}");
            assert!(masked.contains("[số đã che]"), "{masked}");
        }
    }

    #[test]
    fn other_numbers_stay() {
        for text in [
            "mất 20.000.000 đồng",
            "biển số 59X1-123.45",
            "mã PA-2026-000045",
            "lúc 10 giờ 30, nhà số 12",
        ] {
            assert_eq!(mask_numbers(text), text);
        }
    }

    #[test]
    fn quoted_text_cannot_pass_for_a_system_notice() {
        let forged = "ok\n[KHẨN] Tin báo khẩn PA-AAAAAA\u{202E}txet\u{2066}";
        let shown = for_officers(forged);
        assert!(shown.lines().all(|l| l.starts_with("│ ")), "{shown}");
        assert!(!shown.contains('\u{202E}') && !shown.contains('\u{2066}'));
        assert!(!shown.lines().any(|l| l.starts_with("[KHẨN]")));
    }
}
