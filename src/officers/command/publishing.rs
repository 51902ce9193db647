//! `/alert`: a khu phố or the whole ward, then the text. (`/news` and `/warn` are a title and a
//! text, see [`super::words::title_and_text`].)

use super::words::{area_words, bounded_text, Words};
use super::{usage, Command, ParseError};
use crate::config::AreaSettings;

/// The khu phố is the longest configured name or alias the text starts with (`/alert Khu phố 3
/// Cúp điện…`); one the station does not list is taken as typed ([`area_words`]), for the
/// console to answer that it does not know it.
pub(super) fn parse_alert(rest: &str, areas: &[AreaSettings]) -> Result<Command, ParseError> {
    let words = Words::new(rest);
    let (area, used) = if words.key(0) == "all" || words.key(0) == "tatca" {
        ("all".to_string(), 1)
    } else if words.len() >= 2 && words.joined(2) == "tatca" {
        ("all".to_string(), 2)
    } else {
        area_words(&words, 0, areas)
    };
    if area.is_empty() {
        return Err(usage("alert"));
    }
    let text = bounded_text(words.rest(used)).ok_or_else(|| usage("alert"))?;
    Ok(Command::Alert { area, text })
}
