//! Officer case actions decided directly ([`Console::decide`]): no store, no simulator.

use std::time::Duration;

use super::action::{CaseAction, Effect, Facts};
use super::Relayed;
use crate::access::{CommandName, Role};
use crate::cases::{code, Category, Status};
use crate::conversation::texts::Texts;
use crate::conversation::BotConfig;
use crate::ids::UserKey;
use crate::officers::Console;
use crate::store::{CaseRow, OfficerRow};
use crate::time::Timestamp;

const NOW: Timestamp = Timestamp::from_millis(1_790_000_000_000);

fn console() -> Console {
    let dir = crate::config::default_config_dir();
    let settings = crate::config::Settings::load(None).expect("default settings");
    Console::new(
        Texts::load(&dir).expect("texts"),
        BotConfig {
            on_call: Vec::new(),
            ..BotConfig::from_settings(&settings)
        },
        settings.service_levels.clone(),
        "http://127.0.0.1:8081".to_owned(),
    )
}

fn officer(handle: &str) -> OfficerRow {
    OfficerRow {
        user_key: UserKey::new(format!("key-{handle}")),
        zalo_id_sealed: Vec::new(),
        handle: handle.to_owned(),
        name: format!("Cán bộ {handle}"),
        role: Role::Officer,
        areas: String::new(),
        on_call: 0,
        may_alert_all: 0,
    }
}

fn case(status: Status, assigned_to: Option<&OfficerRow>) -> CaseRow {
    CaseRow {
        id: 7,
        code: code::find("PA-7K3M9Q").expect("a code"),
        reporter_key: UserKey::new("reporter"),
        pseudonym: "Người báo tin #12".to_owned(),
        category: Category::Theft,
        urgent: 0,
        status,
        khu_pho: Some("Khu phố 2".to_owned()),
        details: Vec::new(),
        created_at: NOW.minus(Duration::from_secs(3600)),
        updated_at: NOW.minus(Duration::from_secs(3600)),
        assigned_to: assigned_to.map(|o| o.user_key.clone()),
        first_response_at: None,
        resolved_at: None,
        reminded_at: None,
        escalated_at: None,
    }
}

fn facts<'a>(
    officer: &'a OfficerRow,
    case: &'a CaseRow,
    last_seen: Option<Timestamp>,
) -> Facts<'a> {
    Facts {
        officer,
        case,
        assignee: None,
        reporter_last_seen: last_seen,
        now: NOW,
    }
}

/// The effects without their message texts: what is written, in order.
fn writes(effects: &[Effect]) -> Vec<Effect> {
    effects
        .iter()
        .filter(|e| {
            !matches!(
                e,
                Effect::ToOfficer(_) | Effect::ToReporter(_) | Effect::ToAssignee(_)
            )
        })
        .cloned()
        .collect()
}

fn messages(effects: &[Effect]) -> Vec<&Effect> {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::ToOfficer(_) | Effect::ToReporter(_) | Effect::ToAssignee(_)
            )
        })
        .collect()
}

fn status_timeline(status: Status) -> Effect {
    Effect::Timeline {
        kind: "status",
        text: status.id().to_owned(),
    }
}

#[test]
fn claiming_a_new_case_takes_it_moves_it_to_processing_and_tells_the_reporter() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Received, None);
    let effects = console.decide(CaseAction::Claim, facts(&me, &case, Some(NOW)));
    assert_eq!(
        writes(&effects),
        vec![
            Effect::Assign(me.user_key.clone()),
            Effect::Audit {
                command: CommandName::Claim,
                detail: None
            },
            Effect::SetStatus(Status::Processing),
            status_timeline(Status::Processing),
        ]
    );
    let said = messages(&effects);
    assert!(matches!(said[0], Effect::ToOfficer(t) if t.contains("PA-7K3M9Q")));
    assert!(matches!(said[1], Effect::ToReporter(t) if t.contains("PA-7K3M9Q")));
    assert_eq!(said.len(), 2);
}

#[test]
fn claiming_a_case_already_in_hand_only_counts_as_a_response() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, Some(&officer("binh")));
    let effects = console.decide(CaseAction::Claim, facts(&me, &case, Some(NOW)));
    assert_eq!(effects.last(), Some(&Effect::FirstResponse));
    assert!(!effects.iter().any(|e| matches!(e, Effect::SetStatus(_))));
    assert!(!effects.iter().any(|e| matches!(e, Effect::ToReporter(_))));
}

#[test]
fn assigning_to_an_unknown_handle_writes_nothing() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Received, None);
    let effects = console.decide(CaseAction::Assign("ghost"), facts(&me, &case, Some(NOW)));
    assert_eq!(writes(&effects), vec![]);
    assert!(matches!(&effects[..], [Effect::ToOfficer(t)] if t.contains("ghost")));
}

