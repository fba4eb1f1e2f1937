//! Key points: three to five short, distinct, central sentences of a story, each cited
//! and counted for how many articles back it up.

use serde::{Deserialize, Serialize};

use crate::article::{Citation, StoryArticle};
use crate::corpus::Corpus;
use crate::summary::{SummaryParams, score_sentences, select_besides};

/// One key point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPoint {
    /// The sentence.
    pub text: String,
    /// Where it came from.
    pub citation: Citation,
    /// How many articles (including its own) carry a sentence saying much the same.
    pub support: usize,
}

/// The key points of a story (convenience for [`key_points_corpus`]).
pub fn key_points(articles: &[StoryArticle]) -> Vec<KeyPoint> {
    key_points_corpus(&Corpus::new(articles))
}

/// Three to five key points, fewer only when the story has fewer usable sentences:
/// short sentences (≤ 35 words), none repeating another (cosine ≤ 0.25, nor the same fact
/// in other words: see [`crate::repeats`]), no opening
/// that needs a missing predecessor.
pub fn key_points_corpus(corpus: &Corpus<'_>) -> Vec<KeyPoint> {
    key_points_besides(corpus, &[])
}

/// [`key_points_corpus`] beside a summary: the sentences whose text is in `shown` (the
/// summary shown above the points), and near-repeats of them, are not points again, so
/// that the points add to what the reader has just read.
pub fn key_points_besides(corpus: &Corpus<'_>, shown: &[String]) -> Vec<KeyPoint> {
    key_points_beside_each(corpus, &[shown])
        .pop()
        .unwrap_or_default()
}

/// [`key_points_besides`] for several summaries at once (a story's short and long one), in
/// their order, scoring the sentences once.
pub fn key_points_beside_each(corpus: &Corpus<'_>, summaries: &[&[String]]) -> Vec<Vec<KeyPoint>> {
    let params = SummaryParams {
        redundancy: 0.25,
        max_words: 35,
        positional_order: false,
        ..SummaryParams::default()
    };
    let scores = score_sentences(corpus, &params);
    let eligible = scores.iter().filter(|s| **s > 0.0).count();
    let want = if eligible >= 12 {
        5
    } else if eligible >= 6 {
        4
    } else {
        3
    };
    summaries
        .iter()
        .map(|shown| {
            let shown: Vec<usize> = corpus
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| shown.contains(&s.text))
                .map(|(i, _)| i)
                .collect();
            select_besides(corpus, &scores, &params, usize::MAX, want, &shown)
                .into_iter()
                .filter(|&i| !corpus.sentences[i].dangling)
                .map(|i| point(corpus, i))
                .collect()
        })
        .collect()
}

