//! A story's articles analysed once: sentences with their stemmed terms (and which of
//! them look like names), sentence-level inverse document frequencies, how each term
//! spreads over the articles, and unit TF-IDF vectors. Summary, key points and question
//! answering all read this; the counts a story states ([`crate::figures`]) are read only
//! when the summary or the key points ask for them.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use tidings_text::{Analyzer, SparseVec, StemCache, TokenKind};

use crate::article::{Citation, StoryArticle};
use crate::figures::Figures;
use crate::sentences::{Sentence, split_article};

/// The analysed sentences of one story.
#[derive(Debug)]
pub struct Corpus<'a> {
    /// The articles, as given.
    pub articles: &'a [StoryArticle],
    /// Every sentence of every article, article by article.
    pub sentences: Vec<Sentence>,
    /// For each sentence, its stemmed term hashes in order (stop words removed).
    pub terms: Vec<Vec<u64>>,
    /// For each sentence, whether each of its [`Corpus::terms`] was written capitalised
    /// inside the sentence (a likely name).
    pub capitalised: Vec<Vec<bool>>,
    /// For each sentence, its unit-length TF-IDF vector.
    pub vectors: Vec<SparseVec>,
    /// For each article, the range of its sentences in [`Corpus::sentences`].
    pub spans: Vec<Range<usize>>,
    /// The counts the sentences state, read on first use ([`Corpus::figures`]).
    figures: OnceLock<Figures>,
    idf: HashMap<u64, f32>,
    spread: HashMap<u64, Spread>,
    analyzers: Vec<(String, Analyzer)>,
}

/// How one term spreads over a story's sentences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    /// Sentences of the story that use the term.
    pub sentences: u32,
    /// The most sentences that use it within one article.
    pub most_in_one_article: u32,
}

impl<'a> Corpus<'a> {
    /// Splits and analyses `articles`.
    pub fn new(articles: &'a [StoryArticle]) -> Self {
        let mut sentences = Vec::new();
        let mut spans = Vec::with_capacity(articles.len());
        let mut analyzers: Vec<(String, Analyzer)> = Vec::new();
        let mut terms: Vec<Vec<u64>> = Vec::new();
        let mut capitalised: Vec<Vec<bool>> = Vec::new();
        let mut cache = StemCache::default();
        for (i, a) in articles.iter().enumerate() {
            let lang = language_of(a);
            let an = analyzer_index(&mut analyzers, &lang);
            let start = sentences.len();
            for s in split_article(i, &a.body) {
                let hashes =
                    analyzers[an]
                        .1
                        .analyze_hashes(&s.text, &mut cache, 1 << 16, usize::MAX);
                terms.push(hashes.iter().map(|(h, _)| *h).collect());
                capitalised.push(
                    hashes
                        .iter()
                        .map(|(_, k)| *k == TokenKind::Capitalised)
                        .collect(),
                );
                sentences.push(s);
            }
            spans.push(start..sentences.len());
        }
        let n = sentences.len().max(1) as f32;
        let mut spread: HashMap<u64, Spread> = HashMap::new();
        for span in &spans {
            let mut in_article: HashMap<u64, u32> = HashMap::new();
            for t in &terms[span.clone()] {
                let mut seen: Vec<u64> = t.clone();
                seen.sort_unstable();
                seen.dedup();
                for h in seen {
                    *in_article.entry(h).or_default() += 1;
                }
            }
            for (h, count) in in_article {
                let s = spread.entry(h).or_default();
                s.sentences += count;
                s.most_in_one_article = s.most_in_one_article.max(count);
            }
        }
        let idf: HashMap<u64, f32> = spread
            .iter()
            .map(|(&h, s)| (h, (n / s.sentences as f32).ln() + 1.0))
            .collect();
        let vectors = terms
            .iter()
            .map(|t| {
                let mut v =
                    SparseVec::from_pairs(t.iter().map(|h| (*h, 1.0f32)).collect::<Vec<_>>());
                let weighted: Vec<(u64, f32)> = v
                    .entries()
                    .iter()
                    .map(|&(h, c)| (h, (1.0 + c.ln()) * idf.get(&h).copied().unwrap_or(1.0)))
                    .collect();
                v = SparseVec::from_pairs(weighted);
                v.normalize();
                v
            })
            .collect();
        Self {
            articles,
            figures: OnceLock::new(),
            sentences,
            terms,
            capitalised,
            vectors,
            spans,
            idf,
            spread,
            analyzers,
        }
    }

    /// The counts (dead, injured, …) the sentences state, and which a newer report
    /// changed. Only the summary and the key points need them, so they are read on the
    /// first call, not for every question asked of the story.
    pub fn figures(&self) -> &Figures {
        self.figures
            .get_or_init(|| Figures::of(self.articles, &self.sentences))
    }

    /// Whether [`Corpus::figures`] has been read.
    #[cfg(test)]
    pub(crate) fn figures_read(&self) -> bool {
        self.figures.get().is_some()
    }

    /// The inverse sentence frequency of a term hash (terms absent from the story get
    /// the weight of a term seen once).
    pub fn idf(&self, term: u64) -> f32 {
        self.idf
            .get(&term)
            .copied()
            .unwrap_or_else(|| (self.sentences.len().max(1) as f32).ln() + 1.0)
    }

    /// How `term` spreads over the story (all zero for a term it does not use).
    pub fn spread(&self, term: u64) -> Spread {
        self.spread.get(&term).copied().unwrap_or_default()
    }

    /// Analyses free text (a question, a headline) the way the story's first article
    /// was analysed, into term hashes.
    pub fn analyze(&self, text: &str) -> Vec<u64> {
        let mut cache = StemCache::default();
        match self.analyzers.first() {
            Some((_, a)) => a
                .analyze_hashes(text, &mut cache, 1 << 16, usize::MAX)
                .into_iter()
                .map(|(h, _)| h)
                .collect(),
            None => Analyzer::new(Some("en"))
                .analyze(text)
                .iter()
                .map(|t| t.hash)
                .collect(),
        }
    }

    /// A unit TF-IDF vector for free text, with this story's weights.
    pub fn vector(&self, text: &str) -> SparseVec {
        let mut v = SparseVec::from_pairs(
            self.analyze(text)
                .into_iter()
                .map(|h| (h, self.idf(h)))
                .collect(),
        );
        v.normalize();
        v
    }

    /// The citation of sentence `i`.
    pub fn citation(&self, i: usize) -> Citation {
        let s = &self.sentences[i];
        Citation {
            article: s.article,
            article_id: self
                .articles
                .get(s.article)
                .map(|a| a.id.clone())
                .unwrap_or_default(),
            sentence: s.index,
        }
    }
}

/// The language to analyse an article in (English unless it says otherwise).
fn language_of(a: &StoryArticle) -> String {
    a.language
        .as_deref()
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en".to_string())
}

/// The index of the analyser for `lang`, creating it on first use.
fn analyzer_index(analyzers: &mut Vec<(String, Analyzer)>, lang: &str) -> usize {
    if let Some(i) = analyzers.iter().position(|(l, _)| l == lang) {
        return i;
    }
    analyzers.push((lang.to_string(), Analyzer::new(Some(lang))));
    analyzers.len() - 1
}
