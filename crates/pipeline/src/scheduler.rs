//! The scheduler: enqueues a fetch for every due source, reclaims the jobs of dead workers,
//! and turns the stories that lost articles into understanding jobs
//! ([`crate::understand_again`]), and queues the WebSub subscriptions due for renewal or a
//! retry ([`crate::websub::schedule`]). One process at a time schedules (see [`crate::role`]).

use crate::role::{Role, Standing};
use crate::time::{now_ms, now_secs};
use crate::{Pipeline, PipelineError, Task, understand_again};
use tokio_util::sync::CancellationToken;

/// The role of the one process that schedules.
pub const ROLE: &str = "scheduler";

/// How many due sources one tick enqueues at most.
const BATCH: i64 = 500;

/// Ticks until `shutdown`: each tick reclaims expired leases, enqueues due sources and
/// drains a batch of the stories to understand again.
pub async fn run(pipeline: Pipeline, shutdown: CancellationToken) {
    let mut role = Role::new(ROLE);
    let mut ticker = tokio::time::interval(pipeline.settings.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        if role.check(&pipeline.store).await == Standing::NotHeld {
            continue;
        }
        if let Err(err) = tick(&pipeline).await {
            tracing::warn!(%err, "scheduler tick failed; retrying at the next tick");
        }
    }
}

/// One scheduling pass. Returns how many fetch jobs it enqueued.
pub async fn tick(pipeline: &Pipeline) -> Result<usize, PipelineError> {
    let jobs = pipeline.store.jobs();
    let reclaimed = jobs.reclaim_expired(now_ms()).await?;
    if reclaimed > 0 {
        tracing::info!(reclaimed, "requeued jobs whose worker stopped");
    }
    let due = pipeline.store.sources().due(now_secs(), BATCH).await?;
    let mut enqueued = 0;
    for source_id in due {
        let job =
            Task::FetchSource { source_id }.to_job(now_ms(), pipeline.settings.max_attempts)?;
        if jobs.enqueue(&job, now_ms()).await?.is_some() {
            enqueued += 1;
        }
    }
    let understand = understand_again::drain(pipeline).await?;
    let subscriptions = crate::websub::schedule(pipeline).await?;
    if enqueued > 0 || reclaimed > 0 || understand > 0 || subscriptions > 0 {
        pipeline.wake.notify_waiters();
    }
    Ok(enqueued)
}
