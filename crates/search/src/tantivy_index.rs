//! The embedded search index: a tantivy index in the data directory. Documents are keyed by
//! article id (adding one replaces it), and each commit records the catch-up cursor in its
//! payload, so the index knows which articles it has certainly seen.

use crate::SearchError;
use crate::doc::SearchDoc;
use crate::facets::FacetCollector;
use crate::group::group_hits;
use crate::lang::{Lang, analyser_for};
use crate::results::{ArticleHit, SearchRequest, SearchResults, Sort, StoryHit};
use crate::schema::{self, Fields, SCHEMA_VERSION};
use crate::snippet::{SNIPPET_CHARS, escape_html, highlight, lead};
use crate::tantivy_query::{QueryBuilder, highlight_words};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The writer, known to be there.
struct MappedMutexGuard<'a>(MutexGuard<'a, Option<IndexWriter>>);

impl std::ops::Deref for MappedMutexGuard<'_> {
    type Target = IndexWriter;
    fn deref(&self) -> &IndexWriter {
        self.0.as_ref().expect("checked when the guard was made")
    }
}

impl std::ops::DerefMut for MappedMutexGuard<'_> {
    fn deref_mut(&mut self) -> &mut IndexWriter {
        self.0.as_mut().expect("checked when the guard was made")
    }
}

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};
use tidings_model::{ArticleId, SourceId, StoryId};

/// The most bytes of a body searched for a snippet.
const MAX_SNIPPET_SOURCE: usize = 12_000;

/// How an index writes.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Memory for the writer's buffers, in bytes, shared by the threads (at least 15 MB each).
    pub heap_bytes: usize,
}

impl Default for IndexOptions {
    /// Two threads where there are two cores (one on a single core): a rebuild analyses text
    /// at twice the rate, and more threads would only take the web server's cores. 128 MiB
    /// leaves each thread 64 MiB of buffers.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        IndexOptions {
            threads: cores.clamp(1, 2),
            heap_bytes: 128 << 20,
        }
    }
}

/// What a commit records besides the documents.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    cursor: i64,
    /// The placement cursor (absent in indexes written before it existed: 0).
    #[serde(default)]
    placed: i64,
}

