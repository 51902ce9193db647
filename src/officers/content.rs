//! News, warnings, and alerts to a neighbourhood.

use super::Console;
use crate::access::{CommandName, Outcome};
use crate::conversation::{Reply, Turn};
use crate::store::{NewsKind, OfficerRow};
use crate::zalo::messages::CsMessage;
use crate::zalo::REPLY_WINDOW;

impl Console {
    pub(super) async fn post(
        &self,
        turn: &mut Turn<'_>,
        officer: &OfficerRow,
        kind: NewsKind,
        title: &str,
        text: &str,
    ) -> sqlx::Result<Vec<Reply>> {
        turn.store
            .add_news(
                turn.tx,
                kind,
                title,
                text,
                None,
                turn.now,
                officer.user_key.as_str(),
                turn.now,
            )
            .await?;
        let command = match kind {
            NewsKind::News => CommandName::News,
            NewsKind::Warning => CommandName::Warn,
        };
        self.audit(turn, officer, command, Some(title), Outcome::Ok, None)
            .await?;
        let posted = match kind {
            NewsKind::Warning => &self.texts.officer.warning_posted,
            NewsKind::News => &self.texts.officer.news_posted,
        };
        let mut told = posted.render(&[("title", title)]);
        // A warning goes to every khu phố's group too: the one channel that reaches members
        // who have not written to the OA this week.
        if kind == NewsKind::Warning {
            let warning = format!("{} {title}\n{text}", self.texts.news.warning_label);
            let groups = self.post_to_groups(turn, None, &warning).await?;
            told.push('\n');
            told.push_str(
                &self
                    .texts
                    .group
                    .groups_reached
                    .render(&[("count", &groups.to_string())]),
            );
        }
        Ok(vec![self.say(turn, told)])
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
            self.audit(
                turn,
                officer,
                CommandName::Alert,
                None,
                Outcome::Refused,
                Some("all"),
            )
            .await?;
            return Ok(vec![self.say(turn, t.alert_all_refused.to_string())]);
        }
        let name = if everyone { None } else { self.area_name(area) };
        if !everyone && name.is_none() {
            return Ok(vec![self.unknown_area(turn, area)]);
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
            let reachable = turn.now.since(resident.last_interaction_at) <= REPLY_WINDOW;
            match turn.vault.open_zalo_id(&resident.zalo_id_sealed) {
                Ok(to) if reachable && &to != turn.user_id => {
                    replies.push(Reply::new(to, CsMessage::text(message.clone())).bulk());
                }
                Ok(to) if &to == turn.user_id => {}
                _ => unreached += 1,
            }
        }
        let groups = self.post_to_groups(turn, name.as_deref(), &message).await?;
        let reached = replies.len().to_string();
        let unreached = unreached.to_string();
        self.audit(
            turn,
            officer,
            CommandName::Alert,
            Some(&label),
            Outcome::Ok,
            Some(&format!(
                "reached {reached}, unreached {unreached}, groups {groups}"
            )),
        )
        .await?;
        let summary = t.alert_sent.render(&[
            ("area", &label),
            ("reached", &reached),
            ("unreached", &unreached),
        ]);
        let summary = format!(
            "{summary}\n{}",
            self.texts
                .group
                .groups_reached
                .render(&[("count", &groups.to_string())])
        );
        replies.insert(0, self.say(turn, summary));
        Ok(replies)
    }
}
