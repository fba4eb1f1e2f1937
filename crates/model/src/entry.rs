//! An entry: one item as a feed describes it, before it becomes an article.

use crate::UnixSeconds;
use serde::{Deserialize, Serialize};

/// One item read from a feed, with URLs already resolved against the feed's address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The feed's own id for the item (`guid`, Atom `id`).
    pub guid: Option<String>,
    /// The item's link to the article page.
    pub url: Option<String>,
    /// The headline, as plain text.
    pub title: Option<String>,
    /// The feed's summary or description (HTML as the feed gave it).
    pub summary_html: Option<String>,
    /// The feed's full content (HTML as the feed gave it), when it carries one.
    pub content_html: Option<String>,
    /// Authors named by the feed.
    pub authors: Vec<String>,
    /// Publication time.
    pub published: Option<UnixSeconds>,
    /// Last update time.
    pub updated: Option<UnixSeconds>,
    /// A lead image, when the feed names one (enclosure, `media:content`, `media:thumbnail`).
    pub image_url: Option<String>,
    /// Enclosure URLs (RSS `enclosure`, Atom `rel="enclosure"`, `media:content`, JSON Feed
    /// attachments).
    pub enclosures: Vec<String>,
    /// Categories or tags.
    pub categories: Vec<String>,
    /// The names to show for categories whose term is an identifier, as (term, label): Atom's
    /// `<category term="welt" label="Welt"/>`.
    #[serde(default)]
    pub category_labels: Vec<(String, String)>,
    /// The item's or the feed's declared language.
    pub language: Option<String>,
}
