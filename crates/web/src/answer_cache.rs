//! Answers a language model wrote, kept per story, the articles they were written from and
//! the question, so that asking the same thing twice about an unchanged story calls the model
//! once. Bounded by count and by bytes: the oldest answers go first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tidings_insight::llm::GroundedText;
use tidings_model::StoryId;
use tidings_text::hash::{combine, hash_str};

/// Answers kept at most.
const CAPACITY: usize = 2_000;

/// Bytes of answers (their text, sources and question) kept at most.
const CAPACITY_BYTES: usize = 8 << 20;

/// A story, the [`AnswerCache::articles`] fingerprint of what the answer read, and the
/// question (trimmed, lowercased).
type Key = (StoryId, u64, String);

#[derive(Debug)]
struct Entries {
    map: HashMap<Key, GroundedText>,
    order: VecDeque<Key>,
    /// The [`size`] of every entry kept.
    bytes: usize,
    /// The most entries and bytes kept.
    capacity: usize,
    capacity_bytes: usize,
}

/// The heap bytes an entry takes, near enough: its question, text, reason and sources.
fn size(key: &Key, answer: &GroundedText) -> usize {
    key.2.len()
        + answer.text.len()
        + answer.fallback_reason.as_ref().map_or(0, String::len)
        + answer
            .sources
            .iter()
            .map(|c| std::mem::size_of_val(c) + c.article_id.len())
            .sum::<usize>()
}

/// The cache. Cheap to clone: clones share the entries.
#[derive(Debug, Clone)]
pub struct AnswerCache {
    entries: Arc<Mutex<Entries>>,
}

impl Default for AnswerCache {
    fn default() -> Self {
        AnswerCache::with_capacity(CAPACITY, CAPACITY_BYTES)
    }
}

impl AnswerCache {
    /// A cache of at most `entries` answers taking at most `bytes` bytes together.
    fn with_capacity(entries: usize, bytes: usize) -> Self {
        AnswerCache {
            entries: Arc::new(Mutex::new(Entries {
                map: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
                capacity: entries,
                capacity_bytes: bytes,
            })),
        }
    }

    /// What an answer is written from, as one number: each article's id and the length of
    /// its text. A story's article count would not do: it falls when a source is removed
    /// and rises again with new reports, and a text shrinks when retention keeps only its
    /// metadata.
    pub fn articles<'a>(articles: impl IntoIterator<Item = (&'a str, usize)>) -> u64 {
        articles.into_iter().fold(0, |h, (id, len)| {
            combine(combine(h, hash_str(id)), len as u64)
        })
    }

    fn key(story: StoryId, articles: u64, question: &str) -> Key {
        (story, articles, question.trim().to_lowercase())
    }

    /// The answer kept for this story, these articles ([`Self::articles`]) and question.
    pub fn get(&self, story: StoryId, articles: u64, question: &str) -> Option<GroundedText> {
        let entries = self.entries.lock().ok()?;
        entries
            .map
            .get(&Self::key(story, articles, question))
            .cloned()
    }

    /// Keeps an answer (none larger than the whole cache may hold).
    pub fn put(&self, story: StoryId, articles: u64, question: &str, answer: GroundedText) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let key = Self::key(story, articles, question);
        let bytes = size(&key, &answer);
        if bytes > entries.capacity_bytes {
            return;
        }
        entries.bytes += bytes;
        match entries.map.insert(key.clone(), answer) {
            Some(old) => entries.bytes -= size(&key, &old),
            None => entries.order.push_back(key),
        }
        while entries.order.len() > entries.capacity || entries.bytes > entries.capacity_bytes {
            let Some(old) = entries.order.pop_front() else {
                break;
            };
            if let Some(answer) = entries.map.remove(&old) {
                entries.bytes -= size(&old, &answer);
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
    fn answers_are_kept_per_story_articles_and_question_and_bounded() {
        let cache = AnswerCache::default();
        cache.put(StoryId(1), 3, "How many? ", text("Two [1]."));
        assert_eq!(
            cache.get(StoryId(1), 3, "how many?").map(|a| a.text),
            Some("Two [1].".to_string())
        );
        assert!(
            cache.get(StoryId(1), 4, "how many?").is_none(),
            "other articles ask again"
        );
        assert!(cache.get(StoryId(2), 3, "how many?").is_none());
        for n in 0..(CAPACITY as u64 + 10) {
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

    #[test]
    fn answers_are_bounded_by_bytes_too() {
        // Room for ten answers of 1,000 characters, and a thousand entries.
        let cache = AnswerCache::with_capacity(1_000, 10_500);
        let long = "x".repeat(1_000);
        for n in 0..30 {
            cache.put(StoryId(1), n, "q", text(&long));
        }
        {
            let entries = cache.entries.lock().expect("lock");
            assert_eq!(entries.map.len(), 10, "as many as fit in the bytes");
            assert!(entries.bytes <= 10_500, "{}", entries.bytes);
            assert_eq!(
                entries.bytes,
                entries.map.iter().map(|(k, a)| size(k, a)).sum::<usize>(),
                "the count follows the entries"
            );
        }
        assert!(cache.get(StoryId(1), 29, "q").is_some(), "the newest stay");
        assert!(cache.get(StoryId(1), 19, "q").is_none(), "the oldest went");
        // Replacing an answer counts its new size, not both.
        cache.put(StoryId(1), 29, "q", text("short"));
        cache.put(StoryId(1), 29, "q", text(&long));
        assert_eq!(cache.entries.lock().expect("lock").map.len(), 10);
        // One answer larger than the whole cache is not kept, and evicts nothing.
        cache.put(StoryId(2), 0, "q", text(&"y".repeat(20_000)));
        assert!(cache.get(StoryId(2), 0, "q").is_none());
        assert_eq!(cache.entries.lock().expect("lock").map.len(), 10);
    }

    #[test]
    fn the_articles_fingerprint_changes_with_any_article_or_its_text() {
        let three = AnswerCache::articles([("1", 900), ("2", 800), ("3", 700)]);
        assert_eq!(
            three,
            AnswerCache::articles([("1", 900), ("2", 800), ("3", 700)])
        );
        // One gone and another come: as many articles, other ones.
        assert_ne!(
            three,
            AnswerCache::articles([("1", 900), ("2", 800), ("4", 700)])
        );
        // A text cut to its metadata.
        assert_ne!(
            three,
            AnswerCache::articles([("1", 900), ("2", 800), ("3", 0)])
        );
        assert_ne!(three, AnswerCache::articles([("1", 900), ("2", 800)]));
    }
}
