//! The recent texts a new article may be a copy of: an index of [`Fingerprint`]s over a time
//! window, looked up by exact content hash and by MinHash bands (locality-sensitive hashing),
//! so that finding an article's original costs a few hash lookups rather than a scan.
//!
//! Wire copies are the main customer: an agency story republished by several outlets, each
//! with its own headline and trailer, is recognised as one text with several publishers.

use std::collections::{BTreeMap, VecDeque};

use tidings_text::hash::{U64Map, combine};

use crate::dedup::{DupKind, Fingerprint, MINHASH_LEN};

/// Rows of the MinHash signature per LSH band: two rows in 32 bands find a pair of texts with
/// Jaccard similarity 0.5 with probability 1 − (1 − 0.5²)³² ≈ 0.9999; every candidate is then
/// checked with [`Fingerprint::compare`].
const BAND_ROWS: usize = 2;

/// Texts shorter than this many terms are never called copies of each other: two teasers of
/// one sentence, or two empty bodies, say too little to be the same text.
pub const MIN_TERMS: u32 = 25;

/// One indexed text.
#[derive(Debug, Clone)]
struct Indexed {
    key: i64,
    story: i64,
    fingerprint: Fingerprint,
}

/// The original a new text copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Original {
    /// The caller's key of the original (an article id).
    pub key: i64,
    /// The story the original belongs to.
    pub story: i64,
    /// How close the copy is.
    pub kind: DupKind,
}

/// Recent fingerprints, bounded by a time window and a count.
#[derive(Debug, Clone)]
pub struct DuplicateIndex {
    window_secs: i64,
    capacity: usize,
    next: u64,
    latest: i64,
    entries: BTreeMap<u64, Indexed>,
    order: VecDeque<(i64, u64)>,
    exact: U64Map<u64>,
    bands: U64Map<Vec<u64>>,
}

impl DuplicateIndex {
    /// An empty index keeping texts for `window_secs` after their time, and at most
    /// `capacity` of them (the oldest go first).
    pub fn new(window_secs: i64, capacity: usize) -> Self {
        Self {
            window_secs,
            capacity: capacity.max(1),
            next: 0,
            latest: i64::MIN,
            entries: BTreeMap::new(),
            order: VecDeque::new(),
            exact: U64Map::default(),
            bands: U64Map::default(),
        }
    }

    /// How many texts are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no text is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The earliest indexed text that `fingerprint` copies, exactly or nearly.
    pub fn find(&self, fingerprint: &Fingerprint) -> Option<Original> {
        if fingerprint.terms < MIN_TERMS {
            return None;
        }
        let original = |slot: u64, kind| {
            self.entries.get(&slot).map(|e| Original {
                key: e.key,
                story: e.story,
                kind,
            })
        };
        if let Some(&slot) = self.exact.get(&fingerprint.content) {
            return original(slot, DupKind::Exact);
        }
        let mut candidates: Vec<u64> = band_keys(fingerprint)
            .filter_map(|band| self.bands.get(&band))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.into_iter().find_map(|slot| {
            let e = self.entries.get(&slot)?;
            match e.fingerprint.compare(fingerprint) {
                DupKind::Different => None,
                kind => original(slot, kind),
            }
        })
    }

    /// Indexes a text under the caller's `key`, in `story`, at `time` (Unix seconds), and
    /// drops what fell out of the window or over capacity.
    pub fn insert(&mut self, key: i64, story: i64, time: i64, fingerprint: Fingerprint) {
        if fingerprint.terms < MIN_TERMS {
            return;
        }
        let slot = self.next;
        self.next += 1;
        self.exact.entry(fingerprint.content).or_insert(slot);
        for band in band_keys(&fingerprint) {
            self.bands.entry(band).or_default().push(slot);
        }
        self.order.push_back((time, slot));
        self.entries.insert(
            slot,
            Indexed {
                key,
                story,
                fingerprint,
            },
        );
        self.latest = self.latest.max(time);
        let horizon = self.latest.saturating_sub(self.window_secs);
        while let Some(&(t, oldest)) = self.order.front() {
            if t >= horizon && self.entries.len() <= self.capacity {
                break;
            }
            self.order.pop_front();
            self.remove(oldest);
        }
    }

