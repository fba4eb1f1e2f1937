//! `tidings bench ingest`: end-to-end ingest from a loopback web of many feeds with article
//! pages — fetch, parse, extract, store, place in stories — on SQLite, with the real
//! scheduler, workers and story assigner.

use super::ingest_web;
use crate::cli::IngestArgs;
use std::time::{Duration, Instant};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_pipeline::{Pipeline, PipelineSettings, Task};
use tidings_store::{NewSource, Store, StoreOptions};
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(args: IngestArgs) -> anyhow::Result<()> {
    let web = ingest_web::start(args.entries).await?;
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let store = Store::open(&url, StoreOptions::default()).await?;
    for n in 0..args.feeds {
        let source = NewSource {
            url: format!("http://{}/feed/{n}.xml", web.addr),
            ..NewSource::default()
        };
        store.sources().add(&source, 0).await?;
    }
    let fetcher = Fetcher::new(FetchConfig {
        allow_private_addresses: true,
        per_host_concurrency: args.workers,
        per_host_min_delay: Duration::ZERO,
        respect_robots: false,
        ..FetchConfig::default()
    })?;
    let settings = PipelineSettings {
        workers: args.workers,
        tick: Duration::from_millis(200),
        idle_wait: Duration::from_millis(100),
        fetch_pages: !args.no_pages,
        exclusive: true,
        ..PipelineSettings::default()
    };
    let pipeline = Pipeline::new(store.clone(), fetcher, settings);
    let expected = (args.feeds * args.entries) as i64;
    println!(
        "ingesting {} feeds × {} entries{} from http://{} with {} workers…",
        args.feeds,
        args.entries,
        if args.no_pages {
            ""
        } else {
            " and their pages"
        },
        web.addr,
        args.workers
    );

    let started = Instant::now();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn({
        let pipeline = pipeline.clone();
        let shutdown = shutdown.clone();
        async move { pipeline.run(shutdown).await }
    });
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
            anyhow::bail!(
                "timed out after {} s with {stored} of {expected} articles and {jobs:?}",
                args.timeout_secs
            );
        }
    }
    let total = started.elapsed();
    shutdown.cancel();
    running.await??;
    let secs = total.as_secs_f64();
    println!("articles:            {expected}");
    if let Some(at) = stored_at {
        println!(
            "all stored after:    {:.2} s (feeds fetched and parsed)",
            at.as_secs_f64()
        );
    }
    println!("all done after:      {secs:.2} s (pages fetched and extracted, stories placed)");
    println!("stories:             {}", store.stories().count().await?);
    println!(
        "end-to-end rate:     {:.0} articles/s",
        expected as f64 / secs
    );
    if let Some(kib) = tidings_stories::bench::peak_rss_kib() {
        println!("peak RSS:            {:.0} MB", kib as f64 / 1024.0);
    }
    store.close().await;
    Ok(())
}
