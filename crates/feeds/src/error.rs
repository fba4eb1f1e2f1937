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
    /// The document's declared entities expand past a limit: a "billion laughs" document,
    /// refused whole rather than read in part.
    #[error("not a valid feed: {0}")]
    EntityExpansion(#[from] ExpansionLimit),
    /// The document could not be parsed as OPML.
    #[error("not a valid OPML file: {0}")]
    InvalidOpml(String),
}

/// Which limit on entity expansion a document went past (see the limits in the XML reader:
/// at most 8 KiB for one declared entity, at most 1 MiB produced by all of a document's
/// declared entities).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpansionLimit {
    /// One declared entity's replacement text is longer than `limit` bytes.
    #[error("entity expansion exceeded the limit: &{name}; expands to more than {limit} bytes")]
    Entity {
        /// The entity's name.
        name: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The document's references to declared entities produce more than `limit` bytes in all.
    #[error(
        "entity expansion exceeded the limit: declared entities expand to more than {limit} \
         bytes in one document"
    )]
    Document {
        /// The limit, in bytes.
        limit: usize,
    },
}
