//! Khu phố Zalo groups (issue 12, part 1), through the webhook and the simulator's GMF
//! groups: the chief links a group, alerts and warnings reach it as well as the residents, an
//! officer posts in their own khu phố's group only, and in a group the bot never repeats a tip
//! — a member who mentions the OA with a report gets one line inviting a private message, an
//! emergency gets the numbers to call in the group and a page to the officers, and chatter
//! gets nothing. In sandbox mode user 9001 is the chief and on call.

use zalo_sim::{Membership, ResidentInput, SentMessage};

use crate::helpers::*;

const CHIEF: &str = "9001";
const AN: &str = "8400002";
const RESIDENT: &str = "7300001";
const MEMBER: &str = "7300009";

fn text(t: &str) -> ResidentInput {
    ResidentInput::text(t)
}

/// The sandbox station, officer An covering Khu phố 1, a resident of Khu phố 2, and a group for
/// each of Khu phố 1 and 2 linked by the chief; returns the two group ids.
async fn station() -> (TestApp, String, String) {
    let app = officers_and_resident("khu pho 2").await;

    let kp1 = app.sim.create_group("An ninh trật tự Khu phố 1", &[AN]);
    let kp2 = app.sim.create_group("An ninh trật tự Khu phố 2", &[CHIEF]);
    let r = say(
        &app,
        CHIEF,
        text(&format!("/group link Khu phố 1 {kp1}")),
        1,
    )
    .await;
    assert_eq!(
        text_of(&r[0]),
        format!("Đã nối Khu phố 1 với nhóm Zalo {kp1}.")
    );
    let link = "https://zalo.me/g/kp2abcdefg";
    let r = say(&app, CHIEF, text(&format!("/nhom noi kp2 {kp2} {link}")), 1).await;
    assert_eq!(
        text_of(&r[0]),
        format!("Đã nối Khu phố 2 với nhóm Zalo {kp2}.")
    );
    (app, kp1, kp2)
}

/// The sandbox station with officer An covering Khu phố 1, and a resident who says where they
/// live (`home`, as typed).
async fn officers_and_resident(home: &str) -> TestApp {
    let app = spawn_app().await;
    say(&app, CHIEF, ResidentInput::follow(), 1).await;
    say(
        &app,
        CHIEF,
        text(&format!("/officer add {AN} an officer Thượng úy An")),
        1,
    )
    .await;
    say(&app, CHIEF, text("/officer area an Khu phố 1"), 1).await;
    say(&app, AN, ResidentInput::follow(), 1).await;
    say(&app, RESIDENT, ResidentInput::follow(), 2).await;
    let r = say(&app, RESIDENT, text(home), 1).await;
    assert!(
        text_of(&r[0]).starts_with("Đã ghi nhận"),
        "{}",
        text_of(&r[0])
    );
    app
}

fn texts(messages: &[SentMessage]) -> Vec<&str> {
    messages.iter().map(text_of).collect()
}

/// A member writes in a group; waits until everything it caused has gone out.
async fn in_group(app: &TestApp, group: &str, member: &str, said: &str, mention: bool) {
    let outcome = app
        .sim
        .send_in_group(group, member, said, mention)
        .await
        .expect("simulator sends");
    assert_eq!(outcome.webhook_status, 200);
    settled(app).await;
}

