//! A story: one event, reported by several outlets. The story assigner creates and updates
//! it as articles join.

use crate::{ArticleId, StoryId, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A group of articles about the same event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// The story's id.
    pub id: StoryId,
    /// Its headline: its lead article's.
    pub title: String,
    /// The report that leads it, whose headline it shows: its newest original report (not
    /// a copy) in its language that makes a headline for it, so a developing story reads
    /// as of its latest reporting; its opening report when no later one does (a feature or
    /// a comment piece does not lead). Who reported it first is its earliest article.
    pub lead_article_id: Option<ArticleId>,
    /// The language of its articles.
    pub language: Option<String>,
    /// When it was created.
    pub created_at: UnixSeconds,
    /// When an article last joined it.
    pub updated_at: UnixSeconds,
    /// The shown time of its earliest article.
    pub first_at: UnixSeconds,
    /// The shown time of its latest article.
    pub last_at: UnixSeconds,
    /// Its articles, copies included.
    pub article_count: i64,
    /// The distinct outlets that published it.
    pub source_count: i64,
    /// The site section most of its articles belong to (`world`, `sport`, …), if any.
    #[serde(default)]
    pub section: Option<String>,
}
