//! Paths that end in a slash: `/article/22/` is `/article/22`, so a link written with a
//! trailing slash (by hand, by another site, by a tool that adds one) reaches the page.
//!
//! Only a path no route answers is redirected: the fallbacks call [`redirect`] before they
//! say "not found", so a route that is itself written with a slash (the Fever API's
//! `/fever/`) keeps answering, and `/` is never touched. The redirect is `308 Permanent
//! Redirect`, which keeps the method and body, so a form or an API client posting to the
//! slashed path is not turned into a `GET`. The answer is never a page the page cache keeps
//! (it keeps only `200` pages), and the path it leads to is cached as usual.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// `308` to `uri` without its trailing slashes (the query kept), when its path has any and is
/// not `/`; `None` otherwise.
pub(crate) fn redirect(uri: &Uri) -> Option<Response> {
    let location = target(uri)?;
    let value = HeaderValue::from_str(&location).ok()?;
    Some((StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, value)]).into_response())
}

/// Where [`redirect`] sends `uri`. The target always starts with exactly one `/` and holds
/// no backslash, so it cannot be read as another host (`//evil.example`, `/\evil.example`).
fn target(uri: &Uri) -> Option<String> {
    let path = uri.path();
    if path == "/" || !path.ends_with('/') || path.contains('\\') {
        return None;
    }
    let trimmed = path.trim_end_matches('/').trim_start_matches('/');
    let mut location = format!("/{trimmed}");
    if let Some(query) = uri.query() {
        location.push('?');
        location.push_str(query);
    }
    Some(location)
}

#[cfg(test)]
mod tests {
    use super::target;
    use axum::http::Uri;

    fn to(uri: &str) -> Option<String> {
        target(&uri.parse::<Uri>().expect("uri"))
    }

    #[test]
    fn slashed_paths_lose_the_slash_and_keep_the_query() {
        assert_eq!(to("/article/22/").as_deref(), Some("/article/22"));
        assert_eq!(
            to("/topic/local/?lang=de").as_deref(),
            Some("/topic/local?lang=de")
        );
        assert_eq!(to("/sources///").as_deref(), Some("/sources"));
    }

    #[test]
    fn the_root_and_unslashed_paths_stay() {
        assert_eq!(to("/"), None);
        assert_eq!(to("/?page=2"), None);
        assert_eq!(to("/article/22"), None);
    }

    #[test]
    fn no_redirect_leads_to_another_host() {
        assert_eq!(to("//evil.example/").as_deref(), Some("/evil.example"));
        assert_eq!(to("///").as_deref(), Some("/"));
        assert_eq!(to("/\\evil.example/"), None);
    }
}
