//! The understanding step: when a story changes, its summary, key points, entities and
//! timeline are computed from its articles (each text once: copies are left out) and stored
//! with the story version they read, so pages never compute them per view. With a language
//! model configured, it also writes a summary from the extractive sentences, kept only when
//! every sentence cites them. Then the story is linked to the same event's stories in other
//! languages ([`crate::link_languages`]), from the same articles and entities.

use crate::time::now_secs;
use crate::{Pipeline, PipelineError};
use std::collections::BTreeSet;
use tidings_insight::llm::{Origin, abstractive_summary};
use tidings_insight::{StoryArticle, WrittenText, crosslang, understand};
use tidings_model::StoryId;
use tidings_search::reindex_story;
use tidings_store::{StoredInsight, StoryEntity};

/// Words in a summary a language model writes.
const WRITTEN_WORDS: usize = 120;

/// The most articles one story's insight reads: its first reports and its latest. A story
/// of hundreds of reports says what it says in far fewer, and the work stays bounded.
const MAX_ARTICLES: usize = 40;
/// Of [`MAX_ARTICLES`], how many are the story's first reports.
const FIRST_ARTICLES: usize = 10;

/// How many times one job recomputes when articles keep joining while it works.
const MAX_ROUNDS: usize = 3;

/// Computes and stores one story's insight. If articles joined the story meanwhile, it
/// computes again (a job for the story could not be queued while this one ran).
pub async fn run(pipeline: &Pipeline, story_id: StoryId) -> Result<(), PipelineError> {
    let stories = pipeline.store.stories();
    for _ in 0..MAX_ROUNDS {
        let Some(story) = stories.get(story_id).await? else {
            return Ok(());
        };
        // Only the sample is read: reading every report of a long story on each change made
        // ingest quadratic in the story's size.
        let latest = (MAX_ARTICLES - FIRST_ARTICLES) as i64;
        let sampled = stories
            .sample(story_id, FIRST_ARTICLES as i64, latest)
            .await?;
        let articles: Vec<StoryArticle> = sampled
            .iter()
            .map(|m| StoryArticle::from_article(&m.article, &m.source_name))
            .collect();
        let outlets: Vec<String> = articles.iter().map(|a| a.outlet.clone()).collect();
        let (mut insight, signature) = tokio::task::spawn_blocking(move || {
            let insight = understand(&articles);
            let signature = crosslang::signature(&articles, &insight.entities);
            (insight, signature)
        })
        .await
        .map_err(|e| PipelineError::Task(e.to_string()))?;
        if let Some(llm) = &pipeline.llm {
            let written =
                abstractive_summary(llm.as_ref(), &insight.summary, &outlets, WRITTEN_WORDS).await;
            match written.origin {
                Origin::Llm => {
                    insight.written = Some(WrittenText {
                        text: written.text,
                        sources: written.sources,
                    });
                }
                Origin::Extractive => tracing::info!(
                    story = %story_id,
                    reason = written.fallback_reason.as_deref().unwrap_or("unknown"),
                    "the language model's summary was not used; the extractive one shows"
                ),
            }
        }
        let named_before: BTreeSet<String> = pipeline
            .store
            .insights()
            .entities_of(story_id)
            .await?
            .into_iter()
            .map(|e| e.slug)
            .collect();
        let entities: Vec<StoryEntity> = insight
            .entities
            .iter()
            .map(|e| StoryEntity {
                slug: e.slug.clone(),
                name: e.name.clone(),
                kind: e.kind.as_str().to_string(),
                mentions: e.count as i64,
            })
            .collect();
        let json = serde_json::to_string(&insight)?;
        let saved_as = pipeline
            .store
            .insights()
            .save(
                story_id,
                &StoredInsight {
                    version: story.article_count,
                    computed_at: now_secs(),
                    json,
                },
                &entities,
            )
            .await?;
        crate::link_languages::run(pipeline, &story, &signature).await?;
        // Search can now find the story's articles by the entities it names. Only when they
        // changed: indexing every report of a long story again on each change made ingest
        // quadratic (articles joining later are indexed with the names of the moment).
        // As saved: an entity merged into another's is that other's.
        let named_now: BTreeSet<String> = saved_as.into_iter().collect();
        if named_now != named_before
            && let Some(engine) = &pipeline.search
            && let Err(err) = reindex_story(engine, &pipeline.store, story_id).await
        {
            tracing::warn!(story = %story_id, %err, "could not index the story's entities for search");
        }
        let now = stories.get(story_id).await?;
        if now.is_none_or(|s| s.article_count == story.article_count) {
            break;
        }
    }
    Ok(())
}
