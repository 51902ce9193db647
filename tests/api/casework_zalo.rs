//! Case work from an officer's Zalo (issue 11, part 2): buttons under pages and new-case notices
//! that work when tapped, `/cases` page by page, khu phố names with spaces, registering an
//! officer with a one-time invite code, and `/update` to the resident. In sandbox mode user
//! 9001 is the chief (and on call).

use zalo_sim::ResidentInput;

use crate::helpers::*;

const CHIEF: &str = "9001";
const AN: &str = "8400002";

fn text(t: &str) -> ResidentInput {
    ResidentInput::text(t)
}

/// The sandbox station plus officer An, area officer of Khu phố 1; both have written to the OA.
async fn station() -> TestApp {
    let app = spawn_app().await;
    say(&app, CHIEF, ResidentInput::follow(), 1).await;
    say(
        &app,
        CHIEF,
        text(&format!(
            "/officer add {AN} an officer Thượng úy Nguyễn Văn An"
        )),
        1,
    )
    .await;
    let r = say(&app, CHIEF, text("/officer area an Khu phố 1"), 1).await;
    assert!(
        text_of(&r[0]).ends_with("phụ trách: Khu phố 1"),
        "{}",
        text_of(&r[0])
    );
    say(&app, AN, ResidentInput::follow(), 1).await;
    app
}

/// A resident files a one-message report in Khu phố 1 and sends it; returns its code once An's
/// new-case notice has arrived, and that notice.
async fn file(app: &TestApp, user: &str, report: &str) -> (String, zalo_sim::SentMessage) {
    let an_before = app.sim.sent_messages(AN).len();
    let r = say(app, user, text(report), 2).await;
    assert!(
        text_of(&r[1]).contains("kiểm tra lại"),
        "{}",
        text_of(&r[1])
    );
    let r = say(app, user, text("gửi"), 1).await;
    let code = code_in(&r[0]);
    let notice = replies(&app.sim, AN, an_before + 1).await[an_before].clone();
    (code, notice)
}

const THEFT: &str = "Tối qua lúc 10 giờ xe máy của tôi bị trộm ở trước nhà số 8 hẻm 5 khu phố 1";

/// Taps a button: its payload comes back as the officer's message.
async fn tap(app: &TestApp, user: &str, button: &(String, String, String)) -> Vec<String> {
    assert_eq!(button.1, "oa.query.hide", "{button:?}");
    say(app, user, text(&button.2), 1)
        .await
        .iter()
        .map(|m| text_of(m).to_owned())
        .collect()
}

