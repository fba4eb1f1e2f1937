//! Opening an article reads it: when the article page is served to a signed-in reader, the
//! article (and its copies) is marked read for them, as Miniflux and FreshRSS mark an entry
//! read when it is opened, so `/saved`, "For you" and the apps agree. Not for anonymous
//! visitors (whose pages the page cache keeps, untouched by this), not for `HEAD`, not for a
//! browser's prefetch or prerender, and not when the reader has just marked the article
//! unread on its own page (the form sends them back with [`KEPT_UNREAD`]). Opening an
//! article already read writes nothing (see `tidings_store::Reading::mark_opened`).

use crate::people::session::Viewer;
use crate::state::AppState;
use axum::http::{HeaderMap, Method};
use tidings_model::ArticleId;

/// The query parameter and value (`kept=unread`) the article page's "Mark unread" form
/// returns to, so that coming back to the page does not read the article again.
pub(crate) const KEPT_UNREAD: (&str, &str) = ("kept", "unread");

/// Whether the request is a browser fetching a page ahead of the reader (`Sec-Purpose:
/// prefetch`, also `prefetch;prerender`; the older `Purpose: prefetch`, `X-Purpose: preview`
/// and `X-Moz: prefetch`), not the reader opening it.
pub(crate) fn is_prefetch(headers: &HeaderMap) -> bool {
    ["sec-purpose", "purpose", "x-purpose", "x-moz"]
        .iter()
        .filter_map(|name| headers.get(*name))
        .filter_map(|value| value.to_str().ok())
        .any(|value| {
            let value = value.to_ascii_lowercase();
            value.contains("prefetch") || value.contains("preview") || value.contains("prerender")
        })
}

/// `back` (a path, maybe with a query) with [`KEPT_UNREAD`] added to its query.
pub(crate) fn kept_unread(back: &str) -> String {
    let (key, value) = KEPT_UNREAD;
    let already = back.split_once('?').is_some_and(|(_, query)| {
        query
            .split('&')
            .any(|pair| pair == format!("{key}={value}"))
    });
    if already {
        return back.to_string();
    }
    let separator = if back.contains('?') { '&' } else { '?' };
    format!("{back}{separator}{key}={value}")
}

/// Marks `article` read for the reader the page is served to, unless the request is not the
/// reader opening it (see the module). A failure is logged: the page is served all the same.
pub(crate) async fn mark_opened(
    state: &AppState,
    viewer: Option<&Viewer>,
    method: &Method,
    headers: &HeaderMap,
    kept_unread: bool,
    article: ArticleId,
) {
    let Some(viewer) = viewer else {
        return;
    };
    if method != Method::GET || kept_unread || is_prefetch(headers) {
        return;
    }
    let now = state.people.clock.now_secs();
    // Written only when something was unread: a second opening writes nothing.
    if let Err(err) = state
        .store
        .reading()
        .mark_opened(viewer.user.id, article, now)
        .await
    {
        tracing::warn!(%err, article = article.0, "could not mark the opened article read");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn prefetches_are_told_from_openings() {
        let mut headers = HeaderMap::new();
        assert!(!is_prefetch(&headers));
        headers.insert(
            "sec-purpose",
            HeaderValue::from_static("prefetch;prerender"),
        );
        assert!(is_prefetch(&headers));
        let mut headers = HeaderMap::new();
        headers.insert("purpose", HeaderValue::from_static("Prefetch"));
        assert!(is_prefetch(&headers));
    }

    #[test]
    fn kept_unread_joins_the_query() {
        assert_eq!(kept_unread("/article/1/a"), "/article/1/a?kept=unread");
        assert_eq!(
            kept_unread("/article/1/a?comments=new"),
            "/article/1/a?comments=new&kept=unread"
        );
        assert_eq!(
            kept_unread("/article/1/a?kept=unread"),
            "/article/1/a?kept=unread"
        );
    }
}
