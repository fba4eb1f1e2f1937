//! The entry point: a fetched document and its HTTP context into a [`ParsedFeed`]. Sniffs the
//! format (JSON Feed, RSS, RDF, Atom, news sitemap), tells HTML pages apart, and maps the
//! result onto [`tidings_model::Entry`].

use crate::raw::RawFeed;
use crate::xml::{Document, tree};
use crate::{FeedError, atom, encoding, json_feed, rdf, rss, sitemap, url_base};
use tidings_model::Entry;

/// A feed as read: its own metadata and its entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFeed {
    /// The feed's title, as plain text.
    pub title: Option<String>,
    /// The outlet's home page, from the feed's alternate link.
    pub site_url: Option<String>,
    /// The feed's declared language.
    pub language: Option<String>,
    /// The items, in document order.
    pub entries: Vec<Entry>,
    /// How the document was not well-formed, when it was not. The entries are what could be
    /// read anyway; a caller that gets none may call the document invalid with this reason.
    pub malformed: Option<String>,
    /// The WebSub hubs the document announces (`<atom:link rel="hub">` in Atom and RSS,
    /// `hubs` in JSON Feed), absolute, at most [`crate::websub::MAX_HUBS`]. HTTP `Link`
    /// headers may announce others: see [`crate::links_in_header`].
    pub hubs: Vec<String>,
    /// The feed's own address as it states it (`rel="self"`, JSON Feed `feed_url`): the
    /// topic a WebSub hub knows it by.
    pub self_url: Option<String>,
    /// The feed's own images, absolute web addresses, the most icon-like first: Atom
    /// `<icon>` then `<logo>`, JSON Feed `favicon` then `icon`, RSS `<image><url>`. What
    /// [`crate::icon_candidates`] tries first for the source's icon.
    pub images: Vec<String>,
}

/// What the HTTP exchange said about a document. Every field is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentInfo<'a> {
    /// The URL the document was fetched from (after redirects).
    pub url: Option<&'a str>,
    /// The `Content-Type` response header (its `charset` decides the encoding).
    pub content_type: Option<&'a str>,
    /// The `Content-Location` response header (a base for relative links).
    pub content_location: Option<&'a str>,
    /// The `Content-Language` response header (the default language).
    pub content_language: Option<&'a str>,
}

impl<'a> DocumentInfo<'a> {
    /// Context with only the document's URL.
    pub fn from_url(url: &'a str) -> Self {
        DocumentInfo {
            url: Some(url),
            ..DocumentInfo::default()
        }
    }
}

/// Parses a feed document fetched from `feed_url` (used to resolve relative links).
///
/// Shorthand for [`parse`] with [`DocumentInfo::from_url`].
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<ParsedFeed, FeedError> {
    parse(bytes, &DocumentInfo::from_url(feed_url))
}

/// Parses an RSS, RDF, Atom or JSON Feed document, or a news sitemap, leniently: whatever an
/// ill-formed document still says is kept. Errors: [`FeedError::Empty`],
/// [`FeedError::HtmlPage`] (try [`crate::discover_feeds`]), [`FeedError::Invalid`],
/// [`FeedError::EntityExpansion`] (its declared entities expand past a limit; nothing of it
/// is kept).
pub fn parse(bytes: &[u8], info: &DocumentInfo<'_>) -> Result<ParsedFeed, FeedError> {
    let (raw, malformed) = parse_raw_checked(bytes, info)?;
    let language = raw.language.as_deref().map(|l| l.trim().replace('_', "-"));
    let entries = raw
        .entries
        .into_iter()
        .map(|e| e.into_entry(language.as_deref()))
        .collect();
    Ok(ParsedFeed {
        title: raw
            .title
            .map(|t| crate::html_text::collapse(&crate::raw::scrubbed(t)))
            .filter(|t| !t.is_empty()),
        site_url: raw
            .link
            .map(crate::raw::scrubbed)
            .filter(|l| l.starts_with("http://") || l.starts_with("https://")),
        language: language.filter(|l| !l.is_empty()),
        entries,
        malformed,
        hubs: raw.hubs,
        self_url: raw.self_url,
        images: raw.images,
    })
}

