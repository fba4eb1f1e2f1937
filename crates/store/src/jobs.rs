//! The durable job queue: every step of the pipeline is a row here until it is done.
//!
//! A job is *queued* until a worker claims it, *running* while the worker holds its lease, and
//! deleted when the worker completes it. A failure puts it back in the queue with an
//! exponential back-off, until it has used its attempts and is *dead* (kept for the operator).
//! A worker that dies leaves its lease to expire; [`Jobs::reclaim_expired`] then queues the job
//! again. Each job may carry a unique `key`, so enqueueing the same work twice is a no-op while
//! it is pending, and revives it when it is dead.
//!
//! Times here are milliseconds since the epoch, passed in by the caller, so tests can drive
//! the clock.

use crate::{Backend, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::time::Duration;
use tidings_model::JobId;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What kind of work it is; the worker dispatches on it.
    pub kind: String,
    /// A unique key for the work (e.g. `fetch:42`): a second job with the same key is not
    /// added while the first is pending.
    pub key: Option<String>,
    /// The job's arguments, as JSON text.
    pub payload: String,
    /// When it may run, in milliseconds since the epoch.
    pub run_at_ms: i64,
    /// How many times it may be tried before it is dead.
    pub max_attempts: i64,
}

/// A job a worker has claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job's id.
    pub id: JobId,
    /// What kind of work it is.
    pub kind: String,
    /// Its unique key, if it has one.
    pub key: Option<String>,
    /// Its arguments, as JSON text.
    pub payload: String,
    /// How many times it has been claimed, this time included.
    pub attempts: i64,
    /// How many times it may be tried.
    pub max_attempts: i64,
    /// The worker that holds its lease.
    pub lease_owner: String,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Waiting to run (now or later).
    pub queued: i64,
    /// Claimed by a worker.
    pub running: i64,
    /// Out of attempts.
    pub dead: i64,
}

/// One kind of job's counts, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCounts {
    /// The kind (`fetch_source`, `fetch_article`, …).
    pub kind: String,
    /// How many are in each state.
    pub counts: JobCounts,
    /// When the longest-waiting due job became due, if one is waiting.
    pub oldest_due_ms: Option<i64>,
}

/// When a failed job runs again: `base × 2^(attempt − 1)`, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay after the first failure.
    pub base: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// The delay before the next try, after `attempts` tries have failed.
    pub fn delay(&self, attempts: i64) -> Duration {
        let exponent = attempts.saturating_sub(1).clamp(0, 30) as u32;
        self.base
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// The queue.
#[derive(Debug, Clone, Copy)]
pub struct Jobs<'a> {
    pool: &'a AnyPool,
    backend: Backend,
}

impl<'a> Jobs<'a> {
    pub(crate) fn new(pool: &'a AnyPool, backend: Backend) -> Self {
        Jobs { pool, backend }
    }

