//! The officers' console against residents' conversations, end to end through the simulator.

use zalo_sim::ResidentInput;

use crate::helpers::*;

const CHIEF: &str = "8100001";
const AN: &str = "8100002";

async fn station() -> TestApp {
    let app = spawn_app_with(TestDb::sqlite(), |s| s.officers.chief_id = CHIEF.to_owned()).await;
    say(&app, CHIEF, ResidentInput::follow(), 1).await;
    let r = say(
        &app,
        CHIEF,
        ResidentInput::text("/officer add 8100002 an officer Thượng úy Nguyễn Văn An"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("Đã thêm"), "{}", text_of(&r[0]));
    say(&app, AN, ResidentInput::follow(), 1).await;
    app
}

#[tokio::test]
async fn an_officer_claims_replies_and_gets_the_residents_answer_without_identities() {
    let app = station().await;
    let resident = "7900001";
    let code = report(
        &app,
        resident,
        "Tối qua lúc 11 giờ xe đạp điện của con tôi bị trộm ở trước cửa nhà số 5 hẻm 20 khu phố 3",
    )
    .await;

    let r = say_shown(&app, AN, "/cases", 1).await;
    assert!(text_of(&r[0]).contains(&code), "{}", text_of(&r[0]));
    let r = say_shown(&app, AN, format!("/xem {code}"), 1).await;
    assert!(text_of(&r[0]).contains("xe đạp điện") && text_of(&r[0]).contains("Người báo #"));

    let before = app.sim.sent_messages(resident).len();
    let r = say(
        &app,
        AN,
        ResidentInput::text(format!("/nhan {}", code.to_lowercase())),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("đã nhận"), "{}", text_of(&r[0]));
    let seen = replies(&app.sim, resident, before + 1).await;
    assert!(
        text_of(&seen[before]).contains("đang được cán bộ xử lý"),
        "resident told of the status"
    );

    let r = say(
        &app,
        AN,
        ResidentInput::text(format!(
            "/traloi {code} Chúng tôi đã xem camera, bác có nhớ màu áo người đó không?"
        )),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("Đã gửi"), "{}", text_of(&r[0]));
    let seen = replies(&app.sim, resident, before + 2).await;
    let relayed = &seen[before + 1];
    assert!(
        text_of(relayed).contains("Công an phường trả lời") && text_of(relayed).contains("màu áo")
    );
    assert!(
        relayed.body["message"]["quote_message_id"].is_string(),
        "quotes the resident's last message"
    );

    let officer_before = app.sim.sent_messages(AN).len();
    let r = say(
        &app,
        resident,
        ResidentInput::text("Dạ áo khoác màu xanh, đội mũ lưỡi trai"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("Đã chuyển"), "{}", text_of(&r[0]));
    let got = replies(&app.sim, AN, officer_before + 1).await;
    let forwarded = text_of(&got[officer_before]);
    assert!(
        forwarded.contains(&code) && forwarded.contains("áo khoác màu xanh"),
        "{forwarded}"
    );
    // Neither side ever sees the other's Zalo id.
    for message in app.sim.sent_messages(AN) {
        assert!(!message.body.to_string().contains(resident));
    }
    for message in app.sim.sent_messages(resident) {
        assert!(!message.body.to_string().contains(AN));
    } // The whole exchange as each side saw it (printed with --nocapture).
    for (who, user) in [("resident", resident), ("officer an", AN)] {
        println!("--- what {who} received, in order:");
        for message in app.sim.sent_messages(user) {
            println!("< {}", text_of(&message).replace('\n', "\n  "));
        }
    }
}

#[tokio::test]
async fn reveal_is_refused_and_audited_for_officers_and_allowed_for_the_chief_with_a_reason() {
    let app = station().await;
    let resident = "7900002";
    let code = report(
        &app,
        resident,
        "Hôm qua lúc 8 giờ tối có người bán ma túy ở đầu hẻm 7 đường Nguyễn Trãi",
    )
    .await;
    let r = say(
        &app,
        AN,
        ResidentInput::text(format!("/reveal {code} cần xác minh")),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).contains("chỉ dành cho Trưởng"),
        "{}",
        text_of(&r[0])
    );
    assert!(!text_of(&r[0]).contains(resident));
    assert_eq!(
        audit_rows(&app, "reveal").await,
        [("an".to_owned(), "refused".to_owned())]
    );

    let r = say(
        &app,
        CHIEF,
        ResidentInput::text(format!(
            "/danhtinh {code} Viện kiểm sát yêu cầu lấy lời khai"
        )),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains(resident), "{}", text_of(&r[0]));
    assert_eq!(
        audit_rows(&app, "reveal").await,
        [
            ("an".to_owned(), "refused".to_owned()),
            ("truong".to_owned(), "ok".to_owned())
        ]
    );
    let (detail,): (Vec<u8>,) =
        sqlx::query_as("select detail from audit_log where action = 'reveal' and outcome = 'ok'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let vault = ketnoi::vault::Vault::new(&[42u8; 32]);
    assert_eq!(
        vault.open_string(&detail).unwrap(),
        "Viện kiểm sát yêu cầu lấy lời khai"
    );
    // Officers cannot manage officers either.
    let r = say(
        &app,
        AN,
        ResidentInput::text("/officer add 8199999 x officer X"),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("chỉ dành cho Trưởng"));
}

#[tokio::test]
async fn a_reply_after_the_window_closed_is_kept_and_delivered_when_the_resident_writes() {
    let app = station().await;
    let resident = "7900003";
    let code = report(
        &app,
        resident,
        "Tối qua lúc 10 giờ có nhóm thanh niên đua xe ồn ào ở đường Lê Lợi khu phố 1",
    )
    .await;
    // Eight days pass for this resident, on both sides.
    let eight_days = 8 * 24 * 3600 * 1000;
    sqlx::query("update residents set last_interaction_at = last_interaction_at - $1")
        .bind(eight_days)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.http
        .post(format!(
            "http://{}/sim/users/{resident}/last_interaction",
            app.sim_address
        ))
        .json(&serde_json::json!({"ago_secs": 8 * 24 * 3600}))
        .send()
        .await
        .unwrap();
    let before = app.sim.sent_messages(resident).len();
    let r = say(
        &app,
        AN,
        ResidentInput::text(format!(
            "/reply {code} Công an đã tăng cường tuần tra khu vực này."
        )),
        1,
    )
    .await;
    assert!(text_of(&r[0]).contains("quá 7 ngày"), "{}", text_of(&r[0]));
    // Everything queued has been sent (the parked reply waits, not counted); a marker from the
    // resident would reopen the window, so the barrier is the empty queue.
    settled(&app).await;
    assert_eq!(
        app.sim.sent_messages(resident).len(),
        before,
        "nothing reaches a closed window"
    );

    app.sim
        .send_as_user(resident, ResidentInput::text("alo"))
        .await
        .unwrap();
    let seen = replies(&app.sim, resident, before + 1).await;
    assert!(
        seen[before..]
            .iter()
            .any(|m| text_of(m).contains("tăng cường tuần tra")),
        "the parked reply arrives once the resident writes"
    );
}

#[tokio::test]
async fn an_alert_reaches_only_the_reachable_residents_of_that_khu_pho() {
    let app = station().await;
    for (user, area) in [
        ("7910001", "#area:0"),
        ("7910002", "#area:0"),
        ("7910003", "#area:1"),
    ] {
        say(&app, user, ResidentInput::follow(), 2).await;
        say(&app, user, ResidentInput::text(area), 1).await;
    }
    // The second resident of Khu phố 1 has not written for eight days.
    let vault = ketnoi::vault::Vault::new(&[42u8; 32]);
    sqlx::query("update residents set last_interaction_at = last_interaction_at - 691200000 where user_key = $1")
        .bind(vault.user_key("7910002"))
        .execute(app.store.pool())
        .await
        .unwrap();
    let counts: Vec<usize> = ["7910001", "7910002", "7910003"]
        .iter()
        .map(|u| app.sim.sent_messages(u).len())
        .collect();
    let r = say(
        &app,
        CHIEF,
        ResidentInput::text("/alert kp1 Tối nay cắt nước từ 22 giờ, bà con chủ động trữ nước."),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).contains("gửi được 1 người, 1 người chưa"),
        "{}",
        text_of(&r[0])
    );
    let got = replies(&app.sim, "7910001", counts[0] + 1).await;
    assert!(text_of(&got[counts[0]]).contains("cắt nước"));
    // Everything the alert queued has been sent (an alert is bulk: a resident's own marker
    // could overtake it, so the barrier is the empty queue).
    settled(&app).await;
    assert_eq!(app.sim.sent_messages("7910002").len(), counts[1]);
    assert_eq!(app.sim.sent_messages("7910003").len(), counts[2]);
    // The khu phố was applied as a Zalo tag.
    crate::helpers::eventually(std::time::Duration::from_secs(5), "tag applied", || {
        app.sim.user_tags("7910003") == ["Khu phố 2"]
    })
    .await;
}

#[tokio::test]
async fn an_unregistered_user_typing_a_command_gets_the_resident_menu() {
    let app = station().await;
    let r = say(&app, "7920001", ResidentInput::text("/cases"), 1).await;
    assert!(
        text_of(&r[0]).contains("chào anh/chị"),
        "{}",
        text_of(&r[0])
    );
    assert!(!text_of(&r[0]).contains("/claim") && !text_of(&r[0]).contains("lệnh"));
    let (rows,): (i64,) = sqlx::query_as("select count(*) from audit_log where action = 'cases'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn new_cases_go_to_the_area_officer_and_overdue_ones_remind_then_escalate() {
    let app = station().await;
    let r = say(&app, CHIEF, ResidentInput::text("/officer area an kp2"), 1).await;
    assert!(text_of(&r[0]).contains("Khu phố 2"), "{}", text_of(&r[0]));
    let an_before = app.sim.sent_messages(AN).len();
    let code = report(
        &app,
        "7930001",
        "Sáng nay lúc 6 giờ có người lạ cạy khóa xe máy ở bãi giữ xe chung cư khu phố 2",
    )
    .await;
    let got = replies(&app.sim, AN, an_before + 1).await;
    assert!(
        text_of(&got[an_before]).contains("[Tin báo mới]")
            && text_of(&got[an_before]).contains(&code)
    );

    let sla = test_sla(&app);
    let now = now_ms();
    assert_eq!(sla.check(at(now)).await.unwrap(), 0, "not overdue yet");
    assert_eq!(
        sla.check(at(now + 25 * 3600 * 1000)).await.unwrap(),
        1,
        "the assignee is reminded"
    );
    let got = replies(&app.sim, AN, an_before + 2).await;
    assert!(text_of(&got[an_before + 1]).contains("[Quá hạn]"));
    let taps: Vec<String> = buttons_of(&got[an_before + 1])
        .into_iter()
        .map(|(_, _, payload)| payload)
        .collect();
    assert_eq!(
        taps,
        [format!("/claim {code}"), format!("/case {code}")],
        "one tap to act"
    );
    assert_eq!(
        sla.check(at(now + 26 * 3600 * 1000)).await.unwrap(),
        0,
        "reminded once"
    );
    let chief_before = app.sim.sent_messages(CHIEF).len();
    assert_eq!(
        sla.check(at(now + 49 * 3600 * 1000)).await.unwrap(),
        1,
        "then the chief"
    );
    let got = replies(&app.sim, CHIEF, chief_before + 1).await;
    assert!(
        text_of(&got[chief_before]).contains("báo Trưởng")
            && text_of(&got[chief_before]).contains("Thượng úy")
    );
    say(&app, AN, ResidentInput::text(format!("/claim {code}")), 1).await;
    let r = say(&app, CHIEF, ResidentInput::text("/stats 7"), 1).await;
    assert!(
        text_of(&r[0]).contains("Thống kê 7 ngày: 1 tin báo"),
        "{}",
        text_of(&r[0])
    );
    // Once answered, nothing more: a case claimed at once is neither reminded nor escalated,
    // however long it then stays open.
    let an_before = app.sim.sent_messages(AN).len();
    let second = report(
        &app,
        "7930002",
        "Tối qua lúc 9 giờ có người lạ lấy trộm bình gas trước nhà số 12 khu phố 2",
    )
    .await;
    let got = replies(&app.sim, AN, an_before + 1).await;
    assert!(text_of(&got[an_before]).contains(&second));
    say(&app, AN, ResidentInput::text(format!("/claim {second}")), 1).await;
    let (an_before, chief_before) = (
        app.sim.sent_messages(AN).len(),
        app.sim.sent_messages(CHIEF).len(),
    );
    assert_eq!(
        sla.check(at(now + 100 * 3600 * 1000)).await.unwrap(),
        0,
        "nothing to remind"
    );
    // The check queued nothing: the first thing each officer receives after it is the answer
    // to their own marker.
    let got = before_officer_marker(&app.sim, AN).await;
    assert_eq!(got.len(), an_before, "{:#?}", &got[an_before..]);
    let got = before_officer_marker(&app.sim, CHIEF).await;
    assert_eq!(got.len(), chief_before, "{:#?}", &got[chief_before..]);
}

#[tokio::test]
async fn open_cases_near_the_resolution_target_warn_the_assignee_then_tell_the_chief_once() {
    let app = station().await;
    say(&app, CHIEF, ResidentInput::text("/officer area an kp2"), 1).await;
    let open = report(
        &app,
        "7930011",
        "Sáng nay có người lạ cạy cửa kho nhà số 8 khu phố 2 lấy mất máy cắt cỏ",
    )
    .await;
    let resolved = report(
        &app,
        "7930012",
        "Tối qua có người lấy trộm bình gas trước nhà số 14 khu phố 2",
    )
    .await;
    for code in [&open, &resolved] {
        say(&app, AN, ResidentInput::text(format!("/claim {code}")), 1).await;
    }
    say(
        &app,
        AN,
        ResidentInput::text(format!("/status {resolved} xong Đã tìm lại bình gas")),
        1,
    )
    .await;

    // 20 days by default (Art. 147 BLTTHS): warned 3 days before, the chief told once past it.
    let sla = test_sla(&app);
    let (now, day) = (now_ms(), 86_400_000);
    assert_eq!(sla.check(at(now + 16 * day)).await.unwrap(), 0, "not yet");
    let an_before = app.sim.sent_messages(AN).len();
    assert_eq!(
        sla.check(at(now + 18 * day)).await.unwrap(),
        1,
        "the open one"
    );
    let got = replies(&app.sim, AN, an_before + 1).await;
    let warning = text_of(&got[an_before]);
    assert!(
        warning.starts_with(&format!("[Sắp đến hạn] Tin báo {open}"))
            && warning.contains("mục tiêu giải quyết là 20 ngày"),
        "{warning}"
    );
    assert_eq!(
        sla.check(at(now + 19 * day)).await.unwrap(),
        0,
        "warned once"
    );
    let chief_before = app.sim.sent_messages(CHIEF).len();
    assert_eq!(sla.check(at(now + 21 * day)).await.unwrap(), 1);
    let got = replies(&app.sim, CHIEF, chief_before + 1).await;
    let told = text_of(&got[chief_before]);
    assert!(
        told.starts_with(&format!("[Quá hạn giải quyết – báo Trưởng] Tin báo {open}"))
            && told.contains("Thượng úy"),
        "{told}"
    );
    assert_eq!(sla.check(at(now + 40 * day)).await.unwrap(), 0, "told once");
    settled(&app).await;
}

/// `say` that also prints the exchange (see the transcript with --nocapture).
async fn say_shown(
    app: &TestApp,
    user: &str,
    text: impl Into<String>,
    n: usize,
) -> Vec<zalo_sim::SentMessage> {
    let text = text.into();
    let who = if user == AN {
        "officer an"
    } else if user == CHIEF {
        "chief"
    } else {
        "resident"
    };
    let r = say(app, user, ResidentInput::text(text.clone()), n).await;
    show(who, &text, &r);
    r
}
