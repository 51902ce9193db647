//! Emergencies are never missed: bare numbers and cries, danger that is not a fight (a missing
//! child, domestic violence), follow-ups that reach the paged officer and open no second case,
//! the hesitation question, and no promise when nobody can be paged. In sandbox mode user
//! 9001 is the chief and on call.

use zalo_sim::ResidentInput;

use crate::helpers::*;

const ON_CALL: &str = "9001";

fn text(t: &str) -> ResidentInput {
    ResidentInput::text(t)
}

/// The sandbox app with 9001 having written to the OA this week (Zalo delivers only then).
async fn station() -> TestApp {
    let app = spawn_app().await;
    say(&app, ON_CALL, ResidentInput::follow(), 1).await;
    app
}

/// The pages 9001 received since `before`.
async fn pages(app: &TestApp, before: usize, n: usize) -> Vec<String> {
    replies(&app.sim, ON_CALL, before + n).await[before..]
        .iter()
        .map(|m| text_of(m).to_owned())
        .collect()
}

#[tokio::test]
async fn bare_numbers_and_cries_are_emergencies_that_page_the_officer_on_call() {
    let app = station().await;
    for (i, cry) in [
        "113",
        "114",
        "115",
        "cứu",
        "cứu với",
        "khẩn cấp",
        "gấp lắm",
        "cuu voi",
    ]
    .iter()
    .enumerate()
    {
        let u = format!("760000{i}");
        let before = app.sim.sent_messages(ON_CALL).len();
        let r = say(&app, &u, text(cry), 1).await;
        assert!(
            text_of(&r[0]).contains("KHẨN CẤP"),
            "{cry}: {}",
            text_of(&r[0])
        );
        assert!(text_of(&r[0]).contains("đã được chuyển ngay cho cán bộ trực"));
        let calls: Vec<String> = buttons_of(&r[0])
            .into_iter()
            .filter(|(_, kind, _)| kind == "oa.open.phone")
            .map(|(_, _, payload)| payload)
            .collect();
        assert_eq!(calls.len(), 3, "{cry}: 113/114/115 buttons");
        let paged = pages(&app, before, 1).await;
        assert!(
            paged[0].contains("[KHẨN]") && paged[0].contains(cry),
            "{paged:?}"
        );
    }
}

#[tokio::test]
async fn a_missing_child_and_domestic_violence_are_emergencies() {
    let app = station().await;
    for (u, said, category) in [
        (
            "7610001",
            "Con tôi 4 tuổi vừa bị lạc ở chợ, mặc áo đỏ, tìm mãi không thấy",
            "missing_person",
        ),
        (
            "7610002",
            "chồng tôi say rượu đánh tôi",
            "domestic_violence",
        ),
    ] {
        let r = say(&app, u, text(said), 1).await;
        show("resident", said, &r);
        assert!(
            text_of(&r[0]).contains("KHẨN CẤP"),
            "{said}: {}",
            text_of(&r[0])
        );
        let (stored, urgent, _) = case_by_code(&app, &code_in(&r[0])).await;
        assert!(urgent);
        assert_eq!(stored, category, "{said}");
    }
}

#[tokio::test]
async fn follow_ups_reach_the_paged_officer_and_open_no_second_case() {
    let app = station().await;
    let u = "7620001";
    let before = app.sim.sent_messages(ON_CALL).len();
    let said = "có người đang cầm dao đòi chém nhà hàng xóm";
    let r = say(&app, u, text(said), 1).await;
    show("resident", said, &r);
    let code = code_in(&r[0]);
    pages(&app, before, 1).await;

    // A location: a map link to the officer, never "Đã nhận hình ảnh/tệp".
    let before = app.sim.sent_messages(ON_CALL).len();
    let r = say(&app, u, ResidentInput::location(10.7769, 106.7009), 1).await;
    show("resident", "(vị trí 10.7769, 106.7009)", &r);
    assert!(
        text_of(&r[0]).contains("Đã chuyển ngay cho cán bộ trực"),
        "{}",
        text_of(&r[0])
    );
    assert!(!text_of(&r[0]).contains("hình ảnh"));
    let paged = pages(&app, before, 1).await;
    assert!(
        paged[0].contains(&code) && paged[0].contains("maps.google.com/?q=10.7769,106.7009"),
        "{paged:?}"
    );

    // An address typed, then "nhanh lên": both forwarded.
    for said in ["nhà số 12 hẻm 45 đường Lê Lợi", "nhanh lên"] {
        let before = app.sim.sent_messages(ON_CALL).len();
        let r = say(&app, u, text(said), 1).await;
        show("resident", said, &r);
        assert!(text_of(&r[0]).contains(&code));
        let paged = pages(&app, before, 1).await;
        assert!(paged[0].contains(said), "{paged:?}");
    }
    assert_eq!(case_count(&app).await, 1, "one urgent case, no second one");
    let (_, urgent, _) = case_by_code(&app, &code).await;
    assert!(urgent);
}

