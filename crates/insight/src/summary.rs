//! The extractive multi-document story summary: the most central sentences across the
//! story's articles, favouring early sentences (news is written lead-first), skipping
//! furniture, near-repeats and sentences that lean on a predecessor that is not in the
//! summary. A developing story is told as of its latest report: a sentence giving a
//! figure that a newer report changed gives way to one giving the latest value
//! ([`crate::figures`]). Each sentence carries a [`Citation`].

use serde::{Deserialize, Serialize};
use tidings_text::SparseVec;

use crate::article::{Citation, StoryArticle};
use crate::corpus::Corpus;
use crate::repeats::repeats;

/// The knobs of the sentence scorer. One set for every story; the defaults are the
/// measured ones (see the crate's commit history for the figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryParams {
    /// Weight of the cosine between a sentence and the story centroid.
    pub centrality: f32,
    /// Weight of the lead prior `1 / (1 + k / position_decay)` for the k-th content
    /// sentence of its article.
    pub position: f32,
    /// How slowly the lead prior decays, in sentences.
    pub position_decay: f32,
    /// A sentence whose cosine to an already chosen one exceeds this is a repeat.
    pub redundancy: f32,
    /// A sentence that shares two anchors with an already chosen one is a repeat too when
    /// the lighter of the two has at least this share of its IDF weight in the other: the
    /// same fact in other words (see [`crate::repeats`]). Above 1 turns this test off.
    pub same_fact: f32,
    /// Sentences shorter than this (in words) are not chosen.
    pub min_words: usize,
    /// Sentences longer than this (in words) are not chosen.
    pub max_words: usize,
    /// Exponent on an article's agreement with the rest of the story (0 ignores it).
    pub article_agreement: f32,
    /// Order the summary by position in the articles (true) or by score (false).
    pub positional_order: bool,
}

impl Default for SummaryParams {
    fn default() -> Self {
        Self {
            centrality: 1.0,
            position: 1.0,
            position_decay: 6.0,
            redundancy: 0.35,
            same_fact: 0.35,
            min_words: 6,
            max_words: 45,
            article_agreement: 2.0,
            positional_order: true,
        }
    }
}

/// What to produce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryOptions {
    /// The long form stops at the first sentence that brings it to at least this many
    /// words.
    pub words: usize,
    /// The short form has at most this many sentences (clamped to 1–3).
    pub short_sentences: usize,
    /// The scorer's parameters.
    pub params: SummaryParams,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        Self {
            words: 250,
            short_sentences: 2,
            params: SummaryParams::default(),
        }
    }
}

/// One sentence of a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// The sentence as written in the article.
    pub text: String,
    /// Where it came from.
    pub citation: Citation,
}

/// A story summary in two lengths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// One to three sentences.
    pub short: Vec<SummarySentence>,
    /// About [`SummaryOptions::words`] words.
    pub long: Vec<SummarySentence>,
}

impl Summary {
    /// The short form as one paragraph.
    pub fn short_text(&self) -> String {
        join(&self.short)
    }

    /// The long form as one paragraph.
    pub fn long_text(&self) -> String {
        join(&self.long)
    }
}

