//! The station's web console (bàn làm việc), served on its own listener (`console.listen`),
//! never on the webhook's. Officers log in with the single-use link the bot sends on `/web`
//! ([`auth`]); pages are rendered on the server ([`pages`], [`view`]), and every state change is
//! a POST with the session's CSRF token that runs the same officer command as Zalo does
//! ([`actions`]), so each action has one implementation and one audit trail.
//!
//! | page | who |
//! |---|---|
//! | `GET /` case board, `GET /cases/<code>` a case, its forms `POST /cases/<code>/<action>` | every officer (complaints about officers: the chief only; `assign` the chief only, as in Zalo) |
//! | `GET /stats` statistics with charts ([`stats`], [`charts`]) | every officer (complaints counted for all, listed for the chief only) |
//! | `POST /cases/<code>/reveal` the reporter's identity, form on the case page ([`reveal`]) | the chief; others get 403, audited as refused |
//! | `GET /groups` the khu phố Zalo groups with member counts ([`groups`]) | every officer |
//! | `POST /groups/create` has Zalo create a khu phố's group, as `/group create` | the chief; others get 403, audited as refused |
//! | `GET /news`, `GET /news/<id>`, `POST /news`, `POST /news/<id>`, `POST /news/<id>/expire` news and warnings ([`news`]) | the chief; others get 403, a refused POST audited |
//! | `GET /procedures` the procedure catalogue and when each was verified ([`procedures`]) | the chief; others get 403 |
//! | `GET /dead-letters` events and messages given up on ([`dead_letters`]) | the chief; others get 403 |
//! | `GET /officers` roster, `GET /audit` audit log | the chief; others get 403 |
//!
//! Links to the chief's pages are in the navigation of the chief only.

mod actions;
mod auth;
mod charts;
mod dead_letters;
mod groups;
mod news;
mod pages;
mod procedures;
mod reveal;
mod stats;
mod view;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Notify;

use crate::bot::procedures::Catalogue;
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
    catalogue: Catalogue,
    secure_cookie: bool,
    outbox_ready: Arc<Notify>,
}

impl ConsoleState {
    /// The console's dependencies; `catalogue` is the procedures the bot answers from;
    /// `outbox_ready` wakes the delivery workers after an action queued messages.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        vault: Vault,
        officers: Console,
        texts: Texts,
        service: ServiceLevelSettings,
        station: StationSettings,
        catalogue: Catalogue,
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
                catalogue,
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
        .route("/stats", get(stats::page))
        .route("/news", get(news::list).post(news::create))
        .route("/news/{id}", get(news::edit_form).post(news::edit))
        .route("/news/{id}/expire", post(news::expire))
        .route("/procedures", get(procedures::page))
        .route("/groups", get(groups::page))
        .route("/groups/create", post(groups::create))
        .route("/dead-letters", get(dead_letters::page))
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
