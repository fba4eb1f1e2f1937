//! `tidings bench search`: builds a large index from the shared news corpora and measures
//! indexing speed, index size, peak memory and query latency over a mixed query set; optionally
//! runs the same queries on PostgreSQL full-text search.
//!
//! The corpus is synthesised: the ~2,000 article texts of `bench/clustering`,
//! `bench/summaries` and `bench/extraction` are replayed until the wanted count is reached.
//! Replay `k` of a text keeps its headline, shuffles its sentences and drops up to a fifth of
//! them (seeded, so every run builds the same corpus); it gets its own id, a date spread over
//! two years (ids ascend with time), one of 200 outlets, and a language label (70 % `en`, the
//! rest spread over `de fr es it pt nl ru`: the texts stay English, so those documents are
//! analysed by another language's stemmer, as a mislabelled feed would be). Every ten
//! consecutive replays of one text form a story.

use crate::doc::SearchDoc;
use crate::results::{SearchRequest, Sort};
use crate::tantivy_index::{IndexOptions, SearchIndex};
use crate::{PgSearch, SearchEngine, SearchError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tidings_model::{ArticleId, SourceId, StoryId};

/// Outlet names; each is used for 20 outlets (numbered after the first).
const OUTLETS: &[&str] = &[
    "Harbor Gazette",
    "Northern Ledger",
    "Daily Meridian",
    "DW",
    "Rheinische Rundschau",
    "Le Courrier du Matin",
    "El Diario Central",
    "Gazzetta del Lago",
    "Jornal do Porto",
    "Lage Landen Post",
];
const OTHER_LANGS: &[&str] = &["de", "fr", "es", "it", "pt", "nl", "ru"];
/// 2024-01-01T00:00:00Z.
const START: i64 = 1_704_067_200;
/// Two years.
const SPAN: i64 = 2 * 365 * 86_400;

/// The mixed query set: words, phrases, filters, OR, exclusions; `true` sorts by date.
pub const QUERIES: &[(&str, bool)] = &[
    ("earthquake", false),
    ("police", false),
    ("obama", false),
    ("hurricane", false),
    ("president", false),
    ("said", false),
    ("nuclear iran", false),
    ("police shooting", false),
    ("apple iphone", false),
    ("lindsay lohan rehab", false),
    ("climate change", false),
    ("oil prices crisis", false),
    ("zebra obama", false),
    ("\"white house\"", false),
    ("\"supreme court\"", false),
    ("\"police said\"", false),
    ("\"climate change\"", false),
    ("\"stock market\"", false),
    ("lang:de police", false),
    ("source:dw election", false),
    ("source:\"harbor gazette\" fire", false),
    ("after:2025-06-01 obama", false),
    ("storm before:2024-06-01", false),
    ("after:2024-03 before:2024-05 court", false),
    ("lang:fr", false),
    ("hurricane OR tsunami OR earthquake", false),
    ("obama OR romney", false),
    ("facebook OR google", false),
    ("police -shooting", false),
    ("apple -iphone", false),
    ("election -obama", false),
    ("murder arrested -police", false),
    ("police", true),
    ("\"white house\"", true),
    ("earthquake", true),
    ("source:dw", true),
    ("", true),
    ("election lang:en", true),
    ("obama OR romney", true),
    ("fire -forest after:2025-01-01", true),
];

/// What to build and measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The shared bench directory (with `clustering/`, `summaries/`, `extraction/`).
    pub corpora: PathBuf,
    /// Where to build the index (emptied first); keep it under `target/`.
    pub dir: PathBuf,
    /// How many articles to index.
    pub docs: usize,
    /// Indexing threads.
    pub threads: usize,
    /// Writer memory, MiB.
    pub heap_mib: usize,
    /// Timed passes over the query set (after one warm-up pass).
    pub passes: usize,
    /// Time the queries on the index already in `dir` instead of building it.
    pub reuse: bool,
}

