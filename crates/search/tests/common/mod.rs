//! Test support: the fixture corpus loaded into a store, and a search engine over it on the
//! backend that store calls for (tantivy on SQLite, PostgreSQL full-text on PostgreSQL).

#![allow(dead_code)]

use tidings_search::Sort;
use tidings_search::relevance;
use tidings_store::Store;

pub use tidings_search::relevance::FixtureArticle;

/// The fixture corpus in a store and a search engine (see
/// [`tidings_search::relevance::Fixture`]), with the index in a temporary directory.
pub struct Fixture {
    inner: relevance::Fixture,
    /// Where the index lives (removed when the fixture is dropped).
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for Fixture {
    type Target = relevance::Fixture;

    fn deref(&self) -> &relevance::Fixture {
        &self.inner
    }
}

/// The fixture articles, in file order.
pub fn articles() -> Vec<FixtureArticle> {
    relevance::articles().expect("corpus")
}

/// Loads the corpus into `store` and opens an engine over it (see
/// [`tidings_search::relevance::Fixture::load`]).
pub async fn load(store: Store) -> Fixture {
    let dir = tempfile::tempdir().expect("temporary directory");
    let inner = relevance::Fixture::load(store, &dir.path().join("search"))
        .await
        .expect("load the fixture corpus");
    assert_eq!(
        inner.engine.ids().await.expect("ids").len(),
        inner.articles.len()
    );
    Fixture { inner, dir }
}

impl Fixture {
    /// The fixture ids of a flat (ungrouped), strict search, in rank order.
    pub async fn flat(&self, query: &str, sort: Sort, limit: usize) -> Vec<String> {
        self.inner
            .flat_with(query, sort, limit, 0)
            .await
            .expect("search")
    }

    /// The fixture ids of every match of `query`, sorted (for set comparisons).
    pub async fn matches(&self, query: &str) -> Vec<String> {
        let mut ids = self.flat(query, Sort::Relevance, 1_000).await;
        ids.sort();
        ids
    }

    /// The fixture ids of the articles a predicate selects, sorted.
    pub fn select(&self, keep: impl Fn(&FixtureArticle) -> bool) -> Vec<String> {
        let mut ids: Vec<String> = self
            .articles
            .iter()
            .filter(|a| keep(a))
            .map(|a| a.id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// Sorted owned strings.
pub fn set(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}