#[tokio::test]
async fn new_case_notices_and_pages_carry_claim_and_view_buttons_that_work_when_tapped() {
    let app = station().await;
    let resident = "7710001";
    let (code, notice) = file(&app, resident, THEFT).await;
    let buttons = buttons_of(&notice);
    let titles: Vec<&str> = buttons.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(titles, ["Nhận xử lý", "Xem"], "{}", text_of(&notice));
    let card = tap(&app, AN, &buttons[1]).await;
    assert!(
        card[0].contains(&code) && card[0].contains("xe máy"),
        "{card:?}"
    );
    let before = app.sim.sent_messages(resident).len();
    let claimed = tap(&app, AN, &buttons[0]).await;
    assert!(claimed[0].contains("đã nhận xử lý"), "{claimed:?}");
    let told = replies(&app.sim, resident, before + 1).await;
    assert!(text_of(&told[before]).contains("đang được cán bộ xử lý"));

    // An emergency's page to the chief on call: the same two buttons, tapped by the chief.
    let chief_before = app.sim.sent_messages(CHIEF).len();
    say(
        &app,
        "7710002",
        text("cứu với, có người cầm dao đánh nhau"),
        1,
    )
    .await;
    let page = replies(&app.sim, CHIEF, chief_before + 1).await[chief_before].clone();
    assert!(text_of(&page).contains("[KHẨN]"), "{}", text_of(&page));
    let buttons = buttons_of(&page);
    assert_eq!(buttons.len(), 2, "{buttons:?}");
    let urgent = code_in(&page);
    let card = tap(&app, CHIEF, &buttons[1]).await;
    assert!(
        card[0].contains(&urgent) && card[0].contains("KHẨN"),
        "{card:?}"
    );
    let claimed = tap(&app, CHIEF, &buttons[0]).await;
    assert!(claimed[0].contains(&urgent), "{claimed:?}");
    // A long follow-up reaches the paged chief whole, in several messages, the buttons under
    // the last.
    let long: String = "Người đàn ông mặc áo khoác đen chạy về phía chợ, tay vẫn cầm dao. "
        .repeat(40)
        .chars()
        .take(1990)
        .collect();
    let long = long.trim().to_owned();
    let chief_before = app.sim.sent_messages(CHIEF).len();
    say(&app, "7710002", text(&long), 1).await;
    settled(&app).await;
    let parts = app.sim.sent_messages(CHIEF)[chief_before..].to_vec();
    assert!(parts.len() >= 2, "{parts:#?}");
    assert!(parts.iter().all(|m| text_of(m).chars().count() <= 2000));
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let joined: String = parts.iter().map(text_of).collect::<Vec<_>>().join(" ");
    assert!(words(&joined).contains(&words(&long)), "nothing cut");
    assert!(buttons_of(&parts[0]).is_empty());
    assert_eq!(buttons_of(parts.last().unwrap()).len(), 2);
    // A payload arriving as `#claim …` runs the command too.
    let r = say(&app, AN, text(&format!("#case {code}")), 1).await;
    assert!(text_of(&r[0]).contains("Diễn biến"), "{}", text_of(&r[0]));
}

#[tokio::test]
async fn cases_pages_through_every_case_one_line_each_without_the_residents_words() {
    let app = station().await;
    let mut codes = Vec::new();
    for i in 0..17 {
        let (code, _) = file(&app, &format!("77200{i:02}"), THEFT).await;
        codes.push(code);
    }
    let r = say(&app, CHIEF, text("/cases"), 1).await;
    let first = text_of(&r[0]);
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines.len(), 16, "{first}");
    assert_eq!(lines[15], "… còn 2 tin nữa — /cases 2");
    assert!(
        lines[0].contains(&codes[0]) && lines[0].contains("Khu phố 1") && lines[0].contains("an")
    );
    assert!(
        !first.contains("xe máy"),
        "the resident's words are on the card only"
    );
    let r = say(&app, CHIEF, text("/cases 2"), 1).await;
    let second: Vec<&str> = text_of(&r[0]).lines().collect();
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(second[1].contains(&codes[16]));
    // With a filter, and the khu phố written with its spaces.
    let r = say(&app, AN, text("/cases kp Khu phố 1"), 1).await;
    assert!(
        text_of(&r[0]).ends_with("— /cases kp Khu phố 1 2"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, AN, text("/cases Khu phố 1 2"), 1).await;
    assert_eq!(text_of(&r[0]).lines().count(), 2, "{}", text_of(&r[0]));
    let r = say(&app, AN, text("/cases mine 3"), 1).await;
    assert_eq!(text_of(&r[0]), "Không có tin báo nào phù hợp.");
}

#[tokio::test]
async fn khu_pho_names_with_spaces_work_in_alert_and_officer_areas() {
    let app = station().await;
    let r = say(
        &app,
        CHIEF,
        text("/officer area an Khu phố 2, Khu phố 3"),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).ends_with("phụ trách: Khu phố 2, Khu phố 3"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, CHIEF, text("/officer area an Khu phố 1 khu pho 2"), 1).await;
    assert!(
        text_of(&r[0]).ends_with("phụ trách: Khu phố 1, Khu phố 2"),
        "{}",
        text_of(&r[0])
    );
    // A khu phố the station does not have is named back; the areas stay as they were.
    let r = say(
        &app,
        CHIEF,
        text("/officer area an Khu phố 1, Khu phố 30"),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).contains("Khu phố 30") && text_of(&r[0]).contains("Khu phố 3"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, CHIEF, text("/officer list"), 1).await;
    assert!(
        text_of(&r[0]).contains("Khu phố 1, Khu phố 2"),
        "{}",
        text_of(&r[0])
    );
    let r = say(
        &app,
        CHIEF,
        text("/alert Khu phố 3 Cúp điện từ 8h đến 11h"),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).starts_with("Thông báo tới Khu phố 3:"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, CHIEF, text("/alert Khu phố 9 Cúp điện"), 1).await;
    assert!(
        text_of(&r[0]).starts_with("Không có khu phố \"Khu phố 9\""),
        "{}",
        text_of(&r[0])
    );
}