/// Latency figures, milliseconds.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    /// Queries timed.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// The slowest query.
    pub slowest: String,
    /// Median time on the CPU (the thread's own run time: what the query costs when the
    /// machine is not shared; wall times above include waiting for other processes).
    pub cpu_p50_ms: f64,
    /// 95th percentile of time on the CPU.
    pub cpu_p95_ms: f64,
    /// 99th percentile of time on the CPU.
    pub cpu_p99_ms: f64,
}

/// What the benchmark measured.
#[derive(Debug, Clone, Default)]
pub struct BenchReport {
    /// Distinct source texts replayed.
    pub base_texts: usize,
    /// Articles indexed.
    pub docs: usize,
    /// Seconds to index and commit them.
    pub index_secs: f64,
    /// Articles per second, including the commit.
    pub docs_per_sec: f64,
    /// CPU seconds (user + system, all threads) the indexing took: on a shared machine
    /// this, not the wall clock, says what two free cores would do.
    pub index_cpu_secs: f64,
    /// Seconds to merge the segments into one after the commit.
    pub merge_secs: f64,
    /// Articles per second, indexing, commit and merge together.
    pub docs_per_sec_with_merge: f64,
    /// Text indexed (titles and bodies), bytes.
    pub text_bytes: u64,
    /// Size of the index directory after merging, bytes.
    pub index_bytes: u64,
    /// Segments after merging.
    pub segments: usize,
    /// Peak resident memory of the process after the build, KiB.
    pub build_peak_rss_kib: Option<u64>,
    /// Page queries (10 stories, grouped, snippets, total count).
    pub queries: Latency,
    /// The same with facets.
    pub queries_with_facets: Latency,
    /// Per query of the set, in order.
    pub per_query: Vec<QueryTiming>,
}

/// How long one query of the set took.
#[derive(Debug, Clone, Default)]
pub struct QueryTiming {
    /// The query as typed.
    pub query: String,
    /// Whether it was sorted by date (else by relevance).
    pub by_date: bool,
    /// Median wall time, ms.
    pub median_ms: f64,
    /// Median time on the CPU, ms (what it costs when the machine is not shared).
    pub cpu_median_ms: f64,
    /// Matching articles.
    pub matches: u64,
}

/// One replayable text.
struct Base {
    title: String,
    sentences: Vec<String>,
}

/// SplitMix64: a small seeded generator, so every run builds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Reads the texts of the shared corpora.
fn load_bases(corpora: &Path) -> Result<Vec<Base>, SearchError> {
    let mut bases = Vec::new();
    let mut add = |title: Option<&str>, body: &str| {
        let sentences = split_sentences(body);
        if sentences.is_empty() {
            return;
        }
        let title = match title {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => headline(&sentences[0]),
        };
        bases.push(Base { title, sentences });
    };
    for file in [
        "clustering/ecbplus.dev.jsonl",
        "clustering/multinews.dev.jsonl",
    ] {
        for line in read_lines(&corpora.join(file))? {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if let Some(body) = v["body"].as_str() {
                add(v["title"].as_str(), body);
            }
        }
    }
    for line in read_lines(&corpora.join("summaries/multinews.dev.jsonl"))? {
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        for a in v["articles"].as_array().into_iter().flatten() {
            if let Some(body) = a["body"].as_str() {
                add(a["title"].as_str(), body);
            }
        }
    }
    for line in read_lines(&corpora.join("extraction/ground-truth.jsonl"))? {
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(body) = v["body"].as_str() {
            add(None, body);
        }
    }
    Ok(bases)
}

fn read_lines(path: &Path) -> Result<Vec<String>, SearchError> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect())
}

/// Splits text after `.`, `!` or `?` followed by white space, and at line breaks.
fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end = match b {
            b'\n' => Some(i),
            b'.' | b'!' | b'?' if bytes.get(i + 1).is_some_and(|n| n.is_ascii_whitespace()) => {
                Some(i + 1)
            }
            _ => None,
        };
        if let Some(end) = end {
            let s = text[start..end].trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
            start = end;
        }
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    out
}

