//! Feed documents into entries. Pure: bytes in, values out; no I/O, no clock.
//!
//! * [`parse`] reads RSS 0.90–2.0 (with or without a version), RSS 1.0 (RDF), Atom 0.3 and
//!   1.0, JSON Feed 1.0/1.1 and Google news sitemaps into a [`ParsedFeed`] of
//!   [`tidings_model::Entry`] values, given the HTTP context in a [`DocumentInfo`];
//!   [`parse_feed`] is the same with only the URL.
//! * [`parse_sitemap`] reads sitemaps and sitemap indexes; [`discover_feeds`] and
//!   [`common_feed_urls`] find feeds for an HTML page; [`parse_date`] reads wild dates;
//!   [`parse_opml`] / [`write_opml`] import and export subscription lists.
//! * A parsed feed names the WebSub hubs it announces and its own address
//!   ([`ParsedFeed::hubs`], [`ParsedFeed::self_url`]); [`links_in_header`] reads the same from
//!   an HTTP `Link` header.
//! * [`ParsedFeed::keep_newest`] cuts an oversized feed down to its newest entries.
//! * [`bench`] runs the conformance corpus and the date cases for `tidings bench`.
//!
//! **What is built on what.** The XML reader is our own ([`xml`](crate) module: a tolerant
//! tokenizer and tree builder), not quick-xml: feeds in the wild need undeclared HTML entities,
//! unquoted attributes, unclosed and mismatched tags, stray `<` and `&`, and truncated
//! documents read *as far as they go*, and a strict pull parser stops at the first of those;
//! owning the tokenizer also lets it decode entities and resolve `xml:base` while building, in
//! one pass. Encodings use `encoding_rs` (WHATWG set) and `chardetng` (detection), plus
//! generated tables for DOS, EBCDIC and old Mac code pages. JSON Feed uses `serde_json`; URL
//! resolution `url`; OPML the `opml` crate. Dates use our own rules (no crate handled the
//! wild formats). feed-rs is no longer used.
//!
//! ```
//! use tidings_feeds::{DocumentInfo, parse};
//! let rss = br#"<rss><channel><title>Example &mdash; News</title>
//!   <item><title>Hello</title><link>/news/hello</link></item></channel></rss"#;
//! let info = DocumentInfo { url: Some("https://example.org/feed.xml"), ..Default::default() };
//! let feed = parse(rss, &info).unwrap();
//! assert_eq!(feed.title.as_deref(), Some("Example — News"));
//! assert_eq!(feed.entries[0].url.as_deref(), Some("https://example.org/news/hello"));
//! ```

mod atom;
pub mod bench;
mod codepages;
mod date;
mod discovery;
mod encoding;
mod error;
mod feed;
mod html_text;
mod icons;
mod item;
mod json_feed;
mod newest;
mod opml;
mod raw;
mod rdf;
mod rss;
mod sitemap;
mod url_base;
mod websub;
mod xml;

pub use date::parse_date;
pub use discovery::{
    COMMON_FEED_PATHS, DiscoveredFeed, FeedKind, common_feed_urls, discover_feeds,
};
pub use encoding::{charset_of, decode as decode_document};
pub use error::{ExpansionLimit, FeedError};
pub use feed::{DocumentInfo, ParsedFeed, parse, parse_feed};
pub use html_text::{html_to_paragraphs, html_to_text};
pub use icons::{MAX_ICON_CANDIDATES, icon_candidates, page_icons};
pub use opml::{Outline, parse_opml, write_opml};
pub use sitemap::{Sitemap, SitemapRef, parse_sitemap};
pub use websub::{MAX_HUBS, links_in_header};
