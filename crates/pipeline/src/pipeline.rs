//! The pipeline's shared state and how to run it.

use crate::host_turns::DatabaseHostTurns;
use crate::time::now_ms;
use crate::{PipelineError, assign_stories, index_search, scheduler, worker};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tidings_fetch::Fetcher;
use tidings_insight::llm::OpenAiClient;
use tidings_search::SearchEngine;
use tidings_store::{Backend, RetryPolicy, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Documents the pipeline reads from memory instead of the network, by URL: the bundled demo
/// corpus (`demo:…` URLs).
pub type BundledDocuments = HashMap<String, Vec<u8>>;

/// How many entries of one document are read by default: news feeds carry tens, a busy
/// news sitemap up to 1,000 over two days (polled every few minutes, it never has more than
/// a few hundred new); Miniflux and FreshRSS cut feeds at a few hundred too.
pub const DEFAULT_MAX_ENTRIES_PER_FEED: usize = 500;

/// How the pipeline paces itself.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSettings {
    /// How many jobs run at once.
    pub workers: usize,
    /// How often a healthy source is fetched when its feed gives too few dates to judge its
    /// publishing rate.
    pub poll_interval: Duration,
    /// The shortest interval between fetches of a source, however busy it is.
    pub min_poll_interval: Duration,
    /// The longest interval between fetches of a healthy source, however quiet it is.
    pub max_poll_interval: Duration,
    /// The delay before re-fetching a source after its first failure; it doubles with each
    /// failure in a row, up to [`PipelineSettings::max_error_delay`].
    pub error_delay: Duration,
    /// The longest delay between fetches of a failing source.
    pub max_error_delay: Duration,
    /// How long a claimed job stays leased without a heartbeat.
    pub lease: Duration,
    /// How often the scheduler looks for due sources and expired leases.
    pub tick: Duration,
    /// How long an idle worker waits before looking for a job again.
    pub idle_wait: Duration,
    /// Back-off for jobs that fail.
    pub retry: RetryPolicy,
    /// How many times a job is tried.
    pub max_attempts: i64,
    /// Whether a teaser article's page is fetched to complete it.
    pub fetch_pages: bool,
    /// Whether a source's icon is looked for after a successful fetch when it has none or
    /// it is old (see [`crate::fetch_icon`]).
    pub fetch_icons: bool,
    /// The most entries of one fetched document that become articles: the newest are kept,
    /// the rest are left out (logged and counted). A feed of thousands of items would
    /// otherwise cost thousands of articles and page fetches in one poll.
    pub max_entries_per_feed: usize,
    /// Whether this process places new articles in stories.
    pub assign_stories: bool,
    /// How long after a story changes its summary is recomputed (changes meanwhile are
    /// read by the same job).
    pub understand_delay: Duration,
    /// Whether this process is the only one using the database (embedded SQLite), so that
    /// jobs left running by an earlier run of it can be reclaimed at once at start-up.
    pub exclusive: bool,
    /// How long full text and articles are kept (see [`crate::retention`]).
    pub retention: crate::retention::RetentionPolicy,
    /// Whether and how sources whose feed announces a WebSub hub are subscribed to (see
    /// [`crate::websub`]); `None`, the default, polls only.
    pub websub: Option<crate::websub::WebSubSettings>,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        PipelineSettings {
            workers: 4,
            poll_interval: Duration::from_secs(15 * 60),
            min_poll_interval: Duration::from_secs(5 * 60),
            max_poll_interval: Duration::from_secs(12 * 3600),
            error_delay: Duration::from_secs(60),
            max_error_delay: Duration::from_secs(6 * 3600),
            lease: Duration::from_secs(120),
            tick: Duration::from_secs(2),
            idle_wait: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            max_attempts: 5,
            fetch_pages: true,
            fetch_icons: true,
            max_entries_per_feed: DEFAULT_MAX_ENTRIES_PER_FEED,
            assign_stories: true,
            understand_delay: Duration::from_secs(5),
            exclusive: false,
            retention: crate::retention::RetentionPolicy::default(),
            websub: None,
        }
    }
}

