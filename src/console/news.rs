//! News and warnings (the chief): `GET /news` lists them, withdrawn ones too, with the form to
//! write one; `GET /news/<id>` is an item's edit form. Every POST carries the session's CSRF
//! token. Writing one (`POST /news`) runs the `/news` or `/warn` command through the officers'
//! console ([`super::actions::run`]), so it is stored and audited exactly as from Zalo. Zalo has
//! no command to edit or withdraw an item: `POST /news/<id>` and `POST /news/<id>/expire`
//! change the row and write an audit row of their own (`news_edit`, `news_expire`, the title
//! as the target). A withdrawn item is kept but no longer shown to residents.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{self, Session};
use super::{actions, view, ConsoleState, Result};
use crate::access::{AuditAction, CommandName, Outcome};
use crate::officers::command::Command;
use crate::store::{NewsKind, NewsRecord};
use crate::time::Timestamp;

/// Items listed.
const LIST_LIMIT: i64 = 100;
/// Longest title and text, as for `/news` and `/warn`.
const MAX_TITLE: usize = 150;
const MAX_TEXT: usize = 2000;

/// The write and edit forms' fields.
#[derive(Deserialize)]
pub struct NewsForm {
    // Missing is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// A checked form: kind, title (one line), text.
struct Item {
    kind: NewsKind,
    title: String,
    body: String,
}

impl NewsForm {
    fn item(&self) -> Option<Item> {
        let kind = NewsKind::from_id(&self.kind)?;
        let title = crate::lang::nfc(&self.title.split_whitespace().collect::<Vec<_>>().join(" "));
        let body = crate::lang::nfc(self.body.trim());
        let ok = |s: &str, max: usize| (1..=max).contains(&s.chars().count());
        (ok(&title, MAX_TITLE) && ok(&body, MAX_TEXT)).then_some(Item { kind, title, body })
    }
}

/// The expire form: the token only.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `GET /news`.
pub async fn list(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require_chief(&state, &headers).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    let items = s.store.news_records(&mut tx, LIST_LIMIT).await?;
    tx.commit().await?;
    let flash = auth::flash(&headers);
    let body = html! {
        @if let Some(flash) = &flash { p.flash { (flash) } }
        h1 { "Tin tức và cảnh báo" }
        p.meta { "Người dân xem mục này trong menu “Tin tức” của Official Account, mới nhất trước." }
        section.actions {
            form method="post" action="/news" {
                input type="hidden" name="csrf" value=(session.csrf);
                h2 { "Đăng mới" }
                (fields(None))
                button { "Đăng" }
            }
        }
        h2 { "Đã đăng" }
        @if items.is_empty() { p.notice { "Chưa có tin nào." } }
        ul.news {
            @for item in &items {
                li.expired[item.expired_at.is_some()] {
                    (kind_tag(item.kind))
                    @if item.expired_at.is_some() { span.tag { "Đã gỡ" } }
                    strong { (item.title) }
                    div.meta {
                        "Đăng " (item.published_at.vn_time())
                        @if let Some(at) = item.updated_at { " · sửa " (at.vn_time()) }
                        @if let Some(at) = item.expired_at { " · gỡ " (at.vn_time()) }
                    }
                    p.body { (item.body) }
                    @if item.expired_at.is_none() {
                        div.row {
                            a href={ "/news/" (item.id) } { "Sửa" }
                            form method="post" action={ "/news/" (item.id) "/expire" } {
                                input type="hidden" name="csrf" value=(session.csrf);
                                button.secondary { "Gỡ xuống" }
                            }
                        }
                    }
                }
            }
        }
    };
    let response = view::respond(
        StatusCode::OK,
        view::page("Tin tức", Some(&session), false, body),
    );
    Ok(match flash {
        Some(_) => auth::flash_shown(response, s.secure_cookie),
        None => response,
    })
}

/// `GET /news/<id>`: the edit form of an item still shown.
pub async fn edit_form(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result {
    let session = auth::require_chief(&state, &headers).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    let item = s.store.news_record(&mut tx, id).await?;
    tx.commit().await?;
    let Some(item) = item.filter(|i| i.expired_at.is_none()) else {
        return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND));
    };
    let body = html! {
        h1 { "Sửa tin" }
        section.actions {
            form method="post" action={ "/news/" (item.id) } {
                input type="hidden" name="csrf" value=(session.csrf);
                (fields(Some(&item)))
                button { "Lưu" }
            }
        }
        p { a href="/news" { "Quay lại danh sách" } }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Sửa tin", Some(&session), false, body),
    ))
}

