//! Story logic for Tidings, pure and deterministic: canonical URLs ([`canonical`]),
//! near-duplicate and wire-copy detection ([`dedup`], [`duplicates`]), the streaming story
//! clusterer ([`cluster`]) and the assigner the pipeline drives ([`assign`]), the front-page
//! score ([`rank`]), related articles ([`related`]), site sections ([`section`]) and the clustering benchmark
//! ([`mod@bench`]).

pub mod assign;
pub mod bench;
pub mod canonical;
pub mod cluster;
pub mod dedup;
pub mod duplicates;
pub mod rank;
pub mod related;
pub mod section;

pub use assign::{Assigner, Assignment, Placement};
pub use canonical::{canonical_url, declared_canonical};
pub use cluster::{ArticleInput, ClusterParams, Clusterer, Decision, StoryId};
pub use dedup::{DupKind, Fingerprint};
pub use duplicates::{DuplicateIndex, Original};
pub use rank::{RankParams, Report, Score};
pub use related::{Candidate, Reason, Related, RelatedStory, related_articles};
pub use section::{Section, SectionInput};
