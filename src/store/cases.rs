//! `cases` and `case_events`: reports and their timeline.

use super::{Store, Tx};
use crate::cases::{CaseCode, Category, Status};
use crate::ids::UserKey;
use crate::time::Timestamp;

/// A case to create.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Public code, e.g. `PA-7K3M9Q`.
    pub code: CaseCode,
    /// Keyed hash of the reporter.
    pub reporter_key: UserKey,
    /// Shown to officers instead of the reporter.
    pub pseudonym: String,
    /// What it is about.
    pub category: Category,
    /// Emergency.
    pub urgent: bool,
    /// Khu phố, if known.
    pub khu_pho: Option<String>,
    /// Sealed details.
    pub details: Vec<u8>,
}

/// A stored case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    /// Row id.
    pub id: i64,
    /// Public code.
    pub code: CaseCode,
    /// Keyed hash of the reporter.
    pub reporter_key: UserKey,
    /// Pseudonym.
    pub pseudonym: String,
    /// What it is about.
    pub category: Category,
    /// 1 when urgent.
    pub urgent: i64,
    /// Where it stands.
    pub status: Status,
    /// Khu phố.
    pub khu_pho: Option<String>,
    /// Sealed details.
    pub details: Vec<u8>,
    /// Created, ms.
    pub created_at: Timestamp,
    /// Last change, ms.
    pub updated_at: Timestamp,
    /// Keyed hash of the assigned officer.
    pub assigned_to: Option<UserKey>,
    /// First officer action, ms.
    pub first_response_at: Option<Timestamp>,
    /// Resolved or rejected, ms.
    pub resolved_at: Option<Timestamp>,
    /// Overdue reminder sent to the assignee, ms.
    pub reminded_at: Option<Timestamp>,
    /// Overdue escalation sent to the chief, ms.
    pub escalated_at: Option<Timestamp>,
}

/// One timeline entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseEvent {
    /// When, ms.
    pub at: Timestamp,
    /// `created`, `status`, `note`, `reply`, `resident_message`, `assigned`…
    pub kind: String,
    /// `resident`, `system` or an officer's keyed hash.
    pub actor: String,
    /// Sealed text.
    pub body: Option<Vec<u8>>,
}

/// Which cases an officer list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only these statuses (empty: any).
    pub statuses: Vec<Status>,
    /// Only urgent ones.
    pub urgent_only: bool,
    /// Only those assigned to this keyed hash.
    pub assigned_to: Option<UserKey>,
    /// Only this khu phố.
    pub khu_pho: Option<String>,
}

/// The service-level messages sent once per case (`officers::sla`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseReminder {
    /// No first response past the target: the assignee was reminded.
    FirstResponse,
    /// No first response past twice the target: the chief was told.
    FirstResponseEscalated,
    /// The resolution target is near: the assignee was warned.
    Resolution,
    /// The resolution target has passed: the chief was told.
    ResolutionEscalated,
}

impl CaseReminder {
    /// The column recording when it was sent.
    fn column(self) -> &'static str {
        match self {
            CaseReminder::FirstResponse => "reminded_at",
            CaseReminder::FirstResponseEscalated => "escalated_at",
            CaseReminder::Resolution => "resolution_warned_at",
            CaseReminder::ResolutionEscalated => "resolution_escalated_at",
        }
    }
}

/// An open case as the resolution check sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OpenCaseRow {
    /// Row id.
    pub id: i64,
    /// The code residents quote.
    pub code: CaseCode,
    /// Category.
    pub category: Category,
    /// Who handles it.
    pub assigned_to: Option<UserKey>,
    /// When it was opened.
    pub created_at: Timestamp,
    /// When the assignee was warned it nears the resolution target.
    pub resolution_warned_at: Option<Timestamp>,
    /// When the chief was told it passed the target.
    pub resolution_escalated_at: Option<Timestamp>,
}

