//! The AI panel of story and article pages: the stored summary, key points, people, places
//! and organisations, and timeline of a story, each sentence with footnotes citing the
//! articles it came from; and answers to a reader's question, drawn at request time from the
//! story's own sentences ("the sources don't say" when nothing supports an answer).

use crate::model_answers::ModelAccess;
use crate::pages::{PageError, article_href};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use tidings_insight::{
    AskOptions, Citation, DatePrecision, KeyPoint, StoryArticle, StoryInsight, ask,
};
use tidings_model::{ArticleId, StoryId};
use tidings_store::{ArticleListing, Store};

/// Longest question read, in characters.
const MAX_QUESTION_CHARS: usize = 300;

/// A sentence with its footnote numbers.
pub(crate) struct Cited {
    pub(crate) text: String,
    pub(crate) refs: Vec<usize>,
    /// The language of the article it was taken from (its `lang`), empty when unknown or
    /// when a language model wrote it.
    pub(crate) language: String,
}

impl Cited {
    /// The `lang` it needs inside the (English) panel: its language when that is another.
    pub(crate) fn lang(&self) -> Option<&str> {
        crate::interface_language::foreign(&self.language)
    }
}

/// A footnote: the article a citation points to.
pub(crate) struct Footnote {
    pub(crate) n: usize,
    pub(crate) outlet: String,
    pub(crate) title: String,
    /// The language of the article's headline (its `lang`), empty when unknown.
    pub(crate) language: String,
    pub(crate) href: String,
}

impl Footnote {
    /// The `lang` its headline needs inside the (English) panel: its language when that is
    /// another.
    pub(crate) fn lang(&self) -> Option<&str> {
        crate::interface_language::foreign(&self.language)
    }
}

/// An entity link.
pub(crate) struct EntityLink {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) mentions: i64,
}

/// One timeline entry.
pub(crate) struct TimelineEntry {
    pub(crate) date: String,
    pub(crate) datetime: String,
    pub(crate) sentence: Cited,
}

/// The answer to a reader's question.
pub(crate) struct AnswerView {
    pub(crate) question: String,
    /// The answer a language model wrote from the evidence, if one is configured and cited
    /// the evidence properly.
    pub(crate) written: Vec<Cited>,
    pub(crate) evidence: Vec<Cited>,
}

/// Everything the panel shows.
pub(crate) struct AiPanel {
    pub(crate) story_href: String,
    /// The summary a language model wrote, if any; shown above the extractive one.
    pub(crate) written: Vec<Cited>,
    pub(crate) summary: Vec<Cited>,
    pub(crate) key_points: Vec<Cited>,
    pub(crate) people: Vec<EntityLink>,
    pub(crate) places: Vec<EntityLink>,
    pub(crate) organisations: Vec<EntityLink>,
    pub(crate) timeline: Vec<TimelineEntry>,
    pub(crate) answer: Option<AnswerView>,
    pub(crate) footnotes: Vec<Footnote>,
}

/// Numbers citations in order of first use.
struct Footnotes<'a> {
    members: HashMap<String, &'a ArticleListing>,
    numbers: HashMap<String, usize>,
    list: Vec<Footnote>,
}

impl<'a> Footnotes<'a> {
    fn new(members: &'a [ArticleListing]) -> Self {
        Footnotes {
            members: members
                .iter()
                .map(|m| (m.article.id.to_string(), m))
                .collect(),
            numbers: HashMap::new(),
            list: Vec::new(),
        }
    }

    fn cite(&mut self, text: &str, citation: &Citation) -> Cited {
        let refs = self
            .number(&citation.article_id)
            .into_iter()
            .collect::<Vec<_>>();
        let language = self
            .members
            .get(&citation.article_id)
            .and_then(|m| m.article.content.language.clone())
            .unwrap_or_default();
        Cited {
            text: text.to_string(),
            refs,
            language,
        }
    }

    fn number(&mut self, article_id: &str) -> Option<usize> {
        if let Some(&n) = self.numbers.get(article_id) {
            return Some(n);
        }
        let m = self.members.get(article_id)?;
        let n = self.list.len() + 1;
        self.list.push(Footnote {
            n,
            outlet: m.source_name.clone(),
            title: m.article.content.title.clone(),
            language: m.article.content.language.clone().unwrap_or_default(),
            href: article_href(m.article.id, &m.article.content.title),
        });
        self.numbers.insert(article_id.to_string(), n);
        Some(n)
    }
}