    fn remove(&mut self, slot: u64) {
        let Some(e) = self.entries.remove(&slot) else {
            return;
        };
        if self.exact.get(&e.fingerprint.content) == Some(&slot) {
            self.exact.remove(&e.fingerprint.content);
        }
        for band in band_keys(&e.fingerprint) {
            if let Some(slots) = self.bands.get_mut(&band) {
                slots.retain(|&s| s != slot);
                if slots.is_empty() {
                    self.bands.remove(&band);
                }
            }
        }
    }
}

/// The LSH band keys of a signature: each band's rows hashed together with the band's number.
fn band_keys(fingerprint: &Fingerprint) -> impl Iterator<Item = u64> + '_ {
    fingerprint
        .minhash
        .chunks(BAND_ROWS)
        .take(MINHASH_LEN / BAND_ROWS)
        .enumerate()
        .map(|(band, rows)| rows.iter().fold(band as u64, |h, &r| combine(h, r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "GENEVA (AP) - Negotiators from forty countries agreed early on Friday on \
        a treaty to share data on emerging pandemics, ending two years of talks that had \
        stalled over patents and the funding of poorer nations' laboratories. The agreement \
        still needs ratification by national parliaments, and several delegations said they \
        expected a difficult debate at home. Health officials welcomed the text as a first \
        step, while campaigners said its provisions on vaccine access were too weak.";

    const OTHER: &str = "GENEVA (AP) - Swiss voters on Sunday rejected a proposal to cut the \
        licence fee that funds public broadcasting, with 62 percent voting no according to \
        official results published by the federal chancellery. The campaign had divided the \
        governing parties, and turnout was higher than at the last national referendum. \
        Broadcasters said the result secured regional programmes in all four languages.";

    #[test]
    fn finds_a_wire_copy_under_another_headline_with_a_trailer() {
        let mut index = DuplicateIndex::new(86_400, 100);
        index.insert(1, 10, 1_000, Fingerprint::of(WIRE, Some("en")));
        index.insert(2, 11, 1_010, Fingerprint::of(OTHER, Some("en")));
        let copy = format!("{WIRE}\n\nCopyright The Associated Press. All rights reserved.");
        let found = index.find(&Fingerprint::of(&copy, Some("en")));
        assert_eq!(
            found,
            Some(Original {
                key: 1,
                story: 10,
                kind: DupKind::Near
            })
        );
        assert_eq!(
            index
                .find(&Fingerprint::of(WIRE, Some("en")))
                .map(|o| o.kind),
            Some(DupKind::Exact)
        );
    }

    #[test]
    fn different_events_in_one_city_and_short_texts_are_not_copies() {
        let mut index = DuplicateIndex::new(86_400, 100);
        index.insert(1, 10, 1_000, Fingerprint::of(WIRE, Some("en")));
        assert_eq!(index.find(&Fingerprint::of(OTHER, Some("en"))), None);
        index.insert(2, 11, 1_000, Fingerprint::of("Read more.", Some("en")));
        assert_eq!(index.find(&Fingerprint::of("Read more.", Some("en"))), None);
        assert_eq!(index.find(&Fingerprint::of("", Some("en"))), None);
    }

    #[test]
    fn old_texts_leave_the_window_and_capacity_holds() {
        let mut index = DuplicateIndex::new(100, 2);
        index.insert(1, 10, 1_000, Fingerprint::of(WIRE, Some("en")));
        index.insert(2, 11, 1_200, Fingerprint::of(OTHER, Some("en")));
        assert_eq!(index.len(), 1, "the first text is older than the window");
        assert_eq!(index.find(&Fingerprint::of(WIRE, Some("en"))), None);
        for key in 3..10 {
            let text = format!("{OTHER} Update number {key}.");
            index.insert(key, 12, 1_200, Fingerprint::of(&text, Some("en")));
        }
        assert!(index.len() <= 2);
        assert!(index.bands.values().all(|slots| slots.len() <= 2));
    }
}
