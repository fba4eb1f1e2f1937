//! The JSON API under `/api/v1`: ranked stories, latest articles, sources and search, read-only,
//! described by the OpenAPI 3.1 document served at `/api/v1/openapi.json` and indexed at
//! `/api/v1` (and `/api`).
//!
//! The routes are listed once, in [`routes`]: the router is built from that table and a test
//! checks that the OpenAPI document names exactly its paths. Every answer is JSON, errors too
//! (`{"error": "…"}` with the status that fits, `405` with `Allow`), and carries a weak `ETag`
//! and `Cache-Control` from [`crate::http_cache`]. Every request counts against its address's
//! API limit (`api_per_minute_per_ip`; `429` with `Retry-After` when spent).

mod articles;
mod error;
mod filter;
mod index;
mod json_errors;
mod limit;
mod openapi;
pub(crate) mod page;
mod search;
mod sources;
mod stories;
mod views;

pub(crate) use error::{ApiError, json_error};

use crate::http_cache::{SHORT_MAX_AGE, cached};
use crate::state::AppState;
use axum::Router;
use axum::http::{HeaderMap, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any, get};
use serde::Serialize;

/// Every `/api/v1` route: its path (in the `{param}` syntax axum and OpenAPI share) and its
/// handlers.
pub(crate) fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/api/v1", get(index::index)),
        ("/api/v1/openapi.json", get(openapi::document)),
        ("/api/v1/stories", get(stories::list)),
        ("/api/v1/stories/{id}", get(stories::one)),
        ("/api/v1/articles", get(articles::list)),
        ("/api/v1/articles/{id}", get(articles::one)),
        ("/api/v1/sources", get(sources::list)),
        ("/api/v1/sources/{id}", get(sources::one)),
        ("/api/v1/search", get(search::search)),
    ];
    routes.extend(crate::people::api::routes());
    routes.push(("/api/v1/me/replies", get(crate::people::replies::api_list)));
    routes
}

/// The API's router: [`routes`], the index at `/api` too, and a JSON 404 for any other path
/// under `/api`; every request through the per-address limit ([`limit`]), every error
/// answered as JSON ([`json_errors`]).
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for (path, handlers) in routes() {
        router = router.route(path, handlers);
    }
    router
        .route("/api", get(index::index))
        .route("/api/", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .route("/api/v1/", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit::per_address,
        ))
        .layer(middleware::from_fn(json_errors::as_json))
}

/// Any other path under `/api`: the path without its trailing slash when it has one (see
/// [`crate::trailing_slash`]), else a JSON 404 pointing at the document.
async fn not_found(uri: Uri) -> Response {
    if let Some(redirect) = crate::trailing_slash::redirect(&uri) {
        return redirect;
    }
    ApiError::NotFound("no such API endpoint; see /api/v1/openapi.json".to_string()).into_response()
}

/// `value` as a cached JSON answer.
pub(crate) fn json<T: Serialize>(headers: &HeaderMap, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let body = crate::feeds_out::json_without_markup(&body);
    Ok(cached(headers, "application/json", body, SHORT_MAX_AGE))
}

/// Parses an id from the path; anything that is not an integer names nothing, so it is a 404.
pub(crate) fn parse_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::NotFound(format!("no {what} with id {raw:?}")))
}
