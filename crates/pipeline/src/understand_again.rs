//! Understanding stories again after they lost articles. Removing a source (from the CLI or a
//! web process) and retention delete articles in the store, which does not know the
//! pipeline's jobs: it queues each story that keeps articles in the same transaction
//! ([`tidings_store::StoriesToUnderstand`]). At every tick the scheduler drains one bounded
//! batch of that queue into [`Task::UnderstandStory`] jobs, keyed as the story assigner's, so a
//! story queued by both is understood once. The stories leave the queue in the transaction
//! that enqueues their jobs, so a crash loses none and several processes draining at once
//! take each story once.

use crate::time::now_ms;
use crate::{Pipeline, PipelineError, Task};

/// Stories taken off the queue per drain: a source of 100,000 articles queues its stories in
/// one transaction, but they leave it a batch per tick.
pub const BATCH: i64 = 500;

/// Takes at most [`BATCH`] stories off the queue and enqueues a job to understand each,
/// due after the pipeline's understanding delay. A story whose job is running stays queued
/// until the job ends (it may have read the story before the loss). Returns how many stories
/// it took.
pub async fn drain(pipeline: &Pipeline) -> Result<usize, PipelineError> {
    let queue = pipeline.store.stories_to_understand();
    // A read first: the queue is empty at almost every tick, and taking opens a write
    // transaction, which on SQLite waits for and holds the one writer.
    if queue.pending(1).await?.is_empty() {
        return Ok(0);
    }
    let taken = queue.take(Task::UNDERSTAND_JOB_KEY_PREFIX, BATCH).await?;
    if taken.stories().is_empty() {
        return Ok(0);
    }
    let run_at = now_ms() + pipeline.settings.understand_delay.as_millis() as i64;
    let jobs = taken
        .stories()
        .iter()
        .map(|&story_id| {
            Task::UnderstandStory { story_id }.to_job(run_at, pipeline.settings.max_attempts)
        })
        .collect::<Result<Vec<_>, _>>()?;
    taken.commit_with_jobs(&jobs, now_ms()).await?;
    tracing::debug!(
        stories = jobs.len(),
        "stories that lost articles queued for understanding"
    );
    Ok(jobs.len())
}
