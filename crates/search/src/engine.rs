//! [`SearchEngine`]: the one handle the pipeline and the web crate hold, whichever backend is
//! behind it — the embedded tantivy index, or PostgreSQL full-text search when several
//! processes share one PostgreSQL database.

use crate::SearchError;
use crate::doc::SearchDoc;
use crate::postgres::PgSearch;
use crate::results::{SearchRequest, SearchResults};
use crate::tantivy_index::{IndexOptions, SearchIndex};
use std::path::Path;
use tidings_model::ArticleId;
use tidings_store::{Backend, Store};

/// A search backend.
#[derive(Debug)]
pub enum SearchEngine {
    /// The tantivy index in the data directory.
    Tantivy(SearchIndex),
    /// The `search_documents` table of a PostgreSQL store.
    Postgres(PgSearch),
}

/// Which backend [`SearchEngine::open`] should pick.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EngineChoice {
    /// tantivy on SQLite; PostgreSQL full-text on PostgreSQL (processes share it).
    #[default]
    Auto,
    /// Always the tantivy index (e.g. one replica per web node).
    Tantivy,
    /// Always PostgreSQL full-text (fails on SQLite).
    Postgres,
}

impl SearchEngine {
    /// Opens the backend `choice` names for `store`; a tantivy index lives in `index_dir`
    /// (recreated empty if damaged: the next [`crate::catch_up`] refills it).
    pub fn open(
        store: &Store,
        index_dir: &Path,
        choice: EngineChoice,
    ) -> Result<SearchEngine, SearchError> {
        let postgres = match choice {
            EngineChoice::Auto => store.backend() == Backend::Postgres,
            EngineChoice::Tantivy => false,
            EngineChoice::Postgres => true,
        };
        if postgres {
            Ok(SearchEngine::Postgres(PgSearch::new(store)?))
        } else {
            let (index, _) = SearchIndex::open_or_recreate(index_dir, IndexOptions::default())?;
            Ok(SearchEngine::Tantivy(index))
        }
    }

    /// The backend's name for logs and reports: `tantivy` or `postgres`.
    pub fn name(&self) -> &'static str {
        match self {
            SearchEngine::Tantivy(_) => "tantivy",
            SearchEngine::Postgres(_) => "postgres",
        }
    }

    /// Adds or replaces documents by article id. Call it when an article's text, story or
    /// entities change; visible after [`SearchEngine::commit`] (tantivy) or at once
    /// (PostgreSQL).
    pub async fn index(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.index(docs),
            SearchEngine::Postgres(p) => p.index(docs).await,
        }
    }

    /// Removes an article.
    pub async fn delete(&self, id: ArticleId) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.delete(id),
            SearchEngine::Postgres(p) => p.delete(id).await,
        }
    }

    /// Makes changes durable and visible.
    pub async fn commit(&self) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.commit(),
            SearchEngine::Postgres(_) => Ok(()),
        }
    }

    /// Runs a search.
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.search(request),
            SearchEngine::Postgres(p) => p.search(request).await,
        }
    }

    /// The highest article id caught up with.
    pub async fn cursor(&self) -> Result<ArticleId, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => Ok(t.cursor()),
            SearchEngine::Postgres(p) => p.cursor().await,
        }
    }

    /// Records the catch-up cursor (durable at the next commit on tantivy).
    pub async fn set_cursor(&self, id: ArticleId) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => {
                t.set_cursor(id);
                Ok(())
            }
            SearchEngine::Postgres(p) => p.set_cursor(id).await,
        }
    }

    /// Every indexed article id, ascending.
    pub async fn ids(&self) -> Result<Vec<ArticleId>, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.ids(),
            SearchEngine::Postgres(p) => p.ids().await,
        }
    }

    /// Removes every document and resets the cursor.
    pub async fn clear(&self) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.clear(),
            SearchEngine::Postgres(p) => p.clear().await,
        }
    }

    /// Adds documents to a cleared index (no replacement needed).
    pub(crate) async fn index_new(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.index_new(docs),
            SearchEngine::Postgres(p) => p.index(docs).await,
        }
    }
}
