//! `cases` and `case_events`: reports and their timeline.

use super::{Store, Tx};

/// A case to create.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Public code, e.g. `PA-7K3M9Q`.
    pub code: String,
    /// Keyed hash of the reporter.
    pub reporter_key: String,
    /// Shown to officers instead of the reporter.
    pub pseudonym: String,
    /// Category id.
    pub category: String,
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
    pub code: String,
    /// Keyed hash of the reporter.
    pub reporter_key: String,
    /// Pseudonym.
    pub pseudonym: String,
    /// Category id.
    pub category: String,
    /// 1 when urgent.
    pub urgent: i64,
    /// Status id.
    pub status: String,
    /// Khu phố.
    pub khu_pho: Option<String>,
    /// Sealed details.
    pub details: Vec<u8>,
    /// Created, ms.
    pub created_at: i64,
    /// Last change, ms.
    pub updated_at: i64,
}

const CASE_COLUMNS: &str =
    "id, code, reporter_key, pseudonym, category, urgent, status, khu_pho, details, created_at, updated_at";

impl Store {
    /// Creates a case; `Ok(None)` if the code is already taken (the caller draws another).
    pub async fn create_case(
        &self,
        tx: &mut Tx,
        case: &NewCase,
        now: i64,
    ) -> sqlx::Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "insert into cases (code, reporter_key, pseudonym, category, urgent, khu_pho, details, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8) on conflict (code) do nothing returning id",
        )
        .bind(&case.code)
        .bind(&case.reporter_key)
        .bind(&case.pseudonym)
        .bind(&case.category)
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
        now: i64,
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
        code: &str,
        reporter_key: &str,
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
        reporter_key: &str,
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

    /// Cases by status, for metrics.
    pub async fn case_counts(&self) -> sqlx::Result<Vec<(String, i64)>> {
        sqlx::query_as("select status, count(*) from cases group by status")
            .fetch_all(self.pool())
            .await
    }
}