/// `POST /news`: publishes through `/news` or `/warn`.
pub async fn create(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Form(form): Form<NewsForm>,
) -> Result {
    let action = AuditAction::Command(match NewsKind::from_id(&form.kind) {
        Some(NewsKind::Warning) => CommandName::Warn,
        _ => CommandName::News,
    });
    let session = auth::require_chief_post(&state, &headers, &form.csrf, action).await?;
    let Some(Item { kind, title, body }) = form.item() else {
        return Ok(view::message(StatusCode::BAD_REQUEST, NEWS_BAD_FORM));
    };
    let command = match kind {
        NewsKind::News => Command::News { title, text: body },
        NewsKind::Warning => Command::Warn { title, text: body },
    };
    let ran = actions::run(&state, &session, command).await?;
    Ok(auth::see_other_with_flash(
        "/news",
        &ran.told.join("\n"),
        state.inner.secure_cookie,
    ))
}

/// `POST /news/<id>`: rewrites an item.
pub async fn edit(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<NewsForm>,
) -> Result {
    let session =
        auth::require_chief_post(&state, &headers, &form.csrf, AuditAction::NewsEdited).await?;
    let Some(item) = form.item() else {
        return Ok(view::message(StatusCode::BAD_REQUEST, NEWS_BAD_FORM));
    };
    let s = &state.inner;
    let now = Timestamp::now();
    let mut tx = s.store.begin().await?;
    let done = s
        .store
        .edit_news(&mut tx, id, item.kind, &item.title, &item.body, now)
        .await?;
    if done {
        audit(
            &state,
            &session,
            &mut tx,
            AuditAction::NewsEdited,
            &item.title,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    if !done {
        return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND));
    }
    let told = format!("Đã sửa: {}", item.title);
    Ok(auth::see_other_with_flash("/news", &told, s.secure_cookie))
}

/// `POST /news/<id>/expire`: withdraws an item.
pub async fn expire(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result {
    let session =
        auth::require_chief_post(&state, &headers, &form.csrf, AuditAction::NewsExpired).await?;
    let s = &state.inner;
    let now = Timestamp::now();
    let mut tx = s.store.begin().await?;
    let item = s.store.news_record(&mut tx, id).await?;
    let done = match &item {
        Some(item) if s.store.expire_news(&mut tx, id, now).await? => {
            audit(
                &state,
                &session,
                &mut tx,
                AuditAction::NewsExpired,
                &item.title,
                now,
            )
            .await?;
            true
        }
        _ => false,
    };
    tx.commit().await?;
    let Some(item) = item.filter(|_| done) else {
        return Ok(view::message(StatusCode::NOT_FOUND, view::NOT_FOUND));
    };
    let told = format!(
        "Đã gỡ xuống: {} (người dân không còn thấy tin này)",
        item.title
    );
    Ok(auth::see_other_with_flash("/news", &told, s.secure_cookie))
}

const NEWS_BAD_FORM: &str =
    "Tin cần có loại, tiêu đề (tối đa 150 ký tự) và nội dung (tối đa 2000 ký tự).";

async fn audit(
    state: &ConsoleState,
    session: &Session,
    tx: &mut crate::store::Tx,
    action: AuditAction,
    title: &str,
    now: Timestamp,
) -> sqlx::Result<()> {
    let officer = &session.officer;
    state
        .inner
        .store
        .audit(
            tx,
            officer.user_key.as_str(),
            Some(&officer.handle),
            action,
            Some(title),
            Outcome::Ok,
            None,
            now,
        )
        .await
}

fn kind_tag(kind: NewsKind) -> Markup {
    html! {
        @match kind {
            NewsKind::Warning => span.tag.warning { "Cảnh báo" },
            NewsKind::News => span.tag { "Tin tức" },
        }
    }
}

/// The kind, title and text fields, filled from `item` when editing.
fn fields(item: Option<&NewsRecord>) -> Markup {
    let kind = item.map_or(NewsKind::News, |i| i.kind);
    html! {
        label { "Loại "
            select name="kind" {
                option value="news" selected[kind == NewsKind::News] { "Tin tức" }
                option value="warning" selected[kind == NewsKind::Warning] { "Cảnh báo" }
            }
        }
        label.block { "Tiêu đề"
            input type="text" name="title" maxlength=(MAX_TITLE) required value=[item.map(|i| &i.title)];
        }
        label.block { "Nội dung"
            textarea name="body" maxlength=(MAX_TEXT) required { @if let Some(i) = item { (i.body) } }
        }
    }
}