#[tokio::test]
async fn a_hesitation_gets_the_call_buttons_and_the_question_now_or_past() {
    // Every non-emergency reading counts as a hesitation here, to drive both answers.
    let app = spawn_app_with(TestDb::sqlite(), |s| s.bot.danger_check_above = 0.0).await;
    say(&app, ON_CALL, ResidentInput::follow(), 1).await;
    let said = "nhà bên cạnh có nhiều người lạ ra vào, nghi chứa ma túy";
    let r = say(&app, "7630001", text(said), 1).await;
    show("resident", said, &r);
    assert!(
        text_of(&r[0]).contains("ngay lúc này"),
        "{}",
        text_of(&r[0])
    );
    let buttons = buttons_of(&r[0]);
    assert_eq!(buttons[0].2, "#danger:now");
    assert_eq!(buttons[1].2, "#danger:past");
    assert_eq!(buttons.iter().filter(|b| b.1 == "oa.open.phone").count(), 3);
    // "Đang xảy ra" (typed "có"): the emergency, with the first message.
    let before = app.sim.sent_messages(ON_CALL).len();
    let r = say(&app, "7630001", text("có"), 1).await;
    assert!(text_of(&r[0]).contains("KHẨN CẤP"));
    assert!(pages(&app, before, 1).await[0].contains("người lạ"));
    // "Đã qua": an ordinary report from that message.
    say(&app, "7630002", text(said), 1).await;
    let r = say(&app, "7630002", text("#danger:past"), 2).await;
    assert!(text_of(&r[0]).contains("Cảm ơn anh/chị đã báo tin"));
}

#[tokio::test]
async fn a_page_zalo_cannot_deliver_now_is_not_promised() {
    // 9001 is on call but has not written to the OA this week: the page waits in the outbox.
    let app = spawn_app().await;
    let r = say(&app, "7660001", text("cứu với"), 1).await;
    assert!(
        text_of(&r[0]).contains("chưa đến được ai"),
        "{}",
        text_of(&r[0])
    );
}

#[tokio::test]
async fn with_nobody_to_page_the_resident_is_told_plainly_to_call() {
    let app = spawn_app_with(TestDb::sqlite(), |s| s.sim.default_chief = String::new()).await;
    let r = say(&app, "7640001", text("cháy nhà rồi cứu với"), 1).await;
    let answer = text_of(&r[0]);
    assert!(
        answer.contains("KHẨN CẤP") && answer.contains("gọi"),
        "{answer}"
    );
    assert!(answer.contains("chưa đến được ai"), "{answer}");
    assert!(!answer.contains("đã được chuyển"), "no promise: {answer}");
    let r = say(&app, "7640001", text("nhà số 5 hẻm 3"), 1).await;
    assert!(
        text_of(&r[0]).contains("chưa có cán bộ"),
        "{}",
        text_of(&r[0])
    );
}

#[tokio::test]
async fn with_no_roster_the_chief_is_paged() {
    // A chief registered, nobody on call, no configured on-call list: the chief is paged.
    let app = spawn_app_with(TestDb::sqlite(), |s| {
        s.sim.default_chief = String::new();
        s.officers.chief_id = "8200001".into();
    })
    .await;
    say(&app, "8200001", ResidentInput::follow(), 1).await;
    let before = app.sim.sent_messages("8200001").len();
    let r = say(&app, "7650001", text("cứu với"), 1).await;
    assert!(text_of(&r[0]).contains("đã được chuyển ngay"));
    let paged = replies(&app.sim, "8200001", before + 1).await;
    assert!(text_of(&paged[before]).contains("[KHẨN]"));
}

#[tokio::test]
async fn an_emergency_interrupts_a_report_and_the_answer_to_a_question_does_not() {
    let app = station().await;
    let u = "7670001";
    say(&app, u, text("#menu:report"), 2).await;
    // Answers to the bot's questions are not emergencies, however they read to the model.
    say(&app, u, text("trộm cắp"), 1).await;
    let r = say(
        &app,
        u,
        text("áo khoác đen, đội mũ lưỡi trai, đi xe wave"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("khi nào"), "{}", text_of(&r[0]));
    // Danger now, in the middle of the report: the emergency, at once.
    let before = app.sim.sent_messages(ON_CALL).len();
    let r = say(
        &app,
        u,
        text("cứu với tụi nó quay lại cầm dao đang đập cửa"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("KHẨN CẤP"), "{}", text_of(&r[0]));
    pages(&app, before, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_overtakes_an_alert_to_the_whole_ward() {
    // 20 calls a second, so an alert to 120 residents takes about 6 s to send.
    // KETNOI_TEST_ALERT_RESIDENTS=300 measures a larger ward (docs/RELIABILITY.md).
    let count: usize = std::env::var("KETNOI_TEST_ALERT_RESIDENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(120);
    let app = spawn_app_with(TestDb::sqlite(), |s| s.zalo.rate_limit_per_minute = 1200).await;
    say(&app, ON_CALL, ResidentInput::follow(), 1).await;
    let residents: Vec<String> = (0..count).map(|i| format!("7780{i:04}")).collect();
    for r in &residents {
        app.sim.send_as_user(r, text("#menu")).await.unwrap();
    }
    for r in &residents {
        replies(&app.sim, r, 1).await;
    }
    // Not `say`: it waits for the queues to empty, and the alert must still be going out.
    let before = app.sim.sent_messages(ON_CALL).len();
    let alert = text("/alert all Cảnh báo: trộm cắp dịp lễ, khóa cửa cẩn thận");
    app.sim.send_as_user(ON_CALL, alert).await.unwrap();
    replies(&app.sim, ON_CALL, before + 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    app.sim
        .send_as_user("7780999", text("cứu với có người cầm dao"))
        .await
        .unwrap();
    let r = replies(&app.sim, "7780999", 1).await;
    let latency = started.elapsed();
    assert!(text_of(&r[0]).contains("KHẨN CẤP"));
    let alerted = residents
        .iter()
        .filter(|r| app.sim.sent_messages(r).len() >= 2)
        .count();
    println!("emergency answer after {latency:?}, while {alerted}/{count} alerts were out");
    assert!(alerted < residents.len(), "the alert was still going out");
    assert!(latency < std::time::Duration::from_secs(3), "{latency:?}");
}
