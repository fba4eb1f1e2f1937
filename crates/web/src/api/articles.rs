//! `GET /api/v1/articles` (the latest, paginated, cut by section, topic or language as the
//! pages are) and `GET /api/v1/articles/{id}`.

use super::filter::{ListQuery, Positions};
use super::page::{Cursor, Paged};
use super::views::{ArticleDetail, ArticleView};
use super::{ApiError, json, parse_id};
use crate::base_url::site_base;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use tidings_model::ArticleId;

/// `GET /api/v1/articles`: a page of the latest articles.
pub(crate) async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ListQuery {
        page: request,
        filter,
        before,
    } = ListQuery::parse(query.as_deref(), Positions::Read)?;
    let base = site_base(state.base_url.as_deref(), &headers);
    let articles = state.store.articles();
    let listings = match before {
        Some(c) => {
            articles
                .latest_in_before(&filter, (c.sort_at, ArticleId(c.id)), request.per_page + 1)
                .await?
        }
        None => {
            articles
                .latest_in(&filter, request.per_page + 1, request.offset())
                .await?
        }
    };
    let positions: Vec<Cursor> = listings
        .iter()
        .map(|l| Cursor {
            sort_at: l.sort_at,
            id: l.article.id.0,
        })
        .collect();
    let items = listings.iter().map(|l| ArticleView::of(&base, l)).collect();
    json(
        &headers,
        &Paged::from_overfetch(request, items).with_next(&positions),
    )
}

/// `GET /api/v1/articles/{id}`: one article in full.
pub(crate) async fn one(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw, "article")?;
    let base = site_base(state.base_url.as_deref(), &headers);
    let listing = state
        .store
        .articles()
        .get(ArticleId(id))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no article with id {id}")))?;
    json(&headers, &ArticleDetail::of(&base, &listing, state.display))
}
