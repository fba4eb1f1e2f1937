//! The shared vocabulary of Tidings.
//!
//! Every other crate speaks in these types: a [`Source`] is an outlet's feed, an [`Entry`] is one
//! item read from a feed, an [`Article`] is what a reader sees, keyed by its canonical URL, and a
//! [`Story`] groups the articles that report one event. The types carry data and validation only;
//! behaviour lives in the crates of each pipeline stage.
//!
//! Times are seconds since the Unix epoch, UTC ([`UnixSeconds`]): the store keeps them as
//! integers so that SQLite and PostgreSQL read them the same way.

mod article;
mod entry;
mod feed_address;
mod ids;
mod people;
mod source;
mod story;
mod text;

pub use article::{Article, NewArticle};
pub use entry::Entry;
pub use feed_address::{
    REDACTED, carries_credentials, public_addresses_in, public_feed_url, shown_source_name,
};
pub use ids::{ArticleId, JobId, SourceId, StoryId};
pub use people::{
    AccountState, Comment, CommentId, CommentState, CommentTarget, Role, User, UserId,
};
pub use source::{FetchState, GONE_ERROR_PREFIX, Source};
pub use story::Story;
pub use text::{is_stray_control, is_xml_forbidden, without_controls, without_stray_controls};

/// Seconds since the Unix epoch, UTC.
pub type UnixSeconds = i64;
