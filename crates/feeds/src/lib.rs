//! Feed documents into entries: RSS, Atom and JSON Feed via [`parse_feed`], OPML subscription
//! lists via [`parse_opml`] and [`write_opml`]. Pure: bytes in, values out; no I/O, no clock.
//!
//! Parsing builds on the `feed-rs` crate for now; the lenient layer the wild demands (encodings,
//! broken XML, dates) is planned on top of it. What this crate owns already: telling an HTML
//! page from a feed with an error a person can act on, resolving links against the feed's
//! address, and mapping every format onto [`tidings_model::Entry`].
//!
//! ```
//! let rss = br#"<rss version="2.0"><channel><title>Example</title>
//!   <item><title>Hello</title><link>/news/hello</link></item></channel></rss>"#;
//! let feed = tidings_feeds::parse_feed(rss, "https://example.org/feed.xml").unwrap();
//! assert_eq!(feed.title.as_deref(), Some("Example"));
//! assert_eq!(feed.entries[0].url.as_deref(), Some("https://example.org/news/hello"));
//! ```

mod error;
mod feed;
mod opml;

pub use error::FeedError;
pub use feed::{ParsedFeed, parse_feed};
pub use opml::{Outline, parse_opml, write_opml};
