//! Test support: the fixture corpus loaded into a store, and a search engine over it on the
//! backend that store calls for (tantivy on SQLite, PostgreSQL full-text on PostgreSQL).

#![allow(dead_code)]

use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_search::{EngineChoice, SearchDoc, SearchEngine, SearchRequest, Sort, catch_up};
use tidings_store::{NewSource, Store};

/// One fixture article.
#[derive(Debug, Clone, Deserialize)]
pub struct FixtureArticle {
    pub id: String,
    pub story: String,
    pub source: String,
    pub lang: String,
    pub published: i64,
    pub title: String,
    pub body: String,
    pub entities: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct FixtureSource {
    name: String,
    url: String,
    language: String,
}

/// One judged query.
#[derive(Debug, Clone, Deserialize)]
pub struct Judgement {
    pub query: String,
    pub grades: HashMap<String, u8>,
}

/// The fixture corpus in a store and a search engine.
pub struct Fixture {
    pub store: Store,
    pub engine: SearchEngine,
    pub articles: Vec<FixtureArticle>,
    /// Fixture id → article id.
    pub ids: HashMap<String, ArticleId>,
    /// Article id → fixture id.
    pub names: HashMap<ArticleId, String>,
    /// Story key → story id.
    pub stories: HashMap<String, StoryId>,
    pub dir: tempfile::TempDir,
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture articles, in file order.
pub fn articles() -> Vec<FixtureArticle> {
    let text = std::fs::read_to_string(fixtures().join("corpus.jsonl")).expect("corpus");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a corpus line"))
        .collect()
}

/// The judged queries.
pub fn judgements() -> Vec<Judgement> {
    let text = std::fs::read_to_string(fixtures().join("judgements.jsonl")).expect("judgements");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a judgement line"))
        .collect()
}

/// Loads the corpus into `store` (articles in file order), opens the engine the store calls
/// for, catches it up from the database, then re-indexes every article with its story and
/// entities, as the pipeline does once it knows them.
pub async fn load(store: Store) -> Fixture {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sources: HashMap<String, FixtureSource> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sources.json")).expect("sources"),
    )
    .expect("sources.json");
    let mut source_ids: HashMap<String, SourceId> = HashMap::new();
    let mut keys: Vec<&String> = sources.keys().collect();
    keys.sort();
    for key in keys {
        let s = &sources[key];
        let added = store
            .sources()
            .add(
                &NewSource {
                    url: s.url.clone(),
                    name: s.name.clone(),
                    language: Some(s.language.clone()),
                    ..NewSource::default()
                },
                1_700_000_000,
            )
            .await
            .expect("add source");
        source_ids.insert(key.clone(), added.id);
    }
    let articles = articles();
    for a in &articles {
        let new = NewArticle {
            url: format!("https://{}.example/{}", a.source, a.id),
            title: a.title.clone(),
            published_at: Some(a.published),
            fetched_at: a.published + 60,
            language: Some(a.lang.clone()),
            body_text: a.body.clone(),
            body_html: String::new(),
            ..NewArticle::default()
        };
        store
            .articles()
            .insert_new(source_ids[&a.source], &[new])
            .await
            .expect("insert article");
    }
    let engine = SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
        .expect("open search engine");
    let done = catch_up(&engine, &store).await.expect("catch up");
    assert_eq!(done.indexed, articles.len() as u64);

    let listed = store
        .articles()
        .after_id(ArticleId(0), 10_000)
        .await
        .expect("list articles");
    let mut ids = HashMap::new();
    let mut names = HashMap::new();
    let mut stories: HashMap<String, StoryId> = HashMap::new();
    let mut docs = Vec::new();
    for (listing, a) in listed.iter().zip(&articles) {
        assert!(listing.article.content.url.ends_with(&a.id));
        ids.insert(a.id.clone(), listing.article.id);
        names.insert(listing.article.id, a.id.clone());
        let next = StoryId(stories.len() as i64 + 1);
        let story = *stories.entry(a.story.clone()).or_insert(next);
        let host = tidings_search::host_of(&sources[&a.source].url);
        let mut doc = SearchDoc::from_listing(listing, &host);
        doc.story_id = Some(story);
        doc.entities = a.entities.clone();
        docs.push(doc);
    }
    engine.index(&docs).await.expect("index with stories");
    engine.commit().await.expect("commit");
    Fixture {
        store,
        engine,
        articles,
        ids,
        names,
        stories,
        dir,
    }
}

impl Fixture {
    /// The fixture ids of a flat (ungrouped), strict search, in rank order.
    pub async fn flat(&self, query: &str, sort: Sort, limit: usize) -> Vec<String> {
        self.flat_with(query, sort, limit, 0).await
    }

    /// The fixture ids of a flat (ungrouped) search, relaxed below `relax_below` matches.
    pub async fn flat_with(
        &self,
        query: &str,
        sort: Sort,
        limit: usize,
        relax_below: usize,
    ) -> Vec<String> {
        let mut request = SearchRequest::new(query, limit);
        request.sort = sort;
        request.group_stories = false;
        request.relax_below = relax_below;
        let results = self.engine.search(&request).await.expect("search");
        results
            .hits
            .iter()
            .map(|h| {
                self.names
                    .get(&h.article.id)
                    .cloned()
                    .unwrap_or_else(|| h.article.id.to_string())
            })
            .collect()
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
