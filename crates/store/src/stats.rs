//! Figures about the whole database for monitoring (`/metrics`): jobs by kind and state, how
//! many articles wait for a story and since when, totals. Each is one aggregate query, read
//! at scrape time.

use crate::StoreError;
use sqlx::{AnyPool, Row};
use tidings_model::UnixSeconds;

/// How many jobs of one kind are in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobGroup {
    /// The job kind (`fetch_source`, `fetch_article`, …).
    pub kind: String,
    /// `queued`, `running` or `dead`.
    pub state: String,
    /// How many.
    pub count: i64,
}

/// A snapshot of the database's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Jobs grouped by kind and state.
    pub jobs: Vec<JobGroup>,
    /// Queued jobs already due whose run time is the oldest, in ms since the epoch.
    pub oldest_due_job_ms: Option<i64>,
    /// Every article.
    pub articles: i64,
    /// Articles not yet placed in a story.
    pub unplaced_articles: i64,
    /// When the oldest unplaced article was fetched.
    pub oldest_unplaced_fetched_at: Option<UnixSeconds>,
    /// Every story.
    pub stories: i64,
    /// Every source.
    pub sources: i64,
    /// Sources whose last fetch failed (a paused source does not count).
    pub failing_sources: i64,
}

/// Reads the figures.
#[derive(Debug, Clone, Copy)]
pub struct Stats<'a> {
    pool: &'a AnyPool,
}

impl<'a> Stats<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Stats { pool }
    }

    /// Reads every figure; `now_ms` decides which queued jobs are due.
    pub async fn snapshot(&self, now_ms: i64) -> Result<StoreStats, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state",
        )
        .fetch_all(self.pool)
        .await?;
        let jobs = rows
            .iter()
            .map(|row| {
                Ok(JobGroup {
                    kind: row.try_get("kind")?,
                    state: row.try_get("state")?,
                    count: row.try_get("n")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let due = sqlx::query(
            "SELECT MIN(run_at_ms) AS oldest FROM jobs WHERE state = 'queued' AND run_at_ms <= $1",
        )
        .bind(now_ms)
        .fetch_one(self.pool)
        .await?;
        let articles = sqlx::query(
            "SELECT COUNT(*) AS n, \
             (SELECT COUNT(*) FROM articles WHERE story_id IS NULL) AS unplaced, \
             (SELECT MIN(fetched_at) FROM articles WHERE story_id IS NULL) AS oldest, \
             (SELECT COUNT(*) FROM stories) AS stories, \
             (SELECT COUNT(*) FROM sources) AS sources, \
             (SELECT COUNT(*) FROM sources WHERE error_count > 0 AND paused_at IS NULL) AS failing \
             FROM articles",
        )
        .fetch_one(self.pool)
        .await?;
        Ok(StoreStats {
            jobs,
            oldest_due_job_ms: due.try_get("oldest")?,
            articles: articles.try_get("n")?,
            unplaced_articles: articles.try_get("unplaced")?,
            oldest_unplaced_fetched_at: articles.try_get("oldest")?,
            stories: articles.try_get("stories")?,
            sources: articles.try_get("sources")?,
            failing_sources: articles.try_get("failing")?,
        })
    }
}
