//! Linking a story to the same event's stories in other languages, as part of understanding
//! it: the story's evidence ([`tidings_insight::crosslang::signature`], from the articles and
//! entities the understanding just read) is stored, the stories of other languages that
//! share one of its names within [`WINDOW_SECS`] are read from the store's index (at most
//! [`CANDIDATES`]), and the story is linked to its best match in each language when it is,
//! in turn, that story's best match among the stories of its own language around it.
//!
//! The links replace the story's earlier ones in one transaction, and a new link displaces
//! the link its other story had into this language. The whole read–decide–save runs under
//! the store's linking lock ([`tidings_store::LinkingLock`]), so two stories understood at
//! the same moment by two workers are linked one after the other and the second sees the
//! first's evidence. Under the same lock, the story's entities become one with those its
//! linked stories name alike ([`crate::merge_entities`]).

use crate::{Pipeline, PipelineError};
use tidings_insight::crosslang::{
    Candidate, Key, Profile, Signature, WINDOW_SECS, best_match, best_per_language, primary,
};
use tidings_model::{Story, StoryId};
use tidings_store::{CandidateQuery, KeyedStory, StoryKey};

/// Candidates read per story (those sharing the most names first).
pub const CANDIDATES: i64 = 50;

/// A stored story's evidence as the linking rules read it.
fn signature_of(story: &KeyedStory) -> Signature {
    Signature::from_keys(story.keys.iter().map(|k| Key {
        key: k.key.clone(),
        weight: k.weight as f32,
    }))
}

fn profile<'a>(story: &'a KeyedStory, signature: &'a Signature) -> Profile<'a> {
    Profile {
        language: &story.language,
        first_at: story.first_at,
        last_at: story.last_at,
        signature,
    }
}

/// The stories of `only` (a language) sharing a name with `story` in its window.
async fn candidates_of(
    pipeline: &Pipeline,
    story: &KeyedStory,
    signature: &Signature,
    only: Option<&str>,
) -> Result<Vec<KeyedStory>, PipelineError> {
    let keys: Vec<String> = signature.index_keys().map(str::to_string).collect();
    Ok(pipeline
        .store
        .cross_language()
        .candidates(&CandidateQuery {
            story: story.story,
            language: &story.language,
            only,
            keys: &keys,
            from: story.first_at - WINDOW_SECS,
            to: story.last_at + WINDOW_SECS,
            limit: CANDIDATES,
        })
        .await?)
}

/// Stores `story`'s evidence and links it to the stories of other languages that report
/// the same event. Returns the stories it is linked to.
pub async fn run(
    pipeline: &Pipeline,
    story: &Story,
    signature: &Signature,
) -> Result<Vec<StoryId>, PipelineError> {
    let language = story.language.as_deref().map(primary).unwrap_or_default();
    // A story of no known language is linked to nothing, and so is not kept as a candidate.
    let keys = if language.is_empty() {
        Vec::new()
    } else {
        signature
            .keys
            .iter()
            .map(|k| StoryKey {
                key: k.key.clone(),
                weight: f64::from(k.weight),
            })
            .collect()
    };
    let me = KeyedStory {
        story: story.id,
        language,
        first_at: story.first_at,
        last_at: story.last_at,
        keys,
    };
    let lock = pipeline.store.lock_linking().await?;
    let mut links: Vec<(StoryId, String, f64)> = Vec::new();
    if !me.language.is_empty() {
        let found = candidates_of(pipeline, &me, signature, None).await?;
        let signatures: Vec<Signature> = found.iter().map(signature_of).collect();
        let pool: Vec<Candidate> = found
            .iter()
            .zip(&signatures)
            .map(|(s, sig)| Candidate {
                id: s.story.0,
                profile: profile(s, sig),
            })
            .collect();
        let mine = profile(&me, signature);
        for (language, other, link) in best_per_language(&mine, &pool) {
            let Some(theirs) = found.iter().find(|s| s.story.0 == other) else {
                continue;
            };
            let their_signature = signature_of(theirs);
            // The other story's rivals: the stories of this language around it, with this
            // story as it is now (its stored keys may be older).
            let rivals = candidates_of(pipeline, theirs, &their_signature, Some(&me.language))
                .await?
                .into_iter()
                .filter(|s| s.story != me.story)
                .collect::<Vec<_>>();
            let rival_signatures: Vec<Signature> = rivals.iter().map(signature_of).collect();
            let mut pool: Vec<Candidate> = rivals
                .iter()
                .zip(&rival_signatures)
                .map(|(s, sig)| Candidate {
                    id: s.story.0,
                    profile: profile(s, sig),
                })
                .collect();
            pool.push(Candidate {
                id: me.story.0,
                profile: mine,
            });
            let back = best_match(&profile(theirs, &their_signature), &pool);
            if back.is_some_and(|(id, _)| id == me.story.0) {
                links.push((StoryId(other), language, f64::from(link.score)));
            }
        }
    }
    pipeline.store.cross_language().save(&me, &links).await?;
    let linked: Vec<StoryId> = links.into_iter().map(|l| l.0).collect();
    crate::merge_entities::run(pipeline, story.id, &linked).await?;
    lock.release().await?;
    Ok(linked)
}
