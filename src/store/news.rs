//! `news`: announcements and warnings shown to residents, newest first.

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

impl Store {
    /// A page of items, newest first; one more than `limit` is fetched to tell if more remain.
    pub async fn news_page(
        &self,
        tx: &mut Tx,
        offset: i64,
        limit: i64,
    ) -> sqlx::Result<(Vec<NewsItem>, bool)> {
        let mut items: Vec<NewsItem> = sqlx::query_as(
            "select id, kind, title, body, link, published_at from news
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
}
