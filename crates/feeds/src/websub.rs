//! WebSub discovery (W3C WebSub, section 4): a publisher names its hubs and the feed's own
//! address (the *topic*) with `rel="hub"` and `rel="self"` links, in the HTTP `Link` header or
//! in the document. The document's links are read by each format's reader; this module reads
//! the header (RFC 8288) and says which addresses are worth keeping.

use url::Url;

/// The most hubs kept for one feed: a publisher names one or two; a document naming dozens is
/// not asking for dozens of subscriptions.
pub const MAX_HUBS: usize = 4;

/// The longest hub or topic address kept, in bytes.
const MAX_URL_BYTES: usize = 2048;

/// Whether `url` may be a hub or topic address: absolute http(s), with a host, not too long.
pub(crate) fn is_usable_url(url: &str) -> bool {
    url.len() <= MAX_URL_BYTES
        && Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// The targets of the links in one HTTP `Link` header value whose relation types include
/// `rel` (compared without case), resolved against `base` (the URL the response came from),
/// in order, without repeats, and only usable http(s) addresses.
///
/// ```
/// let header = r#"<https://hub.example/>; rel="hub", </feed.xml>; rel=self"#;
/// let base = "https://news.example/feed";
/// assert_eq!(tidings_feeds::links_in_header(header, "hub", base), ["https://hub.example/"]);
/// assert_eq!(
///     tidings_feeds::links_in_header(header, "self", base),
///     ["https://news.example/feed.xml"]
/// );
/// ```
pub fn links_in_header(value: &str, rel: &str, base: &str) -> Vec<String> {
    let base = Url::parse(base).ok();
    let mut out: Vec<String> = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        let target = after[..close].trim();
        let (params, next) = split_params(&after[close + 1..]);
        rest = next;
        if !has_rel(params, rel) {
            continue;
        }
        let resolved = match &base {
            Some(b) => b.join(target).map(String::from).ok(),
            None => Url::parse(target).map(String::from).ok(),
        };
        if let Some(url) = resolved.filter(|u| is_usable_url(u))
            && !out.contains(&url)
        {
            out.push(url);
            // A header is the server's to make long: past the few links anyone reads,
            // scanning on would only cost (each new link is compared with those kept).
            if out.len() == MAX_HUBS {
                break;
            }
        }
    }
    out
}

/// The parameters of one link (up to the comma that ends it, outside quotes) and what
/// follows.
fn split_params(s: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

/// Whether a link's parameters (`; rel="hub self"; type=…`) give it the relation `rel`.
fn has_rel(params: &str, rel: &str) -> bool {
    params.split(';').any(|param| {
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case(rel))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DocumentInfo, parse};

    fn feed(body: &str) -> crate::ParsedFeed {
        parse(
            body.as_bytes(),
            &DocumentInfo::from_url("https://news.example/feeds/main.xml"),
        )
        .expect("a feed")
    }

    #[test]
    fn atom_feeds_name_their_hubs_and_themselves() {
        let atom = feed(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
            <link rel="alternate" href="https://news.example/"/>
            <link rel="hub" href="https://hub.example/"/>
            <link rel="HUB" href="https://hub.example/"/>
            <link rel="hub" href="/local-hub"/>
            <link rel="hub" href="ftp://hub.example/"/>
            <link rel="self" href="https://news.example/atom"/>
            <link rel="self" href="https://news.example/other"/></feed>"#,
        );
        assert_eq!(
            atom.hubs,
            ["https://hub.example/", "https://news.example/local-hub"],
            "each hub once, relative ones resolved, non-web ones dropped"
        );
        assert_eq!(atom.self_url.as_deref(), Some("https://news.example/atom"));
        assert_eq!(atom.site_url.as_deref(), Some("https://news.example/"));
    }

    #[test]
    fn rss_feeds_name_them_through_the_atom_namespace() {
        let rss = feed(
            r#"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
            <title>T</title><link>https://news.example/</link>
            <atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
            <atom:link rel="self" type="application/rss+xml" href="https://news.example/rss"/>
            <item><title>a</title><link>https://news.example/a</link></item>
            </channel></rss>"#,
        );
        assert_eq!(rss.hubs, ["https://pubsubhubbub.appspot.com/"]);
        assert_eq!(rss.self_url.as_deref(), Some("https://news.example/rss"));
        assert_eq!(rss.site_url.as_deref(), Some("https://news.example/"));
        assert_eq!(rss.entries.len(), 1);
        let plain = feed("<rss><channel><title>T</title></channel></rss>");
        assert!(plain.hubs.is_empty() && plain.self_url.is_none());
    }

    #[test]
    fn json_feeds_name_them_in_hubs_and_feed_url() {
        let json = feed(
            r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T",
               "feed_url": "https://news.example/feed.json",
               "hubs": [{"type": "WebSub", "url": "https://hub.example/"},
                        {"type": "rssCloud", "url": "https://cloud.example/"},
                        {"url": "https://other-hub.example/"}],
               "items": []}"#,
        );
        assert_eq!(
            json.hubs,
            ["https://hub.example/", "https://other-hub.example/"],
            "hubs of another protocol are not WebSub hubs"
        );
        assert_eq!(
            json.self_url.as_deref(),
            Some("https://news.example/feed.json")
        );
    }

    #[test]
    fn too_many_hubs_are_cut() {
        let links: String = (0..10)
            .map(|i| format!(r#"<link rel="hub" href="https://hub{i}.example/"/>"#))
            .collect();
        let atom = feed(&format!(
            r#"<feed xmlns="http://www.w3.org/2005/Atom">{links}</feed>"#
        ));
        assert_eq!(atom.hubs.len(), MAX_HUBS);
        assert_eq!(atom.hubs[0], "https://hub0.example/");
    }

    #[test]
    fn link_headers_are_read_by_relation() {
        let base = "https://news.example/feeds/main.xml";
        let header = r#"<https://hub.example/a,b>; rel="hub", <main.xml>; rel="self alternate"; type="application/atom+xml", <https://x.example/>; title="rel=hub"; rel=next, <https://second-hub.example/>;REL=Hub"#;
        assert_eq!(
            links_in_header(header, "hub", base),
            ["https://hub.example/a,b", "https://second-hub.example/"]
        );
        assert_eq!(
            links_in_header(header, "self", base),
            ["https://news.example/feeds/main.xml"]
        );
        assert!(links_in_header(header, "next", base).len() == 1);
        assert!(links_in_header("garbage <no end", "hub", base).is_empty());
        assert!(links_in_header("<javascript:alert(1)>; rel=hub", "hub", base).is_empty());
    }
}