#[tokio::test]
async fn an_alert_reaches_the_khu_phos_group_and_its_residents_and_the_officer_is_told_both() {
    let (app, kp1, kp2) = station().await;
    let r = say(&app, CHIEF, text("/group"), 1).await;
    let list = text_of(&r[0]);
    assert!(list.contains(&format!("Khu phố 1: {kp1}")), "{list}");
    assert!(list.contains("https://zalo.me/g/kp2abcdefg"), "{list}");
    assert!(list.contains("Khu phố 3: chưa có nhóm"), "{list}");

    let before = app.sim.sent_messages(RESIDENT).len();
    let r = say(
        &app,
        CHIEF,
        text("/alert Khu phố 2 Cúp nước từ 8h đến 11h sáng mai"),
        1,
    )
    .await;
    let summary = text_of(&r[0]);
    show(
        CHIEF,
        "/alert Khu phố 2 Cúp nước từ 8h đến 11h sáng mai",
        &r,
    );
    assert!(summary.contains("gửi được 1 người"), "{summary}");
    assert!(
        summary.ends_with("Đã đăng vào 1 nhóm Zalo khu phố."),
        "{summary}"
    );
    let posted = app.sim.group_messages(&kp2);
    assert_eq!(posted.len(), 1);
    println!("< in Khu phố 2's group: {}", text_of(&posted[0]));
    assert!(text_of(&posted[0]).contains("Cúp nước từ 8h đến 11h sáng mai"));
    assert!(text_of(&posted[0]).contains("Khu phố 2"));
    assert!(
        app.sim.group_messages(&kp1).is_empty(),
        "only Khu phố 2's group"
    );
    let resident = app.sim.sent_messages(RESIDENT);
    assert_eq!(resident.len(), before + 1);
    assert!(text_of(&resident[before]).contains("Cúp nước"));

    // A warning goes to every group.
    let r = say(
        &app,
        CHIEF,
        text("/warn Lừa đảo | Giả danh công an gọi điện đòi tiền"),
        1,
    )
    .await;
    assert!(
        text_of(&r[0]).ends_with("Đã đăng vào 2 nhóm Zalo khu phố."),
        "{}",
        text_of(&r[0])
    );
    for group in [&kp1, &kp2] {
        let last = app.sim.group_messages(group).pop().expect("a warning");
        assert!(
            text_of(&last).contains("Giả danh công an"),
            "{}",
            text_of(&last)
        );
    }
}

#[tokio::test]
async fn an_officer_posts_in_their_own_khu_phos_group_signed_and_mentioning_nobody() {
    let (app, kp1, kp2) = station().await;
    let r = say(&app, AN, text("/group say kp2 Họp tổ dân phố tối nay"), 1).await;
    assert!(
        text_of(&r[0]).starts_with("Chỉ cán bộ phụ trách Khu phố 2"),
        "{}",
        text_of(&r[0])
    );
    assert!(app.sim.group_messages(&kp2).is_empty());
    let r = say(
        &app,
        AN,
        text("/group say Khu phố 1 Họp lúc 19h, nhắn [@123] nhé"),
        1,
    )
    .await;
    assert_eq!(text_of(&r[0]), "Đã gửi vào nhóm Zalo Khu phố 1.");
    let posted = app.sim.group_messages(&kp1);
    assert_eq!(
        texts(&posted),
        ["[Công an phường] Họp lúc 19h, nhắn [ @123] nhé"]
    );
    // Linking is the chief's.
    let r = say(&app, AN, text(&format!("/group link kp1 {kp2}")), 1).await;
    assert!(
        text_of(&r[0]).contains("chỉ dành cho Trưởng"),
        "{}",
        text_of(&r[0])
    );
    let refused: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'group' and outcome = 'refused'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(refused, 2);
}

