//! What happens to a report after it is sent, as the resident lives it: a complaint about an
//! officer reaches the chief only; "cần bổ sung" tells them what is needed and attaches their
//! answer after one tap; a rejection says why; the relay to the officer lets go of new
//! questions and ends with the case. Also the "is this a scam?" answer. In sandbox mode user
//! 9001 is the chief.

use zalo_sim::ResidentInput;

use crate::helpers::*;

const CHIEF: &str = "9001";
const AN: &str = "8300002";

fn text(t: &str) -> ResidentInput {
    ResidentInput::text(t)
}

/// The sandbox station plus officer An, area officer of Khu phố 1.
async fn station() -> TestApp {
    let app = spawn_app().await;
    let r = say(
        &app,
        CHIEF,
        text(&format!(
            "/officer add {AN} an officer Thượng úy Nguyễn Văn An"
        )),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("Đã thêm"), "{}", text_of(&r[0]));
    let r = say(&app, CHIEF, text("/officer area an kp1"), 1).await;
    assert!(text_of(&r[0]).contains("Khu phố 1"), "{}", text_of(&r[0]));
    // An writes to the OA once, so Zalo's reply window lets the station reach him.
    say(&app, AN, ResidentInput::follow(), 1).await;
    app
}

/// Files a one-message report and sends it; returns its code.
async fn file(app: &TestApp, user: &str, report: &str) -> String {
    let r = say(app, user, text(report), 2).await;
    assert!(
        text_of(&r[1]).contains("kiểm tra lại"),
        "{}",
        text_of(&r[1])
    );
    let r = say(app, user, text("gửi"), 1).await;
    code_in(&r[0])
}

/// Files a report in Khu phố 1 and waits for its area officer An's new-case notice.
async fn file_with_an(app: &TestApp, user: &str, report: &str) -> String {
    let an_before = app.sim.sent_messages(AN).len();
    let code = file(app, user, report).await;
    next(app, AN, an_before, 1).await;
    code
}

/// Waits for the `n` next messages to `user` after `before` and returns their texts.
async fn next(app: &TestApp, user: &str, before: usize, n: usize) -> Vec<String> {
    replies(&app.sim, user, before + n).await[before..]
        .iter()
        .map(|m| text_of(m).to_owned())
        .collect()
}

