//! The judged query set and its measure: the fixture corpus (155 short news articles in eight
//! languages, by made-up outlets) with 75 queries graded 0–3 (see
//! `tests/fixtures/README.md`), loaded into a store and a search engine, and NDCG@10 over the
//! ranking the search page gives. The relevance regression test keeps a floor on it, and
//! `tidings bench search` prints it beside the speed figures. The files are compiled in
//! (about 60 KB), so the benchmark runs from the binary alone.

use crate::SearchError;
use crate::doc::{SearchDoc, host_of};
use crate::engine::{EngineChoice, SearchEngine};
use crate::results::{SearchRequest, Sort};
use crate::sync::catch_up;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_store::{NewSource, Store};

const CORPUS: &str = include_str!("../tests/fixtures/corpus.jsonl");
const JUDGEMENTS: &str = include_str!("../tests/fixtures/judgements.jsonl");
const SOURCES: &str = include_str!("../tests/fixtures/sources.json");

/// One fixture article.
#[derive(Debug, Clone, Deserialize)]
pub struct FixtureArticle {
    /// Its fixture id (`a001`).
    pub id: String,
    /// The key of its story: articles of one story are grouped into one hit.
    pub story: String,
    /// The key of its outlet in the sources file.
    pub source: String,
    /// Its language code.
    pub lang: String,
    /// When it was published, epoch seconds.
    pub published: i64,
    /// Its headline.
    pub title: String,
    /// Its text.
    pub body: String,
    /// The names in it.
    pub entities: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct FixtureSource {
    name: String,
    url: String,
    language: String,
}

/// One judged query: grades 0–3 by fixture id (unlisted articles are 0).
#[derive(Debug, Clone, Deserialize)]
pub struct Judgement {
    /// What a reader types.
    pub query: String,
    /// Grade by fixture id.
    pub grades: HashMap<String, u8>,
}

/// Reads JSON Lines compiled in from the fixtures; they are checked by the tests, so a bad
/// line is a build of broken fixtures.
fn lines<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, SearchError> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| SearchError::Fixture(e.to_string())))
        .collect()
}

/// The fixture articles, in file order.
pub fn articles() -> Result<Vec<FixtureArticle>, SearchError> {
    lines(CORPUS)
}

/// The judged queries.
pub fn judgements() -> Result<Vec<Judgement>, SearchError> {
    lines(JUDGEMENTS)
}

