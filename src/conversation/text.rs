//! Text helpers for outgoing messages: splitting long replies to fit Zalo's length limits and
//! shortening titles for buttons, always on NFC text and never in the middle of a word.

use unicode_normalization::UnicodeNormalization;

/// Split `text` into parts of at most `max_chars` characters (counted on the NFC form).
///
/// Prefers the coarsest boundary that fits: blank lines, then lines, then sentence ends, then
/// spaces. A single word longer than the limit is the only thing ever cut mid-word. Parts are
/// trimmed and never empty; an all-blank input gives no parts. `max_chars` of 0 is treated as 1.
pub fn split_message(text: &str, max_chars: usize) -> Vec<String> {
    let max = max_chars.max(1);
    // Zalo counts what it receives; NFC keeps Vietnamese letters one char each, so the count is
    // the same whether the input came decomposed (NFD, common from macOS/iOS) or not.
    let text: String = text.replace("\r\n", "\n").nfc().collect();
    let mut parts = Vec::new();
    pack(text.trim(), Level::Paragraph, max, &mut parts);
    parts
}

/// Shorten `text` to at most `max_chars` characters (NFC), cutting at a word boundary and
/// ending with "…" when anything was removed. Whitespace runs collapse to single spaces.
pub fn truncate_title(text: &str, max_chars: usize) -> String {
    let nfc: String = text.nfc().collect();
    let clean = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= max_chars {
        return clean;
    }
    if max_chars == 0 {
        return String::new();
    }
    // Reserve one char for the ellipsis.
    let keep = max_chars - 1;
    let head: String = clean.chars().take(keep).collect();
    let at_boundary = clean.chars().nth(keep).is_some_and(char::is_whitespace);
    let cut = match head.rfind(' ') {
        Some(space) if !at_boundary && space > 0 => &head[..space],
        // Already at a word end, or one giant word where cutting inside is the only option.
        _ => head.as_str(),
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–(".contains(c));
    format!("{cut}…")
}

/// Boundaries tried in order, coarsest first.
#[derive(Clone, Copy)]
enum Level {
    Paragraph,
    Line,
    Sentence,
    Word,
    Char,
}

impl Level {
    fn finer(self) -> Level {
        match self {
            Level::Paragraph => Level::Line,
            Level::Line => Level::Sentence,
            Level::Sentence => Level::Word,
            Level::Word | Level::Char => Level::Char,
        }
    }

    /// What to put back between two pieces that end up in the same part.
    fn joiner(self) -> &'static str {
        match self {
            Level::Paragraph => "\n\n",
            Level::Line => "\n",
            Level::Sentence | Level::Word => " ",
            Level::Char => "",
        }
    }

    fn pieces(self, text: &str) -> Vec<String> {
        let pieces: Vec<String> = match self {
            Level::Paragraph => paragraphs(text),
            Level::Line => text.lines().map(str::to_owned).collect(),
            Level::Sentence => sentences(text),
            Level::Word => text.split_whitespace().map(str::to_owned).collect(),
            Level::Char => return text.chars().map(String::from).collect(),
        };
        pieces
            .into_iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// Greedily fill parts with pieces at `level`; a piece too long on its own goes one level finer.
fn pack(text: &str, level: Level, max: usize, out: &mut Vec<String>) {
    let len = text.chars().count();
    if len <= max {
        if !text.trim().is_empty() {
            out.push(text.trim().to_owned());
        }
        return;
    }
    let joiner = level.joiner();
    let joiner_len = joiner.chars().count();
    let (mut current, mut current_len) = (String::new(), 0);
    for piece in level.pieces(text) {
        let piece_len = piece.chars().count();
        if piece_len > max {
            flush(&mut current, &mut current_len, out);
            pack(&piece, level.finer(), max, out);
        } else if current.is_empty() {
            (current, current_len) = (piece, piece_len);
        } else if current_len + joiner_len + piece_len <= max {
            current.push_str(joiner);
            current.push_str(&piece);
            current_len += joiner_len + piece_len;
        } else {
            flush(&mut current, &mut current_len, out);
            (current, current_len) = (piece, piece_len);
        }
    }
    flush(&mut current, &mut current_len, out);
}

fn flush(current: &mut String, current_len: &mut usize, out: &mut Vec<String>) {
    let part = current.trim();
    if !part.is_empty() {
        out.push(part.to_owned());
    }
    current.clear();
    *current_len = 0;
}

/// Paragraphs are separated by one or more blank (whitespace-only) lines.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for line in text.lines() {
        let last = out.last_mut().expect("never empty");
        if line.trim().is_empty() {
            if !last.is_empty() {
                out.push(String::new());
            }
        } else {
            if !last.is_empty() {
                last.push('\n');
            }
            last.push_str(line);
        }
    }
    out
}

/// Sentences end with . ! ? … or ; followed by whitespace; the mark stays with its sentence.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let ends = ".!?…;".contains(c) && chars.peek().is_some_and(|n| n.is_whitespace());
        if ends {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lens(parts: &[String]) -> Vec<usize> {
        parts.iter().map(|p| p.chars().count()).collect()
    }

    #[test]
    fn short_text_is_one_trimmed_part() {
        assert_eq!(split_message("  Xin chào!  \n", 2000), vec!["Xin chào!"]);
    }

    #[test]
    fn blank_input_gives_no_parts() {
        assert!(split_message("", 10).is_empty());
        assert!(split_message(" \n\n \t ", 10).is_empty());
    }

    #[test]
    fn text_of_exactly_the_limit_stays_whole() {
        let text = "ă".repeat(50);
        assert_eq!(split_message(&text, 50), vec![text.clone()]);
        let over = format!("{text} ơ");
        assert_eq!(lens(&split_message(&over, 50)), vec![50, 1]);
    }

    #[test]
    fn prefers_paragraphs_then_lines() {
        let text = "Đoạn một dòng một.\nĐoạn một dòng hai.\n\nĐoạn hai.";
        assert_eq!(
            split_message(text, 40),
            vec!["Đoạn một dòng một.\nĐoạn một dòng hai.", "Đoạn hai."]
        );
        // Too small for the first paragraph: falls back to its lines.
        assert_eq!(
            split_message(text, 20),
            vec!["Đoạn một dòng một.", "Đoạn một dòng hai.", "Đoạn hai."]
        );
    }

    #[test]
    fn splits_at_sentence_ends_before_spaces() {
        let text = "Mang theo căn cước. Điền tờ khai CT01. Nộp lệ phí.";
        assert_eq!(
            split_message(text, 40),
            vec!["Mang theo căn cước. Điền tờ khai CT01.", "Nộp lệ phí."]
        );
    }

    #[test]
    fn never_cuts_a_word_that_fits() {
        let text = "thường trú tạm trú tạm vắng lưu trú ".repeat(20);
        let words: Vec<&str> = text.split_whitespace().collect();
        for max in [7, 11, 23, 60] {
            let parts = split_message(&text, max);
            assert!(lens(&parts).iter().all(|&n| n <= max && n > 0));
            let rejoined: Vec<&str> = parts.iter().flat_map(|p| p.split_whitespace()).collect();
            assert_eq!(rejoined, words, "max {max}");
        }
    }

    #[test]
    fn a_word_longer_than_the_limit_is_hard_cut() {
        let parts = split_message(
            "ngắn https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
            10,
        );
        assert_eq!(parts[0], "ngắn");
        assert!(lens(&parts[1..]).iter().all(|&n| n <= 10));
        assert_eq!(
            parts[1..].concat(),
            "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
        );
    }

    #[test]
    fn counts_nfd_input_as_nfc_chars() {
        // "Việt" decomposed is 6 chars (e, circumflex, dot below); NFC is 4.
        let nfd: String = "Việt Nam ".repeat(10).nfd().collect();
        assert!(nfd.chars().count() > 90);
        let parts = split_message(&nfd, 89);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0], "Việt Nam ".repeat(10).trim());
    }

    #[test]
    fn multibyte_text_is_counted_in_chars_not_bytes() {
        let text = "Đăng ký thường trú ".repeat(100);
        let parts = split_message(&text, 2000);
        assert_eq!(
            parts.len(),
            1,
            "{} chars fit in one part",
            text.trim().chars().count()
        );
        assert!(text.len() > 2000);
    }

    #[test]
    fn truncate_title_keeps_short_titles() {
        assert_eq!(
            truncate_title("  Đăng ký   tạm trú ", 100),
            "Đăng ký tạm trú"
        );
    }

    #[test]
    fn truncate_title_cuts_at_a_word_and_adds_ellipsis() {
        let t = truncate_title(
            "Khai báo thông tin về cư trú cho người chưa đủ điều kiện",
            20,
        );
        assert_eq!(t, "Khai báo thông tin…");
        assert!(t.chars().count() <= 20);
        // The cut falls exactly before a space: the whole last word is kept.
        assert_eq!(
            truncate_title("Gia hạn tạm trú online", 16),
            "Gia hạn tạm trú…"
        );
    }

    #[test]
    fn truncate_title_edge_cases() {
        assert_eq!(truncate_title("Siêudàikhôngcókhoảngtrắng", 6), "Siêud…");
        assert_eq!(truncate_title("abc", 0), "");
        let nfd: String = "Căn cước".nfd().collect();
        assert_eq!(truncate_title(&nfd, 8), "Căn cước");
    }
}
