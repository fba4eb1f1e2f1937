//! The Tidings database.
//!
//! One schema, kept for SQLite (the embedded default, WAL mode, in the data directory) and for
//! PostgreSQL (when several processes share one database), reached through one code path:
//! sqlx's `AnyPool`, with times stored as epoch integers. The few places where the two
//! dialects differ live in [`Backend`].
//!
//! The store is reached through [`Store`], which hands out one repository per table:
//! [`Sources`], [`Articles`], [`Stories`] and the durable job queue [`Jobs`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), tidings_store::StoreError> {
//! let store = tidings_store::Store::open("sqlite://tidings.db?mode=rwc", Default::default()).await?;
//! for source in store.sources().list().await? {
//!     println!("{} {}", source.id, source.url);
//! }
//! # Ok(()) }
//! ```

mod articles;
mod backend;
pub mod backup;
pub mod copy;
mod error;
mod insights;
mod jobs;
mod leadership;
mod migrations;
mod retention;
mod sources;
mod stats;
mod store;
mod stories;
#[cfg(feature = "testing")]
pub mod testing;

pub use articles::{ArticleListing, Articles, CanonicalMove, PageContent};
pub use backend::Backend;
pub use error::StoreError;
pub use insights::{Insights, StoredInsight, StoryEntity};
pub use jobs::{Job, JobCounts, Jobs, NewJob, RetryPolicy};
pub use leadership::Leadership;
pub use retention::Retention;
pub use sources::{FetchSuccess, NewSource, Sources};
pub use stats::{JobGroup, Stats, StoreStats};
pub use store::{Store, StoreOptions};
pub use stories::{ArticleText, Placement, PlacementBatch, Stories, StoryReport};
