//! "Ask about this story": the sentences of a story's articles that best support an
//! answer to a question, ranked by BM25 over stemmed sentence terms, each cited. When
//! nothing passes the thresholds the answer is [`Answer::NotSupported`], so a page can
//! say that the sources don't say.

use serde::{Deserialize, Serialize};

use crate::article::{Citation, StoryArticle};
use crate::corpus::Corpus;

/// Words of a question that carry no content (beyond the analyser's stop words).
const QUESTION_WORDS: &[&str] = &[
    "what", "who", "whom", "whose", "when", "where", "why", "how", "which", "did", "does", "do",
    "say", "said", "tell", "told", "happen", "happened", "many", "much", "story", "article",
    "know", "report", "reported",
];

/// Thresholds and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AskOptions {
    /// At most this many supporting sentences.
    pub max_sentences: usize,
    /// A sentence must match at least this share of the question's term weight (IDF).
    pub min_coverage: f32,
    /// And score at least this in BM25.
    pub min_score: f32,
    /// BM25 `k1`.
    pub k1: f32,
    /// BM25 `b`.
    pub b: f32,
}

impl Default for AskOptions {
    fn default() -> Self {
        Self {
            max_sentences: 3,
            min_coverage: 0.5,
            min_score: 1.0,
            k1: 1.2,
            b: 0.75,
        }
    }
}

/// One supporting sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The sentence.
    pub text: String,
    /// The sentence before it, when this one leans on it ("He said …").
    pub context: Option<String>,
    /// Where it came from.
    pub citation: Citation,
    /// Its BM25 score.
    pub score: f32,
    /// The share of the question's term weight it matches (0–1).
    pub coverage: f32,
}

/// The result of a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Answer {
    /// Sentences that support an answer, best first.
    Supported {
        /// The evidence.
        evidence: Vec<Evidence>,
    },
    /// The story's articles do not address the question.
    NotSupported,
}

impl Answer {
    /// The evidence, empty when not supported.
    pub fn evidence(&self) -> &[Evidence] {
        match self {
            Self::Supported { evidence } => evidence,
            Self::NotSupported => &[],
        }
    }
}

/// Answers `question` from `articles` (convenience for [`ask_corpus`]).
pub fn ask(articles: &[StoryArticle], question: &str, options: &AskOptions) -> Answer {
    ask_corpus(&Corpus::new(articles), question, options)
}

/// Answers `question` from an analysed story.
pub fn ask_corpus(corpus: &Corpus<'_>, question: &str, options: &AskOptions) -> Answer {
    let stop: Vec<u64> = QUESTION_WORDS
        .iter()
        .flat_map(|w| corpus.analyze(w))
        .collect();
    let mut query: Vec<u64> = corpus
        .analyze(question)
        .into_iter()
        .filter(|h| !stop.contains(h))
        .collect();
    query.sort_unstable();
    query.dedup();
    if query.is_empty() {
        return Answer::NotSupported;
    }
    let eligible: Vec<usize> = (0..corpus.sentences.len())
        .filter(|&i| !corpus.sentences[i].furniture && !corpus.terms[i].is_empty())
        .collect();
    if eligible.is_empty() {
        return Answer::NotSupported;
    }
    let n = eligible.len() as f32;
    let avg_len = eligible
        .iter()
        .map(|&i| corpus.terms[i].len() as f32)
        .sum::<f32>()
        / n;
    let df = |h: u64| {
        eligible
            .iter()
            .filter(|&&i| corpus.terms[i].contains(&h))
            .count() as f32
    };
    let idf: Vec<(u64, f32)> = query
        .iter()
        .map(|&h| {
            // A word the story never uses weighs like its rarest word, not more: a
            // generic verb of the question ("reach") must not sink a good match.
            let d = df(h).max(1.0);
            (h, (1.0 + (n - d + 0.5) / (d + 0.5)).ln())
        })
        .collect();
    let total_idf: f32 = idf.iter().map(|(_, w)| w).sum();
    let mut scored: Vec<(usize, f32, f32)> = eligible
        .iter()
        .filter_map(|&i| {
            let terms = &corpus.terms[i];
            let len = terms.len() as f32;
            let (mut score, mut matched) = (0.0f32, 0.0f32);
            for &(h, w) in &idf {
                let tf = terms.iter().filter(|&&t| t == h).count() as f32;
                if tf > 0.0 {
                    matched += w;
                    score += w * tf * (options.k1 + 1.0)
                        / (tf + options.k1 * (1.0 - options.b + options.b * len / avg_len));
                }
            }
            let coverage = if total_idf > 0.0 {
                matched / total_idf
            } else {
                0.0
            };
            (score >= options.min_score && coverage >= options.min_coverage)
                .then_some((i, score, coverage))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut chosen: Vec<usize> = Vec::new();
    for (i, score, coverage) in scored {
        if evidence.len() >= options.max_sentences {
            break;
        }
        if chosen
            .iter()
            .any(|&c| corpus.vectors[c].dot(&corpus.vectors[i]) > 0.6)
        {
            continue;
        }
        let s = &corpus.sentences[i];
        let context = (s.dangling && i > 0 && corpus.sentences[i - 1].article == s.article)
            .then(|| corpus.sentences[i - 1].text.clone());
        chosen.push(i);
        evidence.push(Evidence {
            text: s.text.clone(),
            context,
            citation: corpus.citation(i),
            score,
            coverage,
        });
    }
    if evidence.is_empty() {
        Answer::NotSupported
    } else {
        Answer::Supported { evidence }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Vec<StoryArticle> {
        vec![
            StoryArticle {
                id: "a".into(),
                body: "The city council approved a new tram line on Tuesday. The line will cost 400 million euros and open in 2027. He said the vote was close.".into(),
                ..Default::default()
            },
            StoryArticle {
                id: "b".into(),
                body: "Councillors voted 31 to 29 for the tram project. Critics said the costs were too high.".into(),
                ..Default::default()
            },
        ]
    }

    #[test]
    fn finds_cited_evidence_with_stemming() {
        let a = story();
        let ans = ask(&a, "How much will the line cost?", &AskOptions::default());
        let ev = ans.evidence();
        assert!(!ev.is_empty(), "{ans:?}");
        assert!(ev[0].text.contains("400 million"), "{ev:?}");
        assert_eq!(ev[0].citation.article_id, "a");
        assert!(
            ev.iter().any(|e| e.text.contains("costs were too high")),
            "stemmed 'costs' matches 'cost'"
        );
    }

    #[test]
    fn unsupported_questions_say_so() {
        let a = story();
        assert_eq!(
            ask(
                &a,
                "What did the mayor say about parking fines?",
                &AskOptions::default()
            ),
            Answer::NotSupported
        );
        assert_eq!(
            ask(&a, "What?", &AskOptions::default()),
            Answer::NotSupported
        );
        assert_eq!(
            ask(&[], "Tram cost?", &AskOptions::default()),
            Answer::NotSupported
        );
    }
}