/// Everything the scheduler and the workers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub(crate) store: Store,
    pub(crate) fetcher: Fetcher,
    pub(crate) bundled: Arc<BundledDocuments>,
    pub(crate) settings: Arc<PipelineSettings>,
    pub(crate) wake: Arc<Notify>,
    pub(crate) instance: Arc<str>,
    pub(crate) llm: Option<Arc<OpenAiClient>>,
    pub(crate) search: Option<Arc<SearchEngine>>,
}

impl PipelineSettings {
    /// The bounds of the adaptive poll interval.
    pub fn poll_bounds(&self) -> crate::poll_interval::PollBounds {
        crate::poll_interval::PollBounds {
            fallback: self.poll_interval,
            min: self.min_poll_interval,
            max: self.max_poll_interval,
        }
    }
}

impl Pipeline {
    /// A pipeline over a store and a fetcher. On PostgreSQL, where several processes fetch
    /// for one database, the fetcher also takes its request starts from the database's host
    /// clock ([`DatabaseHostTurns`](crate::host_turns::DatabaseHostTurns)), so the per-host
    /// gap holds across processes; a fetcher that already has a shared clock keeps it.
    pub fn new(store: Store, fetcher: Fetcher, settings: PipelineSettings) -> Pipeline {
        let fetcher = if store.backend() == Backend::Postgres && !fetcher.shares_host_turns() {
            fetcher.with_host_schedule(Arc::new(DatabaseHostTurns::new(store.clone())))
        } else {
            fetcher
        };
        Pipeline {
            store,
            fetcher,
            bundled: Arc::new(BundledDocuments::new()),
            settings: Arc::new(settings),
            wake: Arc::new(Notify::new()),
            instance: format!("{}-{}", std::process::id(), now_ms()).into(),
            llm: None,
            search: None,
        }
    }

    /// Serves the given URLs from memory instead of the network.
    pub fn with_bundled(mut self, documents: BundledDocuments) -> Pipeline {
        self.bundled = Arc::new(documents);
        self
    }

    /// Has a language model write each story's summary from the extractive one (the
    /// extractive summary stays, and is what shows when the model fails).
    pub fn with_llm(mut self, llm: OpenAiClient) -> Pipeline {
        self.llm = Some(Arc::new(llm));
        self
    }

    /// Keeps `engine` up to date with the articles placed in stories.
    pub fn with_search(mut self, engine: Arc<SearchEngine>) -> Pipeline {
        self.search = Some(engine);
        self
    }

    /// The store the pipeline writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The HTTP client the pipeline fetches with: the instance's `[fetch]` settings, its
    /// per-host turns and robots.txt cache, for whatever else fetches on the instance's
    /// behalf (a reader app's feed discovery) to share.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Runs the scheduler and the workers until `shutdown` is cancelled, then lets the jobs in
    /// flight finish.
    pub async fn run(&self, shutdown: CancellationToken) -> Result<(), PipelineError> {
        if self.settings.exclusive {
            let reclaimed = self.store.jobs().reclaim_all_running(now_ms()).await?;
            if reclaimed > 0 {
                tracing::info!(reclaimed, "requeued jobs an earlier run left unfinished");
            }
        }
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(scheduler::run(self.clone(), shutdown.clone()));
        if self.settings.assign_stories {
            tasks.spawn(assign_stories::run(self.clone(), shutdown.clone()));
        }
        tasks.spawn(index_search::run(self.clone(), shutdown.clone()));
        tasks.spawn(crate::retention::run(self.clone(), shutdown.clone()));
        for n in 0..self.settings.workers.max(1) {
            tasks.spawn(worker::run(self.clone(), n, shutdown.clone()));
        }
        while let Some(done) = tasks.join_next().await {
            if let Err(err) = done {
                tracing::error!(%err, "a pipeline task stopped unexpectedly");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_fetch::FetchConfig;

    #[tokio::test]
    async fn the_fetcher_shares_host_turns_on_postgresql_only() {
        tidings_store::testing::each_backend(|store| async move {
            let backend = store.backend();
            let fetcher = Fetcher::new(FetchConfig::default()).expect("fetcher");
            let pipeline = Pipeline::new(store, fetcher, PipelineSettings::default());
            assert_eq!(
                pipeline.fetcher.shares_host_turns(),
                backend == Backend::Postgres,
                "{backend:?}"
            );
        })
        .await;
    }
}
