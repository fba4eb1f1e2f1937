//! `GET /api` and `GET /api/v1`: where the API starts, as a small JSON index linking its
//! OpenAPI document, the page on reader apps, and the list endpoints.

use super::{ApiError, json};
use crate::base_url::site_base;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

/// The index's shape.
#[derive(Debug, Serialize)]
struct Index {
    name: String,
    version: &'static str,
    /// The OpenAPI 3.1 document: every endpoint, parameter and shape.
    openapi_url: String,
    /// The page on connecting reader apps (Google Reader, Fever and Miniflux APIs).
    apps_url: String,
    /// The list endpoints, by resource.
    resources: Resources,
}

#[derive(Debug, Serialize)]
struct Resources {
    stories: String,
    articles: String,
    sources: String,
    search: String,
}

/// `GET /api` and `GET /api/v1`: the index.
pub(crate) async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = site_base(state.base_url.as_deref(), &headers);
    let api = format!("{base}/api/v1");
    json(
        &headers,
        &Index {
            name: format!("{} API", state.site_name),
            version: "v1",
            openapi_url: format!("{api}/openapi.json"),
            apps_url: format!("{base}/apps"),
            resources: Resources {
                stories: format!("{api}/stories"),
                articles: format!("{api}/articles"),
                sources: format!("{api}/sources"),
                search: format!("{api}/search"),
            },
        },
    )
}
