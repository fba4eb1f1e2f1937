//! Full-text search for Tidings.
//!
//! Two backends behind one handle, [`SearchEngine`]: the embedded tantivy index
//! ([`SearchIndex`], in the data directory: the default) and PostgreSQL full-text search
//! ([`PgSearch`], when several processes share one PostgreSQL database). Both take the same
//! documents ([`SearchDoc`]), understand the same query language ([`query`]), and return the
//! same results ([`SearchResults`]): articles of one story grouped into one hit, titles and
//! snippets highlighted (escaped HTML, matches in `<b>`), facets by outlet, day, month and
//! language, by relevance or date.
//!
//! The index follows the database: [`catch_up`] indexes what was stored after its cursor
//! (run it at start and after each batch of new articles), [`rebuild`] starts over, [`check`]
//! compares the two and repairs.
//!
//! ```no_run
//! # async fn demo(store: &tidings_store::Store) -> Result<(), tidings_search::SearchError> {
//! use tidings_search::{EngineChoice, SearchEngine, SearchRequest};
//! let engine = SearchEngine::open(store, "data/search".as_ref(), EngineChoice::Auto)?;
//! tidings_search::catch_up(&engine, store).await?;
//! let results = engine.search(&SearchRequest::new(r#""heat wave" lang:de -sport"#, 10)).await?;
//! for hit in &results.hits {
//!     println!("{} — {}", hit.article.source_name, hit.article.title);
//! }
//! # Ok(()) }
//! ```

pub mod bench;
pub mod bench_dir;
mod doc;
mod elision;
mod engine;
mod error;
pub mod facets;
mod feed;
mod group;
pub mod lang;
mod postgres;
pub mod query;
pub mod relevance;
mod results;
pub mod schema;
pub mod snippet;
mod stem_cache;
mod sync;
mod tantivy_index;
mod tantivy_query;

pub use doc::{SearchDoc, host_of};
pub use engine::{EngineChoice, SearchEngine};
pub use error::SearchError;
pub use facets::{FacetCount, Facets};
pub use feed::saved_search;
pub use postgres::{EXACT_COUNT, PgSearch, RANK_CANDIDATES};
pub use results::{ArticleHit, SearchRequest, SearchResults, Sort, StoryHit};
pub use sync::{
    CatchUp, Check, PLACED_LOOKBACK, catch_up, catch_up_placed, check, forget_deleted, rebuild,
    rebuild_if_stale, reindex_articles, reindex_story, stale_reason,
};
pub use tantivy_index::{IndexOptions, SearchIndex};
