//! What one entry of the message catalogue can be: a [`Text`] shown as written, a [`Label`] on
//! a button, or a [`Template`] whose `{name}` placeholders the code fills in. Each is read
//! NFC-normalised and trimmed, and checked as it is read, so a mistake in the file stops the
//! service at start-up rather than showing a resident a broken message:
//!
//! - a text is not empty;
//! - a label fits Zalo's limit on button titles;
//! - a template uses exactly the placeholders its field declares — the names the code supplies,
//!   written into its type (`Template<(name::Code, name::Text)>`) — so a misspelt `{cod}` is
//!   refused, and so is a dropped `{code}` (the resident would lose their case code); a text or
//!   a label takes none.
//!
//! A placeholder is anything between `{` and the next `}` on one line; the file has no use for
//! literal braces, and treating every pair as a placeholder lets a typo like `{ code }` be
//! caught instead of shown.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::{Deserialize, Deserializer, Error as _};

use crate::zalo::messages::MAX_BUTTON_TITLE_CHARS;

/// A text shown as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

/// A button title: a [`Text`] of at most [`MAX_BUTTON_TITLE_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

/// A text with placeholders; `S` names them (see [`Slots`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template<S> {
    text: String,
    slots: PhantomData<S>,
}

/// The placeholders a template takes: one [`name`] marker, or a tuple of them.
pub trait Slots {
    /// Their names, as written between braces.
    const NAMES: &'static [&'static str];
}

/// One placeholder.
pub trait Placeholder {
    /// As written between braces.
    const NAME: &'static str;
}

impl<S: Slots> Template<S> {
    /// The text with each `{name}` replaced by its value, in one pass (a value that itself
    /// contains braces, such as a resident's words, is never filled in again). The code must
    /// supply exactly the declared names.
    pub fn render(&self, values: &[(&str, &str)]) -> String {
        debug_assert!(
            values.len() == S::NAMES.len()
                && S::NAMES.iter().all(|n| values.iter().any(|(v, _)| v == n)),
            "template takes {:?}, given {:?}",
            S::NAMES,
            values.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
        let mut out = String::with_capacity(self.text.len() + 64);
        for piece in pieces(&self.text) {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Slot(name) => match values.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }
}

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Label {
    /// The title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Texts and labels are used where a `&str` or a `String` is: message bodies, button titles.
macro_rules! as_plain_str {
    ($($ty:ident),*) => {$(
        impl Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&$ty> for String {
            fn from(text: &$ty) -> String {
                text.0.clone()
            }
        }
    )*};
}
as_plain_str!(Text, Label);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        read(d, &[]).map(Text)
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Label, D::Error> {
        let text = read(d, &[])?;
        let chars = text.chars().count();
        if chars > MAX_BUTTON_TITLE_CHARS {
            return Err(D::Error::custom(format!(
                "a button title has at most {MAX_BUTTON_TITLE_CHARS} characters, this one {chars}"
            )));
        }
        Ok(Label(text))
    }
}

impl<'de, S: Slots> Deserialize<'de> for Template<S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Template<S>, D::Error> {
        Ok(Template {
            text: read(d, S::NAMES)?,
            slots: PhantomData,
        })
    }
}

/// A string from the file, NFC-normalised and trimmed, checked to be non-empty and to use
/// exactly the placeholders `names`.
fn read<'de, D: Deserializer<'de>>(d: D, names: &[&str]) -> Result<String, D::Error> {
    let text = crate::lang::nfc(String::deserialize(d)?.trim());
    if text.is_empty() {
        return Err(D::Error::custom("the text is empty"));
    }
    check_placeholders(&text, names).map_err(D::Error::custom)?;
    Ok(text)
}

/// Why `text` does not use exactly the placeholders `names`, if it does not.
fn check_placeholders(text: &str, names: &[&str]) -> Result<(), String> {
    let allowed = || match names {
        [] => "this text takes none".to_owned(),
        _ => format!("this text takes {}", braced(names)),
    };
    let used: Vec<&str> = pieces(text)
        .filter_map(|p| match p {
            Piece::Slot(name) => Some(name),
            Piece::Literal(_) => None,
        })
        .collect();
    if let Some(unknown) = used.iter().find(|u| !names.contains(u)) {
        return Err(format!("unknown placeholder {{{unknown}}}: {}", allowed()));
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !used.contains(n))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the text lacks {}: {}",
            braced(&missing),
            allowed()
        ));
    }
    Ok(())
}

fn braced(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A run of literal text or one placeholder.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Literal(&'a str),
    Slot(&'a str),
}

/// Splits a text into literal runs and placeholders: `{` to the next `}` on the same line.
fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let name = rest.strip_prefix('{').and_then(|after| {
            let end = after.find(['}', '{', '\n'])?;
            after[end..].starts_with('}').then(|| &after[..end])
        });
        if let Some(name) = name {
            rest = &rest[name.len() + 2..];
            return Some(Piece::Slot(name));
        }
        // Up to the next `{` (an ASCII byte, so always a character boundary).
        let end = rest.as_bytes()[1..]
            .iter()
            .position(|&b| b == b'{')
            .map_or(rest.len(), |i| i + 1);
        let (literal, tail) = rest.split_at(end);
        rest = tail;
        Some(Piece::Literal(literal))
    })
}

