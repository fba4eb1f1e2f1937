//! PostgreSQL full-text search, for when several processes share one PostgreSQL database: the
//! `search_documents` table (tsvector + GIN, one `tidings_<language>` configuration per
//! language), queried with the same parsed [`Query`] as the tantivy index. Text reaches
//! `to_tsvector` split and folded the way tantivy's analysers split it
//! ([`crate::schema::plain_words`]), so both backends see the same words; snippets come from
//! `ts_headline` and are escaped here. The outlet's name is in the tsvector too, at the
//! lowest weight (`D`), so a word finds the articles of an outlet of that name, after those
//! that say it: what the tantivy index does with its own field. Rows written before that are
//! written again once ([`PgSearch::upgrade`]).

use crate::SearchError;
use crate::doc::SearchDoc;
use crate::elision;
use crate::facets::FacetCounter;
use crate::group::group_hits;
use crate::lang::{Lang, analyser_for, searched_languages};
use crate::query::{Clause, Query, normalize_name};
use crate::results::{ArticleHit, SearchRequest, SearchResults, Sort, StoryHit};
use crate::schema::plain_words;
use crate::snippet::{escape_html, from_marked};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tidings_model::{ArticleId, SourceId, StoryId, without_stray_controls};
use tidings_store::{Backend, Store};

/// The longest analysed body, in bytes (tsvector's limit is 1 MB).
const MAX_TSV_TEXT: usize = 256 * 1024;
/// Rows written by one INSERT statement when indexing (15 parameters each).
const ROWS_PER_INSERT: usize = 64;
/// What the rows of `search_documents` hold, kept in `search_state` (`documents`): rows of an
/// older version are written again by the next catch-up ([`PgSearch::upgrade`]). 1: the
/// outlet's name is in the tsvector, at weight `D`.
pub const DOCUMENTS_VERSION: i64 = 1;
/// The `search_state` row that keeps [`DOCUMENTS_VERSION`].
const DOCUMENTS_STATE: &str = "documents";
/// `ts_headline` options: matches between control characters, escaped and marked later.
const HEADLINE_OPTIONS: &str =
    "StartSel=\"\u{1}\", StopSel=\"\u{2}\", MaxWords=35, MinWords=15, MaxFragments=1";
const TITLE_OPTIONS: &str = "StartSel=\"\u{1}\", StopSel=\"\u{2}\", HighlightAll=true";

/// By relevance, how many of the newest matches are ranked.
pub const RANK_CANDIDATES: usize = 500;
/// The date index is walked (testing each row) when the planner expects at least one row in
/// this many to match; below, the matches come from the GIN index and are sorted.
const DATE_WALK_RATIO: u64 = 20;
/// Matches are counted exactly up to this many, estimated beyond (see [`PgSearch::search`]).
pub const EXACT_COUNT: i64 = 1_000;

/// The INSERT of `rows` search documents, 15 parameters a row: the columns, then the text
/// search configuration, the title's words, the body's words and the outlet name's words for
/// the tsvectors.
fn insert_statement(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO search_documents (article_id, story_id, source_id, source_name, \
         source_terms, url, language, sort_at, title, body, entities, config, tsv, source_tsv, \
         entities_tsv) VALUES ",
    );
    for row in 0..rows {
        let p = |n: usize| format!("${}", row * 15 + n);
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {c}::regconfig, \
             setweight(to_tsvector({c}::regconfig, {}), 'A') || \
             setweight(to_tsvector({c}::regconfig, {}), 'B') || \
             setweight(to_tsvector({c}::regconfig, {}), 'D'), \
             to_tsvector('simple'::regconfig, {}), to_tsvector('simple'::regconfig, {}))",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6),
            p(7),
            p(8),
            p(9),
            p(10),
            p(11),
            p(13),
            p(14),
            p(15),
            p(5),
            p(11),
            c = p(12),
        ));
    }
    sql.push_str(
        " ON CONFLICT (article_id) DO UPDATE SET story_id = EXCLUDED.story_id, \
         source_id = EXCLUDED.source_id, source_name = EXCLUDED.source_name, \
         source_terms = EXCLUDED.source_terms, url = EXCLUDED.url, \
         language = EXCLUDED.language, sort_at = EXCLUDED.sort_at, \
         title = EXCLUDED.title, body = EXCLUDED.body, entities = EXCLUDED.entities, \
         config = EXCLUDED.config, tsv = EXCLUDED.tsv, source_tsv = EXCLUDED.source_tsv, \
         entities_tsv = EXCLUDED.entities_tsv",
    );
    sql
}