/// Joins sentences with single spaces.
fn join(s: &[SummarySentence]) -> String {
    s.iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Summarises `articles` (convenience for [`summarize_corpus`]).
pub fn summarize(articles: &[StoryArticle], options: &SummaryOptions) -> Summary {
    summarize_corpus(&Corpus::new(articles), options)
}

/// Summarises an analysed story.
pub fn summarize_corpus(corpus: &Corpus<'_>, options: &SummaryOptions) -> Summary {
    let scores = score_sentences(corpus, &options.params);
    let long = select(corpus, &scores, &options.params, options.words, usize::MAX);
    let short = select(
        corpus,
        &scores,
        &options.params,
        usize::MAX,
        options.short_sentences.clamp(1, 3),
    );
    let cite = |i: &usize| SummarySentence {
        text: corpus.sentences[*i].text.clone(),
        citation: corpus.citation(*i),
    };
    Summary {
        short: short.iter().map(cite).collect(),
        long: long.iter().map(cite).collect(),
    }
}

/// The salience of every sentence (furniture and out-of-range lengths score 0).
pub fn score_sentences(corpus: &Corpus<'_>, p: &SummaryParams) -> Vec<f32> {
    let n_articles = corpus.spans.len();
    let article_vecs: Vec<SparseVec> = corpus
        .spans
        .iter()
        .map(|span| {
            let mut v = SparseVec::default();
            for i in span.clone() {
                if !corpus.sentences[i].furniture {
                    v.add_scaled(&corpus.vectors[i], 1.0);
                }
            }
            v.normalize();
            v
        })
        .collect();
    let mut all = SparseVec::default();
    for v in &article_vecs {
        all.add_scaled(v, 1.0);
    }
    let agreement: Vec<f32> = article_vecs
        .iter()
        .map(|v| {
            if n_articles < 2 || v.is_empty() {
                return 1.0;
            }
            let mut others = all.clone();
            others.add_scaled(v, -1.0);
            v.cosine(&others).max(0.05)
        })
        .collect();
    let mut centroid = SparseVec::default();
    for (v, a) in article_vecs.iter().zip(&agreement) {
        centroid.add_scaled(v, *a);
    }
    centroid.normalize();
    corpus
        .sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.furniture || s.words < p.min_words || s.words > p.max_words {
                return 0.0;
            }
            let central = corpus.vectors[i].dot(&centroid);
            let prior = 1.0 / (1.0 + s.content_index as f32 / p.position_decay.max(0.01));
            let agree = agreement[s.article].powf(p.article_agreement);
            (p.centrality * central + p.position * prior) * agree
        })
        .collect()
}

/// Greedy selection by score until `words` words or `max_sentences` sentences, skipping
/// repeats of a chosen sentence ([`crate::repeats`]) and sentences whose predecessor is not
/// chosen when they need it (a predecessor passed over as a repeat or out of date is not). A sentence giving a figure that a newer report of the story
/// changed ([`crate::figures`]: a death toll of 41 when the latest report says 71) is not
/// chosen: its place goes to the best sentence giving the latest value, if any.
pub fn select(
    corpus: &Corpus<'_>,
    scores: &[f32],
    p: &SummaryParams,
    words: usize,
    max_sentences: usize,
) -> Vec<usize> {
    select_besides(corpus, scores, p, words, max_sentences, &[])
}

/// [`select`] for a page that shows the sentences `shown` already: neither they nor a
/// near-repeat of one of them is chosen.
pub fn select_besides(
    corpus: &Corpus<'_>,
    scores: &[f32],
    p: &SummaryParams,
    words: usize,
    max_sentences: usize,
    shown: &[usize],
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).filter(|&i| scores[i] > 0.0).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut chosen: Vec<usize> = Vec::new();
    let mut total = 0;
    // `considered`: chosen, shown, or passed over (a repeat, out of date) and not to be
    // looked at again. `told`: chosen or shown, what a dependent sentence may lean on; a
    // sentence passed over tells the reader nothing, so "It …" after it would lean on
    // nothing.
    let mut considered = vec![false; scores.len()];
    let mut told = vec![false; scores.len()];
    for &i in shown {
        if i < scores.len() {
            considered[i] = true;
            told[i] = true;
        }
    }
    'rounds: while total < words && chosen.len() < max_sentences {
        for &i in &order {
            if considered[i] || !leans_on_nothing_missing(corpus, &told, i) {
                continue;
            }
            let repeat = repeats_any(corpus, p, &chosen, shown, i);
            considered[i] = true;
            if repeat {
                continue 'rounds;
            }
            let pick = if corpus.figures().outdated(i) {
                // A newer report changed its figure: the best sentence giving the latest
                // value takes its place, or none does.
                order.iter().copied().find(|&j| {
                    !considered[j]
                        && corpus.figures().updates(i, j)
                        && leans_on_nothing_missing(corpus, &told, j)
                        && !repeats_any(corpus, p, &chosen, shown, j)
                })
            } else {
                Some(i)
            };
            if let Some(pick) = pick {
                considered[pick] = true;
                told[pick] = true;
                chosen.push(pick);
                total += corpus.sentences[pick].words;
            }
            continue 'rounds;
        }
        break;
    }
    if p.positional_order {
        // Leads first, then second sentences, …; among sentences at one position the most
        // salient first, so a story opens with its most central lead, not with whichever
        // article happens to come first (often one outlet's local angle).
        chosen.sort_by(|&a, &b| {
            let (x, y) = (&corpus.sentences[a], &corpus.sentences[b]);
            x.content_index
                .cmp(&y.content_index)
                .then(scores[b].total_cmp(&scores[a]))
                .then((x.article, x.index).cmp(&(y.article, y.index)))
        });
        // Keep a dependent sentence right after its predecessor.
        let mut out: Vec<usize> = Vec::with_capacity(chosen.len());
        let mut rest: Vec<usize> = Vec::new();
        for &i in &chosen {
            if corpus.sentences[i].dangling {
                rest.push(i);
            } else {
                out.push(i);
            }
        }
        for d in rest {
            match out.iter().position(|&o| o == d - 1) {
                Some(pos) => out.insert(pos + 1, d),
                None => out.push(d),
            }
        }
        return out;
    }
    chosen
}

