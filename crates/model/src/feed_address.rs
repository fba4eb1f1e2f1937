//! A feed's address as it may be shown to people other than the instance's administrators.
//!
//! Operators add feeds that need credentials: `http://reader:s3cret@host/feed.xml` (HTTP basic
//! auth in the userinfo) or `…/feed.xml?token=abc` (a secret in the query). The store keeps
//! the full address, which the fetcher needs; every page, API answer, feed and export that
//! people other than administrators see shows [`public_feed_url`] instead: the userinfo is
//! dropped and the value of each query parameter whose name looks secret is replaced by
//! [`REDACTED`]. Administrators' views may show the full address, flagged by
//! [`carries_credentials`].

/// What a secret query parameter's value is replaced with.
pub const REDACTED: &str = "REDACTED";

/// Shown for an address that cannot be parsed yet looks as if it could carry a secret.
const HIDDEN: &str = "(address hidden)";

/// Query parameter names (lower case, `-` read as `_`) whose values are secrets.
const SECRET_NAMES: &[&str] = &[
    "token",
    "key",
    "apikey",
    "api_key",
    "secret",
    "password",
    "passwd",
    "pass",
    "pwd",
    "sig",
    "signature",
    "auth",
    "authorization",
    "access_token",
    "refresh_token",
    "client_secret",
    "session",
    "sessionid",
    "session_id",
    "sid",
    "credential",
    "credentials",
];

/// Name endings that mark a secret too (`feed_token`, `x_api_key`, `hmacsignature`).
const SECRET_SUFFIXES: &[&str] = &["token", "_key", "apikey", "secret", "password", "signature"];

/// `url` without userinfo and with the values of secret-looking query parameters replaced by
/// [`REDACTED`]: the address to show anyone but an administrator. An address that does not
/// parse is returned as it is unless it contains `@` or `?`, in which case a placeholder
/// stands for it.
pub fn public_feed_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return if url.contains(['@', '?']) {
            HIDDEN.to_string()
        } else {
            url.to_string()
        };
    };
    if parsed.has_authority() {
        // Both only fail for addresses without a host, which carry no userinfo either.
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() && parsed.query_pairs().any(|(name, _)| is_secret_name(&name)) {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if is_secret_name(&name) {
                    REDACTED.to_string()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// Whether `url` carries credentials (userinfo or a secret-looking query parameter), so
/// that [`public_feed_url`] differs from it.
pub fn carries_credentials(url: &str) -> bool {
    public_feed_url(url) != url
}

/// Whether a query parameter's name looks like it holds a secret.
fn is_secret_name(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase().replace('-', "_");
    SECRET_NAMES.contains(&name.as_str())
        || SECRET_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_dropped_and_secret_parameters_redacted() {
        assert_eq!(
            public_feed_url("http://reader:s3cret@host.example/feed.xml?token=abc&page=2"),
            "http://host.example/feed.xml?token=REDACTED&page=2"
        );
        assert_eq!(
            public_feed_url("https://user@host.example/rss"),
            "https://host.example/rss"
        );
        for name in [
            "key",
            "apikey",
            "api_key",
            "API-KEY",
            "secret",
            "password",
            "sig",
            "signature",
            "auth",
            "access_token",
            "feed_token",
        ] {
            let shown = public_feed_url(&format!("https://h.example/f?{name}=zzz&lang=en"));
            assert!(!shown.contains("zzz"), "{name}: {shown}");
            assert!(shown.contains("lang=en"), "{name}: {shown}");
        }
    }

    #[test]
    fn plain_addresses_are_shown_unchanged() {
        for url in [
            "https://example.org/feed.xml",
            "https://example.org/feed?lang=de&format=rss",
            "https://example.org/search?q=monkey&page=3",
            "demo:world",
        ] {
            assert_eq!(public_feed_url(url), url);
            assert!(!carries_credentials(url), "{url}");
        }
        assert!(carries_credentials("http://a:b@example.org/"));
        assert!(carries_credentials("http://example.org/?apikey=1"));
        assert_eq!(public_feed_url("not a url ?token=1"), HIDDEN);
    }
}
