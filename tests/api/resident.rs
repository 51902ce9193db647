//! Resident conversations end to end through the simulator: report intake, cancel, restart,
//! emergency, procedures, news, case status, contact.

use zalo_sim::ResidentInput;

use crate::helpers::*;

fn tap(payload: &str) -> ResidentInput {
    ResidentInput::text(payload)
}

#[tokio::test]
async fn a_full_report_with_location_and_two_photos_gets_a_case_code() {
    let app = spawn_app().await;
    let u = "7100001";
    let r = say(&app, u, ResidentInput::text("Tôi muốn báo tin"), 2).await;
    show("resident", "Tôi muốn báo tin", &r);
    assert!(
        text_of(&r[0]).contains("giữ bí mật"),
        "confidentiality is explained first"
    );
    let categories = buttons_of(&r[1]);
    assert_eq!(categories.len(), 5);
    assert!(categories
        .iter()
        .all(|(_, kind, payload)| kind == "oa.query.hide" && payload.starts_with("#cat:")));

    let r = say(&app, u, tap("#cat:theft"), 1).await;
    show("resident", "[Trộm cắp, cướp giật]", &r);
    assert!(text_of(&r[0]).contains("kể lại"));
    let said =
        "Xe máy Wave màu đỏ để trước cửa bị mất, camera nhà bên có quay được một người đội mũ đen";
    let r = say(&app, u, ResidentInput::text(said), 1).await;
    show("resident", said, &r);
    assert!(text_of(&r[0]).contains("khi nào"));
    let r = say(&app, u, ResidentInput::text("khoảng 2 giờ sáng nay"), 1).await;
    show("resident", "khoảng 2 giờ sáng nay", &r);
    assert!(text_of(&r[0]).contains("ở đâu"));
    let r = say(&app, u, ResidentInput::location(10.7725, 106.698), 1).await;
    show("resident", "(vị trí 10.7725, 106.698)", &r);
    assert!(text_of(&r[0]).contains("ảnh"));
    let r = say(
        &app,
        u,
        ResidentInput::image("https://img.example/1.jpg", None),
        1,
    )
    .await;
    show("resident", "(ảnh 1)", &r);
    assert!(text_of(&r[0]).contains("1 tệp"));
    let r = say(
        &app,
        u,
        ResidentInput::image("https://img.example/2.jpg", None),
        1,
    )
    .await;
    show("resident", "(ảnh 2)", &r);
    assert!(text_of(&r[0]).contains("2 tệp"));
    let r = say(&app, u, tap("#evidence:done"), 1).await;
    show("resident", "[Xong]", &r);
    let summary = text_of(&r[0]);
    assert!(
        summary.contains("Trộm cắp") && summary.contains("Wave") && summary.contains("sáng nay"),
        "{summary}"
    );
    assert!(summary.contains("Tệp đính kèm: 2"), "{summary}");
    let sends: Vec<_> = buttons_of(&r[0]).into_iter().map(|(_, _, p)| p).collect();
    assert_eq!(sends, ["#send:contact", "#send:anonymous", "#cancel"]);
    let r = say(&app, u, tap("#send:anonymous"), 1).await;
    show("resident", "[Gửi ẩn danh]", &r);
    let done = text_of(&r[0]);
    let code = ketnoi::cases::code::find(done)
        .expect("a case code in the confirmation")
        .to_string();
    assert!(done.contains("giữ bí mật"));

    // The case holds what was said, sealed; the resident can look it up.
    let r = say(
        &app,
        u,
        ResidentInput::text(code.to_lowercase().replace('-', " ")),
        1,
    )
    .await;
    show("resident", &code.to_lowercase(), &r);
    assert!(
        text_of(&r[0]).contains(&code) && text_of(&r[0]).contains("đã tiếp nhận"),
        "{}",
        text_of(&r[0])
    );
    let row: (String, i64, Vec<u8>) =
        sqlx::query_as("select category, urgent, details from cases where code = $1")
            .bind(&code)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((row.0.as_str(), row.1), ("theft", 0));
    let vault = ketnoi::vault::Vault::new(&[42u8; 32]);
    let details: ketnoi::cases::Details =
        serde_json::from_slice(&vault.open(&row.2).unwrap()).unwrap();
    assert_eq!(details.evidence.len(), 2);
    assert_eq!(details.place.unwrap().latitude, Some(10.7725));
    assert!(!details.contact_ok);
}

