//! `tidings bench workers`: how the ingest rate grows with the number of `tidings worker`
//! processes on one PostgreSQL database. For each count, a fresh database is created next to
//! the one given, filled with the sources of the loopback bench web, and that many worker
//! processes (this binary) ingest it end to end — feeds fetched and parsed, pages fetched and
//! extracted, stories placed; the times until every article is stored and until everything
//! is placed are printed, and the database dropped.

use super::ingest_web;
use crate::cli::WorkersBenchArgs;
use anyhow::Context;
use sqlx::Executor;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tidings_pipeline::Task;
use tidings_store::{NewSource, Store, StoreOptions};

/// Worker processes, killed when dropped.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(crate) async fn run(args: WorkersBenchArgs) -> anyhow::Result<()> {
    let web = ingest_web::start(args.entries).await?;
    let binary = std::env::current_exe().context("cannot find this binary")?;
    let expected = (args.feeds * args.entries) as i64;
    println!(
        "{} feeds × {} entries{} from http://{}, {} jobs at once per process",
        args.feeds,
        args.entries,
        if args.no_pages {
            ""
        } else {
            " and their pages"
        },
        web.addr,
        args.jobs
    );
    println!("processes  stored after  all placed after  stored/s  end-to-end/s");
    for &processes in &args.processes {
        let name = format!("tidings_bench_workers_{}_{processes}", std::process::id());
        let url = database_next_to(&args.postgres, &name)?;
        admin(&args.postgres, &format!("CREATE DATABASE \"{name}\"")).await?;
        let result = one_run(&args, &web, &binary, &url, processes, expected).await;
        admin(
            &args.postgres,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await?;
        let (stored, done) = result?;
        println!(
            "{processes:>9}  {:>10.2} s  {:>14.2} s  {:>8.0}  {:>12.0}",
            stored.as_secs_f64(),
            done.as_secs_f64(),
            expected as f64 / stored.as_secs_f64(),
            expected as f64 / done.as_secs_f64()
        );
    }
    Ok(())
}

async fn one_run(
    args: &WorkersBenchArgs,
    web: &ingest_web::BenchWeb,
    binary: &std::path::Path,
    url: &str,
    processes: usize,
    expected: i64,
) -> anyhow::Result<(Duration, Duration)> {
    let store = Store::open(url, StoreOptions::default()).await?;
    for n in 0..args.feeds {
        let source = NewSource {
            url: format!("http://{}/feed/{n}.xml", web.addr),
            ..NewSource::default()
        };
        store.sources().add(&source, 0).await?;
    }
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{url}\"\n[fetch]\nallow_private_addresses = true\n\
             per_host_delay_ms = 0\nper_host_concurrency = 64\nrespect_robots = false\n\
             [pipeline]\nworkers = {}\nfetch_pages = {}\nfetch_icons = false\n",
            args.jobs, !args.no_pages
        ),
    )?;
    let started = Instant::now();
    let children = (0..processes)
        .map(|_| {
            Command::new(binary)
                .arg("worker")
                .arg("--config")
                .arg(&config)
                .arg("--data-dir")
                .arg(dir.path())
                .env_remove("TIDINGS_DATABASE_URL")
                .env("TIDINGS_LOG", "error")
                .stdout(Stdio::null())
                .spawn()
        })
        .collect::<Result<Vec<_>, _>>()
        .context("cannot start a worker")?;
    let _processes = Processes(children);
    let mut stored_at = None;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let stored = store.articles().count().await?;
        if stored >= expected && stored_at.is_none() {
            stored_at = Some(started.elapsed());
        }
        let jobs = store.jobs().counts().await?;
        let unplaced = store
            .stories()
            .unplaced(Task::PAGE_JOB_KEY_PREFIX, 1)
            .await?
            .len();
        if stored >= expected && jobs.queued + jobs.running == 0 && unplaced == 0 {
            break;
        }
        if started.elapsed() > Duration::from_secs(args.timeout_secs) {
            anyhow::bail!("timed out with {stored} of {expected} articles and {jobs:?}");
        }
    }
    let done = started.elapsed();
    store.close().await;
    Ok((stored_at.unwrap_or(done), done))
}

/// The URL of database `name` on the server `url` names.
fn database_next_to(url: &str, name: &str) -> anyhow::Result<String> {
    let mut parsed = url::Url::parse(url).context("--database-url must be a postgres:// URL")?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

/// Runs one statement on the server, outside any transaction.
async fn admin(url: &str, sql: &str) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .context("cannot connect to PostgreSQL")?;
    pool.execute(sqlx::AssertSqlSafe(sql.to_string())).await?;
    pool.close().await;
    Ok(())
}
