//! Story understanding for Tidings, with no I/O: an extractive multi-document summary
//! with citations, key points, entities (people, places, organisations), a timeline
//! and question answering over a story's articles. An optional OpenAI-compatible
//! chat client (cargo feature `llm`) writes abstractive text grounded in the extractive
//! evidence and falls back to it on any error.
//!
//! ```
//! use tidings_insight::{StoryArticle, SummaryOptions, summarize};
//!
//! let articles = vec![StoryArticle {
//!     id: "a1".into(),
//!     body: "Floods hit Dresden on Monday after days of rain. Officials evacuated \
//!            2,000 residents from homes near the Elbe.".into(),
//!     ..Default::default()
//! }];
//! let summary = summarize(&articles, &SummaryOptions { words: 10, ..Default::default() });
//! assert!(summary.long_text().contains("Dresden"));
//! assert_eq!(summary.long[0].citation.article_id, "a1");
//! ```

pub mod article;
pub mod ask;
pub mod bench;
pub mod corpus;
pub mod entities;
pub mod furniture;
pub mod keypoints;
#[cfg(feature = "llm")]
pub mod llm;
pub mod sentences;
pub mod summary;
pub mod timeline;

pub use article::{Citation, StoryArticle};
pub use ask::{Answer, AskOptions, Evidence, ask, ask_corpus};
pub use corpus::Corpus;
pub use entities::{Entity, EntityKind, extract_entities};
pub use keypoints::{KeyPoint, key_points, key_points_corpus};
pub use summary::{
    Summary, SummaryOptions, SummaryParams, SummarySentence, summarize, summarize_corpus,
};
pub use timeline::{DatePrecision, EventKind, TimelineEvent, timeline};
