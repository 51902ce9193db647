//! Residents who type instead of tapping: every button has typed forms, with or without
//! diacritics; ways out ("hủy", "quay lại", "menu") work in the middle of a report; nothing a
//! resident types is swallowed in silence.

use zalo_sim::ResidentInput;

use crate::helpers::*;

fn text(t: &str) -> ResidentInput {
    ResidentInput::text(t)
}

/// A report told in one message goes straight to the summary (intro + summary).
const ONE_MESSAGE_REPORT: &str =
    "Tối qua lúc 10 giờ xe máy của tôi bị trộm ở trước nhà số 8 hẻm 5 khu phố 1";

#[tokio::test]
async fn an_elderly_resident_reports_by_typing_only_and_is_addressed_as_ong_ba() {
    let app = spawn_app().await;
    let u = "7500001";
    let said = "Dạ bà muốn báo tin";
    let r = say(&app, u, text(said), 2).await;
    show("resident", said, &r);
    assert!(text_of(&r[1]).contains("loại nào"), "{}", text_of(&r[1]));
    let said = "trộm cắp";
    let r = say(&app, u, text(said), 1).await;
    show("resident", said, &r);
    assert!(text_of(&r[0]).contains("kể lại"), "{}", text_of(&r[0]));
    let said = "Tối qua có đứa vào sân lấy mất con gà với cái xe đạp của bà";
    let r = say(&app, u, text(said), 1).await;
    show("resident", said, &r);
    assert!(text_of(&r[0]).contains("khi nào"));
    let said = "khoang 9 gio toi qua";
    let r = say(&app, u, text(said), 1).await;
    show("resident", said, &r);
    assert!(text_of(&r[0]).contains("ở đâu"));
    // Asked for an address, she shares her location instead.
    let r = say(&app, u, ResidentInput::location(16.4637, 107.5909), 1).await;
    show("resident", "(vị trí 16.4637, 107.5909)", &r);
    assert!(text_of(&r[0]).contains("ảnh"), "{}", text_of(&r[0]));
    assert!(!text_of(&r[0]).contains("Đã nhận hình ảnh"));
    let said = "không có";
    let r = say(&app, u, text(said), 1).await;
    show("resident", said, &r);
    let summary = text_of(&r[0]);
    assert!(
        summary.contains("xe đạp") && summary.contains("9 gio"),
        "{summary}"
    );
    assert!(
        summary.contains("Nhắn \"gửi\""),
        "typing is offered: {summary}"
    );
    // "Đồng ý" — typed, not tapped — sends it.
    let said = "Đồng ý";
    let r = say(&app, u, text(said), 1).await;
    show("resident", said, &r);
    let code = code_in(&r[0]);
    let (category, urgent, details) = case_by_code(&app, &code).await;
    assert_eq!(category, "theft");
    assert!(!urgent);
    assert_eq!(details.place.unwrap().latitude, Some(16.4637));
    assert!(!details.contact_ok, "never 'may contact' unless chosen");
    // She wrote as an elderly person: "ông/bà", never "bạn" or "anh/chị".
    for message in app.sim.sent_messages(u) {
        let t = text_of(&message);
        assert!(!t.contains("anh/chị") && !t.contains("Anh/chị"), "{t}");
        assert!(!t.contains(" bạn "), "{t}");
    }
    assert!(text_of(&r[0]).contains("ông/bà"), "{}", text_of(&r[0]));
}

