//! The Tidings web site: server-rendered pages over the store.
//!
//! [`router`] builds the axum app: the front page (top stories ranked by the Stories score,
//! then the newest articles), story pages (full coverage by outlet), article pages (with
//! more coverage and related stories, and the AI panel: cited summary, key points, people
//! and places, ask about this story), entity pages, source pages, the list of sources with their health, `/healthz` and the embedded stylesheet. Pages
//! are askama templates, escaped by default; article bodies were sanitised before they were
//! stored and are the only HTML inserted as it is. Every page works without JavaScript.

mod age;
mod answer_cache;
mod api;
mod base_url;
mod feed_routes;
pub mod feeds_out;
pub mod http_cache;
mod insight;
mod metadata;
pub mod metrics;
mod pages;
mod search_page;
mod slug;
mod state;
mod stories;

pub use age::{exact_time, relative_age, rfc3339};
pub use answer_cache::AnswerCache;
pub use slug::slugify;
pub use state::AppState;

use axum::Router;
use axum::routing::get;
use std::future::Future;
use tower_http::trace::TraceLayer;

/// The web app with all its routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::front_page))
        .route("/article/{id}", get(pages::article_without_slug))
        .route("/article/{id}/{slug}", get(pages::article))
        .route("/story/{id}", get(stories::story))
        .route("/entity/{slug}", get(stories::entity))
        .route("/search", get(search_page::search))
        .route("/search/feed.xml", get(feed_routes::search_feed))
        .route("/search/feed.atom", get(feed_routes::search_feed))
        .route("/search/feed.json", get(feed_routes::search_feed))
        .route("/source/{id}", get(pages::source))
        .route("/source/{id}/feed.xml", get(feed_routes::source_feed))
        .route("/source/{id}/feed.atom", get(feed_routes::source_feed))
        .route("/source/{id}/feed.json", get(feed_routes::source_feed))
        .route("/feed.xml", get(feed_routes::site_feed))
        .route("/feed.atom", get(feed_routes::site_feed))
        .route("/feed.json", get(feed_routes::site_feed))
        .merge(api::router())
        .route("/sources", get(pages::sources))
        .route("/healthz", get(pages::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/favicon.svg", get(pages::favicon))
        .route("/static/keys.js", get(pages::shortcuts))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the app on `listener` until `shutdown` resolves, then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
