//! Rendered pages kept in memory: the anonymous HTML pages (front, story, article, entity) are
//! rendered once and then served from memory until the site changes or they grow old.
//!
//! - **What is kept**: `200` `text/html` answers to `GET` requests without a
//!   [`SESSION_COOKIE`], whose response sets no cookie and is not marked `Cache-Control:
//!   private` or `no-store` (a page made for one reader, say one without what they hid).
//!   Anything else passes straight through.
//!   Each entry holds the body as [`Bytes`], its weak `ETag` (see [`crate::http_cache`]), and
//!   gzip and brotli versions compressed once at insert, so a reader's browser gets a small
//!   page without the server compressing it again per request.
//! - **The key** is the path and the query, its parameters sorted, so `?a=1&b=2` and
//!   `?b=2&a=1` share an entry; on the list pages whose cards lead in the reader's language
//!   (the front, section and topic pages) and on entity pages (named in it), also the
//!   reader's languages ([`ReaderLanguages`]), so a browser asking for German and one asking
//!   for English get their own renderings there, and a request without `Accept-Language`
//!   another. Other pages are the same for everyone and kept once. Whether such a page
//!   really differs by language is the page's own answer: one that does not say
//!   `Vary: Accept-Language` (an entity of one name) is kept once, under the key without
//!   languages, and answered to every reader from there.
//! - **Invalidation**: the store keeps a site revision that every page-changing write bumps in
//!   its own transaction, whichever process wrote ([`Store::revision`]). [`PageCache::watch`]
//!   polls it; a change drops every entry. Local writes (comments, moderation) call
//!   [`PageCache::invalidate_all`] directly, which drops the last renderings too. Entries also
//!   expire after [`PageCacheConfig::max_age`], because pages show relative ages ("10 minutes
//!   ago").
//! - **Stampedes**: concurrent requests for one missing page render it once; the others wait
//!   for that rendering.
//! - **Stale while revalidating**: once a page is dropped (the site changed) or grows old, the
//!   last rendering of it is still answered, marked `stale`, while one request renders the new
//!   one in the background; nobody waits for a rendering whose old version exists. The front
//!   page takes tens of milliseconds to render on a large database, and without this every
//!   request arriving meanwhile waited for it, once per change and once per
//!   [`PageCacheConfig::max_age`]. An old rendering is answered for at most
//!   [`PageCacheConfig::serve_stale_for`] past its freshness, never again once its
//!   replacement turned out not to be a page (a `404` now, say), and never after
//!   [`PageCache::invalidate_all`]. So a web process that did not make the change (a worker's
//!   new story, another web process's comment) may answer the page as it was for one
//!   rendering's time after its poll saw the change; the process where a reader commented or
//!   a moderator hid a comment never does.
//! - **Bounded**: entries are weighed in bytes and the least useful go first past
//!   [`PageCacheConfig::max_bytes`].
//!
//! A page rendered while an invalidation happens cannot outlive it: the key carries a
//! generation number that every invalidation increments, so a page rendered from older data is
//! stored under a generation no request asks for any more.

use crate::front::varies_by_reader_language;
use crate::http_cache::{matches_if_none_match, weak_etag};
use crate::reader_languages::ReaderLanguages;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use moka::future::Cache;
use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;
use tidings_store::Store;

/// The cookie of a signed-in reader: requests carrying it are never answered from the cache.
pub const SESSION_COOKIE: &str = "tidings_session";

/// The header that says how a page was served: `hit` (from memory) or `miss` (rendered now).
pub const CACHE_STATUS_HEADER: &str = "x-cache";

/// How often [`PageCache::watch`] reads the site revision by default.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The largest page body the cache reads; a larger one is an error page.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Bodies smaller than this are not worth compressing.
const MIN_COMPRESS: usize = 1024;

