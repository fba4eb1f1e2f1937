//! Benchmark entry points for `tidings bench feeds|dates`: run the parser over the conformance
//! corpus (`../shared/bench/feeds`) and write the output schema `score.py` reads. Only each
//! record's `file` and `input` are read from `expectations.jsonl`, never its expected values.

use crate::DocumentInfo;
use crate::date::parse_date;
use crate::feed::parse_raw;
use crate::raw::RawFeed;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A line of the input was not the expected JSON.
    #[error("{path} line {line}: {message}")]
    Input {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
}

/// Figures from [`run_feeds`].
#[derive(Debug, Clone, PartialEq)]
pub struct FeedsReport {
    /// Documents parsed.
    pub files: usize,
    /// Documents the parser refused.
    pub errors: usize,
    /// Total input size in bytes.
    pub bytes: usize,
    /// Whole corpus, parse only: best run, files per second.
    pub files_per_sec_best: f64,
    /// Whole corpus, parse only: median run, files per second.
    pub files_per_sec_median: f64,
    /// The largest document's name and size, and MB/s on it (best, median).
    pub large_file: Option<(String, usize, f64, f64)>,
}

/// Figures from [`run_dates`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatesReport {
    /// Date strings read.
    pub inputs: usize,
    /// Those parsed to an instant.
    pub parsed: usize,
}

struct Doc {
    file: String,
    bytes: Vec<u8>,
    url: Option<String>,
    content_type: Option<String>,
    content_location: Option<String>,
    content_language: Option<String>,
}

impl Doc {
    fn info(&self) -> DocumentInfo<'_> {
        DocumentInfo {
            url: self.url.as_deref(),
            content_type: self.content_type.as_deref(),
            content_location: self.content_location.as_deref(),
            content_language: self.content_language.as_deref(),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn iso(t: Option<i64>) -> Value {
    let Some(t) = t else { return Value::Null };
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // civil_from_days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Value::String(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

fn output_line(file: &str, result: &Result<RawFeed, crate::FeedError>) -> Value {
    match result {
        Err(e) => {
            json!({"file": file, "feed": {"title": null, "link": null}, "entries": [], "error": e.to_string()})
        }
        Ok(f) => {
            let entries: Vec<Value> = f
                .entries
                .iter()
                .map(|e| {
                    json!({
                        "title": e.title,
                        "link": e.link,
                        "id": e.id,
                        "published": iso(e.published),
                        "updated": iso(e.updated),
                        "author": e.authors.first(),
                        "summary": e.summary.as_ref().map(|b| &b.value),
                        "content": e.content.as_ref().map(|b| &b.value),
                        "enclosures": e.enclosures,
                        "categories": e.categories,
                    })
                })
                .collect();
            json!({"file": file, "feed": {"title": f.title, "link": f.link}, "entries": entries})
        }
    }
}

fn read_corpus(dataset_dir: &Path) -> Result<Vec<Doc>, BenchError> {
    let path = dataset_dir.join("expectations.jsonl");
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let mut docs = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |message: String| BenchError::Input {
            path: path.clone(),
            line: i + 1,
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let file = v
            .get("file")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no `file`".into()))?
            .to_string();
        let input = v.get("input").cloned().unwrap_or(Value::Null);
        let header = |k: &str| {
            input
                .get("headers")
                .and_then(|h| h.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let fpath = dataset_dir.join(&file);
        let bytes = std::fs::read(&fpath).map_err(io(&fpath))?;
        docs.push(Doc {
            url: input.get("url").and_then(Value::as_str).map(str::to_string),
            content_type: header("content-type"),
            content_location: header("content-location"),
            content_language: header("content-language"),
            file,
            bytes,
        });
    }
    Ok(docs)
}

fn best_and_median(mut runs: Vec<f64>) -> (f64, f64) {
    runs.sort_by(f64::total_cmp);
    let best = runs.last().copied().unwrap_or(0.0);
    let median = runs.get(runs.len() / 2).copied().unwrap_or(0.0);
    (best, median)
}

/// Parses every document of `dataset_dir/expectations.jsonl`, writes one output line per
/// document to `out`, and times parsing (best and median of 8 runs over the corpus; MB/s on
/// the largest document, best and median of 30 runs).
pub fn run_feeds(dataset_dir: &Path, out: &Path) -> Result<FeedsReport, BenchError> {
    let docs = read_corpus(dataset_dir)?;
    let mut lines = Vec::with_capacity(docs.len());
    let mut errors = 0;
    for d in &docs {
        let r = parse_raw(&d.bytes, &d.info());
        errors += usize::from(r.is_err());
        lines.push(output_line(&d.file, &r));
    }
    if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).map_err(io(out))?);
    for l in &lines {
        writeln!(w, "{l}").map_err(io(out))?;
    }
    w.flush().map_err(io(out))?;

    let mut runs = Vec::new();
    for _ in 0..8 {
        let start = Instant::now();
        for d in &docs {
            std::hint::black_box(parse_raw(std::hint::black_box(&d.bytes), &d.info()).is_ok());
        }
        runs.push(docs.len() as f64 / start.elapsed().as_secs_f64());
    }
    let (files_best, files_median) = best_and_median(runs);
    let large_file = docs.iter().max_by_key(|d| d.bytes.len()).map(|d| {
        let mut runs = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            std::hint::black_box(parse_raw(std::hint::black_box(&d.bytes), &d.info()).is_ok());
            runs.push(d.bytes.len() as f64 / 1e6 / start.elapsed().as_secs_f64());
        }
        let (b, m) = best_and_median(runs);
        (d.file.clone(), d.bytes.len(), b, m)
    });
    Ok(FeedsReport {
        files: docs.len(),
        errors,
        bytes: docs.iter().map(|d| d.bytes.len()).sum(),
        files_per_sec_best: files_best,
        files_per_sec_median: files_median,
        large_file,
    })
}

/// Parses the `input` of every line of `dates_jsonl` and writes `{"input","utc"}` lines.
pub fn run_dates(dates_jsonl: &Path, out: &Path) -> Result<DatesReport, BenchError> {
    let text = std::fs::read_to_string(dates_jsonl).map_err(io(dates_jsonl))?;
    let mut lines = Vec::new();
    let mut parsed = 0;
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line).map_err(|e| BenchError::Input {
            path: dates_jsonl.to_path_buf(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let input = v.get("input").and_then(Value::as_str).unwrap_or_default();
        let utc = parse_date(input);
        parsed += usize::from(utc.is_some());
        lines.push(json!({"input": input, "utc": iso(utc)}));
    }
    if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut body = String::new();
    for l in &lines {
        body.push_str(&l.to_string());
        body.push('\n');
    }
    std::fs::write(out, body).map_err(io(out))?;
    Ok(DatesReport {
        inputs: lines.len(),
        parsed,
    })
}
