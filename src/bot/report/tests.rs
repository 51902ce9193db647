//! The report dialogue's decisions, called directly: no store, no simulator.

use super::*;
use crate::bot::typed::typed;
use crate::bot::Bot;
use crate::conversation::texts::Texts;
use crate::conversation::BotConfig;
use crate::lang::Intent;

fn bot() -> Bot {
    let dir = crate::config::default_config_dir();
    let settings = crate::config::Settings::load(None).expect("default settings");
    Bot::new(
        Texts::load(&dir).expect("texts"),
        crate::bot::procedures::Catalogue::load(&dir.join("procedures.toml")).expect("procedures"),
        crate::bot::out_of_scope::OutOfScope::load(&dir).expect("out of scope"),
        BotConfig {
            on_call: Vec::new(),
            ..BotConfig::from_settings(&settings)
        },
    )
}

/// What the resident typed, as the bot reads it before deciding.
fn say(bot: &Bot, draft: ReportDraft, text: &str) -> ReportMove {
    bot.decide(draft, Input::text(text.to_owned()), typed(text), None)
}

fn asked(next: ReportMove) -> (ReportDraft, Option<String>) {
    match next {
        ReportMove::Ask { draft, added } => (draft, added),
        other => panic!("expected the next question, got {other:?}"),
    }
}

#[test]
fn typed_answers_fill_a_report_step_by_step_and_send_it() {
    let bot = bot();
    let (draft, added) = asked(say(&bot, ReportDraft::default(), "1"));
    assert_eq!((draft.category, added), (Some(Category::ALL[0]), None));
    assert_eq!(draft.next_step(), ReportStep::Description);
    let (draft, _) = asked(say(&bot, draft, "Sáng nay mất xe máy trước cửa nhà"));
    assert_eq!(
        draft.description.as_deref(),
        Some("Sáng nay mất xe máy trước cửa nhà")
    );
    let (draft, _) = asked(say(&bot, draft, "khong biet"));
    assert_eq!(
        draft.when.as_deref(),
        Some("Không nhớ"),
        "typed without diacritics"
    );
    let (draft, _) = asked(say(&bot, draft, "hẻm 12 đường Lê Lợi"));
    assert_eq!(
        draft.place.as_ref().and_then(|p| p.text.as_deref()),
        Some("hẻm 12 đường Lê Lợi")
    );
    let (draft, _) = asked(say(&bot, draft, "xong"));
    assert!(draft.evidence_done);
    assert_eq!(draft.next_step(), ReportStep::Confirm);
    match say(&bot, draft, "gui") {
        ReportMove::Submit { contact_ok, .. } => assert!(!contact_ok, "\"Gửi\" alone: no contact"),
        other => panic!("expected the report to be sent, got {other:?}"),
    }
}

#[test]
fn an_unclear_category_keeps_the_account_and_says_it_was_added() {
    let bot = bot();
    let text = "có chuyện này muốn trình bày với các anh";
    let (draft, added) = asked(say(&bot, ReportDraft::default(), text));
    assert_eq!(draft.category, None, "still asked");
    assert_eq!(draft.description.as_deref(), Some(text));
    assert_eq!(added.as_deref(), Some(text));
}

#[test]
fn back_menu_and_a_photo() {
    let bot = bot();
    assert!(matches!(
        say(&bot, ReportDraft::default(), "quay lại"),
        ReportMove::BackAtStart(_)
    ));
    let draft = ReportDraft {
        category: Some(Category::Theft),
        ..ReportDraft::default()
    };
    let (draft, _) = asked(say(&bot, draft, "quay lại"));
    assert_eq!(draft.category, None, "one step back");
    match say(&bot, draft, "menu") {
        ReportMove::Pause(draft) => assert!(draft.paused, "kept for \"tiếp tục\""),
        other => panic!("expected a pause, got {other:?}"),
    }
    let draft = ReportDraft {
        category: Some(Category::Theft),
        description: Some("Mất xe".into()),
        when: Some("Hôm nay".into()),
        place: Some(Place::typed("Chợ".into())),
        ..ReportDraft::default()
    };
    let photo = Input {
        text: Some("biển số 59X1".into()),
        evidence: vec![Evidence {
            kind: "image".into(),
            url: "https://example.invalid/a.jpg".into(),
            name: None,
        }],
        ..Input::default()
    };
    match bot.decide(draft, photo, None, None) {
        ReportMove::EvidenceReceived(draft) => {
            assert_eq!(draft.evidence.len(), 1);
            assert!(
                draft.description.unwrap().contains("biển số 59X1"),
                "caption kept"
            );
        }
        other => panic!("expected the photo acknowledged, got {other:?}"),
    }
}

#[test]
fn a_procedure_question_mid_report_is_answered_and_the_draft_kept() {
    let bot = bot();
    let draft = ReportDraft {
        category: Some(Category::Theft),
        ..ReportDraft::default()
    };
    let text = "làm căn cước cho con cần giấy tờ gì";
    let classification = Classification {
        intent: Intent::Procedure,
        confidence: 0.95,
        procedure: None,
        procedure_candidates: Vec::new(),
        emergency_p: 0.0,
        emergency_cue: false,
    };
    match bot.decide(
        draft,
        Input::text(text.to_owned()),
        typed(text),
        Some(&classification),
    ) {
        ReportMove::AnswerElsewhere { draft, .. } => {
            assert!(draft.paused);
            assert_eq!(draft.category, Some(Category::Theft));
        }
        other => panic!("expected the question answered elsewhere, got {other:?}"),
    }
}

fn officer(handle: &str, areas: &str) -> crate::store::OfficerRow {
    crate::store::OfficerRow {
        user_key: crate::ids::UserKey::new(format!("key-{handle}")),
        zalo_id_sealed: Vec::new(),
        handle: handle.into(),
        name: handle.into(),
        role: crate::access::Role::Officer,
        areas: areas.into(),
        on_call: 0,
        may_alert_all: 0,
    }
}

#[test]
fn a_new_case_goes_to_its_area_officers_else_on_call_and_a_complaint_to_the_chief_only() {
    use super::case::{route, Routing};
    let officers = [
        officer("an", "Khu phố 1|Khu phố 3"),
        officer("binh", "Khu phố 2"),
        officer("cuong", "Khu phố 3"),
    ];
    match route(Category::Theft, Some("Khu phố 3"), &officers) {
        Routing::AreaOfficers(to) => {
            let handles: Vec<&str> = to.iter().map(|o| o.handle.as_str()).collect();
            assert_eq!(handles, ["an", "cuong"], "assigned to the first");
        }
        other => panic!("expected the area officers, got {other:?}"),
    }
    assert!(matches!(
        route(Category::Theft, Some("Khu phố 9"), &officers),
        Routing::OnCall
    ));
    assert!(matches!(
        route(Category::Scam, None, &officers),
        Routing::OnCall
    ));
    // Never to the officers of the khu phố, one of whom may be the one concerned.
    assert!(matches!(
        route(Category::Complaint, Some("Khu phố 3"), &officers),
        Routing::Chiefs
    ));
}