/// How big the cache may grow and how long a page stays.
#[derive(Debug, Clone, Copy)]
pub struct PageCacheConfig {
    /// The most bytes of pages (all encodings) kept at once.
    pub max_bytes: u64,
    /// How long a page is served from memory at most, even if the site does not change.
    pub max_age: Duration,
    /// Whether to keep gzip and brotli versions of each page for clients that accept them.
    pub compress: bool,
    /// How long past `max_age` the last rendering of a page may still be answered while its
    /// replacement renders (see the module documentation).
    pub serve_stale_for: Duration,
    /// Whether pages write their absolute links from the request's `Host` (no base URL is
    /// configured), so that a page is kept per host.
    pub origin_from_host: bool,
}

impl Default for PageCacheConfig {
    fn default() -> Self {
        PageCacheConfig {
            max_bytes: 48 * 1024 * 1024,
            max_age: Duration::from_secs(30),
            compress: true,
            serve_stale_for: Duration::from_secs(60),
            origin_from_host: true,
        }
    }
}

/// A rendered page as kept: its headers (content type, cache policy, …), validator, and the
/// body in each encoding.
#[derive(Debug)]
struct CachedPage {
    /// The cache generation it was rendered in: a later rendering of the same page replaces
    /// it as the last one, an earlier one does not.
    generation: u64,
    /// The route pattern it was rendered for (`/story/{id}`), for the request metrics of the
    /// requests [`answer_early`] serves before routing.
    route: Option<MatchedPath>,
    headers: HeaderMap,
    etag: HeaderValue,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl CachedPage {
    /// The bytes the page costs, for the cache's bound.
    fn weight(&self, key: &str) -> u32 {
        let bodies = self.identity.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.brotli.as_ref().map_or(0, Bytes::len);
        let headers: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 32)
            .sum();
        u32::try_from(bodies + headers + key.len() + 128).unwrap_or(u32::MAX)
    }
}

impl CachedPage {
    /// Whether the page says it was made for the reader's languages
    /// (`Vary: Accept-Language`).
    fn varies_by_language(&self) -> bool {
        self.headers
            .get_all(header::VARY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|name| name.trim().eq_ignore_ascii_case("accept-language"))
    }
}

/// Counters of how requests were served, for benchmarks and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCacheStats {
    /// Requests answered from memory.
    pub hits: u64,
    /// Requests that rendered the page (and kept it, when it could be kept).
    pub misses: u64,
    /// Requests answered with a page's last rendering while its replacement rendered.
    pub stale: u64,
    /// Times every entry was dropped.
    pub invalidations: u64,
}

#[derive(Debug, Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    stale: AtomicU64,
    invalidations: AtomicU64,
}

/// Why a rendering was not kept (never shown: the rendering request answers with it itself,
/// and requests that waited for it render their own).
#[derive(Debug)]
struct NotKept;

/// The cache of rendered pages. Cheap to clone (one reference count: the middleware clones
/// it on every request): clones share the entries.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Shared>,
}

/// What clones of a [`PageCache`] share.
struct Shared {
    /// Fresh pages, keyed by generation and page ([`Key::text`]).
    pages: Cache<String, Arc<CachedPage>>,
    /// The last rendering of each page, whatever its generation, keyed by page
    /// ([`Key::page`]): answered while a replacement renders.
    last: Cache<String, Arc<CachedPage>>,
    /// The pages ([`Key::page`]) whose replacement is rendering in the background.
    refreshing: std::sync::Mutex<HashSet<String>>,
    /// No rendering of a generation below this is answered stale: the generation of the last
    /// [`PageCache::invalidate_all`].
    floor: AtomicU64,
    generation: AtomicU64,
    revision: AtomicI64,
    counters: Counters,
    compress: bool,
    /// Whether keys carry the request's origin ([`PageCacheConfig::origin_from_host`]).
    origin_from_host: bool,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("entries", &self.inner.pages.entry_count())
            .field("bytes", &self.inner.pages.weighted_size())
            .field("generation", &self.inner.generation.load(Ordering::Relaxed))
            .finish()
    }
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(PageCacheConfig::default())
    }
}

/// The revision before the first poll.
const UNKNOWN_REVISION: i64 = i64::MIN;

