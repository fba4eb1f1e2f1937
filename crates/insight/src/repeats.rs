//! Whether two sentences of a story say the same thing, so that a summary or a list of key
//! points keeps only one of them. Two tests, either of which is enough:
//!
//! - the words: the cosine of the two TF-IDF vectors is above
//!   [`SummaryParams::redundancy`];
//! - the fact ([`same_fact`]), for the same statement in other words, which the cosine
//!   misses: "The krone strengthened against the euro after the announcement." and "The
//!   krone rose against the euro and the dollar after the decision was published." share
//!   two of their ten terms (cosine 0.31), yet they are the only sentences of their story
//!   that name both the krone and the euro.
//!
//! The second test reads what the two sentences are about rather than all their words. An
//! *anchor* of a pair is something both mention that marks one statement in the story: a
//! term (or a run of capitalised terms, a name, counted once) that no other sentence of the
//! story uses, or, for sentences of two different articles, that no article uses in more
//! than one sentence (each report says that detail once). Two anchors, such as the krone
//! and the euro, tie the sentences to one statement; one alone (a name) only says they are
//! about the same subject, and a term the story repeats says nothing. The pair must also
//! overlap: a good share of the lighter sentence's terms, weighted by IDF, are in the other
//! one ([`containment`] at least [`SummaryParams::same_fact`], 0.35 by default).
//!
//! A third test reads the counts the sentences state ([`same_count`]): "Thirty-one people
//! were rescued from the river" and "Rescue teams pulled 31 survivors from the water" share
//! no anchor the cosine would see, but both say 31 people were rescued.
//!
//! In the summaries of the benchmark's 250 stories, the test finds 30 pairs the cosine let
//! through (in 29 summaries); read one by one, 16 state one fact twice, 10 repeat part of
//! one and 4 do not (`docs/experiments/summary-redundancy.md`).

use crate::corpus::Corpus;
use crate::summary::SummaryParams;

/// Anchors a pair needs for [`same_fact`].
pub const MIN_ANCHORS: usize = 2;

/// Whether sentences `a` and `b` of `corpus` say the same thing under `p`: by their words
/// (cosine above `p.redundancy`), as the same fact ([`same_fact`] with `p.same_fact`) or
/// as the same count ([`same_count`]). Indices outside the corpus never repeat anything.
pub fn repeats(corpus: &Corpus<'_>, a: usize, b: usize, p: &SummaryParams) -> bool {
    let (Some(va), Some(vb)) = (corpus.vectors.get(a), corpus.vectors.get(b)) else {
        return false;
    };
    va.dot(vb) > p.redundancy || same_fact(corpus, a, b, p.same_fact) || same_count(corpus, a, b)
}

/// The smallest value of a count specific enough to tie two sentences to one statement
/// ("two people were injured" is said of many events of a story, "31 survivors" of one).
pub const MIN_SPECIFIC_COUNT: u64 = 10;

/// Whether `a` and `b` state one count ([`crate::figures`]) with one value of at least
/// [`MIN_SPECIFIC_COUNT`], in digits or in words: the same number of people rescued,
/// killed, injured or missing.
pub fn same_count(corpus: &Corpus<'_>, a: usize, b: usize) -> bool {
    let figures = corpus.figures();
    let theirs = figures.stated(b);
    a != b
        && figures
            .stated(a)
            .iter()
            .any(|c| c.value >= MIN_SPECIFIC_COUNT && theirs.contains(c))
}

/// Whether `a` and `b` state the same fact, in the same words or not: they share at least
/// [`MIN_ANCHORS`] anchors (see the module documentation) and the [`containment`] of the
/// lighter one in the other is at least `min_containment` (above 1: never).
pub fn same_fact(corpus: &Corpus<'_>, a: usize, b: usize, min_containment: f32) -> bool {
    a != b
        && min_containment <= 1.0
        && containment(corpus, a, b) >= min_containment
        && anchors(corpus, a, b) >= MIN_ANCHORS
}

