//! Related articles for an article page: first "more coverage" — the same story from other
//! outlets — then genuinely related stories, by topic similarity weighed by recency. Never the
//! article itself, nor a copy of it (an agency text republished elsewhere is the same text).

use std::collections::BTreeSet;

/// An article as the related list sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The article's id.
    pub article: i64,
    /// Its outlet.
    pub outlet: i64,
    /// When it was published, Unix seconds.
    pub time: i64,
    /// The article it copies, if it is a wire copy or a duplicate.
    pub duplicate_of: Option<i64>,
}

impl Candidate {
    /// The id of the text this article carries: its original's, or its own.
    fn text(&self) -> i64 {
        self.duplicate_of.unwrap_or(self.article)
    }
}

/// A story related by topic to the article's story.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedStory {
    /// Topic similarity to the article's story (0–1).
    pub similarity: f64,
    /// Its articles.
    pub articles: Vec<Candidate>,
}

/// Why an article is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The same story from another outlet.
    MoreCoverage,
    /// Another story about a related topic.
    RelatedStory,
}

/// One entry of the related list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Related {
    /// The article to show.
    pub article: i64,
    /// Why.
    pub reason: Reason,
}

/// Hours after which a related story's recency weight halves.
const RELATED_HALF_LIFE_HOURS: f64 = 48.0;

/// The related list for `article`: its story's other outlets (one article each, the most
/// recent, newest outlets first), then one article from each related story, best first by
/// `similarity × recency`; at most `limit` entries.
pub fn related_articles(
    article: &Candidate,
    same_story: &[Candidate],
    related_stories: &[RelatedStory],
    now: i64,
    limit: usize,
) -> Vec<Related> {
    let mut out = Vec::new();
    let mut outlets_seen = BTreeSet::from([article.outlet]);
    let mut texts_seen = BTreeSet::from([article.text()]);

    let mut coverage: Vec<&Candidate> = same_story
        .iter()
        .filter(|c| c.article != article.article)
        .collect();
    coverage.sort_by_key(|c| (std::cmp::Reverse(c.time), c.article));
    for c in coverage {
        if out.len() >= limit {
            return out;
        }
        if outlets_seen.insert(c.outlet) && texts_seen.insert(c.text()) {
            out.push(Related {
                article: c.article,
                reason: Reason::MoreCoverage,
            });
        }
    }

    let mut stories: Vec<(f64, &Candidate)> = related_stories
        .iter()
        .filter_map(|story| {
            let lead = story
                .articles
                .iter()
                .filter(|c| c.article != article.article && !texts_seen.contains(&c.text()))
                .max_by_key(|c| (c.time, std::cmp::Reverse(c.article)))?;
            let age_hours = (now - lead.time).max(0) as f64 / 3600.0;
            let recency = 0.5f64.powf(age_hours / RELATED_HALF_LIFE_HOURS);
            Some((story.similarity * recency, lead))
        })
        .collect();
    stories.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.article.cmp(&b.1.article)));
    for (_, lead) in stories {
        if out.len() >= limit {
            break;
        }
        if texts_seen.insert(lead.text()) {
            out.push(Related {
                article: lead.article,
                reason: Reason::RelatedStory,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(article: i64, outlet: i64, time: i64, duplicate_of: Option<i64>) -> Candidate {
        Candidate {
            article,
            outlet,
            time,
            duplicate_of,
        }
    }

    #[test]
    fn more_coverage_first_then_related_stories_never_itself_or_its_copies() {
        let me = c(1, 100, 1_000, None);
        let story = [
            me,
            c(2, 101, 1_100, Some(1)), // a wire copy of me elsewhere
            c(3, 102, 1_200, None),
            c(4, 102, 1_300, None), // a second report of outlet 102: the newest is kept
            c(5, 100, 1_400, None), // my own outlet
        ];
        let related = [
            RelatedStory {
                similarity: 0.2,
                articles: vec![c(10, 103, 1_000, None)],
            },
            RelatedStory {
                similarity: 0.5,
                articles: vec![c(20, 104, 900, None), c(21, 105, 950, Some(1))],
            },
        ];
        let list = related_articles(&me, &story, &related, 2_000, 10);
        let ids: Vec<i64> = list.iter().map(|r| r.article).collect();
        assert_eq!(ids, vec![4, 20, 10]);
        assert_eq!(list[0].reason, Reason::MoreCoverage);
        assert_eq!(list[1].reason, Reason::RelatedStory);
    }

    #[test]
    fn a_copy_never_lists_its_original_and_the_limit_holds() {
        let copy = c(2, 101, 1_100, Some(1));
        let story = [c(1, 100, 1_000, None), copy, c(3, 102, 1_200, None)];
        let list = related_articles(&copy, &story, &[], 2_000, 10);
        assert_eq!(list.iter().map(|r| r.article).collect::<Vec<_>>(), vec![3]);
        assert!(related_articles(&copy, &story, &[], 2_000, 0).is_empty());
    }

    #[test]
    fn recency_weighs_related_stories() {
        let me = c(1, 100, 10_000_000, None);
        let related = [
            RelatedStory {
                similarity: 0.6,
                articles: vec![c(10, 103, 10_000_000 - 30 * 86_400, None)],
            },
            RelatedStory {
                similarity: 0.4,
                articles: vec![c(20, 104, 10_000_000 - 3_600, None)],
            },
        ];
        let ids: Vec<i64> = related_articles(&me, &[me], &related, 10_000_000, 10)
            .iter()
            .map(|r| r.article)
            .collect();
        assert_eq!(ids, vec![20, 10], "a month-old story loses to a fresh one");
    }
}
