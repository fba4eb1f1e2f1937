//! [`SearchEngine`]: the one handle the pipeline and the web crate hold, whichever backend is
//! behind it — the embedded tantivy index, or PostgreSQL full-text search when several
//! processes share one PostgreSQL database.

use crate::SearchError;
use crate::doc::SearchDoc;
use crate::postgres::PgSearch;
use crate::results::{SearchRequest, SearchResults};
use crate::tantivy_index::{IndexOptions, SearchIndex};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tidings_model::ArticleId;
use tidings_store::{Backend, Store};

/// A search backend.
#[derive(Debug)]
pub enum SearchEngine {
    /// The tantivy index in the data directory.
    Tantivy(Box<SearchIndex>),
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
            Ok(SearchEngine::Tantivy(Box::new(index)))
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

    /// Runs a search. When fewer than [`SearchRequest::relax_below`] articles have every
    /// word, the page is filled with articles matching some of the words
    /// ([`crate::query::Query::relaxed`]), after those that match them all, and
    /// [`SearchResults::relaxed`] says so.
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let strict = self.search_once(request).await?;
        if strict.total_articles >= request.relax_below as u64 || !request.query.can_relax() {
            return Ok(strict);
        }
        let wanted = request.offset.saturating_add(request.limit);
        let strict = if request.offset == 0 {
            strict
        } else {
            let mut first = request.clone();
            first.offset = 0;
            first.limit = wanted;
            self.search_once(&first).await?
        };
        let mut loose = request.clone();
        loose.query = request.query.relaxed();
        loose.offset = 0;
        loose.limit = wanted.saturating_add(strict.hits.len());
        let loose = self.search_once(&loose).await?;
        let seen_articles: HashSet<ArticleId> = strict
            .hits
            .iter()
            .flat_map(|h| std::iter::once(h.article.id).chain(h.others.iter().map(|o| o.id)))
            .collect();
        let seen_stories: HashSet<i64> = strict
            .hits
            .iter()
            .filter_map(|h| h.story_id.map(|s| s.0))
            .collect();
        let extra = loose.hits.into_iter().filter(|h| {
            let seen_story =
                request.group_stories && h.story_id.is_some_and(|s| seen_stories.contains(&s.0));
            !seen_story && !seen_articles.contains(&h.article.id)
        });
        let with_every_word = strict.total_articles;
        let hits = strict
            .hits
            .into_iter()
            .chain(extra)
            .skip(request.offset)
            .take(request.limit)
            .collect();
        Ok(SearchResults {
            total_articles: loose.total_articles,
            total_estimated: loose.total_estimated,
            hits,
            facets: loose.facets,
            ignored: loose.ignored,
            relaxed: true,
            with_every_word,
            excluded_articles: loose.excluded_articles,
            excluded_estimated: loose.excluded_estimated,
        })
    }

    async fn search_once(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.search(request),
            SearchEngine::Postgres(p) => p.search(request).await,
        }
    }

    /// Has documents written by an older version of this backend written again by the next
    /// catch-up (PostgreSQL, see [`PgSearch::upgrade`]; a tantivy index of another schema is
    /// rebuilt when it is opened instead). Returns whether it will.
    pub async fn upgrade(&self) -> Result<bool, SearchError> {
        match self {
            SearchEngine::Tantivy(_) => Ok(false),
            SearchEngine::Postgres(p) => p.upgrade().await,
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

    /// The highest placement number caught up with (see [`crate::catch_up_placed`]).
    pub async fn placed_cursor(&self) -> Result<i64, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => Ok(t.placed_cursor()),
            SearchEngine::Postgres(p) => p.placed_cursor().await,
        }
    }

    /// Records the placement cursor (durable at the next commit on tantivy).
    pub async fn set_placed_cursor(&self, seq: i64) -> Result<(), SearchError> {
        match self {
            SearchEngine::Tantivy(t) => {
                t.set_placed_cursor(seq);
                Ok(())
            }
            SearchEngine::Postgres(p) => p.set_placed_cursor(seq).await,
        }
    }

    /// Those of `ids` the index does not hold (as of its last commit).
    pub async fn missing(&self, ids: &[ArticleId]) -> Result<Vec<ArticleId>, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.missing(ids),
            SearchEngine::Postgres(p) => p.missing(ids).await,
        }
    }

    /// Every indexed article id, ascending.
    pub async fn ids(&self) -> Result<Vec<ArticleId>, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.ids(),
            SearchEngine::Postgres(p) => p.ids().await,
        }
    }

    /// The URL each of `ids` was indexed with, for the backends that keep documents apart
    /// from the database (tantivy); `None` for PostgreSQL, whose documents are the
    /// database's rows and cannot disagree with them.
    pub async fn indexed_urls(
        &self,
        ids: &[ArticleId],
    ) -> Result<Option<HashMap<ArticleId, String>>, SearchError> {
        match self {
            SearchEngine::Tantivy(t) => t.urls_of(ids).map(Some),
            SearchEngine::Postgres(_) => Ok(None),
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