#[tokio::test]
async fn a_complaint_about_an_officer_reaches_only_the_chief() {
    let app = station().await;
    let (chief_before, an_before) = (
        app.sim.sent_messages(CHIEF).len(),
        app.sim.sent_messages(AN).len(),
    );
    let code = file(
        &app,
        "7700101",
        "Tôi muốn phản ánh cán bộ công an phường đòi tiền bồi dưỡng mới giải quyết hồ sơ tạm trú, hôm qua ở khu phố 1",
    )
    .await;
    let (category, _, _) = case_by_code(&app, &code).await;
    assert_eq!(category, "complaint");
    let chief = next(&app, CHIEF, chief_before, 1).await;
    assert!(chief[0].contains(&code), "{chief:?}");
    // The area officer of Khu phố 1 heard nothing and cannot open it.
    let got = before_officer_marker(&app.sim, AN).await;
    assert_eq!(got.len(), an_before, "{:#?}", &got[an_before..]);
    let r = say(&app, AN, text(&format!("/case {code}")), 1).await;
    assert!(
        text_of(&r[0]).contains("Không có tin báo"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, AN, text("/cases"), 1).await;
    assert!(!text_of(&r[0]).contains(&code));
    let r = say(&app, CHIEF, text(&format!("/case {code}")), 1).await;
    assert!(text_of(&r[0]).contains(&code));
}

#[tokio::test]
async fn need_info_round_trip_and_a_rejection_with_its_reason() {
    let app = station().await;
    let resident = "7700201";
    let code = file_with_an(
        &app,
        resident,
        "Tối qua lúc 10 giờ xe máy của tôi bị trộm ở trước nhà số 8 hẻm 5 khu phố 1",
    )
    .await;
    let before = app.sim.sent_messages(resident).len();
    say(
        &app,
        AN,
        text(&format!(
            "/status {code} bosung Cần ảnh chụp biển số xe và màu xe"
        )),
        1,
    )
    .await;
    let told = next(&app, resident, before, 1).await;
    assert!(
        told[0].contains("bổ sung") && told[0].contains("Cần ảnh chụp biển số xe và màu xe"),
        "the officer's own words: {told:?}"
    );
    // The answer is held for one tap, then attached and forwarded.
    let r = say(&app, resident, text("xe Wave màu đỏ biển 59X1-12345"), 1).await;
    assert!(text_of(&r[0]).contains(&code) && text_of(&r[0]).contains("Wave màu đỏ"));
    assert_eq!(payloads_of(&r[0]), ["#addinfo:yes", "#addinfo:no"]);
    let an_before = app.sim.sent_messages(AN).len();
    let r = say(&app, resident, text("Gửi bổ sung"), 1).await;
    assert!(text_of(&r[0]).contains("Đã bổ sung"), "{}", text_of(&r[0]));
    let forwarded = next(&app, AN, an_before, 1).await;
    assert!(forwarded[0].contains("Wave màu đỏ") && forwarded[0].contains(&code));
    assert!(!forwarded[0].contains(resident), "no identity");

    // A rejection carries its reason to the resident.
    let before = app.sim.sent_messages(resident).len();
    say(
        &app,
        AN,
        text(&format!(
            "/status {code} tuchoi Xe đã được tìm thấy, không có dấu hiệu trộm"
        )),
        1,
    )
    .await;
    let told = next(&app, resident, before, 1).await;
    assert!(told[0].contains("Lý do: Xe đã được tìm thấy"), "{told:?}");
}

#[tokio::test]
async fn the_relay_lets_go_of_new_questions_and_ends_with_the_case() {
    let app = station().await;
    let resident = "7700301";
    let code = file_with_an(
        &app,
        resident,
        "Tối qua lúc 10 giờ có người lạ trèo tường vào nhà số 4 hẻm 7 khu phố 1 lấy mất điện thoại",
    )
    .await;
    let before = app.sim.sent_messages(resident).len();
    say(
        &app,
        AN,
        text(&format!(
            "/reply {code} Anh/chị thấy người đó mặc áo màu gì?"
        )),
        1,
    )
    .await;
    next(&app, resident, before, 1).await;
    // About the case: forwarded.
    let an_before = app.sim.sent_messages(AN).len();
    let r = say(&app, resident, text("dạ áo khoác đen, đi xe wave"), 1).await;
    assert!(text_of(&r[0]).contains("Đã chuyển"), "{}", text_of(&r[0]));
    assert!(next(&app, AN, an_before, 1).await[0].contains("áo khoác đen"));
    // A procedure question: answered, not forwarded.
    let an_before = app.sim.sent_messages(AN).len();
    let r = say(
        &app,
        resident,
        text("cho hỏi làm căn cước cho con 10 tuổi ở đâu"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("CĂN CƯỚC"), "{}", text_of(&r[0]));
    let got = before_officer_marker(&app.sim, AN).await;
    assert_eq!(
        got.len(),
        an_before,
        "not forwarded: {:#?}",
        &got[an_before..]
    );
    // The case closes: the relay ends; "cảm ơn" is a greeting, not a message to the officer.
    let before = app.sim.sent_messages(resident).len();
    say(&app, AN, text(&format!("/status {code} xong")), 1).await;
    assert!(next(&app, resident, before, 1).await[0].contains("đã xử lý xong"));
    let an_before = app.sim.sent_messages(AN).len();
    // A first greeting: the welcome and the khu phố question.
    let r = say(&app, resident, text("cảm ơn các anh"), 2).await;
    assert!(
        r.iter().all(|m| !text_of(m).contains("Đã chuyển")),
        "{r:#?}"
    );
    let got = before_officer_marker(&app.sim, AN).await;
    assert_eq!(
        got.len(),
        an_before,
        "not forwarded: {:#?}",
        &got[an_before..]
    );
}

#[tokio::test]
async fn is_this_a_scam_gets_the_answer_first_then_the_offer_to_report() {
    let app = spawn_app().await;
    let said = "Có người gọi xưng công an bảo tôi liên quan đường dây rửa tiền, phải chuyển tiền vào tài khoản tạm giữ, có phải thật không?";
    let r = say(&app, "7700401", text(said), 1).await;
    show("resident", said, &r);
    let answer = text_of(&r[0]);
    assert!(
        answer.contains("LỪA ĐẢO") && answer.contains("không bao giờ"),
        "{answer}"
    );
    assert!(answer.contains("Nếu đã chuyển tiền"), "{answer}");
    assert_eq!(payloads_of(&r[0])[0], "#report:scam");
    assert_eq!(
        case_count(&app).await,
        0,
        "no case until the resident wants one"
    );
    // Reporting it starts a report already filed under scams.
    let r = say(&app, "7700401", text("#report:scam"), 2).await;
    assert!(text_of(&r[1]).contains("kể lại"), "{}", text_of(&r[1]));
}

#[tokio::test]
async fn long_texts_go_out_whole_in_several_messages_both_ways() {
    let app = station().await;
    let resident = "7700501";
    let code = file_with_an(
        &app,
        resident,
        "Tối qua lúc 10 giờ xe máy của tôi bị trộm ở trước nhà số 8 hẻm 5 khu phố 1",
    )
    .await;
    // An officer's reply of 1,995 characters: the template makes it longer than Zalo allows.
    let long: String = "Cán bộ đã xác minh camera khu vực và sẽ liên hệ lại. "
        .repeat(40)
        .chars()
        .take(1995)
        .collect();
    let long = long.trim().to_owned();
    let before = app.sim.sent_messages(resident).len();
    say(&app, AN, text(&format!("/reply {code} {long}")), 1).await;
    let got = replies(&app.sim, resident, before + 2).await[before..].to_vec();
    let joined: String = got.iter().map(text_of).collect::<Vec<_>>().join(" ");
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words(&joined).contains(&words(&long)),
        "every word arrived, in order"
    );
    assert!(got.iter().all(|m| text_of(m).chars().count() <= 2000));
    // The resident answers at length: the officer receives all of it.
    let answer: String = "Dạ xe Wave màu đỏ, biển số đuôi 345, có dán decal hình con rồng. "
        .repeat(40)
        .chars()
        .take(1990)
        .collect();
    let answer = answer.trim().to_owned();
    let an_before = app.sim.sent_messages(AN).len();
    say(&app, resident, text(&answer), 1).await;
    let got = replies(&app.sim, AN, an_before + 2).await[an_before..].to_vec();
    let joined: String = got.iter().map(text_of).collect::<Vec<_>>().join(" ");
    assert!(words(&joined).contains(&words(&answer)));
    // The case card is never cut: its timeline (the long reply) is there in full.
    let before = app.sim.sent_messages(AN).len();
    app.sim
        .send_as_user(AN, text(&format!("/case {code}")))
        .await
        .unwrap();
    // The whole card: every part of it queued has been sent.
    settled(&app).await;
    let got = app.sim.sent_messages(AN)[before..].to_vec();
    assert!(got.len() >= 2, "the card comes in parts: {got:#?}");
    let card: String = got.iter().map(text_of).collect::<Vec<_>>().join(" ");
    let quoted = |s: &str| words(&s.replace("│ ", ""));
    assert!(card.contains("Địa điểm") && quoted(&card).contains(&words(&answer)));
}

#[tokio::test]
async fn a_removed_officers_cases_return_to_the_chief_and_the_handle_can_be_reused() {
    let app = station().await;
    let resident = "7700601";
    let code = file_with_an(
        &app,
        resident,
        "Tối qua lúc 10 giờ xe máy của tôi bị trộm ở trước nhà số 8 hẻm 5 khu phố 1",
    )
    .await;
    say(
        &app,
        AN,
        text(&format!("/reply {code} Xe màu gì vậy anh/chị?")),
        1,
    )
    .await;
    let r = say(&app, CHIEF, text("/officer remove an"), 1).await;
    assert!(
        text_of(&r[0]).contains("1 tin báo đang mở"),
        "{}",
        text_of(&r[0])
    );
    // The resident's answer reaches the chief, who now holds the case.
    let chief_before = app.sim.sent_messages(CHIEF).len();
    let r = say(&app, resident, text("dạ xe màu đỏ"), 1).await;
    assert!(text_of(&r[0]).contains("Đã chuyển"), "{}", text_of(&r[0]));
    assert!(next(&app, CHIEF, chief_before, 1).await[0].contains("xe màu đỏ"));
    // A new officer may take the old handle: a user error before, a stuck event never.
    let r = say(
        &app,
        CHIEF,
        text("/officer add 8300009 an officer Hạ sĩ Lê Văn An"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("Đã thêm"), "{}", text_of(&r[0]));
    let r = say(
        &app,
        CHIEF,
        text("/officer add 8300010 an officer Người Khác"),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).contains("đã có người dùng"),
        "{}",
        text_of(&r[0])
    );
}

#[tokio::test]
async fn numbers_a_resident_types_are_masked_for_officers_and_shown_to_the_chief_on_reveal() {
    let app = station().await;
    let resident = "7700701";
    let code = file_with_an(&app, resident, "Tối qua lúc 10 giờ có người gọi số 0912 345 678 đe dọa tôi, cccd của tôi 079123456789, ở hẻm 5 khu phố 1\n[KHẨN] Tin báo khẩn giả mạo").await;
    let r = say(&app, AN, text(&format!("/case {code}")), 1).await;
    let card = text_of(&r[0]);
    assert!(
        !card.contains("0912 345 678") && !card.contains("079123456789"),
        "{card}"
    );
    assert!(card.contains("[số đã che]"), "{card}");
    assert!(
        !card.lines().any(|l| l.starts_with("[KHẨN]")),
        "resident text cannot pass for a notice: {card}"
    );
    let r = say(
        &app,
        CHIEF,
        text(&format!("/reveal {code} xác minh đe dọa")),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).contains("0912 345 678"),
        "{}",
        text_of(&r[0])
    );
}

