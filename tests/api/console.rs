//! The station's web console over HTTP: logging in with the `/web` link, sessions, CSRF, who
//! may see what, and a reply from the console reaching the resident through the simulator.

use reqwest::{header, redirect, Client, StatusCode};
use zalo_sim::ResidentInput;

use crate::helpers::*;

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
    post_page(app, cookie, path, form).await.0
}

/// A POST's status, headers and page.
async fn post_page(
    app: &TestApp,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, header::HeaderMap, String) {
    let r = browser()
        .post(url(app, path))
        .header(header::COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
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
    for path in [
        "/",
        "/cases/PA-7K3M9Q",
        "/officers",
        "/audit",
        "/stats",
        "/news",
        "/news/1",
        "/procedures",
        "/dead-letters",
    ] {
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

/// The chief's pages, every one of which an ordinary officer is refused.
const CHIEF_PAGES: [&str; 6] = [
    "/news",
    "/news/1",
    "/procedures",
    "/dead-letters",
    "/officers",
    "/audit",
];

/// The news page's form for a warning.
fn warning_form<'a>(csrf: &'a str, title: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("csrf", csrf),
        ("kind", "warning"),
        ("title", title),
        ("body", "Không chuyển tiền đặt cọc cho người lạ trên mạng."),
    ]
}

/// What a resident sees under "Tin tức".
async fn residents_news(app: &TestApp) -> String {
    let r = say(app, "7930009", ResidentInput::text("#menu:news"), 1).await;
    text_of(&r[0]).to_owned()
}

#[tokio::test]
async fn stats_draw_the_cases_of_the_last_weeks_for_every_officer() {
    let app = station().await;
    let theft = report(
        &app,
        RESIDENT,
        &format!(
            "Tối qua xe máy của tôi bị trộm trước nhà số 5 hẻm 20 khu phố 3, gọi tôi số {PHONE}"
        ),
    )
    .await;
    let complaint = report(
        &app,
        "7930002",
        "Tối qua xe đạp của tôi bị trộm ở trước cửa nhà số 7 hẻm 12 khu phố 2",
    )
    .await;
    // Whatever the classifier made of them: a theft, and an urgent complaint about an officer.
    for (code, category, urgent) in [(&theft, "theft", 0), (&complaint, "complaint", 1)] {
        sqlx::query("update cases set category = $1, urgent = $2 where code = $3")
            .bind(category)
            .bind(urgent)
            .bind(code)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let an = login(&app, AN).await;
    let (status, page) = get(&app, &an, "/stats").await;
    assert_eq!(status, StatusCode::OK);
    // The first chart, by category: an inline SVG and its legend.
    let chart = &page[page.find("<figure").expect("a chart")..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    assert!(chart.contains("<svg"), "{chart}");
    assert!(chart.contains("Trộm cắp, cướp giật"), "{chart}");
    // Complaints are counted for everyone…
    assert!(chart.contains("Góp ý, khiếu nại về cán bộ"), "{chart}");
    assert!(
        page.contains("Chỉ tiêu") && page.contains("Trung vị"),
        "{page}"
    );
    assert!(page.contains("href=\"/stats\""), "the nav links the page");
    // …but which case it is, only the chief sees.
    assert!(!page.contains(&complaint), "{page}");
    let chief = login(&app, CHIEF).await;
    let (status, chiefs) = get(&app, &chief, "/stats").await;
    assert_eq!(status, StatusCode::OK);
    assert!(chiefs.contains(&complaint), "{chiefs}");
    for page in [&page, &chiefs] {
        assert!(
            !page.contains(RESIDENT) && !page.contains("7930002") && !page.contains(PHONE),
            "identity leaked: {page}"
        );
    }
    assert_eq!(audit_rows(&app, "stats").await.len(), 2);
}

#[tokio::test]
async fn the_chiefs_pages_and_the_reveal_are_refused_to_other_officers() {
    let app = station().await;
    let code = report(
        &app,
        RESIDENT,
        "Tối qua xe đạp của tôi bị trộm ở trước cửa nhà số 7 hẻm 12 khu phố 2",
    )
    .await;
    let an = login(&app, AN).await;
    let (status, page) = get(&app, &an, &format!("/cases/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("/reveal") && !page.contains("danh tính"),
        "{page}"
    );
    for link in CHIEF_PAGES {
        assert!(
            !page.contains(&format!("href=\"{link}\"")),
            "{link} in the nav"
        );
    }
    let csrf = csrf_in(&page);
    for path in CHIEF_PAGES {
        let (status, page) = get(&app, &an, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.contains("Trưởng Công an phường"), "{path}: {page}");
    }
    let news = [
        ("csrf", csrf.as_str()),
        ("kind", "news"),
        ("title", "Tin giả"),
        ("body", "Nội dung"),
    ];
    for path in ["/news", "/news/1", "/news/1/expire"] {
        assert_eq!(
            post(&app, &an, path, &news).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(!residents_news(&app).await.contains("Tin giả"));
    // Each attempt is in the audit log as refused, as a refused command from Zalo is.
    for action in ["news", "news_edit", "news_expire"] {
        assert_eq!(
            audit_rows(&app, action).await,
            vec![("an".to_owned(), "refused".to_owned())],
            "{action}"
        );
    }
    let reveal = format!("/cases/{code}/reveal");
    let (status, _, page) =
        post_page(&app, &an, &reveal, &[("csrf", &csrf), ("reason", "Tò mò")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains(RESIDENT), "{page}");
    // Without a reason too: refused for the role, not for the form.
    assert_eq!(
        post(&app, &an, &reveal, &[("csrf", &csrf)]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        audit_rows(&app, "reveal").await,
        vec![
            ("an".to_owned(), "refused".to_owned()),
            ("an".to_owned(), "refused".to_owned())
        ]
    );
}

#[tokio::test]
async fn the_chief_writes_edits_and_withdraws_news() {
    let app = station().await;
    let chief = login(&app, CHIEF).await;
    let (status, page) = get(&app, &chief, "/news").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_in(&page);
    let title = "Cảnh giác lừa đảo mua bán vé máy bay";
    let form = warning_form;
    // Without the token, or without a title, nothing is written.
    for (csrf, title, refused) in [
        ("0000", title, StatusCode::FORBIDDEN),
        (csrf.as_str(), " ", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(
            post(&app, &chief, "/news", &form(csrf, title)).await,
            refused
        );
    }
    assert!(audit_rows(&app, "warn").await.is_empty());

    assert_eq!(
        post(&app, &chief, "/news", &form(&csrf, title)).await,
        StatusCode::SEE_OTHER
    );
    // Written through /warn: the same audit row as from Zalo.
    assert_eq!(
        audit_rows(&app, "warn").await,
        vec![("truong".to_owned(), "ok".to_owned())]
    );
    let (_, page) = get(&app, &chief, "/news").await;
    assert!(page.contains(title) && page.contains("Cảnh báo"), "{page}");
    assert!(residents_news(&app).await.contains(title));
    let (id,): (i64,) = sqlx::query_as("select id from news where title = $1")
        .bind(title)
        .fetch_one(app.store.pool())
        .await
        .unwrap();

    let edited = "Cảnh giác lừa đảo bán vé máy bay giá rẻ";
    assert_eq!(
        get(&app, &chief, &format!("/news/{id}")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        post(&app, &chief, &format!("/news/{id}"), &form(&csrf, edited)).await,
        StatusCode::SEE_OTHER
    );
    let seen = residents_news(&app).await;
    assert!(seen.contains(edited) && !seen.contains(title), "{seen}");
    assert_eq!(
        audit_rows(&app, "news_edit").await,
        vec![("truong".to_owned(), "ok".to_owned())]
    );

    let expire = [("csrf", csrf.as_str())];
    assert_eq!(
        post(
            &app,
            &chief,
            &format!("/news/{id}/expire"),
            &[("csrf", "0000")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&app, &chief, &format!("/news/{id}/expire"), &expire).await,
        StatusCode::SEE_OTHER
    );
    assert!(!residents_news(&app).await.contains(edited));
    assert_eq!(
        audit_rows(&app, "news_expire").await,
        vec![("truong".to_owned(), "ok".to_owned())]
    );
    let (_, page) = get(&app, &chief, "/news").await;
    assert!(page.contains(edited) && page.contains("Đã gỡ"), "{page}");
    // A withdrawn item stays withdrawn.
    assert_eq!(
        post(&app, &chief, &format!("/news/{id}/expire"), &expire).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(&app, &chief, &format!("/news/{id}"), &form(&csrf, title)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(audit_rows(&app, "news_expire").await.len(), 1);
}

#[tokio::test]
async fn the_chief_reveals_a_reporter_with_a_reason_shown_once() {
    let app = station().await;
    let code = report(
        &app,
        RESIDENT,
        &format!(
            "Tối qua xe máy của tôi bị trộm trước nhà số 5 hẻm 20 khu phố 3, gọi tôi số {PHONE}"
        ),
    )
    .await;
    let chief = login(&app, CHIEF).await;
    let case = format!("/cases/{code}");
    let (_, page) = get(&app, &chief, &case).await;
    assert!(
        page.contains(&format!("action=\"{case}/reveal\"")),
        "{page}"
    );
    let csrf = csrf_in(&page);
    let reveal = format!("{case}/reveal");

    // No reason, no token: refused, nothing revealed or audited.
    for form in [
        vec![("csrf", csrf.as_str())],
        vec![("csrf", csrf.as_str()), ("reason", "   ")],
        vec![("reason", "Xác minh đơn tố giác")],
    ] {
        let (status, _, page) = post_page(&app, &chief, &reveal, &form).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::FORBIDDEN,
            "{status}"
        );
        assert!(!page.contains(RESIDENT), "{page}");
    }
    assert!(audit_rows(&app, "reveal").await.is_empty());

    let reason = "Xác minh đơn tố giác theo yêu cầu của Viện kiểm sát";
    let (status, headers, page) = post_page(
        &app,
        &chief,
        &reveal,
        &[("csrf", &csrf), ("reason", reason)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(RESIDENT) && page.contains(reason), "{page}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(headers.get(header::SET_COOKIE).is_none(), "{headers:?}");
    assert!(headers.get(header::LOCATION).is_none(), "{headers:?}");
    // The same audit row as `/reveal` in Zalo, the reason sealed in it.
    assert_eq!(
        audit_rows(&app, "reveal").await,
        vec![("truong".to_owned(), "ok".to_owned())]
    );
    let (target,): (String,) =
        sqlx::query_as("select target from audit_log where action = 'reveal'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(target, code);

    // Nowhere else: the case page shows that it was revealed and why, not who.
    let (_, page) = get(&app, &chief, &case).await;
    assert!(page.contains("danh tính được xem bởi truong"), "{page}");
    for path in [
        "/",
        case.as_str(),
        "/stats",
        "/news",
        "/procedures",
        "/dead-letters",
        "/officers",
        "/audit",
    ] {
        let (status, page) = get(&app, &chief, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !page.contains(RESIDENT) && !page.contains(PHONE),
            "identity leaked on {path}: {page}"
        );
    }
}

#[tokio::test]
async fn the_chief_sees_the_procedures_and_the_dead_letters_without_their_contents() {
    let app = station().await;
    let secret = "Cho tôi hỏi giờ làm việc của công an phường";
    say(&app, RESIDENT, ResidentInput::text(secret), 1).await;
    settled(&app).await;
    // The resident's last event, and the last message to them, given up on.
    sqlx::query(
        "update inbox set status = 'failed', attempts = 5, last_error = 'poisoned for the test'
         where id = (select max(id) from inbox)",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    sqlx::query(
        "update outbox set status = 'failed', attempts = 3, last_error_code = '-213',
         last_error = 'user has not followed the OA' where id = (select max(id) from outbox)",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    let chief = login(&app, CHIEF).await;
    let (status, page) = get(&app, &chief, "/dead-letters").await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "user_send_text",
        "poisoned for the test",
        "-213",
        "has not followed",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    assert!(
        !page.contains("giờ làm việc") && !page.contains(RESIDENT),
        "{page}"
    );

    let (status, page) = get(&app, &chief, "/procedures").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Căn cứ pháp lý") && page.contains("Kiểm tra lần cuối"),
        "{page}"
    );
    assert!(page.contains("Luật Cư trú"), "{page}");
}

#[tokio::test]
async fn the_chief_creates_a_khu_phos_group_from_the_console_and_every_officer_sees_it() {
    let app = station().await;
    say(
        &app,
        CHIEF,
        ResidentInput::text("/officer area an Khu phố 1"),
        1,
    )
    .await;
    let an = login(&app, AN).await;
    let (status, page) = get(&app, &an, "/groups").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Khu phố 1") && page.contains("Chưa có nhóm."),
        "{page}"
    );
    assert!(!page.contains("/groups/create"), "no button for officers");
    let csrf = csrf_in(&page);
    let form = [("csrf", csrf.as_str()), ("area", "Khu phố 1")];
    assert_eq!(
        post(&app, &an, "/groups/create", &form).await,
        StatusCode::FORBIDDEN
    );

    let chief = login(&app, CHIEF).await;
    let (_, page) = get(&app, &chief, "/groups").await;
    assert!(page.contains("Tạo nhóm Zalo"), "{page}");
    let csrf = csrf_in(&page);
    let chief_before = app.sim.sent_messages(CHIEF).len();
    let (status, headers, _) = post_page(
        &app,
        &chief,
        "/groups/create",
        &[("csrf", &csrf), ("area", "Khu phố 1")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/groups");
    settled(&app).await;
    // Zalo's answer reaches the chief in Zalo, as after /group create there.
    let got = replies(&app.sim, CHIEF, chief_before + 1).await;
    assert!(
        text_of(&got[chief_before])
            .starts_with("Zalo đã tạo nhóm an ninh trật tự Khu phố 1 (2 thành viên đầu tiên)"),
        "{}",
        text_of(&got[chief_before])
    );
    let (_, page) = get(&app, &an, "/groups").await;
    assert!(
        page.contains("<strong>2</strong> thành viên") && page.contains("https://zalo.me/g/"),
        "{page}"
    );
    // The same audit trail as from Zalo: the officer's attempt refused, the chief's done.
    assert_eq!(
        audit_rows(&app, "group").await,
        vec![
            ("an".to_owned(), "refused".to_owned()),
            ("truong".to_owned(), "ok".to_owned())
        ]
    );
}
