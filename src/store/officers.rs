//! `officers` and `audit_log`: who may run commands, with which role, and the append-only
//! record of everything they did (and were refused).

use super::{Backend, Store, Tx};
use crate::access::{AuditAction, Outcome, Role};
use crate::ids::UserKey;
use crate::time::Timestamp;

/// One row of the audit log, as the chief's console page shows it (the sealed detail is left
/// out: it may hold a reveal's reason).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// When.
    pub at: Timestamp,
    /// The officer's handle at the time.
    pub actor_handle: Option<String>,
    /// What.
    pub action: AuditAction,
    /// Case code, handle or khu phố.
    pub target: Option<String>,
    /// Done, refused or not understood.
    pub outcome: Outcome,
}

/// A registered officer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficerRow {
    /// Keyed hash of the Zalo id.
    pub user_key: UserKey,
    /// Sealed Zalo id.
    pub zalo_id_sealed: Vec<u8>,
    /// Short command name.
    pub handle: String,
    /// Display name.
    pub name: String,
    /// Chief or officer.
    pub role: Role,
    /// Khu phố, `|`-separated.
    pub areas: String,
    /// 1 when paged for emergencies.
    pub on_call: i64,
    /// 1 when the chief allows this officer to alert the whole ward.
    pub may_alert_all: i64,
}

impl OfficerRow {
    /// Whether this officer is the chief.
    pub fn is_chief(&self) -> bool {
        self.role == Role::Chief
    }

    /// Whether this officer may send `/alert all`: the chief, or an officer the chief allowed.
    pub fn may_alert_everyone(&self) -> bool {
        self.is_chief() || self.may_alert_all == 1
    }

    /// The khu phố this officer covers.
    pub fn area_list(&self) -> Vec<&str> {
        self.areas.split('|').filter(|a| !a.is_empty()).collect()
    }
}

const OFFICER_COLUMNS: &str =
    "user_key, zalo_id_sealed, handle, name, role, areas, on_call, may_alert_all";

impl Store {
    /// The active officer with this keyed hash.
    pub async fn officer(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
    ) -> sqlx::Result<Option<OfficerRow>> {
        sqlx::query_as(&format!(
            "select {OFFICER_COLUMNS} from officers where user_key = $1 and active = 1"
        ))
        .bind(user_key)
        .fetch_optional(&mut **tx)
        .await
    }

    /// The active officer with this handle.
    pub async fn officer_by_handle(
        &self,
        tx: &mut Tx,
        handle: &str,
    ) -> sqlx::Result<Option<OfficerRow>> {
        sqlx::query_as(&format!(
            "select {OFFICER_COLUMNS} from officers where handle = $1 and active = 1"
        ))
        .bind(handle)
        .fetch_optional(&mut **tx)
        .await
    }

    /// All active officers, by handle (byte order on both backends).
    pub async fn officers(&self, tx: &mut Tx) -> sqlx::Result<Vec<OfficerRow>> {
        // PostgreSQL sorts text by the database's collation: under `en_US` or ICU `en` it puts
        // `an_d` before `an-z`, SQLite and the C collation the other way round.
        let order = match self.backend() {
            Backend::Sqlite => "order by handle",
            Backend::Postgres => "order by handle collate \"C\"",
        };
        sqlx::query_as(&format!(
            "select {OFFICER_COLUMNS} from officers where active = 1 {order}"
        ))
        .fetch_all(&mut **tx)
        .await
    }

    /// Adds or re-activates an officer (keyed by Zalo id); the handle must be free.
    #[allow(clippy::too_many_arguments)]
    pub async fn upsert_officer(
        &self,
        tx: &mut Tx,
        user_key: &UserKey,
        zalo_id_sealed: &[u8],
        handle: &str,
        name: &str,
        role: Role,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into officers (user_key, zalo_id_sealed, handle, name, role, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6)
             on conflict (user_key) do update set handle = excluded.handle, name = excluded.name,
                role = excluded.role, active = 1, updated_at = excluded.updated_at",
        )
        .bind(user_key)
        .bind(zalo_id_sealed)
        .bind(handle)
        .bind(name)
        .bind(role)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Frees a removed officer's handle for someone new (the old row keeps a suffixed one, so the
    /// audit log still names who it was). No effect on an active officer's handle.
    pub async fn release_handle(
        &self,
        tx: &mut Tx,
        handle: &str,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "update officers set handle = handle || '~' || cast($1 as text), updated_at = $1
             where handle = $2 and active = 0",
        )
        .bind(now)
        .bind(handle)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Deactivates an officer (rows are kept: the audit log refers to them).
    pub async fn deactivate_officer(
        &self,
        tx: &mut Tx,
        handle: &str,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let r = sqlx::query("update officers set active = 0, on_call = 0, updated_at = $1 where handle = $2 and active = 1")
            .bind(now)
            .bind(handle)
            .execute(&mut **tx)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Sets the khu phố an officer covers.
    pub async fn set_officer_areas(
        &self,
        tx: &mut Tx,
        handle: &str,
        areas: &[String],
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let r = sqlx::query(
            "update officers set areas = $1, updated_at = $2 where handle = $3 and active = 1",
        )
        .bind(areas.join("|"))
        .bind(now)
        .bind(handle)
        .execute(&mut **tx)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Allows or stops an officer sending `/alert all`. False when no active officer has the
    /// handle.
    pub async fn set_may_alert_all(
        &self,
        tx: &mut Tx,
        handle: &str,
        allowed: bool,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let r = sqlx::query(
            "update officers set may_alert_all = $1, updated_at = $2 where handle = $3 and active = 1",
        )
        .bind(i64::from(allowed))
        .bind(now)
        .bind(handle)
        .execute(&mut **tx)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Replaces the on-call roster with these handles.
    pub async fn set_on_call(
        &self,
        tx: &mut Tx,
        handles: &[String],
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query("update officers set on_call = 0, updated_at = $1 where on_call = 1")
            .bind(now)
            .execute(&mut **tx)
            .await?;
        for handle in handles {
            sqlx::query(
                "update officers set on_call = 1, updated_at = $1 where handle = $2 and active = 1",
            )
            .bind(now)
            .bind(handle)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Appends an audit row.
    #[allow(clippy::too_many_arguments)]
    pub async fn audit(
        &self,
        tx: &mut Tx,
        actor_key: &str,
        actor_handle: Option<&str>,
        action: AuditAction,
        target: Option<&str>,
        outcome: Outcome,
        sealed_detail: Option<&[u8]>,
        now: Timestamp,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "insert into audit_log (at, actor_key, actor_handle, action, target, outcome, detail)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(now)
        .bind(actor_key)
        .bind(actor_handle)
        .bind(action)
        .bind(target)
        .bind(outcome)
        .bind(sealed_detail)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The latest audit rows, newest first.
    pub async fn recent_audit(&self, tx: &mut Tx, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as(
            "select at, actor_handle, action, target, outcome from audit_log
             order by id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
    }
}