/// The embedded tantivy index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` when another process holds the index's writer lock: this one only reads.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// The cursor the next commit records.
    cursor: AtomicI64,
    /// The placement cursor the next commit records.
    placed: AtomicI64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("cursor", &self.cursor.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the directory) when there is none.
    /// Changes that were not committed before a crash are gone; [`crate::catch_up`] brings
    /// them back from the database.
    pub fn open(dir: &Path, options: IndexOptions) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let directory = MmapDirectory::open(dir)?;
        let (schema, fields) = schema::build();
        let index = if Index::exists(&directory).map_err(tantivy::TantivyError::from)? {
            let index = Index::open(directory)?;
            if index.schema() != schema {
                return Err(SearchError::SchemaChanged);
            }
            index
        } else {
            Index::create(directory, schema, tantivy::IndexSettings::default())?
        };
        SearchIndex::from_index(index, fields, options)
    }

    /// Opens the index in `dir`; if it cannot be opened (damaged, or of an older schema),
    /// deletes it and starts an empty one, whose cursor is 0 so that the next catch-up indexes
    /// every article again. Says whether it had to start over.
    pub fn open_or_recreate(
        dir: &Path,
        options: IndexOptions,
    ) -> Result<(SearchIndex, bool), SearchError> {
        match SearchIndex::open(dir, options) {
            Ok(index) => Ok((index, false)),
            Err(err) => {
                tracing::warn!(error = %err, dir = %dir.display(), "search index unusable; rebuilding it");
                if dir.exists() {
                    std::fs::remove_dir_all(dir)?;
                }
                Ok((SearchIndex::open(dir, options)?, true))
            }
        }
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build();
        // One thread: documents stay in the order they were added, one segment per commit.
        let options = IndexOptions {
            threads: 1,
            ..IndexOptions::default()
        };
        SearchIndex::from_index(Index::create_in_ram(schema), fields, options)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        options: IndexOptions,
    ) -> Result<SearchIndex, SearchError> {
        schema::register(&index);
        let payload: Payload = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        if payload.schema != 0 && payload.schema != SCHEMA_VERSION {
            return Err(SearchError::SchemaChanged);
        }
        let threads = options.threads.max(1);
        let heap = options.heap_bytes.max(threads * (16 << 20));
        let writer = match index.writer_with_num_threads(threads, heap) {
            Ok(writer) => Some(writer),
            Err(tantivy::TantivyError::LockFailure(..)) => {
                tracing::info!("search index is written by another process; opened for reading");
                None
            }
            Err(err) => return Err(err.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            cursor: AtomicI64::new(payload.cursor),
            placed: AtomicI64::new(payload.placed),
        })
    }

    fn writer(&self) -> Result<MappedMutexGuard<'_>, SearchError> {
        let guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            return Err(SearchError::ReadOnly);
        }
        Ok(MappedMutexGuard(guard))
    }

    /// Whether this handle can write (no other process holds the writer lock).
    pub fn is_writable(&self) -> bool {
        self.writer.lock().map(|w| w.is_some()).unwrap_or(false)
    }

    /// Adds or replaces documents (by article id). Visible after [`SearchIndex::commit`].
    pub fn index(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let writer = self.writer()?;
        for doc in docs {
            writer.delete_term(self.id_term(doc.id));
            writer.add_document(self.document(doc))?;
        }
        Ok(())
    }

    /// Adds documents known to be absent (a rebuild into an empty index): no deletes.
    pub(crate) fn index_new(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let writer = self.writer()?;
        for doc in docs {
            writer.add_document(self.document(doc))?;
        }
        Ok(())
    }

    /// Removes an article. Visible after [`SearchIndex::commit`].
    pub fn delete(&self, id: ArticleId) -> Result<(), SearchError> {
        self.writer()?.delete_term(self.id_term(id));
        Ok(())
    }

    /// Removes every document and resets the cursor (a rebuild's first step).
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer()?.delete_all_documents()?;
        self.cursor.store(0, Ordering::SeqCst);
        self.placed.store(0, Ordering::SeqCst);
        Ok(())
    }

    /// Makes every change so far durable and visible, recording the catch-up cursor.
    pub fn commit(&self) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            cursor: self.cursor.load(Ordering::SeqCst),
            placed: self.placed.load(Ordering::SeqCst),
        })
        .unwrap_or_default();
        let mut writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Turns background merging off for a bulk build: merging while indexing rewrites the
    /// same data several times over. [`SearchIndex::merge_all`] merges once at the end.
    pub fn pause_merges(&self) -> Result<(), SearchError> {
        self.writer()?
            .set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(())
    }

    /// Merges every committed segment into one and turns background merging back on.
    pub fn merge_all(&self) -> Result<(), SearchError> {
        let ids = self.index.searchable_segment_ids()?;
        let mut writer = self.writer()?;
        if ids.len() > 1 {
            writer.merge(&ids).wait()?;
        }
        writer.set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Waits for background merges to finish (after a bulk build, before measuring size).
    pub fn wait_merges(self) -> Result<(), SearchError> {
        let writer = self.writer.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(writer) = writer {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// The highest article id the index has caught up with (as of the last commit, or set
    /// since by a catch-up in progress).
    pub fn cursor(&self) -> ArticleId {
        ArticleId(self.cursor.load(Ordering::SeqCst))
    }

    /// Sets the cursor the next commit records.
    pub fn set_cursor(&self, id: ArticleId) {
        self.cursor.store(id.0, Ordering::SeqCst);
    }

    /// The highest placement number caught up with (see [`crate::catch_up_placed`]).
    pub fn placed_cursor(&self) -> i64 {
        self.placed.load(Ordering::SeqCst)
    }

    /// Sets the placement cursor the next commit records.
    pub fn set_placed_cursor(&self, seq: i64) {
        self.placed.store(seq, Ordering::SeqCst);
    }

    /// Those of `ids` that the last commit does not hold.
    pub fn missing(&self, ids: &[ArticleId]) -> Result<Vec<ArticleId>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for &id in ids {
            let query = TermQuery::new(self.id_term(id), IndexRecordOption::Basic);
            if searcher.search(&query, &Count)? == 0 {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// The URL each of `ids` was indexed with (as of the last commit); ids the index does
    /// not hold are absent. The URL tells whether a document still describes the article its
    /// id names in the database (a restored database gives old ids to new articles).
    pub fn urls_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, String>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::with_capacity(ids.len());
        for &id in ids {
            let query = TermQuery::new(self.id_term(id), IndexRecordOption::Basic);
            if let Some((_, addr)) = searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())?
                .first()
            {
                let doc: TantivyDocument = searcher.doc(*addr)?;
                if let Some(url) = doc.get_first(self.fields.url).and_then(|v| v.as_str()) {
                    out.insert(id, url.to_string());
                }
            }
        }
        Ok(out)
    }

    /// How many segments the last commit holds (a bulk build merges them down).
    pub fn segments(&self) -> usize {
        self.index
            .searchable_segment_ids()
            .map_or(0, |ids| ids.len())
    }

    /// How many documents the last commit holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every article id in the index (as of the last commit), ascending.
    pub fn ids(&self) -> Result<Vec<ArticleId>, SearchError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64(schema::ID)?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if let Some(id) = column.first(doc) {
                    ids.push(ArticleId(id as i64));
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    fn id_term(&self, id: ArticleId) -> Term {
        Term::from_field_u64(self.fields.id, id.0 as u64)
    }

    fn document(&self, doc: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, doc.id.0 as u64);
        if let Some(story) = doc.story_id {
            d.add_i64(f.story, story.0);
        }
        d.add_i64(f.source_id, doc.source_id.0);
        d.add_text(f.source_name, &doc.source_name);
        d.add_text(f.source_terms, doc.source_terms());
        d.add_text(f.source_words, &doc.source_name);
        let lang = doc.lang_code();
        if !lang.is_empty() {
            d.add_text(f.lang, &lang);
        }
        d.add_i64(f.date, doc.date);
        d.add_text(f.url, &doc.url);
        d.add_text(f.title, &doc.title);
        d.add_text(f.body, &doc.body);
        let entities = doc.entity_terms();
        if !entities.is_empty() {
            d.add_text(f.entities, &entities);
        }
        let text = f.for_lang(&lang);
        d.add_text(text.title, &doc.title);
        d.add_text(text.body, &doc.body);
        d
    }

    /// Runs a search (see [`SearchRequest`]).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let mut builder = QueryBuilder::new(&self.fields);
        let query = builder.build_excluding(&request.query, &request.exclude_sources);
        let window = request.fetch_window().max(1);
        // Ranked (or sorted) and counted in one pass. Ranking alone with block-max WAND and
        // counting in a second pass measured slower on the million-article bench (alternating
        // runs: "police" 9.6 against 28.8 ms, p50 of the set 8.6-10.2 against 13.8-14.8 ms):
        // every word is looked up in many fields, and the count pass walks them all again.
        // Measured again with the word's union handed to tantivy unwrapped (so block-max WAND
        // applies): "said" 10.6 -> 24.5 ms, "police" 5.9 -> 16.0 ms on a million articles.
        let (top, total): (Vec<(f32, DocAddress)>, usize) = match request.sort {
            Sort::Relevance => searcher.search(
                &query,
                &(TopDocs::with_limit(window).order_by_score(), Count),
            )?,
            Sort::Newest | Sort::Oldest => {
                let order = if request.sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let collector =
                    TopDocs::with_limit(window).order_by_fast_field::<i64>(schema::DATE, order);
                let (top, total) = searcher.search(&query, &(collector, Count))?;
                (
                    top.into_iter().map(|(_, addr)| (0.0, addr)).collect(),
                    total,
                )
            }
        };
        let facets = if request.facets {
            Some(searcher.search(&query, &FacetCollector)?.finish())
        } else {
            None
        };
        // What the exclusion left out, counted exactly: the matches from those outlets.
        let excluded = if request.exclude_sources.is_empty() {
            0
        } else {
            let only = builder.build_only(&request.query, &request.exclude_sources);
            searcher.search(&only, &Count)?
        };
        let stories = searcher
            .segment_readers()
            .iter()
            .map(|s| s.fast_fields().i64(schema::STORY))
            .collect::<Result<Vec<_>, _>>()?;
        let keyed: Vec<(f32, DocAddress, Option<i64>)> = top
            .into_iter()
            .map(|(score, addr)| {
                let story = stories
                    .get(addr.segment_ord as usize)
                    .and_then(|c| c.first(addr.doc_id));
                (score, addr, story)
            })
            .collect();
        let groups = group_hits(
            keyed,
            |h| h.2,
            request.group_stories,
            request.offset,
            request.limit,
        );
        let mut snippets = Snippets::new(&request.query);
        let mut hits = Vec::with_capacity(groups.len());
        for (first, others) in groups {
            let article = self.hit(&searcher, first.0, first.1, &mut snippets, true)?;
            let others = others
                .into_iter()
                .map(|o| self.hit(&searcher, o.0, o.1, &mut snippets, false))
                .collect::<Result<Vec<_>, _>>()?;
            hits.push(StoryHit {
                story_id: article.story_id,
                article,
                others,
            });
        }
        Ok(SearchResults {
            total_articles: total as u64,
            total_estimated: false,
            hits,
            facets,
            ignored: request.query.ignored.clone(),
            relaxed: false,
            with_every_word: total as u64,
            excluded_articles: excluded as u64,
            excluded_estimated: false,
        })
    }

    /// Loads one hit's stored fields and highlights its title; with `body_snippet`, also
    /// makes its snippet (the other articles listed under a story hit show none).
    fn hit(
        &self,
        searcher: &Searcher,
        score: f32,
        addr: DocAddress,
        snippets: &mut Snippets,
        body_snippet: bool,
    ) -> Result<ArticleHit, SearchError> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let int = |field| doc.get_first(field).and_then(|v| v.as_i64());
        let title = text(f.title);
        let body = text(f.body);
        let language = text(f.lang);
        let (title_html, snippet_html) = snippets.make(
            &self.fields,
            &language,
            &title,
            body_snippet.then_some(&body[..]),
        );
        Ok(ArticleHit {
            id: ArticleId(
                doc.get_first(f.id)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default() as i64,
            ),
            story_id: int(f.story).map(StoryId),
            score,
            source_id: SourceId(int(f.source_id).unwrap_or_default()),
            source_name: text(f.source_name),
            url: text(f.url),
            language,
            date: int(f.date).unwrap_or_default(),
            title,
            title_html,
            snippet_html,
        })
    }
}