/// Whether sentence `i` reads well with what is `told` (chosen or shown): it needs no
/// predecessor, or its predecessor in its article is told.
fn leans_on_nothing_missing(corpus: &Corpus<'_>, told: &[bool], i: usize) -> bool {
    let s = &corpus.sentences[i];
    !s.dangling || (i > 0 && told[i - 1] && corpus.sentences[i - 1].article == s.article)
}

/// Whether sentence `i` repeats one already `chosen` or `shown`.
fn repeats_any(
    corpus: &Corpus<'_>,
    p: &SummaryParams,
    chosen: &[usize],
    shown: &[usize],
    i: usize,
) -> bool {
    chosen
        .iter()
        .chain(shown.iter().filter(|&&c| c < corpus.vectors.len()))
        .any(|&c| repeats(corpus, c, i, p))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An article with only an id and a body, for tests.
    pub(crate) fn art(id: &str, body: &str) -> StoryArticle {
        StoryArticle {
            id: id.to_string(),
            body: body.to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn picks_central_sentences_with_citations_and_skips_furniture() {
        let a = [
            art(
                "a",
                "Share Tweet Pin Email\n\nFloods hit the city of Dresden on Monday after days of heavy rain. Officials evacuated 2,000 residents from riverside homes. He said the water was still rising.\n\nA local bakery reopened after a renovation.",
            ),
            art(
                "b",
                "Heavy rain caused floods in Dresden on Monday, forcing officials to evacuate 2,000 residents. The river Elbe rose to eight metres. Rescue teams worked through the night in flooded streets.",
            ),
        ];
        let s = summarize(
            &a,
            &SummaryOptions {
                words: 20,
                ..Default::default()
            },
        );
        let text = s.long_text();
        assert!(text.contains("Dresden"), "{text}");
        assert!(!text.contains("Share Tweet"), "{text}");
        assert!(!text.starts_with("He said"), "{text}");
        assert!(!s.short.is_empty() && s.short.len() <= 2);
        for sent in &s.long {
            let body = &a[sent.citation.article].body;
            assert!(body.contains(&sent.text), "citation points at its article");
            assert_eq!(sent.citation.article_id, a[sent.citation.article].id);
        }
        // The two leads say the same thing: only one of them is chosen.
        let leads = s
            .long
            .iter()
            .filter(|x| x.text.contains("Dresden on Monday"))
            .count();
        assert_eq!(leads, 1, "{text}");
    }

    #[test]
    fn the_most_central_lead_opens_the_summary_whatever_the_article_order() {
        // The first article is one outlet's local angle; the other two report the event.
        let local = "Engineers at a small workshop in Orchid Bay cheered as thrusters they built \
            fired for the first time. The workshop employs twelve people on the estate.";
        let main = |outlet: &str| {
            format!(
                "The Kite-3 lunar lander was launched successfully on Friday towards the Moon's \
                 south pole to drill for water ice, {outlet} reported. The lander separated \
                 from its rocket 52 minutes after lift-off."
            )
        };
        let a = [
            art("local", local),
            art("wire", &main("the wire")),
            art("paper", &main("the paper")),
        ];
        let s = summarize(&a, &SummaryOptions::default());
        let first = &s.long[0];
        assert!(
            first.text.contains("lunar lander was launched"),
            "{}",
            s.long_text()
        );
        assert_ne!(first.citation.article, 0, "{}", s.long_text());
        assert!(
            s.short[0].text.contains("lunar lander was launched"),
            "the card's excerpt too: {}",
            s.short_text()
        );
    }

    /// The rate story of the browser-test fixture: two reports of one decision.
    fn rate_story() -> [StoryArticle; 2] {
        [
            art(
                "a",
                "The Bank of Norland raised its main interest rate by half a point to 4.5 percent \
                 on Wednesday, its third increase this year, saying inflation of 6.1 percent was \
                 proving more stubborn than expected.\n\nGovernor Henrik Dahl said the bank was \
                 ready to act again if wage growth did not slow, and that mortgage holders should \
                 prepare for higher costs into next year. The krone strengthened against the euro \
                 after the announcement.\n\nEconomists had expected a smaller quarter-point move, \
                 and the decision was taken by a split vote of five to two on the monetary policy \
                 committee.",
            ),
            art(
                "b",
                "Norland's central bank surprised markets on Wednesday with a half-point increase \
                 that takes its benchmark rate to 4.5 percent, as Governor Henrik Dahl warned that \
                 inflation, now at 6.1 percent, was not falling fast enough.\n\nTwo of the seven \
                 members of the monetary policy committee voted for a smaller rise. Homeowners with \
                 variable mortgages will see repayments climb again, and builders warned the \
                 increase would deepen a slump in new housing.\n\nThe krone rose against the euro \
                 and the dollar after the decision was published.",
            ),
        ]
    }

    #[test]
    fn one_fact_in_other_words_is_told_once() {
        let a = rate_story();
        let s = summarize(
            &a,
            &SummaryOptions {
                words: 150,
                ..Default::default()
            },
        );
        let krone: Vec<&str> = s
            .long
            .iter()
            .map(|x| x.text.as_str())
            .filter(|t| t.contains("krone"))
            .collect();
        assert_eq!(krone.len(), 1, "{krone:?}");
        // The rest of the story is still told.
        let text = s.long_text();
        for fact in ["4.5 percent", "Dahl", "mortgage"] {
            assert!(text.contains(fact), "{fact}: {text}");
        }
    }

    /// Three reports of one earthquake, two hours apart, each giving the toll of its hour:
    /// 41, then 58, then 71.
    pub(crate) fn developing_story(times: [Option<i64>; 3]) -> [StoryArticle; 3] {
        let report = |id: &str, at: Option<i64>, body: &str| StoryArticle {
            id: id.into(),
            published: at,
            body: body.into(),
            ..Default::default()
        };
        [
            report(
                "first",
                times[0],
                "A strong earthquake struck the coast of Marovia before dawn, killing at least \
                 41 people and collapsing buildings in the port city of Vessa. Rescue teams \
                 searched the rubble of the old town through the morning. The prime minister \
                 declared a state of emergency in three coastal provinces.",
            ),
            report(
                "second",
                times[1],
                "The death toll from the earthquake in Marovia rose to 58 on Tuesday as \
                 rescuers dug through collapsed buildings in Vessa. Aftershocks rattled the \
                 port city through the day. Aid agencies sent tents and water to the coast.",
            ),
            report(
                "third",
                times[2],
                "At least 71 people were killed by the earthquake that hit the Marovian port \
                 city of Vessa, officials said on Tuesday evening. Thousands of residents spent \
                 the night in cars and sports halls. Engineers inspected the damaged harbour.",
            ),
        ]
    }

    const HOUR: i64 = 3_600;
    const T: i64 = 1_780_000_000;

    #[test]
    fn a_developing_story_is_summarised_as_of_its_latest_report() {
        let a = developing_story([Some(T), Some(T + 2 * HOUR), Some(T + 4 * HOUR)]);
        let s = summarize(
            &a,
            &SummaryOptions {
                words: 60,
                ..Default::default()
            },
        );
        for text in [s.long_text(), s.short_text()] {
            assert!(text.contains("71"), "the latest toll: {text}");
            assert!(
                !text.contains("41") && !text.contains("58"),
                "no earlier toll: {text}"
            );
        }
        // The rest of the story is still told, from every report.
        let long = s.long_text();
        assert!(
            long.contains("state of emergency") || long.contains("Aftershocks"),
            "{long}"
        );
    }

    #[test]
    fn without_publication_times_no_toll_is_taken_for_the_latest() {
        let a = developing_story([None, None, None]);
        let s = summarize(
            &a,
            &SummaryOptions {
                words: 60,
                ..Default::default()
            },
        );
        // The most central lead is the first report's, and nothing says it is older.
        let long = s.long_text();
        assert!(long.contains("killing at least 41"), "{long}");
    }

    #[test]
    fn a_sentence_that_leans_on_an_out_of_date_one_goes_with_it() {
        let report = |id: &str, at: Option<i64>, body: &str| StoryArticle {
            id: id.into(),
            published: at,
            body: body.into(),
            ..Default::default()
        };
        let first = |at: Option<i64>| {
            report(
                "first",
                at,
                "A strong earthquake struck the coast of Marovia before dawn, killing at least \
                 41 people and collapsing buildings in the port city of Vessa. It was the \
                 strongest earthquake to hit the coast in forty years, seismologists said. The \
                 prime minister declared a state of emergency in the provinces.",
            )
        };
        let leaning = "It was the strongest earthquake";
        // The 41 is out of date: the 71 takes its place, and what leant on it goes too.
        let s = summarize(
            &[
                first(Some(T)),
                report(
                    "second",
                    Some(T + 2 * HOUR),
                    "Rescuers worked through the night in Vessa as aftershocks shook the port \
                     city. Officials said on Tuesday that the death toll had risen to 71. Aid \
                     agencies sent tents and water to the coast.",
                ),
            ],
            &SummaryOptions::default(),
        );
        let long = s.long_text();
        assert!(long.contains("71") && !long.contains("41"), "{long}");
        assert!(!long.contains(leaning), "{long}");
        // A sentence passed over as a repeat of a chosen one leaves what leans on it out too.
        let s = summarize(
            &[
                first(None),
                report(
                    "second",
                    None,
                    "At least 71 people were killed by the earthquake that hit the port city \
                     of Vessa on the coast of Marovia, officials said. Thousands of residents \
                     spent the night in cars and sports halls.",
                ),
            ],
            &SummaryOptions::default(),
        );
        let long = s.long_text();
        assert!(long.contains("71") && !long.contains(leaning), "{long}");
        // The first report alone: it is told right after the sentence it leans on.
        let s = summarize(&[first(None)], &SummaryOptions::default());
        let texts: Vec<&str> = s.long.iter().map(|x| x.text.as_str()).collect();
        let at = texts.iter().position(|t| t.starts_with(leaning));
        assert!(
            at.is_some_and(|k| k > 0 && texts[k - 1].contains("killing at least 41")),
            "{texts:?}"
        );
    }

    #[test]
    fn empty_story_gives_empty_summary() {
        let s = summarize(&[], &SummaryOptions::default());
        assert!(s.long.is_empty() && s.short.is_empty());
        let s = summarize(&[art("x", "")], &SummaryOptions::default());
        assert!(s.long.is_empty());
    }
}