#[tokio::test]
async fn only_the_chief_and_officers_the_chief_allows_alert_the_whole_ward() {
    let app = station().await;
    let r = say(&app, AN, text("/alert all Mất điện toàn phường tối nay"), 1).await;
    assert!(
        text_of(&r[0]).contains("chỉ Trưởng Công an phường"),
        "{}",
        text_of(&r[0])
    );
    let (refused,): (i64,) = sqlx::query_as(
        "select count(*) from audit_log where action = 'alert' and outcome = 'refused'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(refused, 1);
    let r = say(
        &app,
        CHIEF,
        text("/alert all Mất điện toàn phường tối nay"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("toàn phường"), "{}", text_of(&r[0]));
    // The chief allows An, typed without diacritics; An may send to everyone until stopped.
    let handle = "an";
    let r = say(
        &app,
        CHIEF,
        text(&format!("/canbo thongbao {handle} bat")),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("được gửi"), "{}", text_of(&r[0]));
    let r = say(&app, AN, text("/alert all Cúp nước sáng mai"), 1).await;
    assert!(text_of(&r[0]).contains("toàn phường"), "{}", text_of(&r[0]));
    assert!(!text_of(&r[0]).contains("chỉ Trưởng"), "{}", text_of(&r[0]));
    let r = say(
        &app,
        CHIEF,
        text(&format!("/officer alertall {handle} off")),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("không còn"), "{}", text_of(&r[0]));
    let r = say(&app, AN, text("/alert all Cúp nước sáng mai"), 1).await;
    assert!(text_of(&r[0]).contains("chỉ Trưởng"), "{}", text_of(&r[0]));
    // Only the chief manages the permission.
    let r = say(&app, AN, text(&format!("/officer alertall {handle} on")), 1).await;
    assert!(!text_of(&r[0]).contains("được gửi"), "{}", text_of(&r[0]));
}
