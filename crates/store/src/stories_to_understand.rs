//! The queue of stories whose understanding must be computed again because they lost
//! articles (a source removed, retention): written in the transaction that deletes the
//! articles, beside the deletion, and drained by the pipeline into its understanding jobs,
//! whose format this crate does not know. Only stories that still have articles are queued:
//! a story left empty is unlisted and has nothing to be understood from.

use crate::StoreError;
use crate::id_list::{CHUNK, in_list};
use crate::jobs::{NewJob, enqueue_on};
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};
use tidings_model::StoryId;

/// Queues the stories `ids` that still have articles, on `conn` (the deleting transaction,
/// once the stories' aggregates are refreshed): all of them are queued, then those left
/// empty are taken off the queue, queued now or by an earlier deletion. A story queued
/// already stays queued once.
pub(crate) async fn queue_survivors(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(CHUNK) {
        let list = in_list(chunk.iter().copied());
        let queue = format!(
            "INSERT INTO stories_to_understand (story_id) SELECT id FROM stories \
             WHERE id IN ({list}) ON CONFLICT (story_id) DO NOTHING"
        );
        sqlx::query(sqlx::AssertSqlSafe(queue))
            .execute(&mut *conn)
            .await?;
        let unqueue = format!(
            "DELETE FROM stories_to_understand WHERE story_id IN \
             (SELECT id FROM stories WHERE id IN ({list}) AND article_count = 0)"
        );
        sqlx::query(sqlx::AssertSqlSafe(unqueue))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Reads and drains the queue of stories to understand again.
#[derive(Debug, Clone, Copy)]
pub struct StoriesToUnderstand<'a> {
    pool: &'a AnyPool,
}

impl<'a> StoriesToUnderstand<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        StoriesToUnderstand { pool }
    }

    /// At most `limit` queued stories, lowest id first.
    pub async fn pending(&self, limit: i64) -> Result<Vec<StoryId>, StoreError> {
        let rows =
            sqlx::query("SELECT story_id FROM stories_to_understand ORDER BY story_id LIMIT $1")
                .bind(limit)
                .fetch_all(self.pool)
                .await?;
        rows.iter()
            .map(|row| Ok(StoryId(row.try_get("story_id")?)))
            .collect()
    }

    /// Takes at most `limit` queued stories off the queue, lowest id first, in a transaction
    /// that [`TakenStories::commit_with_jobs`] commits with their jobs; dropped uncommitted,
    /// it leaves them queued. A story whose job (key `job_key_prefix` followed by the story's
    /// id) is running stays queued for a later take: that job may have read the story before
    /// it lost its articles, and no second job with its key can be queued while it runs.
    /// Processes taking at once never take the same story: the first deletes its row.
    pub async fn take(&self, job_key_prefix: &str, limit: i64) -> Result<TakenStories, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        // A write first, so that SQLite takes its write lock at once rather than upgrading
        // a read later.
        let rows = sqlx::query(
            "DELETE FROM stories_to_understand WHERE story_id IN \
             (SELECT q.story_id FROM stories_to_understand q WHERE NOT EXISTS \
             (SELECT 1 FROM jobs j WHERE j.key = $1 || CAST(q.story_id AS TEXT) \
             AND j.state = 'running') ORDER BY q.story_id LIMIT $2) RETURNING story_id",
        )
        .bind(job_key_prefix)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut stories = rows
            .iter()
            .map(|row| Ok(StoryId(row.try_get("story_id")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        stories.sort();
        Ok(TakenStories { tx, stories })
    }
}

/// Stories taken off the queue in a transaction not yet committed (see
/// [`StoriesToUnderstand::take`]).
pub struct TakenStories {
    tx: Transaction<'static, Any>,
    stories: Vec<StoryId>,
}

impl TakenStories {
    /// The stories taken, lowest id first.
    pub fn stories(&self) -> &[StoryId] {
        &self.stories
    }

    /// Enqueues `jobs` (each story's understanding, keyed, so that a story whose job is
    /// queued already is understood once) and commits: the stories leave this queue as their
    /// jobs enter the job queue.
    pub async fn commit_with_jobs(
        mut self,
        jobs: &[NewJob],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        for job in jobs {
            enqueue_on(&mut self.tx, job, now_ms).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}
