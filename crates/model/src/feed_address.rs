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
    // Nothing to hide: the address as it is (not as the URL parser would write it again).
    if !carries_credentials(url) {
        return url.to_string();
    }
    let Ok(mut parsed) = url::Url::parse(url) else {
        return HIDDEN.to_string();
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

/// Whether `url` carries credentials (userinfo or a secret-looking query parameter), or
/// does not parse yet has an `@` or a `?`: whether [`public_feed_url`] hides part of it.
pub fn carries_credentials(url: &str) -> bool {
    // Most addresses have neither, and need no parsing.
    if !url.contains(['@', '?']) {
        return false;
    }
    match url::Url::parse(url) {
        Ok(parsed) => {
            !parsed.username().is_empty()
                || parsed.password().is_some()
                || parsed.query_pairs().any(|(name, _)| is_secret_name(&name))
        }
        Err(_) => true,
    }
}

/// `text` (an error message, say) with each web address it quotes replaced by its
/// [`public_feed_url`]: addresses are read as runs of non-space characters holding `://`,
/// without the quotes, brackets and punctuation around them.
pub fn public_addresses_in(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("://") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        let trim = |c: char| {
            matches!(
                c,
                '"' | '\'' | '(' | ')' | '<' | '>' | '[' | ']' | ',' | ';'
            )
        };
        let core = word.trim_start_matches(trim);
        let lead = &word[..word.len() - core.len()];
        let core = core.trim_end_matches(trim);
        let tail = &word[lead.len() + core.len()..];
        out.push_str(lead);
        if core.contains("://") {
            out.push_str(&public_feed_url(core));
        } else {
            out.push_str(core);
        }
        out.push_str(tail);
        rest = &rest[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The name to show readers for an outlet named `name` whose feed is at `url`: its name, or
/// the feed's public address ([`public_feed_url`]) while it has none.
pub fn shown_source_name<'a>(name: &'a str, url: &str) -> std::borrow::Cow<'a, str> {
    if name.trim().is_empty() {
        std::borrow::Cow::Owned(public_feed_url(url))
    } else {
        std::borrow::Cow::Borrowed(name)
    }
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
    fn addresses_in_a_message_lose_their_credentials() {
        assert_eq!(
            public_addresses_in(
                "invalid URL \"http://u:pw@h.example/f?token=x\" (redirect loop back to \
                 https://u:pw@h.example/g)"
            ),
            "invalid URL \"http://h.example/f?token=REDACTED\" (redirect loop back to \
             https://h.example/g)"
        );
        let plain = "HTTP 500 from https://h.example/feed.xml";
        assert!(matches!(
            public_addresses_in(plain),
            std::borrow::Cow::Owned(ref s) if s == plain
        ));
        assert!(matches!(
            public_addresses_in("timed out"),
            std::borrow::Cow::Borrowed("timed out")
        ));
    }

    #[test]
    fn addresses_without_credentials_are_kept_as_written() {
        assert_eq!(
            public_feed_url("https://example.org"),
            "https://example.org"
        );
        assert!(!carries_credentials("https://Example.org/feed?page=2"));
        assert!(carries_credentials("https://u@example.org/feed"));
    }

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