impl PageCache {
    /// An empty cache.
    pub fn new(config: PageCacheConfig) -> PageCache {
        let pages = Cache::builder()
            .max_capacity(config.max_bytes)
            .weigher(|key: &String, page: &Arc<CachedPage>| page.weight(key))
            .time_to_live(config.max_age)
            .build();
        // The same pages as `pages` (shared, not copied), but each for longer.
        let last = Cache::builder()
            .max_capacity(config.max_bytes)
            .weigher(|key: &String, page: &Arc<CachedPage>| page.weight(key))
            .time_to_live(config.max_age.saturating_add(config.serve_stale_for))
            .build();
        PageCache {
            inner: Arc::new(Shared {
                pages,
                last,
                refreshing: std::sync::Mutex::new(HashSet::new()),
                floor: AtomicU64::new(0),
                generation: AtomicU64::new(0),
                revision: AtomicI64::new(UNKNOWN_REVISION),
                counters: Counters::default(),
                compress: config.compress,
                origin_from_host: config.origin_from_host,
            }),
        }
    }

    /// Drops every page and its last rendering: the next request for each renders it again
    /// and waits for that. Call it after a local write that changes pages (a comment posted,
    /// hidden or approved): the writer, and a moderator above all, expects the next reader
    /// to see the change, not the page before it. Writes through the store are seen by
    /// [`PageCache::watch`] anyway, which keeps the last renderings (see the module
    /// documentation).
    pub fn invalidate_all(&self) {
        let generation = self.invalidate_fresh();
        self.inner.floor.fetch_max(generation, Ordering::AcqRel);
        self.inner.last.invalidate_all();
    }

    /// Drops every fresh page, keeping the last renderings; returns the new generation.
    fn invalidate_fresh(&self) -> u64 {
        let generation = self.inner.generation.fetch_add(1, Ordering::AcqRel) + 1;
        self.inner.pages.invalidate_all();
        self.inner
            .counters
            .invalidations
            .fetch_add(1, Ordering::Relaxed);
        generation
    }

    /// Tells the cache the store's site revision; a revision other than the last one seen
    /// drops every fresh page (their last renderings are answered while they render again).
    /// Returns whether it did.
    pub fn observe_revision(&self, revision: i64) -> bool {
        let previous = self.inner.revision.swap(revision, Ordering::AcqRel);
        if previous == revision {
            return false;
        }
        self.invalidate_fresh();
        true
    }

    /// Reads the store's site revision once and drops every page if it moved.
    pub async fn check_revision(&self, store: &Store) -> Result<bool, tidings_store::StoreError> {
        Ok(self.observe_revision(store.revision().await?))
    }

