//! The input of every analysis: one article of a story, as plain values, and the
//! citation that points back into it.

use serde::{Deserialize, Serialize};

/// One article of a story. The crate never reads the store: callers copy what it needs
/// into this simple value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryArticle {
    /// The article's id (any stable string: a database id, a URL).
    pub id: String,
    /// The outlet's name, e.g. "Reuters" (may be empty).
    #[serde(default)]
    pub outlet: String,
    /// The article's URL (may be empty).
    #[serde(default)]
    pub url: String,
    /// The headline, when known.
    #[serde(default)]
    pub title: Option<String>,
    /// Plain text; paragraphs separated by `\n` or `\n\n`.
    #[serde(default)]
    pub body: String,
    /// Publication time, seconds since the Unix epoch (UTC).
    #[serde(default)]
    pub published: Option<i64>,
    /// ISO 639-1 language code (`"en"`), when known; English is assumed otherwise.
    #[serde(default)]
    pub language: Option<String>,
}

impl StoryArticle {
    /// A stored article as the analyses read it, published by `outlet`.
    pub fn from_article(article: &tidings_model::Article, outlet: &str) -> StoryArticle {
        let c = &article.content;
        StoryArticle {
            id: article.id.to_string(),
            outlet: outlet.to_string(),
            url: c.url.clone(),
            title: Some(c.title.clone()),
            body: c.body_text.clone(),
            published: Some(c.shown_time()),
            language: c.language.clone(),
        }
    }
}

/// Where a sentence came from: the article's position in the input slice, its id, and
/// the sentence's position in that article (0-based, counting every sentence of the body).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Citation {
    /// Index of the article in the slice given to the analysis.
    pub article: usize,
    /// The article's [`StoryArticle::id`].
    pub article_id: String,
    /// Index of the sentence within the article's body.
    pub sentence: usize,
}
