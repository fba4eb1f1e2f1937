//! What every request handler can reach.
//!
//! Every middleware layer and every handler that takes the state clones it, several times per
//! request; profiling the cached front page under load showed those clones (a string, a dozen
//! reference counts bumped from two cores) as a tenth of the server's time. So the parts live
//! behind one shared pointer and a clone bumps one count.

use crate::answer_cache::AnswerCache;
use crate::display::DisplayPolicy;
use crate::page_cache::PageCache;
use std::sync::Arc;
use std::time::Duration;
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_insight::llm::OpenAiClient;
use tidings_search::SearchEngine;
use tidings_store::Store;

/// The web app's shared state: [`AppParts`] behind one shared pointer, so a clone is one
/// reference count. Fields read through it (`state.store`); setting one (`state.site_name =
/// …`, done while setting up, before serving) copies the parts first if they are shared.
#[derive(Debug, Clone)]
pub struct AppState(Arc<AppParts>);

/// What the web app shares between requests.
#[derive(Debug, Clone)]
pub struct AppParts {
    /// The database.
    pub store: Store,
    /// The site's name, shown in the header and titles.
    pub site_name: String,
    /// The site's public base URL (`https://news.example`), for the absolute links of feeds
    /// and API answers; `None` builds it from each request's `Host` header.
    pub base_url: Option<String>,
    /// A language model that writes answers from the extractive evidence, if configured.
    pub llm: Option<Arc<OpenAiClient>>,
    /// Answers the model wrote, per story version and question.
    pub answers: AnswerCache,
    /// The search engine, when the server has one.
    pub search: Option<Arc<SearchEngine>>,
    /// How much of an article pages and the API show, unless its source says otherwise.
    pub display: DisplayPolicy,
    /// Accounts, comments and moderation: settings, rate limits, the login throttle.
    pub people: Arc<crate::people::People>,
    /// Rendered anonymous pages, kept until the site revision moves (see
    /// [`crate::page_cache`]).
    pub page_cache: PageCache,
    /// The instance's HTTP client, the pipeline's own (its `[fetch]` settings: user agent,
    /// timeouts, size limit, private address policy; its per-host turns and robots.txt
    /// cache), for the fetches a request asks for: a reader app's feed discovery. Its
    /// settings also decide which addresses may become sources and the largest WebSub push
    /// accepted (its `max_body_bytes`).
    pub fetcher: Fetcher,
    /// How long after a source's last fetch a reader app's refresh may make it due again:
    /// the scheduler's shortest poll interval (`[pipeline] min_poll_interval_secs`), so an
    /// app cannot have a source fetched more often than the scheduler itself would.
    pub refresh_spacing: Duration,
}

impl AppState {
    /// Which feed addresses may become sources here: when the fetcher may not reach
    /// loopback, private and link-local addresses (the `[fetch]` setting), every way of adding
    /// a source (the administrators' "Add a feed" form, the reader apps' APIs, a reader's OPML
    /// import) refuses an address that is certainly private at once, as the fetcher would at
    /// every fetch.
    pub(crate) fn feed_url_policy(&self) -> tidings_fetch::FeedUrlPolicy {
        if self.fetcher.config().allow_private_addresses {
            tidings_fetch::FeedUrlPolicy::Any
        } else {
            tidings_fetch::FeedUrlPolicy::PublicOnly
        }
    }

    /// The largest WebSub push accepted, in bytes: the fetcher's `max_body_bytes`.
    pub(crate) fn push_body_limit(&self) -> usize {
        self.fetcher.config().max_body_bytes
    }

    /// Fetches with `fetcher` (see [`AppParts::fetcher`]), whose settings then also decide
    /// which addresses may become sources and the largest WebSub push.
    pub fn fetch_with(&mut self, fetcher: Fetcher) {
        self.fetcher = fetcher;
    }

    /// State over a store, with the default site name and fetch settings.
    pub fn new(store: Store) -> AppState {
        let fetch = FetchConfig::default();
        // Building an HTTP client fails only when the TLS backend cannot start, as
        // `reqwest::Client::new` panics then; nothing a request or a setting supplies.
        let fetcher =
            Fetcher::new(fetch).unwrap_or_else(|err| panic!("the default HTTP client: {err}"));
        AppState::from(AppParts {
            store,
            site_name: "Tidings".to_string(),
            base_url: None,
            llm: None,
            answers: AnswerCache::default(),
            search: None,
            display: DisplayPolicy::Full,
            people: Arc::default(),
            page_cache: PageCache::default(),
            fetcher,
            refresh_spacing: Duration::from_secs(5 * 60),
        })
    }
}

impl From<AppParts> for AppState {
    fn from(parts: AppParts) -> AppState {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut AppParts {
        Arc::make_mut(&mut self.0)
    }
}
