//! Button payloads: the text a `oa.query.hide` button sends back. Matched exactly, before any
//! classifier runs, so a tap always does what its label says.

/// A parsed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// The main menu.
    Menu,
    /// Start a report.
    Report,
    /// The procedure menu.
    Procedures,
    /// A procedure by id.
    Procedure(String),
    /// News from an offset.
    News(i64),
    /// Contact details.
    Contact,
    /// The resident's recent reports.
    MyReports,
    /// Report step: category chosen.
    Category(String),
    /// Report step: when (`now`, `today`, `unknown`).
    When(String),
    /// Report step: place unknown.
    WhereUnknown,
    /// Report step: no (more) photos.
    EvidenceDone,
    /// Send the report; `true` when the police may contact the resident.
    Send { contact_ok: bool },
    /// Cancel what is in progress.
    Cancel,
    /// Khu phố chosen by its position in the configured list, or `None` to skip.
    Area(Option<usize>),
    /// Ask for the khu phố again (to change it).
    ChangeArea,
    /// Resume a report set aside.
    ResumeReport,
    /// One step back in the report.
    Back,
    /// The detailed answer of a procedure (legal basis, codes, notes).
    ProcedureDetails(String),
    /// Answer to "is it happening now?": `true` = danger now.
    DangerNow(bool),
    /// Answer to "add this to your case?".
    AddInfo(bool),
    /// Answer to "is this for the officer?".
    RelaySend(bool),
    /// "Is this a scam?" answered; report it.
    ScamReport,
    /// Report something at the location just shared.
    ReportHere,
    /// The join link of a khu phố's Zalo group: the khu phố by position, or the resident's.
    Group(Option<usize>),
}

impl Payload {
    /// The wire form.
    pub fn encode(&self) -> String {
        match self {
            Payload::Menu => "#menu".into(),
            Payload::Report => "#menu:report".into(),
            Payload::Procedures => "#menu:procedure".into(),
            Payload::Procedure(id) => format!("#proc:{id}"),
            Payload::News(offset) => format!("#news:{offset}"),
            Payload::Contact => "#menu:contact".into(),
            Payload::MyReports => "#menu:status".into(),
            Payload::Category(id) => format!("#cat:{id}"),
            Payload::When(w) => format!("#when:{w}"),
            Payload::WhereUnknown => "#where:unknown".into(),
            Payload::EvidenceDone => "#evidence:done".into(),
            Payload::Send { contact_ok: true } => "#send:contact".into(),
            Payload::Send { contact_ok: false } => "#send:anonymous".into(),
            Payload::Cancel => "#cancel".into(),
            Payload::Area(Some(n)) => format!("#area:{n}"),
            Payload::Area(None) => "#area:skip".into(),
            Payload::ChangeArea => "#menu:area".into(),
            Payload::ResumeReport => "#report:resume".into(),
            Payload::Back => "#back".into(),
            Payload::ProcedureDetails(id) => format!("#procd:{id}"),
            Payload::DangerNow(true) => "#danger:now".into(),
            Payload::DangerNow(false) => "#danger:past".into(),
            Payload::AddInfo(true) => "#addinfo:yes".into(),
            Payload::AddInfo(false) => "#addinfo:no".into(),
            Payload::RelaySend(true) => "#relay:send".into(),
            Payload::RelaySend(false) => "#relay:other".into(),
            Payload::ScamReport => "#report:scam".into(),
            Payload::ReportHere => "#report:here".into(),
            Payload::Group(Some(n)) => format!("#group:{n}"),
            Payload::Group(None) => "#group".into(),
        }
    }

    /// Parses a message text that is exactly a payload.
    pub fn parse(text: &str) -> Option<Payload> {
        let text = text.trim();
        let rest = text.strip_prefix('#')?;
        let (head, arg) = rest.split_once(':').unwrap_or((rest, ""));
        let simple_arg = arg.len() <= 40
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !simple_arg {
            return None;
        }
        Some(match (head, arg) {
            ("menu", "") => Payload::Menu,
            ("menu", "report") => Payload::Report,
            ("menu", "procedure") => Payload::Procedures,
            ("menu", "news") => Payload::News(0),
            ("menu", "contact") => Payload::Contact,
            ("menu", "status") => Payload::MyReports,
            ("proc", id) if !id.is_empty() => Payload::Procedure(id.to_owned()),
            ("news", offset) => Payload::News(offset.parse().ok().filter(|n: &i64| *n >= 0)?),
            ("cat", id) if !id.is_empty() => Payload::Category(id.to_owned()),
            ("when", w @ ("now" | "today" | "unknown")) => Payload::When(w.to_owned()),
            ("where", "unknown") => Payload::WhereUnknown,
            ("evidence", "done") => Payload::EvidenceDone,
            ("send", "contact") => Payload::Send { contact_ok: true },
            ("send", "anonymous") => Payload::Send { contact_ok: false },
            ("cancel", "") => Payload::Cancel,
            ("area", "skip") => Payload::Area(None),
            ("area", n) => Payload::Area(Some(n.parse().ok()?)),
            ("menu", "area") => Payload::ChangeArea,
            ("report", "resume") => Payload::ResumeReport,
            ("report", "scam") => Payload::ScamReport,
            ("report", "here") => Payload::ReportHere,
            ("group", "") => Payload::Group(None),
            ("group", n) => Payload::Group(Some(n.parse().ok()?)),
            ("back", "") => Payload::Back,
            ("procd", id) if !id.is_empty() => Payload::ProcedureDetails(id.to_owned()),
            ("danger", "now") => Payload::DangerNow(true),
            ("danger", "past") => Payload::DangerNow(false),
            ("addinfo", "yes") => Payload::AddInfo(true),
            ("addinfo", "no") => Payload::AddInfo(false),
            ("relay", "send") => Payload::RelaySend(true),
            ("relay", "other") => Payload::RelaySend(false),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_round_trips() {
        let all = [
            Payload::Menu,
            Payload::Report,
            Payload::Procedures,
            Payload::Procedure("tam-tru".into()),
            Payload::News(3),
            Payload::Contact,
            Payload::MyReports,
            Payload::Category("scam".into()),
            Payload::When("today".into()),
            Payload::WhereUnknown,
            Payload::EvidenceDone,
            Payload::Send { contact_ok: true },
            Payload::Send { contact_ok: false },
            Payload::Cancel,
            Payload::Area(Some(2)),
            Payload::Area(None),
            Payload::ChangeArea,
            Payload::ResumeReport,
            Payload::Back,
            Payload::ProcedureDetails("ho-chieu".into()),
            Payload::DangerNow(true),
            Payload::DangerNow(false),
            Payload::AddInfo(true),
            Payload::AddInfo(false),
            Payload::RelaySend(true),
            Payload::RelaySend(false),
            Payload::ScamReport,
            Payload::ReportHere,
        ];
        for p in all {
            assert_eq!(Payload::parse(&p.encode()), Some(p.clone()), "{p:?}");
        }
    }

    #[test]
    fn ordinary_text_is_not_a_payload() {
        for text in [
            "menu",
            "# hello",
            "#news:-1",
            "#news:abc",
            "#proc:",
            "#when:tomorrow",
            "#menu:x y",
            "xin chào #menu",
        ] {
            assert_eq!(Payload::parse(text), None, "{text}");
        }
    }
}