/// DCG of graded results, gains 2^g − 1, log2 discount.
fn dcg(grades: &[u8]) -> f64 {
    grades
        .iter()
        .enumerate()
        .map(|(i, &g)| (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// NDCG@10 of a ranking (fixture ids, best first) against a query's grades.
pub fn ndcg_at_10(ranked: &[String], grades: &HashMap<String, u8>) -> f64 {
    let got: Vec<u8> = ranked
        .iter()
        .take(10)
        .map(|id| grades.get(id).copied().unwrap_or(0))
        .collect();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    ideal.truncate(10);
    let best = dcg(&ideal);
    if best == 0.0 { 0.0 } else { dcg(&got) / best }
}

/// The fixture corpus in a store and a search engine over it.
pub struct Fixture {
    /// The store holding the articles.
    pub store: Store,
    /// The engine the store calls for (tantivy on SQLite, full-text on PostgreSQL).
    pub engine: SearchEngine,
    /// The fixture articles, in file order.
    pub articles: Vec<FixtureArticle>,
    /// Fixture id → article id.
    pub ids: HashMap<String, ArticleId>,
    /// Article id → fixture id.
    pub names: HashMap<ArticleId, String>,
    /// Story key → story id.
    pub stories: HashMap<String, StoryId>,
}

/// NDCG@10 over the judged set.
#[derive(Debug, Clone, PartialEq)]
pub struct Relevance {
    /// The engine measured.
    pub engine: &'static str,
    /// Judged queries.
    pub queries: usize,
    /// Mean NDCG@10 of the ranking the page shows (relaxed when fewer than a page of
    /// articles has every word).
    pub ndcg: f64,
    /// Mean NDCG@10 with every word required.
    pub strict_ndcg: f64,
    /// Each query with its NDCG@10 and ranking (fixture ids), as the page ranks.
    pub per_query: Vec<(String, f64, Vec<String>)>,
}

impl Fixture {
    /// Loads the corpus into an empty `store` (articles in file order), opens the engine the
    /// store calls for (a tantivy index in `index_dir`), catches it up from the database,
    /// then indexes every article again with its story and entities, as the pipeline does
    /// once it knows them.
    pub async fn load(store: Store, index_dir: &Path) -> Result<Fixture, SearchError> {
        let sources: HashMap<String, FixtureSource> =
            serde_json::from_str(SOURCES).map_err(|e| SearchError::Fixture(e.to_string()))?;
        let mut source_ids: HashMap<String, SourceId> = HashMap::new();
        let mut keys: Vec<&String> = sources.keys().collect();
        keys.sort();
        for key in keys {
            let s = &sources[key];
            let new = NewSource {
                url: s.url.clone(),
                name: s.name.clone(),
                language: Some(s.language.clone()),
                ..NewSource::default()
            };
            let added = store.sources().add(&new, 1_700_000_000).await?;
            source_ids.insert(key.clone(), added.id);
        }
        let articles = articles()?;
        for a in &articles {
            let source = *source_ids
                .get(&a.source)
                .ok_or_else(|| SearchError::Fixture(format!("no source {}", a.source)))?;
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
            store.articles().insert_new(source, &[new]).await?;
        }
        let engine = SearchEngine::open(&store, index_dir, EngineChoice::Auto)?;
        catch_up(&engine, &store).await?;

        let listed = store.articles().after_id(ArticleId(0), 10_000).await?;
        let mut ids = HashMap::new();
        let mut names = HashMap::new();
        let mut stories: HashMap<String, StoryId> = HashMap::new();
        let mut docs = Vec::new();
        for (listing, a) in listed.iter().zip(&articles) {
            if !listing.article.content.url.ends_with(&a.id) {
                return Err(SearchError::Fixture(format!(
                    "{} was stored out of order",
                    a.id
                )));
            }
            ids.insert(a.id.clone(), listing.article.id);
            names.insert(listing.article.id, a.id.clone());
            let next = StoryId(stories.len() as i64 + 1);
            let story = *stories.entry(a.story.clone()).or_insert(next);
            let host = sources.get(&a.source).map(|s| host_of(&s.url));
            let mut doc = SearchDoc::from_listing(listing, host.as_deref().unwrap_or_default());
            doc.story_id = Some(story);
            doc.entities = a.entities.clone();
            docs.push(doc);
        }
        engine.index(&docs).await?;
        engine.commit().await?;
        Ok(Fixture {
            store,
            engine,
            articles,
            ids,
            names,
            stories,
        })
    }

    /// The fixture ids of a flat (ungrouped) search, relaxed below `relax_below` matches.
    pub async fn flat_with(
        &self,
        query: &str,
        sort: Sort,
        limit: usize,
        relax_below: usize,
    ) -> Result<Vec<String>, SearchError> {
        let mut request = SearchRequest::flat(query, sort, limit);
        request.relax_below = relax_below;
        let results = self.engine.search(&request).await?;
        Ok(results
            .hits
            .iter()
            .map(|h| {
                self.names
                    .get(&h.article.id)
                    .cloned()
                    .unwrap_or_else(|| h.article.id.to_string())
            })
            .collect())
    }

    /// NDCG@10 over the judged queries.
    pub async fn relevance(&self) -> Result<Relevance, SearchError> {
        let judged = judgements()?;
        let (mut sum, mut strict_sum) = (0.0, 0.0);
        let mut per_query = Vec::with_capacity(judged.len());
        for j in &judged {
            // As the page ranks: relaxed when fewer than a page of articles has every word.
            let ranked = self.flat_with(&j.query, Sort::Relevance, 10, 10).await?;
            let score = ndcg_at_10(&ranked, &j.grades);
            let strict = self.flat_with(&j.query, Sort::Relevance, 10, 0).await?;
            strict_sum += ndcg_at_10(&strict, &j.grades);
            sum += score;
            per_query.push((j.query.clone(), score, ranked));
        }
        let n = judged.len().max(1) as f64;
        Ok(Relevance {
            engine: self.engine.name(),
            queries: judged.len(),
            ndcg: sum / n,
            strict_ndcg: strict_sum / n,
            per_query,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dcg_of_a_perfect_ranking_is_one() {
        let grades = [("a".to_string(), 3u8), ("b".to_string(), 1)]
            .into_iter()
            .collect();
        assert!((ndcg_at_10(&["a".into(), "b".into()], &grades) - 1.0).abs() < 1e-9);
        assert!(ndcg_at_10(&["b".into(), "a".into()], &grades) < 1.0);
        assert_eq!(ndcg_at_10(&[], &grades), 0.0);
    }

    #[test]
    fn the_compiled_in_fixtures_parse() {
        assert_eq!(articles().expect("corpus").len(), 155);
        assert!(judgements().expect("judgements").len() >= 40);
    }
}