/// Implements [`Slots`] for tuples of names, as many as the longest template takes.
macro_rules! tuple_slots {
    ($($($t:ident)+;)*) => {$(
        impl<$($t: Placeholder),+> Slots for ($($t,)+) {
            const NAMES: &'static [&'static str] = &[$($t::NAME),+];
        }
    )*};
}
tuple_slots! {
    A B;
    A B C;
    A B C D;
    A B C D E;
    A B C D E F;
    A B C D E F G;
    A B C D E F G H;
    A B C D E F G H I;
    A B C D E F G H I J;
}

/// The placeholder names: a template's field type lists those it takes, one marker each.
pub mod name {
    use super::{Placeholder, Slots};

    macro_rules! names {
        ($($ty:ident = $name:literal,)*) => {$(
            #[doc = concat!("`{", $name, "}`.")]
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct $ty;

            impl Placeholder for $ty {
                const NAME: &'static str = $name;
            }

            impl Slots for $ty {
                const NAMES: &'static [&'static str] = &[$name];
            }
        )*};
    }

    names! {
        Address = "address",
        Age = "age",
        Area = "area",
        Areas = "areas",
        Assignee = "assignee",
        ByCategory = "by_category",
        ByStatus = "by_status",
        Cases = "cases",
        Category = "category",
        Code = "code",
        Command = "command",
        Contact = "contact",
        Count = "count",
        Date = "date",
        Days = "days",
        Description = "description",
        Error = "error",
        Event = "event",
        Evidence = "evidence",
        FirstResponse = "first_response",
        Handle = "handle",
        Hours = "hours",
        Kind = "kind",
        List = "list",
        Name = "name",
        Names = "names",
        Note = "note",
        Number = "number",
        Officer = "officer",
        OfficerPhone = "officer_phone",
        OpenUrgent = "open_urgent",
        OrdinaryHours = "ordinary_hours",
        Overdue = "overdue",
        Phone = "phone",
        Place = "place",
        Pseudonym = "pseudonym",
        Reached = "reached",
        Reason = "reason",
        Resolution = "resolution",
        Role = "role",
        Status = "status",
        Text = "text",
        Time = "time",
        Title = "title",
        Unreached = "unreached",
        UrgentMinutes = "urgent_minutes",
        Url = "url",
        When = "when",
        Where = "where",
        ZaloId = "zalo_id",
    }
}

#[cfg(test)]
mod tests {
    use super::name::{Code, Text as TextName};
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct One<T> {
        t: T,
    }

    fn read<T: serde::de::DeserializeOwned>(value: &str) -> Result<T, String> {
        let toml = format!("t = {}", toml::Value::String(value.to_owned()));
        toml::from_str::<One<T>>(&toml)
            .map(|one| one.t)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn pieces_are_literals_and_placeholders() {
        use Piece::{Literal, Slot};
        let all = |text| pieces(text).collect::<Vec<_>>();
        assert_eq!(
            all("Mã {code}: {text}."),
            [
                Literal("Mã "),
                Slot("code"),
                Literal(": "),
                Slot("text"),
                Literal(".")
            ]
        );
        assert_eq!(all("{a}{b}"), [Slot("a"), Slot("b")]);
        // Braces that do not close on the line are text.
        assert_eq!(all("a { b"), [Literal("a "), Literal("{ b")]);
        assert_eq!(all("{\n}"), [Literal("{\n}")]);
        assert_eq!(all("{{code}"), [Literal("{"), Slot("code")]);
        assert_eq!(all("é{ code }"), [Literal("é"), Slot(" code ")]);
    }

    #[test]
    fn render_fills_each_placeholder_once() {
        let t: Template<(Code, TextName)> = read("{code}: «{text}» ({code})").unwrap();
        assert_eq!(
            t.render(&[("code", "PA-1"), ("text", "gõ {code} vào")]),
            "PA-1: «gõ {code} vào» (PA-1)"
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "template takes [\"code\"], given [\"cod\"]")]
    fn rendering_with_other_names_than_the_type_is_a_bug() {
        let t: Template<Code> = read("Mã {code}.").unwrap();
        t.render(&[("cod", "PA-1")]);
    }

    #[test]
    fn a_template_uses_exactly_its_placeholders() {
        assert!(read::<Template<Code>>("Mã {code}.").is_ok());
        let err = read::<Template<Code>>("Mã {cod}.").unwrap_err();
        assert!(
            err.contains("unknown placeholder {cod}: this text takes {code}"),
            "{err}"
        );
        let err = read::<Template<(Code, TextName)>>("Mã {code}.").unwrap_err();
        assert!(err.contains("the text lacks {text}"), "{err}");
        let err = read::<Template<Code>>("Mã { code }.").unwrap_err();
        assert!(err.contains("unknown placeholder { code }"), "{err}");
    }

    #[test]
    fn texts_and_labels_take_no_placeholder_and_labels_fit_a_button() {
        let err = read::<Text>("Mã {code}.").unwrap_err();
        assert!(err.contains("this text takes none"), "{err}");
        assert!(read::<Label>(&"x".repeat(MAX_BUTTON_TITLE_CHARS)).is_ok());
        let err = read::<Label>(&"x".repeat(MAX_BUTTON_TITLE_CHARS + 1)).unwrap_err();
        assert!(err.contains("at most 100 characters"), "{err}");
        assert!(read::<Text>("  ").unwrap_err().contains("empty"));
    }

    #[test]
    fn texts_are_read_nfc_and_trimmed() {
        // "Hủy" typed with a combining hook above, and surrounded by blank lines.
        let text: Text = read("\n Hu\u{0309}y \n").unwrap();
        assert_eq!(text.as_str(), "Hủy");
    }
}
