//! The story assigner: places each new article, in arrival order, in a story — the original's
//! story for a copy, otherwise where the streaming clusterer puts it — and records the
//! placements of a batch in one transaction, with a job to re-understand each story changed.
//!
//! One process at a time plays this role (see [`crate::role`]); the others wait to take over.
//! The clusterer's state covers only the active window, and is rebuilt at start-up by
//! replaying that window's placed articles in placement order, each bound to the story it was
//! already given; so a restart continues where the last run stopped. If recording a batch
//! fails, the in-memory state may be ahead of the database, so it is dropped and rebuilt.

use crate::role::{Role, Standing};
use crate::time::{now_ms, now_secs};
use crate::{Pipeline, PipelineError, Task};
use tidings_model::{ArticleId, StoryId, UnixSeconds};
use tidings_store::{ArticleText, Placement};
use tidings_stories::{ArticleInput, Assigner, ClusterParams, Placement as Place};
use tokio_util::sync::CancellationToken;

/// The role of the one process that places articles in stories.
pub const ROLE: &str = "story-assigner";

/// Articles placed per transaction.
const BATCH: i64 = 200;
/// Placed articles read per page while replaying the window.
const REPLAY_PAGE: i64 = 1_000;

/// Places articles until `shutdown`, every tick or as soon as work is announced.
pub async fn run(pipeline: Pipeline, shutdown: CancellationToken) {
    let mut assigner: Option<Assigner> = None;
    let mut role = Role::new(ROLE);
    let mut ticker = tokio::time::interval(pipeline.settings.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        match role.check(&pipeline.store).await {
            Standing::NotHeld => continue,
            // Another process placed articles meanwhile: rebuild from what it recorded.
            Standing::Gained => assigner = None,
            Standing::Held => {}
        }
        loop {
            let state = match assigner.as_mut() {
                Some(state) => state,
                None => match rebuild(&pipeline).await {
                    Ok(state) => assigner.insert(state),
                    Err(err) => {
                        tracing::warn!(%err, "could not rebuild the story assigner; retrying");
                        break;
                    }
                },
            };
            match assign_pending(&pipeline, state).await {
                Ok(placed) if placed as i64 == BATCH && !shutdown.is_cancelled() => continue,
                Ok(_) => break,
                Err(err) => {
                    tracing::warn!(%err, "placing articles in stories failed; rebuilding");
                    assigner = None;
                    break;
                }
            }
        }
    }
}

/// The parameters the pipeline clusters with.
pub fn cluster_params() -> ClusterParams {
    ClusterParams::default()
}

/// Rebuilds the assigner from the articles placed within the active window.
pub async fn rebuild(pipeline: &Pipeline) -> Result<Assigner, PipelineError> {
    let params = cluster_params();
    let since = now_secs() - params.window_secs;
    let mut assigner = Assigner::new(params);
    let stories = pipeline.store.stories();
    let mut after = 0;
    let mut replayed = 0usize;
    loop {
        let page = stories.placed_since(since, after, REPLAY_PAGE).await?;
        let Some(&(last, _)) = page.last() else { break };
        after = last;
        for (_, article) in &page {
            let Some(story) = article.story_id else {
                continue;
            };
            assigner.replay(
                article.id.0,
                &input(article, now_secs()),
                story.0,
                article.duplicate_of.map(|a| a.0),
            );
            replayed += 1;
        }
    }
    if replayed > 0 {
        tracing::info!(
            replayed,
            stories = assigner.active_stories(),
            "story assigner rebuilt"
        );
    }
    Ok(assigner)
}

/// Places one batch of waiting articles. Returns how many it placed.
pub async fn assign_pending(
    pipeline: &Pipeline,
    assigner: &mut Assigner,
) -> Result<usize, PipelineError> {
    let stories = pipeline.store.stories();
    let waiting = stories.unplaced(Task::PAGE_JOB_KEY_PREFIX, BATCH).await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let now = now_secs();
    let mut batch = stories.begin().await?;
    for article in &waiting {
        let assignment = assigner.assign(article.id.0, &input(article, now));
        let story = match assignment.story {
            Place::Existing(story) => StoryId(story),
            Place::New(cluster) => {
                let story = batch
                    .create_story(&article.title, article.language.as_deref(), now)
                    .await?;
                assigner.bind(cluster, story.0);
                story
            }
        };
        batch
            .place(&Placement {
                article: article.id,
                story,
                duplicate_of: assignment
                    .duplicate_of
                    .map(|(original, _)| ArticleId(original)),
                related: assignment
                    .related
                    .iter()
                    .map(|&(s, score)| (StoryId(s), f64::from(score)))
                    .collect(),
            })
            .await?;
    }
    // Each story that changed gets its summary recomputed, queued in the same transaction.
    let jobs = batch
        .touched()
        .into_iter()
        .map(|story_id| {
            // A little later, so that a burst of reports is read once, not once per batch.
            let run_at = now_ms() + pipeline.settings.understand_delay.as_millis() as i64;
            Task::UnderstandStory { story_id }.to_job(run_at, pipeline.settings.max_attempts)
        })
        .collect::<Result<Vec<_>, _>>()?;
    batch.commit_with_jobs(now, &jobs, now_ms()).await?;
    tidings_metrics::global().add(
        "tidings_articles_placed_total",
        "Articles placed in stories by this process.",
        &[],
        waiting.len() as u64,
    );
    pipeline.wake.notify_waiters();
    tracing::debug!(placed = waiting.len(), "articles placed in stories");
    Ok(waiting.len())
}

/// What the clusterer reads of an article. Its time is its shown time, never later than now
/// (a feed's future date must not age every other story out of the window).
fn input(article: &ArticleText, now: UnixSeconds) -> ArticleInput {
    ArticleInput {
        id: article.id.0.to_string(),
        title: Some(article.title.clone()),
        body: article.body_text.clone(),
        published: Some(article.sort_at.min(now)),
        source: Some(article.source_id.0.to_string()),
        language: article.language.clone(),
    }
}
