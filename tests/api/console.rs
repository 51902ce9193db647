//! The station's web console over HTTP: logging in with the `/web` link, sessions, CSRF, who
//! may see what, and a reply from the console reaching the resident through the simulator.

use reqwest::{header, redirect, Client, StatusCode};
use zalo_sim::ResidentInput;

use crate::helpers::*;
use crate::officers::report;

const CHIEF: &str = "8300001";
const AN: &str = "8300002";
const RESIDENT: &str = "7930001";
const PHONE: &str = "0912345678";

async fn station() -> TestApp {
    let app = spawn_app_with(TestDb::sqlite(), |s| s.officers.chief_id = CHIEF.to_owned()).await;
    say(&app, CHIEF, ResidentInput::follow(), 1).await;
    say(
        &app,
        CHIEF,
        ResidentInput::text("/officer add 8300002 an officer Thượng úy Nguyễn Văn An"),
        1,
    )
    .await;
    say(&app, AN, ResidentInput::follow(), 1).await;
    app
}

/// An HTTP client that shows redirects instead of following them.
fn browser() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The token of the link the bot sends an officer on `/web`.
async fn web_link(app: &TestApp, officer: &str) -> String {
    let r = say(app, officer, ResidentInput::text("/web"), 1).await;
    let text = text_of(&r[0]);
    let at = text.find("/login/").expect("a login link") + "/login/".len();
    text[at..].split_whitespace().next().unwrap().to_owned()
}

fn url(app: &TestApp, path: &str) -> String {
    format!("http://{}{path}", app.console_address)
}

