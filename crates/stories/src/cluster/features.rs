//! Turning one article into the clusterer's raw features: weighted term
//! counts (title terms weighted up), name-like tokens (capitalised words
//! and numbers, a cheap proxy for named entities) and the names of the
//! headline, which say who and what the report is about; a "headline" that
//! is only a dateline is told apart, since it says neither.

use tidings_text::hash::{U64Map, combine, mix64};
use tidings_text::{Analyzer, StemCache, TokenKind};

use super::ClusterParams;

/// The features of one analysed article, sorted by key.
pub(super) struct Features {
    /// Hash of the language code.
    pub lang: u64,
    /// Weighted term counts.
    pub terms: Vec<(u64, f32)>,
    /// Weighted counts of name-like tokens.
    pub ents: Vec<(u64, f32)>,
    /// Keys (as in `ents`) of the name-like tokens of the headline, or of
    /// the body's first `lead_name_terms` terms when there is no headline:
    /// the participants, places and dates of the reported event.
    pub lead_names: Vec<u64>,
    /// Sampled hashes of runs of `shingle_terms` consecutive terms (sorted,
    /// distinct): passages that reports of one event quote or reuse.
    pub shingles: Vec<u64>,
}

/// Words of a dateline ("Posted: Monday, May 23, 2005, 8:20 AM ET",
/// "Last updated at 12:42 GMT"), lowercase, separated by spaces.
const DATELINE_WORDS: &str = "\
     jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june \
     july august september october november december mon tue tues wed thu thur thurs fri \
     sat sun monday tuesday wednesday thursday friday saturday sunday am pm a p m est edt \
     gmt bst utc cet cest pst pdt cst cdt et pt updated update posted published article \
     last modified on at date time";

/// Whether a headline is only a dateline (dates, times, time zones and
/// the words around them): it says when, not what happened.
pub(super) fn is_dateline(title: &str) -> bool {
    let mut digits = false;
    for token in title.split(|c: char| !c.is_alphanumeric()) {
        // "24am": the digits and the letters are read apart.
        let letters = token.trim_start_matches(|c: char| c.is_ascii_digit());
        digits |= letters.len() < token.len();
        if letters.is_empty() {
            continue;
        }
        if !letters.chars().all(char::is_alphabetic)
            || !DATELINE_WORDS
                .split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case(letters))
        {
            return false;
        }
    }
    digits
}