/// Snippet generators for one query, made per language as hits need them, with the
/// analysed words they highlight.
struct Snippets<'q> {
    query: &'q crate::query::Query,
    by_lang: HashMap<&'static str, (SnippetGenerator, SnippetGenerator, Vec<String>)>,
}

impl<'q> Snippets<'q> {
    fn new(query: &'q crate::query::Query) -> Self {
        Snippets {
            query,
            by_lang: HashMap::new(),
        }
    }

    /// The highlighted title and body snippet of a document in language `code`.
    fn make(
        &mut self,
        fields: &Fields,
        code: &str,
        title: &str,
        body: Option<&str>,
    ) -> (String, String) {
        let lang: &'static Lang = analyser_for(code);
        let query = self.query;
        let (title_gen, body_gen, words) = self.by_lang.entry(lang.code).or_insert_with(|| {
            let words = highlight_words(query, lang);
            let terms: BTreeMap<String, f32> = words.iter().map(|w| (w.clone(), 1.0)).collect();
            let lf = fields.for_lang(lang.code);
            let title_gen =
                SnippetGenerator::new(terms.clone(), schema::analyser(lang), lf.title, 10_000);
            let body_gen =
                SnippetGenerator::new(terms, schema::analyser(lang), lf.body, SNIPPET_CHARS);
            (title_gen, body_gen, words)
        });
        let t = title_gen.snippet(title);
        let title_html = if t.is_empty() {
            escape_html(title)
        } else {
            let start = t.fragment_range().start;
            let ranges: Vec<_> = t
                .highlighted()
                .iter()
                .map(|r| r.start + start..r.end + start)
                .collect();
            highlight(title, &ranges)
        };
        let Some(body) = body else {
            return (title_html, String::new());
        };
        // The passage is looked for in the first part of very long bodies only.
        let mut end = body.len().min(MAX_SNIPPET_SOURCE);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        let body = &body[..end];
        // Analysing the whole body for its best passage is most of a page's cost: first only
        // a window from where a word first shows, then the whole body if that finds nothing.
        let window = passage_window(body, words);
        let mut found = (window.start, body_gen.snippet(&body[window.clone()]));
        if found.1.is_empty() && window != (0..body.len()) {
            found = (0, body_gen.snippet(body));
        }
        let (offset, b) = found;
        let snippet_html = if b.is_empty() {
            lead(body, SNIPPET_CHARS)
        } else {
            let range = b.fragment_range();
            let mut html = String::new();
            if offset + range.start > 0 {
                html.push('…');
            }
            html.push_str(&highlight(b.fragment(), b.highlighted()));
            if offset + range.end < body.len() {
                html.push('…');
            }
            html
        };
        (title_html, snippet_html)
    }
}

