//! A location shared outside a report or an emergency. Zalo's real location share carries the
//! place's name in `message.text` ("Cơm Coffee New Sky", docs/PLATFORM.md §2.2) next to the
//! coordinates; that name is a label, not words to classify. The answer says the location was
//! received (with its name), reminds of 113, offers "Báo tin tại đây" — a report with this
//! place already filled in — and gives the station's contact.

use super::payload::Payload;
use super::report::Input;
use super::Bot;
use crate::cases::Place;
use crate::conversation::dialogue::Dialogue;
use crate::conversation::{Reply, Turn};
use crate::zalo::messages::{Button, CsMessage};

impl Bot {
    /// The answer to a location outside any dialogue. With `offer_report` the place is kept
    /// (as [`Dialogue::SharedPlace`]) for the "Báo tin tại đây" button; without it (a draft is
    /// set aside and must not be overwritten) the caller offers to resume the draft instead.
    pub(super) async fn place_shared(
        &self,
        turn: &mut Turn<'_>,
        place: Place,
        offer_report: bool,
    ) -> sqlx::Result<Reply> {
        let t = &self.texts;
        let s = &self.config.station;
        let mut text = match place
            .text
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            Some(label) => t.menu.location_named.render(&[("place", label)]),
            None => t.menu.location_outside_report.to_string(),
        };
        text.push_str("\n\n");
        text.push_str(&self.station_card());
        let mut buttons = Vec::new();
        if offer_report {
            buttons.push(Button::query(
                &t.menu.report_here,
                Payload::ReportHere.encode(),
            ));
            self.save_dialogue(turn, &Dialogue::SharedPlace { place })
                .await?;
        }
        buttons.push(Button::Phone {
            title: t.contact.call_station.to_string(),
            phone: super::answers::dial_code(&s.phone),
        });
        buttons.push(Button::query(&t.menu.back, Payload::Menu.encode()));
        Ok(turn.reply(CsMessage::text(text).with_buttons(buttons)))
    }

    /// "Báo tin tại đây": a report whose place is the location kept, or a plain report when
    /// it is gone (idled out, or replaced by another dialogue). A draft already begun is never
    /// overwritten by a stale button: it is taken up again.
    pub(super) async fn report_here(
        &self,
        turn: &mut Turn<'_>,
        dialogue: Option<Dialogue>,
    ) -> sqlx::Result<Vec<Reply>> {
        let location = match dialogue {
            Some(Dialogue::SharedPlace { place }) => Some(place),
            Some(Dialogue::Report(mut draft)) => {
                draft.paused = false;
                return self.ask_next(turn, draft).await;
            }
            _ => None,
        };
        let input = Input {
            location,
            ..Input::default()
        };
        self.start_report(turn, input).await
    }
}