/// Whether a query requires a clause the GIN indexes answer (words, phrases, outlets,
/// entities), as opposed to only languages and dates, which are tested on the row itself.
fn uses_gin(query: &Query) -> bool {
    query
        .must
        .iter()
        .any(|group| group.iter().any(|c| !matches!(c, Clause::Lang(_))))
}

/// Whether a clause is a word or a phrase (looked up in the row's tsvector).
fn is_text(clause: &Clause) -> bool {
    matches!(clause, Clause::Word(_) | Clause::Phrase(_))
}

/// The row count of the top node of a text `EXPLAIN` line (`… rows=123 width=…`).
fn planned_rows(line: &str) -> Option<u64> {
    let rest = &line[line.find("rows=")? + 5..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The PostgreSQL backend.
#[derive(Debug, Clone)]
pub struct PgSearch {
    pool: AnyPool,
    /// Whether this process has checked the rows' version ([`PgSearch::upgrade`]).
    upgraded: Arc<AtomicBool>,
}

/// The tsquery of each word or phrase of a query in the languages it is looked up in, as
/// text, duplicates removed: key (whether it is a typed word rather than a phrase, the words,
/// the configurations) → `None` when no language keeps a word of it.
type Resolved = HashMap<(bool, String, Vec<&'static str>), Option<String>>;

/// SQL with positional parameters, built clause by clause.
#[derive(Default)]
struct Sql {
    params: Vec<Param>,
    resolved: Resolved,
}

#[derive(Clone)]
enum Param {
    Text(String),
    Int(i64),
}

/// The configurations of `langs`, as a key.
fn configs(langs: &[&'static Lang]) -> Vec<&'static str> {
    langs.iter().map(|l| l.pg_config).collect()
}

impl Sql {
    /// A builder whose text clauses use the tsqueries in `resolved`.
    fn new(resolved: Resolved) -> Sql {
        Sql {
            params: Vec::new(),
            resolved,
        }
    }

    fn push(&mut self, p: Param) -> usize {
        self.params.push(p);
        self.params.len()
    }

    /// The tsquery of a word or phrase in every searched language, `None` without words.
    /// It is bound as one literal tsquery: the planner then estimates its matches from the
    /// table's statistics, and the GIN index is asked for each distinct lexeme once (a word
    /// stems alike in most of the thirteen languages).
    fn text_query(&mut self, word: bool, text: &str, langs: &[&'static Lang]) -> Option<String> {
        let words = plain_words(text);
        let tsquery = self.resolved.get(&(word, words, configs(langs)))?.clone()?;
        let n = self.push(Param::Text(tsquery));
        Some(format!("${n}::tsquery"))
    }

    /// A word or phrase clause as a tsquery expression, `None` for other clauses and for
    /// text without words.
    fn clause_tsquery(&mut self, clause: &Clause, langs: &[&'static Lang]) -> Option<String> {
        match clause {
            Clause::Word(t) => self.text_query(true, t, langs),
            Clause::Phrase(t) => self.text_query(false, t, langs),
            _ => None,
        }
    }

    /// One clause as a predicate, `None` when it has nothing to look for.
    fn clause(&mut self, clause: &Clause, langs: &[&'static Lang]) -> Option<String> {
        match clause {
            Clause::Word(_) | Clause::Phrase(_) => {
                Some(format!("tsv @@ {}", self.clause_tsquery(clause, langs)?))
            }
            Clause::Source(name) | Clause::Entity(name) => {
                let words = normalize_name(name);
                if words.is_empty() {
                    return None;
                }
                let column = if matches!(clause, Clause::Source(_)) {
                    "source_tsv"
                } else {
                    "entities_tsv"
                };
                let n = self.push(Param::Text(words));
                Some(format!(
                    "{column} @@ phraseto_tsquery('simple'::regconfig, ${n})"
                ))
            }
            Clause::Lang(code) => {
                let n = self.push(Param::Text(code.clone()));
                Some(format!("language = ${n}"))
            }
        }
    }

    /// The WHERE condition of a query.
    fn condition(&mut self, query: &Query) -> String {
        let langs = searched_languages(query);
        let all: Vec<&'static Lang> = crate::lang::LANGS.iter().collect();
        let mut parts = Vec::new();
        // Dates first: they are cheap to test, and rows outside them need no tsvector read.
        // With a GIN-indexed clause the date range is not offered to the date index, whose
        // range would have every row in it tested (see [`PgSearch::search`]).
        let sort_at = if uses_gin(query) {
            "(sort_at + 0)"
        } else {
            "sort_at"
        };
        let mut dates = Vec::new();
        if let Some(after) = query.after {
            let n = self.push(Param::Int(after));
            dates.push(format!("{sort_at} >= ${n}"));
        }
        if let Some(before) = query.before {
            let n = self.push(Param::Int(before));
            dates.push(format!("{sort_at} < ${n}"));
        }
        parts.extend(dates.iter().cloned());
        // Groups of words and phrases only, and the words and phrases excluded, go into one
        // tsquery (`a && (b || c) && !!d`): the GIN index answers it in one scan, exclusions
        // included (a row holding an excluded word is dropped by the index, its tsvector
        // unread). Only phrases still have their candidates' tsvectors read (the index keeps
        // no positions). Groups with outlets, entities or languages stay predicates of their own.
        let mut text_groups = Vec::new();
        for group in &query.must {
            if group.iter().all(is_text) {
                let texts: Vec<String> = group
                    .iter()
                    .filter_map(|c| self.clause_tsquery(c, &langs))
                    .collect();
                // A group with nothing to look for ([`crate::query::parse`] keeps none) is in
                // no row: it matches nothing rather than being dropped, which would widen the
                // query (as in the tantivy index).
                if texts.is_empty() {
                    parts.push("FALSE".to_string());
                } else {
                    text_groups.push(format!("({})", texts.join(" || ")));
                }
                continue;
            }
            let alternatives: Vec<String> = group
                .iter()
                .filter_map(|c| self.clause(c, &langs))
                .collect();
            if alternatives.is_empty() {
                parts.push("FALSE".to_string());
            } else {
                parts.push(format!("({})", alternatives.join(" OR ")));
            }
        }
        let mut nots = Vec::new();
        for clause in &query.must_not {
            if !text_groups.is_empty() && is_text(clause) {
                if let Some(q) = self.clause_tsquery(clause, &all) {
                    text_groups.push(format!("(!!{q})"));
                }
            } else if let Some(p) = self.clause(clause, &all) {
                nots.push(format!("NOT ({p})"));
            }
        }
        if !text_groups.is_empty() {
            parts.push(format!("tsv @@ ({})", text_groups.join(" && ")));
        }
        if !nots.is_empty() {
            let nots = nots.join(" AND ");
            if dates.is_empty() {
                parts.push(nots);
            } else {
                // An exclusion reads the row's tsvector; PostgreSQL may test it before the
                // dates, which cost less. CASE fixes the order: rows out of range are not read.
                parts.push(format!(
                    "CASE WHEN {} THEN {nots} ELSE FALSE END",
                    dates.join(" AND ")
                ));
            }
        }
        if parts.is_empty() {
            "TRUE".to_string()
        } else {
            parts.join(" AND ")
        }
    }

    /// The tsquery ranking and highlighting use: any required word or phrase.
    fn rank_query(&mut self, query: &Query) -> Option<String> {
        let langs = searched_languages(query);
        let parts: Vec<String> = query
            .text_clauses()
            .filter_map(|c| self.clause_tsquery(c, &langs))
            .collect();
        if parts.is_empty() {
            None
        } else {
            Some(format!("({})", parts.join(" || ")))
        }
    }

    fn bind<'q>(&self, sql: &'q str) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in &self.params {
            q = match p.clone() {
                Param::Text(t) => q.bind(t),
                Param::Int(i) => q.bind(i),
            };
        }
        q
    }
}

impl PgSearch {
    /// The backend of a PostgreSQL store (its migrations created the tables).
    pub fn new(store: &Store) -> Result<PgSearch, SearchError> {
        if store.backend() != Backend::Postgres {
            return Err(SearchError::NotPostgres);
        }
        Ok(PgSearch {
            pool: store.pool().clone(),
            upgraded: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Adds or replaces documents by article id, in one transaction. Visible at once.
    pub async fn index(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        // Rows are written in article-id order, whoever writes them (the indexer's catch-up or
        // a story's re-index after understanding), so two concurrent batches lock them in the
        // same order and cannot deadlock. The sort is stable, and the last copy of an id is the
        // one kept: one statement may not touch a row twice.
        let mut ordered: Vec<&SearchDoc> = docs.iter().collect();
        ordered.sort_by_key(|d| d.id);
        let mut rows: Vec<&SearchDoc> = Vec::with_capacity(ordered.len());
        for doc in ordered {
            match rows.last_mut() {
                Some(last) if last.id == doc.id => *last = doc,
                _ => rows.push(doc),
            }
        }
        let mut tx = self.pool.begin().await?;
        // Many rows to a statement: written one by one, each row waited for its own round trip
        // (about 200 rows a second), whereas PostgreSQL itself needs about a millisecond.
        // Stored text loses its stray control characters: a NUL would fail the batch, and a
        // `\u{1}` or `\u{2}` would open or close a highlight of its own in `ts_headline`.
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = insert_statement(chunk.len());
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for doc in chunk {
                let lang = doc.lang_code();
                let config = analyser_for(&lang).pg_config;
                let mut body = plain_words(&doc.body);
                if body.len() > MAX_TSV_TEXT {
                    let mut end = MAX_TSV_TEXT;
                    while !body.is_char_boundary(end) {
                        end -= 1;
                    }
                    body.truncate(end);
                }
                insert = insert
                    .bind(doc.id.0)
                    .bind(doc.story_id.map(|s| s.0))
                    .bind(doc.source_id.0)
                    .bind(without_stray_controls(&doc.source_name).into_owned())
                    .bind(doc.source_terms())
                    .bind(without_stray_controls(&doc.url).into_owned())
                    .bind(lang)
                    .bind(doc.date)
                    .bind(without_stray_controls(&doc.title).into_owned())
                    .bind(without_stray_controls(&doc.body).into_owned())
                    .bind(doc.entity_terms())
                    .bind(config)
                    .bind(plain_words(&doc.title))
                    .bind(body)
                    .bind(plain_words(&doc.source_name));
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes an article.
    pub async fn delete(&self, id: ArticleId) -> Result<(), SearchError> {
        sqlx::query("DELETE FROM search_documents WHERE article_id = $1")
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes every document and resets the cursor.
    pub async fn clear(&self) -> Result<(), SearchError> {
        sqlx::query("DELETE FROM search_documents")
            .execute(&self.pool)
            .await?;
        self.set_cursor(ArticleId(0)).await?;
        self.set_placed_cursor(0).await
    }

    /// Has rows written before this [`DOCUMENTS_VERSION`] written again: sets both catch-up
    /// cursors back to the start, then records the version, so the next catch-up replaces
    /// every row in place (searches meanwhile read the old rows, as before). Returns whether
    /// it did. Checked once per process; the catch-ups call it first.
    pub async fn upgrade(&self) -> Result<bool, SearchError> {
        if self.upgraded.load(Ordering::Acquire) {
            return Ok(false);
        }
        let older = self.state(DOCUMENTS_STATE).await? < DOCUMENTS_VERSION;
        // An empty table (a new database) has no row to write again.
        let stale = older
            && sqlx::query("SELECT 1 AS one FROM search_documents LIMIT 1")
                .fetch_optional(&self.pool)
                .await?
                .is_some();
        if stale {
            // The cursors first: a crash before the version is recorded only repeats this.
            self.set_cursor(ArticleId(0)).await?;
            self.set_placed_cursor(0).await?;
            tracing::info!(
                version = DOCUMENTS_VERSION,
                "search documents of an older version: every article is indexed again"
            );
        }
        if older {
            self.set_state(DOCUMENTS_STATE, DOCUMENTS_VERSION).await?;
        }
        self.upgraded.store(true, Ordering::Release);
        Ok(stale)
    }

    /// The catch-up cursor.
    pub async fn cursor(&self) -> Result<ArticleId, SearchError> {
        Ok(ArticleId(self.state("cursor").await?))
    }

    /// Records the catch-up cursor.
    pub async fn set_cursor(&self, id: ArticleId) -> Result<(), SearchError> {
        self.set_state("cursor", id.0).await
    }

    /// The placement cursor (see [`crate::catch_up_placed`]).
    pub async fn placed_cursor(&self) -> Result<i64, SearchError> {
        self.state("placed").await
    }

    /// Records the placement cursor.
    pub async fn set_placed_cursor(&self, seq: i64) -> Result<(), SearchError> {
        self.set_state("placed", seq).await
    }

    async fn state(&self, name: &str) -> Result<i64, SearchError> {
        let row = sqlx::query("SELECT value FROM search_state WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get("value")?,
            None => 0,
        })
    }

    async fn set_state(&self, name: &str, value: i64) -> Result<(), SearchError> {
        sqlx::query(
            "INSERT INTO search_state (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Those of `ids` that have no row.
    pub async fn missing(&self, ids: &[ArticleId]) -> Result<Vec<ArticleId>, SearchError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = ids.iter().map(|id| id.0.to_string()).collect();
        let sql = format!(
            "SELECT article_id FROM search_documents WHERE article_id IN ({})",
            list.join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        let mut present = std::collections::HashSet::new();
        for row in &rows {
            present.insert(row.try_get::<i64, _>("article_id")?);
        }
        Ok(ids
            .iter()
            .copied()
            .filter(|id| !present.contains(&id.0))
            .collect())
    }

    /// Every indexed article id, ascending.
    pub async fn ids(&self) -> Result<Vec<ArticleId>, SearchError> {
        let rows = sqlx::query("SELECT article_id FROM search_documents ORDER BY article_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(ArticleId(r.try_get("article_id")?)))
            .collect()
    }

    /// The tsqueries of the query's words and phrases ([`Resolved`]), made by PostgreSQL's
    /// own configurations in one round trip. A typed word loses its elided prefix in the
    /// languages that elide, as in the tantivy index ([`elision::strip`]).
    async fn resolve(&self, query: &Query) -> Result<Resolved, SearchError> {
        let searched = searched_languages(query);
        let all: Vec<&'static Lang> = crate::lang::LANGS.iter().collect();
        // (typed word, as typed, its words, the languages)
        let mut wanted: Vec<(bool, &str, String, Vec<&'static Lang>)> = Vec::new();
        let texts = query
            .must
            .iter()
            .flatten()
            .map(|c| (c, &searched))
            .chain(query.must_not.iter().map(|c| (c, &all)));
        for (clause, langs) in texts {
            let (word, t) = match clause {
                Clause::Word(t) => (true, t),
                Clause::Phrase(t) => (false, t),
                _ => continue,
            };
            let words = plain_words(t);
            if !words.is_empty()
                && !wanted
                    .iter()
                    .any(|(wd, _, w, l)| *wd == word && *w == words && l == langs)
            {
                wanted.push((word, t, words, langs.clone()));
            }
        }
        let mut resolved = Resolved::new();
        if wanted.is_empty() {
            return Ok(resolved);
        }
        let mut columns = Vec::new();
        let mut params: Vec<String> = Vec::new();
        for (i, (word, typed, words, langs)) in wanted.iter().enumerate() {
            for (j, lang) in langs.iter().enumerate() {
                params.push(if *word {
                    plain_words(elision::strip(lang, typed))
                } else {
                    words.clone()
                });
                columns.push(format!(
                    "phraseto_tsquery('{}'::regconfig, ${})::text AS q{i}_{j}",
                    lang.pg_config,
                    params.len()
                ));
            }
        }
        let select = format!("SELECT {}", columns.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(select));
        for words in params {
            q = q.bind(words);
        }
        let row = q.fetch_one(&self.pool).await?;
        for (i, (word, _, words, langs)) in wanted.into_iter().enumerate() {
            let mut distinct: Vec<String> = Vec::new();
            for j in 0..langs.len() {
                let text: String = row.try_get(format!("q{i}_{j}").as_str())?;
                if !text.trim().is_empty() && !distinct.contains(&text) {
                    distinct.push(text);
                }
            }
            let tsquery = match distinct.len() {
                0 => None,
                1 => distinct.pop(),
                _ => Some(
                    distinct
                        .iter()
                        .map(|t| format!("( {t} )"))
                        .collect::<Vec<_>>()
                        .join(" | "),
                ),
            };
            resolved.insert((word, words, configs(&langs)), tsquery);
        }
        Ok(resolved)
    }

    /// Runs a search.
    ///
    /// Made to stay fast on large tables: by relevance, only the newest [`RANK_CANDIDATES`]
    /// matches are ranked (`ts_rank` reads each candidate's whole tsvector, so ranking every
    /// match of a common word took over a second on 50,000 articles); matches are counted
    /// exactly only when the planner expects fewer than [`EXACT_COUNT`], and estimated by it
    /// otherwise ([`SearchResults::total_estimated`]); facets are counted in one pass.
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let query = &request.query;
        let mut sql = Sql::new(self.resolve(query).await?);
        let matches = sql.condition(query);
        // Outlets left out: one more predicate on the row (ids are numbers, written in), so
        // totals, facets, grouping and paging all go without them; none when there are none.
        let sources = source_list(&request.exclude_sources);
        let condition = match &sources {
            Some(list) => format!("({matches}) AND source_id NOT IN ({list})"),
            None => matches.clone(),
        };
        let window = request.fetch_window().max(1);
        let columns = "article_id, story_id, source_id, source_name, url, language, sort_at, title";
        // Common words: walking the date index and testing each row finds the newest matches
        // in a few rows. Rarer ones: the GIN index gives every match, sorted after; walking
        // the date index instead would test (and decompress the tsvector of) most of the
        // table. The planner does not see that cost, so its row estimate decides here, and
        // `sort_at + 0` keeps it off the date index. Languages and dates alone are tested on
        // the row itself, cheaply: those are always walked.
        // Testing a row decompresses its tsvector, which the planner does not count: it would
        // rather scan the whole table than use the GIN index for a word in a few percent of
        // the rows. Within this transaction it does not scan the table when an index serves.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await?;
        let estimate = estimate(&mut tx, &sql, &condition).await?;
        let rows_in_table = table_rows(&mut tx).await?;
        let walk = !uses_gin(query) || estimate.saturating_mul(DATE_WALK_RATIO) >= rows_in_table;
        let date = if walk { "sort_at" } else { "(sort_at + 0)" };
        let select = match (request.sort, sql.rank_query(query)) {
            (Sort::Relevance, Some(q)) => {
                let candidates = RANK_CANDIDATES.max(window);
                format!(
                    "SELECT {columns}, ts_rank('{{0.1, 0.2, 0.4, 1.0}}', tsv, {q})::float8 AS rank \
                     FROM (SELECT {columns}, tsv FROM search_documents WHERE {condition} \
                     ORDER BY {date} DESC, article_id DESC LIMIT {candidates}) candidates \
                     ORDER BY rank DESC, sort_at DESC, article_id DESC LIMIT {window}"
                )
            }
            (sort, _) => {
                let order = if sort == Sort::Oldest {
                    format!("{date} ASC, article_id ASC")
                } else {
                    format!("{date} DESC, article_id DESC")
                };
                format!(
                    "SELECT {columns}, 0::float8 AS rank FROM search_documents \
                     WHERE {condition} ORDER BY {order} LIMIT {window}"
                )
            }
        };
        let rows = sql.bind(&select).fetch_all(&mut *tx).await?;
        let hits: Vec<ArticleHit> = rows.iter().map(hit_from_row).collect::<Result<_, _>>()?;
        // Fewer rows than asked for are every match: no need to count.
        let (total, total_estimated) = if hits.len() < window {
            (hits.len() as u64, false)
        } else {
            let (n, estimated) = count(&mut tx, &sql, &condition, estimate).await?;
            (n.max(window as u64), estimated)
        };
        let facets = if request.facets {
            Some(facets(&mut tx, &sql, &condition).await?)
        } else {
            None
        };
        // What the exclusion left out: the matches from those outlets, counted as the total is.
        let (excluded, excluded_estimated) = match &sources {
            Some(list) => {
                let from = format!("({matches}) AND source_id IN ({list})");
                let planned = crate::postgres::estimate(&mut tx, &sql, &from).await?;
                count(&mut tx, &sql, &from, planned).await?
            }
            None => (0, false),
        };
        tx.commit().await?;
        let groups = group_hits(
            hits,
            |h| h.story_id.map(|s| s.0),
            request.group_stories,
            request.offset,
            request.limit,
        );
        let mut page: Vec<StoryHit> = groups
            .into_iter()
            .map(|(article, others)| StoryHit {
                story_id: article.story_id,
                article,
                others,
            })
            .collect();
        let resolved = std::mem::take(&mut sql.resolved);
        self.add_snippets(query, &mut page, resolved).await?;
        Ok(SearchResults {
            total_articles: total,
            total_estimated,
            hits: page,
            facets,
            ignored: query.ignored.clone(),
            relaxed: false,
            with_every_word: total,
            excluded_articles: excluded,
            excluded_estimated,
        })
    }

    /// Fills the titles' highlights and the snippets of a page with `ts_headline`.
    async fn add_snippets(
        &self,
        query: &Query,
        page: &mut [StoryHit],
        resolved: Resolved,
    ) -> Result<(), SearchError> {
        // Snippets for the story hits' own articles; the others listed under them show titles.
        let ids: Vec<String> = page.iter().map(|h| h.article.id.0.to_string()).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new(resolved);
        let q = sql
            .rank_query(query)
            .unwrap_or_else(|| "''::tsquery".to_string());
        let body_opts = sql.push(Param::Text(HEADLINE_OPTIONS.to_string()));
        let title_opts = sql.push(Param::Text(TITLE_OPTIONS.to_string()));
        let select = format!(
            "SELECT article_id, ts_headline(config, body, {q}, ${body_opts}) AS snippet, \
             ts_headline(config, title, {q}, ${title_opts}) AS title_marked \
             FROM search_documents WHERE article_id IN ({})",
            ids.join(", ")
        );
        let mut by_id: HashMap<i64, (String, String)> = HashMap::new();
        for row in sql.bind(&select).fetch_all(&self.pool).await? {
            let snippet: String = row.try_get("snippet")?;
            let title: String = row.try_get("title_marked")?;
            by_id.insert(row.try_get("article_id")?, (title, snippet));
        }
        for hit in page.iter_mut() {
            let a = &mut hit.article;
            if let Some((title, snippet)) = by_id.remove(&a.id.0) {
                a.title_html = from_marked(&title);
                a.snippet_html = from_marked(snippet.trim());
            }
        }
        Ok(())
    }
}

/// Source ids as an SQL list (`3, 17`), `None` for none.
fn source_list(sources: &[SourceId]) -> Option<String> {
    if sources.is_empty() {
        return None;
    }
    let ids: Vec<String> = sources.iter().map(|s| s.0.to_string()).collect();
    Some(ids.join(", "))
}

/// The planner's estimate of the rows `condition` matches (it costs no scan).
async fn estimate(
    conn: &mut AnyConnection,
    sql: &Sql,
    condition: &str,
) -> Result<u64, SearchError> {
    let explain = format!("EXPLAIN SELECT 1 FROM search_documents WHERE {condition}");
    let plan = sql.bind(&explain).fetch_all(&mut *conn).await?;
    Ok(plan
        .first()
        .and_then(|row| row.try_get::<String, _>(0).ok())
        .and_then(|line| planned_rows(&line))
        .unwrap_or(0))
}

/// The table's row count as of its last analysis (0 before any).
async fn table_rows(conn: &mut AnyConnection) -> Result<u64, SearchError> {
    let row = sqlx::query(
        "SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class \
         WHERE oid = 'search_documents'::regclass",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")?.max(0) as u64)
}

/// How many rows match, and whether that is an estimate: at or above [`EXACT_COUNT`] the
/// planner's `estimate` is the answer; below, matches are counted, exactly up to
/// [`EXACT_COUNT`] (the estimate of a phrase can be low), and beyond that the estimate
/// stands again (at least one more than counted).
async fn count(
    conn: &mut AnyConnection,
    sql: &Sql,
    condition: &str,
    estimate: u64,
) -> Result<(u64, bool), SearchError> {
    if estimate >= EXACT_COUNT as u64 {
        return Ok((estimate, true));
    }
    let limit = EXACT_COUNT + 1;
    let exact = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM search_documents WHERE {condition} \
         LIMIT {limit}) matches"
    );
    let n: i64 = sql.bind(&exact).fetch_one(&mut *conn).await?.try_get("n")?;
    if n <= EXACT_COUNT {
        Ok((n.max(0) as u64, false))
    } else {
        Ok((estimate.max(limit as u64), true))
    }
}

/// Counts outlets, days and languages over every match, in one pass.
async fn facets(
    conn: &mut AnyConnection,
    sql: &Sql,
    condition: &str,
) -> Result<crate::facets::Facets, SearchError> {
    let mut counter = FacetCounter::default();
    let select = format!(
        "SELECT source_name, FLOOR(sort_at / 86400.0)::bigint AS day, language, \
         GROUPING(source_name) AS no_source, GROUPING(FLOOR(sort_at / 86400.0)::bigint) \
         AS no_day, COUNT(*) AS n FROM search_documents WHERE {condition} \
         GROUP BY GROUPING SETS ((source_name), (FLOOR(sort_at / 86400.0)::bigint), \
         (language))"
    );
    for row in sql.bind(&select).fetch_all(&mut *conn).await? {
        let n = row.try_get::<i64, _>("n")?.max(0) as u64;
        if row.try_get::<i32, _>("no_source")? == 0 {
            let name: String = row.try_get("source_name")?;
            counter.add_source(&name, n);
        } else if row.try_get::<i32, _>("no_day")? == 0 {
            counter.add_day(row.try_get("day")?, n);
        } else {
            let code: String = row.try_get("language")?;
            if !code.is_empty() {
                counter.add_language(&code, n);
            }
        }
    }
    Ok(counter.finish())
}

fn hit_from_row(row: &AnyRow) -> Result<ArticleHit, sqlx::Error> {
    let title: String = row.try_get("title")?;
    let story: Option<i64> = row.try_get("story_id")?;
    let rank: f64 = row.try_get("rank")?;
    Ok(ArticleHit {
        id: ArticleId(row.try_get("article_id")?),
        story_id: story.map(StoryId),
        score: rank as f32,
        source_id: SourceId(row.try_get("source_id")?),
        source_name: row.try_get("source_name")?,
        url: row.try_get("url")?,
        language: row.try_get("language")?,
        date: row.try_get("sort_at")?,
        title_html: escape_html(&title),
        title,
        snippet_html: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_planned_rows() {
        assert_eq!(
            planned_rows(
                "Bitmap Heap Scan on search_documents  (cost=12.0..345.6 rows=12345 width=4)"
            ),
            Some(12_345)
        );
        assert_eq!(
            planned_rows("Result  (cost=0.00..0.01 rows=1 width=0)"),
            Some(1)
        );
        assert_eq!(planned_rows("Seq Scan"), None);
    }
}
