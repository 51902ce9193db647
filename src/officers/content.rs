//! News, warnings, and alerts to a neighbourhood.

use super::Console;
use crate::conversation::{Reply, Turn};
use crate::store::OfficerRow;
use crate::zalo::messages::CsMessage;
use crate::zalo::REPLY_WINDOW_MS;

impl Console {
    pub(super) async fn post(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        kind: &str,
        title: &str,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        sqlx::query(
            "insert into news (kind, title, body, link, published_at, created_by, created_at) values ($1, $2, $3, null, $4, $5, $4)",
        )
        .bind(kind)
        .bind(title)
        .bind(text)
        .bind(turn.now)
        .bind(&officer.user_key)
        .execute(&mut **turn.tx)
        .await?;
        self.audit(turn, officer, kind, Some(title), "ok", None)
            .await?;
        let posted = if kind == "warning" {
            &self.texts.officer.warning_posted
        } else {
            &self.texts.officer.news_posted
        };
        Ok(vec![self.say(turn, posted.render(&[("title", title)]))])
    }

    /// Sends to the residents of a khu phố (or all) who can still be reached, and reports how
    /// many could and could not.
    pub(super) async fn alert(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        area: &str,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        let t = &self.texts.officer;
        let everyone = matches!(crate::lang::fold(area).as_str(), "all" | "tat ca" | "tatca");
        // A message to the whole ward is the chief's to send (or an officer's the chief allowed,
        // `/officer alertall`): it reaches everyone and takes the bulk share of the call budget
        // for minutes.
        if everyone && !officer.may_alert_everyone() {
            self.audit(turn, officer, "alert", None, "refused", Some("all"))
                .await?;
            return Ok(vec![self.say(turn, t.alert_all_refused.to_string())]);
        }
        let name = if everyone { None } else { self.area_name(area) };
        if !everyone && name.is_none() {
            let known: Vec<&str> = self
                .config
                .station
                .areas
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            let unknown = t
                .alert_unknown_area
                .render(&[("area", area), ("list", &known.join(", "))]);
            return Ok(vec![self.say(turn, unknown)]);
        }
        let label = name.clone().unwrap_or_else(|| t.whole_ward.to_string());
        let residents = turn
            .store
            .residents_in_area(turn.tx, name.as_deref())
            .await?;
        let message = self
            .texts
            .news
            .alert
            .render(&[("area", &label), ("text", text)]);
        let mut replies = Vec::new();
        let mut unreached = 0;
        for resident in residents {
            let reachable = turn.now - resident.last_interaction_at <= REPLY_WINDOW_MS;
            match turn.vault.open_string(&resident.zalo_id_sealed) {
                Ok(to) if reachable && to != turn.user_id => {
                    replies.push(Reply::new(to, CsMessage::text(message.clone())).bulk());
                }
                Ok(to) if to == turn.user_id => {}
                _ => unreached += 1,
            }
        }
        let reached = replies.len().to_string();
        let unreached = unreached.to_string();
        self.audit(
            turn,
            officer,
            "alert",
            Some(&label),
            "ok",
            Some(&format!("reached {reached}, unreached {unreached}")),
        )
        .await?;
        let summary = t.alert_sent.render(&[
            ("area", &label),
            ("reached", &reached),
            ("unreached", &unreached),
        ]);
        replies.insert(0, self.say(turn, summary));
        Ok(replies)
    }
}
