//! "Ask about this story": the sentences of a story's articles that best support an
//! answer to a question, ranked by BM25 over stemmed sentence terms, each cited. When
//! nothing passes the thresholds the answer is [`Answer::NotSupported`], so a page can
//! say that the sources don't say.

use serde::{Deserialize, Serialize};

use crate::answer_cues::{Cues, cues_of};
use crate::article::{Citation, StoryArticle};
use crate::corpus::Corpus;
use crate::dates::civil_from_days;
use crate::entities::{EntityKind, extract_entities};
use crate::question::{Question, Wanted, concepts};

/// Thresholds and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AskOptions {
    /// At most this many supporting sentences.
    pub max_sentences: usize,
    /// A sentence must match at least this share of the question's term weight (IDF).
    pub min_coverage: f32,
    /// The share a sentence must match when it offers the kind of answer the question
    /// wants (a number for "how many", a moment for "when").
    pub min_coverage_offering: f32,
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
            min_coverage_offering: 0.3,
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
    /// Its score: BM25, weighed by the kind of answer it offers.
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

/// One content word of the question: its stems and those of the concept it stands for,
/// and the beginning of the word as written, to find it inside longer words.
struct Term {
    stems: Vec<u64>,
    start: String,
    weight: f32,
}

/// How much of a term a sentence holds: 1 for one of its stems, less for the word's
/// beginning inside a longer word ("rain" in "rainfall", "wahl" in "Stichwahl") or for a
/// stem in its article's headline only (the lead sentence tells the headline's news).
const PART_OF_WORD: f32 = 0.6;
const IN_HEADLINE: f32 = 0.5;

