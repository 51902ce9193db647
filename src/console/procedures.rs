//! `GET /procedures` (the chief): the administrative procedures the bot answers from
//! (`config/procedures.toml`, loaded at start-up), each with who handles it, its legal basis and
//! the day it was last checked against its sources — the longest unchecked first, flagged once
//! older than [`STALE_DAYS`], so the catalogue is re-verified before residents are told
//! outdated fees or papers. Read-only: the file is changed and reviewed like code.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use maud::html;

use super::{auth, view, ConsoleState, Result};
use crate::bot::procedures::Procedure;
use crate::time::Timestamp;

/// An entry checked longer ago than this is flagged.
pub const STALE_DAYS: u64 = 180;

/// `GET /procedures`.
pub async fn page(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require_chief(&state, &headers).await?;
    let stale_before =
        iso_date(Timestamp::now().minus(std::time::Duration::from_secs(STALE_DAYS * 86_400)));
    let list = by_verification(state.inner.catalogue.all());
    let stale = list
        .iter()
        .filter(|p| p.last_verified < stale_before)
        .count();
    let body = html! {
        h1 { "Thủ tục hành chính" }
        p.meta {
            "Các thủ tục chatbot trả lời người dân (tệp config/procedures.toml), thủ tục kiểm tra lâu nhất xếp trước. "
            "Thủ tục chưa kiểm tra lại quá " (STALE_DAYS) " ngày được đánh dấu."
        }
        ul.counts {
            li { "Thủ tục: " strong { (list.len()) } }
            li { "Cần kiểm tra lại: " strong { (stale) } }
        }
        ul.procedures {
            @for p in &list {
                @let old = p.last_verified < stale_before;
                li.stale[old] {
                    @if old { span.tag.overdue { "Cần kiểm tra lại" } }
                    strong { (p.title) }
                    div.meta {
                        "Kiểm tra lần cuối: " strong { (vn(&p.last_verified)) }
                        " · mã: " (p.id)
                        @if !p.portal_codes.is_empty() { " · mã thủ tục: " (p.portal_codes.join(", ")) }
                    }
                    div.meta { "Cơ quan giải quyết: " (p.handled_by) }
                    div { "Căn cứ pháp lý:" }
                    ul.basis { @for law in &p.legal_basis { li { (law) } } }
                    details {
                        summary { "Nội dung trả lời" }
                        p { (p.summary) }
                        p { strong { "Hồ sơ: " } (p.documents.join("; ")) }
                        p { strong { "Lệ phí: " } (p.fee) }
                        p { strong { "Thời hạn: " } (p.processing_time) }
                        p { strong { "Nơi nộp: " } (p.where_to_apply.join("; ")) }
                    }
                }
            }
        }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Thủ tục", Some(&session), false, body),
    ))
}

/// The procedures, the longest unchecked first (`YYYY-MM-DD` sorts as dates), then by title.
fn by_verification(all: &[Procedure]) -> Vec<&Procedure> {
    let mut list: Vec<&Procedure> = all.iter().collect();
    list.sort_by(|a, b| {
        (a.last_verified.as_str(), a.title.as_str()).cmp(&(b.last_verified.as_str(), &b.title))
    });
    list
}

/// `YYYY-MM-DD` of a moment in Vietnam.
fn iso_date(at: Timestamp) -> String {
    let d = at.vn_date();
    match d.split('/').collect::<Vec<_>>()[..] {
        [day, month, year] => format!("{year}-{month}-{day}"),
        _ => d,
    }
}

/// `YYYY-MM-DD` as officers read dates.
fn vn(date: &str) -> String {
    match date.split('-').collect::<Vec<_>>()[..] {
        [year, month, day] => format!("{day}/{month}/{year}"),
        _ => date.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::procedures::Catalogue;

    fn entry(id: &str, title: &str, verified: &str) -> String {
        format!(
            r#"[[procedure]]
id = "{id}"
title = "{title}"
summary = "Tóm tắt."
handled_by = "Công an phường"
documents = ["Tờ khai CT01"]
fee = "Miễn phí"
processing_time = "3 ngày"
where = ["Công an phường"]
legal_basis = ["Luật Cư trú 2020"]
last_verified = "{verified}"
keywords = ["{id}"]
"#
        )
    }

    #[test]
    fn the_longest_unchecked_come_first() {
        let text = [
            entry("a", "Tạm trú", "2026-07-01"),
            entry("b", "Thường trú", "2025-01-15"),
            entry("c", "Căn cước", "2026-07-01"),
        ]
        .join("\n");
        let catalogue = Catalogue::from_toml(&text).unwrap();
        let ids: Vec<&str> = by_verification(catalogue.all())
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn dates_convert_both_ways() {
        // 2026-11-28T17:30:00Z is 29/11/2026 in Vietnam.
        assert_eq!(
            iso_date(Timestamp::from_millis(1_795_887_000_000)),
            "2026-11-29"
        );
        assert_eq!(vn("2026-07-01"), "01/07/2026");
        assert_eq!(vn("soon"), "soon");
    }
}
