//! Keeping only the newest entries of a feed that holds more than a reader needs in one fetch.

use crate::ParsedFeed;
use std::cmp::Reverse;

impl ParsedFeed {
    /// Keeps at most `max` entries: the newest by date (published, else updated), in
    /// document order. Entries without a date rank after every dated one and among
    /// themselves by document order, since feeds list their newest first. Returns how many
    /// were left out.
    pub fn keep_newest(&mut self, max: usize) -> usize {
        let total = self.entries.len();
        if total <= max {
            return 0;
        }
        let mut ranked: Vec<usize> = (0..total).collect();
        // Stable: equal dates, and all undated entries, keep their document order.
        ranked.sort_by_key(|&i| Reverse(self.entries[i].published.or(self.entries[i].updated)));
        let mut kept = vec![false; total];
        for &i in &ranked[..max] {
            kept[i] = true;
        }
        let mut index = 0;
        self.entries.retain(|_| {
            let keep = kept[index];
            index += 1;
            keep
        });
        total - max
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_model::Entry;

    fn entry(guid: &str, published: Option<i64>, updated: Option<i64>) -> Entry {
        Entry {
            guid: Some(guid.to_string()),
            published,
            updated,
            ..Entry::default()
        }
    }

    fn guids(feed: &ParsedFeed) -> Vec<&str> {
        feed.entries
            .iter()
            .filter_map(|e| e.guid.as_deref())
            .collect()
    }

    #[test]
    fn the_newest_dated_entries_stay_in_document_order() {
        let mut feed = ParsedFeed {
            entries: vec![
                entry("old", Some(100), None),
                entry("undated", None, None),
                entry("newest", Some(300), None),
                entry("updated-only", None, Some(250)),
                entry("middle", Some(200), None),
            ],
            ..ParsedFeed::default()
        };
        assert_eq!(feed.keep_newest(3), 2);
        assert_eq!(guids(&feed), ["newest", "updated-only", "middle"]);
    }

    #[test]
    fn undated_entries_keep_the_first_in_the_document() {
        let mut feed = ParsedFeed {
            entries: (0..5).map(|i| entry(&i.to_string(), None, None)).collect(),
            ..ParsedFeed::default()
        };
        assert_eq!(feed.keep_newest(2), 3);
        assert_eq!(guids(&feed), ["0", "1"]);
        assert_eq!(feed.keep_newest(2), 0, "nothing more to leave out");
    }
}