/// A headline from a first sentence: at most ~110 characters, cut at a word.
fn headline(sentence: &str) -> String {
    if sentence.chars().count() <= 110 {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(110).collect();
    cut.rfind(' ').map_or(cut.clone(), |i| cut[..i].to_string())
}

/// Replay `i` of the corpus.
fn synthesise(i: usize, bases: &[Base], total: usize) -> SearchDoc {
    let mut rng = Rng(i as u64 ^ 0x5EED);
    let b = i % bases.len();
    let replay = i / bases.len();
    let base = &bases[b];
    let mut order: Vec<usize> = (0..base.sentences.len()).collect();
    if replay > 0 {
        for k in (1..order.len()).rev() {
            order.swap(k, rng.below(k + 1));
        }
        let keep = order.len() - rng.below(order.len() / 5 + 1);
        order.truncate(keep.max(1));
    }
    let mut body = String::new();
    for &k in &order {
        if !body.is_empty() {
            body.push(' ');
        }
        body.push_str(&base.sentences[k]);
    }
    let outlet = rng.below(OUTLETS.len() * 20);
    let (source_name, host) = synthesise_outlet(outlet);
    let language = if rng.below(10) < 7 {
        "en"
    } else {
        OTHER_LANGS[rng.below(OTHER_LANGS.len())]
    };
    let date = START + (i as i64) * SPAN / (total.max(1) as i64) + rng.below(3_600) as i64;
    SearchDoc {
        id: ArticleId(i as i64 + 1),
        story_id: Some(StoryId((b * 1_000 + replay / 10) as i64 + 1)),
        source_id: SourceId(outlet as i64 + 1),
        source_name,
        source_host: host.clone(),
        url: format!("https://{host}/a/{}", i + 1),
        language: Some(language.to_string()),
        date,
        title: base.title.clone(),
        body,
        entities: Vec::new(),
    }
}

/// Builds the index and measures it (the tantivy part of `tidings bench search`).
pub fn run(options: &BenchOptions) -> Result<BenchReport, SearchError> {
    let bases = load_bases(&options.corpora)?;
    if bases.is_empty() {
        return Err(SearchError::Io(std::io::Error::other(
            "no texts in the corpora",
        )));
    }
    let mut report = BenchReport {
        base_texts: bases.len(),
        docs: options.docs,
        ..BenchReport::default()
    };
    if !(options.reuse && options.dir.exists()) {
        build(options, &bases, &mut report)?;
    }
    let index = SearchIndex::open(&options.dir, IndexOptions::default())?;
    report.docs = index.num_docs() as usize;
    report.segments = index.segments();
    report.index_bytes = dir_size(&options.dir)?;
    let engine = SearchEngine::Tantivy(Box::new(index));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(SearchError::Io)?;
    let (queries, per_query) = runtime.block_on(time_queries(&engine, options.passes, false))?;
    let (queries_with_facets, _) =
        runtime.block_on(time_queries(&engine, options.passes.min(2), true))?;
    report.queries = queries;
    report.queries_with_facets = queries_with_facets;
    report.per_query = per_query;
    Ok(report)
}

/// Builds the index into an emptied `dir`: background merging off, one merge at the end.
fn build(
    options: &BenchOptions,
    bases: &[Base],
    report: &mut BenchReport,
) -> Result<(), SearchError> {
    crate::bench_dir::prepare_bench_dir(&options.dir)?;
    let index_options = IndexOptions {
        threads: options.threads.max(1),
        heap_bytes: options.heap_mib.max(16) << 20,
    };
    let index = SearchIndex::open(&options.dir, index_options)?;
    index.pause_merges()?;
    let cpu_before = cpu_secs();
    let started = Instant::now();
    let mut batch = Vec::with_capacity(1_000);
    for i in 0..options.docs {
        let doc = synthesise(i, bases, options.docs);
        report.text_bytes += (doc.title.len() + doc.body.len()) as u64;
        batch.push(doc);
        if batch.len() == 1_000 {
            index.index_new(&batch)?;
            batch.clear();
        }
    }
    index.index_new(&batch)?;
    index.set_cursor(ArticleId(options.docs as i64));
    index.commit()?;
    report.index_secs = started.elapsed().as_secs_f64();
    report.index_cpu_secs = cpu_secs() - cpu_before;
    report.docs_per_sec = options.docs as f64 / report.index_secs.max(1e-9);
    let merging = Instant::now();
    index.merge_all()?;
    index.wait_merges()?;
    report.merge_secs = merging.elapsed().as_secs_f64();
    report.docs_per_sec_with_merge =
        options.docs as f64 / (report.index_secs + report.merge_secs).max(1e-9);
    report.build_peak_rss_kib = peak_rss_kib();
    Ok(())
}

/// The same corpus (first `docs` articles) in PostgreSQL full-text search, and the same
/// queries. `store` must be a fresh PostgreSQL schema: its outlets and articles are inserted
/// (ids 1…n in order, like the synthesised ones), then [`crate::catch_up`] indexes them and
/// the table's statistics are refreshed (count estimates come from them). A store that already
/// holds at least `docs` articles (a kept schema) is queried as it is: both times are then 0.
/// Returns (seconds to insert, seconds to index, query latency, per query timings).
pub async fn run_postgres(
    store: &tidings_store::Store,
    corpora: &Path,
    docs: usize,
    passes: usize,
) -> Result<PgReport, SearchError> {
    let search = PgSearch::new(store)?;
    let engine = SearchEngine::Postgres(search);
    if store.articles().count().await? >= docs as i64 {
        let (latency, per_query) = time_queries(&engine, passes, false).await?;
        return Ok((0.0, 0.0, latency, per_query));
    }
    let bases = load_bases(corpora)?;
    for outlet in 0..OUTLETS.len() * 20 {
        let doc = synthesise_outlet(outlet);
        store
            .sources()
            .add(
                &tidings_store::NewSource {
                    url: format!("https://{}/feed", doc.1),
                    name: doc.0,
                    ..tidings_store::NewSource::default()
                },
                START,
            )
            .await?;
    }
    let started = Instant::now();
    // Stored a few thousand at a time, one transaction per outlet.
    let mut by_source: std::collections::BTreeMap<SourceId, Vec<tidings_model::NewArticle>> =
        std::collections::BTreeMap::new();
    for i in 0..docs {
        let doc = synthesise(i, &bases, docs);
        by_source
            .entry(doc.source_id)
            .or_default()
            .push(tidings_model::NewArticle {
                url: doc.url,
                title: doc.title,
                published_at: Some(doc.date),
                fetched_at: doc.date,
                language: doc.language,
                body_text: doc.body,
                ..tidings_model::NewArticle::default()
            });
        if (i + 1) % 5_000 == 0 || i + 1 == docs {
            for (source, articles) in std::mem::take(&mut by_source) {
                store.articles().insert_new(source, &articles).await?;
            }
        }
    }
    let insert_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    crate::catch_up(&engine, store).await?;
    sqlx::query("ANALYZE search_documents")
        .execute(store.pool())
        .await?;
    let index_secs = started.elapsed().as_secs_f64();
    let (latency, per_query) = time_queries(&engine, passes, false).await?;
    Ok((insert_secs, index_secs, latency, per_query))
}

/// The name and host of outlet `n`.
fn synthesise_outlet(n: usize) -> (String, String) {
    let (name, k) = (OUTLETS[n % OUTLETS.len()], n / OUTLETS.len());
    let suffix = if k == 0 { String::new() } else { k.to_string() };
    let display = if k == 0 {
        name.to_string()
    } else {
        format!("{name} {k}")
    };
    (
        display,
        format!("{}{suffix}.example", name.to_lowercase().replace(' ', "")),
    )
}

type Timings = (Latency, Vec<QueryTiming>);

/// What [`run_postgres`] measured: seconds to insert, seconds to index, the latency, and
/// each query's.
pub type PgReport = (f64, f64, Latency, Vec<QueryTiming>);

/// Runs the query set once to warm up, then `passes` times, timing each query.
async fn time_queries(
    engine: &SearchEngine,
    passes: usize,
    facets: bool,
) -> Result<Timings, SearchError> {
    let request = |q: &str, by_date: bool| {
        let mut r = SearchRequest::new(q, 10);
        r.facets = facets;
        if by_date {
            r.sort = Sort::Newest;
        }
        r
    };
    let mut totals = Vec::new();
    for (q, by_date) in QUERIES {
        let r = engine.search(&request(q, *by_date)).await?;
        totals.push(r.total_articles);
    }
    let mut all: Vec<(Duration, &str)> = Vec::new();
    let mut cpu: Vec<u64> = Vec::new();
    let mut per: Vec<Vec<Duration>> = vec![Vec::new(); QUERIES.len()];
    let mut per_cpu: Vec<Vec<u64>> = vec![Vec::new(); QUERIES.len()];
    for _ in 0..passes.max(1) {
        for (k, (q, by_date)) in QUERIES.iter().enumerate() {
            let req = request(q, *by_date);
            let cpu_before = thread_cpu_ns();
            let t = Instant::now();
            engine.search(&req).await?;
            let d = t.elapsed();
            if let (Some(a), Some(b)) = (cpu_before, thread_cpu_ns()) {
                cpu.push(b.saturating_sub(a));
                per_cpu[k].push(b.saturating_sub(a));
            }
            all.push((d, q));
            per[k].push(d);
        }
    }
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let at = |p: f64| ms(all[((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1].0);
    cpu.sort_unstable();
    let cpu_at = |p: f64| {
        if cpu.is_empty() {
            return 0.0;
        }
        let i = ((cpu.len() as f64 * p).ceil() as usize).clamp(1, cpu.len()) - 1;
        cpu[i] as f64 / 1e6
    };
    let latency = Latency {
        cpu_p50_ms: cpu_at(0.50),
        cpu_p95_ms: cpu_at(0.95),
        cpu_p99_ms: cpu_at(0.99),
        count: all.len(),
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: all.last().map_or(0.0, |x| ms(x.0)),
        slowest: all.last().map_or(String::new(), |x| x.1.to_string()),
    };
    let per_query = QUERIES
        .iter()
        .zip(per.iter_mut().zip(per_cpu.iter_mut()))
        .zip(totals)
        .map(|(((q, by_date), (times, cpu)), total)| {
            times.sort();
            cpu.sort_unstable();
            QueryTiming {
                query: q.to_string(),
                by_date: *by_date,
                median_ms: ms(times[times.len() / 2]),
                cpu_median_ms: cpu.get(cpu.len() / 2).map_or(0.0, |&ns| ns as f64 / 1e6),
                matches: total,
            }
        })
        .collect();
    Ok((latency, per_query))
}

/// Drops the PostgreSQL schema a benchmark run used (errors are ignored: best effort).
pub async fn drop_schema(url: &str, schema: &str) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    if let Ok(pool) = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
    {
        let sql = format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            schema.replace('"', "")
        );
        let _ = pool.execute(sqlx::AssertSqlSafe(sql)).await;
        pool.close().await;
    }
}

/// Total size of the files in a directory, bytes.
fn dir_size(dir: &Path) -> Result<u64, SearchError> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

/// Nanoseconds this thread has run on a CPU (`/proc/thread-self/schedstat`, first field).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU seconds (user + system) this process has used, from `/proc/self/stat`.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the name; 100 ticks/s.
    (ticks(11) + ticks(12)) / 100.0
}

/// `VmHWM` (peak resident set) from `/proc/self/status`, KiB.
pub fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_and_replays_differ() {
        assert_eq!(
            split_sentences("One. Two!\nThree? e.g.x"),
            vec!["One.", "Two!", "Three?", "e.g.x"]
        );
        let bases = vec![Base {
            title: "T".into(),
            sentences: (0..20).map(|i| format!("S{i}.")).collect(),
        }];
        let a = synthesise(0, &bases, 10);
        let b = synthesise(1, &bases, 10);
        assert_eq!(a.story_id, b.story_id);
        assert_ne!(a.body, b.body);
        assert!(a.date < b.date);
        assert_eq!(synthesise(1, &bases, 10).body, b.body, "deterministic");
    }
}