fn first_meaningful(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Decodes and builds the tree of an XML document.
pub(crate) fn document(bytes: &[u8], info: &DocumentInfo<'_>) -> Result<Document, FeedError> {
    if first_meaningful(bytes).is_none() {
        return Err(FeedError::Empty);
    }
    let charset = info.content_type.and_then(encoding::charset_of);
    let text = encoding::decode(bytes, charset);
    if text.trim().is_empty() {
        return Err(FeedError::Empty);
    }
    let base = url_base::document_base(info.url, info.content_location);
    let lang = info
        .content_language
        .map(|l| l.split(',').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty());
    Ok(tree::parse(&text, base, lang)?)
}

/// Parses into the intermediate form (the benchmark reads it too).
pub(crate) fn parse_raw(bytes: &[u8], info: &DocumentInfo<'_>) -> Result<RawFeed, FeedError> {
    parse_raw_checked(bytes, info).map(|(raw, _)| raw)
}

/// [`parse_raw`], with how the document was not well-formed, if it was not.
fn parse_raw_checked(
    bytes: &[u8],
    info: &DocumentInfo<'_>,
) -> Result<(RawFeed, Option<String>), FeedError> {
    match first_meaningful(bytes) {
        None => return Err(FeedError::Empty),
        Some(b'{') => {
            let text = encoding::decode(bytes, None);
            let base = url_base::document_base(info.url, info.content_location);
            return json_feed::read(&text, base.as_ref()).map(|raw| (raw, None));
        }
        _ => {}
    }
    let doc = document(bytes, info)?;
    let Some(root) = doc.root_element() else {
        return Err(FeedError::Invalid(
            "no RSS, Atom or JSON Feed root element".into(),
        ));
    };
    let raw = match root.local.as_str() {
        "rss" | "channel" => rss::read(root, &doc, crate::item::Format::Rss),
        "rdf" => rdf::read(root, &doc),
        "feed" => atom::read(root, &doc),
        "urlset" => sitemap::read_urlset(root, &doc),
        "html" => return Err(FeedError::HtmlPage),
        "sitemapindex" => return Err(FeedError::SitemapIndex),
        _ if root.ns == crate::xml::Ns::Xhtml => return Err(FeedError::HtmlPage),
        _ => {
            return Err(FeedError::Invalid(
                "no RSS, Atom or JSON Feed root element".into(),
            ));
        }
    };
    Ok((raw, doc.malformed.clone()))
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
    fn ill_formed_documents_keep_what_can_be_read_and_say_why() {
        let cut = parse_feed(
            b"<rss version=\"2.0\"><channel><item><title>cut off",
            "https://x.example/f",
        )
        .expect("recovered");
        assert_eq!(cut.entries.len(), 1);
        assert_eq!(cut.entries[0].title.as_deref(), Some("cut off"));
        assert_eq!(
            cut.malformed.as_deref(),
            Some("the document ends inside <title>")
        );
        let crossed = parse_feed(
            b"<rss><channel><item><title>a</item></channel></rss>",
            "https://x.example/f",
        )
        .expect("recovered");
        assert_eq!(
            crossed.malformed.as_deref(),
            Some("</item> closes <title> early")
        );
        let fine = parse_feed(RSS.as_bytes(), "https://x.example/f").expect("parse");
        assert_eq!(fine.malformed, None);
    }

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
    fn an_atom_category_keeps_its_term_and_its_label() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Rundschau</title>
<entry><id>urn:1</id><title>Eins</title><link href="https://r.example/1"/>
<category term="lokales" label="Lokales"/><category term="welt"/>
<category label="Nur Label"/><category term="Sport" label="Sport"/></entry>
</feed>"#;
        let feed = parse_feed(atom.as_bytes(), "https://r.example/atom.xml").expect("parse");
        let e = &feed.entries[0];
        assert_eq!(e.categories, ["lokales", "welt", "Nur Label", "Sport"]);
        assert_eq!(
            e.category_labels,
            [("lokales".to_string(), "Lokales".to_string())]
        );
    }

    #[test]
    fn an_entry_keeps_at_most_a_hundred_categories() {
        let cats: String = (0..5_000)
            .map(|i| format!("<category term=\"t{i}\" label=\"L{i}\"/>"))
            .collect();
        let atom = format!(
            "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title>\
             <entry><id>urn:1</id><title>One</title><link href=\"https://r.example/1\"/>{cats}\
             </entry></feed>"
        );
        let feed = parse_feed(atom.as_bytes(), "https://r.example/atom.xml").expect("parse");
        let e = &feed.entries[0];
        assert_eq!(e.categories.len(), 100);
        assert_eq!(e.category_labels.len(), 100);
        assert_eq!(
            e.category_labels[99],
            ("t99".to_string(), "L99".to_string())
        );
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
        let recovered = parse_feed(b"<rss><channel><item><title>x</ti", "https://x.example/")
            .expect("a truncated feed keeps what it said");
        assert_eq!(recovered.entries.len(), 1);
        match parse_feed(b"<note><to>Tove</to></note>", "https://x.example/") {
            Err(FeedError::Invalid(why)) => assert!(why.contains("root"), "{why}"),
            other => panic!("expected an invalid-feed error, got {other:?}"),
        }
    }
}