    /// Polls the store's site revision every `every` until the task is aborted, dropping
    /// every page when it moves (see the module documentation).
    pub fn watch(&self, store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(err) = cache.check_revision(&store).await {
                    tracing::warn!(%err, "cannot read the site revision; cached pages stay");
                }
            }
        })
    }

    /// How requests were served so far.
    pub fn stats(&self) -> PageCacheStats {
        PageCacheStats {
            hits: self.inner.counters.hits.load(Ordering::Relaxed),
            misses: self.inner.counters.misses.load(Ordering::Relaxed),
            stale: self.inner.counters.stale.load(Ordering::Relaxed),
            invalidations: self.inner.counters.invalidations.load(Ordering::Relaxed),
        }
    }

    /// How many fresh pages are kept, and their weight in bytes (after pending maintenance).
    pub async fn size(&self) -> (u64, u64) {
        self.inner.pages.run_pending_tasks().await;
        (
            self.inner.pages.entry_count(),
            self.inner.pages.weighted_size(),
        )
    }

    /// The keys a request's page may be kept under, when the cache may answer it: anonymous
    /// `GET`s only.
    fn key_of(&self, request: &Request) -> Option<Keys> {
        if request.method() != Method::GET || has_session(request.headers()) {
            return None;
        }
        let generation = self.inner.generation.load(Ordering::Acquire);
        let (path, query) = (request.uri().path(), request.uri().query());
        // Without a configured base URL, pages write absolute links (`og:url`, JSON-LD,
        // feeds) from the request's `Host`: a page rendered for one host is not the page of
        // another, or one request with a forged `Host` would poison it for everyone.
        let origin = if self.inner.origin_from_host {
            crate::base_url::site_base(None, request.headers())
        } else {
            String::new()
        };
        let shared = Key::new(generation, path, query, "", &origin);
        let by_language = varies_by_reader_language(path).then(|| {
            // Marked, so that no list of languages (none included) is the shared key.
            let languages = format!("lang={}", ReaderLanguages::of(request.headers()).key());
            Key::new(generation, path, query, &languages, &origin)
        });
        Some(Keys {
            shared,
            by_language,
        })
    }

    /// The fresh page kept under `keys`, counted as a hit: its rendering for the reader's
    /// languages, else the one for everyone.
    async fn hit(&self, keys: &Keys) -> Option<Arc<CachedPage>> {
        let mut page = None;
        if let Some(key) = &keys.by_language {
            page = self.inner.pages.get(&key.text).await;
        }
        if page.is_none() {
            page = self.inner.pages.get(&keys.shared.text).await;
        }
        let page = page?;
        self.inner.counters.hits.fetch_add(1, Ordering::Relaxed);
        Some(page)
    }

    /// Renders the page under `keys` once: concurrent calls for the same key wait for one
    /// rendering. A kept rendering also becomes the page's last one, and a rendering made for
    /// the reader's languages that does not vary by them moves to the key for everyone; a
    /// rendering that cannot be kept ends the answering of the last one.
    async fn render_once(&self, keys: &Keys, request: Request, next: Next) -> Rendered {
        let key = keys.rendering();
        // The request moves into the rendering only if this call is the one that renders; a
        // call that waited for another's rendering still holds its own.
        let mut pending = Some(request);
        let mut not_kept: Option<Response> = None;
        let mut rendered_here = false;
        let outcome = self
            .inner
            .pages
            .try_get_with(key.text.clone(), async {
                let Some(request) = pending.take() else {
                    return Err(NotKept);
                };
                rendered_here = true;
                let route = request.extensions().get::<MatchedPath>().cloned();
                let response = next.run(request).await;
                match self.keep(key.generation, route, response).await {
                    Ok(page) => {
                        self.remember(keys, &page).await;
                        Ok(page)
                    }
                    Err(response) => {
                        self.inner.last.invalidate(key.page()).await;
                        self.inner.last.invalidate(keys.shared.page()).await;
                        not_kept = Some(response);
                        Err(NotKept)
                    }
                }
            })
            .await;
        if let Ok(page) = &outcome
            && rendered_here
        {
            let home = keys.home(page);
            if home != key {
                // The same for every language: one entry answers them all.
                self.inner
                    .pages
                    .insert(home.text.clone(), Arc::clone(page))
                    .await;
                self.inner.pages.invalidate(&key.text).await;
            }
        }
        match (outcome, not_kept, pending) {
            (Ok(page), _, _) => Rendered::Kept {
                page,
                here: rendered_here,
            },
            (Err(_), Some(response), _) => Rendered::NotKept(response),
            (Err(_), None, Some(request)) => Rendered::ElsewhereNotKept(request),
            (Err(_), None, None) => {
                Rendered::NotKept(StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }
        }
    }

    /// The last rendering of `keys`' page, if it may be answered: the one for the reader's
    /// languages, else the one for everyone.
    async fn last_rendering(&self, keys: &Keys) -> Option<Arc<CachedPage>> {
        let mut page = None;
        if let Some(key) = &keys.by_language {
            page = self.inner.last.get(key.page()).await;
        }
        if page.is_none() {
            page = self.inner.last.get(keys.shared.page()).await;
        }
        let page = page?;
        // A rendering begun before an `invalidate_all` may have been remembered after it.
        (page.generation >= self.inner.floor.load(Ordering::Acquire)).then_some(page)
    }

    /// Makes `page` the last rendering of its page (for the reader's languages or for
    /// everyone, as it varies), unless a later generation's is there or an
    /// [`PageCache::invalidate_all`] came after its rendering began.
    async fn remember(&self, keys: &Keys, page: &Arc<CachedPage>) {
        if page.generation < self.inner.floor.load(Ordering::Acquire) {
            return;
        }
        let key = keys.home(page);
        if let Some(by_language) = &keys.by_language {
            // The other key's rendering is no longer what the page is (an entity given a
            // second name varies now).
            let other = if key == by_language {
                &keys.shared
            } else {
                by_language
            };
            self.inner.last.invalidate(other.page()).await;
        }
        let newer_there = self
            .inner
            .last
            .get(key.page())
            .await
            .is_some_and(|there| there.generation > page.generation);
        if !newer_there {
            self.inner
                .last
                .insert(key.page().to_string(), Arc::clone(page))
                .await;
        }
    }

    /// Renders the page under `keys` again in a background task, unless that is under way.
    fn refresh_in_background(&self, keys: Keys, request: &Request, next: Next) {
        let page = keys.rendering().page().to_string();
        {
            let mut refreshing = self
                .inner
                .refreshing
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !refreshing.insert(page.clone()) {
                return;
            }
        }
        let copy = copy_for_rendering(request);
        let cache = self.clone();
        tokio::spawn(async move {
            let _done = RefreshDone {
                cache: cache.clone(),
                page,
            };
            if let Rendered::Kept { here: true, .. } = cache.render_once(&keys, copy, next).await {
                cache.inner.counters.misses.fetch_add(1, Ordering::Relaxed);
            }
        });
    }

    /// Keeps a rendered response if it may be kept, compressing it once.
    async fn keep(
        &self,
        generation: u64,
        route: Option<MatchedPath>,
        response: Response,
    ) -> Result<Arc<CachedPage>, Response> {
        if !is_keepable(&response) {
            return Err(response);
        }
        let (parts, body) = response.into_parts();
        let identity = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(bytes) => bytes,
            Err(err) => {
                tracing::error!(%err, "a page's body could not be read");
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
        };
        let mut headers = parts.headers;
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        if !headers.contains_key(header::CACHE_CONTROL) {
            // Browsers keep the page but ask again each time, with the ETag: a 304 is cheap,
            // and relative ages stay right.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        // Kept with the page, so that a hit clones them instead of inserting them again.
        crate::security_headers::add_to(&mut headers);
        let etag = HeaderValue::from_str(&weak_etag(&identity))
            .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""));
        let (gzip, brotli) = if self.inner.compress && identity.len() >= MIN_COMPRESS {
            let body = identity.clone();
            tokio::task::spawn_blocking(move || (gzip(&body), brotli(&body)))
                .await
                .unwrap_or((None, None))
        } else {
            (None, None)
        };
        Ok(Arc::new(CachedPage {
            generation,
            route,
            headers,
            etag,
            identity,
            gzip,
            brotli,
        }))
    }
}

