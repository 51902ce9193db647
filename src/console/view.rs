//! The pages' frame: one layout, the embedded stylesheet, the fixed messages, and the headers
//! every answer carries (nothing cached, no framing, nothing loaded from elsewhere).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use super::auth::Session;

/// The one stylesheet, compiled into the binary: a station's network may be closed.
const STYLE: &str = include_str!("console.css");

pub const NOT_FOUND: &str = "Không có trang này.";
pub const SERVER_ERROR: &str = "Có lỗi khi đọc dữ liệu. Hãy thử lại sau ít phút.";
pub const LOGIN_NEEDED: &str =
    "Bạn chưa đăng nhập. Hãy nhắn /web tới Official Account của Công an phường trên Zalo để nhận liên kết đăng nhập.";
pub const LINK_REFUSED: &str =
    "Liên kết đăng nhập này đã được dùng hoặc đã hết hạn (mỗi liên kết chỉ dùng được một lần, trong 10 phút). Hãy nhắn /web tới Official Account trên Zalo để nhận liên kết mới.";
pub const FORBIDDEN: &str =
    "Không được phép: phiên làm việc đã hết hoặc biểu mẫu không hợp lệ. Hãy tải lại trang rồi thử lại.";
pub const CHIEF_ONLY: &str = "Trang này chỉ dành cho Trưởng Công an phường.";
pub const BAD_FORM: &str = "Biểu mẫu thiếu nội dung hoặc nội dung quá dài (tối đa 2000 ký tự).";

/// A full page: title, navigation for a logged-in officer, body.
pub fn page(title: &str, session: Option<&Session>, refresh: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if refresh {
                    // The board keeps itself current without any script.
                    meta http-equiv="refresh" content="60";
                }
                title { (title) " · Bàn làm việc" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                @if let Some(session) = session {
                    nav {
                        a href="/" { "Tin báo" }
                        a href="/stats" { "Thống kê" }
                        a href="/groups" { "Nhóm Zalo" }
                        @if session.officer.is_chief() {
                            a href="/news" { "Tin tức" }
                            a href="/procedures" { "Thủ tục" }
                            a href="/officers" { "Cán bộ" }
                            a href="/audit" { "Nhật ký" }
                            a href="/dead-letters" { "Sự kiện lỗi" }
                        }
                        span.who { (session.officer.name) }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(session.csrf);
                            button { "Đăng xuất" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page that only says something, with its status.
pub fn message(status: StatusCode, text: &str) -> Response {
    let body = html! { h1 { "Bàn làm việc" } p.notice { (text) } };
    respond(status, page("Thông báo", None, false, body))
}

/// An HTML answer with the console's headers.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// `GET /style.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}
