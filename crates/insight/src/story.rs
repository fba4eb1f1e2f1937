//! Everything the site shows about a story, computed at once when the story changes: the
//! summary (short and long), key points, entities and timeline, with the ids of the articles
//! their citations point into. Serialisable, so the pipeline stores it and the web reads it.

use serde::{Deserialize, Serialize};

use crate::{
    Citation, Corpus, Entity, KeyPoint, StoryArticle, Summary, SummaryOptions, SummarySentence,
    TimelineEvent, extract_entities, key_points_beside_each, summarize_corpus, timeline,
};

/// Words in a story page's long summary.
pub const STORY_SUMMARY_WORDS: usize = 150;

/// A story's insight.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryInsight {
    /// Extractive summary: `short` for lists and the article panel, `long` for the story page.
    pub summary: Summary,
    /// Three to five key points beside the short summary (article pages): none repeats it.
    pub key_points: Vec<KeyPoint>,
    /// Key points beside the long summary (the story page), fewer or none when the long
    /// summary says it all; `None` in insights stored before there were two lists.
    #[serde(default)]
    pub key_points_long: Option<Vec<KeyPoint>>,
    /// People, places and organisations, most mentioned first.
    pub entities: Vec<Entity>,
    /// Dated events, oldest first.
    pub timeline: Vec<TimelineEvent>,
    /// A summary a language model wrote from the extractive one, when one is configured and
    /// its every sentence cites the evidence.
    #[serde(default)]
    pub written: Option<WrittenText>,
}

impl StoryInsight {
    /// The key points to show under the long summary (`long`, story pages and the API) or
    /// the short one: the list chosen beside that summary, less any point it already says
    /// (which only an insight stored before there were two lists has).
    pub fn key_points_beside(&self, long: bool) -> Vec<&KeyPoint> {
        let (points, summary) = match &self.key_points_long {
            Some(points) if long => (points, &self.summary.long),
            _ if long => (&self.key_points, &self.summary.long),
            _ => (&self.key_points, &self.summary.short),
        };
        points
            .iter()
            .filter(|k| !summary.iter().any(|s| s.text == k.text))
            .collect()
    }
}

/// Text a language model wrote: `[n]` in `text` cites `sources[n - 1]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WrittenText {
    /// The text, with `[n]` citations.
    pub text: String,
    /// What the citations point at.
    pub sources: Vec<Citation>,
}

/// Computes a story's insight from its articles (copies left out by the caller: a text
/// counts once).
pub fn understand(articles: &[StoryArticle]) -> StoryInsight {
    let corpus = Corpus::new(articles);
    let options = SummaryOptions {
        words: STORY_SUMMARY_WORDS,
        ..SummaryOptions::default()
    };
    let summary = summarize_corpus(&corpus, &options);
    // Each page shows its summary above the points: the points add to it.
    let texts = |sentences: &[SummarySentence]| -> Vec<String> {
        sentences.iter().map(|s| s.text.clone()).collect()
    };
    let (short, long) = (texts(&summary.short), texts(&summary.long));
    let mut lists = key_points_beside_each(&corpus, &[&short, &long]).into_iter();
    let key_points = lists.next().unwrap_or_default();
    let key_points_long = lists.next();
    StoryInsight {
        summary,
        key_points,
        key_points_long,
        entities: extract_entities(articles),
        timeline: timeline(articles),
        written: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_summary_nor_key_points_give_a_toll_a_newer_report_changed() {
        let hour = 3_600;
        let t = 1_780_000_000;
        let articles = crate::summary::tests::developing_story([
            Some(t),
            Some(t + 2 * hour),
            Some(t + 4 * hour),
        ]);
        let insight = understand(&articles);
        let points = insight
            .key_points
            .iter()
            .chain(insight.key_points_long.iter().flatten());
        let texts: Vec<&str> = insight
            .summary
            .short
            .iter()
            .chain(&insight.summary.long)
            .map(|s| s.text.as_str())
            .chain(points.map(|k| k.text.as_str()))
            .collect();
        assert!(!insight.key_points.is_empty());
        assert!(texts.iter().any(|t| t.contains("71")), "{texts:?}");
        for t in &texts {
            assert!(!t.contains("41") && !t.contains("58"), "{t}");
        }
    }

    #[test]
    fn a_story_is_understood_with_citations_into_its_articles() {
        let articles = vec![
            StoryArticle {
                id: "7".into(),
                outlet: "Harbour Post".into(),
                title: Some("Dam gives way above Saint-Aurel".into()),
                body: "A dam above Saint-Aurel gave way on Tuesday, flooding the lower town. \
                       Prefect Claire Vautrin said two people were missing. About 1,200 \
                       residents were evacuated overnight."
                    .into(),
                published: Some(1_795_770_000),
                ..StoryArticle::default()
            },
            StoryArticle {
                id: "9".into(),
                outlet: "Daily Ledger".into(),
                body: "Residents of Saint-Aurel waded through water on Tuesday after the dam \
                       broke. Prefect Claire Vautrin said some 1,200 people were in shelters."
                    .into(),
                published: Some(1_795_773_600),
                ..StoryArticle::default()
            },
        ];
        let insight = understand(&articles);
        assert!(!insight.summary.short.is_empty());
        assert!(
            insight
                .summary
                .long
                .iter()
                .all(|s| ["7", "9"].contains(&s.citation.article_id.as_str()))
        );
        for (points, summary) in [
            (&insight.key_points, &insight.summary.short),
            (
                insight.key_points_long.as_ref().expect("both lists"),
                &insight.summary.long,
            ),
        ] {
            for p in points {
                assert!(
                    !summary.iter().any(|s| s.text == p.text),
                    "{p:?} repeats the summary above it"
                );
            }
        }
        assert!(!insight.key_points.is_empty());
        assert!(insight.entities.iter().any(|e| e.name.contains("Vautrin")));
        assert!(!insight.timeline.is_empty());
        // An insight stored before there were two lists: the points the summary above
        // already says are left out.
        let old = StoryInsight {
            key_points: insight
                .summary
                .long
                .iter()
                .map(|s| KeyPoint {
                    text: s.text.clone(),
                    citation: s.citation.clone(),
                    support: 1,
                })
                .chain(insight.key_points.iter().cloned())
                .collect(),
            key_points_long: None,
            ..insight.clone()
        };
        let shown = |points: Vec<&KeyPoint>| -> Vec<String> {
            points.into_iter().map(|k| k.text.clone()).collect()
        };
        assert!(
            shown(old.key_points_beside(true)).iter().all(|t| !insight
                .summary
                .long
                .iter()
                .any(|s| &s.text == t))
        );
        assert!(
            shown(old.key_points_beside(false)).iter().all(|t| !insight
                .summary
                .short
                .iter()
                .any(|s| &s.text == t))
        );
        assert_eq!(
            shown(insight.key_points_beside(false)),
            shown(insight.key_points.iter().collect())
        );
        let json = serde_json::to_string(&insight).expect("serialise");
        let back: StoryInsight = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, insight);
    }
}