/// Whether a response may be kept for everyone: a `200` HTML page that sets no cookie and
/// does not say it is one reader's own (`Cache-Control: private` or `no-store`).
fn is_keepable(response: &Response) -> bool {
    let personal = response
        .headers()
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|d| {
            let d = d.trim();
            d.eq_ignore_ascii_case("private") || d.eq_ignore_ascii_case("no-store")
        });
    response.status() == StatusCode::OK
        && !personal
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
}

/// Whether the request comes from a signed-in reader.
fn has_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(name, _)| name.trim() == SESSION_COOKIE)
        })
}

/// Where a request's page is kept: the generation, the path, the query's parameters in
/// sorted order (empty ones left out) and the reader's languages.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    generation: u64,
    /// `"{generation} {path}?{sorted query} {languages} {origin}"`: the key of fresh pages
    /// (a path, a query and an origin hold no space).
    text: String,
    /// Where the page part of `text` starts.
    page_start: usize,
}

impl Key {
    fn new(generation: u64, path: &str, query: Option<&str>, languages: &str, origin: &str) -> Key {
        let mut text = format!("{generation} ");
        let page_start = text.len();
        text.push_str(path);
        if let Some(query) = query {
            let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
            params.sort_unstable();
            for (i, p) in params.iter().enumerate() {
                text.push(if i == 0 { '?' } else { '&' });
                text.push_str(p);
            }
        }
        text.push(' ');
        text.push_str(languages);
        text.push(' ');
        text.push_str(origin);
        Key {
            generation,
            text,
            page_start,
        }
    }

