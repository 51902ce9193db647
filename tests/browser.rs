//! The station's web console in a real browser: headless Chromium driven through chromedriver
//! (WebDriver, with `fantoccini`). A resident files a report through the webhook, the chief
//! (sandbox user 9001) sends `/web`, and the browser opens the link from the bot's reply, sees
//! the board, opens the case, types a reply and clicks "Gửi trả lời"; the simulator must then
//! hold that reply for the resident. Screenshots of the board (desktop and phone width) and of
//! the statistics page go to `target/console-*.png` (the ones in `docs/img/` are copies).
//!
//! Needs `/usr/bin/chromedriver` and Chromium (Debian: `apt-get install chromium
//! chromium-driver`, which `.ci/run` does); without them the test fails and says so.

// The helpers serve the `api` targets too; this one uses a few of them.
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use zalo_sim::ResidentInput;

use helpers::*;

/// Every app of this target runs on SQLite (see `helpers::TestDb::suite`).
const SUITE: helpers::Suite = helpers::Suite::Sqlite;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The sandbox's chief (`sim.default_chief`).
const CHIEF: &str = "9001";
const RESIDENT: &str = "7940001";
/// Other residents' reports on the board.
const OTHER_REPORTS: [(&str, &str); 2] = [
    (
        "7940002",
        "Đêm qua lúc 1 giờ sáng nhóm thanh niên tụ tập nẹt pô gây ồn ào ở đầu hẻm 12 khu phố 2",
    ),
    (
        "7940003",
        "Chiều qua lúc 5 giờ có người bán ma túy ở quán nước cuối hẻm 8 khu phố 1",
    ),
];
/// How long the browser may take for one page or element.
const WAIT: Duration = Duration::from_secs(15);

#[tokio::test]
async fn the_chief_answers_a_resident_from_the_console_in_a_real_browser() {
    let started = Instant::now();
    // First, so that a machine without chromedriver fails at once, saying what to install.
    let driver = Chromedriver::start();
    // The console on a port known before start-up, so that the link the bot sends
    // (`console.public_url`) is the one the browser opens, as an officer's phone would.
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let app = spawn_app_with(TestDb::sqlite(), |s| {
        s.console.listen = format!("127.0.0.1:{port}");
        s.console.public_url = public_url.clone();
    })
    .await;
    let code = report(
        &app,
        RESIDENT,
        "Tối qua lúc 11 giờ xe máy của tôi bị trộm trước cửa nhà số 5 hẻm 20 khu phố 3",
    )
    .await;
    // Two more, so that the board (and its screenshot) shows more than one.
    for (resident, account) in OTHER_REPORTS {
        report(&app, resident, account).await;
    }

    let link = web_link(&app).await;
    assert!(
        link.starts_with(&format!("{public_url}/login/")),
        "the link is on console.public_url: {link}"
    );

    let browser = driver.browser(1280, 900).await;

    // The link logs the chief in and lands on the board, which lists the case.
    browser.goto(&link).await.expect("the login link opens");
    let case_link = browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!("ul.cases a[href='/cases/{code}']")))
        .await
        .unwrap_or_else(|e| panic!("the board lists {code}: {e}"));
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    let board = browser.source().await.unwrap();
    assert!(
        board.contains("Tin báo") && board.contains("Đăng xuất"),
        "{board}"
    );
    assert!(!board.contains(RESIDENT), "identity on the board: {board}");
    full_page_png(&browser, 1280, &shot("console-board.png")).await;
    full_page_png(&browser, 390, &shot("console-board-phone.png")).await;
    browser.set_window_size(1280, 900).await.unwrap();

    // The case page, by a click on the board.
    case_link.click().await.expect("a click on the case");
    let heading = browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("main h1"))
        .await
        .expect("the case page");
    assert!(heading.text().await.unwrap().contains(&code));
    assert_eq!(
        browser.current_url().await.unwrap().path(),
        format!("/cases/{code}")
    );

    // A reply typed into the form and sent with a real click on its button.
    let text = "Công an phường đã cử người xác minh, anh chờ nhé.";
    let before = app.sim.sent_messages(RESIDENT).len();
    let reply = browser
        .find(Locator::Css(&format!("form[action='/cases/{code}/reply']")))
        .await
        .expect("the reply form");
    reply
        .find(Locator::Css("textarea[name=text]"))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .expect("typing the reply");
    reply
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .expect("a click on Gửi trả lời");
    // Back on the case page, with the acknowledgement shown there and the reply on the timeline.
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("p.flash"))
        .await
        .expect("the acknowledgement on the case page");
    let page = browser.source().await.unwrap();
    assert!(page.contains(text), "the reply on the timeline: {page}");

    // The resident got it on Zalo, relayed by the station.
    let seen = replies(&app.sim, RESIDENT, before + 1).await;
    assert!(
        seen[before..].iter().any(|m| text_of(m).contains(text)),
        "the reply reached the resident: {:#?}",
        &seen[before..]
    );

    // The statistics page (the chief's), with its chart.
    browser
        .goto(&format!("{public_url}/stats"))
        .await
        .expect("/stats opens");
    let chart = browser
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("svg"))
        .await;
    let stats = browser.source().await.unwrap();
    assert!(
        chart.is_ok(),
        "the statistics page at /stats shows a chart (an svg element): {stats}"
    );
    full_page_png(&browser, 1280, &shot("console-stats.png")).await;

    browser.close().await.expect("the browser closes");
    drop(driver);
    println!(
        "browser test: {:.1} s, screenshots in {}",
        started.elapsed().as_secs_f64(),
        shot("").display()
    );
}

