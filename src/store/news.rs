//! `news`: announcements and warnings shown to residents, newest first; the chief edits and
//! withdraws them from the web console (a withdrawn item stays, marked `expired_at`).

use super::{Store, Tx};
use crate::time::Timestamp;

/// What a published item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NewsKind {
    /// News from the station.
    News,
    /// A warning (scams, thefts going round), shown marked as one.
    Warning,
}

impl NewsKind {
    /// Stable id, stored in `news.kind`.
    pub fn id(self) -> &'static str {
        match self {
            NewsKind::News => "news",
            NewsKind::Warning => "warning",
        }
    }

    /// Parses an id.
    pub fn from_id(id: &str) -> Option<NewsKind> {
        [NewsKind::News, NewsKind::Warning]
            .into_iter()
            .find(|k| k.id() == id)
    }
}

/// A news item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NewsItem {
    /// Row id.
    pub id: i64,
    /// News or warning.
    pub kind: NewsKind,
    /// Title.
    pub title: String,
    /// Short text.
    pub body: String,
    /// Optional link.
    pub link: Option<String>,
    /// Publication time, ms.
    pub published_at: Timestamp,
}

/// An item as the chief's console lists it: withdrawn ones included.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NewsRecord {
    /// Row id.
    pub id: i64,
    /// News or warning.
    pub kind: NewsKind,
    /// Title.
    pub title: String,
    /// Short text.
    pub body: String,
    /// Publication time, ms.
    pub published_at: Timestamp,
    /// Last edit, ms.
    pub updated_at: Option<Timestamp>,
    /// When it was withdrawn, ms; residents no longer see it.
    pub expired_at: Option<Timestamp>,
}

impl Store {
    /// A page of the items residents see (not withdrawn), newest first; one more than `limit`
    /// is fetched to tell if more remain.
    pub async fn news_page(
        &self,
        tx: &mut Tx,
        offset: i64,
        limit: i64,
    ) -> sqlx::Result<(Vec<NewsItem>, bool)> {
        let mut items: Vec<NewsItem> = sqlx::query_as(
            "select id, kind, title, body, link, published_at from news where expired_at is null
             order by published_at desc, id desc limit $1 offset $2",
        )
        .bind(limit + 1)
        .bind(offset)
        .fetch_all(&mut **tx)
        .await?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        Ok((items, more))
    }

    /// Publishes an item.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_news(
        &self,
        tx: &mut Tx,
        kind: NewsKind,
        title: &str,
        body: &str,
        link: Option<&str>,
        published_at: Timestamp,
        created_by: &str,
        now: Timestamp,
    ) -> sqlx::Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "insert into news (kind, title, body, link, published_at, created_by, created_at)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(kind)
        .bind(title)
        .bind(body)
        .bind(link)
        .bind(published_at)
        .bind(created_by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Number of items.
    pub async fn news_count(&self) -> sqlx::Result<i64> {
        let (n,): (i64,) = sqlx::query_as("select count(*) from news")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// The latest `limit` items, withdrawn ones included, newest first (the chief's list).
    pub async fn news_records(&self, tx: &mut Tx, limit: i64) -> sqlx::Result<Vec<NewsRecord>> {
        sqlx::query_as(
            "select id, kind, title, body, published_at, updated_at, expired_at from news
             order by published_at desc, id desc limit $1",
        )
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
    }

    /// One item, withdrawn or not.
    pub async fn news_record(&self, tx: &mut Tx, id: i64) -> sqlx::Result<Option<NewsRecord>> {
        sqlx::query_as(
            "select id, kind, title, body, published_at, updated_at, expired_at from news
             where id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
    }

    /// Rewrites an item still shown; `false` if there is none (or it was withdrawn).
    pub async fn edit_news(
        &self,
        tx: &mut Tx,
        id: i64,
        kind: NewsKind,
        title: &str,
        body: &str,
        now: Timestamp,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "update news set kind = $1, title = $2, body = $3, updated_at = $4
             where id = $5 and expired_at is null",
        )
        .bind(kind)
        .bind(title)
        .bind(body)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Withdraws an item: residents no longer see it. `false` if there is none still shown.
    pub async fn expire_news(&self, tx: &mut Tx, id: i64, now: Timestamp) -> sqlx::Result<bool> {
        let result =
            sqlx::query("update news set expired_at = $1 where id = $2 and expired_at is null")
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        Ok(result.rows_affected() == 1)
    }
}