    /// The page whatever the generation (`"{path}?{sorted query} {languages} {origin}"`):
    /// the key of last renderings.
    fn page(&self) -> &str {
        &self.text[self.page_start..]
    }
}

/// Where a request's page may be kept: the key for every reader, and on a page that may be
/// made for the reader's languages ([`varies_by_reader_language`]) the key for theirs.
#[derive(Debug, Clone)]
struct Keys {
    /// The page for everyone (languages `""`).
    shared: Key,
    /// The page for the request's languages (`"lang={languages}"`), where a page may vary.
    by_language: Option<Key>,
}

impl Keys {
    /// The key a rendering is made and awaited under: the languages' where the page may
    /// vary, since whether it does is known once it is rendered.
    fn rendering(&self) -> &Key {
        self.by_language.as_ref().unwrap_or(&self.shared)
    }

    /// The key `page` is kept under: the languages' when it says it varies by them
    /// (`Vary: Accept-Language`), the shared one otherwise.
    fn home(&self, page: &CachedPage) -> &Key {
        match &self.by_language {
            Some(key) if page.varies_by_language() => key,
            _ => &self.shared,
        }
    }
}

/// What [`PageCache::render_once`] came to.
enum Rendered {
    /// A page, kept; `here` when this call rendered it, not another that it waited for.
    Kept { page: Arc<CachedPage>, here: bool },
    /// This call rendered an answer that is not a page to keep (an error, a redirect).
    NotKept(Response),
    /// The rendering this call waited for was not kept: the request is given back, to be
    /// rendered on its own.
    ElsewhereNotKept(Request),
}

/// Takes a page off the list of those rendering in the background when its task ends, even
/// by a panic.
struct RefreshDone {
    cache: PageCache,
    page: String,
}

impl Drop for RefreshDone {
    fn drop(&mut self) {
        self.cache
            .inner
            .refreshing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.page);
    }
}

/// A copy of an anonymous `GET` to render in the background: the same target, headers and
/// extensions (the matched route, the peer's address), without the conditional headers, since
/// the rendering must be the whole page and not a `304` for this one client.
fn copy_for_rendering(request: &Request) -> Request {
    let mut copy = Request::new(Body::empty());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy.headers_mut().remove(header::IF_NONE_MATCH);
    copy.headers_mut().remove(header::IF_MODIFIED_SINCE);
    *copy.extensions_mut() = request.extensions().clone();
    copy
}

/// Which of the kept encodings the client accepts, best first: brotli, then gzip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

fn accepted(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(encoding) && !refused
        })
}

