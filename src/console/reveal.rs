//! Identity reveal on the case page, for the chief only: a form with a required reason posts
//! `/cases/<code>/reveal`, which runs the same `/reveal` command as Zalo ([`super::actions`]) —
//! the same audit row with the reason, the same timeline entry — and shows the reporter's Zalo
//! id and unmasked account in that answer alone: never in a cookie, a link or a later page, and
//! not cached (`Cache-Control: no-store`). Other officers never see the form; their POST is
//! refused with 403 and audited as refused, as in Zalo.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use super::auth::Session;
use super::view;

/// The form, for the case page (the caller shows it to the chief only).
pub fn form(csrf: &str, code: &str) -> Markup {
    html! {
        form.reveal method="post" action={ "/cases/" (code) "/reveal" } {
            input type="hidden" name="csrf" value=(csrf);
            label for="reveal-reason" { strong { "Xem danh tính người báo" } }
            p.meta { "Chỉ khi thật cần thiết. Lý do được ghi vào nhật ký và diễn biến của tin báo." }
            textarea id="reveal-reason" name="reason" maxlength="2000" required
                placeholder="Lý do xem danh tính (bắt buộc)" {}
            button.danger { "Xem danh tính" }
        }
    }
}

/// The answer to a reveal: what the command told the chief, once.
pub fn answer(session: &Session, code: &str, told: &[String]) -> Response {
    let body = html! {
        h1 { "Danh tính người báo · " (code) }
        p.notice {
            "Thông tin này chỉ hiện một lần, trên trang này. Không sao chép, chụp màn hình hay chuyển cho người khác."
        }
        @for text in told { pre.revealed { (text) } }
        p { a href={ "/cases/" (code) } { "Quay lại tin báo" } }
    };
    view::respond(
        StatusCode::OK,
        view::page("Danh tính người báo", Some(session), false, body),
    )
}