#[tokio::test]
async fn a_tip_in_a_group_is_answered_there_only_with_an_invitation_and_never_repeated() {
    let (app, _kp1, kp2) = station().await;
    let tip = "Có nhóm thanh niên hay tụ tập chích hút ở cuối hẻm 12, nhà số 40";
    let chief_before = app.sim.sent_messages(CHIEF).len();
    in_group(&app, &kp2, MEMBER, tip, true).await;
    let posted = app.sim.group_messages(&kp2);
    println!("> {MEMBER} in the group: [@OA] {tip}");
    for m in &posted {
        println!("< in the group: {}", text_of(m));
    }
    assert_eq!(posted.len(), 1, "one line: {:?}", texts(&posted));
    let line = text_of(&posted[0]);
    assert!(
        line.contains("nhắn tin riêng") && line.contains("bí mật"),
        "{line}"
    );
    assert!(
        !line.contains("hẻm 12") && !line.contains("chích hút"),
        "{line}"
    );
    // Nothing else: no private answer, no case, no page.
    assert!(app.sim.sent_messages(MEMBER).is_empty());
    assert_eq!(app.sim.sent_messages(CHIEF).len(), chief_before);
    let cases: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(cases, 0);

    // An event without a top-level `oa_id` (sources disagree on whether group events carry
    // one): the mention is recognised by the configured OA id all the same.
    let bare = serde_json::json!({
        "app_id": APP_ID, "event_name": "user_send_group_text", "timestamp": now_ms().to_string(),
        "sender": {"id": MEMBER}, "recipient": {"id": kp2},
        "message": {"text": format!("[@{OA_ID}] Cuối hẻm 9 tối nào cũng có sòng bài ăn tiền"),
            "msg_id": "0123456789abcdef0123"},
    });
    assert_eq!(app.post_signed(&bare).await.status(), 200);
    settled(&app).await;
    let posted = app.sim.group_messages(&kp2);
    assert_eq!(posted.len(), 2, "{:?}", texts(&posted));
    assert_eq!(text_of(&posted[1]), line);

    // Without the mention, and plain chatter with it: no answer at all.
    in_group(
        &app,
        &kp2,
        MEMBER,
        "Tối qua có trộm xe ở hẻm 5 đó bà con, coi chừng nha",
        false,
    )
    .await;
    in_group(&app, &kp2, MEMBER, "Chúc cả nhà buổi tối vui vẻ", true).await;
    assert_eq!(app.sim.group_messages(&kp2).len(), 2);
    assert!(app.sim.sent_messages(MEMBER).is_empty());
}

#[tokio::test]
async fn an_emergency_in_a_group_gets_the_numbers_there_and_pages_the_officers() {
    let (app, kp1, _kp2) = station().await;
    let chief_before = app.sim.sent_messages(CHIEF).len();
    let an_before = app.sim.sent_messages(AN).len();
    let cry = "Cứu với, có cướp cầm dao đang đánh người ở đầu hẻm 3";
    in_group(&app, &kp1, MEMBER, cry, false).await;
    let posted = app.sim.group_messages(&kp1);
    assert_eq!(posted.len(), 1, "{:?}", texts(&posted));
    let line = text_of(&posted[0]);
    assert!(
        line.contains("113") && line.contains("Cán bộ khu vực đã được báo"),
        "{line}"
    );
    assert!(
        !line.contains("PA-"),
        "no case is discussed in a group: {line}"
    );
    // The on-call chief and Khu phố 1's officer are paged with the words and the case.
    let chief = app.sim.sent_messages(CHIEF);
    let an = app.sim.sent_messages(AN);
    assert!(chief[chief_before..]
        .iter()
        .any(|m| text_of(m).contains("cầm dao")));
    assert!(an[an_before..]
        .iter()
        .any(|m| text_of(m).contains("cầm dao")));
    // The member hears back privately, with the case's code, not quoting the group.
    let private = app.sim.sent_messages(MEMBER);
    assert_eq!(private.len(), 1);
    assert!(
        text_of(&private[0]).contains("PA-"),
        "{}",
        text_of(&private[0])
    );
    assert!(private[0].body["message"].get("quote_message_id").is_none());
}

