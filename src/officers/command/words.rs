//! The parsing primitives every command family uses: words with their offsets (so the text
//! after a keyword is kept exactly as typed), keyword tables, case codes, bounded free text and
//! officers' handles.

use super::{usage, ParseError, MAX_TEXT, MAX_TITLE};
use crate::cases::{code, CaseCode};
use crate::config::AreaSettings;
use crate::conversation::area::area_exactly;
use crate::lang::{fold, strip_marks};

/// Whitespace-separated words of a text, with their byte offsets, so the text after any word
/// can be taken exactly as typed.
pub(super) struct Words<'a> {
    text: &'a str,
    spans: Vec<(usize, usize)>,
}

impl<'a> Words<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    spans.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            spans.push((s, text.len()));
        }
        Words { text, spans }
    }

    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Word `i` as typed, or "" past the end.
    pub(super) fn word(&self, i: usize) -> &'a str {
        self.spans.get(i).map_or("", |&(s, e)| &self.text[s..e])
    }

    /// Word `i` as a keyword: folded, spaces removed (`trả-lời` → `traloi`).
    pub(super) fn key(&self, i: usize) -> String {
        fold(self.word(i)).replace(' ', "")
    }

    /// Words `0..n` joined as one keyword.
    pub(super) fn joined(&self, n: usize) -> String {
        (0..n).map(|i| self.key(i)).collect()
    }

    /// Words `from..to` as typed, with the spaces between them; "" if the range is empty.
    pub(super) fn span(&self, from: usize, to: usize) -> &'a str {
        let to = to.min(self.len());
        if from >= to {
            return "";
        }
        &self.text[self.spans[from].0..self.spans[to - 1].1]
    }

    /// The text from word `i` on, as typed and trimmed; "" past the end.
    pub(super) fn rest(&self, i: usize) -> &'a str {
        self.spans
            .get(i)
            .map_or("", |&(s, _)| self.text[s..].trim_end())
    }
}

/// Longest match of the first one to `max` words (joined) in `table`.
pub(super) fn keyword<T: Copy>(
    words: &Words,
    table: &[(&str, T)],
    max: usize,
) -> Option<(T, usize)> {
    (1..=max.min(words.len())).rev().find_map(|n| {
        let key = words.joined(n);
        table.iter().find(|(k, _)| *k == key).map(|&(_, v)| (v, n))
    })
}

/// Most words a khu phố's name or alias takes ("Khu phố Tân Hòa Đông").
const MAX_AREA_WORDS: usize = 6;

/// The configured khu phố named by the words from `from` on — the longest run of words that is
/// exactly a khu phố's name or alias, folded (`Khu phố 3`, `khu pho 3`, `kp3`, `KP 3`) — as its
/// configured name and how many words it took. Longest first, so `Khu phố 12` is not read as
/// `Khu phố 1` followed by "2".
pub(super) fn known_area(
    words: &Words,
    from: usize,
    areas: &[AreaSettings],
) -> Option<(String, usize)> {
    let most = words.len().saturating_sub(from).min(MAX_AREA_WORDS);
    (1..=most).rev().find_map(|n| {
        area_exactly(areas, words.span(from, from + n)).map(|i| (areas[i].name.clone(), n))
    })
}

/// The khu phố named by the words from `from` on: a configured one ([`known_area`]), else as
/// typed — "Khu phố 30", "Tổ dân phố 9" as a whole, anything else one word — so an officer who
/// names one the station does not list is told which.
pub(super) fn area_words(words: &Words, from: usize, areas: &[AreaSettings]) -> (String, usize) {
    if let Some(known) = known_area(words, from, areas) {
        return known;
    }
    let key = |i: usize| words.key(from + i);
    let kind = match (key(0).as_str(), key(1).as_str(), key(2).as_str()) {
        ("khu", "pho", _) => 2,
        ("to", "dan", "pho") => 3,
        _ => 0,
    };
    // The kind's words and the number after them, as far as there are words.
    let used = if kind == 0 { 1 } else { kind + 1 };
    let used = used.min(words.len().saturating_sub(from)).max(1);
    (words.span(from, from + used).to_string(), used)
}

/// A case code at the start of `text` and the text after it (leading separators dropped).
pub(super) fn take_code(text: &str) -> Option<(CaseCode, &str)> {
    let text = text.trim_start().trim_start_matches('#');
    let mut chars = text.char_indices();
    let starts_pa = matches!(
        (chars.next(), chars.next()),
        (Some((_, p)), Some((_, a))) if p.eq_ignore_ascii_case(&'p') && a.eq_ignore_ascii_case(&'a')
    );
    if !starts_pa {
        return None;
    }
    // Find where the six code characters end, skipping the separators `find` skips.
    let mut count = 0;
    let mut end = 2;
    for (i, c) in chars {
        if count == 6 {
            break;
        }
        if matches!(c, '-' | ' ' | '.' | '_') {
            continue;
        }
        if !c.is_alphanumeric() {
            break;
        }
        count += 1;
        end = i + c.len_utf8();
    }
    let after = &text[end..];
    if count < 6 || after.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let code = code::find(&text[..end])?;
    let after = after.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | ',' | ';' | '.' | '-' | '–')
    });
    Some((code, after))
}

/// Trimmed free text of 1..=MAX_TEXT characters.
pub(super) fn bounded_text(text: &str) -> Option<String> {
    let text = text.trim();
    let n = text.chars().count();
    (1..=MAX_TEXT).contains(&n).then(|| text.to_string())
}

pub(super) fn code_and_text(rest: &str, name: &str) -> Result<(CaseCode, String), ParseError> {
    take_code(rest)
        .and_then(|(code, text)| Some((code, bounded_text(text)?)))
        .ok_or_else(|| usage(name))
}

/// `title | text`, or title and text on separate lines: split at the first bar or line break.
pub(super) fn title_and_text(rest: &str, name: &str) -> Result<(String, String), ParseError> {
    // Whichever comes first, so the text after it may contain the other.
    let (title, text) = rest
        .split_once(['|', '｜', '\n'])
        .ok_or_else(|| usage(name))?;
    let title = title.trim();
    let title_len = title.chars().count();
    if !(1..=MAX_TITLE).contains(&title_len) {
        return Err(usage(name));
    }
    let text = bounded_text(text).ok_or_else(|| usage(name))?;
    Ok((title.to_string(), text))
}

/// A handle as officers type it (`@Bình,`) in the stored form (`binh`); None if nothing is left.
pub(super) fn handle(word: &str) -> Option<String> {
    let word = word
        .trim_start_matches('@')
        .trim_end_matches([',', ';', '.', ':']);
    let out = strip_marks(word);
    (!out.is_empty()).then_some(out)
}
