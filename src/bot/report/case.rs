//! A finished report becomes a case: a fresh code, the sealed details, the reporter's
//! pseudonym; a flood of reports from one resident is merged into their open case; the new
//! case goes to the area officer, else the officers on call, else the chief (a complaint about
//! an officer to the chief only).

use std::time::Duration;

use super::super::payload::Payload;
use super::super::Bot;
use crate::cases::{code, pseudonym, CaseCode, Category, Details};
use crate::conversation::dialogue::{Dialogue, ReportDraft};
use crate::conversation::{Reply, Turn};
use crate::ids::ZaloId;
use crate::store::{NewCase, OfficerRow};
use crate::zalo::messages::{Button, CsMessage, InfoForm};

impl Bot {
    /// Creates the case from the draft and ends the dialogue.
    pub(super) async fn submit(
        &self,
        turn: &mut Turn<'_>,
        draft: ReportDraft,
        contact_ok: bool,
    ) -> sqlx::Result<Vec<Reply>> {
        let details = Details {
            description: draft.description.unwrap_or_default(),
            when: draft.when,
            place: draft.place,
            evidence: draft.evidence,
            contact_ok,
        };
        let category = draft.category.unwrap_or(Category::Other);
        if let Some(replies) = self.merge_if_flooding(turn, &details).await? {
            return Ok(replies);
        }
        // The place named in the report wins; else where the resident said they live.
        let area = match draft.khu_pho {
            Some(area) => Some(area),
            None => turn
                .store
                .resident(turn.tx, turn.user_key)
                .await?
                .and_then(|r| r.khu_pho),
        };
        let code = self
            .create_case(turn, category, false, area.clone(), &details)
            .await?;
        turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        let mut replies = self
            .route_new_case(turn, &code, category, area.as_deref())
            .await?;
        metrics::counter!("ketnoi_cases_created_total", "category" => category.id(), "urgent" => "false").increment(1);
        let t = &self.texts.report;
        let contact = if contact_ok {
            &t.contact_allowed
        } else {
            &t.contact_refused
        };
        let created = if category.chief_only() {
            &t.created_complaint
        } else {
            &t.created
        };
        let message = CsMessage::text(created.render(&[("code", &code), ("contact", contact)]))
            .with_buttons(vec![
                Button::query(&self.texts.report.my_reports, Payload::MyReports.encode()),
                Button::query(&self.texts.menu.back, Payload::Menu.encode()),
            ]);
        replies.insert(0, turn.reply(message));
        if contact_ok {
            // Consent given: Zalo's own form lets them send a phone number in one tap; what
            // comes back (`user_submit_info`) is sealed onto this case only.
            let form = InfoForm {
                title: t.contact_form_title.to_string(),
                subtitle: t.contact_form_subtitle.render(&[("code", &code)]),
                image_url: self.config.station.contact_form_image_url.clone(),
            };
            replies.insert(1, Reply::new(turn.user_id.clone(), CsMessage::form(form)));
            // Many type their number instead of tapping the form.
            let offered = Dialogue::ContactOffered { code: code.clone() };
            self.save_dialogue(turn, &offered).await?;
        }
        Ok(replies)
    }

    /// Past `bot.reports_per_hour`, a resident's new report is added to their latest open case
    /// (marked as a merged report on its timeline, forwarded to whoever handles it) instead of
    /// opening another case and paging again.
    async fn merge_if_flooding(
        &self,
        turn: &mut Turn<'_>,
        details: &Details,
    ) -> sqlx::Result<Option<Vec<Reply>>> {
        let hour_ago = turn.now.minus(Duration::from_secs(3600));
        let limit = self.config.bot.reports_per_hour as usize;
        let recent: Vec<_> = turn
            .store
            .cases_of_reporter(turn.tx, turn.user_key, limit as i64 + 1)
            .await?
            .into_iter()
            .filter(|c| c.created_at >= hour_ago)
            .collect();
        if recent.len() < limit {
            return Ok(None);
        }
        let open = recent.iter().find(|c| c.status.is_open());
        let Some(case) = open.cloned() else {
            return Ok(None);
        };
        turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        metrics::counter!("ketnoi_reports_merged_total").increment(1);
        let text = format!("[Tin báo gộp thêm] {}", details.description);
        let mut replies = self.forward_to_officer(turn, &case, &text).await?;
        replies[0] = turn.reply(
            CsMessage::text(self.texts.report.merged.render(&[("code", &case.code)])).with_buttons(
                vec![
                    Button::query(&self.texts.report.my_reports, Payload::MyReports.encode()),
                    Button::query(&self.texts.menu.back, Payload::Menu.encode()),
                ],
            ),
        );
        Ok(Some(replies))
    }

