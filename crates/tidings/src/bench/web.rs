//! `tidings bench web`: the page speed targets of the reader's site, measured with `wrk`.
//!
//! The benchmark builds (or, with `--reuse`, reopens) an SQLite data directory of 100,000
//! articles in placed stories (see [`super::web_data`]), then starts this same binary as a
//! child (`bench web --serve`) so that the server's memory is measured alone. The child
//! serves the site as `tidings serve --no-workers` would (the page cache and its revision
//! watcher included) plus one bench-only route, `/bench/static`: a page of exactly the
//! article page's size, held in memory, the yardstick the targets compare with (and
//! `/bench/static-front`, one of the front page's size). `wrk` then runs on the static page,
//! the front page, an article page and the second static page in turn, and the report gives
//! each one's requests per second, p99 latency, ratio to the static page, errors, and the
//! server's resident memory afterwards.

use crate::cli::WebBenchArgs;
use anyhow::{Context, bail};
use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use tidings_store::{Store, StoreOptions};
use tidings_web::AppState;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The static page (the article page's size), set once before the child announces its
/// address.
static STATIC_PAGE: OnceLock<Bytes> = OnceLock::new();
/// A second static page, of the front page's size: the front page is bigger than an article
/// page, so the report also compares it with a static page of its own size.
static STATIC_FRONT: OnceLock<Bytes> = OnceLock::new();

/// The line the child prints when it serves.
const READY: &str = "bench server listening on ";

/// Runs the benchmark (or, with `--serve`, the child's server).
pub async fn run(args: WebBenchArgs) -> anyhow::Result<()> {
    if args.serve {
        return serve(&args).await;
    }
    let db = args.dir.join("tidings.db");
    let build = !(args.reuse && db.exists());
    if build {
        // A wrong --dir is refused first, whatever else is missing.
        tidings_search::bench_dir::check_bench_dir(&args.dir)?;
    }
    // Checked before anything is deleted: a run that cannot measure keeps the last run's data.
    which("wrk").context(
        "`wrk` is not on PATH: install it (Debian: apt-get install wrk) to run this benchmark",
    )?;
    if build {
        // Only a directory an earlier run made (or a new or empty one) is emptied.
        tidings_search::bench_dir::prepare_bench_dir(&args.dir)?;
        let store = open(&args.dir).await?;
        super::web_data::build(&store, &args.corpora, args.articles).await?;
        store.close().await;
    } else {
        println!("reusing {}", db.display());
    }

    let article_path = pick_article(&args.dir).await?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["bench", "web", "--serve", "--dir"])
        .arg(&args.dir)
        .args(["--article-path", &article_path])
        .env("TIDINGS_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the bench server")?;
    let result = measure(&args, &mut child, &article_path).await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// Runs wrk on the three pages against the child and prints the report.
async fn measure(args: &WebBenchArgs, child: &mut Child, article_path: &str) -> anyhow::Result<()> {
    let stdout = child.stdout.take().context("the bench server's output")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let Some(line) = lines.next() else {
            bail!("the bench server stopped before it served");
        };
        if let Some(addr) = line?.strip_prefix(READY) {
            break addr.trim().to_string();
        }
    };
    let base = format!("http://{addr}");
    let pages = [
        ("static", "/bench/static".to_string()),
        ("front", "/".to_string()),
        ("article", article_path.to_string()),
        ("static-front-size", "/bench/static-front".to_string()),
    ];
    for (name, path) in &pages {
        let (status, body) = http_get(&addr, path).await?;
        println!("{name:8} {path}: {status}, {} bytes", body.len());
    }
    let mut results = Vec::new();
    for (name, path) in &pages {
        let run = wrk(args, &format!("{base}{path}"))?;
        println!(
            "{name:8} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  non-2xx {}  socket errors {}",
            run.rps, run.p50_ms, run.p99_ms, run.non_2xx, run.socket_errors
        );
        results.push((*name, run));
    }
    let rss = rss_mib(child.id());
    let static_rps = results[0].1.rps.max(1e-9);
    println!();
    println!(
        "wrk -t1 -c{} -d{}s --latency, {} articles, server pid {}",
        args.connections,
        args.duration_secs,
        args.articles,
        child.id()
    );
    println!("| page | req/s | % of static | p99 ms | non-2xx | socket errors |");
    println!("|---|---|---|---|---|---|");
    for (name, run) in &results {
        println!(
            "| {name} | {:.0} | {:.0} % | {:.2} | {} | {} |",
            run.rps,
            100.0 * run.rps / static_rps,
            run.p99_ms,
            run.non_2xx,
            run.socket_errors
        );
    }
    if let [_, (_, front), _, (_, same_size)] = results.as_slice() {
        println!(
            "front page vs a static page of its own size: {:.0} %",
            100.0 * front.rps / same_size.rps.max(1e-9)
        );
    }
    match rss {
        Some(mib) => println!("server RSS after the runs: {mib:.1} MiB"),
        None => println!("server RSS after the runs: unknown (no /proc)"),
    }
    Ok(())
}

