//! The clustering benchmark: reads articles as JSON Lines in order, assigns
//! each with a [`Clusterer`] using the default parameters, and writes
//! `{"id","cluster"}` lines. The gold `cluster` field of the input is never
//! read (the record type does not even declare it).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::cluster::{ArticleInput, ClusterParams, Clusterer};

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
    /// An input line is not a valid article record.
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
pub struct ClusterReport {
    /// Articles processed.
    pub articles: usize,
    /// Distinct stories assigned.
    pub stories: u64,
    /// Wall-clock seconds spent in the clusterer only.
    pub cluster_seconds: f64,
    /// Articles per second through the clusterer.
    pub articles_per_sec: f64,
    /// Peak resident set size in KiB (`VmHWM`), where `/proc` has it.
    pub peak_rss_kib: Option<u64>,
    /// Articles per second of CPU time the benchmark thread used for the
    /// whole loop (reading and writing the lines included), where `/proc`
    /// has it: unlike `articles_per_sec` it does not drop when other
    /// processes take the core.
    #[serde(default)]
    pub articles_per_cpu_sec: Option<f64>,
}

/// One input record; `cluster` is deliberately absent.
#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    published: Option<serde_json::Value>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Serialize)]
struct Output<'a> {
    id: &'a str,
    cluster: u64,
}

/// Runs the benchmark from `input` to `out` (parent directories are
/// created).
pub fn run(input: &Path, out: &Path) -> Result<ClusterReport, BenchError> {
    run_with(input, out, ClusterParams::default())
}

/// [`run`] with explicit parameters (for tuning experiments).
pub fn run_with(
    input: &Path,
    out: &Path,
    params: ClusterParams,
) -> Result<ClusterReport, BenchError> {
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| BenchError::Io { path, source }
    };
    let reader = BufReader::new(File::open(input).map_err(io(input))?);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut writer = BufWriter::new(File::create(out).map_err(io(out))?);
    let mut clusterer = Clusterer::new(params);
    clusterer.set_tracing(std::env::var_os("TIDINGS_CLUSTER_TRACE").is_some());
    let mut spent = std::time::Duration::ZERO;
    let cpu_start = thread_cpu_ns();
    let mut articles = 0;
    let trace = std::env::var_os("TIDINGS_CLUSTER_TRACE").is_some();
    let mut max_story = None;
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(io(input))?;
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(&line).map_err(|source| BenchError::Json {
            line: n + 1,
            source,
        })?;
        let article = ArticleInput {
            id: r.id,
            title: r.title,
            body: r.body.unwrap_or_default(),
            published: r.published.as_ref().and_then(serde_json::Value::as_i64),
            source: r.source,
            language: r.lang,
        };
        let start = Instant::now();
        let story = clusterer.assign(&article);
        spent += start.elapsed();
        if trace {
            for d in clusterer.last_candidates() {
                eprintln!(
                    "CAND {} {} {:?} {:.4} {:.4} {:.4} {:.4} {} {} {}",
                    article.id,
                    story.0,
                    d.best.map(|b| b.0),
                    d.text,
                    d.entities,
                    d.coverage,
                    d.novelty,
                    d.story_size,
                    d.terms,
                    d.passages
                );
            }
        }
        if trace {
            let d = clusterer.last_decision();
            eprintln!(
                "TRACE {} {} {:?} {:.3} {:.3} {:.3} {} {:.3}",
                article.id,
                story.0,
                d.best.map(|b| b.0),
                d.score,
                d.text,
                d.entities,
                d.joined,
                d.coverage
            );
        }
        articles += 1;
        max_story = max_story.max(Some(story.0));
        let rec = serde_json::to_string(&Output {
            id: &article.id,
            cluster: story.0,
        })
        .map_err(|source| BenchError::Json {
            line: n + 1,
            source,
        })?;
        writeln!(writer, "{rec}").map_err(io(out))?;
    }
    writer.flush().map_err(io(out))?;
    let cpu_secs = thread_cpu_ns()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start) as f64 / 1e9);
    let secs = spent.as_secs_f64();
    Ok(ClusterReport {
        articles,
        stories: max_story.map_or(0, |m| m + 1),
        cluster_seconds: secs,
        articles_per_sec: if secs > 0.0 {
            articles as f64 / secs
        } else {
            0.0
        },
        peak_rss_kib: peak_rss_kib(),
        articles_per_cpu_sec: cpu_secs.filter(|&c| c > 0.0).map(|c| articles as f64 / c),
    })
}

