//! One entity across languages: after a story is linked to the same event's stories in other
//! languages ([`crate::link_languages`]), each of its entities that a linked story names
//! alike becomes one entity with that story's ([`tidings_store::EntityGroups::merge`]), so
//! that "Marovia", "Marovien" and "Marovie" are one page listing the stories of all three
//! languages.
//!
//! Two entities are alike when they are of one kind and their names, both unknown to the
//! gazetteer, have one key by the cross-language name rules
//! ([`tidings_insight::crosslang::names::unknown_name_key`]). The gazetteer's names are left
//! to it (it already gives them one slug in every language), and a shared surname alone is
//! no match ("Anna Berg" and "Thomas Berg" stay two). Runs under the linking lock, so that
//! merges happen one at a time and a group never points at an entity merged in its turn.

use crate::{Pipeline, PipelineError};
use tidings_insight::crosslang::names::unknown_name_key;
use tidings_model::StoryId;
use tidings_store::StoryEntity;

/// An entity of a story with its cross-language key, if it has one.
fn keyed(entities: Vec<StoryEntity>) -> Vec<(StoryEntity, String)> {
    entities
        .into_iter()
        .filter_map(|e| {
            let key = unknown_name_key(&e.name)?;
            Some((e, key))
        })
        .collect()
}

/// Merges each entity of `story` with the entities of the `linked` stories it is alike.
/// Returns the merges made, as (slug, slug, slug they are now).
pub async fn run(
    pipeline: &Pipeline,
    story: StoryId,
    linked: &[StoryId],
) -> Result<Vec<(String, String, String)>, PipelineError> {
    let insights = pipeline.store.insights();
    let mine = keyed(insights.entities_of(story).await?);
    let mut merged = Vec::new();
    if mine.is_empty() {
        return Ok(merged);
    }
    for other in linked {
        let theirs = keyed(insights.entities_of(*other).await?);
        for (a, key) in &mine {
            for (b, their_key) in &theirs {
                if a.slug == b.slug || a.kind != b.kind || key != their_key {
                    continue;
                }
                if let Some(now) = pipeline
                    .store
                    .entity_groups()
                    .merge(&a.slug, &b.slug)
                    .await?
                {
                    tracing::info!(
                        story = %story,
                        other = %other,
                        a = %a.slug,
                        b = %b.slug,
                        entity = %now,
                        "one entity across languages"
                    );
                    merged.push((a.slug.clone(), b.slug.clone(), now));
                }
            }
        }
    }
    Ok(merged)
}
