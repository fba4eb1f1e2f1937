//! `GET /source/{id}/icon`: a source's icon (favicon), as the pipeline stored it, for the
//! site's pages and the reader apps (Google Reader's `iconUrl`).
//!
//! The bytes came from a publisher, so they are answered as inert as they can be: with the
//! type their magic number decided (never SVG), `X-Content-Type-Options: nosniff` and a
//! Content-Security-Policy that lets nothing run or load should a browser open the address
//! as a document. The icon's hash is its strong `ETag`; a client holding it gets `304`.

use crate::http_cache::matches_if_none_match;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use tidings_model::SourceId;

/// How long a browser or a shared cache keeps an icon without asking again: a day (icons
/// are fetched again weekly at most).
const MAX_AGE: &str = "public, max-age=86400";

/// The policy of an icon opened as a document: nothing loads, nothing runs.
const ICON_POLICY: &str = "default-src 'none'; sandbox";

/// The icon of public source `id`; `404` for a source without one, or waiting for review.
pub(crate) async fn icon(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    match stored(&state, SourceId(id)).await {
        Ok(Some((content_type, hash, bytes))) => answer(&headers, &content_type, &hash, bytes),
        Ok(None) => not_found(),
        Err(err) => {
            tracing::warn!(source = id, %err, "could not read a source's icon");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the icon could not be read\n",
            )
                .into_response()
        }
    }
}

/// The stored type, hash and bytes of a public source's icon.
async fn stored(
    state: &AppState,
    id: SourceId,
) -> Result<Option<(String, String, Vec<u8>)>, tidings_store::StoreError> {
    if state.store.sources().get_public(id).await?.is_none() {
        return Ok(None);
    }
    let Some(icon) = state.store.source_icons().get(id).await? else {
        return Ok(None);
    };
    let icon = icon.icon;
    Ok(base64::engine::general_purpose::STANDARD
        .decode(icon.data_base64.as_bytes())
        .ok()
        .map(|bytes| (icon.content_type, icon.hash, bytes)))
}

/// `200` with the bytes, or `304` when the request holds this version.
fn answer(request: &HeaderMap, content_type: &str, hash: &str, bytes: Vec<u8>) -> Response {
    let etag = format!("\"{hash}\"");
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ICON_POLICY),
    );
    if matches_if_none_match(request, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    (StatusCode::OK, headers, bytes).into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-cache")],
        "no icon\n",
    )
        .into_response()
}