/// CPU time of the calling thread in nanoseconds (the first field of
/// `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// `VmHWM` (peak resident set) from `/proc/self/status`, in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM:")
}

/// `VmRSS` (current resident set) from `/proc/self/status`, in KiB.
pub fn rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS:")
}

fn proc_status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// What a replay run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayReport {
    /// Articles assigned.
    pub articles: usize,
    /// Articles per second through the clusterer.
    pub articles_per_sec: f64,
    /// Most active stories at any time.
    pub peak_active_stories: usize,
    /// Active stories at the end.
    pub final_active_stories: usize,
    /// Terms in the document-frequency table at the end.
    pub vocabulary: usize,
    /// `(articles so far, current RSS in KiB)` at regular checkpoints.
    pub rss_checkpoints: Vec<(usize, u64)>,
}

/// Replays the articles of `input` `copies` times as one stream, one
/// article every `step_secs` seconds of publication time, to show that the
/// clusterer's memory stays flat once the stream is longer than the
/// active window. Nothing is written.
pub fn replay(
    input: &Path,
    copies: usize,
    step_secs: i64,
    params: ClusterParams,
) -> Result<ReplayReport, BenchError> {
    let path = input.display().to_string();
    let text = std::fs::read_to_string(input).map_err(|source| BenchError::Io { path, source })?;
    let mut base = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let r: Record = serde_json::from_str(line).map_err(|source| BenchError::Json {
            line: n + 1,
            source,
        })?;
        base.push(ArticleInput {
            id: r.id,
            title: r.title,
            body: r.body.unwrap_or_default(),
            published: None,
            source: r.source,
            language: r.lang,
        });
    }
    let total = base.len() * copies;
    let every = (total / 20).max(1);
    let mut clusterer = Clusterer::new(params);
    let mut report = ReplayReport {
        articles: 0,
        articles_per_sec: 0.0,
        peak_active_stories: 0,
        final_active_stories: 0,
        vocabulary: 0,
        rss_checkpoints: Vec::new(),
    };
    let mut spent = std::time::Duration::ZERO;
    let mut t = 0i64;
    for _ in 0..copies {
        for a in &base {
            let mut a = a.clone();
            a.published = Some(t);
            t += step_secs;
            let start = Instant::now();
            clusterer.assign(&a);
            spent += start.elapsed();
            report.articles += 1;
            report.peak_active_stories = report.peak_active_stories.max(clusterer.active_stories());
            if report.articles.is_multiple_of(every) {
                report
                    .rss_checkpoints
                    .push((report.articles, rss_kib().unwrap_or(0)));
            }
        }
    }
    let secs = spent.as_secs_f64();
    report.articles_per_sec = if secs > 0.0 {
        report.articles as f64 / secs
    } else {
        0.0
    };
    report.final_active_stories = clusterer.active_stories();
    report.vocabulary = clusterer.vocabulary();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_keeps_stories_bounded() {
        let dir = std::env::temp_dir().join(format!("tidings-replay-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let input = dir.join("in.jsonl");
        let lines: Vec<String> = (0..50)
            .map(|i| format!(r#"{{"id":"a{i}","title":"Event {i}","body":"word{i} other{i} thing{i}","lang":"en"}}"#))
            .collect();
        std::fs::write(&input, lines.join("\n")).expect("write input");
        let params = ClusterParams {
            window_secs: 3600,
            ..ClusterParams::default()
        };
        let r = replay(&input, 20, 60, params).expect("replay runs");
        assert_eq!(r.articles, 1000);
        // One article a minute, a one-hour window, eviction every 64 articles.
        assert!(r.peak_active_stories <= 60 + 64, "{r:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn runs_on_a_small_file_and_ignores_cluster() {
        let dir = std::env::temp_dir().join(format!("tidings-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let input = dir.join("in.jsonl");
        let lines = [
            r#"{"id":"a","title":"Quake hits Chile","body":"A magnitude 6 quake hit Iquique, Chile.","published":null,"source":null,"lang":"en","cluster":"x"}"#,
            r#"{"id":"b","title":null,"body":"Chile quake: magnitude 6 tremor hits Iquique.","cluster":"x"}"#,
        ];
        std::fs::write(&input, lines.join("\n")).expect("write input");
        let out = dir.join("sub/out.jsonl");
        let report = run(&input, &out).expect("bench runs");
        assert_eq!(report.articles, 2);
        let written = std::fs::read_to_string(&out).expect("output");
        assert_eq!(written.lines().count(), 2);
        assert!(written.starts_with(r#"{"id":"a","cluster":0}"#));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
