//! What every request handler can reach.

use crate::answer_cache::AnswerCache;
use crate::display::DisplayPolicy;
use crate::page_cache::PageCache;
use std::sync::Arc;
use tidings_insight::llm::OpenAiClient;
use tidings_search::SearchEngine;
use tidings_store::Store;

/// The web app's shared state. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
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
}

impl AppState {
    /// State over a store, with the default site name.
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            site_name: "Tidings".to_string(),
            base_url: None,
            llm: None,
            answers: AnswerCache::default(),
            search: None,
            display: DisplayPolicy::Full,
            people: Arc::default(),
            page_cache: PageCache::default(),
        }
    }
}
