//! `/alert`: one khu phố (one token) or the whole ward, then the text. (`/news` and `/warn`
//! are a title and a text, see [`super::words::title_and_text`].)

use super::words::{bounded_text, Words};
use super::{usage, Command, ParseError};

pub(super) fn parse_alert(rest: &str) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    let (area, used) = if words.key(0) == "all" || words.key(0) == "tatca" {
        ("all".to_string(), 1)
    } else if words.len() >= 2 && words.joined(2) == "tatca" {
        ("all".to_string(), 2)
    } else {
        (words.word(0).to_string(), 1)
    };
    if area.is_empty() {
        return Err(usage("alert"));
    }
    let text = bounded_text(words.rest(used)).ok_or_else(|| usage("alert"))?;
    Ok(Command::Alert { area, text })
}