/// The chief sends `/web`; the link in the bot's answer.
async fn web_link(app: &TestApp) -> String {
    let sent = app
        .sim
        .send_as_user(CHIEF, ResidentInput::text("/web"))
        .await
        .expect("simulator sends");
    assert_eq!(sent.webhook_status, 200);
    let link = |app: &TestApp| {
        app.sim.sent_messages(CHIEF).iter().find_map(|m| {
            let text = text_of(m);
            let at = text.find("http")?;
            let url = text[at..].split_whitespace().next()?;
            url.contains("/login/").then(|| url.to_owned())
        })
    };
    eventually(Duration::from_secs(15), "the /web link", || {
        link(app).is_some()
    })
    .await;
    link(app).expect("found")
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Where a screenshot goes: the package's `target/`.
fn shot(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(name)
}

/// Saves the whole page, not only the window, as a PNG `width` pixels wide: WebDriver shoots
/// the viewport, so the window is first made as tall as the page.
async fn full_page_png(browser: &Client, width: u32, path: &Path) {
    // Short first, so that the page's height is its content's, not the window's.
    browser.set_window_size(width, 400).await.unwrap();
    let number = |v: serde_json::Value| v.as_f64().expect("a number").ceil() as u32;
    let height = number(
        browser
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .unwrap(),
    );
    let frame = number(
        browser
            .execute("return window.outerHeight - window.innerHeight", vec![])
            .await
            .unwrap(),
    );
    browser
        .set_window_size(width, height.max(300) + frame)
        .await
        .unwrap();
    let png = browser.screenshot().await.expect("a screenshot");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// A chromedriver process on a free port, shut down (with its browsers) when dropped.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        assert!(
            Path::new(CHROMEDRIVER).exists(),
            "{CHROMEDRIVER} is missing: this test drives headless Chromium through chromedriver. \
             Install Debian's `chromium chromium-driver` packages \
             (apt-get install chromium chromium-driver; .ci/run does it)"
        );
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {CHROMEDRIVER}: {e}"));
        let driver = Chromedriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(15);
        while driver
            .get("/status")
            .is_none_or(|r| !r.contains("\"ready\":true"))
        {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not come up on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// A new headless Chromium session with a `width`×`height` window.
    async fn browser(&self, width: u32, height: u32) -> Client {
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--hide-scrollbars",
                    format!("--window-size={width},{height}"),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("an object")
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("a Chromium session through chromedriver: {e}"))
    }

    /// A plain HTTP GET to chromedriver; the answer, if any.
    fn get(&self, path: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        // chromedriver says `Connection: close` but keeps the socket open: read what
        // Content-Length says.
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).ok()?;
            answer.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if body.len() >= length || n == 0 {
                    return Some(body.to_owned());
                }
            } else if n == 0 {
                return None;
            }
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // `/shutdown` closes the browsers chromedriver started (a failed test leaves its session
        // open); killing chromedriver alone would leave them running.
        let _ = self.get("/shutdown");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
