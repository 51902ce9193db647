//! Emergencies: answered at once with the numbers to call, an urgent case, and a page to whoever
//! can act — and what the resident sends next (an address, a location, photos, "nhanh lên")
//! goes to that same case and the same people, never to a second case.
//!
//! Every sentence is true: the resident is told a message reached an officer only when one was
//! paged; with nobody registered at all they are told plainly to call.

use super::payload::Payload;
use super::report::Input;
use super::Bot;
use crate::cases::{CaseCode, Category, Details};
use crate::conversation::dialogue::Dialogue;
use crate::conversation::texts::Label;
use crate::conversation::{Reply, Turn};
use crate::ids::ZaloId;
use crate::lang::infer_category;

use crate::zalo::messages::{Button, CsMessage};

impl Bot {
    /// Emergency first: the numbers to call as buttons, an urgent case, and a page to the
    /// officers on call (else the chief) and the khu phố's area officer — all in this one step.
    pub(super) async fn emergency(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        Ok(self.emergency_in(turn, text, None).await?.0)
    }

    /// [`Self::emergency`], with the khu phố it happened in when the text does not say (a
    /// khu phố's group); also says whether any paged officer can receive the page now.
    pub(super) async fn emergency_in(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
        area_hint: Option<String>,
    ) -> sqlx::Result<(Vec<Reply>, bool)> {
        let t = &self.texts;
        let details = Details {
            description: text.to_owned(),
            ..Details::default()
        };
        let category = infer_category(text).unwrap_or(Category::Other);
        let area = match self.area_in(text).or(area_hint) {
            Some(area) => Some(area),
            None => self.resident_area(turn).await?,
        };
        let code = self
            .create_case(turn, category, true, area.clone(), &details)
            .await?;
        metrics::counter!("ketnoi_cases_created_total", "category" => category.id(), "urgent" => "true").increment(1);
        let paged = self.responders(turn, area.as_deref()).await?;
        let reached = self.any_reachable(turn, &paged).await?;
        let answer = if reached {
            &t.emergency.answer
        } else {
            tracing::warn!(
                paged = paged.len(),
                "urgent case created but no paged officer can receive it now"
            );
            &t.emergency.answer_nobody
        };
        let mut replies = vec![turn
            .reply(
                CsMessage::text(answer.render(&[("code", &code)]))
                    .with_buttons(self.call_buttons()),
            )
            .urgent()];
        // All of it: a long page goes out in several messages (`pipeline::parts`), never cut.
        let page = t.officer.page.render(&[
            ("code", &code),
            ("time", &turn.now.vn_time()),
            ("text", text),
        ]);
        let page = CsMessage::text(page).with_buttons(crate::officers::case_buttons(t, &code));
        replies.extend(Reply::to_each_message(paged, page).map(Reply::urgent));
        if let Some(case) = turn.store.case_by_code(turn.tx, &code).await? {
            self.save_dialogue(
                turn,
                &Dialogue::Emergency {
                    case_id: case.id,
                    code: code.clone(),
                },
            )
            .await?;
        }
        Ok((replies, reached))
    }

    /// A message after an emergency: added to its case and forwarded at once to the same
    /// responders; a shared location becomes a map link.
    pub(super) async fn emergency_follow_up(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
        input: Input,
    ) -> sqlx::Result<Vec<Reply>> {
        let text = input.as_timeline_text();
        let Some(case) = self.case_of_dialogue(turn, case_id, code).await? else {
            return Ok(vec![turn.reply(self.welcome())]);
        };
        if text.is_empty() {
            return Ok(Vec::new());
        }
        super::relay::record_resident_message(turn, case.id, &text).await?;
        // A khu phố named in the follow-up ("nhà số 5 khu phố 2") brings in its area officer.
        let area = self
            .area_in(input.text.as_deref().unwrap_or_default())
            .or(case.khu_pho.clone());
        let mut paged = self.responders(turn, area.as_deref()).await?;
        if let Some(assignee) = &case.assigned_to {
            if let Some(officer) = turn.store.officer(turn.tx, assignee).await? {
                if let Ok(id) = turn.vault.open_zalo_id(&officer.zalo_id_sealed) {
                    if !paged.contains(&id) {
                        paged.push(id);
                    }
                }
            }
        }
        // Keep the follow-up window open from this message.
        self.save_dialogue(
            turn,
            &Dialogue::Emergency {
                case_id,
                code: code.to_owned(),
            },
        )
        .await?;
        let t = &self.texts;
        let answer = if self.any_reachable(turn, &paged).await? {
            &t.emergency.followup
        } else {
            &t.emergency.followup_nobody
        };
        let mut replies = vec![turn
            .reply(
                CsMessage::text(answer.render(&[("code", code)])).with_buttons(self.call_buttons()),
            )
            .urgent()];
        let page = t
            .officer
            .page_followup
            .render(&[("code", code), ("text", &text)]);
        let page = CsMessage::text(page).with_buttons(crate::officers::case_buttons(t, code));
        replies.extend(Reply::to_each_message(paged, page).map(Reply::urgent));
        Ok(replies)
    }

