//! Story understanding for Tidings, with no I/O: an extractive multi-document summary
//! with citations, key points, entities (people, places, organisations), a timeline
//! and question answering over a story's articles. An optional OpenAI-compatible
//! chat client (cargo feature `llm`) writes abstractive text grounded in the extractive
//! evidence and falls back to it on any error.
//!
//! The input is a slice of [`StoryArticle`]s (plain values, no store types). Analyse
//! once with [`Corpus::new`] and call [`summarize_corpus`], [`key_points_corpus`] and
//! [`ask_corpus`] on it, or use the one-shot [`summarize`], [`key_points`], [`ask`];
//! [`extract_entities`] and [`timeline`] take the articles directly. Every extracted
//! sentence carries a [`Citation`] (article index, article id, sentence index).
//!
//! | module | job |
//! |---|---|
//! | [`sentences`], [`furniture`] | split bodies into sentences; flag page furniture and sentences that need their predecessor |
//! | [`corpus`] | stems (and which look like names), sentence IDF, how terms spread over the articles, TF-IDF vectors of a story |
//! | [`summary`], [`keypoints`] | extractive summary (short and long), key points |
//! | [`figures`] | counts of dead, injured, missing, rescued a story states, and which a newer report changed |
//! | [`repeats`] | whether two sentences say the same thing, in the same words or not |
//! | [`entities`] | people, places, organisations with a shipped gazetteer; German and French stories by their own rules |
//! | [`timeline`], [`dates`] | publication times and dated statements; dates stated in English, German and French |
//! | [`quotes`] | which parts of a sentence are quoted speech (a speaker's "five years ago" dates nothing) |
//! | [`ask`] | BM25 evidence for a question, or "not supported" |
//! | `llm` (feature) | OpenAI-compatible client, grounded abstractive text with fallback |
//! | [`grounding`] | whether a model's text says only what the evidence it cites says |
//! | [`story`] | all of a story's insight at once, as the pipeline stores it |
//! | [`crosslang`] | which stories of other languages report the same event (names, numbers, time) |
//! | [`bench`] | the `tidings bench summarize` benchmark |
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
//!
//! let people = tidings_insight::extract_entities(&articles);
//! assert!(people.iter().any(|e| e.slug == "dresden"));
//! ```

pub mod answer_cues;
pub mod article;
pub mod ask;
pub mod bench;
pub mod corpus;
pub mod crosslang;
pub mod dates;
pub mod entities;
pub mod figures;
pub mod furniture;
pub mod grounding;
pub mod keypoints;
#[cfg(feature = "llm")]
pub mod llm;
pub mod question;
pub mod quotes;
pub mod repeats;
pub mod sentences;
pub mod story;
pub mod summary;
mod tense;
pub mod timeline;

pub use article::{Citation, StoryArticle};
pub use ask::{Answer, AskOptions, Evidence, ask, ask_corpus};
pub use corpus::Corpus;
pub use dates::DatePrecision;
pub use entities::{Entity, EntityKind, extract_entities};
pub use keypoints::{
    KeyPoint, key_points, key_points_beside_each, key_points_besides, key_points_corpus,
};
pub use story::{StoryInsight, WrittenText, understand};
pub use summary::{
    Summary, SummaryOptions, SummaryParams, SummarySentence, summarize, summarize_corpus,
};
pub use timeline::{EventKind, TimelineEvent, timeline};
