//! The AI panel of story and article pages: the stored summary, key points, people, places
//! and organisations, and timeline of a story, each sentence with footnotes citing the
//! articles it came from; and answers to a reader's question, drawn at request time from the
//! story's own sentences ("the sources don't say" when nothing supports an answer).

use crate::pages::{PageError, article_href};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use tidings_insight::{
    Answer, AskOptions, Citation, DatePrecision, StoryArticle, StoryInsight, ask,
};
use tidings_model::StoryId;
use tidings_store::{ArticleListing, Store};

/// Longest question read, in characters.
const MAX_QUESTION_CHARS: usize = 300;

/// A sentence with its footnote numbers.
pub(crate) struct Cited {
    pub(crate) text: String,
    pub(crate) refs: Vec<usize>,
}

/// A footnote: the article a citation points to.
pub(crate) struct Footnote {
    pub(crate) n: usize,
    pub(crate) outlet: String,
    pub(crate) title: String,
    pub(crate) href: String,
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
    pub(crate) evidence: Vec<Cited>,
}

/// Everything the panel shows.
pub(crate) struct AiPanel {
    pub(crate) story_href: String,
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
        Cited {
            text: text.to_string(),
            refs,
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
            href: article_href(m.article.id, &m.article.content.title),
        });
        self.numbers.insert(article_id.to_string(), n);
        Some(n)
    }
}

/// The panel for a story whose articles are `members`: the long summary on story pages
/// (`long`), the short one on article pages. `None` until the story has been understood.
pub(crate) async fn panel(
    store: &Store,
    story: StoryId,
    members: &[ArticleListing],
    question: Option<&str>,
    long: bool,
) -> Result<Option<AiPanel>, PageError> {
    let Some(stored) = store.insights().get(story).await? else {
        return Ok(None);
    };
    let insight: StoryInsight = serde_json::from_str(&stored.json)
        .map_err(|e| PageError::Internal(format!("story {story}'s insight: {e}")))?;
    let mut notes = Footnotes::new(members);
    let sentences = if long {
        &insight.summary.long
    } else {
        &insight.summary.short
    };
    let summary = sentences
        .iter()
        .map(|s| notes.cite(&s.text, &s.citation))
        .collect();
    let key_points = insight
        .key_points
        .iter()
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
    let answer = question.map(str::trim).filter(|q| !q.is_empty()).map(|q| {
        let q: String = q.chars().take(MAX_QUESTION_CHARS).collect();
        let articles = story_articles(members);
        let evidence = match ask(&articles, &q, &AskOptions::default()) {
            Answer::Supported { evidence } => evidence
                .iter()
                .map(|e| {
                    let text = match &e.context {
                        Some(context) => format!("{context} {}", e.text),
                        None => e.text.clone(),
                    };
                    notes.cite(&text, &e.citation)
                })
                .collect(),
            Answer::NotSupported => Vec::new(),
        };
        AnswerView {
            question: q,
            evidence,
        }
    });
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

/// A story's articles as the insight functions read them (copies left out).
fn story_articles(members: &[ArticleListing]) -> Vec<StoryArticle> {
    members
        .iter()
        .filter(|m| m.article.duplicate_of.is_none())
        .map(|m| {
            let c = &m.article.content;
            StoryArticle {
                id: m.article.id.to_string(),
                outlet: m.source_name.clone(),
                url: c.url.clone(),
                title: Some(c.title.clone()),
                body: c.body_text.clone(),
                published: Some(c.shown_time()),
                language: c.language.clone(),
            }
        })
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