    /// A new case goes to the area officer of its khu phố (and is assigned to them), or, with
    /// no area officer, to the officers on call (else the chief). A complaint about an officer
    /// goes to the chief only, whoever the area officer is.
    async fn route_new_case(
        &self,
        turn: &mut Turn<'_>,
        code: &CaseCode,
        category: Category,
        area: Option<&str>,
    ) -> sqlx::Result<Vec<Reply>> {
        let officers = match (category.chief_only(), area) {
            (false, Some(_)) => turn.store.officers(turn.tx).await?,
            _ => Vec::new(),
        };
        let recipients: Vec<ZaloId> = match route(category, area, &officers) {
            Routing::Chiefs => {
                crate::conversation::roster::chief_ids(turn.store, turn.tx, turn.vault).await?
            }
            Routing::AreaOfficers(area_officers) => {
                if let Some(case) = turn.store.case_by_code(turn.tx, code).await? {
                    turn.store
                        .assign_case(
                            turn.tx,
                            case.id,
                            &area_officers[0].user_key,
                            "system",
                            turn.now,
                        )
                        .await?;
                }
                area_officers
                    .iter()
                    .filter_map(|o| turn.vault.open_zalo_id(&o.zalo_id_sealed).ok())
                    .collect()
            }
            Routing::OnCall => {
                crate::conversation::roster::pager_ids(
                    turn.store,
                    turn.tx,
                    turn.vault,
                    &self.config.on_call,
                )
                .await?
            }
        };
        let area_text = area.map(|a| format!(" · {a}")).unwrap_or_default();
        let text = self.texts.officer.new_case.render(&[
            ("code", code),
            ("category", &self.texts.category[category]),
            ("area", &area_text),
        ]);
        let notice =
            CsMessage::text(text).with_buttons(crate::officers::case_buttons(&self.texts, code));
        Ok(Reply::to_each_message(recipients, notice).collect())
    }

    /// Stores a case under a fresh random code (drawing again on the rare collision).
    pub(in crate::bot) async fn create_case(
        &self,
        turn: &mut Turn<'_>,
        category: Category,
        urgent: bool,
        khu_pho: Option<String>,
        details: &Details,
    ) -> sqlx::Result<CaseCode> {
        let sealed = turn
            .vault
            .seal(&serde_json::to_vec(details).expect("details serialise"));
        loop {
            let case = NewCase {
                code: code::generate(),
                reporter_key: turn.user_key.to_owned(),
                pseudonym: pseudonym(turn.user_key),
                category,
                urgent,
                khu_pho: khu_pho.clone(),
                details: sealed.clone(),
            };
            if turn
                .store
                .create_case(turn.tx, &case, turn.now)
                .await?
                .is_some()
            {
                return Ok(case.code);
            }
        }
    }
}

/// Who a new case goes to.
#[derive(Debug)]
pub(super) enum Routing<'a> {
    /// A complaint about an officer: the chief(s) only, assigned to nobody (the officer
    /// concerned may cover that khu phố or be on call).
    Chiefs,
    /// The officers covering its khu phố, never empty; the case is assigned to the first.
    AreaOfficers(Vec<&'a OfficerRow>),
    /// Nobody covers the khu phố, or it is unknown: the officers on call.
    OnCall,
}

/// Decides a new case's routing from its category, its khu phố and the registered officers
/// alone (pure: the tests call it directly).
pub(super) fn route<'a>(
    category: Category,
    area: Option<&str>,
    officers: &'a [OfficerRow],
) -> Routing<'a> {
    if category.chief_only() {
        return Routing::Chiefs;
    }
    let covering: Vec<&OfficerRow> = match area {
        Some(area) => officers
            .iter()
            .filter(|o| o.area_list().contains(&area))
            .collect(),
        None => Vec::new(),
    };
    if covering.is_empty() {
        Routing::OnCall
    } else {
        Routing::AreaOfficers(covering)
    }
}
