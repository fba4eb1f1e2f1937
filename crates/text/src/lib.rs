//! Pure text processing for Tidings: tokenising, normalising, stop words,
//! stemming, word shingles, 64-bit SimHash, MinHash signatures and sparse
//! TF-IDF vectors with an incremental document-frequency table, the weekday and
//! month names of English, German and French, and the direction controls a name from
//! outside must not keep.
//!
//! Everything here is deterministic and free of I/O. Hash functions are
//! hand-rolled and versioned ([`hash::HASH_VERSION`]) so that signatures
//! stored in a database stay valid across dependency upgrades.

pub mod analyze;
pub mod calendar;
pub mod direction;
pub mod hash;
pub mod sketch;
pub mod stop;
pub mod tfidf;
pub mod token;

pub use analyze::{Analyzer, StemCache, Term};
pub use direction::{is_direction_control, without_direction_controls};
pub use hash::{HASH_VERSION, hash_str};
pub use sketch::{MinHasher, jaccard_estimate, shingles, simhash, simhash_distance};
pub use tfidf::{DfTable, SparseVec};
pub use token::{Token, TokenKind, tokenize};
