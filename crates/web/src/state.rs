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
    /// Whether the fetcher may reach loopback, private and link-local addresses (the
    /// `[fetch]` setting). When it may not, every way of adding a source (the administrators'
    /// "Add a feed" form, the reader apps' APIs, a reader's OPML import) refuses an address
    /// that is certainly private at once, as the fetcher would at every fetch.
    pub allow_private_addresses: bool,
    /// The largest WebSub push accepted, in bytes (the fetch's `max_body_bytes`).
    pub push_body_limit: usize,
}

impl AppState {
    /// Which feed addresses may become sources here (see
    /// [`AppState::allow_private_addresses`]).
    pub(crate) fn feed_url_policy(&self) -> tidings_fetch::FeedUrlPolicy {
        if self.allow_private_addresses {
            tidings_fetch::FeedUrlPolicy::Any
        } else {
            tidings_fetch::FeedUrlPolicy::PublicOnly
        }
    }

    /// State over a store, with the default site name.
    pub fn new(store: Store) -> AppState {
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
            allow_private_addresses: false,
            push_body_limit: 8 * 1024 * 1024,
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