fn choose_encoding(headers: &HeaderMap, page: &CachedPage) -> Encoding {
    if page.brotli.is_some() && accepted(headers, "br") {
        Encoding::Brotli
    } else if page.gzip.is_some() && accepted(headers, "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The answer to one request from a kept page: `304` if the client holds this version, else
/// the page in the best encoding the client accepts.
fn answer(request: &HeaderMap, page: &CachedPage, status: &'static str) -> Response {
    let mut headers = page.headers.clone();
    headers.insert(header::ETAG, page.etag.clone());
    headers.insert(
        HeaderName::from_static(CACHE_STATUS_HEADER),
        HeaderValue::from_static(status),
    );
    if page.gzip.is_some() || page.brotli.is_some() {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if let Some(tag) = page.etag.to_str().ok()
        && matches_if_none_match(request, tag)
    {
        headers.remove(header::CONTENT_TYPE);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let body = match choose_encoding(request, page) {
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            page.brotli.clone()
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            page.gzip.clone()
        }
        Encoding::Identity => None,
    }
    .unwrap_or_else(|| page.identity.clone());
    (StatusCode::OK, headers, Body::from(body)).into_response()
}

/// The outermost middleware: answers a request for a page the cache holds before anything
/// else runs (routing, the other layers), counting it in the request metrics under the
/// route it was rendered for; everything else goes on to the site. Profiling the cached front
/// page showed the layers a request crosses (each boxes and moves its future) as a large
/// share of a hit's time. Safe before the other layers because only anonymous requests are
/// answered here, and only with pages an anonymous request was given ([`serve_cached`]
/// decides what is kept; a private instance keeps none, since its pages need a session).
/// Every answer it gives or passes on leaves with the security headers
/// (see the `security_headers` module).
pub async fn answer_early(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = early(cache, request, next).await;
    // The outermost layer, so every answer, cached or not, carries them (a cached page
    // keeps them: nothing to add). A layer of their own would wrap every route once more,
    // which cost the cached front page a sixth of its rate (`tidings bench web`).
    crate::security_headers::add(&mut response);
    response
}

/// [`answer_early`]'s answer, before the security headers.
async fn early(cache: PageCache, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let Some(keys) = cache.key_of(&request) else {
        return next.run(request).await;
    };
    let Some(page) = cache.hit(&keys).await else {
        return next.run(request).await;
    };
    let response = answer(request.headers(), &page, "hit");
    crate::metrics::record(
        page.route.as_ref().map_or("unmatched", MatchedPath::as_str),
        request.method(),
        response.status(),
        started.elapsed(),
    );
    response
}

/// The middleware: answers a cacheable request from memory, or with the page's last
/// rendering while one request renders it again in the background, or renders it once (other
/// requests for the same page wait) and keeps it. Apply it with
/// `axum::middleware::from_fn_with_state(cache, page_cache::serve_cached)` to the routes of
/// HTML pages that look the same for every anonymous reader.
pub async fn serve_cached(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    let Some(keys) = cache.key_of(&request) else {
        return next.run(request).await;
    };
    if let Some(page) = cache.hit(&keys).await {
        return answer(request.headers(), &page, "hit");
    }
    if let Some(page) = cache.last_rendering(&keys).await {
        cache.inner.counters.stale.fetch_add(1, Ordering::Relaxed);
        let response = answer(request.headers(), &page, "stale");
        cache.refresh_in_background(keys, &request, next);
        return response;
    }
    // Only a miss pays for a copy of the headers: the request itself goes to the rendering.
    let headers = request.headers().clone();
    match cache.render_once(&keys, request, next.clone()).await {
        Rendered::Kept { page, here: true } => {
            cache.inner.counters.misses.fetch_add(1, Ordering::Relaxed);
            answer(&headers, &page, "miss")
        }
        Rendered::Kept { page, here: false } => {
            cache.inner.counters.hits.fetch_add(1, Ordering::Relaxed);
            answer(&headers, &page, "hit")
        }
        Rendered::NotKept(response) => response,
        // Another request's rendering could not be kept (an error page, say): render this
        // one on its own.
        Rendered::ElsewhereNotKept(request) => next.run(request).await,
    }
}

/// `body` gzip-compressed, if that makes it smaller.
fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    encoder.write_all(body).ok()?;
    let out = encoder.finish().ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

/// `body` brotli-compressed (quality 6: most of the gain at a small share of the cost of the
/// top qualities), if that makes it smaller.
fn brotli(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(body.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        writer.write_all(body).ok()?;
        writer.flush().ok()?;
    }
    (out.len() < body.len()).then(|| Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name.clone(), HeaderValue::from_str(value).expect("value"));
        }
        h
    }

    #[test]
    fn keys_sort_the_query_and_carry_the_generation_languages_and_origin() {
        let key = |generation, path, query| Key::new(generation, path, query, "", "http://a");
        assert_eq!(key(3, "/", None).text, "3 /  http://a");
        assert_eq!(key(3, "/", None).page(), "/  http://a");
        assert_eq!(
            key(0, "/story/1", Some("q=x&explain=1")),
            key(0, "/story/1", Some("explain=1&&q=x"))
        );
        assert_eq!(
            key(12, "/story/1", Some("q=x&explain=1")).page(),
            "/story/1?explain=1&q=x  http://a"
        );
        assert_ne!(key(0, "/", Some("page=2")), key(0, "/", None));
        assert_ne!(key(0, "/", None), key(1, "/", None));
        assert_eq!(
            key(0, "/", Some("page=2")).page(),
            key(1, "/", Some("page=2")).page()
        );
        assert_eq!(Key::new(0, "/", None, "de,en", "").page(), "/ de,en ");
        assert_ne!(
            Key::new(0, "/", None, "de,en", "").page(),
            Key::new(0, "/", None, "en", "").page()
        );
        assert_ne!(Key::new(0, "/", None, "en", "http://a"), key(0, "/", None));
        assert_ne!(
            Key::new(0, "/", None, "", "http://evil.example").page(),
            key(0, "/", None).page()
        );
    }

    #[test]
    fn a_page_that_says_it_is_private_is_not_kept() {
        let page = |cache_control: Option<&'static str>| {
            let mut response = (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<p>page</p>",
            )
                .into_response();
            if let Some(value) = cache_control {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
            }
            response
        };
        assert!(is_keepable(&page(None)));
        assert!(is_keepable(&page(Some("no-cache"))));
        assert!(!is_keepable(&page(Some("private, no-store"))));
        assert!(!is_keepable(&page(Some("Private"))));
        assert!(!is_keepable(&page(Some("max-age=0, no-store"))));
    }

    #[test]
    fn only_the_session_cookie_counts_as_signed_in() {
        assert!(has_session(&headers(&[(
            header::COOKIE,
            "theme=dark; tidings_session=abc"
        )])));
        assert!(!has_session(&headers(&[(
            header::COOKIE,
            "theme=dark; not_tidings_session=abc"
        )])));
        assert!(!has_session(&HeaderMap::new()));
    }

    #[test]
    fn encodings_follow_accept_encoding_and_its_refusals() {
        let page = CachedPage {
            generation: 0,
            route: None,
            headers: HeaderMap::new(),
            etag: HeaderValue::from_static("W/\"1\""),
            identity: Bytes::from_static(b"page"),
            gzip: Some(Bytes::from_static(b"g")),
            brotli: Some(Bytes::from_static(b"b")),
        };
        let pick = |v: &str| choose_encoding(&headers(&[(header::ACCEPT_ENCODING, v)]), &page);
        assert_eq!(pick("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(pick("gzip"), Encoding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(pick("identity"), Encoding::Identity);
        assert_eq!(
            choose_encoding(&HeaderMap::new(), &page),
            Encoding::Identity
        );
    }

    #[test]
    fn compressed_bodies_decompress_to_the_page() {
        let page = "<p>The council approved the harbour plan.</p>".repeat(100);
        let gz = gzip(page.as_bytes()).expect("gzip is smaller");
        let mut back = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut back)
            .expect("gunzip");
        assert_eq!(back, page);
        let br = brotli(page.as_bytes()).expect("brotli is smaller");
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).expect("unbrotli");
        assert_eq!(back, page.as_bytes());
        assert!(br.len() < page.len() / 10, "{} bytes", br.len());
    }

    #[test]
    fn a_new_revision_invalidates_and_the_same_one_does_not() {
        let cache = PageCache::default();
        assert!(cache.observe_revision(5));
        assert!(!cache.observe_revision(5));
        assert!(cache.observe_revision(6));
        assert_eq!(cache.stats().invalidations, 2);
        assert_eq!(cache.inner.generation.load(Ordering::Relaxed), 2);
        assert_eq!(cache.inner.floor.load(Ordering::Relaxed), 0, "soft");
        cache.invalidate_all();
        assert_eq!(cache.inner.generation.load(Ordering::Relaxed), 3);
        assert_eq!(cache.inner.floor.load(Ordering::Relaxed), 3, "hard");
    }
}
