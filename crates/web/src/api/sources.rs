//! `GET /api/v1/sources` (every source with its health) and `GET /api/v1/sources/{id}` (one,
//! with its article count and latest articles).

use super::views::{ArticleView, SourceView};
use super::{ApiError, json, parse_id};
use crate::base_url::site_base;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use tidings_model::SourceId;

/// Latest articles listed with a source.
const LATEST: i64 = 20;

#[derive(Serialize)]
struct SourceList {
    items: Vec<SourceView>,
}

#[derive(Serialize)]
struct SourceDetail {
    #[serde(flatten)]
    source: SourceView,
    article_count: i64,
    latest_articles: Vec<ArticleView>,
}

/// `GET /api/v1/sources`: every source with its health.
pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = site_base(state.base_url.as_deref(), &headers);
    let items = state
        .store
        .sources()
        .list()
        .await?
        .iter()
        .map(|s| SourceView::of(&base, s))
        .collect();
    json(&headers, &SourceList { items })
}

/// `GET /api/v1/sources/{id}`: one source with its latest articles.
pub(crate) async fn one(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw, "source")?;
    let base = site_base(state.base_url.as_deref(), &headers);
    let store = &state.store;
    let source = store
        .sources()
        .get_public(SourceId(id))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no source with id {id}")))?;
    let latest_articles = store
        .articles()
        .by_source(source.id, LATEST)
        .await?
        .iter()
        .map(|l| ArticleView::of(&base, l))
        .collect();
    let detail = SourceDetail {
        article_count: store.articles().count_by_source(source.id).await?,
        source: SourceView::of(&base, &source),
        latest_articles,
    };
    json(&headers, &detail)
}
