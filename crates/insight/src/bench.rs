//! The summary benchmark: reads story clusters as JSON Lines
//! (`{"cluster_id","articles":[{"id","title","body"}]}`), summarises each with the
//! default parameters and writes `{"cluster_id","summary"}` lines for the set's
//! `score.py`. A `reference` field in the input is never read (the record type does not
//! declare it). It also times summaries of 10-article stories made of consecutive
//! articles of the file, the figure the design budgets.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::article::StoryArticle;
use crate::summary::{SummaryOptions, SummaryParams, summarize};

/// Errors of [`run`].
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Reading the input or writing the output failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file concerned.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An input line is not a valid cluster record.
    #[error("line {line}: {source}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// The underlying error.
        source: serde_json::Error,
    },
}

/// What a benchmark run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryReport {
    /// Clusters summarised.
    pub clusters: usize,
    /// Articles read.
    pub articles: usize,
    /// Mean summary length in whitespace words.
    pub mean_words: f64,
    /// Mean milliseconds per cluster summary.
    pub mean_ms: f64,
    /// The slowest cluster, in milliseconds.
    pub max_ms: f64,
    /// Mean milliseconds per summary of a 10-article story (consecutive articles of the
    /// file grouped by ten), or `None` when the file has fewer than ten articles.
    pub ten_article_ms: Option<f64>,
}

impl std::fmt::Display for SummaryReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} clusters ({} articles), mean {:.1} words, {:.2} ms/cluster (max {:.2}), 10-article story {}",
            self.clusters,
            self.articles,
            self.mean_words,
            self.mean_ms,
            self.max_ms,
            self.ten_article_ms
                .map_or_else(|| "n/a".to_string(), |m| format!("{m:.2} ms"))
        )
    }
}

/// One input article.
#[derive(Debug, Deserialize)]
struct InArticle {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    published: Option<i64>,
}

/// One input cluster; `reference` is deliberately absent.
#[derive(Debug, Deserialize)]
struct Record {
    cluster_id: String,
    #[serde(default)]
    articles: Vec<InArticle>,
}

#[derive(Serialize)]
struct Output<'a> {
    cluster_id: &'a str,
    summary: String,
}

/// Runs the benchmark from `input` to `out` with summaries of at least `words` words.
pub fn run(input: &Path, out: &Path, words: usize) -> Result<SummaryReport, BenchError> {
    run_with(input, out, words, SummaryParams::default())
}

/// [`run`] with explicit parameters (for tuning experiments).
pub fn run_with(
    input: &Path,
    out: &Path,
    words: usize,
    params: SummaryParams,
) -> Result<SummaryReport, BenchError> {
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| BenchError::Io { path, source }
    };
    let reader = BufReader::new(File::open(input).map_err(io(input))?);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut writer = BufWriter::new(File::create(out).map_err(io(out))?);
    let options = SummaryOptions {
        words,
        params,
        ..Default::default()
    };
    let (mut clusters, mut total_words, mut spent, mut max_ms) = (0usize, 0usize, 0.0f64, 0.0f64);
    let mut all: Vec<StoryArticle> = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(io(input))?;
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(&line).map_err(|source| BenchError::Json {
            line: n + 1,
            source,
        })?;
        let articles: Vec<StoryArticle> = r
            .articles
            .into_iter()
            .enumerate()
            .map(|(k, a)| StoryArticle {
                id: match a.id {
                    Some(serde_json::Value::String(s)) => s,
                    Some(v) => v.to_string(),
                    None => k.to_string(),
                },
                title: a.title,
                body: a.body.unwrap_or_default(),
                published: a.published,
                ..Default::default()
            })
            .collect();
        let start = Instant::now();
        let summary = summarize(&articles, &options).long_text();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        spent += ms;
        max_ms = max_ms.max(ms);
        clusters += 1;
        total_words += summary.split_whitespace().count();
        let line = serde_json::to_string(&Output {
            cluster_id: &r.cluster_id,
            summary,
        })
        .map_err(|source| BenchError::Json {
            line: n + 1,
            source,
        })?;
        writeln!(writer, "{line}").map_err(io(out))?;
        all.extend(articles);
    }
    writer.flush().map_err(io(out))?;
    let chunks: Vec<&[StoryArticle]> = all.chunks_exact(10).collect();
    let ten_article_ms = (!chunks.is_empty()).then(|| {
        let start = Instant::now();
        for c in &chunks {
            std::hint::black_box(summarize(c, &options));
        }
        start.elapsed().as_secs_f64() * 1000.0 / chunks.len() as f64
    });
    let per = clusters.max(1) as f64;
    Ok(SummaryReport {
        clusters,
        articles: all.len(),
        mean_words: total_words as f64 / per,
        mean_ms: spent / per,
        max_ms,
        ten_article_ms,
    })
}
