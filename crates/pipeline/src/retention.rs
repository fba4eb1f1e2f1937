//! The retention job: once an interval, in one process at a time, articles older than the
//! policy's full-text age lose their body (their metadata stays, and the search index
//! forgets the body's words), and, when the policy says
//! so, articles older than its deletion age are deleted, with the stories left empty and
//! their search documents. Work is done in bounded batches, so the database is never held
//! long and a crash mid-purge simply leaves the rest for the next pass.

use crate::role::{Role, Standing};
use crate::time::now_secs;
use crate::{Pipeline, PipelineError};
use std::time::Duration;
use tidings_model::UnixSeconds;
use tidings_search::{forget_deleted, reindex_articles};
use tokio_util::sync::CancellationToken;

/// The role of the one process that purges.
pub const ROLE: &str = "retention";

/// Rows changed per statement.
pub const BATCH: i64 = 500;

/// What to keep, and how often to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Keep an article's full text this long after its shown time; `None` keeps it forever.
    pub full_text: Option<Duration>,
    /// Delete an article this long after its shown time; `None` keeps it forever.
    pub delete_after: Option<Duration>,
    /// Time between two passes.
    pub interval: Duration,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            full_text: None,
            delete_after: None,
            interval: Duration::from_secs(3600),
        }
    }
}

impl RetentionPolicy {
    /// Whether the policy asks for anything at all.
    pub fn is_active(&self) -> bool {
        self.full_text.is_some() || self.delete_after.is_some()
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Articles whose full text was removed.
    pub stripped: u64,
    /// Articles deleted.
    pub deleted: u64,
    /// Stories deleted because no article was left in them.
    pub stories_deleted: u64,
}

/// Purges once per interval until `shutdown`, while this process holds the role.
pub async fn run(pipeline: Pipeline, shutdown: CancellationToken) {
    if !pipeline.settings.retention.is_active() {
        return;
    }
    let mut role = Role::new(ROLE);
    let mut ticker = tokio::time::interval(pipeline.settings.retention.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        if role.check(&pipeline.store).await == Standing::NotHeld {
            continue;
        }
        match purge(&pipeline, now_secs(), &shutdown).await {
            Ok(report) if report != PurgeReport::default() => {
                tracing::info!(
                    stripped = report.stripped,
                    deleted = report.deleted,
                    stories_deleted = report.stories_deleted,
                    "retention pass"
                );
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "retention pass failed; retrying at the next one"),
        }
    }
}

/// One pass as of `now`: batches until nothing older than the policy's ages is left (or
/// `shutdown` is cancelled).
pub async fn purge(
    pipeline: &Pipeline,
    now: UnixSeconds,
    shutdown: &CancellationToken,
) -> Result<PurgeReport, PipelineError> {
    let policy = &pipeline.settings.retention;
    let retention = pipeline.store.retention();
    let mut report = PurgeReport::default();
    if let Some(age) = policy.full_text {
        let before = now - secs(age);
        while !shutdown.is_cancelled() {
            let ids = retention.strip_text(before, BATCH).await?;
            report.stripped += ids.len() as u64;
            if let Some(engine) = &pipeline.search
                && !ids.is_empty()
                && let Err(err) = reindex_articles(engine, &pipeline.store, &ids).await
            {
                // The text is gone from the rows already; `tidings search rebuild` repairs
                // an index that failed to follow.
                tracing::warn!(%err, "stripped articles keep their text in the search index");
            }
            if (ids.len() as i64) < BATCH {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
    if let Some(age) = policy.delete_after {
        let before = now - secs(age);
        while !shutdown.is_cancelled() {
            let ids = retention.delete_articles(before, BATCH, now).await?;
            report.deleted += ids.len() as u64;
            // The deletion queued the articles for the search index; drop them now rather
            // than at the indexer's next tick. A failure leaves them queued.
            if let Some(engine) = &pipeline.search
                && !ids.is_empty()
                && let Err(err) = forget_deleted(engine, &pipeline.store).await
            {
                tracing::warn!(%err, "deleted articles stay in the search index until the next tick");
            }
            if (ids.len() as i64) < BATCH {
                break;
            }
            tokio::task::yield_now().await;
        }
        while !shutdown.is_cancelled() {
            let n = retention.delete_empty_stories(before, BATCH).await?;
            report.stories_deleted += n;
            if n < BATCH as u64 {
                break;
            }
        }
    }
    if report.stripped + report.deleted > 0 {
        let registry = tidings_metrics::global();
        registry.add(
            "tidings_retention_stripped_total",
            "Articles whose full text the retention job removed.",
            &[],
            report.stripped,
        );
        registry.add(
            "tidings_retention_deleted_total",
            "Articles the retention job deleted.",
            &[],
            report.deleted,
        );
    }
    Ok(report)
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}