#[tokio::test]
async fn a_resident_asking_for_the_khu_pho_group_gets_its_join_link() {
    let (app, _kp1, _kp2) = station().await;
    // Khu phố 2 is the resident's: its link at once.
    let r = say(&app, RESIDENT, text("cho xin link nhom zalo khu pho"), 1).await;
    let answer = text_of(&r[0]);
    assert!(
        answer.contains("Khu phố 2: https://zalo.me/g/kp2abcdefg"),
        "{answer}"
    );
    // Someone who never said where they live picks a khu phố; one linked without a link is
    // told so.
    let stranger = "7300077";
    say(&app, stranger, ResidentInput::follow(), 2).await;
    let r = say(&app, stranger, text("Tôi muốn tham gia nhóm an ninh"), 1).await;
    let choices = buttons_of(&r[0]);
    assert!(
        choices
            .iter()
            .any(|b| b.0 == "Khu phố 1" && b.2 == "#group:0"),
        "{choices:?}"
    );
    assert!(
        choices.iter().any(|b| b.2 == "#menu"),
        "always a way back: {choices:?}"
    );
    // Typed instead of tapped, without diacritics.
    let r = say(&app, stranger, text("khu pho 2"), 1).await;
    assert!(
        text_of(&r[0]).contains("https://zalo.me/g/kp2abcdefg"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, stranger, text("#group:1"), 1).await;
    assert!(text_of(&r[0]).contains("https://zalo.me/g/kp2abcdefg"));
    let r = say(&app, stranger, text("#group:0"), 1).await;
    let answer = text_of(&r[0]);
    assert!(
        answer.starts_with("Khu phố 1 có nhóm Zalo") && answer.contains("liên hệ cảnh sát khu vực"),
        "{answer}"
    );
    let r = say(&app, stranger, text("#group:2"), 1).await;
    let answer = text_of(&r[0]);
    assert!(
        answer.starts_with("Khu phố 3 hiện chưa có nhóm Zalo"),
        "{answer}"
    );
    // Out of the question, a khu phố name alone is where they live (not a danger check).
    let r = say(&app, stranger, text("khu pho 3"), 1).await;
    assert!(
        text_of(&r[0]).starts_with("Đã ghi nhận: Khu phố 3"),
        "{}",
        text_of(&r[0])
    );
}

#[tokio::test]
async fn a_group_zalo_no_longer_has_is_marked_skipped_and_the_chief_told_once() {
    let (app, kp1, kp2) = station().await;
    // Khu phố 2's GMF asset runs out: Zalo refuses the next post to it with -237.
    let expired = app
        .http
        .post(format!(
            "http://{}/sim/groups/{kp2}/expire",
            app.sim_address
        ))
        .send()
        .await
        .unwrap();
    assert!(expired.status().is_success());
    say(&app, CHIEF, text("/alert kp2 Cúp điện chiều nay"), 1).await;
    assert!(app.sim.group_messages(&kp2).is_empty());
    let state = |group: String| {
        let store = app.store.clone();
        async move {
            let row: (String,) =
                sqlx::query_as("select state from area_groups where group_id = $1")
                    .bind(group)
                    .fetch_one(store.pool())
                    .await
                    .unwrap();
            row.0
        }
    };
    assert_eq!(state(kp2.clone()).await, "gone");
    // The next ward-wide alert skips it.
    let r = say(&app, CHIEF, text("/alert all Cúp nước toàn phường"), 1).await;
    let summary = text_of(&r[0]);
    assert!(
        summary.ends_with("Đã đăng vào 1 nhóm Zalo khu phố."),
        "{summary}"
    );

    // The periodic check tells the chief, once. (The app's own periodic check may get there
    // first: either way, exactly once.)
    let sla = test_sla(&app);
    let notices = |area: &str| {
        let start = format!("Nhóm Zalo của {area} không còn hoạt động");
        app.sim
            .sent_messages(CHIEF)
            .iter()
            .filter(|m| text_of(m).starts_with(&start))
            .count()
    };
    sla.check(at(now_ms())).await.unwrap();
    assert_eq!(sla.check(at(now_ms())).await.unwrap(), 0, "once");
    settled(&app).await;
    assert_eq!(notices("Khu phố 2"), 1);

    // Zalo's own word that a group was deleted marks it too.
    let deleted = serde_json::json!({
        "app_id": APP_ID, "oa_id": OA_ID, "group_id": kp1, "event_name": "delete_group",
        "timestamp": now_ms().to_string(),
    });
    assert_eq!(app.post_signed(&deleted).await.status(), 200);
    let mut marked = false;
    for _ in 0..100 {
        if state(kp1.clone()).await == "gone" {
            marked = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(marked, "delete_group marks the group");
    sla.check(at(now_ms())).await.unwrap();
    settled(&app).await;
    assert_eq!(notices("Khu phố 1"), 1);
    assert_eq!(notices("Khu phố 2"), 1);
    let r = say(&app, CHIEF, text("/group"), 1).await;
    let list = text_of(&r[0]);
    assert!(
        list.contains("Khu phố 1: nhóm không còn hoạt động"),
        "{list}"
    );
    assert!(
        list.contains("Khu phố 2: nhóm không còn hoạt động"),
        "{list}"
    );
}

/// Officer An covering Khu phố 1 and a resident of Khu phố 1, on the sandbox station.
async fn station_without_groups() -> TestApp {
    officers_and_resident("kp1").await
}

/// The group row of a khu phố: group id, join link, member count, who linked it.
async fn group_row(
    app: &TestApp,
    area: &str,
) -> Option<(String, Option<String>, Option<i64>, String)> {
    sqlx::query_as(
        "select group_id, join_link, member_count, linked_by from area_groups where area = $1",
    )
    .bind(area)
    .fetch_optional(app.store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn the_chief_creates_a_khu_phos_group_through_zalo_and_its_residents_get_the_link() {
    let app = station_without_groups().await;
    let r = say(&app, CHIEF, text("/group create kp1"), 2).await;
    show(CHIEF, "/group create kp1", &r);
    assert!(
        text_of(&r[0]).starts_with(
            "Đã đề nghị Zalo tạo nhóm an ninh trật tự Khu phố 1 với 2 thành viên đầu tiên: Thượng úy An, "
        ),
        "{}",
        text_of(&r[0])
    );
    let created = text_of(&r[1]);
    let prefix = "Zalo đã tạo nhóm an ninh trật tự Khu phố 1 (2 thành viên đầu tiên). Đường dẫn tham gia: https://zalo.me/g/";
    assert!(created.starts_with(prefix), "{created}");

    // The group exists at Zalo with the area officer first, then the chief, and is linked.
    let (group_id, link, members, linked_by) = group_row(&app, "Khu phố 1").await.expect("linked");
    let link = link.expect("join link kept");
    assert!(created.contains(&link), "{created}");
    assert_eq!(members, Some(2));
    assert_ne!(linked_by, "config");
    let mut at_zalo = app.sim.group_members(&group_id);
    at_zalo.sort();
    assert_eq!(at_zalo, [AN, CHIEF]);
    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'group' and outcome = 'ok' and target = 'Khu phố 1'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(audit, 1);

    // The list shows it with its members; a resident of Khu phố 1 gets its link.
    let r = say(&app, CHIEF, text("/nhom"), 1).await;
    let list = text_of(&r[0]);
    assert!(
        list.contains(&format!(
            "Khu phố 1: {group_id} – 2 thành viên (Zalo báo lúc "
        )),
        "{list}"
    );
    assert!(list.contains(&link), "{list}");
    let r = say(&app, RESIDENT, text("cho xin link nhom zalo khu pho"), 1).await;
    assert!(text_of(&r[0]).contains(&link), "{}", text_of(&r[0]));
    // An alert reaches it.
    say(&app, CHIEF, text("/alert kp1 Cúp điện từ 13h"), 1).await;
    assert_eq!(app.sim.group_messages(&group_id).len(), 1);

    // A second create for the same khu phố is refused; creating is the chief's.
    let r = say(&app, CHIEF, text("/group tao khu pho 1"), 1).await;
    assert!(
        text_of(&r[0]).starts_with("Khu phố 1 đã có nhóm Zalo đang hoạt động"),
        "{}",
        text_of(&r[0])
    );
    let r = say(&app, AN, text("/group create kp2"), 1).await;
    assert!(
        text_of(&r[0]).contains("chỉ dành cho Trưởng"),
        "{}",
        text_of(&r[0])
    );
    assert!(group_row(&app, "Khu phố 2").await.is_none());
}

#[tokio::test]
async fn a_group_zalo_refuses_to_create_is_not_linked_and_the_chief_is_told_why() {
    let app = station_without_groups().await;
    set_faults(
        &app,
        serde_json::json!({"error_rate": 1.0, "error_code": -237,
        "paths": ["/v3.0/oa/group/creategroupwithoa"]}),
    )
    .await;
    let r = say(&app, CHIEF, text("/group create Khu phố 3"), 2).await;
    show(CHIEF, "/group create Khu phố 3", &r);
    assert!(
        text_of(&r[0]).starts_with(
            "Đã đề nghị Zalo tạo nhóm an ninh trật tự Khu phố 3 với 1 thành viên đầu tiên"
        ),
        "{}",
        text_of(&r[0])
    );
    assert!(
        text_of(&r[1])
            .starts_with("Chưa tạo được nhóm Zalo cho Khu phố 3: Zalo trả lời mã lỗi -237"),
        "{}",
        text_of(&r[1])
    );
    assert!(group_row(&app, "Khu phố 3").await.is_none());
    let r = say(&app, CHIEF, text("/group"), 1).await;
    assert!(
        text_of(&r[0]).contains("Khu phố 3: chưa có nhóm"),
        "{}",
        text_of(&r[0])
    );
    // An unknown khu phố is named back with the known ones; nothing is asked of Zalo.
    let r = say(&app, CHIEF, text("/group create Khu phố 30"), 1).await;
    assert!(text_of(&r[0]).contains("Khu phố 30"), "{}", text_of(&r[0]));

    // Zalo busy (-32, retried with backoff): a second request meanwhile makes no second group.
    set_faults(
        &app,
        serde_json::json!({"error_rate": 1.0, "error_code": -32,
        "paths": ["/v3.0/oa/group/creategroupwithoa"]}),
    )
    .await;
    let before = app.sim.sent_messages(CHIEF).len();
    app.sim
        .send_as_user(CHIEF, text("/group create kp3"))
        .await
        .unwrap();
    replies(&app.sim, CHIEF, before + 1).await;
    app.sim
        .send_as_user(CHIEF, text("/group create kp3"))
        .await
        .unwrap();
    let r = replies(&app.sim, CHIEF, before + 2).await;
    assert_eq!(
        text_of(&r[before + 1]),
        "Đang chờ Zalo tạo nhóm cho Khu phố 3 theo đề nghị trước; anh/chị sẽ nhận đường dẫn khi Zalo trả lời."
    );
    settled(&app).await;
    let r = app.sim.sent_messages(CHIEF);
    assert_eq!(r.len(), before + 3, "the first request's answer, once");
    assert!(
        text_of(&r[before + 2]).contains("mã lỗi -32"),
        "{}",
        text_of(&r[before + 2])
    );
    // Once Zalo answered, the chief may ask again.
    set_faults(&app, serde_json::json!({"error_rate": 0})).await;
    let r = say(&app, CHIEF, text("/group create kp3"), 2).await;
    assert!(
        text_of(&r[1]).starts_with("Zalo đã tạo nhóm an ninh trật tự Khu phố 3"),
        "{}",
        text_of(&r[1])
    );
    assert!(group_row(&app, "Khu phố 3").await.is_some());
}

async fn set_faults(app: &TestApp, faults: serde_json::Value) {
    let answer = app
        .http
        .post(format!("http://{}/sim/faults", app.sim_address))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
}

#[tokio::test]
async fn the_group_sync_counts_members_and_marks_a_group_zalo_disabled() {
    let (app, kp1, kp2) = station().await;
    // A member writing in Khu phố 2's group joins it.
    in_group(&app, &kp2, MEMBER, "Chào cả nhà", false).await;
    let sync = test_group_sync(&app);
    let synced = sync.run_once().await.unwrap();
    assert_eq!((synced.counted, synced.gone, synced.failed), (2, 0, 0));
    let r = say(&app, CHIEF, text("/group"), 1).await;
    let list = text_of(&r[0]);
    assert!(
        list.contains(&format!("Khu phố 1: {kp1} – 1 thành viên")),
        "{list}"
    );
    assert!(
        list.contains(&format!("Khu phố 2: {kp2} – 2 thành viên")),
        "{list}"
    );

    // Two residents join Khu phố 1's group by its link, one leaves again: Zalo's lifecycle
    // events wake the service's own sync, and the list follows without waiting for the hour.
    for (user, change) in [
        ("7300021", Membership::Join),
        ("7300022", Membership::Join),
        ("7300021", Membership::Leave),
    ] {
        let outcome = app.sim.change_membership(&kp1, user, change).await.unwrap();
        assert_eq!(outcome.webhook_status, 200);
    }
    let mut list = String::new();
    for _ in 0..100 {
        let r = say(&app, CHIEF, text("/group"), 1).await;
        list = text_of(&r[0]).to_owned();
        if list.contains(&format!("Khu phố 1: {kp1} – 2 thành viên")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        list.contains(&format!("Khu phố 1: {kp1} – 2 thành viên")),
        "{list}"
    );
    // Nobody was answered: lifecycle events are stored and acknowledged only.
    assert!(app.sim.group_messages(&kp1).is_empty());
    assert!(app.sim.sent_messages("7300022").is_empty());

    // Khu phố 1's asset runs out: nobody has posted there, but the sync sees it.
    let expired = app
        .http
        .post(format!(
            "http://{}/sim/groups/{kp1}/expire",
            app.sim_address
        ))
        .send()
        .await
        .unwrap();
    assert!(expired.status().is_success());
    let synced = sync.run_once().await.unwrap();
    assert_eq!((synced.counted, synced.gone), (1, 1));
    assert_eq!(sync.run_once().await.unwrap().gone, 0, "marked once");
    let state: String = sqlx::query_scalar("select state from area_groups where group_id = $1")
        .bind(&kp1)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(state, "gone");
}

#[tokio::test]
async fn groups_in_settings_are_adopted_counted_and_marked_gone_like_linked_ones() {
    let unknown_to_zalo = "5550001";
    let app = spawn_app_with(TestDb::sqlite(), |s| {
        s.station.areas[2].group_id = Some(unknown_to_zalo.to_owned());
    })
    .await;
    let (group_id, link, _, linked_by) = group_row(&app, "Khu phố 3").await.expect("adopted");
    assert_eq!(
        (group_id.as_str(), link, linked_by.as_str()),
        (unknown_to_zalo, None, "config")
    );
    // Zalo does not know it (-403): the service's own sync at start-up marks it gone, as a
    // refused post would.
    let mut state = String::new();
    for _ in 0..100 {
        state = sqlx::query_scalar("select state from area_groups where area = $1")
            .bind("Khu phố 3")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        if state == "gone" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state, "gone");

    // Settings change: a new id replaces the adopted one, a removed one goes; a group an
    // officer linked stays whatever the settings say.
    let mut areas = test_settings("sqlite::memory:", true).station.areas;
    areas[2].group_id = Some("5550002".to_owned());
    let kp1 = app.sim.create_group("An ninh trật tự Khu phố 1", &[CHIEF]);
    say(&app, CHIEF, ResidentInput::follow(), 1).await;
    say(&app, CHIEF, text(&format!("/group link kp1 {kp1}")), 1).await;
    areas[0].group_id = Some("5550009".to_owned());
    ketnoi::conversation::groups::adopt_configured_groups(&app.store, &areas)
        .await
        .unwrap();
    assert_eq!(group_row(&app, "Khu phố 3").await.unwrap().0, "5550002");
    assert_eq!(group_row(&app, "Khu phố 1").await.unwrap().0, kp1);
    areas[2].group_id = None;
    ketnoi::conversation::groups::adopt_configured_groups(&app.store, &areas)
        .await
        .unwrap();
    assert!(group_row(&app, "Khu phố 3").await.is_none());
}
