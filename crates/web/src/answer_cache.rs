//! Answers a language model wrote, kept per story version and question, so that asking the
//! same thing twice about an unchanged story calls the model once. Bounded: the oldest
//! answers go first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tidings_insight::llm::GroundedText;
use tidings_model::StoryId;

/// Answers kept at most.
const CAPACITY: usize = 2_000;

/// A story, the version of its insight, and the question (trimmed, lowercased).
type Key = (StoryId, i64, String);

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<Key, GroundedText>,
    order: VecDeque<Key>,
}

/// The cache. Cheap to clone: clones share the entries.
#[derive(Debug, Clone, Default)]
pub struct AnswerCache {
    entries: Arc<Mutex<Entries>>,
}

impl AnswerCache {
    fn key(story: StoryId, version: i64, question: &str) -> Key {
        (story, version, question.trim().to_lowercase())
    }

    /// The answer kept for this story version and question.
    pub fn get(&self, story: StoryId, version: i64, question: &str) -> Option<GroundedText> {
        let entries = self.entries.lock().ok()?;
        entries
            .map
            .get(&Self::key(story, version, question))
            .cloned()
    }

    /// Keeps an answer.
    pub fn put(&self, story: StoryId, version: i64, question: &str, answer: GroundedText) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let key = Self::key(story, version, question);
        if entries.map.insert(key.clone(), answer).is_none() {
            entries.order.push_back(key);
        }
        while entries.order.len() > CAPACITY {
            if let Some(old) = entries.order.pop_front() {
                entries.map.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_insight::llm::Origin;

    fn text(t: &str) -> GroundedText {
        GroundedText {
            text: t.into(),
            sources: Vec::new(),
            origin: Origin::Llm,
            fallback_reason: None,
            supported: true,
        }
    }

    #[test]
    fn answers_are_kept_per_story_version_and_question_and_bounded() {
        let cache = AnswerCache::default();
        cache.put(StoryId(1), 3, "How many? ", text("Two [1]."));
        assert_eq!(
            cache.get(StoryId(1), 3, "how many?").map(|a| a.text),
            Some("Two [1].".to_string())
        );
        assert!(
            cache.get(StoryId(1), 4, "how many?").is_none(),
            "a new version asks again"
        );
        assert!(cache.get(StoryId(2), 3, "how many?").is_none());
        for n in 0..(CAPACITY as i64 + 10) {
            cache.put(StoryId(9), n, "q", text("x"));
        }
        assert!(
            cache.get(StoryId(1), 3, "how many?").is_none(),
            "the oldest went first"
        );
        let entries = cache.entries.lock().expect("lock");
        assert_eq!(entries.map.len(), CAPACITY);
        assert_eq!(entries.order.len(), CAPACITY);
    }
}
