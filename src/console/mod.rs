//! The station's web console (bàn làm việc), served on its own listener (`console.listen`),
//! never on the webhook's. Officers log in with the single-use link the bot sends on `/web`
//! ([`auth`]); pages are rendered on the server ([`pages`], [`view`]), and every state change is
//! a POST with the session's CSRF token that runs the same officer command as Zalo does
//! ([`actions`]), so each action has one implementation and one audit trail.
//!
//! | page | who |
//! |---|---|
//! | `GET /` case board, `GET /cases/<code>` a case | every officer (complaints about officers: the chief only) |
//! | `GET /officers` roster, `GET /audit` audit log | the chief; others get 403 |

mod actions;
mod auth;
mod pages;
mod view;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Notify;

use crate::config::{ServiceLevelSettings, StationSettings};
use crate::conversation::texts::Texts;
use crate::officers::Console;
use crate::store::Store;
use crate::vault::Vault;

/// What the console's handlers share.
#[derive(Clone)]
pub struct ConsoleState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    vault: Vault,
    officers: Console,
    texts: Texts,
    service: ServiceLevelSettings,
    station: StationSettings,
    secure_cookie: bool,
    outbox_ready: Arc<Notify>,
}

impl ConsoleState {
    /// The console's dependencies; `outbox_ready` wakes the delivery workers after an action
    /// queued messages.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        vault: Vault,
        officers: Console,
        texts: Texts,
        service: ServiceLevelSettings,
        station: StationSettings,
        secure_cookie: bool,
        outbox_ready: Arc<Notify>,
    ) -> ConsoleState {
        ConsoleState {
            inner: Arc::new(Inner {
                store,
                vault,
                officers,
                texts,
                service,
                station,
                secure_cookie,
                outbox_ready,
            }),
        }
    }
}

/// The console's routes.
pub fn router(state: ConsoleState) -> Router {
    Router::new()
        .route("/", get(pages::board))
        .route("/cases/{code}", get(pages::case))
        .route("/cases/{code}/{action}", post(actions::act))
        .route("/officers", get(pages::roster))
        .route("/audit", get(pages::audit_log))
        .route("/login/{token}", get(auth::login))
        .route("/logout", post(auth::logout))
        .route("/style.css", get(view::stylesheet))
        .fallback(|| async { view::message(StatusCode::NOT_FOUND, view::NOT_FOUND) })
        .with_state(state)
}

/// A handler's failure: the page to answer with. Database errors are logged (without the
/// request's contents) and shown as a plain 500 page.
pub(crate) struct Failure(Response);

impl From<sqlx::Error> for Failure {
    fn from(err: sqlx::Error) -> Failure {
        tracing::error!(error = %err, "console: database error");
        Failure(view::message(
            StatusCode::INTERNAL_SERVER_ERROR,
            view::SERVER_ERROR,
        ))
    }
}

impl From<Response> for Failure {
    fn from(response: Response) -> Failure {
        Failure(response)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        self.0
    }
}

type Result<T = Response> = std::result::Result<T, Failure>;