/// One wrk run's figures.
#[derive(Debug, Default)]
struct WrkRun {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    socket_errors: u64,
}

/// Runs `wrk -t1 -cN -dS --latency URL` and reads its report.
fn wrk(args: &WebBenchArgs, url: &str) -> anyhow::Result<WrkRun> {
    let out = Command::new("wrk")
        .arg("-t1")
        .arg(format!("-c{}", args.connections))
        .arg(format!("-d{}s", args.duration_secs))
        .arg("--latency")
        .arg(url)
        .output()
        .context("cannot run wrk")?;
    if !out.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(parse_wrk(&String::from_utf8_lossy(&out.stdout)))
}

/// Reads wrk's text report: `Requests/sec:`, the latency distribution, and error lines.
fn parse_wrk(report: &str) -> WrkRun {
    let mut run = WrkRun::default();
    for line in report.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            run.rps = v.trim().parse().unwrap_or(0.0);
        } else if let Some(v) = line.strip_prefix("50%") {
            run.p50_ms = duration_ms(v.trim()).unwrap_or(f64::NAN);
        } else if let Some(v) = line.strip_prefix("99%") {
            run.p99_ms = duration_ms(v.trim()).unwrap_or(f64::NAN);
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            run.non_2xx = v.trim().parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            run.socket_errors = v
                .split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum();
        }
    }
    run
}

/// A wrk duration (`812.00us`, `2.31ms`, `1.02s`) in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(value / 1_000.0),
        "ms" => Some(value),
        "s" => Some(value * 1_000.0),
        "m" => Some(value * 60_000.0),
        _ => None,
    }
}

/// The server's resident memory, from `/proc/PID/status`.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Whether a program is on PATH.
fn which(program: &str) -> anyhow::Result<()> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|dir| dir.join(program).is_file()) {
        Ok(())
    } else {
        bail!("{program} not found")
    }
}

async fn open(dir: &Path) -> anyhow::Result<Store> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("tidings.db").display());
    Store::open(&url, StoreOptions::default())
        .await
        .with_context(|| format!("cannot open {url}"))
}

/// The path of an article page to measure: the lead article of the most recent story.
async fn pick_article(dir: &Path) -> anyhow::Result<String> {
    let store = open(dir).await?;
    let story = store
        .stories()
        .recent(0, 1)
        .await?
        .into_iter()
        .next()
        .context("the bench database has no stories")?;
    let lead = story.lead_article_id.context("a story without a lead")?;
    let listing = store
        .articles()
        .get(lead)
        .await?
        .context("the lead article is missing")?;
    store.close().await;
    Ok(format!(
        "/article/{lead}/{}",
        tidings_web::slugify(&listing.article.content.title)
    ))
}

