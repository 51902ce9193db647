//! `GET /dead-letters` (the chief): what the pipeline gave up on — inbox events dead-lettered
//! after `workers.max_event_attempts` (or that could not be opened) and outbox messages failed for
//! good — with when, how many attempts and why. Neither who sent or was to receive them nor what
//! they said is shown (the store does not even read those columns); numbers in an error text
//! that could be a Zalo id or a phone number are masked.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use maud::html;

use super::{auth, view, ConsoleState, Result};
use crate::conversation::quote::mask_numbers;
use crate::time::Timestamp;

/// Rows of each kind listed.
const LIMIT: i64 = 100;
/// Longest error text shown.
const MAX_ERROR: usize = 300;

/// `GET /dead-letters`.
pub async fn page(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require_chief(&state, &headers).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    let events = s.store.dead_events(&mut tx, LIMIT).await?;
    let messages = s.store.dead_messages(&mut tx, LIMIT).await?;
    tx.commit().await?;
    let body = html! {
        h1 { "Sự kiện lỗi" }
        p.meta {
            "Tin nhắn đến và tin gửi đi mà hệ thống đã bỏ cuộc sau nhiều lần thử. "
            "Không hiển thị người gửi, người nhận hay nội dung; lỗi được che các dãy số dài."
        }
        h2 { "Tin nhắn đến không xử lý được (" (events.len()) ")" }
        @if events.is_empty() {
            p.notice { "Không có." }
        } @else {
            div.scroll {
                table {
                    tr { th { "Số" } th { "Loại" } th { "Nhận lúc" } th { "Bỏ lúc" } th { "Số lần thử" } th { "Lỗi" } }
                    @for e in &events {
                        tr {
                            td { (e.id) } td { code { (e.event_name) } }
                            td { (at(Some(e.received_at))) } td { (at(e.processed_at)) }
                            td { (e.attempts) } td { (error(e.last_error.as_deref())) }
                        }
                    }
                }
            }
        }
        h2 { "Tin gửi đi thất bại (" (messages.len()) ")" }
        @if messages.is_empty() {
            p.notice { "Không có." }
        } @else {
            div.scroll {
                table {
                    tr { th { "Số" } th { "Từ sự kiện" } th { "Tạo lúc" } th { "Lần thử cuối" } th { "Số lần thử" } th { "Lỗi" } }
                    @for m in &messages {
                        tr {
                            td { (m.id) }
                            td { @match m.inbox_id { Some(id) if id > 0 => { (id) } _ => { "—" } } }
                            td { (at(Some(m.created_at))) } td { (at(Some(m.next_attempt_at))) }
                            td { (m.attempts) }
                            td {
                                @if let Some(code) = &m.last_error_code { code { (code) } " " }
                                (error(m.last_error.as_deref()))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Sự kiện lỗi", Some(&session), false, body),
    ))
}

/// `dd/mm/yyyy HH:MM` in Vietnam.
fn at(t: Option<Timestamp>) -> String {
    match t {
        Some(t) => {
            let time = t.vn_time();
            format!("{} {}", t.vn_date(), time.split(' ').next().unwrap_or(""))
        }
        None => "—".to_string(),
    }
}

/// An error text as shown: long numbers masked, cut to [`MAX_ERROR`] characters.
fn error(text: Option<&str>) -> String {
    let masked = mask_numbers(text.unwrap_or("—"));
    match masked.char_indices().nth(MAX_ERROR) {
        Some((cut, _)) => format!("{}…", &masked[..cut]),
        None => masked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_masked_and_cut() {
        assert_eq!(error(None), "—");
        let e = error(Some("user 1234567890123456789 not following"));
        assert!(!e.contains("1234567890123456789"), "{e}");
        let long = "ồ".repeat(400);
        assert_eq!(error(Some(&long)).chars().count(), MAX_ERROR + 1);
    }
}