#[tokio::test]
async fn a_report_in_one_long_message_goes_straight_to_confirmation() {
    let app = spawn_app().await;
    let u = "7100002";
    let text = "Tối qua khoảng 10 giờ có nhóm thanh niên tụ tập đánh bạc ăn tiền ở cuối hẻm 45 đường Lê Lợi, khu phố 2, ồn ào tới khuya";
    let r = say(&app, u, ResidentInput::text(text), 2).await;
    assert!(
        text_of(&r[1]).contains("kiểm tra lại tin báo"),
        "{}",
        text_of(&r[1])
    );
    assert!(text_of(&r[1]).contains("Ma túy, cờ bạc"));
    // The case code, then Zalo's contact form (contact was allowed).
    let r = say(&app, u, tap("#send:contact"), 2).await;
    let code = ketnoi::cases::code::find(text_of(&r[0]))
        .unwrap()
        .to_string();
    let (khu_pho,): (Option<String>,) = sqlx::query_as("select khu_pho from cases where code = $1")
        .bind(&code)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(khu_pho.as_deref(), Some("Khu phố 2"));
}

#[tokio::test]
async fn cancel_mid_report_discards_the_draft() {
    let app = spawn_app().await;
    let u = "7100003";
    say(&app, u, tap("#menu:report"), 2).await;
    say(&app, u, tap("#cat:scam"), 1).await;
    let r = say(&app, u, ResidentInput::text("Hủy"), 1).await;
    assert!(text_of(&r[0]).contains("Đã hủy"));
    let r = say(&app, u, tap("#send:contact"), 1).await;
    assert!(ketnoi::cases::code::find(text_of(&r[0])).is_none());
    let (cases,): (i64,) = sqlx::query_as("select count(*) from cases")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(cases, 0);
}

