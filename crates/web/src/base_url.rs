//! The site's absolute base URL, for feeds and API answers that must carry absolute links:
//! the operator's `base_url` when configured, else one built from the request's `Host`
//! header (and `X-Forwarded-Proto`, when a proxy in front says the scheme is https).

use axum::http::{HeaderMap, header};

/// The base URL to write absolute links with, without a trailing slash
/// (`https://news.example`): `configured` (the `AppState`'s `base_url`) when set, else from
/// the request's headers.
pub(crate) fn site_base(configured: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(base) = configured.map(str::trim).filter(|b| !b.is_empty()) {
        return base.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_plain_host(h))
        .unwrap_or("localhost");
    let https = forwarded_https(headers);
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// Whether the request's `X-Forwarded-Proto` says https (a proxy in front terminated TLS).
/// Anyone can send the header: callers that grant something on it check that the operator
/// trusts the proxy (see [`crate::people::client_ip::trusted_https`]).
pub(crate) fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// Whether a `Host` header is a host name or address with an optional port, and nothing that
/// could smuggle a path, a user or markup into a link.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn host(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(value).expect("header"));
        h
    }

    #[test]
    fn the_configured_base_wins_over_the_host_header() {
        assert_eq!(
            site_base(Some("https://news.example/"), &host("evil.example")),
            "https://news.example"
        );
    }

    #[test]
    fn without_one_the_host_header_is_used_when_it_is_a_plain_host() {
        assert_eq!(
            site_base(None, &host("127.0.0.1:8080")),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            site_base(Some(" "), &host("a.example/\"><x")),
            "http://localhost"
        );
        assert_eq!(site_base(None, &HeaderMap::new()), "http://localhost");
        let mut proxied = host("news.example");
        proxied.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(site_base(None, &proxied), "https://news.example");
    }
}
