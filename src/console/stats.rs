//! `GET /stats` (every officer): cases per week by category and by khu phố over the last
//! [`WEEKS`] weeks, drawn as inline SVG ([`super::charts`]); first-response times against the
//! service levels (`[service_levels]`: the median and the share answered within the target),
//! resolution times, and the urgent cases still open. The figures come from the case rows in one
//! pure function, [`figures`]. Complaints about officers are counted like any category, for
//! everyone; only the chief sees which cases they are.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use maud::{html, Markup};

use super::auth;
use super::charts::{Series, StackedBars};
use super::{view, ConsoleState, Result};
use crate::access::{CommandName, Outcome};
use crate::cases::{Category, Status};
use crate::config::ServiceLevelSettings;
use crate::officers::{handling_age, may_see};
use crate::store::{CaseQuery, CaseRow};
use crate::time::Timestamp;

/// Weeks the charts cover, this one included.
pub const WEEKS: usize = 8;
/// A week (Vietnam keeps no daylight saving).
const WEEK: Duration = Duration::from_secs(7 * 86_400);
/// Most open urgent cases read.
const URGENT_LIMIT: i64 = 200;
/// The khu phố column of cases with none, or one the station no longer lists.
const NO_AREA: &str = "Chưa rõ khu phố";

/// Response times of one kind of case against its target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timing {
    /// The service level.
    pub target: Duration,
    /// Cases of this kind in the window.
    pub cases: usize,
    /// Times from report to first response (or to resolution), sorted.
    pub times: Vec<Duration>,
    /// Answered within the target.
    pub within: usize,
    /// Answered late, or still unanswered past the target.
    pub missed: usize,
}

impl Timing {
    /// The middle time, if any.
    pub fn median(&self) -> Option<Duration> {
        percentile(&self.times, 50)
    }

    /// Share answered within the target, of those that are due (0–100), if any are.
    pub fn share_within(&self) -> Option<u32> {
        let due = self.within + self.missed;
        (due > 0).then(|| ((self.within * 100 + due / 2) / due) as u32)
    }
}

/// Everything `/stats` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The start (Monday 00:00 in Vietnam) of each week, oldest first.
    pub weeks: Vec<Timestamp>,
    /// Cases per week by category, categories with none left out, in list order.
    pub by_category: Vec<(Category, Vec<u64>)>,
    /// Cases per week by khu phố: the station's, in its order, then [`NO_AREA`] if any.
    pub by_area: Vec<(String, Vec<u64>)>,
    /// Cases in the window.
    pub total: usize,
    /// Complaints about officers among them.
    pub complaints: usize,
    /// First responses to urgent cases.
    pub urgent: Timing,
    /// First responses to ordinary cases.
    pub ordinary: Timing,
    /// Report to resolved or rejected (no service level: `target` is zero).
    pub resolution: Timing,
}

/// The figures for the weeks up to `now`, from the cases reported since the first of them;
/// `areas` are the station's khu phố names.
pub fn figures(
    cases: &[CaseRow],
    areas: &[String],
    service: &ServiceLevelSettings,
    now: Timestamp,
) -> Figures {
    let first = window_start(now);
    let weeks: Vec<Timestamp> = (0..WEEKS).map(|i| first.plus(WEEK * i as u32)).collect();
    let week_of = |c: &CaseRow| {
        (c.created_at >= first && c.created_at <= now)
            .then(|| (c.created_at.since(first).as_secs() / WEEK.as_secs()) as usize)
            .filter(|w| *w < WEEKS)
    };
    let mut by_category: Vec<(Category, Vec<u64>)> =
        Category::ALL.iter().map(|c| (*c, vec![0; WEEKS])).collect();
    let mut by_area: Vec<(String, Vec<u64>)> = areas
        .iter()
        .chain(std::iter::once(&NO_AREA.to_string()))
        .map(|a| (a.clone(), vec![0; WEEKS]))
        .collect();
    let mut urgent = Timing {
        target: service.target(true),
        ..Timing::default()
    };
    let mut ordinary = Timing {
        target: service.target(false),
        ..Timing::default()
    };
    let mut resolution = Timing::default();
    let (mut total, mut complaints) = (0, 0);
    for case in cases {
        let Some(week) = week_of(case) else { continue };
        total += 1;
        if case.category == Category::Complaint {
            complaints += 1;
        }
        if let Some((_, counts)) = by_category.iter_mut().find(|(c, _)| *c == case.category) {
            counts[week] += 1;
        }
        let area = case
            .khu_pho
            .as_deref()
            .and_then(|k| areas.iter().position(|a| a == k))
            .unwrap_or(areas.len());
        by_area[area].1[week] += 1;
        let timing = if case.urgent == 1 {
            &mut urgent
        } else {
            &mut ordinary
        };
        timing.cases += 1;
        match case.first_response_at {
            Some(at) => {
                let took = at.since(case.created_at);
                timing.times.push(took);
                if took <= timing.target {
                    timing.within += 1;
                } else {
                    timing.missed += 1;
                }
            }
            // Not answered yet: late once past the target, not counted before.
            None if case.status.is_open() && now.since(case.created_at) > timing.target => {
                timing.missed += 1;
            }
            None => {}
        }
        resolution.cases += 1;
        if let Some(at) = case.resolved_at {
            resolution.times.push(at.since(case.created_at));
        }
    }
    for t in [&mut urgent, &mut ordinary, &mut resolution] {
        t.times.sort();
    }
    by_category.retain(|(_, counts)| counts.iter().any(|n| *n > 0));
    if by_area
        .last()
        .is_some_and(|(_, c)| c.iter().all(|n| *n == 0))
    {
        by_area.pop();
    }
    Figures {
        weeks,
        by_category,
        by_area,
        total,
        complaints,
        urgent,
        ordinary,
        resolution,
    }
}

