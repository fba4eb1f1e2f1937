//! A worker: claims jobs, keeps their leases alive while it works, completes or fails them.
//! While the database cannot be reached it backs off (one second, doubling to thirty) and
//! resumes when it answers again; it never exits on a database error.

use crate::backoff::Backoff;
use crate::time::now_ms;
use crate::{Pipeline, PipelineError, Task, fetch_article, fetch_source, understand_story, websub};
use std::time::Duration;
use tidings_store::Job;
use tokio_util::sync::CancellationToken;

/// Works until `shutdown`; the job in hand is finished first.
pub async fn run(pipeline: Pipeline, number: usize, shutdown: CancellationToken) {
    let owner = format!("{}-w{number}", pipeline.instance);
    let mut backoff = Backoff::default();
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        let claimed = pipeline
            .store
            .jobs()
            .claim(&owner, pipeline.settings.lease, now_ms())
            .await;
        match claimed {
            Ok(Some(job)) => {
                backoff.succeed("claiming jobs");
                work_on(&pipeline, job).await
            }
            Ok(None) => {
                backoff.succeed("claiming jobs");
                idle(&pipeline, &shutdown).await
            }
            Err(err) => {
                let delay = backoff.fail("claiming a job", &err);
                pause(&shutdown, delay).await;
            }
        }
    }
}

async fn idle(pipeline: &Pipeline, shutdown: &CancellationToken) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = pipeline.wake.notified() => {}
        _ = tokio::time::sleep(pipeline.settings.idle_wait) => {}
    }
}

/// Waits `delay`, or less if the process is shutting down.
async fn pause(shutdown: &CancellationToken, delay: Duration) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(delay) => {}
    }
}

/// Runs one job to its end, renewing its lease meanwhile.
async fn work_on(pipeline: &Pipeline, job: Job) {
    let lease = pipeline.settings.lease;
    let mut heartbeat = tokio::time::interval(lease / 3);
    heartbeat.tick().await;
    let work = execute(pipeline, &job);
    tokio::pin!(work);
    let outcome = loop {
        tokio::select! {
            outcome = &mut work => break outcome,
            _ = heartbeat.tick() => {
                match pipeline.store.jobs().extend_lease(&job, lease, now_ms()).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job = %job.id, "lost the lease of a running job"),
                    Err(err) => tracing::warn!(job = %job.id, %err, "could not renew a lease"),
                }
            }
        }
    };
    tidings_metrics::global().add(
        "tidings_jobs_finished_total",
        "Jobs this process finished, by kind and outcome (done or failed).",
        &[
            ("kind", job.kind.as_str()),
            ("outcome", if outcome.is_ok() { "done" } else { "failed" }),
        ],
        1,
    );
    let jobs = pipeline.store.jobs();
    let recorded = match &outcome {
        Ok(()) => jobs.complete(&job).await,
        Err(err) => {
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %err, "job failed");
            jobs.fail(&job, &err.to_string(), &pipeline.settings.retry, now_ms())
                .await
        }
    };
    if let Err(err) = recorded {
        tracing::warn!(job = %job.id, %err, "could not record a job's outcome; its lease will expire");
    }
}

async fn execute(pipeline: &Pipeline, job: &Job) -> Result<(), PipelineError> {
    match Task::from_job(job)? {
        Task::FetchSource { source_id } => fetch_source::run_when_due(pipeline, source_id)
            .await
            .map(drop),
        Task::FetchArticle { article_id } => {
            fetch_article::run(pipeline, article_id).await.map(drop)
        }
        Task::UnderstandStory { story_id } => understand_story::run(pipeline, story_id).await,
        Task::WebsubSubscribe { source_id } => websub::subscribe(pipeline, source_id).await,
        Task::WebsubUnsubscribe { source_id } => websub::unsubscribe(pipeline, source_id).await,
        Task::WebsubPush { source_id } => websub::ingest_push(pipeline, source_id).await,
        Task::FetchIcon {
            source_id,
            feed_images,
        } => crate::fetch_icon::run(pipeline, source_id, &feed_images)
            .await
            .map(drop),
    }
}