#[tokio::test]
async fn an_invited_officer_registers_by_sending_the_one_time_code() {
    let app = station().await;
    let r = say(&app, AN, text("/officer invite Bình"), 1).await;
    assert!(
        text_of(&r[0]).contains("chỉ dành cho Trưởng"),
        "{}",
        text_of(&r[0])
    );
    let r = say(
        &app,
        CHIEF,
        text("/officer invite Thượng úy Lê Văn Bình"),
        1,
    )
    .await;
    let invite = text_of(&r[0]).to_owned();
    let code = invite
        .split_whitespace()
        .find(|w| w.starts_with("MOI-"))
        .unwrap_or_else(|| panic!("a code in: {invite}"))
        .to_owned();
    assert!(invite.contains("tên gọi: binh"), "{invite}");
    let binh = "8400003";
    let chief_before = app.sim.sent_messages(CHIEF).len();
    let r = say(&app, binh, text(&code.to_lowercase()), 1).await;
    assert!(
        text_of(&r[0]).contains("đã được đăng ký là cán bộ"),
        "{}",
        text_of(&r[0])
    );
    let told = replies(&app.sim, CHIEF, chief_before + 1).await;
    assert!(text_of(&told[chief_before]).contains("Lê Văn Bình (binh)"));
    // Binh is an officer now; the code is spent.
    let r = say(&app, binh, text("/cases"), 1).await;
    assert_eq!(text_of(&r[0]), "Không có tin báo nào phù hợp.");
    let r = say(&app, "8400004", text(&code), 1).await;
    assert!(
        text_of(&r[0]).contains("Mã mời không đúng"),
        "{}",
        text_of(&r[0])
    );
    // The code itself is stored nowhere, only its keyed hash.
    let (stored,): (String,) = sqlx::query_as("select code_hash from officer_invites")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(!stored.contains(&code.replace('-', "")));
    let r = say(&app, CHIEF, text("/officer list"), 1).await;
    assert!(text_of(&r[0]).contains("binh · Thượng úy Lê Văn Bình · officer"));
}

#[tokio::test]
async fn update_tells_the_resident_how_it_goes_without_changing_the_status() {
    let app = station().await;
    let resident = "7730001";
    let (code, _) = file(&app, resident, THEFT).await;
    let before = app.sim.sent_messages(resident).len();
    let r = say(
        &app,
        AN,
        text(&format!(
            "/cập nhật {code} Đã trích xuất camera, đang xác minh biển số"
        )),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).contains("Trạng thái tin báo giữ nguyên"),
        "{}",
        text_of(&r[0])
    );
    let got = replies(&app.sim, resident, before + 1).await;
    let progress = text_of(&got[before]);
    assert!(
        progress.contains("tiến độ") && progress.contains("đang xác minh biển số"),
        "{progress}"
    );
    let (status,): (String,) = sqlx::query_as("select status from cases where code = $1")
        .bind(&code)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "received");
    let r = say(&app, AN, text(&format!("/case {code}")), 1).await;
    assert!(
        text_of(&r[0]).contains("báo tiến độ cho người báo: Đã trích xuất camera"),
        "{}",
        text_of(&r[0])
    );
    // The resident's answer reaches the officer, as after a /reply.
    let an_before = app.sim.sent_messages(AN).len();
    say(
        &app,
        resident,
        text("Dạ xe Wave màu đỏ, biển số đuôi 345"),
        1,
    )
    .await;
    let got = replies(&app.sim, AN, an_before + 1).await;
    assert!(text_of(&got[an_before]).contains("biển số đuôi 345"));
}