/// Logs in with a fresh `/web` link; the session cookie to send back.
async fn login(app: &TestApp, officer: &str) -> String {
    let token = web_link(app, officer).await;
    let r = browser()
        .get(url(app, &format!("/login/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http public_url: {set}");
    set.split(';').next().unwrap().to_owned()
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = browser()
        .get(url(app, path))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> StatusCode {
    browser()
        .post(url(app, path))
        .header(header::COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
}

/// The CSRF token in a page's forms.
fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_console_has_its_own_listener_and_asks_strangers_to_log_in() {
    let app = spawn_app().await;
    let webhook = app
        .http
        .get(format!("http://{}/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.status(), StatusCode::NOT_FOUND);
    for path in ["/", "/cases/PA-7K3M9Q", "/officers", "/audit"] {
        let (status, page) = get(&app, "", path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(page.contains("/web"), "{path}: {page}");
    }
    let (status, _) = get(&app, "ketnoi_session=forged", "/").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let r = browser()
        .post(url(&app, "/cases/PA-7K3M9Q/claim"))
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_https() {
    let app = spawn_app_with(TestDb::sqlite(), |s| {
        s.officers.chief_id = CHIEF.to_owned();
        s.console.public_url = "https://banlamviec.example.vn".into();
    })
    .await;
    say(&app, CHIEF, ResidentInput::follow(), 1).await;
    let r = say(&app, CHIEF, ResidentInput::text("/web"), 1).await;
    assert!(
        text_of(&r[0]).contains("https://banlamviec.example.vn/login/"),
        "{}",
        text_of(&r[0])
    );
    let token = web_link(&app, CHIEF).await;
    let r = browser()
        .get(url(&app, &format!("/login/{token}")))
        .send()
        .await
        .unwrap();
    let set = r.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(set.contains("; Secure"), "{set}");
}

#[tokio::test]
async fn web_links_work_once_for_officers_only_and_expire() {
    let app = station().await;
    // A resident typing /web gets the resident bot, not a link.
    let r = say(&app, RESIDENT, ResidentInput::text("/web"), 1).await;
    assert!(!text_of(&r[0]).contains("/login/"), "{}", text_of(&r[0]));

    let token = web_link(&app, AN).await;
    let first = browser()
        .get(url(&app, &format!("/login/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(first.headers()[header::LOCATION], "/");
    let again = browser()
        .get(url(&app, &format!("/login/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert!(again.text().await.unwrap().contains("đã được dùng"));

    let token = web_link(&app, AN).await;
    sqlx::query("update console_login_tokens set expires_at = 1 where used_at is null")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, page) = get(&app, "", &format!("/login/{token}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("hết hạn") && page.contains("/web"), "{page}");
    assert_eq!(audit_rows(&app, "web").await.len(), 2);
}

#[tokio::test]
async fn an_officer_works_a_case_from_the_console_and_the_resident_gets_the_reply() {
    let app = station().await;
    let code = report(
        &app,
        RESIDENT,
        &format!(
            "Tối qua xe máy của tôi bị trộm trước nhà số 5 hẻm 20 khu phố 3, gọi tôi số {PHONE}"
        ),
    )
    .await;
    let cookie = login(&app, AN).await;

    let (status, board) = get(&app, &cookie, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(board.contains(&code), "{board}");
    let (status, page) = get(&app, &cookie, &format!("/cases/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Người báo #") && page.contains("xe máy"),
        "{page}"
    );
    for page in [&board, &page] {
        assert!(
            !page.contains(RESIDENT) && !page.contains(PHONE),
            "identity leaked: {page}"
        );
    }
    let csrf = csrf_in(&page);

    // Without the session's CSRF token nothing happens.
    let before = app.sim.sent_messages(RESIDENT).len();
    let reply = format!("/cases/{code}/reply");
    for form in [
        vec![("text", "Chào anh")],
        vec![("csrf", "0000"), ("text", "Chào anh")],
    ] {
        assert_eq!(
            post(&app, &cookie, &reply, &form).await,
            StatusCode::FORBIDDEN
        );
    }
    settled(&app).await;
    assert_eq!(app.sim.sent_messages(RESIDENT).len(), before);
    assert!(audit_rows(&app, "reply").await.is_empty());

    // Claim and reply: the resident is told, and the reply reaches them through the relay.
    let claim = format!("/cases/{code}/claim");
    assert_eq!(
        post(&app, &cookie, &claim, &[("csrf", &csrf)]).await,
        StatusCode::SEE_OTHER
    );
    let text = "Công an phường đã cử người xác minh, anh chờ nhé.";
    assert_eq!(
        post(&app, &cookie, &reply, &[("csrf", &csrf), ("text", text)]).await,
        StatusCode::SEE_OTHER
    );
    let seen = replies(&app.sim, RESIDENT, before + 2).await;
    assert!(text_of(&seen[before]).contains("đang được cán bộ xử lý"));
    assert!(
        text_of(&seen[before + 1]).contains(text),
        "{:?}",
        &seen[before..]
    );
    let note = format!("/cases/{code}/note");
    assert_eq!(
        post(
            &app,
            &cookie,
            &note,
            &[("csrf", &csrf), ("text", "Đã gọi tổ dân phố")]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let (_, page) = get(&app, &cookie, &format!("/cases/{code}")).await;
    assert!(
        page.contains("Đã gọi tổ dân phố") && page.contains(text),
        "{page}"
    );
    for action in ["claim", "reply", "note"] {
        assert_eq!(
            audit_rows(&app, action).await,
            vec![("an".to_owned(), "ok".to_owned())],
            "{action}"
        );
    }
    // The officer's acknowledgements are shown on the page, not sent to their Zalo.
    settled(&app).await;
    assert!(app
        .sim
        .sent_messages(AN)
        .iter()
        .all(|m| !text_of(m).contains("Đã gửi trả lời")));

    // Chief's pages and actions are refused, the refusal audited as in Zalo.
    for path in ["/officers", "/audit"] {
        assert_eq!(
            get(&app, &cookie, path).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let assign = format!("/cases/{code}/assign");
    assert_eq!(
        post(
            &app,
            &cookie,
            &assign,
            &[("csrf", &csrf), ("officer", "an")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        audit_rows(&app, "assign").await,
        vec![("an".to_owned(), "refused".to_owned())]
    );

    // The chief sees both pages, and no identity there either.
    let chief = login(&app, CHIEF).await;
    for path in ["/officers", "/audit", "/"] {
        let (status, page) = get(&app, &chief, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains(RESIDENT) && !page.contains(PHONE), "{path}");
    }

    // Logging out ends the session.
    assert_eq!(
        post(&app, &cookie, "/logout", &[("csrf", &csrf)]).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(get(&app, &cookie, "/").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn complaints_are_the_chiefs_and_removal_ends_sessions() {
    let app = station().await;
    let complaint = report(
        &app,
        RESIDENT,
        "Tối qua xe đạp của tôi bị trộm ở trước cửa nhà số 7 hẻm 12 khu phố 2",
    )
    .await;
    // Whatever the classifier made of it, it is a complaint about an officer now.
    sqlx::query("update cases set category = 'complaint' where code = $1")
        .bind(&complaint)
        .execute(app.store.pool())
        .await
        .unwrap();
    let an = login(&app, AN).await;
    let chief = login(&app, CHIEF).await;
    let (status, board) = get(&app, &an, "/?status=all").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!board.contains(&complaint), "{board}");
    assert_eq!(
        get(&app, &an, &format!("/cases/{complaint}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, board) = get(&app, &chief, "/?status=all").await;
    assert!(board.contains(&complaint), "{board}");
    assert_eq!(
        get(&app, &chief, &format!("/cases/{complaint}")).await.0,
        StatusCode::OK
    );

    say(&app, CHIEF, ResidentInput::text("/officer remove an"), 1).await;
    assert_eq!(get(&app, &an, "/").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, &chief, "/").await.0, StatusCode::OK);
}