/// Which page a panel is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PanelFor {
    /// The story page: the long summary, its key points, the timeline.
    Story,
    /// The page of one of the story's articles, which the reader has just read: the short
    /// summary, and key points from the story's other articles when it has any
    /// ([`from_other_articles`]).
    Article(ArticleId),
}

/// The key points that cite another article than `reading` (the one the page shows above
/// the panel, so its own sentences would repeat what the reader has just read); all of them
/// when none does (a story of one article, or one whose points all come from this one).
fn from_other_articles<'a>(points: Vec<&'a KeyPoint>, reading: &str) -> Vec<&'a KeyPoint> {
    if points.iter().any(|k| k.citation.article_id != reading) {
        points
            .into_iter()
            .filter(|k| k.citation.article_id != reading)
            .collect()
    } else {
        points
    }
}

/// The panel for a story whose articles are `members`, on the page `view`. `None` until the
/// story has been understood.
pub(crate) async fn panel(
    store: &Store,
    llm: Option<ModelAccess<'_>>,
    story: StoryId,
    members: &[ArticleListing],
    question: Option<&str>,
    view: PanelFor,
) -> Result<Option<AiPanel>, PageError> {
    let long = view == PanelFor::Story;
    let Some(stored) = store.insights().get(story).await? else {
        return Ok(None);
    };
    let insight: StoryInsight = serde_json::from_str(&stored.json)
        .map_err(|e| PageError::Internal(format!("story {story}'s insight: {e}")))?;
    let mut notes = Footnotes::new(members);
    let written = match &insight.written {
        Some(w) if long => written_sentences(&w.text, &w.sources, &mut notes),
        _ => Vec::new(),
    };
    let sentences = if long {
        &insight.summary.long
    } else {
        &insight.summary.short
    };
    let summary = sentences
        .iter()
        .map(|s| notes.cite(&s.text, &s.citation))
        .collect();
    let mut key_points = insight.key_points_beside(long);
    if let PanelFor::Article(reading) = view {
        key_points = from_other_articles(key_points, &reading.to_string());
    }
    let key_points = key_points
        .into_iter()
        .map(|k| notes.cite(&k.text, &k.citation))
        .collect();
    let timeline = if long {
        insight
            .timeline
            .iter()
            .map(|e| TimelineEntry {
                date: date_label(e.time, e.precision),
                datetime: crate::age::rfc3339(e.time),
                sentence: notes.cite(&e.text, &e.citation),
            })
            .collect()
    } else {
        Vec::new()
    };
    let answer = match question.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => {
            let q: String = q.chars().take(MAX_QUESTION_CHARS).collect();
            let articles = story_articles(members);
            let found = ask(&articles, &q, &AskOptions::default());
            let written = match llm {
                Some(llm) => match llm.answer(story, &articles, &q, &found).await {
                    Some(g) => written_sentences(&g.text, &g.sources, &mut notes),
                    None => Vec::new(),
                },
                None => Vec::new(),
            };
            let evidence = found
                .evidence()
                .iter()
                .map(|e| {
                    let text = match &e.context {
                        Some(context) => format!("{context} {}", e.text),
                        None => e.text.clone(),
                    };
                    notes.cite(&text, &e.citation)
                })
                .collect();
            Some(AnswerView {
                question: q,
                written,
                evidence,
            })
        }
        None => None,
    };
    let mut people = Vec::new();
    let mut places = Vec::new();
    let mut organisations = Vec::new();
    for e in store.insights().entities_of(story).await? {
        let link = EntityLink {
            href: format!("/entity/{}", e.slug),
            name: e.name,
            mentions: e.mentions,
        };
        match e.kind.as_str() {
            "person" => people.push(link),
            "place" => places.push(link),
            _ => organisations.push(link),
        }
    }
    Ok(Some(AiPanel {
        story_href: format!("/story/{story}"),
        written,
        summary,
        key_points,
        people,
        places,
        organisations,
        timeline,
        answer,
        footnotes: notes.list,
    }))
}

