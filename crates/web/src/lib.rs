//! The Tidings web site: server-rendered pages over the store.
//!
//! [`router`] builds the axum app: the front page (top stories ranked by the Stories score,
//! then the newest articles), story pages (full coverage by outlet), article pages (with
//! more coverage and related stories, and the AI panel: cited summary, key points, people
//! and places, ask about this story), entity pages, source pages, the list of sources with their health, `/healthz` and the embedded stylesheet. Pages
//! are askama templates, escaped by default; article bodies were sanitised before they were
//! stored and are the only HTML inserted as it is. Every page works without JavaScript.
//!
//! `reading` adds personal reading (follows, read and saved (starred) marks, "For you",
//! "Saved", API keys, OPML import, `/apps`), and `reader_api` the sync APIs reader apps speak (Google Reader,
//! Fever, Miniflux); see `docs/reader-apis.md`.
//!
//! [`people`] adds accounts, sessions, CSRF, comment threads on article and story pages,
//! moderation and the abuse controls around them; a comment's HTML, like an article body, is
//! sanitised before it is stored and inserted as it is.
//!
//! `admin` gives administrators the command line's source and role commands in the site:
//! "Add a feed" on `/sources`, fetch now, display policy and remove on each source's page,
//! and the accounts with their roles on `/admin/users`.
//!
//! `websub` is the callback WebSub hubs verify subscriptions at and push feeds to
//! (`/websub/{source}/{token}`).
//!
//! `security_headers` sets `nosniff` on every answer and a Content-Security-Policy, framing
//! and referrer rules on every page, cached ones included.

mod admin;
mod age;
mod answer_cache;
mod api;
mod assets;
mod base_url;
mod comment_counts;
pub mod display;
mod feed_copies;
mod feed_routes;
pub mod feeds_out;
mod front;
pub mod http_cache;
mod http_server;
mod insight;
mod interface_language;
mod metadata;
pub mod metrics;
mod model_answers;
mod operator;
pub mod page_cache;
mod pages;
pub mod people;
mod private_site;
mod reader_api;
mod reader_languages;
mod reading;
mod search_page;
mod security_headers;
mod slug;
mod source_icon;
mod state;
mod stories;
mod trailing_slash;
mod websub;

pub use age::{exact_time, relative_age, rfc3339};
pub use answer_cache::AnswerCache;
pub use display::DisplayPolicy;
pub use http_server::{ServerLimits, serve_app};
pub use page_cache::{PageCache, PageCacheConfig};
pub use slug::slugify;
pub use state::{AppParts, AppState};

use axum::Router;
use axum::middleware;
use axum::routing::get;
use std::future::Future;
use tower_http::trace::TraceLayer;

/// The web app with all its routes.
pub fn router(state: AppState) -> Router {
    // The HTML pages every anonymous reader sees alike: rendered once, served from memory.
    let cached_pages = Router::new()
        .route("/", get(front::front_page))
        .route("/section/{slug}", get(front::section_page))
        .route("/topic/{slug}", get(front::topic_page))
        .route("/article/{id}", get(pages::article_without_slug))
        .route("/article/{id}/{slug}", get(pages::article))
        .route("/story/{id}", get(stories::story))
        .route("/story/{id}/feed.xml", get(feed_routes::story_feed))
        .route("/story/{id}/feed.atom", get(feed_routes::story_feed))
        .route("/story/{id}/feed.json", get(feed_routes::story_feed))
        .route("/entity/{slug}", get(stories::entity))
        .route("/entity/{slug}/feed.xml", get(feed_routes::entity_feed))
        .route("/entity/{slug}/feed.atom", get(feed_routes::entity_feed))
        .route("/entity/{slug}/feed.json", get(feed_routes::entity_feed))
        .route_layer(middleware::from_fn_with_state(
            state.page_cache.clone(),
            page_cache::serve_cached,
        ));
    Router::new()
        .merge(cached_pages)
        .route("/search", get(search_page::search))
        .route("/search/feed.xml", get(feed_routes::search_feed))
        .route("/search/feed.atom", get(feed_routes::search_feed))
        .route("/search/feed.json", get(feed_routes::search_feed))
        .route("/source/{id}", get(pages::source))
        .route("/source/{id}/icon", get(source_icon::icon))
        .route("/source/{id}/feed.xml", get(feed_routes::source_feed))
        .route("/source/{id}/feed.atom", get(feed_routes::source_feed))
        .route("/source/{id}/feed.json", get(feed_routes::source_feed))
        .route("/feed.xml", get(feed_routes::site_feed))
        .route("/feed.atom", get(feed_routes::site_feed))
        .route("/feed.json", get(feed_routes::site_feed))
        .route("/section/{slug}/feed.xml", get(front::section_feed))
        .route("/section/{slug}/feed.atom", get(front::section_feed))
        .route("/section/{slug}/feed.json", get(front::section_feed))
        .route("/topic/{slug}/feed.xml", get(front::topic_feed))
        .route("/topic/{slug}/feed.atom", get(front::topic_feed))
        .route("/topic/{slug}/feed.json", get(front::topic_feed))
        .merge(api::router(&state))
        .merge(people::router())
        .merge(admin::router())
        .merge(reader_api::router())
        .merge(reading::router())
        .route("/sources", get(pages::sources))
        .route("/operator", get(operator::operator))
        .route("/healthz", get(pages::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/static/{file}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            reading::controls_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            people::viewer_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            private_site::require_reader,
        ))
        // Hubs are not readers: the callback is outside the session and private-site layers.
        .merge(websub::router())
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            state.page_cache.clone(),
            page_cache::answer_early,
        ))
        .with_state(state)
}

/// `listener` with Nagle's algorithm turned off on every connection it accepts, as web
/// servers do (nginx's `tcp_nodelay on`): a page's last partial segment then leaves at once
/// instead of waiting for the client's acknowledgement of the one before.
pub fn without_nagle(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn no_delay(stream: &mut tokio::net::TcpStream) {
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(%err, "cannot set TCP_NODELAY on a connection");
        }
    }
    listener.tap_io(no_delay as fn(&mut tokio::net::TcpStream))
}

/// Serves the app on `listener` until `shutdown` resolves, then finishes the requests in
/// flight, within the default [`ServerLimits`]. Meanwhile it polls the store's site revision
/// for the page cache.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, state, ServerLimits::default(), shutdown).await
}

/// [`serve`] within `limits` (the `[server]` settings).
pub async fn serve_with_limits(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = state
        .page_cache
        .watch(state.store.clone(), page_cache::DEFAULT_POLL_INTERVAL);
    let served = serve_app(without_nagle(listener), router(state), limits, shutdown).await;
    watcher.abort();
    served
}
