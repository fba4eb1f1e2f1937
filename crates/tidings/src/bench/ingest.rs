//! `tidings bench ingest`: end-to-end ingest from a loopback web of many feeds with article
//! pages — fetch, parse, extract, store, place in stories — on SQLite, with the real
//! scheduler, workers and story assigner.

use super::ingest_web;
use crate::cli::IngestArgs;
use std::time::{Duration, Instant};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_model::Role;
use tidings_pipeline::{Pipeline, PipelineSettings, Task};
use tidings_store::{NewSource, NewUser, Store, StoreOptions};
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
        // The bench's feeds have no icons, and it waits for an empty queue.
        fetch_icons: false,
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
    let reader = (!args.no_reader)
        .then(|| tokio::spawn(read_as_they_arrive(store.clone(), shutdown.clone())));
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
    let marked = match reader {
        Some(reader) => Some(reader.await??),
        None => None,
    };
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
    if let Some(marked) = marked {
        println!("marked read:         {marked} articles (with their copies) by one reader");
    }
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

/// One reader who keeps up with the news: every 200 ms the newest articles are marked read
/// (with every copy of their texts), until `shutdown`. Returns how many article marks it
/// wrote. Copies placed after their text was read inherit the mark, which is the path a
/// benchmark without readers never takes.
async fn read_as_they_arrive(store: Store, shutdown: CancellationToken) -> anyhow::Result<u64> {
    let reader = store
        .users()
        .create(
            &NewUser {
                name: "reader".into(),
                display_name: "Reader".into(),
                password_hash: String::new(),
                role: Role::Reader,
            },
            0,
        )
        .await?;
    let mut marked = 0;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return Ok(marked),
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        let newest: Vec<_> = store
            .articles()
            .latest(20, 0)
            .await?
            .into_iter()
            .map(|a| a.article.id)
            .collect();
        marked += store
            .reading()
            .set_read(reader.id, &newest, true, 1)
            .await?;
    }
}
