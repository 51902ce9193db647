//! The pages: the case board (`/`), a case (`/cases/<code>`), and the chief's roster and audit
//! log. A resident appears only as the case's pseudonym; what they wrote is shown masked as in
//! Zalo ([`crate::conversation::quote::for_officers`]), and complaints about officers exist only
//! for the chief.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use maud::html;
use serde::Deserialize;

use super::auth;
use super::{view, ConsoleState, Result};
use crate::access::{AuditAction, CommandName, Outcome};
use crate::cases::{code, Category, Details, Status};
use crate::conversation::quote::for_officers;
use crate::officers::{handling_age, may_see};
use crate::store::{CaseQuery, CaseRow, OfficerRow};
use crate::time::Timestamp;

/// Most cases the board lists.
const BOARD_LIMIT: i64 = 500;
/// Audit rows on the chief's page.
const AUDIT_LIMIT: i64 = 200;

/// The board's filters, from the query string; empty means any.
#[derive(Debug, Default, Deserialize)]
pub struct BoardFilter {
    /// A status id, `open` (the default) or `all`.
    #[serde(default)]
    status: String,
    /// A category id.
    #[serde(default)]
    category: String,
    /// A khu phố name.
    #[serde(default)]
    kp: String,
    /// An officer's handle, or `none` for unassigned.
    #[serde(default)]
    assignee: String,
}

/// `GET /`: urgent and overdue cases first, then the oldest.
pub async fn board(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Query(filter): Query<BoardFilter>,
) -> Result {
    let session = auth::require(&state, &headers).await?;
    let s = &state.inner;
    let now = Timestamp::now();
    let statuses = match filter.status.as_str() {
        "" | "open" => Status::OPEN.to_vec(),
        "all" => Vec::new(),
        id => Status::from_id(id).into_iter().collect(),
    };
    let mut tx = s.store.begin().await?;
    let officers = s.store.officers(&mut tx).await?;
    let query = CaseQuery {
        statuses,
        khu_pho: (!filter.kp.is_empty()).then(|| filter.kp.clone()),
        ..CaseQuery::default()
    };
    let cases = s.store.list_cases(&mut tx, &query, BOARD_LIMIT).await?;
    tx.commit().await?;
    let category = Category::from_id(&filter.category);
    let assignee = match filter.assignee.as_str() {
        "" => None,
        "none" => Some(None),
        handle => Some(Some(
            officers
                .iter()
                .find(|o| o.handle == handle)
                .map(|o| o.user_key.clone()),
        )),
    };
    let mut cases: Vec<(CaseRow, bool)> = cases
        .into_iter()
        .filter(|c| may_see(&session.officer, c))
        .filter(|c| category.is_none_or(|cat| c.category == cat))
        .filter(|c| match &assignee {
            None => true,
            Some(None) => c.assigned_to.is_none(),
            Some(Some(key)) => key.is_some() && c.assigned_to == *key,
        })
        .map(|c| {
            let late = overdue(&state, &c, now);
            (c, late)
        })
        .collect();
    cases.sort_by_key(|(c, late)| (std::cmp::Reverse((c.urgent, *late)), c.created_at));
    let handles = handles(&officers);
    let t = &s.texts;
    let mut by_status: Vec<(Status, usize)> = Status::ALL
        .iter()
        .map(|st| (*st, cases.iter().filter(|(c, _)| c.status == *st).count()))
        .collect();
    by_status.retain(|(_, n)| *n > 0);
    let urgent = cases.iter().filter(|(c, _)| c.urgent == 1).count();
    let late = cases.iter().filter(|(_, late)| *late).count();
    let selected = |a: &str, b: &str| a == b;
    let body = html! {
        h1 { "Tin báo" }
        ul.counts {
            li { "Tổng: " strong { (cases.len()) } }
            li { "Khẩn: " strong { (urgent) } }
            li { "Quá hạn: " strong { (late) } }
            @for (status, n) in &by_status {
                li { (t.status[*status]) ": " strong { (n) } }
            }
        }
        form.filters method="get" action="/" {
            label { "Trạng thái"
                select name="status" {
                    option value="open" selected[selected(&filter.status, "open") || filter.status.is_empty()] { "Đang mở" }
                    option value="all" selected[selected(&filter.status, "all")] { "Tất cả" }
                    @for st in Status::ALL {
                        option value=(st.id()) selected[selected(&filter.status, st.id())] { (t.status[st]) }
                    }
                }
            }
            label { "Loại"
                select name="category" {
                    option value="" { "Tất cả" }
                    @for cat in Category::ALL {
                        @if session.officer.is_chief() || !cat.chief_only() {
                            option value=(cat.id()) selected[selected(&filter.category, cat.id())] { (t.category[cat]) }
                        }
                    }
                }
            }
            label { "Khu phố"
                select name="kp" {
                    option value="" { "Tất cả" }
                    @for area in &s.station.areas {
                        option value=(area.name) selected[filter.kp == area.name] { (area.name) }
                    }
                }
            }
            label { "Cán bộ"
                select name="assignee" {
                    option value="" { "Tất cả" }
                    option value="none" selected[selected(&filter.assignee, "none")] { "Chưa giao" }
                    @for o in &officers {
                        option value=(o.handle) selected[filter.assignee == o.handle] { (o.name) " (" (o.handle) ")" }
                    }
                }
            }
            button { "Lọc" }
        }
        @if cases.is_empty() {
            p.notice { (t.officer.list_empty) }
        }
        ul.cases {
            @for (c, late) in &cases {
                li.urgent[c.urgent == 1].overdue[*late] {
                    @if c.urgent == 1 { span.tag.urgent { "KHẨN" } }
                    @if *late { span.tag.overdue { "Quá hạn" } }
                    a href={ "/cases/" (c.code) } { strong { (c.code) } }
                    " · " (t.category[c.category])
                    div.meta {
                        (c.khu_pho.as_deref().unwrap_or("—")) " · "
                        (handling_age(t, now.since(c.created_at))) " · "
                        (t.status[c.status]) " · "
                        (assignee_name(&handles, c, t.officer.unassigned.as_str()))
                    }
                }
            }
        }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Tin báo", Some(&session), true, body),
    ))
}

