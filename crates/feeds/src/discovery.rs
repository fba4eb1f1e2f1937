//! Feed autodiscovery in an HTML page: `<link rel="alternate">` with an RSS, Atom or JSON Feed
//! type, resolved against the page's `<base href>` or URL; plus the common feed paths to try
//! when a page names none.

use crate::encoding;
use crate::url_base::resolve;
use crate::xml::tokenizer::{Token, Tokenizer};
use url::Url;

/// Paths worth trying, in order, on a site whose pages name no feed.
pub const COMMON_FEED_PATHS: &[&str] = &[
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/rss",
];

/// The kind of feed a page announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// `application/rss+xml` (or `application/rdf+xml`).
    Rss,
    /// `application/atom+xml`.
    Atom,
    /// `application/feed+json` (or `application/json` on an alternate link).
    Json,
}

/// A feed a page links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFeed {
    /// The feed's absolute URL (as written when the page URL is unknown).
    pub url: String,
    /// The link's `title`, if any.
    pub title: Option<String>,
    /// What the link's `type` says it is.
    pub kind: FeedKind,
}

fn kind_of(ty: &str) -> Option<FeedKind> {
    let ty = ty
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match ty.as_str() {
        "application/rss+xml" | "application/rdf+xml" | "application/x.atom+xml" => {
            Some(FeedKind::Rss)
        }
        "application/atom+xml" => Some(FeedKind::Atom),
        "application/feed+json" | "application/json" => Some(FeedKind::Json),
        _ => None,
    }
}

/// The feeds an HTML page announces, in page order, without duplicates.
pub fn discover_feeds(html: &[u8], page_url: &str) -> Vec<DiscoveredFeed> {
    let text = encoding::decode(html, None);
    let mut base = Url::parse(page_url).ok();
    let mut out: Vec<DiscoveredFeed> = Vec::new();
    for token in Tokenizer::html(&text) {
        let Token::Start { name, attrs, .. } = token else {
            if matches!(token, Token::End(n) if n.eq_ignore_ascii_case("head")) {
                // Feeds are announced in the head; a body rarely repeats them.
            }
            continue;
        };
        let get = |k: &str| {
            attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_ref())
        };
        if name.eq_ignore_ascii_case("base") {
            if let Some(h) = get("href")
                && let Some(b) = base
                    .as_ref()
                    .and_then(|b| b.join(h.trim()).ok())
                    .or_else(|| Url::parse(h.trim()).ok())
            {
                base = Some(b);
            }
            continue;
        }
        if !name.eq_ignore_ascii_case("link") {
            continue;
        }
        let rel_ok = get("rel").is_some_and(|r| {
            r.split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("alternate"))
        });
        let (Some(kind), Some(href)) = (get("type").and_then(kind_of), get("href")) else {
            continue;
        };
        if !rel_ok || href.trim().is_empty() {
            continue;
        }
        let url = resolve(href, base.as_ref());
        if !out.iter().any(|f| f.url == url) {
            out.push(DiscoveredFeed {
                url,
                title: get("title")
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty()),
                kind,
            });
        }
    }
    out
}

/// The [`COMMON_FEED_PATHS`] on the page's site, as absolute URLs.
pub fn common_feed_urls(page_url: &str) -> Vec<String> {
    let Ok(base) = Url::parse(page_url) else {
        return Vec::new();
    };
    COMMON_FEED_PATHS
        .iter()
        .filter_map(|p| base.join(p).ok().map(String::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternate_links() {
        let page = br#"<html><head><base href="/blog/">
<link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml">
<LINK REL="Alternate" TYPE="application/atom+xml" HREF="https://x.example/atom">
<link rel="stylesheet" type="text/css" href="s.css">
<link rel="alternate" type="application/feed+json" href="/feed.json"></head></html>"#;
        let feeds = discover_feeds(page, "https://x.example/page");
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].url, "https://x.example/blog/feed.xml");
        assert_eq!(feeds[0].title.as_deref(), Some("Posts"));
        assert_eq!(feeds[1].kind, FeedKind::Atom);
        assert_eq!(feeds[2].url, "https://x.example/feed.json");
    }

    #[test]
    fn common_paths_are_absolute() {
        let urls = common_feed_urls("https://x.example/a/b");
        assert_eq!(urls[0], "https://x.example/feed");
        assert_eq!(urls.len(), COMMON_FEED_PATHS.len());
    }
}