/// Answers `question` from an analysed story: BM25 over each sentence's stems, where a
/// question word matches its concept's words too, weighed up for sentences that offer the
/// kind of answer the question wants and, for "how many", a little for later reports
/// (tolls and counts grow as a story develops).
pub fn ask_corpus(corpus: &Corpus<'_>, question: &str, options: &AskOptions) -> Answer {
    let question = Question::parse(question);
    let terms = terms_of(corpus, &question);
    if terms.is_empty() {
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
    let terms: Vec<Term> = terms
        .into_iter()
        .map(|mut t| {
            let d = eligible
                .iter()
                .filter(|&&i| corpus.terms[i].iter().any(|h| t.stems.contains(h)))
                .count() as f32;
            // A word the story never uses weighs like its rarest word, not more: a
            // generic verb of the question ("reach") must not sink a good match.
            let d = d.max(1.0);
            t.weight = (1.0 + (n - d + 0.5) / (d + 0.5)).ln();
            t
        })
        .collect();
    let total: f32 = terms.iter().map(|t| t.weight).sum();
    let headlines: Vec<Vec<u64>> = corpus
        .articles
        .iter()
        .map(|a| {
            a.title
                .as_deref()
                .map(|t| corpus.analyze(t))
                .unwrap_or_default()
        })
        .collect();
    let names = NamesOfKind::of(corpus, question.wanted);
    let recency = Recency::of(corpus);
    let mut scored: Vec<(usize, f32, f32)> = eligible
        .iter()
        .filter_map(|&i| {
            let sentence = &corpus.sentences[i];
            let words = lowercase_words(&sentence.text);
            let lead = corpus.spans[sentence.article].start == i;
            let len = corpus.terms[i].len() as f32;
            let (mut score, mut matched) = (0.0f32, 0.0f32);
            for t in &terms {
                let tf = corpus.terms[i]
                    .iter()
                    .filter(|h| t.stems.contains(h))
                    .count() as f32;
                let share = if tf > 0.0 {
                    1.0
                } else if words
                    .iter()
                    .any(|w| w.len() > t.start.len() && contains_part(w, &t.start))
                {
                    PART_OF_WORD
                } else if lead
                    && headlines[sentence.article]
                        .iter()
                        .any(|h| t.stems.contains(h))
                {
                    IN_HEADLINE
                } else {
                    continue;
                };
                let tf = tf.max(1.0);
                matched += t.weight * share;
                score += share * t.weight * tf * (options.k1 + 1.0)
                    / (tf + options.k1 * (1.0 - options.b + options.b * len / avg_len));
            }
            let coverage = if total > 0.0 { matched / total } else { 0.0 };
            let cues = cues_of(&sentence.text);
            let offer = offers(&question, &cues, &sentence.text, &names);
            let needed = if offer >= 0.7 {
                options.min_coverage_offering
            } else {
                options.min_coverage
            };
            let mut weighed = match question.wanted {
                Wanted::Any => score,
                _ if offer > 0.0 => score * (1.0 + 0.6 * offer),
                _ => score * 0.7,
            };
            // What the sentence offers can lift it over the least score ("$14 billion" in
            // a long sentence answers "How much is the fund?" with one shared word); what it
            // lacks only ranks it lower.
            if score.max(weighed) < options.min_score || coverage < needed {
                return None;
            }
            let reported = corpus.articles[sentence.article]
                .published
                .map(|t| civil_from_days(t.div_euclid(86_400)).0)
                .and_then(|y| u32::try_from(y).ok());
            if question.wanted == Wanted::Quantity {
                weighed *= 1.0 + 0.15 * recency.of_article(sentence.article);
                // A count from years before the report is background ("Its last deadly
                // earthquake, in 1979, killed more than 300"), unless the question asks
                // about that year.
                let past = cues.years.iter().any(|&y| {
                    reported.is_some_and(|now| y + 1 < now) && !question.years.contains(&y)
                });
                if past {
                    weighed *= 0.6;
                }
            }
            if question.future && matches!(question.wanted, Wanted::Time | Wanted::Duration) {
                // "When will it reach Mars?" is not answered by what happened: a sentence
                // that does not speak of the future, or names only years before its
                // report ("lost a Mars probe in 2011"), ranks lower.
                let only_past_years = !cues.years.is_empty()
                    && cues.years.iter().all(|&y| {
                        reported.is_some_and(|now| y < now) && !question.years.contains(&y)
                    });
                if !cues.future || only_past_years {
                    weighed *= 0.6;
                }
            }
            Some((i, weighed, coverage))
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

/// The question's content words as terms, each with its concept's stems; words that
/// analyse to nothing (stop words) are dropped, and a word whose stems another term
/// already holds is not counted twice.
fn terms_of(corpus: &Corpus<'_>, question: &Question) -> Vec<Term> {
    let concept_stems: Vec<Vec<u64>> = concepts()
        .map(|c| c.flat_map(|w| corpus.analyze(w)).collect())
        .collect();
    let mut terms: Vec<Term> = Vec::new();
    for word in &question.content {
        let own = corpus.analyze(word);
        if own.is_empty()
            || terms
                .iter()
                .any(|t| own.iter().all(|h| t.stems.contains(h)))
        {
            continue;
        }
        let mut stems = own.clone();
        for c in &concept_stems {
            if own.iter().any(|h| c.contains(h)) {
                stems.extend(c);
            }
        }
        stems.sort_unstable();
        stems.dedup();
        // The word's beginning: "injur" of "injured" finds "injuries", "lead" of "leads"
        // finds "leader"; at least four letters, so short words find only themselves.
        let chars: Vec<char> = word.chars().collect();
        let keep = chars.len().saturating_sub(2).max(4).min(chars.len());
        terms.push(Term {
            stems,
            start: chars[..keep].iter().collect(),
            weight: 0.0,
        });
    }
    terms
}

/// The lowercase words of a sentence.
fn lowercase_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `word` holds `part` as its beginning, or as its end (a compound: "stichwahl"
/// ends in "wahl"), when `part` has at least four letters.
fn contains_part(word: &str, part: &str) -> bool {
    part.chars().count() >= 4 && (word.starts_with(part) || word.ends_with(part))
}

/// The names of people, organisations or places in the story, for questions that want one.
struct NamesOfKind(Vec<String>);

impl NamesOfKind {
    fn of(corpus: &Corpus<'_>, wanted: Wanted) -> Self {
        let kinds: &[EntityKind] = match wanted {
            Wanted::Name => &[EntityKind::Person, EntityKind::Organisation],
            Wanted::Place => &[EntityKind::Place],
            _ => return Self(Vec::new()),
        };
        let mut names = Vec::new();
        for e in extract_entities(corpus.articles) {
            if kinds.contains(&e.kind) {
                // The surname or last word finds "Roth" where the story wrote "Sabine Roth"
                // once; the whole name covers one-word names.
                if let Some(last) = e.name.split_whitespace().last()
                    && last.chars().count() >= 3
                {
                    names.push(last.to_string());
                }
                names.push(e.name);
            }
        }
        Self(names)
    }

    fn in_sentence(&self, text: &str) -> bool {
        self.0.iter().any(|n| {
            text.match_indices(n.as_str()).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + n.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
    }
}

/// How well a sentence offers what the question wants, 0 to 1.
fn offers(question: &Question, cues: &Cues, text: &str, names: &NamesOfKind) -> f32 {
    match question.wanted {
        Wanted::Quantity if question.money && cues.money => 1.0,
        // "over five years" is no amount of money.
        Wanted::Quantity if question.money && cues.quantity && !cues.duration => 0.5,
        Wanted::Quantity if question.money => 0.0,
        Wanted::Quantity => f32::from(u8::from(cues.quantity)),
        Wanted::Duration if cues.duration => 1.0,
        Wanted::Duration if cues.quantity => 0.5,
        Wanted::Time if cues.moment => 1.0,
        Wanted::Time if cues.duration => 0.7,
        Wanted::Name | Wanted::Place if names.in_sentence(text) => 1.0,
        Wanted::Reason if cues.reason => 1.0,
        _ => 0.0,
    }
}

/// Where each article stands in the story's time: 0 for the earliest published, 1 for the
/// latest (all 0 without times).
struct Recency(Vec<f32>);

impl Recency {
    fn of(corpus: &Corpus<'_>) -> Self {
        let times: Vec<Option<i64>> = corpus.articles.iter().map(|a| a.published).collect();
        let (lo, hi) = times
            .iter()
            .flatten()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        Self(
            times
                .iter()
                .map(|t| match t {
                    Some(t) if hi > lo => (t - lo) as f32 / (hi - lo) as f32,
                    _ => 0.0,
                })
                .collect(),
        )
    }

    fn of_article(&self, article: usize) -> f32 {
        self.0.get(article).copied().unwrap_or(0.0)
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
    fn a_question_does_not_read_the_counts_the_story_states() {
        let hour = 3_600;
        let a = crate::summary::tests::developing_story([
            Some(1_780_000_000),
            Some(1_780_000_000 + 2 * hour),
            Some(1_780_000_000 + 4 * hour),
        ]);
        let corpus = Corpus::new(&a);
        for q in ["How many people died?", "Where did the earthquake strike?"] {
            let answer = ask_corpus(&corpus, q, &AskOptions::default());
            assert!(!answer.evidence().is_empty(), "{q}");
        }
        assert!(!corpus.figures_read());
        // The summary reads them, once, and tells the latest toll.
        let summary = crate::summary::summarize_corpus(&corpus, &Default::default());
        assert!(corpus.figures_read());
        assert!(
            summary.short_text().contains("71"),
            "{}",
            summary.short_text()
        );
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
    fn a_count_from_years_ago_is_background_and_money_wants_a_currency() {
        // 2026-06-01
        let published = Some(1_780_272_000);
        let quake = [StoryArticle {
            id: "q".into(),
            body: "Its last deadly earthquake, in 1979, killed more than 300 people. \
                   A strong earthquake struck the coast on Monday, killing at least 41 people, \
                   officials said. Rescue teams searched the port through the night. \
                   Schools will stay closed this week. The airport reopened at noon. \
                   Aftershocks rattled the hill towns."
                .into(),
            published,
            ..Default::default()
        }];
        let first = |articles: &[StoryArticle], q: &str| {
            ask(articles, q, &AskOptions::default()).evidence()[0]
                .text
                .clone()
        };
        assert!(first(&quake, "How many people died?").contains("41"));
        assert!(first(&quake, "How many people died in 1979?").contains("300"));
        let fund = [StoryArticle {
            id: "f".into(),
            body: "The fund will be paid out over five years. \
                   Ministers agreed a new $14 billion fund for sea defences. \
                   Talks ran through the night. Island states won a third of the seats. \
                   The deal must now be ratified by parliaments. Activists called it a start."
                .into(),
            published,
            ..Default::default()
        }];
        assert!(first(&fund, "How much is the fund?").contains("$14 billion"));
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