    /// Adds a job. Returns its id, or `None` when a job with the same key is already pending.
    /// A dead job with the same key is revived with fresh attempts.
    pub async fn enqueue(&self, job: &NewJob, now_ms: i64) -> Result<Option<JobId>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        enqueue_on(&mut conn, job, now_ms).await
    }

    /// Claims the next due job for `owner`, leased until `now_ms + lease`.
    pub async fn claim(
        &self,
        owner: &str,
        lease: Duration,
        now_ms: i64,
    ) -> Result<Option<Job>, StoreError> {
        let lease_until = now_ms.saturating_add(millis(lease));
        let row = sqlx::query(self.backend.claim_job_sql())
            .bind(owner)
            .bind(lease_until)
            .bind(now_ms)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|row| job_from_row(&row, owner)).transpose()?)
    }

    /// Extends the lease of a job its worker is still working on. Returns `false` when the
    /// worker no longer holds the lease (it expired and the job was reclaimed).
    pub async fn extend_lease(
        &self,
        job: &Job,
        lease: Duration,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_until_ms = $3, updated_at_ms = $4 \
             WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
        )
        .bind(job.id.0)
        .bind(&job.lease_owner)
        .bind(now_ms.saturating_add(millis(lease)))
        .bind(now_ms)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Completes a job: it leaves the queue. Returns `false` when the worker had lost the
    /// lease, in which case the job stays for whoever holds it now.
    pub async fn complete(&self, job: &Job) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM jobs WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
        )
        .bind(job.id.0)
        .bind(&job.lease_owner)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Fails a job: it runs again after the policy's back-off, or is dead when it has used its
    /// attempts. Returns `false` when the worker had lost the lease.
    pub async fn fail(
        &self,
        job: &Job,
        error: &str,
        policy: &RetryPolicy,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let dead = job.attempts >= job.max_attempts;
        let state = if dead { "dead" } else { "queued" };
        let run_at = now_ms.saturating_add(millis(policy.delay(job.attempts)));
        let done = sqlx::query(
            "UPDATE jobs SET state = $3, run_at_ms = $4, last_error = $5, lease_owner = NULL, \
             lease_until_ms = NULL, updated_at_ms = $6 \
             WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
        )
        .bind(job.id.0)
        .bind(&job.lease_owner)
        .bind(state)
        .bind(run_at)
        .bind(error)
        .bind(now_ms)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Queues again every running job whose lease has expired (its worker died), or marks it
    /// dead when it has used its attempts. Returns how many jobs were reclaimed.
    pub async fn reclaim_expired(&self, now_ms: i64) -> Result<u64, StoreError> {
        self.reclaim("lease_until_ms < $1", now_ms).await
    }

    /// Queues again every running job, whatever its lease. Only for a process that knows it is
    /// the only one using the database (the embedded SQLite setup), at start-up.
    pub async fn reclaim_all_running(&self, now_ms: i64) -> Result<u64, StoreError> {
        self.reclaim("$1 = $1", now_ms).await
    }

    async fn reclaim(&self, condition: &'static str, now_ms: i64) -> Result<u64, StoreError> {
        let dead = sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET state = 'dead', last_error = 'its worker stopped while running it, \
             and it has no attempts left', lease_owner = NULL, lease_until_ms = NULL, \
             updated_at_ms = $1 WHERE state = 'running' AND attempts >= max_attempts AND {condition}"
        ));
        let requeue = sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET state = 'queued', run_at_ms = $1, lease_owner = NULL, \
             lease_until_ms = NULL, updated_at_ms = $1 WHERE state = 'running' AND {condition}"
        ));
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let died = sqlx::query(dead).bind(now_ms).execute(&mut *tx).await?;
        let requeued = sqlx::query(requeue).bind(now_ms).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(died.rows_affected() + requeued.rows_affected())
    }

    /// How many jobs are in each state.
    pub async fn counts(&self) -> Result<JobCounts, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(self.pool)
            .await?;
        let mut counts = JobCounts::default();
        for row in rows {
            let state: String = row.try_get("state")?;
            let n: i64 = row.try_get("n")?;
            match state.as_str() {
                "queued" => counts.queued = n,
                "running" => counts.running = n,
                _ => counts.dead += n,
            }
        }
        Ok(counts)
    }

    /// How many jobs of each kind are in each state, with the oldest due time of the queued
    /// ones that are due by `now_ms`, by kind name.
    pub async fn counts_by_kind(&self, now_ms: i64) -> Result<Vec<KindCounts>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, \
             SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END) AS queued, \
             SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END) AS running, \
             SUM(CASE WHEN state NOT IN ('queued', 'running') THEN 1 ELSE 0 END) AS dead, \
             MIN(CASE WHEN state = 'queued' AND run_at_ms <= $1 THEN run_at_ms END) \
               AS oldest_due_ms \
             FROM jobs GROUP BY kind ORDER BY kind",
        )
        .bind(now_ms)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(KindCounts {
                    kind: row.try_get("kind")?,
                    counts: JobCounts {
                        queued: row.try_get("queued")?,
                        running: row.try_get("running")?,
                        dead: row.try_get("dead")?,
                    },
                    oldest_due_ms: row.try_get("oldest_due_ms")?,
                })
            })
            .collect()
    }

    /// The jobs out of attempts, latest first: (kind, key, last error).
    pub async fn dead(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, Option<String>, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, key, last_error FROM jobs WHERE state NOT IN ('queued', 'running') \
             ORDER BY updated_at_ms DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("kind")?,
                    row.try_get("key")?,
                    row.try_get("last_error")?,
                ))
            })
            .collect()
    }

    /// The last error of the job with `key`, if it exists and has failed.
    pub async fn last_error(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT last_error FROM jobs WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get("last_error")?,
            None => None,
        })
    }
}

/// Enqueues a job on a given connection, so a caller can add it in the same transaction as
/// the rows it concerns. See [`Jobs::enqueue`].
pub(crate) async fn enqueue_on(
    conn: &mut sqlx::AnyConnection,
    job: &NewJob,
    now_ms: i64,
) -> Result<Option<JobId>, StoreError> {
    let row = sqlx::query(
        "INSERT INTO jobs (kind, key, payload, state, attempts, max_attempts, run_at_ms, \
         created_at_ms, updated_at_ms) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $6) \
         ON CONFLICT (key) DO UPDATE SET state = 'queued', attempts = 0, \
         payload = excluded.payload, max_attempts = excluded.max_attempts, \
         run_at_ms = excluded.run_at_ms, last_error = NULL, lease_owner = NULL, \
         lease_until_ms = NULL, updated_at_ms = excluded.updated_at_ms \
         WHERE jobs.state = 'dead' RETURNING id",
    )
    .bind(&job.kind)
    .bind(&job.key)
    .bind(&job.payload)
    .bind(job.max_attempts.max(1))
    .bind(job.run_at_ms)
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| Ok(JobId(row.try_get("id")?))).transpose()
}

fn job_from_row(row: &AnyRow, owner: &str) -> Result<Job, sqlx::Error> {
    Ok(Job {
        id: JobId(row.try_get("id")?),
        kind: row.try_get("kind")?,
        key: row.try_get("key")?,
        payload: row.try_get("payload")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        lease_owner: owner.to_string(),
    })
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(60),
        };
        let delays: Vec<u64> = (1..=6).map(|n| policy.delay(n).as_secs()).collect();
        assert_eq!(delays, vec![10, 20, 40, 60, 60, 60]);
        assert_eq!(policy.delay(10_000).as_secs(), 60);
        assert_eq!(policy.delay(0).as_secs(), 10);
    }
}