/// `GET /cases/<code>`: the case, its timeline and the actions. Opening it is audited like
/// `/case` in Zalo.
pub async fn case(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result {
    let session = auth::require(&state, &headers).await?;
    let Some(code) = code::find(&code) else {
        return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND));
    };
    let s = &state.inner;
    let now = Timestamp::now();
    let mut tx = s.store.begin().await?;
    let Some(case) = s
        .store
        .case_by_code(&mut tx, &code)
        .await?
        .filter(|c| may_see(&session.officer, c))
    else {
        tx.commit().await?;
        return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND));
    };
    s.store
        .audit(
            &mut tx,
            session.officer.user_key.as_str(),
            Some(&session.officer.handle),
            AuditAction::Command(CommandName::Case),
            Some(&case.code),
            Outcome::Ok,
            None,
            now,
        )
        .await?;
    let events = s.store.case_events(&mut tx, case.id).await?;
    let officers = s.store.officers(&mut tx).await?;
    tx.commit().await?;
    let details: Details = s
        .vault
        .open(&case.details)
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
        .unwrap_or_default();
    let handles = handles(&officers);
    let t = &s.texts;
    let ct = &t.officer.case;
    let flash = auth::flash(&headers);
    let contact = match (case.urgent == 1, details.contact_ok) {
        (_, true) => &ct.contact_allowed,
        (true, false) => &ct.contact_not_asked,
        (false, false) => &ct.contact_refused,
    };
    let place = details.place.as_ref();
    let csrf = &session.csrf;
    let action = |name: &str| format!("/cases/{}/{name}", case.code);
    let body = html! {
        @if let Some(flash) = &flash { p.flash { (flash) } }
        h1 {
            @if case.urgent == 1 { span.tag.urgent { "KHẨN" } }
            (case.code) " · " (t.category[case.category])
        }
        dl {
            dt { "Trạng thái" } dd { (t.status[case.status]) }
            dt { "Người báo" } dd { (case.pseudonym) }
            dt { "Liên hệ" } dd { (contact) }
            dt { "Khu phố" } dd { (case.khu_pho.as_deref().unwrap_or(&ct.unknown)) }
            dt { "Cán bộ" } dd { (assignee_name(&handles, &case, t.officer.unassigned.as_str())) }
            dt { "Nội dung" } dd { (for_officers(&details.description)) }
            dt { "Thời gian" } dd { (details.when.as_deref().map(for_officers).unwrap_or_else(|| ct.unknown.to_string())) }
            dt { "Địa điểm" } dd {
                @match place.and_then(|p| p.text.as_deref()) {
                    Some(text) => { (for_officers(text)) " " }
                    None => @if place.and_then(|p| p.map_link()).is_none() { (ct.unknown) } @else { (ct.location) " " },
                }
                @if let Some(link) = place.and_then(|p| p.map_link()) {
                    a href=(link) rel="noreferrer" target="_blank" { "Xem bản đồ" }
                }
            }
            @for (i, file) in details.evidence.iter().enumerate() {
                dt { "Tệp " (i + 1) } dd { a href=(file.url) rel="noreferrer" target="_blank" { (file.kind) } }
            }
        }
        h2 { "Diễn biến" }
        ul.timeline {
            @for event in &events {
                li {
                    span.meta { (event.at.vn_time()) " · " (actor(&handles, &case, &event.actor)) " · " }
                    strong { (t.officer.events.of(&event.kind)) }
                    @if let Some(text) = event_text(&state, &event.kind, event.body.as_deref()) {
                        "\n" (text)
                    }
                }
            }
        }
        h2 { "Xử lý" }
        div.actions {
            @if case.assigned_to.as_ref() != Some(&session.officer.user_key) {
                form method="post" action=(action("claim")) {
                    input type="hidden" name="csrf" value=(csrf);
                    button { "Nhận xử lý" }
                }
            }
            form method="post" action=(action("status")) {
                input type="hidden" name="csrf" value=(csrf);
                label { "Trạng thái mới "
                    select name="status" {
                        @for st in Status::ALL { option value=(st.id()) selected[st == case.status] { (t.status[st]) } }
                    }
                }
                textarea name="note" maxlength="2000" placeholder="Ghi chú gửi người báo (cần bổ sung gì, lý do từ chối, chuyển hay kết quả) — không bắt buộc" {}
                button { "Đổi trạng thái" }
            }
            form method="post" action=(action("reply")) {
                input type="hidden" name="csrf" value=(csrf);
                textarea name="text" maxlength="2000" required placeholder="Trả lời người báo (gửi qua Zalo, người báo không thấy tên bạn)" {}
                button { "Gửi trả lời" }
            }
            form method="post" action=(action("note")) {
                input type="hidden" name="csrf" value=(csrf);
                textarea name="text" maxlength="2000" required placeholder="Ghi chú nội bộ (người báo không thấy)" {}
                button { "Ghi chú" }
            }
            @if session.officer.is_chief() {
                form method="post" action=(action("assign")) {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Giao cho "
                        select name="officer" {
                            @for o in &officers { option value=(o.handle) { (o.name) " (" (o.handle) ")" } }
                        }
                    }
                    button { "Giao" }
                }
                (super::reveal::form(csrf, &case.code))
            }
        }
    };
    let response = view::respond(
        StatusCode::OK,
        view::page(&case.code, Some(&session), false, body),
    );
    Ok(match flash {
        Some(_) => auth::flash_shown(response, s.secure_cookie),
        None => response,
    })
}

