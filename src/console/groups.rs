//! `GET /groups` (every officer): each khu phố's Zalo group — its id, member count as Zalo last
//! gave it, join link, or that it is gone or missing. The chief also gets a "Tạo nhóm Zalo"
//! button per khu phố without a live group: `POST /groups/create` runs `/group create` through
//! [`super::actions::run`], so it is the same request to Zalo, the same one-at-a-time guard and
//! the same audit row as from Zalo; the join link comes back to the chief in Zalo and shows here.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Form;
use maud::html;
use serde::Deserialize;

use super::{actions, auth, view, ConsoleState, Result};
use crate::access::{AuditAction, CommandName};
use crate::officers::command::{Command, GroupAction};
use crate::store::GroupState;

/// `GET /groups`.
pub async fn page(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require(&state, &headers).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    let rows = s.store.area_groups(&mut tx).await?;
    tx.commit().await?;
    let chief = session.officer.is_chief();
    let flash = auth::flash(&headers);
    let body = html! {
        @if let Some(flash) = &flash { p.flash { (flash) } }
        h1 { "Nhóm Zalo khu phố" }
        p.meta {
            "Nhóm an ninh trật tự của từng khu phố, do Official Account quản lý. Tin trong nhóm tới mọi thành viên, "
            "không phụ thuộc 7 ngày tương tác. Số thành viên là số Zalo báo lần gần nhất."
        }
        ul.groups {
            @for area in &s.station.areas {
                @let row = rows.iter().find(|r| r.area == area.name);
                @let live = row.is_some_and(|r| r.state == GroupState::Active);
                li {
                    strong { (area.name) }
                    @match row {
                        Some(r) if live => {
                            div.meta {
                                "Mã nhóm: " (r.group_id)
                                @if let (Some(n), Some(at)) = (r.member_count, r.counted_at) {
                                    " · " strong { (n) } " thành viên (Zalo báo lúc " (at.vn_time()) ")"
                                }
                            }
                            @if let Some(link) = &r.join_link {
                                div { "Đường dẫn tham gia: " a href=(link) { (link) } }
                            }
                        }
                        Some(_) => { div { span.tag.overdue { "Không còn hoạt động" } " Đã xóa hoặc hết hạn gói nhóm." } }
                        None => { div.meta { "Chưa có nhóm." } }
                    }
                    @if chief && !live {
                        form method="post" action="/groups/create" {
                            input type="hidden" name="csrf" value=(session.csrf);
                            input type="hidden" name="area" value=(area.name);
                            button { "Tạo nhóm Zalo" }
                        }
                    }
                }
            }
        }
    };
    let response = view::respond(
        StatusCode::OK,
        view::page("Nhóm Zalo", Some(&session), false, body),
    );
    Ok(match flash {
        Some(_) => auth::flash_shown(response, s.secure_cookie),
        None => response,
    })
}

/// The create form.
#[derive(Deserialize)]
pub struct CreateForm {
    // Missing is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    area: String,
}

/// `POST /groups/create` (the chief).
pub async fn create(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> Result {
    let action = AuditAction::Command(CommandName::Group);
    let session = auth::require_chief_post(&state, &headers, &form.csrf, action).await?;
    let command = Command::Group(GroupAction::Create { area: form.area });
    let ran = actions::run(&state, &session, command).await?;
    Ok(auth::see_other_with_flash(
        "/groups",
        &ran.told.join("\n"),
        state.inner.secure_cookie,
    ))
}
