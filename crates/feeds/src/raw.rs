//! The parsed form every format maps into before it becomes [`tidings_model::Entry`]: it keeps
//! whether a summary or content was plain text or HTML, which the model's HTML-only fields and
//! the benchmark's output treat differently.

use crate::html_text::{collapse, escape_html};
use std::borrow::Cow;
use tidings_model::{Entry, without_stray_controls};

/// Whether a body is plain text or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Plain text: must be escaped to become HTML.
    Text,
    /// HTML (or re-serialised XHTML).
    Html,
}

/// A summary or content body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Body {
    /// The text as the feed gave it.
    pub value: String,
    /// What the text is.
    pub kind: Kind,
}

impl Body {
    /// The body as HTML.
    pub fn to_html(&self) -> String {
        match self.kind {
            Kind::Html => self.value.clone(),
            Kind::Text => escape_html(&self.value),
        }
    }
}

/// One entry as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawEntry {
    pub id: Option<String>,
    pub link: Option<String>,
    pub title: Option<String>,
    pub summary: Option<Body>,
    pub content: Option<Body>,
    pub authors: Vec<String>,
    pub published: Option<i64>,
    pub updated: Option<i64>,
    pub enclosures: Vec<String>,
    pub categories: Vec<String>,
    /// (term, label) of Atom categories that carry both.
    pub category_labels: Vec<(String, String)>,
    pub image_url: Option<String>,
    pub language: Option<String>,
    /// `media:title`, used when the entry has no title of its own.
    pub media_title: Option<String>,
}

/// The most images kept from one feed's own metadata.
pub(crate) const MAX_FEED_IMAGES: usize = 4;

/// A feed as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawFeed {
    pub title: Option<String>,
    pub link: Option<String>,
    pub language: Option<String>,
    pub entries: Vec<RawEntry>,
    /// WebSub hubs the feed announces (`<atom:link rel="hub">`, JSON Feed `hubs`).
    pub hubs: Vec<String>,
    /// The feed's own address (`<atom:link rel="self">`, JSON Feed `feed_url`).
    pub self_url: Option<String>,
    /// The feed's own images, the most icon-like first (Atom `<icon>` before `<logo>`, JSON
    /// Feed `favicon` before `icon`, RSS `<image><url>`), resolved.
    pub images: Vec<String>,
}

impl RawFeed {
    /// Notes one of the feed's own images (see [`RawFeed::images`]): web addresses only,
    /// each once, at most [`MAX_FEED_IMAGES`].
    pub(crate) fn note_image(&mut self, url: String) {
        let url = scrubbed(url.trim().to_string());
        if (url.starts_with("http://") || url.starts_with("https://"))
            && !self.images.contains(&url)
            && self.images.len() < MAX_FEED_IMAGES
        {
            self.images.push(url);
        }
    }

    /// Notes an Atom-style link of the feed itself: a hub (kept once, at most
    /// [`crate::websub::MAX_HUBS`]) or its self address (the first one).
    pub(crate) fn note_link(&mut self, rel: &str, href: String) {
        if !crate::websub::is_usable_url(&href) {
            return;
        }
        match rel {
            "hub" if !self.hubs.contains(&href) && self.hubs.len() < crate::websub::MAX_HUBS => {
                self.hubs.push(href)
            }
            "self" if self.self_url.is_none() => self.self_url = Some(href),
            _ => {}
        }
    }
}

/// `s` without stray control characters (a JSON Feed's `\u0000`, an RSS title's `&#1;`),
/// which no stored text may hold; moved, not copied, when it has none.
pub(crate) fn scrubbed(s: String) -> String {
    match without_stray_controls(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(clean) => clean,
    }
}

fn nonempty(s: Option<&String>) -> Option<String> {
    s.map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl RawEntry {
    /// The model's entry; `feed_language` fills a missing language.
    pub fn into_entry(self, feed_language: Option<&str>) -> Entry {
        let entry = self.into_entry_as_read(feed_language);
        let all = |v: Vec<String>| v.into_iter().map(scrubbed).collect();
        Entry {
            guid: entry.guid.map(scrubbed),
            url: entry.url.map(scrubbed),
            title: entry
                .title
                .map(|t| collapse(&scrubbed(t)))
                .filter(|t| !t.is_empty()),
            summary_html: entry.summary_html.map(scrubbed),
            content_html: entry.content_html.map(scrubbed),
            authors: all(entry.authors),
            image_url: entry.image_url.map(scrubbed),
            enclosures: all(entry.enclosures),
            categories: all(entry.categories),
            category_labels: entry
                .category_labels
                .into_iter()
                .map(|(t, l)| (scrubbed(t), collapse(&scrubbed(l))))
                .filter(|(_, l)| !l.is_empty())
                .collect(),
            language: entry.language.map(scrubbed),
            ..entry
        }
    }

    fn into_entry_as_read(self, feed_language: Option<&str>) -> Entry {
        let http = |u: &Option<String>| {
            u.as_deref()
                .map(str::trim)
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                .map(str::to_string)
        };
        let url = http(&self.link).or_else(|| {
            self.id
                .as_deref()
                .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
                .map(str::to_string)
        });
        Entry {
            guid: nonempty(self.id.as_ref()),
            url,
            title: self
                .title
                .as_deref()
                .map(collapse)
                .filter(|t| !t.is_empty()),
            summary_html: self
                .summary
                .as_ref()
                .map(Body::to_html)
                .filter(|s| !s.trim().is_empty()),
            content_html: self
                .content
                .as_ref()
                .map(Body::to_html)
                .filter(|s| !s.trim().is_empty()),
            authors: self.authors,
            published: self.published,
            updated: self.updated,
            image_url: http(&self.image_url),
            enclosures: self.enclosures,
            categories: self.categories,
            category_labels: self.category_labels,
            language: nonempty(self.language.as_ref())
                .or_else(|| feed_language.map(str::to_string))
                .map(|l| l.replace('_', "-")),
        }
    }
}
