//! An article: what a reader sees, keyed by its canonical URL.

use crate::{ArticleId, SourceId, StoryId, UnixSeconds};
use serde::{Deserialize, Serialize};

/// An article as stored, with its id and the story it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The article's id.
    pub id: ArticleId,
    /// The source it was first read from.
    pub source_id: SourceId,
    /// The story it belongs to, once clustered.
    pub story_id: Option<StoryId>,
    /// The article whose text this one carries (a wire copy, a republication), if any.
    pub duplicate_of: Option<ArticleId>,
    /// Everything else about it.
    #[serde(flatten)]
    pub content: NewArticle,
}

/// An article before it is stored: what the pipeline hands to the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewArticle {
    /// The canonical URL: the key that makes a second sighting of the same article a no-op.
    pub url: String,
    /// The headline, plain text.
    pub title: String,
    /// The standfirst (dek, summary), plain text.
    pub standfirst: Option<String>,
    /// The byline as printed ("Jane Doe, John Roe").
    pub byline: Option<String>,
    /// The agency or syndication credit, when the article is another's copy ("AFP", "Reuters").
    pub credit: Option<String>,
    /// Publication time.
    pub published_at: Option<UnixSeconds>,
    /// Last update time.
    pub updated_at: Option<UnixSeconds>,
    /// When Tidings read it.
    pub fetched_at: UnixSeconds,
    /// Language (BCP 47), when known.
    pub language: Option<String>,
    /// The body as plain text, paragraphs separated by a blank line.
    pub body_text: String,
    /// The body as sanitised HTML, safe to put in a page as it is.
    pub body_html: String,
    /// The lead image's URL.
    pub image_url: Option<String>,
}

impl NewArticle {
    /// The time to show and sort by: published, else updated, else fetched.
    pub fn shown_time(&self) -> UnixSeconds {
        self.published_at
            .or(self.updated_at)
            .unwrap_or(self.fetched_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_time_prefers_published_then_updated_then_fetched() {
        let mut a = NewArticle {
            fetched_at: 30,
            ..NewArticle::default()
        };
        assert_eq!(a.shown_time(), 30);
        a.updated_at = Some(20);
        assert_eq!(a.shown_time(), 20);
        a.published_at = Some(10);
        assert_eq!(a.shown_time(), 10);
    }
}
