//! `serve`: the web site, the scheduler and the workers in one process, until SIGTERM or
//! Ctrl-C.

use super::open_store_waiting;
use super::serve_lock::ServeLock;
use super::sources::add_outlines;
use crate::settings::Settings;
use crate::{DEFAULT_SOURCES_OPML, demo};
use anyhow::Context;
use std::time::{Duration, Instant};
use tidings_feeds::parse_opml;
use tidings_fetch::Fetcher;
use tidings_insight::llm::OpenAiClient;
use tidings_pipeline::{BundledDocuments, Pipeline};
use tidings_search::{EngineChoice, SearchEngine};
use tidings_store::Store;
use tidings_web::AppState;
use tokio_util::sync::CancellationToken;

/// How long the jobs in flight may take to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(20);

pub(crate) async fn run(settings: Settings) -> anyhow::Result<()> {
    let started = Instant::now();
    // Held until this function returns: one `serve` per SQLite file (none for PostgreSQL,
    // whose roles are advisory locks, nor for an in-memory database).
    let _lock = match super::sqlite_file(&settings) {
        Some(database) => Some(ServeLock::acquire(&database)?),
        None => None,
    };
    let store = open_store_waiting(&settings).await?;

    let mut bundled = BundledDocuments::new();
    if settings.demo {
        bundled = demo::bundled_documents(chrono::Utc::now());
        let outlines = parse_opml(demo::SOURCES_OPML)?;
        let (added, _) = add_outlines(&store, &outlines).await?;
        // The demo corpus is the project's own writing, so it shows in full whatever the
        // instance's display policy.
        for source in store.sources().list().await? {
            if source.url.starts_with("demo:") {
                store.sources().set_display(source.id, Some("full")).await?;
            }
        }
        tracing::info!(sources = outlines.len(), added, "demo corpus loaded");
    } else if settings.load_default_sources && store.sources().count().await? == 0 {
        let outlines = parse_opml(DEFAULT_SOURCES_OPML)?;
        let (added, _) = add_outlines(&store, &outlines).await?;
        tracing::info!(
            added,
            "the database was empty: added the default world-news sources \
             (without internet access they fail, and /sources says why)"
        );
    }

    let (pipeline, llm) = build_pipeline(&settings, &store, bundled)?;
    let search = std::sync::Arc::new(open_search(&settings, &store).await?);
    let pipeline = pipeline.with_search(search.clone());
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;

    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    let workers = tokio::spawn({
        let pipeline = pipeline.clone();
        let shutdown = shutdown.clone();
        let run = settings.run_workers;
        async move {
            if run {
                pipeline.run(shutdown).await
            } else {
                tracing::info!("--no-workers: serving pages only");
                Ok(())
            }
        }
    });
    let state = AppState::from(tidings_web::AppParts {
        store: store.clone(),
        site_name: settings.site_name.clone(),
        base_url: settings.base_url.clone(),
        llm: llm.map(std::sync::Arc::new),
        answers: tidings_web::AnswerCache::default(),
        search: Some(search),
        display: settings.display,
        people: std::sync::Arc::new(tidings_web::people::People::new(settings.people.clone())),
        page_cache: tidings_web::PageCache::new(tidings_web::PageCacheConfig {
            origin_from_host: settings.base_url.is_none(),
            ..tidings_web::PageCacheConfig::default()
        }),
        // The pipeline's client: one set of fetch settings, per-host turns and robots.txt.
        fetcher: pipeline.fetcher().clone(),
        refresh_spacing: settings.pipeline.min_poll_interval,
    });
    println!("Tidings is listening on http://{address}/");
    tracing::info!(
        %address,
        database = store.backend_name(),
        startup_ms = started.elapsed().as_millis() as u64,
        "ready"
    );
    let served = tidings_web::serve_with_limits(
        listener,
        state,
        settings.server,
        shutdown.clone().cancelled_owned(),
    )
    .await;
    shutdown.cancel();
    match tokio::time::timeout(DRAIN, workers).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(err))) => tracing::warn!(%err, "the pipeline stopped with an error"),
        Ok(Err(err)) => tracing::warn!(%err, "the pipeline task failed"),
        Err(_) => tracing::warn!("jobs still running after {DRAIN:?}; their leases will expire"),
    }
    store.close().await;
    tracing::info!("stopped");
    served.context("the web server failed")
}

/// The pipeline the settings describe, and the language model it writes with, if any.
pub(crate) fn build_pipeline(
    settings: &Settings,
    store: &Store,
    bundled: BundledDocuments,
) -> anyhow::Result<(Pipeline, Option<OpenAiClient>)> {
    let fetcher = Fetcher::new(settings.fetch.clone())?;
    let llm = match &settings.llm {
        Some(config) => {
            tracing::info!(base_url = %config.base_url, model = %config.model, "summaries and answers are also written by a language model");
            Some(OpenAiClient::new(config.clone())?)
        }
        None => None,
    };
    let mut pipeline =
        Pipeline::new(store.clone(), fetcher, settings.pipeline.clone()).with_bundled(bundled);
    if let Some(llm) = &llm {
        pipeline = pipeline.with_llm(llm.clone());
    }
    Ok((pipeline, llm))
}

/// The search engine: a tantivy index in the data directory on SQLite, PostgreSQL
/// full-text on PostgreSQL. An index out of step with the database (a backup restored
/// under it) is rebuilt before anything searches it.
pub(crate) async fn open_search(
    settings: &Settings,
    store: &Store,
) -> anyhow::Result<SearchEngine> {
    let dir = settings.data_dir.join("search");
    let engine = SearchEngine::open(store, &dir, EngineChoice::Auto)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    // `rebuild_if_stale` says why when it rebuilds.
    match tidings_search::rebuild_if_stale(&engine, store).await {
        // Another process writes the index: it checks at its own start.
        Ok(_) | Err(tidings_search::SearchError::ReadOnly) => {}
        Err(err) => return Err(err).context("cannot check the search index"),
    }
    Ok(engine)
}

/// Cancels `shutdown` at the first SIGTERM or Ctrl-C.
pub(crate) async fn stop_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(term) => term,
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM; Ctrl-C still stops the server");
                let _ = ctrl_c.await;
                shutdown.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing requests and jobs in flight");
    shutdown.cancel();
}
