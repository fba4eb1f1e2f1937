//! The timeline of a developing story: when each article appeared, and the dated
//! statements in the text ("on Monday", "am 3. März", "il y a deux jours", "in 2019"),
//! resolved by [`crate::dates`] against the publication time of the article that makes
//! them. A relative time a speaker uses inside a quotation ([`crate::quotes`]) dates no
//! event of the story.

use serde::{Deserialize, Serialize};

use crate::article::{Citation, StoryArticle};
use crate::corpus::Corpus;
use crate::dates::{DatePrecision, resolve_narrated_date};
use crate::quotes::quotations;
use crate::repeats::same_fact;
use crate::summary::SummaryParams;

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Something the text dates.
    Statement,
    /// An article was published.
    Published,
}

/// One point of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// Seconds since the Unix epoch: the publication time, or the start (UTC) of the
    /// day, week, month or year the text refers to.
    pub time: i64,
    /// How precise [`TimelineEvent::time`] is.
    pub precision: DatePrecision,
    /// What happened.
    pub kind: EventKind,
    /// The headline (for a publication) or the dated sentence.
    pub text: String,
    /// The article (and sentence) it comes from.
    pub citation: Citation,
}

/// Builds the timeline of a story, oldest first. Articles without a publication time
/// contribute nothing (relative dates cannot be resolved without it).
pub fn timeline(articles: &[StoryArticle]) -> Vec<TimelineEvent> {
    let corpus = Corpus::new(articles);
    let same_fact_share = SummaryParams::default().same_fact;
    let mut out: Vec<TimelineEvent> = Vec::new();
    for (a, article) in articles.iter().enumerate() {
        let Some(published) = article.published else {
            continue;
        };
        let first = corpus.spans[a]
            .clone()
            .find(|&i| !corpus.sentences[i].furniture);
        let text = article
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| first.map(|i| corpus.sentences[i].text.clone()))
            .unwrap_or_default();
        out.push(TimelineEvent {
            time: published,
            precision: DatePrecision::Exact,
            kind: EventKind::Published,
            text,
            citation: Citation {
                article: a,
                article_id: article.id.clone(),
                sentence: first.map_or(0, |i| corpus.sentences[i].index),
            },
        });
    }
    let mut statements: Vec<(usize, TimelineEvent)> = Vec::new();
    // Whether a quotation is open after the previous sentence of the same paragraph.
    let mut open: Option<((usize, usize), bool)> = None;
    for (i, s) in corpus.sentences.iter().enumerate() {
        let place = (s.article, s.paragraph);
        let open_at_start = open.is_some_and(|(at, o)| at == place && o);
        let quoted = quotations(&s.text, open_at_start);
        open = Some((place, quoted.open_after));
        if s.furniture || s.words < 5 {
            continue;
        }
        let Some(published) = articles.get(s.article).and_then(|a| a.published) else {
            continue;
        };
        // "“Five years ago, people asked why …,” said Dr Ong": what a speaker says is
        // dated by its years only.
        let Some((time, precision)) = resolve_narrated_date(
            &s.text,
            published,
            articles[s.article].language.as_deref(),
            &quoted,
        ) else {
            continue;
        };
        // The same date and the same words, or the same fact in other words (two reports
        // of one deadline).
        let repeat = statements.iter().any(|(j, e)| {
            e.time == time
                && (corpus.vectors[*j].dot(&corpus.vectors[i]) > 0.5
                    || same_fact(&corpus, *j, i, same_fact_share))
        });
        if repeat {
            continue;
        }
        statements.push((
            i,
            TimelineEvent {
                time,
                precision,
                kind: EventKind::Statement,
                text: s.text.clone(),
                citation: corpus.citation(i),
            },
        ));
    }
    out.extend(statements.into_iter().map(|(_, e)| e));
    out.sort_by(|a, b| {
        a.time
            .cmp(&b.time)
            .then(a.kind.cmp(&b.kind))
            .then(a.citation.article.cmp(&b.citation.article))
            .then(a.citation.sentence.cmp(&b.citation.sentence))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::DAY;
    use crate::dates::tests::{WED, day};

    #[test]
    fn builds_an_ordered_timeline_with_citations() {
        let a = [
            StoryArticle {
                id: "late".into(),
                title: Some("Dam holds after storm".into()),
                body: "Engineers said on Monday that the dam had held. Residents returned home."
                    .into(),
                published: Some(WED),
                ..Default::default()
            },
            StoryArticle {
                id: "early".into(),
                body: "A storm hit the valley yesterday, forcing thousands to leave their homes."
                    .into(),
                published: Some(WED - 3 * DAY),
                ..Default::default()
            },
        ];
        let t = timeline(&a);
        let order: Vec<(&str, EventKind)> = t
            .iter()
            .map(|e| (e.citation.article_id.as_str(), e.kind))
            .collect();
        assert_eq!(
            order,
            [
                ("early", EventKind::Statement),
                ("early", EventKind::Published),
                ("late", EventKind::Statement),
                ("late", EventKind::Published),
            ]
        );
        assert_eq!(t[0].time, day(2024, 3, 2));
        assert_eq!(t[2].time, day(2024, 3, 4));
        assert_eq!(t[3].text, "Dam holds after storm");
    }

    #[test]
    fn dates_statements_in_the_articles_own_language() {
        let a = [
            StoryArticle {
                id: "de".into(),
                title: Some("Deich hält nach dem Sturm".into()),
                body: "Der Sturm traf das Tal vor drei Tagen mit voller Wucht. \
                       Die Bewohner kehren nun in ihre Häuser zurück."
                    .into(),
                published: Some(WED),
                language: Some("de".into()),
                ..Default::default()
            },
            StoryArticle {
                id: "fr".into(),
                body: "Les habitants ont été évacués hier soir par les pompiers de la vallée."
                    .into(),
                published: Some(WED),
                language: Some("fr".into()),
                ..Default::default()
            },
        ];
        let events = timeline(&a);
        let statements: Vec<(&str, i64)> = events
            .iter()
            .filter(|e| e.kind == EventKind::Statement)
            .map(|e| (e.citation.article_id.as_str(), e.time))
            .collect();
        assert_eq!(
            statements,
            [("de", day(2024, 3, 3)), ("fr", day(2024, 3, 5))]
        );
    }

    #[test]
    fn a_speaker_s_relative_time_dates_nothing_and_narration_still_does() {
        let article = |id: &str, body: &str, language: Option<&str>| StoryArticle {
            id: id.into(),
            body: body.into(),
            published: Some(WED),
            language: language.map(str::to_string),
            ..Default::default()
        };
        let a = [
            article(
                "quoted",
                "The lander left orbit on its way to the Moon. “Five years ago, people asked \
                 why a city-state needed a space industry,” said Dr Kenneth Ong. “We came back \
                 to nothing. Two days ago this was a street, and nobody asked us,” she said.",
                None,
            ),
            article(
                "narrated",
                "The storm hit the valley two days ago, officials said. Five years ago, the \
                 city opened its first launch site on the coast.",
                None,
            ),
            // A stated year counts even in a quotation.
            article(
                "year",
                "“The last flood like this one came in March 1931,” said the farmer.",
                None,
            ),
            article(
                "de",
                "„Vor drei Tagen war hier noch alles normal“, sagte der Bürgermeister. Der \
                 Sturm traf das Tal vor zwei Tagen mit voller Wucht.",
                Some("de"),
            ),
        ];
        let events = timeline(&a);
        let dated: Vec<(&str, i64)> = events
            .iter()
            .filter(|e| e.kind == EventKind::Statement)
            .map(|e| (e.citation.article_id.as_str(), e.time))
            .collect();
        assert_eq!(
            dated,
            [
                ("year", day(1931, 3, 1)),
                ("narrated", day(2019, 1, 1)),
                ("narrated", day(2024, 3, 4)),
                ("de", day(2024, 3, 4)),
            ]
        );
    }

    #[test]
    fn a_past_weekday_in_a_sentence_about_the_future_stays_in_the_past() {
        // Sunday 29 November 2026: both reports mean Friday 27 November.
        let sunday = day(2026, 11, 29) + 9 * 3600;
        let article = |id: &str, body: &str| StoryArticle {
            id: id.into(),
            body: body.into(),
            published: Some(sunday),
            ..Default::default()
        };
        let a = [
            article(
                "wire",
                "Norsk Halvleder will invest two billion euros in a chip plant near Trondheim, \
                 the company announced on Friday.",
            ),
            article(
                "daily",
                "The chipmaker said on Friday that construction of the plant starts in spring.",
            ),
        ];
        let events = timeline(&a);
        let dated: Vec<(&str, i64)> = events
            .iter()
            .filter(|e| e.kind == EventKind::Statement)
            .map(|e| (e.citation.article_id.as_str(), e.time))
            .collect();
        assert_eq!(
            dated,
            [("wire", day(2026, 11, 27)), ("daily", day(2026, 11, 27))]
        );
    }

    #[test]
    fn one_fact_dated_by_two_reports_is_one_event() {
        let a = [
            StoryArticle {
                id: "wire".into(),
                body: "The coastal states signed the compact after talks through the night. \
                       A compromise gives them until 2030 to install measurement equipment \
                       before the reduction schedule applies to them."
                    .into(),
                published: Some(WED),
                ..Default::default()
            },
            StoryArticle {
                id: "tribune".into(),
                body: "Island states won direct access to the new fund. Two gas-producing \
                       states resisted a binding target and won a delay until 2030 before the \
                       reduction schedule applies to them."
                    .into(),
                published: Some(WED),
                ..Default::default()
            },
        ];
        let events = timeline(&a);
        let dated: Vec<&str> = events
            .iter()
            .filter(|e| e.kind == EventKind::Statement)
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(dated.len(), 1, "{dated:?}");
    }
}