/// `GET /officers`: the roster (chief).
pub async fn roster(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require_chief(&state, &headers).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    let officers = s.store.officers(&mut tx).await?;
    tx.commit().await?;
    let body = html! {
        h1 { "Cán bộ" }
        table {
            tr { th { "Tên gọi" } th { "Họ tên" } th { "Vai trò" } th { "Khu phố" } th { "Trực" } }
            @for o in &officers {
                tr {
                    td { (o.handle) } td { (o.name) }
                    td { @if o.is_chief() { "Trưởng" } @else { "Cán bộ" } }
                    td { (o.area_list().join(", ")) }
                    td { @if o.on_call == 1 { "có" } }
                }
            }
        }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Cán bộ", Some(&session), false, body),
    ))
}

/// `GET /audit`: the latest audit rows (chief).
pub async fn audit_log(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require_chief(&state, &headers).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    let rows = s.store.recent_audit(&mut tx, AUDIT_LIMIT).await?;
    tx.commit().await?;
    let body = html! {
        h1 { "Nhật ký" }
        table {
            tr { th { "Lúc" } th { "Cán bộ" } th { "Việc" } th { "Đối tượng" } th { "Kết quả" } }
            @for r in &rows {
                tr {
                    td { (r.at.vn_date()) " " (r.at.vn_time()) }
                    td { (r.actor_handle.as_deref().unwrap_or("—")) }
                    td { (r.action.id()) }
                    td { (r.target.as_deref().unwrap_or("")) }
                    td { (r.outcome.id()) }
                }
            }
        }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Nhật ký", Some(&session), false, body),
    ))
}

/// Waiting for a first response past its service level.
fn overdue(state: &ConsoleState, case: &CaseRow, now: Timestamp) -> bool {
    case.status.is_open()
        && case.first_response_at.is_none()
        && now.since(case.created_at) > state.inner.service.target(case.urgent == 1)
}

fn handles(officers: &[OfficerRow]) -> HashMap<&str, &str> {
    officers
        .iter()
        .map(|o| (o.user_key.as_str(), o.handle.as_str()))
        .collect()
}

fn assignee_name<'a>(handles: &HashMap<&str, &'a str>, case: &CaseRow, none: &'a str) -> &'a str {
    case.assigned_to
        .as_ref()
        .and_then(|k| handles.get(k.as_str()).copied())
        .unwrap_or(none)
}

/// Who wrote a timeline entry: the pseudonym for the resident, an officer's handle.
fn actor<'a>(handles: &HashMap<&str, &'a str>, case: &'a CaseRow, actor: &'a str) -> &'a str {
    match actor {
        "resident" => &case.pseudonym,
        "system" => "hệ thống",
        key => handles.get(key).copied().unwrap_or("cán bộ cũ"),
    }
}

/// A timeline entry's text: a status as its label, the resident's words masked.
fn event_text(state: &ConsoleState, kind: &str, body: Option<&[u8]>) -> Option<String> {
    let text = state.inner.vault.open_string(body?).ok()?;
    Some(match kind {
        "status" => {
            Status::from_id(&text).map_or(text, |st| state.inner.texts.status[st].to_string())
        }
        "resident_message" => for_officers(&text),
        _ => text,
    })
}
