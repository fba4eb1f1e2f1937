//! HTTP caching for the machine-readable outputs (feeds and the JSON API): a weak `ETag`
//! computed from the response body, `Cache-Control`, and `If-None-Match` answered with
//! `304 Not Modified`.
//!
//! The tag is a hash of the bytes sent, so it is the same on every web process that renders
//! the same document, and it changes exactly when the document does. It is *weak* (`W/"…"`)
//! because the body may still be compressed on the way out.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How long clients and shared caches may reuse a feed or an API answer without asking again.
pub const SHORT_MAX_AGE: u32 = 60;

/// How long a document that changes only with a new release (the OpenAPI description) may be
/// reused.
pub const LONG_MAX_AGE: u32 = 3_600;

/// The weak entity tag of `body`: `W/"<16 hex digits>"`, from a fixed 64-bit FNV-1a hash (not
/// `std`'s hasher, whose output may change between Rust releases and processes).
pub fn weak_etag(body: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for &byte in body {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    format!("W/\"{hash:016x}-{:x}\"", body.len())
}

/// Whether the request's `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for
/// `If-None-Match`), or is `*`.
pub fn matches_if_none_match(request: &HeaderMap, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}

/// A `200` response with `body`, its content type, a weak `ETag` and
/// `Cache-Control: public, max-age=…`; or `304 Not Modified` with the same validators when the
/// request already holds this version.
pub fn cached(
    request: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    max_age: u32,
) -> Response {
    let etag = weak_etag(&body);
    let cache_control = format!("public, max-age={max_age}");
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Host"));
    if matches_if_none_match(request, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (StatusCode::OK, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_weak_stable_and_follow_the_content() {
        let a = weak_etag(b"hello");
        assert!(a.starts_with("W/\"") && a.ends_with('"'), "{a}");
        assert_eq!(a, weak_etag(b"hello"));
        assert_ne!(a, weak_etag(b"hellp"));
    }

    fn request(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn if_none_match_compares_weakly_and_reads_lists() {
        let tag = weak_etag(b"x");
        let strong = tag.trim_start_matches("W/").to_string();
        assert!(matches_if_none_match(&request(&tag), &tag));
        assert!(matches_if_none_match(&request(&strong), &tag));
        assert!(matches_if_none_match(
            &request(&format!("\"other\", {tag}")),
            &tag
        ));
        assert!(matches_if_none_match(&request("*"), &tag));
        assert!(!matches_if_none_match(&request("W/\"other\""), &tag));
        assert!(!matches_if_none_match(&HeaderMap::new(), &tag));
    }

    #[test]
    fn a_matching_request_gets_304_without_a_body() {
        let body = b"{}".to_vec();
        let tag = weak_etag(&body);
        let fresh = cached(&HeaderMap::new(), "application/json", body.clone(), 60);
        assert_eq!(fresh.status(), StatusCode::OK);
        assert_eq!(
            fresh
                .headers()
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok()),
            Some(tag.as_str())
        );
        assert_eq!(
            fresh
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("public, max-age=60")
        );
        let again = cached(&request(&tag), "application/json", body, 60);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.headers().get(header::CONTENT_TYPE).is_none());
    }
}
