//! Logging in through Zalo, no passwords: `GET /login/<token>` spends a `/web` link and starts a
//! 12-hour session (cookie HttpOnly, SameSite=Strict, Secure when `console.public_url` is https);
//! `POST /logout` ends it. The database keeps hashes of the session ids; the CSRF token of a
//! session is derived from its id, so it needs no storage and dies with the session.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use base64::Engine;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::{view, ConsoleState, Failure, Result};
use crate::access::{AuditAction, Outcome};
use crate::officers::web::{new_secret, secret_hash};
use crate::store::OfficerRow;
use crate::time::Timestamp;

/// The session cookie's name.
const COOKIE: &str = "ketnoi_session";
/// How long a session lasts.
const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// A logged-in officer.
pub struct Session {
    /// Who.
    pub officer: OfficerRow,
    /// The token every form of this session carries.
    pub csrf: String,
    /// What the store knows the session by.
    hash: String,
}

impl Session {
    /// Whether a submitted CSRF token is this session's (constant time).
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        self.csrf.as_bytes().ct_eq(submitted.as_bytes()).into()
    }
}

/// The session of this request, if its cookie names a live one of an active officer.
pub async fn session(state: &ConsoleState, headers: &HeaderMap) -> Result<Option<Session>> {
    let Some(id) = cookie(headers, COOKIE) else {
        return Ok(None);
    };
    let s = &state.inner;
    let hash = secret_hash(id);
    let mut tx = s.store.begin().await?;
    let officer = match s
        .store
        .console_session(&mut tx, &hash, Timestamp::now())
        .await?
    {
        Some(key) => s.store.officer(&mut tx, &key).await?,
        None => None,
    };
    tx.commit().await?;
    Ok(officer.map(|officer| Session {
        officer,
        csrf: csrf_token(id),
        hash,
    }))
}

/// The session, or the login page (401) for a request without one.
pub async fn require(state: &ConsoleState, headers: &HeaderMap) -> Result<Session> {
    session(state, headers)
        .await?
        .ok_or_else(|| view::message(StatusCode::UNAUTHORIZED, view::LOGIN_NEEDED).into())
}

/// The session of a POST whose form carries its CSRF token; 403 otherwise, before anything is
/// read or changed.
pub async fn require_post(
    state: &ConsoleState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Session> {
    match session(state, headers).await? {
        Some(session) if session.csrf_ok(csrf) => Ok(session),
        _ => Err(view::message(StatusCode::FORBIDDEN, view::FORBIDDEN).into()),
    }
}

/// The session of the chief; 403 for other officers.
pub async fn require_chief(state: &ConsoleState, headers: &HeaderMap) -> Result<Session> {
    let session = require(state, headers).await?;
    match session.officer.is_chief() {
        true => Ok(session),
        false => Err(chief_only()),
    }
}

/// [`require_post`] for the chief's forms; 403 for other officers, and their attempt at
/// `action` is written to the audit log as refused, as a refused command is from Zalo.
pub async fn require_chief_post(
    state: &ConsoleState,
    headers: &HeaderMap,
    csrf: &str,
    action: AuditAction,
) -> Result<Session> {
    let session = require_post(state, headers, csrf).await?;
    if session.officer.is_chief() {
        return Ok(session);
    }
    let s = &state.inner;
    let officer = &session.officer;
    let mut tx = s.store.begin().await?;
    s.store
        .audit(
            &mut tx,
            officer.user_key.as_str(),
            Some(&officer.handle),
            action,
            None,
            Outcome::Refused,
            None,
            Timestamp::now(),
        )
        .await?;
    tx.commit().await?;
    Err(chief_only())
}

fn chief_only() -> Failure {
    view::message(StatusCode::FORBIDDEN, view::CHIEF_ONLY).into()
}

/// `GET /login/<token>`.
pub async fn login(State(state): State<ConsoleState>, Path(token): Path<String>) -> Result {
    let s = &state.inner;
    let now = Timestamp::now();
    let mut tx = s.store.begin().await?;
    let officer = match s
        .store
        .redeem_login_token(&mut tx, &secret_hash(&token), now)
        .await?
    {
        Some(key) => s.store.officer(&mut tx, &key).await?,
        None => None,
    };
    let Some(officer) = officer else {
        // Spent tokens stay spent even when the page is refused.
        tx.commit().await?;
        return Ok(view::message(StatusCode::FORBIDDEN, view::LINK_REFUSED));
    };
    let id = new_secret();
    s.store
        .add_console_session(
            &mut tx,
            &secret_hash(&id),
            &officer.user_key,
            now,
            now.plus(SESSION_LIFETIME),
        )
        .await?;
    tx.commit().await?;
    let cookie = session_cookie(&id, SESSION_LIFETIME.as_secs(), s.secure_cookie);
    Ok(see_other("/", Some(cookie)))
}

/// The logout form.
#[derive(Deserialize)]
pub struct LogoutForm {
    // Missing is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result {
    let session = require_post(&state, &headers, &form.csrf).await?;
    let s = &state.inner;
    let mut tx = s.store.begin().await?;
    s.store.end_console_session(&mut tx, &session.hash).await?;
    tx.commit().await?;
    Ok(see_other("/", Some(session_cookie("", 0, s.secure_cookie))))
}

/// A 303 to `location`, optionally setting a cookie.
pub fn see_other(location: &str, cookie: Option<String>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, location);
    }
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

fn session_cookie(value: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// A 303 to `location` that shows `text` once there (a POST's acknowledgement).
pub fn see_other_with_flash(location: &str, text: &str, secure: bool) -> Response {
    let flash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text.as_bytes());
    see_other(location, Some(flash_cookie(&flash, secure)))
}

/// The text a redirect left to show once, if any.
pub fn flash(headers: &HeaderMap) -> Option<String> {
    cookie(headers, FLASH).and_then(|v| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(v)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    })
}

/// Clears the flash cookie on a page that showed it.
pub fn flash_shown(mut response: Response, secure: bool) -> Response {
    if let Ok(clear) = HeaderValue::from_str(&clear_flash(secure)) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

/// A short-lived cookie carrying what to show once on the next page (after a POST's redirect).
fn flash_cookie(value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{FLASH}={value}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict{secure}")
}

/// The flash cookie's name.
const FLASH: &str = "ketnoi_flash";

/// Clears the flash cookie.
fn clear_flash(secure: bool) -> String {
    flash_cookie("", secure).replace("Max-Age=60", "Max-Age=0")
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}

/// Derived from the session id (which only the officer's browser holds), so a page of another
/// site cannot know it.
fn csrf_token(session_id: &str) -> String {
    secret_hash(&format!("csrf:{session_id}"))
}