#[tokio::test]
async fn a_dialogue_survives_a_restart() {
    let app = spawn_app().await;
    let u = "7100004";
    say(&app, u, tap("#menu:report"), 2).await;
    say(&app, u, tap("#cat:disorder"), 1).await;
    let db = app.stop().await;
    let app = spawn_app_on(db).await;
    // The new process (and its fresh simulator) continues where the old one stopped.
    let r = say(
        &app,
        u,
        ResidentInput::text("Nhà bên cạnh hát karaoke rất to đến 1 giờ sáng mỗi ngày"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("khi nào"), "{}", text_of(&r[0]));
}

#[tokio::test]
async fn an_idle_dialogue_expires() {
    let app = spawn_app_with(TestDb::sqlite(), |s| s.bot.dialogue_idle_minutes = 0).await;
    let u = "7100005";
    say(&app, u, tap("#menu:report"), 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let r = say(&app, u, tap("#cat:theft"), 1).await;
    assert!(text_of(&r[0]).contains("quá lâu"), "{}", text_of(&r[0]));
}

#[tokio::test]
async fn an_emergency_is_answered_first_with_numbers_and_pages_the_officer_on_call() {
    let officer = "8800001";
    let app = spawn_app_with(TestDb::sqlite(), |s| {
        s.officers.on_call = vec![officer.to_owned()]
    })
    .await;
    say(&app, officer, ResidentInput::follow(), 2).await; // the officer has talked to the OA
    let u = "7100006";
    // Even in the middle of a report, danger now comes first.
    say(&app, u, tap("#menu:report"), 2).await;
    let text = "cứu với, có người đang cầm dao chém nhau trước cổng chợ";
    let r = say(&app, u, ResidentInput::text(text), 1).await;
    show("resident", text, &r);
    let first = &r[0];
    assert!(
        text_of(first).contains("113")
            && text_of(first).contains("114")
            && text_of(first).contains("115")
    );
    let phones: Vec<_> = buttons_of(first)
        .into_iter()
        .filter(|(_, kind, _)| kind == "oa.open.phone")
        .collect();
    assert_eq!(phones.len(), 3, "{phones:?}");
    assert!(phones[0].2.contains("113"));
    let code = ketnoi::cases::code::find(text_of(first))
        .expect("urgent case code")
        .to_string();
    let paged = replies(&app.sim, officer, 3).await;
    assert!(text_of(&paged[2]).contains("[KHẨN]") && text_of(&paged[2]).contains(&code));
    let (urgent,): (i64,) = sqlx::query_as("select urgent from cases where code = $1")
        .bind(&code)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(urgent, 1);
}

#[tokio::test]
async fn every_procedure_answers_short_first_and_in_full_behind_xem_chi_tiet() {
    let app = spawn_app().await;
    let catalogue = ketnoi::bot::procedures::Catalogue::load(
        &ketnoi::config::default_config_dir().join("procedures.toml"),
    )
    .unwrap();
    for (i, procedure) in catalogue.all().iter().enumerate() {
        let user = format!("72{i:05}");
        // First: one message a phone can read, with "Xem chi tiết" first among its buttons.
        let r = say(&app, &user, tap(&format!("#proc:{}", procedure.id)), 1).await;
        let first = text_of(&r[0]);
        assert!(first.chars().count() <= 600, "{}: {first}", procedure.id);
        assert!(
            first.contains(&procedure.title.to_uppercase()),
            "{}",
            procedure.id
        );
        assert!(first.contains("Cập nhật"), "{}: date shown", procedure.id);
        let buttons = buttons_of(&r[0]);
        assert_eq!(buttons[0].2, format!("#procd:{}", procedure.id));
        assert_eq!(buttons.last().unwrap().2, "#menu");
        // Then the details: legal basis, last-verified date, the anti-scam warning.
        let parts = procedure.render().len();
        let r = say(&app, &user, tap(&buttons[0].2), parts).await;
        let all: String = r.iter().map(text_of).collect::<Vec<_>>().join("\n");
        assert!(all.contains("Căn cứ pháp lý"), "{}", procedure.id);
        assert!(all.contains("Cập nhật lần cuối"), "{}", procedure.id);
        assert!(all.contains("OTP"), "{}: anti-scam warning", procedure.id);
        assert!(r.iter().all(|m| text_of(m).chars().count() <= 2000));
        assert_eq!(buttons_of(r.last().unwrap()).last().unwrap().2, "#menu");
    }
}

#[tokio::test]
async fn a_question_without_diacritics_gets_the_same_procedure_as_its_accented_twin() {
    let app = spawn_app().await;
    let catalogue = ketnoi::bot::procedures::Catalogue::load(
        &ketnoi::config::default_config_dir().join("procedures.toml"),
    )
    .unwrap();
    assert!(catalogue.get("can-cuoc").is_some());
    let parts = 1;
    let accented = say(
        &app,
        "7300001",
        ResidentInput::text("làm căn cước cho con 10 tuổi cần giấy tờ gì"),
        parts,
    )
    .await;
    let plain = say(
        &app,
        "7300002",
        ResidentInput::text("lam can cuoc cho con 10 tuoi can giay to gi"),
        parts,
    )
    .await;
    assert!(
        text_of(&accented[0]).contains("CĂN CƯỚC"),
        "{}",
        text_of(&accented[0])
    );
    let texts =
        |r: &[zalo_sim::SentMessage]| r.iter().map(|m| text_of(m).to_owned()).collect::<Vec<_>>();
    assert_eq!(texts(&accented), texts(&plain));
}

#[tokio::test]
async fn case_status_shows_only_the_residents_own_cases() {
    let app = spawn_app().await;
    let text = "Hôm qua lúc 9 giờ tối tôi bị giật túi xách ở đầu hẻm 12 đường Trần Phú, mất điện thoại và ví";
    say(&app, "7400001", ResidentInput::text(text), 2).await;
    let r = say(&app, "7400001", tap("#send:anonymous"), 1).await;
    let code = ketnoi::cases::code::find(text_of(&r[0]))
        .unwrap()
        .to_string();
    let mine = say(
        &app,
        "7400001",
        ResidentInput::text(format!("tin báo {code} sao rồi")),
        1,
    )
    .await;
    assert!(text_of(&mine[0]).contains("đã tiếp nhận"));
    let theirs = say(
        &app,
        "7400002",
        ResidentInput::text(format!("tin báo {code} sao rồi")),
        1,
    )
    .await;
    assert!(
        text_of(&theirs[0]).contains("Không tìm thấy"),
        "{}",
        text_of(&theirs[0])
    );
    let list = say(&app, "7400001", tap("#menu:status"), 1).await;
    assert!(text_of(&list[0]).contains(&code));
    let none = say(&app, "7400003", tap("#menu:status"), 1).await;
    assert!(text_of(&none[0]).contains("chưa gửi"));
}

#[tokio::test]
async fn news_is_paged_newest_first_with_warnings_marked() {
    let app = spawn_app().await;
    let r = say(&app, "7500001", tap("#menu:news"), 1).await;
    let text = text_of(&r[0]);
    assert!(
        text.contains("⚠️ CẢNH BÁO Cảnh giác cuộc gọi giả danh công an"),
        "{text}"
    );
    assert!(
        text.find("giả danh").unwrap() < text.find("căn cước").unwrap(),
        "newest first"
    );
    let more = buttons_of(&r[0]);
    assert_eq!(more[0].2, "#news:3");
    let r = say(&app, "7500001", tap("#news:3"), 1).await;
    assert!(text_of(&r[0]).contains("phòng cháy"));
    assert!(buttons_of(&r[0])
        .iter()
        .all(|(_, _, p)| !p.starts_with("#news:")));
}

#[tokio::test]
async fn contact_gives_the_station_and_the_named_areas_officer() {
    let app = spawn_app().await;
    let r = say(
        &app,
        "7600001",
        ResidentInput::text("cho hỏi số điện thoại cảnh sát khu vực khu phố 2"),
        1,
    )
    .await;
    let text = text_of(&r[0]);
    assert!(
        text.contains("Số 1 đường Thử Nghiệm") && text.contains("Trần Thị Bình"),
        "{text}"
    );
    assert_eq!(buttons_of(&r[0])[0].1, "oa.open.phone");
}

#[tokio::test]
async fn out_of_scope_questions_get_a_polite_answer_and_the_menu() {
    let app = spawn_app().await;
    for (user, question, handler) in [
        (
            "7700001",
            "cho hỏi đăng ký kết hôn làm ở đâu vậy",
            "UBND phường",
        ),
        ("7700002", "lam so do cho mieng dat o dau", "đất đai"),
        ("7700003", "nhà tôi mất điện từ sáng tới giờ", "điện lực"),
    ] {
        let r = say(&app, user, ResidentInput::text(question), 1).await;
        show("resident", question, &r);
        let answer = text_of(&r[0]).to_lowercase();
        assert!(
            answer.contains(&handler.to_lowercase()),
            "{question}: {answer}"
        );
        assert!(
            !answer.contains("xin lỗi"),
            "an answer, not an apology: {answer}"
        );
        // The main menu is offered.
        assert_eq!(buttons_of(&r[0]).len(), 4);
        assert_eq!(buttons_of(&r[0])[0].2, "#menu:report");
    }
}
