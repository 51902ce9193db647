//! One-shot answers: emergency, procedures, news, case status and contact.

use super::out_of_scope::Topic;
use super::payload::Payload;
use super::Bot;
use crate::cases::CaseCode;
use crate::conversation::{Reply, Turn};
use crate::ids::ZaloId;
use crate::store::{CaseRow, NewsKind};

use crate::zalo::messages::{Button, CsMessage, MAX_BUTTONS};

/// Procedures offered by the procedure menu's buttons (the most asked at ward level).
const MENU_PROCEDURES: [&str; 4] = ["tam-tru", "thuong-tru", "can-cuoc", "dinh-danh-dien-tu"];

impl Bot {
    /// A procedure id from a button, if the catalogue has it.
    pub(super) fn catalogue_id(&self, id: &str) -> Option<&'static str> {
        crate::lang::PROCEDURE_IDS
            .iter()
            .copied()
            .find(|p| *p == id && self.catalogue.get(p).is_some())
    }

    /// The short answer a phone can read (where, what to bring, fee, time, online), with
    /// "Xem chi tiết" for the rest and buttons for the other likely procedures; the procedure
    /// menu when no procedure was recognised.
    pub(super) fn procedure_answer(
        &self,
        turn: &Turn<'_>,
        id: Option<&'static str>,
        candidates: &[(&'static str, f32)],
    ) -> Vec<Reply> {
        let Some(procedure) = id.and_then(|id| self.catalogue.get(id)) else {
            return vec![turn.reply(self.procedure_menu())];
        };
        let mut buttons = vec![Button::query(
            &self.texts.procedures.details,
            Payload::ProcedureDetails(procedure.id.clone()).encode(),
        )];
        buttons.extend(
            candidates
                .iter()
                .filter(|(other, p)| Some(*other) != id && *p >= 0.05)
                .filter_map(|(other, _)| self.catalogue.get(other))
                .take(MAX_BUTTONS - 3)
                .map(|p| Button::query(p.short_title(), Payload::Procedure(p.id.clone()).encode())),
        );
        buttons.push(Button::query(&self.texts.menu.back, Payload::Menu.encode()));
        vec![turn.reply(CsMessage::text(procedure.render_summary()).with_buttons(buttons))]
    }

    /// Everything the catalogue says of a procedure (legal basis, codes, notes), split to
    /// Zalo's limit.
    pub(super) fn procedure_details(
        &self,
        turn: &Turn<'_>,
        id: Option<&'static str>,
    ) -> Vec<Reply> {
        let Some(procedure) = id.and_then(|id| self.catalogue.get(id)) else {
            return vec![turn.reply(self.procedure_menu())];
        };
        let mut parts = procedure.render();
        let last = parts.pop().unwrap_or_default();
        let mut replies: Vec<Reply> = parts
            .into_iter()
            .map(|p| turn.reply(CsMessage::text(p)))
            .collect();
        replies.push(turn.reply(CsMessage::text(last).with_buttons(vec![
            Button::query(&self.texts.menu.procedure, Payload::Procedures.encode()),
            Button::query(&self.texts.menu.back, Payload::Menu.encode()),
        ])));
        replies
    }

    /// "Is this a scam?": the answer first, then the offer to report it.
    pub(super) fn scam_answer(&self) -> CsMessage {
        CsMessage::text(&self.texts.scam.check).with_buttons(vec![
            Button::query(&self.texts.scam.report, Payload::ScamReport.encode()),
            Button::query(&self.texts.menu.news, Payload::News(0).encode()),
            Button::query(&self.texts.menu.back, Payload::Menu.encode()),
        ])
    }

    /// Who handles a question that is not police business, and the main menu.
    pub(super) fn out_of_scope_answer(&self, topic: &Topic) -> CsMessage {
        let text = format!(
            "{}\n\n{}",
            topic.answer.trim(),
            &self.texts.menu.out_of_scope_footer
        );
        CsMessage::text(text).with_buttons(self.menu_buttons())
    }

    pub(super) fn procedure_menu(&self) -> CsMessage {
        let mut buttons: Vec<Button> = MENU_PROCEDURES
            .iter()
            .filter_map(|id| self.catalogue.get(id))
            .map(|p| Button::query(p.short_title(), Payload::Procedure(p.id.clone()).encode()))
            .collect();
        buttons.push(Button::query(&self.texts.menu.back, Payload::Menu.encode()));
        CsMessage::text(&self.texts.procedures.menu).with_buttons(buttons)
    }

    /// A page of news and warnings, newest first, with "Xem thêm" while more remain.
    pub(super) async fn news(&self, turn: &mut Turn<'_>, offset: i64) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts;
        let page = i64::from(self.config.bot.news_page_size);
        let (items, more) = turn.store.news_page(turn.tx, offset, page).await?;
        if items.is_empty() {
            let text = if offset == 0 {
                &t.news.empty
            } else {
                &t.news.none_left
            };
            return Ok(vec![
                turn.reply(CsMessage::text(text).with_buttons(self.menu_buttons()))
            ]);
        }
        let mut text = String::from(&t.news.header);
        for item in &items {
            text.push_str("\n\n");
            if item.kind == NewsKind::Warning {
                text.push_str(&t.news.warning_label);
                text.push(' ');
            }
            text.push_str(&format!(
                "{} ({})\n{}",
                item.title,
                item.published_at.vn_date(),
                item.body
            ));
            if let Some(link) = &item.link {
                text.push_str(&format!("\n{link}"));
            }
        }
        let mut parts =
            crate::conversation::text::split_message(&text, crate::zalo::messages::MAX_TEXT_CHARS);
        let last = parts.pop().unwrap_or_default();
        let mut replies: Vec<Reply> = parts
            .into_iter()
            .map(|p| turn.reply(CsMessage::text(p)))
            .collect();
        let mut buttons = Vec::new();
        if more {
            buttons.push(Button::query(
                &t.news.more,
                Payload::News(offset + page).encode(),
            ));
        }
        buttons.push(Button::query(&t.menu.back, Payload::Menu.encode()));
        replies.push(turn.reply(CsMessage::text(last).with_buttons(buttons)));
        Ok(replies)
    }

    /// A case's status by code — only among the resident's own cases — or their recent cases.
    pub(super) async fn case_status(
        &self,
        turn: &mut Turn<'_>,
        code: Option<CaseCode>,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts;
        let text = match code {
            Some(code) => match turn
                .store
                .case_of_reporter(turn.tx, &code, turn.user_key)
                .await?
            {
                Some(case) => self.status_line(&case),
                // Someone else's code and an unknown code get the same answer: nothing leaks.
                None => t.case_status.not_found.render(&[("code", &code)]),
            },
            None => {
                let cases = turn
                    .store
                    .cases_of_reporter(turn.tx, turn.user_key, 3)
                    .await?;
                if cases.is_empty() {
                    t.case_status.none.to_string()
                } else {
                    let lines: Vec<String> = cases
                        .iter()
                        .map(|c| format!("• {}", self.status_line(c)))
                        .collect();
                    format!("{}\n{}", t.case_status.recent, lines.join("\n"))
                }
            }
        };
        Ok(vec![turn.reply(CsMessage::text(text).with_buttons(vec![
            Button::query(&t.menu.report, Payload::Report.encode()),
            Button::query(&t.menu.back, Payload::Menu.encode()),
        ]))])
    }

    fn status_line(&self, case: &CaseRow) -> String {
        let t = &self.texts;
        t.case_status.line.render(&[
            ("code", &case.code),
            ("category", &t.category[case.category]),
            ("date", &case.created_at.vn_date()),
            ("status", &t.status[case.status]),
        ])
    }

    /// The station's details, plus the area officer of a khu phố named in the message.
    /// The station's name, address, phone and hours.
    pub(super) fn station_card(&self) -> String {
        let s = &self.config.station;
        self.texts.contact.card.render(&[
            ("name", &s.name),
            ("address", &s.address),
            ("phone", &s.phone),
            ("hours", &s.hours),
        ])
    }

    pub(super) fn contact(&self, message: &str, resident_area: Option<String>) -> CsMessage {
        let t = &self.texts;
        let s = &self.config.station;
        let mut text = self.station_card();
        let named = self.area_in(message).or(resident_area);
        match named.and_then(|name| s.areas.iter().find(|a| a.name == name)) {
            Some(area) => {
                text.push('\n');
                text.push_str(&t.contact.area.render(&[
                    ("area", &area.name),
                    ("officer", &area.officer_name),
                    ("officer_phone", &area.officer_phone),
                ]));
            }
            None if !s.areas.is_empty() => {
                text.push('\n');
                text.push_str(&t.contact.areas_hint);
            }
            None => {}
        }
        let mut buttons = vec![Button::Phone {
            title: t.contact.call_station.to_string(),
            phone: dial_code(&s.phone),
        }];
        if !s.areas.is_empty() {
            buttons.push(Button::query(&t.area.change, Payload::ChangeArea.encode()));
        }
        buttons.push(Button::query(&t.menu.back, Payload::Menu.encode()));
        CsMessage::text(text).with_buttons(buttons)
    }

    /// Zalo ids of the area officers of a khu phố.
    pub(super) async fn area_officer_ids(
        &self,
        turn: &mut Turn<'_>,
        area: Option<&str>,
    ) -> sqlx::Result<Vec<ZaloId>> {
        let Some(area) = area else {
            return Ok(Vec::new());
        };
        Ok(turn
            .store
            .officers(turn.tx)
            .await?
            .iter()
            .filter(|o| o.area_list().contains(&area))
            .filter_map(|o| turn.vault.open_zalo_id(&o.zalo_id_sealed).ok())
            .collect())
    }
}

/// Zalo's dialer wants the international form for ordinary numbers; short codes stay as is.
pub(super) fn dial_code(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(rest) if digits.len() >= 9 => format!("84{rest}"),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dial_codes() {
        assert_eq!(dial_code("113"), "113");
        assert_eq!(dial_code("028 0000 0000"), "842800000000");
        assert_eq!(dial_code("0900000001"), "84900000001");
    }
}