/// The share of the lighter sentence's distinct terms, weighted by IDF, that the other
/// sentence uses too (0 when either has no terms or an index is outside the corpus).
pub fn containment(corpus: &Corpus<'_>, a: usize, b: usize) -> f32 {
    let (Some(va), Some(vb)) = (corpus.vectors.get(a), corpus.vectors.get(b)) else {
        return 0.0;
    };
    let weight = |v: &[(u64, f32)]| -> f32 { v.iter().map(|&(t, _)| corpus.idf(t)).sum() };
    let (ea, eb) = (va.entries(), vb.entries());
    let lighter = weight(ea).min(weight(eb));
    if lighter <= 0.0 {
        return 0.0;
    }
    // Both entry lists are sorted by term: one merge finds the shared ones.
    let (mut i, mut j, mut shared) = (0, 0, 0.0f32);
    while i < ea.len() && j < eb.len() {
        match ea[i].0.cmp(&eb[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += corpus.idf(ea[i].0);
                i += 1;
                j += 1;
            }
        }
    }
    shared / lighter
}

/// How many anchors sentences `a` and `b` share: things both mention that no other sentence
/// of the story mentions, or, when they come from different articles, that no article
/// mentions in two sentences. A run of capitalised terms in `a` counts once, with the first
/// term when it opens the run.
pub fn anchors(corpus: &Corpus<'_>, a: usize, b: usize) -> usize {
    let (Some(terms), Some(caps), Some(other), Some(sa), Some(sb)) = (
        corpus.terms.get(a),
        corpus.capitalised.get(a),
        corpus.vectors.get(b),
        corpus.sentences.get(a),
        corpus.sentences.get(b),
    ) else {
        return 0;
    };
    let same_article = sa.article == sb.article;
    let marks_one_statement = |t: u64| {
        let s = corpus.spread(t);
        s.sentences <= 2 || (!same_article && s.most_in_one_article <= 1)
    };
    let mut counted: Vec<u64> = Vec::new();
    let mut anchors = 0;
    let mut start = 0;
    while start < terms.len() {
        // One unit: a single term, or a run of capitalised ones (a name). The first term
        // is capitalised anyway when it opens the sentence, so it joins a run it precedes
        // ("Governor Henrik Dahl said …").
        let cap = |k: usize| caps.get(k).copied().unwrap_or(false);
        let mut end = start + 1;
        if cap(start) || (start == 0 && cap(1)) {
            while end < terms.len() && cap(end) {
                end += 1;
            }
        }
        let shared: Vec<u64> = terms[start..end]
            .iter()
            .copied()
            .filter(|&t| other.get(t).is_some() && !counted.contains(&t))
            .collect();
        if !shared.is_empty() && shared.iter().all(|&t| marks_one_statement(t)) {
            anchors += 1;
            counted.extend(shared);
        }
        start = end;
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::StoryArticle;
    use crate::summary::tests::art;

    /// The index of the sentence that starts with `start`.
    fn find(corpus: &Corpus<'_>, start: &str) -> usize {
        corpus
            .sentences
            .iter()
            .position(|s| s.text.starts_with(start))
            .unwrap_or_else(|| panic!("no sentence starts with {start:?}"))
    }

    /// Two reports of a rate rise (the browser-test fixture's story, shortened).
    fn rates() -> [StoryArticle; 2] {
        [
            art(
                "a",
                "The Bank of Norland raised its main interest rate by half a point to 4.5 percent \
                 on Wednesday, saying inflation of 6.1 percent was proving more stubborn than \
                 expected.\n\nGovernor Henrik Dahl said the bank was ready to act again if wage \
                 growth did not slow. The krone strengthened against the euro after the \
                 announcement.\n\nEconomists had expected a smaller quarter-point move, and the \
                 decision was taken by a split vote.",
            ),
            art(
                "b",
                "Norland's central bank surprised markets on Wednesday with a half-point increase \
                 that takes its benchmark rate to 4.5 percent, as Governor Henrik Dahl warned that \
                 inflation was not falling fast enough.\n\nThe central bank kept its rate at 3 % \
                 for most of last year. The krone rose against the euro and the dollar after the \
                 decision was published.",
            ),
        ]
    }

    #[test]
    fn the_same_fact_in_other_words_is_a_repeat() {
        let articles = rates();
        let corpus = Corpus::new(&articles);
        let strengthened = find(&corpus, "The krone strengthened");
        let rose = find(&corpus, "The krone rose");
        let p = SummaryParams::default();
        // The words alone do not tell: the cosine stays under the threshold.
        assert!(
            corpus.vectors[strengthened].dot(&corpus.vectors[rose]) <= p.redundancy,
            "the pair is a paraphrase, not a lexical repeat"
        );
        assert_eq!(
            anchors(&corpus, strengthened, rose),
            2,
            "the krone, the euro"
        );
        assert!(same_fact(&corpus, strengthened, rose, p.same_fact));
        assert!(same_fact(&corpus, rose, strengthened, p.same_fact));
        assert!(repeats(&corpus, strengthened, rose, &p));
    }

    #[test]
    fn different_facts_about_one_subject_are_not() {
        let articles = rates();
        let corpus = Corpus::new(&articles);
        let p = SummaryParams::default();
        let rose = find(&corpus, "The krone rose");
        let kept = find(&corpus, "The central bank kept");
        assert!(!repeats(&corpus, rose, kept, &p));
        // The governor in both leads and in another statement: one name is one anchor.
        let said = find(&corpus, "Governor Henrik Dahl said");
        let lead = find(&corpus, "Norland's central bank");
        assert!(anchors(&corpus, said, lead) <= 1);
        assert!(!repeats(&corpus, said, lead, &p));
        // Out of range or the sentence itself: no verdict of repetition.
        assert!(!repeats(&corpus, rose, usize::MAX, &p));
        assert!(!same_fact(&corpus, rose, rose, p.same_fact));
    }

    #[test]
    fn one_count_in_words_and_in_digits_is_a_repeat() {
        let articles = [
            art(
                "wire",
                "Thirty-one people were rescued from the Alder river on Tuesday after a \
                 ferry capsized near Kell, the coastguard said. The boat was carrying \
                 commuters home from the market.",
            ),
            art(
                "daily",
                "Rescue teams pulled 31 survivors from the water after the overloaded boat \
                 overturned in strong currents. Seven people are still missing, police said.",
            ),
            art(
                "local",
                "Divers searched the river again at dawn. Twelve people were rescued by \
                 fishermen before the coastguard arrived. Seven people were missing after \
                 the ferry sank.",
            ),
        ];
        let corpus = Corpus::new(&articles);
        let p = SummaryParams::default();
        let words = find(&corpus, "Thirty-one people");
        let digits = find(&corpus, "Rescue teams");
        assert!(same_count(&corpus, words, digits));
        assert!(repeats(&corpus, words, digits, &p));
        assert!(repeats(&corpus, digits, words, &p));
        // Another value, another count, or no count: not a repeat by the count.
        let twelve = find(&corpus, "Twelve people");
        let missing = find(&corpus, "Seven people");
        let capsized = find(&corpus, "The boat was carrying");
        assert!(!same_count(&corpus, words, twelve));
        assert!(!same_count(&corpus, digits, missing));
        assert!(!same_count(&corpus, words, capsized));
        assert!(!same_count(&corpus, words, words));
        // Seven missing in two reports: too common a number to make one statement.
        let seven = find(&corpus, "Seven people were missing");
        assert!(!same_count(&corpus, missing, seven));
        // The summary of the two reports says it once.
        let summary =
            crate::summary::summarize(&articles[..2], &crate::summary::SummaryOptions::default())
                .long_text();
        assert!(
            summary.contains("Thirty-one people") != summary.contains("31 survivors"),
            "{summary}"
        );
    }

    #[test]
    fn a_containment_above_one_turns_the_fact_test_off() {
        let articles = rates();
        let corpus = Corpus::new(&articles);
        let strengthened = find(&corpus, "The krone strengthened");
        let rose = find(&corpus, "The krone rose");
        assert!(!same_fact(&corpus, strengthened, rose, 1.5));
        let off = SummaryParams {
            same_fact: 1.5,
            ..SummaryParams::default()
        };
        assert!(!repeats(&corpus, strengthened, rose, &off));
    }
}
