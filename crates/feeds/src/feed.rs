//! RSS, Atom and JSON Feed documents into [`Entry`] values.

use crate::FeedError;
use feed_rs::model;
use tidings_model::{Entry, UnixSeconds};
use url::Url;

/// A feed as read: its own metadata and its entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFeed {
    /// The feed's title.
    pub title: Option<String>,
    /// The outlet's home page, from the feed's alternate link.
    pub site_url: Option<String>,
    /// The feed's declared language.
    pub language: Option<String>,
    /// The items, in document order.
    pub entries: Vec<Entry>,
}

/// Parses a feed document fetched from `feed_url` (used to resolve relative links).
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<ParsedFeed, FeedError> {
    let head = skip_bom_and_space(bytes);
    if head.is_empty() {
        return Err(FeedError::Empty);
    }
    if looks_like_html(head) {
        return Err(FeedError::HtmlPage);
    }
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url))
        .build()
        .parse(bytes)
        .map_err(|err| FeedError::Invalid(describe(&err)))?;
    let base = Url::parse(feed_url).ok();
    let language = feed.language.clone().map(clean_language);
    let entries = feed
        .entries
        .into_iter()
        .map(|entry| to_entry(entry, base.as_ref(), language.as_deref()))
        .collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| t.content.trim().to_string()),
        site_url: alternate_link(&feed.links, base.as_ref()),
        language,
        entries,
    })
}

fn to_entry(entry: model::Entry, base: Option<&Url>, feed_language: Option<&str>) -> Entry {
    let image_url = entry
        .media
        .iter()
        .flat_map(|m| {
            m.content
                .iter()
                .filter(|c| c.content_type.as_ref().is_none_or(|t| t.ty() == "image"))
                .filter_map(|c| c.url.as_ref().map(|u| u.to_string()))
                .chain(m.thumbnails.iter().map(|t| t.image.uri.clone()))
        })
        .next()
        .and_then(|u| resolve(&u, base));
    let guid = Some(entry.id.trim().to_string()).filter(|id| !id.is_empty());
    let url = alternate_link(&entry.links, base).or_else(|| {
        guid.as_deref()
            .filter(|g| g.starts_with("http"))
            .and_then(|g| resolve(g, base))
    });
    Entry {
        guid,
        url,
        title: entry.title.map(|t| t.content.trim().to_string()),
        summary_html: entry
            .summary
            .map(|t| t.content)
            .filter(|s| !s.trim().is_empty()),
        content_html: entry
            .content
            .and_then(|c| c.body)
            .filter(|s| !s.trim().is_empty()),
        authors: entry
            .authors
            .into_iter()
            .filter_map(|p| p.name)
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect(),
        published: entry.published.map(|t| t.timestamp() as UnixSeconds),
        updated: entry.updated.map(|t| t.timestamp() as UnixSeconds),
        image_url,
        enclosures: Vec::new(),
        categories: entry
            .categories
            .into_iter()
            .map(|c| c.label.unwrap_or(c.term))
            .collect(),
        language: entry
            .language
            .map(clean_language)
            .or_else(|| feed_language.map(str::to_string)),
    }
}

/// The first link meant for readers: `rel="alternate"` or no `rel`, resolved to an absolute
/// URL.
fn alternate_link(links: &[model::Link], base: Option<&Url>) -> Option<String> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| links.first())
        .and_then(|l| resolve(&l.href, base))
}