/// The start of the first week shown.
fn window_start(now: Timestamp) -> Timestamp {
    now.vn_week_start().minus(WEEK * (WEEKS as u32 - 1))
}

/// The `p`th percentile (nearest rank) of sorted times.
fn percentile(sorted: &[Duration], p: usize) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

/// `GET /stats`. Audited like `/stats` in Zalo.
pub async fn page(State(state): State<ConsoleState>, headers: HeaderMap) -> Result {
    let session = auth::require(&state, &headers).await?;
    let s = &state.inner;
    let now = Timestamp::now();
    let mut tx = s.store.begin().await?;
    let cases = s.store.cases_since(&mut tx, window_start(now)).await?;
    let open = CaseQuery {
        statuses: Status::OPEN.to_vec(),
        urgent_only: true,
        ..CaseQuery::default()
    };
    let urgent = s.store.list_cases(&mut tx, &open, URGENT_LIMIT).await?;
    s.store
        .audit(
            &mut tx,
            session.officer.user_key.as_str(),
            Some(&session.officer.handle),
            CommandName::Stats.into(),
            None,
            Outcome::Ok,
            None,
            now,
        )
        .await?;
    tx.commit().await?;
    let areas: Vec<String> = s.station.areas.iter().map(|a| a.name.clone()).collect();
    let f = figures(&cases, &areas, &s.service, now);
    let t = &s.texts;
    let labels: Vec<String> = f.weeks.iter().map(|w| week_label(*w)).collect();
    let by_category = StackedBars {
        title: "Tin báo theo tuần, theo loại".into(),
        groups: labels.clone(),
        series: f
            .by_category
            .iter()
            .map(|(c, counts)| Series {
                label: t.category[*c].to_string(),
                values: counts.clone(),
            })
            .collect(),
    };
    let by_area = StackedBars {
        title: "Tin báo theo tuần, theo khu phố".into(),
        groups: labels,
        series: f
            .by_area
            .iter()
            .map(|(a, counts)| Series {
                label: a.clone(),
                values: counts.clone(),
            })
            .collect(),
    };
    let age = |d: Duration| handling_age(t, d);
    let visible: Vec<&CaseRow> = urgent
        .iter()
        .filter(|c| may_see(&session.officer, c))
        .collect();
    let hidden = urgent.len() - visible.len();
    let body = html! {
        h1 { "Thống kê" }
        p.meta { (WEEKS) " tuần gần nhất, từ " (f.weeks[0].vn_date()) " đến hôm nay." }
        ul.counts {
            li { "Tin báo: " strong { (f.total) } }
            li { "Khẩn đang mở: " strong { (urgent.len()) } }
            li { "Góp ý, khiếu nại về cán bộ: " strong { (f.complaints) } }
        }
        div.charts {
            section.chart-box {
                h2 { "Theo loại tin báo" }
                (by_category.render())
            }
            section.chart-box {
                h2 { "Theo khu phố" }
                (by_area.render())
            }
        }
        h2 { "Thời gian phản hồi so với chỉ tiêu" }
        table.figures {
            tr { th { "" } th { "Chỉ tiêu" } th { "Số tin" } th { "Trung vị" } th { "Đạt chỉ tiêu" } }
            (timing_row("Tin khẩn", &f.urgent, &age))
            (timing_row("Tin thường", &f.ordinary, &age))
        }
        p.meta {
            "Phản hồi đầu tiên: cán bộ nhận, trả lời hoặc đổi trạng thái. Tin chưa phản hồi mà đã quá chỉ tiêu được tính là không đạt."
        }
        h2 { "Thời gian giải quyết" }
        table.figures {
            tr { th { "Đã xong" } th { "Trung vị" } th { "90% xong trong" } }
            tr {
                td { (f.resolution.times.len()) " / " (f.resolution.cases) }
                td { (f.resolution.median().map(age).unwrap_or_else(|| "—".into())) }
                td { (percentile(&f.resolution.times, 90).map(age).unwrap_or_else(|| "—".into())) }
            }
        }
        h2 { "Tin khẩn đang mở" }
        @if urgent.is_empty() {
            p.notice { "Không có tin khẩn nào đang mở." }
        }
        ul.cases {
            @for c in &visible {
                li.urgent {
                    span.tag.urgent { "KHẨN" }
                    a href={ "/cases/" (c.code) } { strong { (c.code) } }
                    " · " (t.category[c.category])
                    div.meta {
                        (c.khu_pho.as_deref().unwrap_or("—")) " · "
                        (age(now.since(c.created_at))) " · " (t.status[c.status])
                    }
                }
            }
        }
        @if hidden > 0 {
            p.meta { (hidden) " tin khẩn là góp ý, khiếu nại về cán bộ (chỉ Trưởng Công an phường xem)." }
        }
    };
    Ok(view::respond(
        StatusCode::OK,
        view::page("Thống kê", Some(&session), false, body),
    ))
}

