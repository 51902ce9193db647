//! Khu phố look-up: which configured khu phố a text names, in the spellings residents and
//! officers use ("khu phố 2", "kp2", "khu pho 2", "tổ dân phố 5"), with or without diacritics.

use crate::config::AreaSettings;
use crate::lang::fold;

/// The configured khu phố a text names, by name or alias, with or without diacritics, inside a
/// sentence ("công an khu phố 2") or as one word ("kp2"). Used by residents' messages and
/// officers' commands alike.
pub fn area_named(areas: &[AreaSettings], text: &str) -> Option<String> {
    area_position(areas, text).map(|i| areas[i].name.clone())
}

/// Position in `areas` of the khu phố a text names (see [`area_named`]).
pub fn area_position(areas: &[AreaSettings], text: &str) -> Option<usize> {
    let folded = format!(" {} ", canonical(&fold(text)));
    let compact = folded.replace(' ', "");
    areas.iter().position(|area| {
        std::iter::once(&area.name)
            .chain(&area.aliases)
            .any(|alias| {
                let alias = canonical(&fold(alias));
                !alias.is_empty()
                    && (folded.contains(&format!(" {alias} ")) || compact == alias.replace(' ', ""))
            })
    })
}

/// Position in `areas` of the khu phố that the whole of `text` is the name or an alias of,
/// folded and in its usual spellings ("Khu phố 3", "khu pho 3", "kp3", "KP 3"); unlike
/// [`area_position`], nothing else may be around it. Officers' commands use it to find where a
/// khu phố named at the start of an argument ends.
pub fn area_exactly(areas: &[AreaSettings], text: &str) -> Option<usize> {
    let typed = canonical(&fold(text));
    let compact = typed.replace(' ', "");
    if compact.is_empty() {
        return None;
    }
    areas.iter().position(|area| {
        std::iter::once(&area.name)
            .chain(&area.aliases)
            .any(|alias| {
                let alias = canonical(&fold(alias));
                !alias.is_empty() && (alias == typed || alias.replace(' ', "") == compact)
            })
    })
}

/// One spelling for the usual ways of writing a khu phố or tổ: "kp2", "kp 2", "k.p 2",
/// "khu phố 2", "khu pho so 2" → "khu pho 2"; "tdp 5", "tổ dân phố 5", "tổ 5", "to so 5" →
/// "to 5".
fn canonical(folded: &str) -> String {
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let (head, tail) = w.split_at(w.find(|c: char| c.is_ascii_digit()).unwrap_or(w.len()));
        let kind = match (head, words.get(i + 1), words.get(i + 2)) {
            ("kp" | "khupho", _, _) => Some(("khu pho", 1)),
            ("k", Some(&"p"), _) => Some(("khu pho", 2)),
            ("khu", Some(&"pho"), _) => Some(("khu pho", 2)),
            ("tdp" | "to", _, _) if head == "tdp" || !tail.is_empty() => Some(("to", 1)),
            ("to", Some(&"dan"), Some(&"pho")) => Some(("to", 3)),
            ("to", Some(n), _) if n.parse::<u32>().is_ok() || *n == "so" => Some(("to", 1)),
            _ => None,
        };
        match kind {
            Some((name, used)) => {
                let mut j = i + used;
                let number = if !tail.is_empty() && used == 1 {
                    Some(tail.to_owned())
                } else {
                    if words.get(j) == Some(&"so") {
                        j += 1;
                    }
                    words.get(j).filter(|n| n.parse::<u32>().is_ok()).map(|n| {
                        j += 1;
                        n.to_string()
                    })
                };
                match number {
                    Some(n) => {
                        out.push(format!("{name} {}", n.trim_start_matches('0')));
                        i = j;
                    }
                    None => {
                        out.push(w.to_owned());
                        i += 1;
                    }
                }
            }
            None => {
                out.push(w.to_owned());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Whether a short text looks like an attempt at naming a khu phố ("kp 9", "khu phố Hòa Bình").
pub fn looks_like_area(text: &str) -> bool {
    let folded = canonical(&fold(text));
    folded.split(' ').count() <= 6
        && (folded.starts_with("khu pho") || folded.starts_with("to ") || folded.starts_with("ap "))
}

/// Whether the text is nothing but a khu phố's name ("kp2", "khu phố 2 ạ").
pub fn is_only_area(text: &str) -> bool {
    let folded = canonical(&fold(text));
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !matches!(*w, "a" | "da" | "nha" | "nhe" | "o" | "toi" | "em"))
        .collect();
    words.len() <= 3 && matches!(words.first(), Some(&"khu") | Some(&"to"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ward(n: usize) -> Vec<AreaSettings> {
        (1..=n)
            .map(|i| AreaSettings {
                name: format!("Khu phố {i}"),
                aliases: vec![],
                officer_name: String::new(),
                officer_phone: String::new(),
                group_id: None,
            })
            .collect()
    }

    #[test]
    fn khu_pho_in_the_usual_spellings() {
        let areas = ward(24);
        for (text, want) in [
            ("khu phố 2", "Khu phố 2"),
            ("kp2", "Khu phố 2"),
            ("KP 2", "Khu phố 2"),
            ("kp.12", "Khu phố 12"),
            ("nhà tôi ở khu pho so 7 a", "Khu phố 7"),
            ("kp02", "Khu phố 2"),
        ] {
            assert_eq!(area_named(&areas, text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(area_named(&areas, "khu phố 25"), None);
        assert_eq!(area_named(&areas, "kp 1 2"), Some("Khu phố 1".into()));
    }

    #[test]
    fn a_whole_text_names_an_area_exactly() {
        let mut areas = ward(12);
        areas[2].aliases = vec!["Tân Hòa Đông".into()];
        for (text, want) in [
            ("Khu phố 3", Some(2)),
            ("khu pho 3", Some(2)),
            ("KP3", Some(2)),
            ("kp 12", Some(11)),
            ("tân hoà đông", Some(2)),
            ("Khu phố", None),
            ("Khu phố 3 mất điện", None),
            ("Khu", None),
        ] {
            assert_eq!(area_exactly(&areas, text), want, "{text}");
        }
    }

    #[test]
    fn to_dan_pho_too() {
        let areas = vec![AreaSettings {
            name: "Tổ dân phố 5".into(),
            aliases: vec![],
            officer_name: String::new(),
            officer_phone: String::new(),
            group_id: None,
        }];
        for text in ["tổ 5", "to dan pho 5", "tdp5", "tổ số 5"] {
            assert_eq!(
                area_named(&areas, text).as_deref(),
                Some("Tổ dân phố 5"),
                "{text}"
            );
        }
        assert!(is_only_area("kp2"));
        assert!(is_only_area("khu phố 2 ạ"));
        assert!(!is_only_area("công an khu phố 2 là ai"));
    }
}
