//! Sitemaps: `<urlset>` (with Google News `news:` and `image:` tags) and `<sitemapindex>`.
//! A news sitemap reads as a feed: each `<url>` becomes an entry with its `news:title`,
//! `news:publication_date`, language and keywords; `lastmod` becomes the update time.

use crate::FeedError;
use crate::date::parse_date;
use crate::raw::{RawEntry, RawFeed};
use crate::url_base::resolve;
use crate::xml::{Document, Element, Ns};

/// A child sitemap named by a sitemap index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapRef {
    /// Its absolute URL.
    pub url: String,
    /// Its `lastmod`, in Unix seconds.
    pub lastmod: Option<i64>,
}

/// What a sitemap document holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Sitemap {
    /// A `<urlset>`: its pages as entries (news tags filled in where present).
    Urls(Vec<tidings_model::Entry>),
    /// A `<sitemapindex>`: the sitemaps it lists.
    Index(Vec<SitemapRef>),
}

fn child_text(el: &Element, ns: Ns, local: &str) -> Option<String> {
    el.child(ns, local)
        .map(|c| c.text().trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Reads a `<urlset>` into a feed.
pub(crate) fn read_urlset(root: &Element, doc: &Document) -> RawFeed {
    let mut entries = Vec::new();
    for u in root.elements().filter(|e| e.local == "url") {
        let Some(loc) = child_text(u, Ns::Plain, "loc") else {
            continue;
        };
        let loc = resolve(&loc, doc.base_of(u));
        let news = u.child(Ns::News, "news");
        let mut e = RawEntry {
            id: Some(loc.clone()),
            link: Some(loc),
            updated: child_text(u, Ns::Plain, "lastmod").and_then(|d| parse_date(&d)),
            ..RawEntry::default()
        };
        if let Some(n) = news {
            e.title = child_text(n, Ns::News, "title");
            e.published = child_text(n, Ns::News, "publication_date").and_then(|d| parse_date(&d));
            e.language = n
                .child(Ns::News, "publication")
                .and_then(|p| child_text(p, Ns::News, "language"));
            if let Some(k) = child_text(n, Ns::News, "keywords") {
                e.categories = k
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
        }
        e.image_url = u
            .child(Ns::Image, "image")
            .and_then(|i| child_text(i, Ns::Image, "loc"))
            .map(|l| resolve(&l, doc.base_of(u)));
        entries.push(e);
    }
    RawFeed {
        entries,
        ..RawFeed::default()
    }
}

/// Reads a `<sitemapindex>`.
pub(crate) fn read_index(root: &Element, doc: &Document) -> Vec<SitemapRef> {
    root.elements()
        .filter(|e| e.local == "sitemap")
        .filter_map(|s| {
            let loc = child_text(s, Ns::Plain, "loc")?;
            Some(SitemapRef {
                url: resolve(&loc, doc.base_of(s)),
                lastmod: child_text(s, Ns::Plain, "lastmod").and_then(|d| parse_date(&d)),
            })
        })
        .collect()
}

/// Parses a sitemap or sitemap index fetched as described by `info`.
pub fn parse_sitemap(bytes: &[u8], info: &crate::DocumentInfo<'_>) -> Result<Sitemap, FeedError> {
    let doc = crate::feed::document(bytes, info)?;
    let root = doc
        .root_element()
        .ok_or_else(|| FeedError::Invalid("no root element".into()))?;
    match root.local.as_str() {
        "urlset" => {
            let feed = read_urlset(root, &doc);
            Ok(Sitemap::Urls(
                feed.entries
                    .into_iter()
                    .map(|e| e.into_entry(None))
                    .collect(),
            ))
        }
        "sitemapindex" => Ok(Sitemap::Index(read_index(root, &doc))),
        "html" => Err(FeedError::HtmlPage),
        other => Err(FeedError::Invalid(format!(
            "not a sitemap: the root element is <{other}>"
        ))),
    }
}