/// Resolves a possibly relative link; only http(s) results are kept.
fn resolve(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// `en-US` stays, `en_us` becomes `en-us`; empty values vanish upstream.
fn clean_language(lang: String) -> String {
    lang.trim().replace('_', "-")
}

fn skip_bom_and_space(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Whether a document opens like an HTML page rather than a feed.
fn looks_like_html(head: &[u8]) -> bool {
    let prefix: Vec<u8> = head.iter().take(512).map(u8::to_ascii_lowercase).collect();
    let opens_with = |tag: &[u8]| prefix.starts_with(tag);
    if opens_with(b"<!doctype html") || opens_with(b"<html") {
        return true;
    }
    // An XML declaration or comment may precede the root: look for the first element.
    let text = String::from_utf8_lossy(&prefix);
    let root = text
        .match_indices('<')
        .map(|(i, _)| &text[i + 1..])
        .find(|rest| !rest.starts_with('?') && !rest.starts_with('!'));
    root.is_some_and(|rest| rest.starts_with("html"))
}

fn describe(err: &feed_rs::parser::ParseFeedError) -> String {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    match err {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            "no RSS, Atom or JSON Feed root element".to_string()
        }
        ParseFeedError::XmlReader(e) => format!("malformed XML ({e})"),
        ParseFeedError::JsonSerde(e) => format!("malformed JSON ({e})"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Harbour Post</title>
  <link>https://harbour.example/</link>
  <language>en-gb</language>
  <item>
    <title>Bridge reopens &amp; traffic flows</title>
    <link>/world/bridge-reopens?utm_source=rss</link>
    <guid isPermaLink="false">hp-1001</guid>
    <dc:creator>Ana Ruiz</dc:creator>
    <pubDate>Tue, 24 Nov 2026 09:30:00 +0100</pubDate>
    <description>The bridge is open again.</description>
    <content:encoded><![CDATA[<p>The bridge is <b>open</b> again.</p><p>Second.</p>]]></content:encoded>
    <media:content url="https://harbour.example/img/bridge.jpg" medium="image" type="image/jpeg"/>
    <category>World</category>
  </item>
  <item><title>No link here</title><guid>https://harbour.example/p/2</guid></item>
</channel></rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Nordkurier</title>
  <link rel="alternate" href="https://nord.example/"/>
  <link rel="self" href="https://nord.example/atom.xml"/>
  <id>urn:nord</id><updated>2026-11-24T10:00:00Z</updated>
  <entry>
    <title type="html">Br&#252;cke wieder offen</title>
    <link rel="alternate" href="https://nord.example/a/1"/>
    <id>urn:nord:1</id>
    <published>2026-11-24T08:00:00Z</published>
    <updated>2026-11-24T09:00:00+01:00</updated>
    <author><name>Jonas Berg</name></author>
    <summary>Kurz gesagt.</summary>
    <content type="html">&lt;p&gt;Die Br&#252;cke ist offen.&lt;/p&gt;</content>
  </entry>
</feed>"#;

    #[test]
    fn rss_items_become_entries() {
        let feed = parse_feed(RSS.as_bytes(), "https://harbour.example/rss.xml").expect("parse");
        assert_eq!(feed.title.as_deref(), Some("Harbour Post"));
        assert_eq!(feed.site_url.as_deref(), Some("https://harbour.example/"));
        assert_eq!(feed.entries.len(), 2);
        let e = &feed.entries[0];
        assert_eq!(e.title.as_deref(), Some("Bridge reopens & traffic flows"));
        assert_eq!(
            e.url.as_deref(),
            Some("https://harbour.example/world/bridge-reopens?utm_source=rss")
        );
        assert_eq!(e.guid.as_deref(), Some("hp-1001"));
        assert_eq!(e.authors, vec!["Ana Ruiz"]);
        assert_eq!(e.published, Some(1_795_509_000));
        assert_eq!(e.summary_html.as_deref(), Some("The bridge is open again."));
        assert!(
            e.content_html
                .as_deref()
                .is_some_and(|c| c.contains("<b>open</b>"))
        );
        assert_eq!(
            e.image_url.as_deref(),
            Some("https://harbour.example/img/bridge.jpg")
        );
        assert_eq!(e.categories, vec!["World"]);
        assert_eq!(e.language.as_deref(), Some("en-gb"));
        assert_eq!(
            feed.entries[1].url.as_deref(),
            Some("https://harbour.example/p/2"),
            "a permalink guid stands in for a missing link"
        );
    }

    #[test]
    fn atom_entries_become_entries() {
        let feed = parse_feed(ATOM.as_bytes(), "https://nord.example/atom.xml").expect("parse");
        assert_eq!(feed.site_url.as_deref(), Some("https://nord.example/"));
        let e = &feed.entries[0];
        assert_eq!(e.title.as_deref(), Some("Brücke wieder offen"));
        assert_eq!(e.url.as_deref(), Some("https://nord.example/a/1"));
        assert_eq!(e.authors, vec!["Jonas Berg"]);
        assert_eq!(e.published, Some(1_795_507_200));
        assert_eq!(e.updated, Some(1_795_507_200));
        assert_eq!(
            e.content_html.as_deref(),
            Some("<p>Die Brücke ist offen.</p>")
        );
        assert_eq!(e.language.as_deref(), Some("de"));
    }

    #[test]
    fn html_pages_are_told_apart_from_feeds() {
        for page in [
            "<!DOCTYPE html><html><head><title>x</title></head></html>",
            "  \n<html lang=en><body>hi</body></html>",
            "\u{feff}<!-- c --><html><body></body></html>",
            "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"></html>",
        ] {
            assert_eq!(
                parse_feed(page.as_bytes(), "https://x.example/"),
                Err(FeedError::HtmlPage),
                "{page}"
            );
        }
    }

    #[test]
    fn broken_documents_get_clear_errors() {
        assert_eq!(
            parse_feed(b"  ", "https://x.example/"),
            Err(FeedError::Empty)
        );
        match parse_feed(b"<rss><channel><item><title>x</ti", "https://x.example/") {
            Err(FeedError::Invalid(why)) => assert!(!why.is_empty()),
            other => panic!("expected an invalid-feed error, got {other:?}"),
        }
        match parse_feed(b"<note><to>Tove</to></note>", "https://x.example/") {
            Err(FeedError::Invalid(why)) => assert!(why.contains("root"), "{why}"),
            other => panic!("expected an invalid-feed error, got {other:?}"),
        }
    }
}