const CASE_COLUMNS: &str = "id, code, reporter_key, pseudonym, category, urgent, status, khu_pho, details, \
     created_at, updated_at, assigned_to, first_response_at, resolved_at, reminded_at, escalated_at";

impl Store {
    /// Creates a case; `Ok(None)` if the code is already taken (the caller draws another).
    pub async fn create_case(
        &self,
        tx: &mut Tx,
        case: &NewCase,
        now: Timestamp,
    ) -> sqlx::Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "insert into cases (code, reporter_key, pseudonym, category, urgent, khu_pho, details, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8) on conflict (code) do nothing returning id",
        )
        .bind(&case.code)
        .bind(&case.reporter_key)
        .bind(&case.pseudonym)
        .bind(case.category)
        .bind(i64::from(case.urgent))
        .bind(&case.khu_pho)
        .bind(&case.details)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((id,)) = row else { return Ok(None) };
        self.add_case_event(tx, id, "created", "resident", None, now)
            .await?;
        Ok(Some(id))
    }

    /// Appends to a case's timeline (append-only: nothing edits or deletes these rows).
    pub async fn add_case_event(
        &self,
        tx: &mut Tx,
        case_id: i64,
        kind: &str,
        actor: &str,
        sealed_body: Option<&[u8]>,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into case_events (case_id, at, kind, actor, body) values ($1, $2, $3, $4, $5)",
        )
        .bind(case_id)
        .bind(now)
        .bind(kind)
        .bind(actor)
        .bind(sealed_body)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A case by code, only if `reporter_key` reported it.
    pub async fn case_of_reporter(
        &self,
        tx: &mut Tx,
        code: &CaseCode,
        reporter_key: &UserKey,
    ) -> sqlx::Result<Option<CaseRow>> {
        sqlx::query_as(&format!(
            "select {CASE_COLUMNS} from cases where code = $1 and reporter_key = $2"
        ))
        .bind(code)
        .bind(reporter_key)
        .fetch_optional(&mut **tx)
        .await
    }

    /// The reporter's most recent cases, newest first.
    pub async fn cases_of_reporter(
        &self,
        tx: &mut Tx,
        reporter_key: &UserKey,
        limit: i64,
    ) -> sqlx::Result<Vec<CaseRow>> {
        sqlx::query_as(&format!(
            "select {CASE_COLUMNS} from cases where reporter_key = $1 order by id desc limit $2"
        ))
        .bind(reporter_key)
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
    }

    /// A case by code (officer side: any case).
    pub async fn case_by_code(
        &self,
        tx: &mut Tx,
        code: &CaseCode,
    ) -> sqlx::Result<Option<CaseRow>> {
        sqlx::query_as(&format!("select {CASE_COLUMNS} from cases where code = $1"))
            .bind(code)
            .fetch_optional(&mut **tx)
            .await
    }

    /// Cases matching the query, urgent first, then oldest first.
    pub async fn list_cases(
        &self,
        tx: &mut Tx,
        q: &CaseQuery,
        limit: i64,
    ) -> sqlx::Result<Vec<CaseRow>> {
        // Built from fixed fragments only; every value is bound.
        let mut sql = format!("select {CASE_COLUMNS} from cases where 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if !q.statuses.is_empty() {
            let marks: Vec<String> = q.statuses.iter().map(|_| next()).collect();
            sql.push_str(&format!(" and status in ({})", marks.join(", ")));
        }
        if q.urgent_only {
            sql.push_str(" and urgent = 1");
        }
        if q.assigned_to.is_some() {
            sql.push_str(&format!(" and assigned_to = {}", next()));
        }
        if q.khu_pho.is_some() {
            sql.push_str(&format!(" and khu_pho = {}", next()));
        }
        sql.push_str(&format!(" order by urgent desc, id asc limit {}", next()));
        let mut query = sqlx::query_as(&sql);
        for status in &q.statuses {
            query = query.bind(status);
        }
        if let Some(officer) = &q.assigned_to {
            query = query.bind(officer);
        }
        if let Some(area) = &q.khu_pho {
            query = query.bind(area);
        }
        query.bind(limit).fetch_all(&mut **tx).await
    }

    /// Assigns a case and records who did it (`actor`: an officer's keyed hash or `system`)
    /// on the timeline.
    pub async fn assign_case(
        &self,
        tx: &mut Tx,
        id: i64,
        officer_key: &UserKey,
        actor: &str,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("update cases set assigned_to = $1, updated_at = $2 where id = $3")
            .bind(officer_key)
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        self.add_case_event(tx, id, "assigned", actor, None, now)
            .await
    }

    /// Changes a case's status; the first officer action also stamps the first response, and
    /// resolved/rejected stamp the resolution.
    pub async fn set_case_status(
        &self,
        tx: &mut Tx,
        id: i64,
        status: Status,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        let closes = matches!(status, Status::Resolved | Status::Rejected);
        sqlx::query(
            "update cases set status = $1, updated_at = $2,
                resolved_at = case when $3 = 1 then $2 else null end
             where id = $4",
        )
        .bind(status)
        .bind(now)
        .bind(i64::from(closes))
        .bind(id)
        .execute(&mut **tx)
        .await?;
        self.mark_first_response(tx, id, now).await
    }

    /// Stamps the first officer response, once.
    pub async fn mark_first_response(
        &self,
        tx: &mut Tx,
        id: i64,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update cases set first_response_at = $1 where id = $2 and first_response_at is null",
        )
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A case's timeline, oldest first.
    pub async fn case_events(&self, tx: &mut Tx, case_id: i64) -> sqlx::Result<Vec<CaseEvent>> {
        sqlx::query_as(
            "select at, kind, actor, body from case_events where case_id = $1 order by id",
        )
        .bind(case_id)
        .fetch_all(&mut **tx)
        .await
    }

    /// Cases created since `since`, for statistics.
    pub async fn cases_since(&self, tx: &mut Tx, since: Timestamp) -> sqlx::Result<Vec<CaseRow>> {
        sqlx::query_as(&format!(
            "select {CASE_COLUMNS} from cases where created_at >= $1"
        ))
        .bind(since)
        .fetch_all(&mut **tx)
        .await
    }

    /// Open cases nobody has responded to yet (candidates for service-level reminders).
    pub async fn unanswered_cases(&self, tx: &mut Tx) -> sqlx::Result<Vec<CaseRow>> {
        sqlx::query_as(&format!(
            "select {CASE_COLUMNS} from cases where first_response_at is null and status = 'received' order by id"
        ))
        .fetch_all(&mut **tx)
        .await
    }

    /// Open cases (received, being handled, waiting for information) opened before `cutoff`
    /// whose resolution warning or escalation has not both been sent.
    pub async fn open_cases_before(
        &self,
        tx: &mut Tx,
        cutoff: Timestamp,
    ) -> sqlx::Result<Vec<OpenCaseRow>> {
        let open: Vec<String> = Status::OPEN
            .iter()
            .map(|s| format!("'{}'", s.id()))
            .collect();
        sqlx::query_as(&format!(
            "select id, code, category, assigned_to, created_at, resolution_warned_at, resolution_escalated_at
             from cases where created_at < $1 and status in ({})
               and (resolution_warned_at is null or resolution_escalated_at is null)
             order by id",
            open.join(", ")
        ))
        .bind(cutoff)
        .fetch_all(&mut **tx)
        .await
    }

    /// Records that a service-level message about a case was sent, so it is sent once.
    pub async fn mark_case_reminded(
        &self,
        tx: &mut Tx,
        id: i64,
        reminder: CaseReminder,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        let column = reminder.column();
        sqlx::query(&format!("update cases set {column} = $1 where id = $2"))
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Cases by status, for metrics.
    pub async fn case_counts(&self) -> sqlx::Result<Vec<(Status, i64)>> {
        sqlx::query_as("select status, count(*) from cases group by status")
            .fetch_all(self.pool())
            .await
    }
}