/// Sentence `i` as a key point, with how many articles back it up.
fn point(corpus: &Corpus<'_>, i: usize) -> KeyPoint {
    let mut backers: Vec<usize> = vec![corpus.sentences[i].article];
    for (j, s) in corpus.sentences.iter().enumerate() {
        if !backers.contains(&s.article)
            && !s.furniture
            && corpus.vectors[j].dot(&corpus.vectors[i]) > 0.3
        {
            backers.push(s.article);
        }
    }
    KeyPoint {
        text: corpus.sentences[i].text.clone(),
        citation: corpus.citation(i),
        support: backers.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_to_five_distinct_cited_points() {
        let a = [
            StoryArticle {
                id: "a".into(),
                body: "A volcano erupted on the island of Tolo on Sunday, sending ash five kilometres high. Flights to the island were cancelled. Authorities evacuated 3,000 people from nearby villages. Scientists had warned of rising activity for weeks. The last eruption was in 1994.".into(),
                ..Default::default()
            },
            StoryArticle {
                id: "b".into(),
                body: "The volcano on Tolo erupted on Sunday and ash rose five kilometres. About 3,000 residents were evacuated from villages near the crater. Airlines cancelled all flights. Tourism officials fear a long closure.".into(),
                ..Default::default()
            },
        ];
        let k = key_points(&a);
        assert!((3..=5).contains(&k.len()), "{k:?}");
        assert!(
            k.iter().any(|p| p.support == 2),
            "a point backed by both articles: {k:?}"
        );
        for p in &k {
            assert!(a[p.citation.article].body.contains(&p.text));
        }
    }

    #[test]
    fn points_beside_a_summary_add_to_it() {
        let a = [
            StoryArticle {
                id: "a".into(),
                body: "A volcano erupted on the island of Tolo on Sunday, sending ash five kilometres high. Flights to the island were cancelled. Authorities evacuated 3,000 people from nearby villages. Scientists had warned of rising activity for weeks. The last eruption was in 1994. Schools on the island will stay shut until Friday.".into(),
                ..Default::default()
            },
            StoryArticle {
                id: "b".into(),
                body: "The volcano on Tolo erupted on Sunday and ash rose five kilometres. About 3,000 residents were evacuated from villages near the crater. Airlines cancelled all flights. Tourism officials fear a long closure. The navy sent two ships with water and tents.".into(),
                ..Default::default()
            },
        ];
        let corpus = Corpus::new(&a);
        let alone = key_points_corpus(&corpus);
        let summary: Vec<String> = alone.iter().take(2).map(|p| p.text.clone()).collect();
        let beside = key_points_besides(&corpus, &summary);
        assert!(beside.len() >= 3, "{beside:?}");
        for p in &beside {
            assert!(!summary.contains(&p.text), "{p:?} repeats the summary");
        }
        // Nor a near-repeat: the other article's report of the eruption is the same news.
        let eruption = |t: &str| t.contains("erupted");
        assert!(summary.iter().any(|t| eruption(t)), "{summary:?}");
        assert!(!beside.iter().any(|p| eruption(&p.text)), "{beside:?}");
    }

    #[test]
    fn points_beside_a_summary_do_not_restate_it_in_other_words() {
        let a = [
            StoryArticle {
                id: "a".into(),
                body: "A cargo ship ran aground off the island of Vella on Monday, spilling fuel into a marine reserve, the coast guard said.\n\nA twenty-metre gash was found. The vessel was carrying 300 containers of fertiliser from Rotterdam.\n\nSalvage crews hope to refloat it by Friday. Fishermen were told to keep their boats in port until the fuel is cleared.".into(),
                ..Default::default()
            },
            StoryArticle {
                id: "b".into(),
                body: "Fuel from a grounded freighter is spreading across the Vella marine reserve, the coast guard said on Monday.\n\nInspectors who went down on Tuesday morning reported a twenty-metre tear below the waterline, far worse than the owners had told the harbour authority. Salvage teams expect to pull the ship free by the end of the week.\n\nEnvironmental groups called the reserve one of the richest in the region.".into(),
                ..Default::default()
            },
        ];
        let corpus = Corpus::new(&a);
        let gash = "A twenty-metre gash was found.";
        let tear = |t: &str| t.contains("twenty-metre tear");
        let (g, t) = (
            corpus.sentences.iter().position(|s| s.text == gash),
            corpus.sentences.iter().position(|s| tear(&s.text)),
        );
        let (Some(g), Some(t)) = (g, t) else {
            panic!("the fixture has both sentences")
        };
        let cosine = corpus.vectors[g].dot(&corpus.vectors[t]);
        assert!(cosine < 0.25, "the words alone do not tell ({cosine})");
        let alone = key_points_corpus(&corpus);
        assert!(alone.iter().any(|k| tear(&k.text)), "{alone:?}");
        let beside = key_points_besides(&corpus, &[gash.to_string()]);
        assert!(beside.len() >= 3, "{beside:?}");
        assert!(
            !beside.iter().any(|k| tear(&k.text)),
            "the summary has told of the gash already: {beside:?}"
        );
    }
}