#[test]
fn assigning_tells_both_officers_and_not_the_reporter() {
    let console = console();
    let me = officer("an");
    let binh = officer("binh");
    let case = case(Status::Received, None);
    let mut known = facts(&me, &case, Some(NOW));
    known.assignee = Some(&binh);
    let effects = console.decide(CaseAction::Assign("binh"), known);
    assert_eq!(effects[0], Effect::Assign(binh.user_key.clone()));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::ToAssignee(t) if t.contains("PA-7K3M9Q"))));
    assert!(!effects.iter().any(|e| matches!(e, Effect::ToReporter(_))));
}

#[test]
fn need_info_keeps_the_note_opens_add_info_and_asks_the_reporter_in_the_officers_words() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, Some(&me));
    let action = CaseAction::Status {
        status: Status::NeedInfo,
        note: Some("biển số xe"),
    };
    let effects = console.decide(action, facts(&me, &case, Some(NOW)));
    assert_eq!(
        writes(&effects),
        vec![
            Effect::Timeline {
                kind: "note",
                text: "biển số xe".to_owned()
            },
            Effect::Audit {
                command: CommandName::Status,
                detail: Some(Status::NeedInfo.id().to_owned())
            },
            Effect::SetStatus(Status::NeedInfo),
            status_timeline(Status::NeedInfo),
            Effect::OpenAddInfo,
        ]
    );
    assert!(matches!(effects.last(), Some(Effect::ToReporter(t)) if t.contains("biển số xe")));
}

#[test]
fn every_closing_status_ends_the_relay_and_open_ones_do_not() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, Some(&me));
    for status in [
        Status::Received,
        Status::Processing,
        Status::NeedInfo,
        Status::Resolved,
        Status::Rejected,
        Status::Transferred,
    ] {
        let action = CaseAction::Status { status, note: None };
        let effects = console.decide(action, facts(&me, &case, Some(NOW)));
        let closes = effects.contains(&Effect::CloseRelay);
        assert_eq!(closes, !status.is_open(), "{status:?}");
        assert!(effects.contains(&Effect::SetStatus(status)));
    }
}

#[test]
fn a_reply_is_relayed_recorded_and_takes_an_unassigned_case() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, None);
    let action = CaseAction::Relay {
        text: "Chúng tôi đã cử người tới.",
        kind: Relayed::Reply,
    };
    let effects = console.decide(action, facts(&me, &case, Some(NOW)));
    assert_eq!(
        writes(&effects),
        vec![
            Effect::Timeline {
                kind: "reply",
                text: "Chúng tôi đã cử người tới.".to_owned()
            },
            Effect::FirstResponse,
            Effect::Assign(me.user_key.clone()),
            Effect::Audit {
                command: CommandName::Reply,
                detail: None
            },
            Effect::OpenRelay,
        ]
    );
    assert!(matches!(effects.last(), Some(Effect::ToReporter(t)) if t.contains("cử người tới")));
}

#[test]
fn a_relay_outside_the_reply_window_tells_the_officer_it_waits() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, Some(&me));
    let t = &console.texts.officer;
    let told = |last_seen: Timestamp, kind: Relayed| {
        let action = CaseAction::Relay { text: "…", kind };
        let effects = console.decide(action, facts(&me, &case, Some(last_seen)));
        effects
            .into_iter()
            .find_map(|e| match e {
                Effect::ToOfficer(text) => Some(text),
                _ => None,
            })
            .expect("the officer is told")
    };
    let code = [("code", "PA-7K3M9Q")];
    let recent = NOW.minus(Duration::from_secs(3600));
    let stale = NOW.minus(Duration::from_secs(8 * 24 * 3600));
    assert_eq!(told(recent, Relayed::Reply), t.replied.render(&code));
    assert_eq!(told(stale, Relayed::Reply), t.reply_parked.render(&code));
    assert_eq!(told(recent, Relayed::Update), t.updated.render(&code));
    assert_eq!(told(stale, Relayed::Update), t.update_parked.render(&code));
}

#[test]
fn a_relay_to_a_reporter_who_cannot_be_reached_records_nothing() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, None);
    let action = CaseAction::Relay {
        text: "xin chào",
        kind: Relayed::Update,
    };
    let effects = console.decide(action, facts(&me, &case, None));
    assert_eq!(writes(&effects), vec![]);
    assert_eq!(effects.len(), 1);
}

#[test]
fn a_note_stays_on_the_timeline_and_reaches_nobody_else() {
    let console = console();
    let me = officer("an");
    let case = case(Status::Processing, Some(&me));
    let effects = console.decide(
        CaseAction::Note("nghi vấn ổ nhóm"),
        facts(&me, &case, Some(NOW)),
    );
    assert!(effects.contains(&Effect::Timeline {
        kind: "note",
        text: "nghi vấn ổ nhóm".to_owned()
    }));
    assert!(matches!(&messages(&effects)[..], [Effect::ToOfficer(_)]));
}
