//! The extraction benchmark runner behind `tidings bench extract`.
//!
//! It reads `DATASET_DIR/ground-truth.jsonl`, taking only each line's `id` and `html` (the
//! gzipped page's path relative to the dataset directory; the `body` field is never read),
//! extracts every page on the calling thread, and writes one `{"id", "body"}` line per page
//! for the dataset's `score.py`. Pages are decompressed before the clock starts; each page's
//! time is the best of `repeats` runs, which filters out noise from other processes.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Options;

/// Why a benchmark run failed.
#[derive(Debug, Error)]
pub enum BenchError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A ground-truth line is not the expected JSON.
    #[error("{path}:{line}: {source}")]
    Json {
        /// The ground-truth file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// The error.
        source: serde_json::Error,
    },
}

/// What a benchmark run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Pages extracted.
    pub pages: usize,
    /// Pages whose extracted body is empty.
    pub empty: usize,
    /// Pages for which `extract` returned an error (written as empty bodies).
    pub errors: usize,
    /// Pages extracted with a confidence below 0.4 (judged not to be articles).
    pub low_confidence: usize,
    /// Median time per page, milliseconds.
    pub median_ms: f64,
    /// 99th percentile time per page, milliseconds.
    pub p99_ms: f64,
    /// Mean time per page, milliseconds.
    pub mean_ms: f64,
    /// Throughput: page megabytes (10^6 bytes) per second of extraction.
    pub mb_per_s: f64,
    /// Process CPU time (user + system) per page and run, milliseconds, from /proc.
    pub cpu_ms_per_page: Option<f64>,
    /// Peak resident memory of the process (VmHWM), kibibytes, from /proc.
    pub peak_rss_kib: Option<u64>,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pages {}  empty {}  errors {}  low-confidence {}  median {:.3} ms  p99 {:.3} ms  mean {:.3} ms  {:.1} MB/s",
            self.pages,
            self.empty,
            self.errors,
            self.low_confidence,
            self.median_ms,
            self.p99_ms,
            self.mean_ms,
            self.mb_per_s
        )?;
        if let Some(cpu) = self.cpu_ms_per_page {
            write!(f, "  cpu {cpu:.3} ms/page")?;
        }
        if let Some(kib) = self.peak_rss_kib {
            write!(f, "  peak RSS {:.1} MiB", kib as f64 / 1024.0)?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    html: String,
}

#[derive(Serialize)]
struct Prediction<'a> {
    id: &'a str,
    body: &'a str,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs the benchmark over `dataset_dir`, writing predictions to `out`, each page extracted
/// once.
pub fn run(dataset_dir: &Path, out: &Path) -> Result<BenchReport, BenchError> {
    run_with(dataset_dir, out, 1)
}

/// Like [`run`], extracting each page `repeats` times (at least once) and timing the fastest
/// run, which filters out noise from other processes on the machine.
pub fn run_with(dataset_dir: &Path, out: &Path, repeats: usize) -> Result<BenchReport, BenchError> {
    let gt_path = dataset_dir.join("ground-truth.jsonl");
    let gt = BufReader::new(File::open(&gt_path).map_err(io(&gt_path))?);
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, line) in gt.lines().enumerate() {
        let line = line.map_err(io(&gt_path))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry = serde_json::from_str(&line).map_err(|source| BenchError::Json {
            path: gt_path.clone(),
            line: n + 1,
            source,
        })?;
        let page_path = dataset_dir.join(&entry.html);
        let file = File::open(&page_path).map_err(io(&page_path))?;
        let mut html = Vec::new();
        if entry.html.ends_with(".gz") {
            flate2::read::GzDecoder::new(file)
                .read_to_end(&mut html)
                .map_err(io(&page_path))?;
        } else {
            BufReader::new(file)
                .read_to_end(&mut html)
                .map_err(io(&page_path))?;
        }
        pages.push((entry.id, html));
    }

    let options = Options::default();
    let repeats = repeats.max(1);
    let mut times = Vec::with_capacity(pages.len());
    let mut bodies = Vec::with_capacity(pages.len());
    let mut errors = 0;
    let mut low_confidence = 0;
    let cpu_before = process_cpu_ms();
    for (_, html) in &pages {
        let mut best = f64::INFINITY;
        let mut body = String::new();
        let mut failed = false;
        let mut confidence = 0.0;
        for _ in 0..repeats {
            let start = Instant::now();
            let result = crate::extract_with(html, None, None, &options);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            best = best.min(ms);
            (body, failed) = match result {
                Ok(e) => {
                    confidence = e.confidence;
                    (e.text, false)
                }
                Err(_) => (String::new(), true),
            };
        }
        errors += usize::from(failed);
        low_confidence += usize::from(confidence < 0.4);
        times.push(best);
        bodies.push(body);
    }
    let cpu_after = process_cpu_ms();

    let mut writer = BufWriter::new(File::create(out).map_err(io(out))?);
    for ((id, _), body) in pages.iter().zip(&bodies) {
        let line =
            serde_json::to_string(&Prediction { id, body }).map_err(|source| BenchError::Json {
                path: out.to_path_buf(),
                line: 0,
                source,
            })?;
        writeln!(writer, "{line}").map_err(io(out))?;
    }
    writer.flush().map_err(io(out))?;

    let total_bytes: usize = pages.iter().map(|(_, h)| h.len()).sum();
    let total_ms: f64 = times.iter().sum();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let pct = |p: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
        sorted[rank - 1]
    };
    Ok(BenchReport {
        pages: n,
        empty: bodies.iter().filter(|b| b.trim().is_empty()).count(),
        errors,
        low_confidence,
        median_ms: pct(0.5),
        p99_ms: pct(0.99),
        mean_ms: if n == 0 { 0.0 } else { total_ms / n as f64 },
        mb_per_s: if total_ms > 0.0 {
            total_bytes as f64 / 1e6 / (total_ms / 1000.0)
        } else {
            0.0
        },
        cpu_ms_per_page: match (cpu_before, cpu_after) {
            (Some(a), Some(b)) if n > 0 => Some((b - a) / (n * repeats) as f64),
            _ => None,
        },
        peak_rss_kib: peak_rss_kib(),
    })
}

/// User + system CPU time of this process in milliseconds, from `/proc/self/stat`.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Linux reports clock ticks; USER_HZ is 100 on every mainstream configuration.
    Some((utime + stime) * 10.0)
}

/// Peak resident set size (VmHWM) of this process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}