#[tokio::test]
async fn every_typed_confirmation_sends_the_report_with_the_choice_as_typed() {
    let app = spawn_app().await;
    let variants = [
        ("Đồng ý", false),
        ("dong y", false),
        ("ok", false),
        ("oke", false),
        ("gửi", false),
        ("Gửi đi", false),
        ("có", false),
        ("được", false),
        ("dạ gửi đi ạ", false),
        ("Gửi ẩn danh", false),
        ("gửi – không cần liên hệ", false),
        ("không cần liên hệ", false),
        ("cho liên hệ", true),
        ("Gửi – cho liên hệ lại", true),
        ("được liên hệ", true),
    ];
    for (i, (typed, contact_ok)) in variants.into_iter().enumerate() {
        let u = format!("75100{i:02}");
        let r = say(&app, &u, text(ONE_MESSAGE_REPORT), 2).await;
        assert!(
            text_of(&r[1]).contains("kiểm tra lại tin báo"),
            "{}",
            text_of(&r[1])
        );
        // Contact allowed: Zalo's contact form follows the case code.
        let r = say(&app, &u, text(typed), if contact_ok { 2 } else { 1 }).await;
        let code = code_in(&r[0]);
        let (_, _, details) = case_by_code(&app, &code).await;
        assert_eq!(details.contact_ok, contact_ok, "{typed}");
        let chosen = if contact_ok {
            "cán bộ được liên hệ lại"
        } else {
            "không cần liên hệ lại"
        };
        assert!(
            text_of(&r[0]).contains(chosen),
            "{typed}: {}",
            text_of(&r[0])
        );
    }
}

#[tokio::test]
async fn text_typed_at_the_summary_is_added_and_said_so_never_silently() {
    let app = spawn_app().await;
    let u = "7520001";
    say(&app, u, text(ONE_MESSAGE_REPORT), 2).await;
    let r = say(&app, u, text("xe wave màu đỏ biển số 59 có dán decal"), 2).await;
    assert!(
        text_of(&r[0]).contains("Đã thêm vào nội dung") && text_of(&r[0]).contains("wave màu đỏ"),
        "{}",
        text_of(&r[0])
    );
    assert!(
        text_of(&r[1]).contains("wave màu đỏ"),
        "the summary shows it"
    );
    let r = say(&app, u, text("gửi đi"), 1).await;
    let (_, _, details) = case_by_code(&app, &code_in(&r[0])).await;
    assert!(details.description.contains("wave màu đỏ"));
}

