//! Why a document could not be read as a feed or an OPML file.

/// A document that is not a usable feed or subscription list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The document is empty.
    #[error("the response was empty")]
    Empty,
    /// The document is an HTML page, not a feed.
    #[error("not a feed: the address returned an HTML page")]
    HtmlPage,
    /// The document is a sitemap index: it names other sitemaps rather than pages
    /// ([`crate::parse_sitemap`] reads it).
    #[error("not a feed: a sitemap index")]
    SitemapIndex,
    /// The document could not be parsed as RSS, Atom or JSON Feed.
    #[error("not a valid feed: {0}")]
    Invalid(String),
    /// The document could not be parsed as OPML.
    #[error("not a valid OPML file: {0}")]
    InvalidOpml(String),
}
