//! The understanding step: when a story changes, its summary, key points, entities and
//! timeline are computed from its articles (each text once: copies are left out) and stored
//! with the story version they read, so pages never compute them per view. With a language
//! model configured, it also writes a summary from the extractive sentences, kept only when
//! every sentence cites them.

use crate::time::now_secs;
use crate::{Pipeline, PipelineError};
use tidings_insight::llm::{Origin, abstractive_summary};
use tidings_insight::{StoryArticle, WrittenText, understand};
use tidings_model::StoryId;
use tidings_store::{StoredInsight, StoryEntity};

/// Words in a summary a language model writes.
const WRITTEN_WORDS: usize = 120;

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
        let members = stories.articles(story_id).await?;
        let articles: Vec<StoryArticle> = members
            .iter()
            .filter(|m| m.article.duplicate_of.is_none())
            .map(|m| StoryArticle::from_article(&m.article, &m.source_name))
            .collect();
        let outlets: Vec<String> = articles.iter().map(|a| a.outlet.clone()).collect();
        let mut insight = tokio::task::spawn_blocking(move || understand(&articles))
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
        pipeline
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
        let now = stories.get(story_id).await?;
        if now.is_none_or(|s| s.article_count == story.article_count) {
            break;
        }
    }
    Ok(())
}
