//! `api_call_budget`: the OA API calls already reserved in each 10-second window by all the
//! processes sharing this database, so together they stay under Zalo's per-app quota.

use super::Store;

impl Store {
    /// Reserves `calls` in the window starting at `window_start` if the window's total stays
    /// within `cap`; `false` when the window is (nearly) used up. All or nothing, atomic across
    /// processes.
    pub async fn reserve_calls(
        &self,
        window_start: i64,
        calls: i64,
        cap: i64,
    ) -> sqlx::Result<bool> {
        let created = sqlx::query(
            "insert into api_call_budget (window_start, used) values ($1, 0)
             on conflict (window_start) do nothing",
        )
        .bind(window_start)
        .execute(self.pool())
        .await?;
        if created.rows_affected() == 1 {
            // A new window: forget those older than an hour.
            sqlx::query("delete from api_call_budget where window_start < $1")
                .bind(window_start - 3_600_000)
                .execute(self.pool())
                .await?;
        }
        let granted = sqlx::query(
            "update api_call_budget set used = used + $2 where window_start = $1 and used + $2 <= $3",
        )
        .bind(window_start)
        .bind(calls)
        .bind(cap)
        .execute(self.pool())
        .await?;
        Ok(granted.rows_affected() == 1)
    }
}