/// Analyses the title and body of one article.
pub(super) fn extract(
    analyzer: &Analyzer,
    cache: &mut StemCache,
    lang: u64,
    title: &str,
    body: &str,
    p: &ClusterParams,
) -> Features {
    // Sized for a long page up front: growing these maps was 3 % of the
    // time on multinews.
    let cap = p.body_terms.min((title.len() + body.len()) / 6 + 8);
    let mut counts: U64Map<f32> = U64Map::with_capacity_and_hasher(cap, Default::default());
    let mut ents: U64Map<f32> = U64Map::with_capacity_and_hasher(cap / 4, Default::default());
    let mut lead_names: Vec<u64> = Vec::new();
    let has_title = !title.trim().is_empty();
    let has_body = !body.trim().is_empty();
    let mut shingles: Vec<u64> =
        Vec::with_capacity(cap / p.shingle_sample.max(1) + 8 * usize::from(p.shingle_terms > 0));
    for (text, w, is_title) in [(title, p.title_weight, true), (body, 1.0, false)] {
        let mut terms = analyzer.analyze_hashes(text, cache, 200_000, p.body_terms);
        // A Title-Case headline says nothing about names: demote it. A title
        // with no body under it is the whole text, a sentence rather than a
        // headline, and one crowded with names ("Dr Mark Vinar, 43, … off
        // Zurbriggens Ridge, on Mt Cook") would lose every name it has.
        let caps = terms
            .iter()
            .filter(|t| t.1 == TokenKind::Capitalised)
            .count();
        if p.title_case_fix && is_title && has_body && caps * 2 > terms.len() {
            for t in &mut terms {
                if t.1 == TokenKind::Capitalised {
                    t.1 = TokenKind::Word;
                }
            }
        }
        if p.shingle_terms > 0 && p.shingle_sample > 0 && terms.len() >= p.shingle_terms {
            let k = p.shingle_terms;
            let sample = p.shingle_sample as u64;
            for w in terms.windows(k) {
                // Term hashes are well mixed already: one mix per passage,
                // rotations for the order.
                let x = w
                    .iter()
                    .enumerate()
                    .fold(lang, |h, (j, t)| h ^ t.0.rotate_left(13 * j as u32 + 7));
                let h = mix64(x);
                // The same passage gives the same sample in every article.
                // Middle bits: the index's hash table uses the low ones
                // for buckets and the high ones for tags.
                if (h >> 32).is_multiple_of(sample) {
                    shingles.push(h);
                }
            }
        }
        let bw = p.bigram_weight;
        let mut prev: Option<u64> = None;
        for (i, (h, kind)) in terms.into_iter().enumerate() {
            let key = combine(lang, h);
            if bw > 0.0
                && let Some(p) = prev
            {
                *counts.entry(combine(p, key)).or_insert(0.0) += w * bw;
            }
            prev = Some(key);
            *counts.entry(key).or_insert(0.0) += w;
            if kind != TokenKind::Word {
                let nw = if kind == TokenKind::Number {
                    p.number_weight
                } else {
                    1.0
                };
                let ekey = combine(key, 1);
                *ents.entry(ekey).or_insert(0.0) += w * nw;
                if is_title || (!has_title && i < p.lead_name_terms) {
                    lead_names.push(ekey);
                }
            }
        }
    }
    let mut terms: Vec<(u64, f32)> = counts.into_iter().collect();
    terms.sort_unstable_by_key(|e| e.0);
    let mut ents: Vec<(u64, f32)> = ents.into_iter().collect();
    ents.sort_unstable_by_key(|e| e.0);
    lead_names.sort_unstable();
    lead_names.dedup();
    shingles.sort_unstable();
    shingles.dedup();
    Features {
        shingles,
        lang,
        terms,
        ents,
        lead_names,
    }
}

#[cfg(test)]
mod tests {
    use super::{extract, is_dateline};
    use crate::cluster::ClusterParams;
    use tidings_text::{Analyzer, StemCache};

    fn names(title: &str, body: &str) -> usize {
        let analyzer = Analyzer::new(Some("en"));
        let mut cache = StemCache::default();
        let f = extract(
            &analyzer,
            &mut cache,
            1,
            title,
            body,
            &ClusterParams::default(),
        );
        f.ents.len()
    }

    #[test]
    fn title_case_headlines_lose_their_names_but_lone_sentences_keep_them() {
        let headline = "Obama Overturns Bush Endangered Species Rule";
        let body = "The president acted on Tuesday.";
        // Only the body's weekday is left as a name under a Title-Case headline.
        assert_eq!(names(headline, body), 1);
        let sentence = "Dr Mark Vinar, 43, is presumed dead after disappearing off \
                        Zurbriggens Ridge, on Mt Cook, on Thursday.";
        assert!(names(sentence, "") >= 7, "{}", names(sentence, ""));
        // The same sentence as a headline over a body is read as Title Case.
        assert!(names(sentence, body) <= 3, "{}", names(sentence, body));
    }

    #[test]
    fn datelines_are_told_from_headlines() {
        for t in [
            "Posted: Nov 27, 2005 8: 20 AM ET Last Updated: Nov 27, 2005 8: 10 PM ET",
            "16 September 2013 Last updated at 12: 42 GMT",
            "THURSDAY, JUNE 30, 2005",
            "8: 24am:",
            "11 / 28 / 05",
            "APR 28",
        ] {
            assert!(is_dateline(t), "{t}");
        }
        for t in [
            "",
            "Monday",
            "Obama overturns Bush endangered species rule",
            "6.1 quake strikes Chile on Monday",
            "Updated: Markets fall 3% on March 3",
        ] {
            assert!(!is_dateline(t), "{t}");
        }
    }
}