/// The child: the site over the bench database, plus `/bench/static`, until killed.
async fn serve(args: &WebBenchArgs) -> anyhow::Result<()> {
    let store = open(&args.dir).await?;
    let mut state = AppState::new(store.clone());
    state.site_name = "Tidings".into();
    let watcher = state.page_cache.watch(
        store.clone(),
        tidings_web::page_cache::DEFAULT_POLL_INTERVAL,
    );
    let bench_routes = Router::new()
        .route("/bench/static", get(static_page))
        .route("/bench/static-front", get(static_front))
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let app = tidings_web::router(state).merge(bench_routes);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // Served as `tidings serve` serves: connections without Nagle's delay, through the
    // server with its header timeout and connection cap at their defaults.
    let listener = tidings_web::without_nagle(listener);
    tokio::spawn(tidings_web::serve_app(
        listener,
        app,
        tidings_web::ServerLimits::default(),
        std::future::pending(),
    ));

    // The yardstick: a page as big as the article page, made once.
    let path = args
        .article_path
        .as_deref()
        .context("--serve needs --article-path")?;
    let (status, article) = http_get(&addr.to_string(), path).await?;
    if status != 200 {
        bail!("the article page answered {status}");
    }
    let _ = STATIC_PAGE.set(filler_page(article.len()));
    let (_, front) = http_get(&addr.to_string(), "/").await?;
    let _ = STATIC_FRONT.set(filler_page(front.len()));
    println!("{READY}{addr}");
    std::future::pending::<()>().await;
    watcher.abort();
    Ok(())
}

async fn static_page() -> impl axum::response::IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        STATIC_PAGE.get().cloned().unwrap_or_default(),
    )
}

async fn static_front() -> impl axum::response::IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        STATIC_FRONT.get().cloned().unwrap_or_default(),
    )
}

/// An HTML page of exactly `size` bytes.
fn filler_page(size: usize) -> Bytes {
    let head = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Static</title></head><body>";
    let tail = "</body></html>";
    let mut page = String::with_capacity(size);
    page.push_str(head);
    let line =
        "<p>The council approved the harbour plan late on Tuesday after a long debate.</p>\n";
    while page.len() + line.len() + tail.len() <= size {
        page.push_str(line);
    }
    while page.len() + tail.len() < size {
        page.push(' ');
    }
    page.push_str(tail);
    Bytes::from(page)
}

/// A plain HTTP/1.1 GET on loopback: the status and the body (identity encoding).
async fn http_get(addr: &str, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut response))
        .await
        .context("the bench server did not answer")??;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    let body = response[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Ok((status, dechunk(&body)));
    }
    Ok((status, body))
}

/// The body of a chunked response.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = data.get(end + 2..).unwrap_or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_reports_are_read() {
        let report = "Running 15s test @ http://127.0.0.1:1/\n  1 threads and 64 connections\n\
            Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
            Latency     1.20ms  300.00us   9.00ms   90.00%\n\
            Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     90%    1.50ms\n\
                 99%    2.31ms\n  600000 requests in 15.00s, 7.00GB read\n\
              Socket errors: connect 0, read 2, write 1, timeout 0\n\
              Non-2xx or 3xx responses: 5\nRequests/sec:  40000.12\nTransfer/sec:    470.00MB\n";
        let run = parse_wrk(report);
        assert!((run.rps - 40000.12).abs() < 1e-6);
        assert!((run.p50_ms - 0.812).abs() < 1e-9);
        assert!((run.p99_ms - 2.31).abs() < 1e-9);
        assert_eq!((run.non_2xx, run.socket_errors), (5, 3));
        assert_eq!(duration_ms("1.5s"), Some(1500.0));
    }

    #[test]
    fn the_static_page_has_the_size_asked_and_chunks_join() {
        for size in [200, 20_000, 20_001] {
            assert_eq!(filler_page(size).len(), size);
        }
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }
}
