//! The feeds an address offers, for an app's "discover" (Miniflux's `POST /v1/discover`):
//! the address itself when it is a feed, else the feeds its HTML page links with
//! `<link rel="alternate">`. The page is fetched through the instance's own fetcher, the
//! pipeline's ([`crate::AppParts::fetcher`]): its user agent, timeouts, size limit and
//! robots.txt, its turns per host, and its guard, which refuses private, loopback and
//! link-local addresses unless the instance allows them. The document is parsed on tokio's
//! blocking pool, not in the request's task: a slow or hostile one costs a blocking thread,
//! never a runtime worker.

use crate::state::AppState;
use tidings_feeds::{
    DiscoveredFeed, DocumentInfo, FeedError, FeedKind, ParsedFeed, discover_feeds, parse,
};
use tidings_fetch::{FeedUrlError, Fetched, Validators, check_feed_url};

/// The most feeds one discovery answers.
const MAX_FOUND: usize = 20;

/// A feed found at an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundFeed {
    /// The feed's absolute address.
    pub(crate) url: String,
    /// Its title: the link's, the feed's own, or else its address.
    pub(crate) title: String,
    /// `rss`, `atom` or `json`, as Miniflux names them.
    pub(crate) kind: &'static str,
}

/// Why nothing could be discovered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DiscoveryError {
    /// The address is not one the site may fetch.
    #[error("{0}")]
    Address(#[from] FeedUrlError),
    /// Fetching it failed.
    #[error("the page could not be fetched: {0}")]
    Fetch(String),
    /// The document is refused whole: its entities expand past the reader's limits.
    #[error("{0}")]
    Unreadable(FeedError),
}

/// What a fetched document turned out to be.
enum Read {
    /// A feed.
    Feed(ParsedFeed),
    /// An HTML page, with the feeds it links.
    Page(Vec<DiscoveredFeed>),
    /// Neither, and why.
    NotFeed(FeedError),
}

fn kind_name(kind: FeedKind) -> &'static str {
    match kind {
        FeedKind::Rss => "rss",
        FeedKind::Atom => "atom",
        FeedKind::Json => "json",
    }
}

/// What kind of feed a document that parsed as one is, by its first markup.
fn sniffed_kind(body: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    if head.trim_start().starts_with('{') {
        "json"
    } else if head.contains("<feed") {
        "atom"
    } else {
        "rss"
    }
}

/// The feeds at `url`: itself if it is a feed, else those its page links (none: empty).
pub(crate) async fn discover(
    state: &AppState,
    url: &str,
) -> Result<Vec<FoundFeed>, DiscoveryError> {
    let url = check_feed_url(url, state.feed_url_policy())?;
    let doc = match state.fetcher.get(&url, &Validators::default()).await {
        Ok(Fetched::Document(doc)) => doc,
        Ok(Fetched::NotModified) => return Ok(Vec::new()),
        Err(err) => return Err(DiscoveryError::Fetch(err.to_string())),
    };
    let (doc, parsed) = tokio::task::spawn_blocking(move || {
        let info = DocumentInfo {
            url: Some(&doc.final_url),
            content_type: doc.content_type.as_deref(),
            ..DocumentInfo::default()
        };
        let parsed = match parse(&doc.body, &info) {
            Ok(feed) => Read::Feed(feed),
            Err(FeedError::HtmlPage) => Read::Page(discover_feeds(&doc.body, &doc.final_url)),
            Err(err) => Read::NotFeed(err),
        };
        (doc, parsed)
    })
    .await
    .map_err(|err| DiscoveryError::Fetch(err.to_string()))?;
    match parsed {
        Read::Feed(feed) => Ok(vec![FoundFeed {
            title: feed
                .title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| doc.final_url.clone()),
            url: doc.final_url.clone(),
            kind: sniffed_kind(&doc.body),
        }]),
        Read::Page(linked) => Ok(linked
            .into_iter()
            .filter(|found| check_feed_url(&found.url, state.feed_url_policy()).is_ok())
            .take(MAX_FOUND)
            .map(|found| FoundFeed {
                title: found
                    .title
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| found.url.clone()),
                url: found.url,
                kind: kind_name(found.kind),
            })
            .collect()),
        Read::NotFeed(err @ FeedError::EntityExpansion(_)) => Err(DiscoveryError::Unreadable(err)),
        Read::NotFeed(_) => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_is_named_by_its_first_markup() {
        assert_eq!(
            sniffed_kind(b"  {\"version\": \"https://jsonfeed.org\"}"),
            "json"
        );
        assert_eq!(
            sniffed_kind(b"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            "atom"
        );
        assert_eq!(
            sniffed_kind(b"<?xml version=\"1.0\"?><rss version=\"2.0\">"),
            "rss"
        );
    }
}