    /// The classifier hesitated: the numbers to call, and "is it happening now?".
    pub(super) async fn danger_check(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts;
        self.save_dialogue(
            turn,
            &Dialogue::DangerCheck {
                text: text.to_owned(),
            },
        )
        .await?;
        let mut buttons = vec![
            Button::query(&t.emergency.danger_now, Payload::DangerNow(true).encode()),
            Button::query(&t.emergency.danger_past, Payload::DangerNow(false).encode()),
        ];
        buttons.extend(self.call_buttons().into_iter().take(3));
        Ok(vec![turn.reply(
            CsMessage::text(&t.emergency.danger_check).with_buttons(buttons),
        )])
    }

    /// 113, 114, 115 as call buttons, and the way back to the menu.
    fn call_buttons(&self) -> Vec<Button> {
        let t = &self.texts;
        let phone = |title: &Label, number: &str| Button::Phone {
            title: title.to_string(),
            phone: number.to_owned(),
        };
        vec![
            phone(&t.emergency.call_113, "113"),
            phone(&t.emergency.call_114, "114"),
            phone(&t.emergency.call_115, "115"),
            Button::query(&t.menu.back, Payload::Menu.encode()),
        ]
    }

    /// Who an emergency reaches: the on-call officers (else the configured ones, else the
    /// chief) and the area officer of the khu phố.
    async fn responders(
        &self,
        turn: &mut Turn<'_>,
        area: Option<&str>,
    ) -> sqlx::Result<Vec<ZaloId>> {
        let mut paged = crate::conversation::roster::pager_ids(
            turn.store,
            turn.tx,
            turn.vault,
            &self.config.on_call,
        )
        .await?;
        for officer in self.area_officer_ids(turn, area).await? {
            if !paged.contains(&officer) {
                paged.push(officer);
            }
        }
        Ok(paged)
    }

    /// Whether any of these officers can receive a message now: Zalo delivers only to users
    /// who wrote to the OA within the reply window, so a page to anyone else waits (parked)
    /// and the resident must not be told it reached someone.
    pub(super) async fn any_reachable(
        &self,
        turn: &mut Turn<'_>,
        ids: &[ZaloId],
    ) -> sqlx::Result<bool> {
        for id in ids {
            let key = turn.vault.user_key(id.as_str());
            let open = turn.store.resident(turn.tx, &key).await?.is_some_and(|r| {
                turn.now.since(r.last_interaction_at) <= crate::zalo::REPLY_WINDOW
            });
            if open {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The case a resident's dialogue refers to; when it no longer exists the dialogue is
    /// dropped (the caller then answers as if none were open).
    pub(super) async fn case_of_dialogue(
        &self,
        turn: &mut Turn<'_>,
        case_id: i64,
        code: &CaseCode,
    ) -> sqlx::Result<Option<crate::store::CaseRow>> {
        let case = turn
            .store
            .case_by_code(turn.tx, code)
            .await?
            .filter(|c| c.id == case_id);
        if case.is_none() {
            turn.store.clear_dialogue(turn.tx, turn.user_key).await?;
        }
        Ok(case)
    }

    /// Seals and stores the resident's dialogue.
    pub(super) async fn save_dialogue(
        &self,
        turn: &mut Turn<'_>,
        dialogue: &Dialogue,
    ) -> sqlx::Result<()> {
        let json = serde_json::to_vec(dialogue).expect("dialogue serialises");
        let sealed = turn.vault.seal(&json);
        turn.store
            .save_dialogue(turn.tx, turn.user_key, &sealed, turn.now)
            .await
    }
}