/// A week's label: its Monday, `dd/mm`.
fn week_label(monday: Timestamp) -> String {
    monday.vn_date().chars().take(5).collect()
}

fn timing_row(label: &str, t: &Timing, age: &dyn Fn(Duration) -> String) -> Markup {
    html! {
        tr {
            th { (label) }
            td { (age(t.target)) }
            td { (t.cases) }
            td { (t.median().map(age).unwrap_or_else(|| "—".into())) }
            td {
                @match t.share_within() {
                    Some(share) => {
                        meter min="0" max="100" low="60" high="85" optimum="100" value=(share) { (share) "%" }
                        " " strong { (share) "%" } " (" (t.within) "/" (t.within + t.missed) ")"
                    }
                    None => { "—" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserKey;

    const HOUR: Duration = Duration::from_secs(3600);
    const MINUTE: Duration = Duration::from_secs(60);

    fn service() -> ServiceLevelSettings {
        ServiceLevelSettings {
            urgent_first_response_minutes: 15,
            ordinary_first_response_hours: 4,
            check_interval_secs: 60,
            resolution_days: 0,
            resolution_warning_days: 0,
        }
    }

    /// Monday 23/11/2026 12:00 in Vietnam.
    fn monday_noon() -> Timestamp {
        Timestamp::from_millis(1_795_885_200_000 - 6 * 86_400_000).plus(12 * HOUR)
    }

    fn case(category: Category, created: Timestamp, kp: Option<&str>) -> CaseRow {
        CaseRow {
            id: 1,
            code: crate::cases::code::find("PA-AAAAAA").expect("a code"),
            reporter_key: UserKey::new("k"),
            pseudonym: "Người báo #1".into(),
            category,
            urgent: 0,
            status: Status::Received,
            khu_pho: kp.map(str::to_owned),
            details: Vec::new(),
            created_at: created,
            updated_at: created,
            assigned_to: None,
            first_response_at: None,
            resolved_at: None,
            reminded_at: None,
            escalated_at: None,
        }
    }

    #[test]
    fn cases_are_counted_by_week_category_and_khu_pho() {
        let now = monday_noon().plus(HOUR);
        let areas = vec!["Khu phố 1".to_string(), "Khu phố 2".to_string()];
        let cases = vec![
            case(Category::Theft, monday_noon(), Some("Khu phố 2")),
            case(
                Category::Theft,
                monday_noon().minus(HOUR * 24),
                Some("Khu phố 1"),
            ),
            case(Category::Scam, monday_noon().minus(WEEK * 7), None),
            // Before the window: not counted.
            case(Category::Scam, monday_noon().minus(WEEK * 8), None),
            case(
                Category::Complaint,
                monday_noon().minus(WEEK),
                Some("Khu phố 9"),
            ),
        ];
        let f = figures(&cases, &areas, &service(), now);
        assert_eq!(f.weeks.len(), WEEKS);
        assert_eq!(f.weeks[WEEKS - 1], now.vn_week_start());
        assert_eq!(week_label(f.weeks[WEEKS - 1]), "23/11");
        assert_eq!(week_label(f.weeks[0]), "05/10");
        assert_eq!((f.total, f.complaints), (4, 1));
        let mut theft = vec![0; WEEKS];
        theft[WEEKS - 1] = 1;
        theft[WEEKS - 2] = 1;
        let mut scam = vec![0; WEEKS];
        scam[0] = 1;
        let mut complaint = vec![0; WEEKS];
        complaint[WEEKS - 2] = 1;
        assert_eq!(
            f.by_category,
            vec![
                (Category::Theft, theft),
                (Category::Scam, scam),
                (Category::Complaint, complaint)
            ]
        );
        let names: Vec<&str> = f.by_area.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(names, ["Khu phố 1", "Khu phố 2", NO_AREA]);
        let sums: Vec<u64> = f.by_area.iter().map(|(_, c)| c.iter().sum()).collect();
        assert_eq!(sums, [1, 1, 2]);
    }

    #[test]
    fn first_responses_are_measured_against_their_service_levels() {
        let now = monday_noon().plus(10 * HOUR);
        let at = monday_noon();
        let answered = |urgent: bool, after: Duration| {
            let mut c = case(Category::Disorder, at, None);
            c.urgent = i64::from(urgent);
            c.status = Status::Processing;
            c.first_response_at = Some(at.plus(after));
            c
        };
        let mut late_waiting = case(Category::Disorder, at, None);
        late_waiting.urgent = 1;
        let mut fresh = case(Category::Theft, now.minus(MINUTE), None);
        fresh.urgent = 0;
        let mut resolved = answered(false, HOUR);
        resolved.status = Status::Resolved;
        resolved.resolved_at = Some(at.plus(3 * HOUR));
        let cases = vec![
            answered(true, 5 * MINUTE),
            answered(true, 10 * MINUTE),
            answered(true, 40 * MINUTE),
            late_waiting,
            answered(false, 2 * HOUR),
            answered(false, 5 * HOUR),
            resolved,
            fresh,
        ];
        let f = figures(&cases, &[], &service(), now);
        assert_eq!(f.urgent.target, 15 * MINUTE);
        assert_eq!(
            (f.urgent.cases, f.urgent.within, f.urgent.missed),
            (4, 2, 2)
        );
        assert_eq!(f.urgent.median(), Some(10 * MINUTE));
        assert_eq!(f.urgent.share_within(), Some(50));
        // The fresh case is not due yet: neither within nor missed.
        assert_eq!(
            (f.ordinary.cases, f.ordinary.within, f.ordinary.missed),
            (4, 2, 1)
        );
        assert_eq!(f.ordinary.median(), Some(2 * HOUR));
        assert_eq!(f.ordinary.share_within(), Some(67));
        assert_eq!(f.resolution.times, vec![3 * HOUR]);
        assert_eq!(f.resolution.cases, 8);
    }

    #[test]
    fn no_cases_no_figures() {
        let f = figures(&[], &["Khu phố 1".into()], &service(), monday_noon());
        assert_eq!(f.total, 0);
        assert!(f.by_category.is_empty());
        assert_eq!(f.by_area, vec![("Khu phố 1".to_string(), vec![0; WEEKS])]);
        assert_eq!(f.urgent.median(), None);
        assert_eq!(f.urgent.share_within(), None);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let t: Vec<Duration> = (1..=10).map(|m| m * MINUTE).collect();
        assert_eq!(percentile(&t, 50), Some(5 * MINUTE));
        assert_eq!(percentile(&t, 90), Some(9 * MINUTE));
        assert_eq!(percentile(&t[..1], 90), Some(MINUTE));
        assert_eq!(percentile(&[], 50), None);
    }
}