/// Bytes of a body before the first place a highlighted word shows that the snippet window
/// keeps (the passage may start a little earlier).
const WINDOW_BEFORE: usize = 400;
/// Bytes of a body the snippet window holds.
const WINDOW_BYTES: usize = 2_400;

/// The part of a body to look for the snippet in: from a little before the first place one of
/// the analysed `words` shows (as lower-case ASCII text: stems mostly begin their words) to a
/// few passages on; the whole body when it is short or none shows (a stem spelt unlike its
/// word, a folded accent). Byte range on character boundaries.
fn passage_window(body: &str, words: &[String]) -> std::ops::Range<usize> {
    if body.len() <= WINDOW_BYTES {
        return 0..body.len();
    }
    let lower = body.to_ascii_lowercase();
    let Some(first) = words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| lower.find(w.as_str()))
        .min()
    else {
        return 0..body.len();
    };
    let boundary = |mut at: usize| {
        at = at.min(body.len());
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    // Whole words only: the window starts after a space and ends before one.
    let mut start = boundary(first.saturating_sub(WINDOW_BEFORE));
    if let Some((i, c)) = body[start..first]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
    {
        start += i + c.len_utf8();
    }
    let mut end = boundary(start + WINDOW_BYTES);
    if end < body.len()
        && let Some(i) = body[first..end].rfind(char::is_whitespace)
    {
        end = first + i;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_window_starts_before_the_first_word() {
        let body = format!(
            "{} The flood reached Zürich. {}",
            "a ".repeat(2_000),
            "b ".repeat(2_000)
        );
        let window = passage_window(&body, &["flood".to_string()]);
        assert!(body[window.clone()].contains("The flood reached Zürich."));
        assert!(window.start > 0 && window.len() <= WINDOW_BYTES);
        assert!(body[window.clone()].starts_with("a ") && body[window.clone()].ends_with(" b"));
        assert_eq!(
            passage_window(&body, &["nowhere".to_string()]),
            0..body.len()
        );
        assert_eq!(passage_window("short flood", &["flood".to_string()]), 0..11);
        let accents = "é".repeat(3_000);
        let window = passage_window(&accents, &["x".to_string()]);
        assert_eq!(window, 0..accents.len());
    }

    #[test]
    fn a_second_handle_reads_while_the_first_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let writer = SearchIndex::open(dir.path(), IndexOptions::default()).expect("open");
        assert!(writer.is_writable());
        let reader = SearchIndex::open(dir.path(), IndexOptions::default()).expect("open again");
        assert!(!reader.is_writable());
        assert!(matches!(reader.commit(), Err(SearchError::ReadOnly)));
        assert!(matches!(
            reader.delete(ArticleId(1)),
            Err(SearchError::ReadOnly)
        ));
        assert_eq!(reader.num_docs(), 0);
    }
}
