//! Story logic for Tidings, pure and deterministic: near-duplicate and
//! wire-copy detection ([`dedup`]), the streaming story clusterer
//! ([`cluster`]) and the clustering benchmark entry point ([`mod@bench`]).

pub mod bench;
pub mod cluster;
pub mod dedup;

pub use cluster::{ArticleInput, ClusterParams, Clusterer, Decision, StoryId};
pub use dedup::{DupKind, Fingerprint};
