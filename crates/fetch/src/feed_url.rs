//! Which addresses may become sources: the one check the command line (`tidings sources
//! add`, OPML imports), the administrators' "Add a feed" form and the reader apps' APIs share.
//!
//! A source is an `http` or `https` URL with a host; anything else (`javascript:`, `file:`,
//! `ftp:`, text that is no URL) is refused. A page address is fine: the pipeline follows an
//! HTML page to the feed it names.
//!
//! Private addresses: the fetcher's guard refuses loopback, private and link-local addresses
//! at fetch time (by IP literal, by DNS answer, at every redirect) unless the operator allows
//! them; that guard is the defence. Where the caller knows the instance refuses them, it may
//! also refuse, at once, an address whose host is *certainly* private
//! ([`FeedUrlPolicy::PublicOnly`]): an IP literal that is not public, or `localhost`. Other
//! names are not resolved here: DNS may answer otherwise by the time of the fetch, which the
//! guard checks again anyway.

use crate::address_guard::is_public_address;
use std::net::IpAddr;

/// Why an address cannot become a source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedUrlError {
    /// The text is not a URL.
    #[error("{0:?} is not a URL")]
    NotAUrl(String),
    /// The URL is not `http` or `https`, or has no host.
    #[error("{0:?} is not an http or https URL")]
    NotWeb(String),
    /// The URL's host is a private, loopback or link-local address, which this instance does
    /// not fetch.
    #[error(
        "{0:?} names a private, loopback or link-local address, which this instance does not fetch (see allow_private_addresses)"
    )]
    PrivateAddress(String),
}

/// Whether a check also refuses addresses that are certainly private.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedUrlPolicy {
    /// Any http(s) URL: the fetcher's guard decides at fetch time (what the command line
    /// does; the operator may run the server with private addresses allowed).
    Any,
    /// Also refuse an IP literal that is not public and `localhost` names, as the fetcher's
    /// guard would at every fetch.
    PublicOnly,
}

/// The address as it is stored (trimmed and parsed, so written the one way the `url` crate
/// writes it), if it may become a source under `policy`.
pub fn check_feed_url(url: &str, policy: FeedUrlPolicy) -> Result<String, FeedUrlError> {
    let text = url.trim();
    let parsed = url::Url::parse(text).map_err(|_| FeedUrlError::NotAUrl(text.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(FeedUrlError::NotWeb(text.to_string()));
    }
    if policy == FeedUrlPolicy::PublicOnly && names_private_host(&parsed) {
        return Err(FeedUrlError::PrivateAddress(text.to_string()));
    }
    Ok(parsed.to_string())
}

/// Whether the URL's host is certainly not on the public internet: an IP literal the
/// fetcher's guard refuses, or `localhost` and names under it.
fn names_private_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => !is_public_address(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public_address(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_with_a_host_are_sources() {
        assert_eq!(
            check_feed_url(" https://Example.org/feed ", FeedUrlPolicy::Any),
            Ok("https://example.org/feed".to_string())
        );
        assert_eq!(
            check_feed_url("http://example.org", FeedUrlPolicy::PublicOnly),
            Ok("http://example.org/".to_string())
        );
        for bad in [
            "ftp://example.org/feed",
            "file:///etc/passwd",
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,<script>",
            "http://",
        ] {
            assert!(
                check_feed_url(bad, FeedUrlPolicy::Any).is_err(),
                "{bad} must be refused"
            );
        }
        assert_eq!(
            check_feed_url("not a url", FeedUrlPolicy::Any),
            Err(FeedUrlError::NotAUrl("not a url".to_string()))
        );
        assert!(matches!(
            check_feed_url("file:///etc/passwd", FeedUrlPolicy::Any),
            Err(FeedUrlError::NotWeb(_))
        ));
    }

    #[test]
    fn certainly_private_hosts_are_refused_only_under_public_only() {
        for private in [
            "http://127.0.0.1/feed",
            "http://10.0.0.7/feed",
            "http://192.168.1.1:8080/rss",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/feed",
            "http://[fd00::1]/feed",
            "http://localhost/feed",
            "http://LOCALHOST./feed",
            "http://admin.localhost/feed",
            "http://0x7f000001/feed",
        ] {
            assert!(
                matches!(
                    check_feed_url(private, FeedUrlPolicy::PublicOnly),
                    Err(FeedUrlError::PrivateAddress(_))
                ),
                "{private} must be refused"
            );
            assert!(
                check_feed_url(private, FeedUrlPolicy::Any).is_ok(),
                "{private} passes when the guard decides"
            );
        }
        for public in [
            "https://93.184.215.14/feed",
            "https://[2606:4700::1111]/feed",
            "https://localhost.example.org/feed",
        ] {
            assert!(
                check_feed_url(public, FeedUrlPolicy::PublicOnly).is_ok(),
                "{public} is public"
            );
        }
    }
}