#[tokio::test]
async fn back_menu_and_resume_in_the_middle_of_a_report() {
    let app = spawn_app().await;
    let u = "7530001";
    say(&app, u, text("#menu:report"), 2).await;
    let r = say(&app, u, text("lừa đảo"), 1).await;
    assert!(text_of(&r[0]).contains("kể lại"));
    say(
        &app,
        u,
        text("Có người xưng nhân viên ngân hàng gọi hỏi mã OTP"),
        1,
    )
    .await;
    // "quay lại": the account is asked for again.
    let r = say(&app, u, text("quay lại"), 1).await;
    assert!(text_of(&r[0]).contains("kể lại"), "{}", text_of(&r[0]));
    let r = say(
        &app,
        u,
        text("Có người xưng nhân viên ngân hàng gọi hỏi mã OTP rồi rút mất 5 triệu"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("khi nào"));
    // "menu": the menu, and the draft is kept with a way back to it.
    let r = say(&app, u, text("menu"), 1).await;
    assert!(
        text_of(&r[0]).contains("vẫn được giữ"),
        "{}",
        text_of(&r[0])
    );
    assert!(payloads_of(&r[0]).contains(&"#report:resume".to_owned()));
    // A procedure question meanwhile is answered, still offering the draft.
    let r = say(&app, u, text("làm căn cước cho con 10 tuổi ở đâu"), 1).await;
    assert!(text_of(&r[0]).contains("CĂN CƯỚC"), "{}", text_of(&r[0]));
    assert!(payloads_of(&r[0]).contains(&"#report:resume".to_owned()));
    // "tiếp tục" picks it up where it stopped.
    let r = say(&app, u, text("tiếp tục"), 1).await;
    assert!(text_of(&r[0]).contains("khi nào"), "{}", text_of(&r[0]));
    say(&app, u, text("hôm qua"), 1).await;
    let r = say(&app, u, text("không nhớ"), 1).await;
    assert!(text_of(&r[0]).contains("ảnh"));
    let r = say(&app, u, text("xong"), 1).await;
    assert!(
        text_of(&r[0]).contains("rút mất 5 triệu"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, u, text("gửi"), 1).await;
    let (category, _, _) = case_by_code(&app, &code_in(&r[0])).await;
    assert_eq!(category, "scam");
}

#[tokio::test]
async fn a_case_question_in_the_middle_of_a_report_is_answered_and_the_draft_kept() {
    let app = spawn_app().await;
    let u = "7540001";
    say(&app, u, text("#menu:report"), 2).await;
    say(&app, u, text("ma túy"), 1).await;
    let r = say(
        &app,
        u,
        text("tin báo PA-7K3M9Q tôi gửi tuần trước tới đâu rồi"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("PA-7K3M9Q"), "{}", text_of(&r[0]));
    assert!(payloads_of(&r[0]).contains(&"#report:resume".to_owned()));
    let r = say(&app, u, text("#report:resume"), 1).await;
    assert!(text_of(&r[0]).contains("kể lại"), "{}", text_of(&r[0]));
}

#[tokio::test]
async fn ways_out_say_what_was_cancelled() {
    let app = spawn_app().await;
    for (i, word) in ["hủy", "thôi", "thôi khỏi", "không báo nữa", "huy"]
        .iter()
        .enumerate()
    {
        let u = format!("755000{i}");
        say(&app, &u, text(ONE_MESSAGE_REPORT), 2).await;
        let r = say(&app, &u, text(word), 1).await;
        assert!(
            text_of(&r[0]).contains("Đã hủy tin báo") && text_of(&r[0]).contains("chưa được gửi"),
            "{word}: {}",
            text_of(&r[0])
        );
        assert_eq!(case_count(&app).await, 0, "{word}");
    }
    // Nothing in progress: said so.
    let r = say(&app, "7550099", text("hủy"), 1).await;
    assert!(text_of(&r[0]).contains("Không có việc gì"));
}

#[tokio::test]
async fn the_category_can_be_typed_by_number_or_name_and_is_inferred_when_clear() {
    let app = spawn_app().await;
    let r = say(&app, "7560001", text("#menu:report"), 2).await;
    assert!(
        text_of(&r[1]).contains("12. Việc khác"),
        "{}",
        text_of(&r[1])
    );
    assert!(buttons_of(&r[1]).len() <= 5);
    let r = say(&app, "7560001", text("6"), 1).await;
    assert!(text_of(&r[0]).contains("kể lại"));
    // A clear account: no category question at all.
    let r = say(
        &app,
        "7560002",
        text("Tối qua lúc 11 giờ ông hàng xóm say rượu đánh vợ con ầm ĩ ở nhà số 3 hẻm 9"),
        2,
    )
    .await;
    assert!(
        text_of(&r[1]).contains("Bạo lực gia đình"),
        "{}",
        text_of(&r[1])
    );
}

#[tokio::test]
async fn khu_pho_can_be_typed_after_the_question() {
    let app = spawn_app().await;
    let u = "7570001";
    let r = say(&app, u, ResidentInput::follow(), 2).await;
    assert!(text_of(&r[1]).contains("khu phố nào"));
    let r = say(&app, u, text("kp 2"), 1).await;
    assert!(
        text_of(&r[0]).contains("Đã ghi nhận: Khu phố 2"),
        "{}",
        text_of(&r[0])
    );
    // An unknown one is said to be unknown, with the question again.
    let r = say(&app, "7570002", ResidentInput::follow(), 2).await;
    assert!(text_of(&r[1]).contains("khu phố nào"));
    let r = say(&app, "7570002", text("khu phố 9"), 1).await;
    assert!(
        text_of(&r[0]).contains("chưa có khu phố"),
        "{}",
        text_of(&r[0])
    );
}