/// A model's text split into sentences with their footnotes: its `[n]` markers (citing
/// `sources[n - 1]`) become footnote numbers; the text itself is shown escaped, as any text.
fn written_sentences(text: &str, sources: &[Citation], notes: &mut Footnotes<'_>) -> Vec<Cited> {
    let mut out = Vec::new();
    let mut sentence = String::new();
    let mut refs = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']').map(|c| open + c);
        let number = close.and_then(|c| rest[open + 1..c].trim().parse::<usize>().ok());
        match (close, number) {
            (Some(close), Some(n)) => {
                sentence.push_str(&rest[..open]);
                if let Some(citation) = n.checked_sub(1).and_then(|i| sources.get(i))
                    && let Some(footnote) = notes.number(&citation.article_id)
                    && !refs.contains(&footnote)
                {
                    refs.push(footnote);
                }
                rest = &rest[close + 1..];
                // A sentence ends where its citations end (with the full stop a model may
                // put after them).
                let next = rest.trim_start();
                if !next.starts_with('[') {
                    let stop: usize = next
                        .chars()
                        .take_while(|c| matches!(c, '.' | '!' | '?' | ';' | ':' | ','))
                        .map(char::len_utf8)
                        .sum();
                    sentence = sentence.trim_end().to_string();
                    sentence.push_str(&next[..stop]);
                    rest = &next[stop..];
                    out.push(Cited {
                        text: sentence.trim().to_string(),
                        refs: std::mem::take(&mut refs),
                        language: String::new(),
                    });
                    sentence.clear();
                }
            }
            _ => {
                sentence.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    sentence.push_str(rest);
    if !sentence.trim().is_empty() {
        out.push(Cited {
            text: sentence.trim().to_string(),
            refs,
            language: String::new(),
        });
    }
    out
}

/// A story's articles as the insight functions read them (copies left out).
fn story_articles(members: &[ArticleListing]) -> Vec<StoryArticle> {
    members
        .iter()
        .filter(|m| m.article.duplicate_of.is_none())
        .map(|m| StoryArticle::from_article(&m.article, &m.source_name))
        .collect()
}

/// A timeline date as precise as it is known.
fn date_label(t: i64, precision: DatePrecision) -> String {
    let Some(dt) = DateTime::<Utc>::from_timestamp(t, 0) else {
        return String::new();
    };
    match precision {
        DatePrecision::Exact => dt.format("%-d %B %Y, %H:%M UTC").to_string(),
        DatePrecision::Day => dt.format("%-d %B %Y").to_string(),
        DatePrecision::Week => format!("Week of {}", dt.format("%-d %B %Y")),
        DatePrecision::Month => dt.format("%B %Y").to_string(),
        DatePrecision::Year => dt.format("%Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_page_shows_the_points_of_the_other_articles() {
        let point = |article: &str, text: &str| KeyPoint {
            text: text.into(),
            citation: Citation {
                article: 0,
                article_id: article.into(),
                sentence: 0,
            },
            support: 1,
        };
        let points = [
            point("7", "a"),
            point("8", "b"),
            point("7", "c"),
            point("9", "d"),
        ];
        let texts = |kept: Vec<&KeyPoint>| kept.iter().map(|k| k.text.clone()).collect::<Vec<_>>();
        assert_eq!(
            texts(from_other_articles(points.iter().collect(), "7")),
            ["b", "d"]
        );
        assert_eq!(
            texts(from_other_articles(points.iter().collect(), "5")),
            ["a", "b", "c", "d"]
        );
        let own = [point("7", "a"), point("7", "c")];
        assert_eq!(
            texts(from_other_articles(own.iter().collect(), "7")),
            ["a", "c"],
            "nothing from elsewhere: the article's own points"
        );
    }

    #[test]
    fn a_model_s_citations_become_footnotes_and_its_text_stays_text() {
        let members: Vec<ArticleListing> = Vec::new();
        let mut notes = Footnotes::new(&members);
        let sources = vec![Citation {
            article: 0,
            article_id: "1".into(),
            sentence: 0,
        }];
        let cited = written_sentences(
            "The dam broke [1]. Two are missing [1][7]. A [note] stays <b>text</b>",
            &sources,
            &mut notes,
        );
        let texts: Vec<&str> = cited.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "The dam broke.",
                "Two are missing.",
                "A [note] stays <b>text</b>"
            ]
        );
        assert!(
            cited.iter().all(|c| c.refs.is_empty()),
            "unknown articles get no footnote"
        );
    }

    #[test]
    fn timeline_dates_say_only_what_is_known() {
        let t = 1_795_770_000; // 27 Nov 2026 09:00 UTC
        assert_eq!(
            date_label(t, DatePrecision::Exact),
            "27 November 2026, 09:00 UTC"
        );
        assert_eq!(date_label(t, DatePrecision::Day), "27 November 2026");
        assert_eq!(date_label(t, DatePrecision::Month), "November 2026");
        assert_eq!(date_label(t, DatePrecision::Year), "2026");
    }
}
