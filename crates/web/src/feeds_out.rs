//! Feeds out: one list of items written as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
//!
//! Whatever the list is (the site's latest articles, one source's, a search's results), the
//! caller builds a [`FeedDoc`] of [`FeedItem`]s with absolute URLs and [`render`] writes it in
//! the [`FeedFormat`] asked for. The XML formats go through a small writer that escapes every
//! piece of text and every attribute value and drops the characters XML 1.0 forbids, so text
//! read from other outlets' feeds (which is hostile: `<script>`, a stray `]]>`, control
//! characters) cannot change the document's structure. JSON Feed is written by `serde_json`.

use crate::age::rfc3339;
use chrono::DateTime;
use tidings_model::UnixSeconds;

/// A feed format Tidings writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    /// RSS 2.0 (`feed.xml`).
    Rss,
    /// Atom 1.0 (`feed.atom`).
    Atom,
    /// JSON Feed 1.1 (`feed.json`).
    Json,
}

impl FeedFormat {
    /// Every format, in the order pages announce them.
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json];

    /// The file name a feed of this format is served under: `feed.xml`, `feed.atom`,
    /// `feed.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "feed.xml",
            FeedFormat::Atom => "feed.atom",
            FeedFormat::Json => "feed.json",
        }
    }

    /// The format whose file name ends `path` (`/source/3/feed.atom` → Atom).
    pub fn from_path(path: &str) -> Option<FeedFormat> {
        FeedFormat::ALL
            .into_iter()
            .find(|f| path.ends_with(&format!("/{}", f.file_name())))
    }

    /// The media type to serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml; charset=utf-8",
            FeedFormat::Atom => "application/atom+xml; charset=utf-8",
            FeedFormat::Json => "application/feed+json; charset=utf-8",
        }
    }

    /// The media type a page's `<link rel="alternate" type=…>` names.
    pub fn link_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }
}

/// A feed to write: its metadata and its items, every URL absolute.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedDoc {
    /// The feed's title.
    pub title: String,
    /// One sentence about it.
    pub description: String,
    /// The HTML page the feed follows (the front page, a source's page, a search).
    pub home_url: String,
    /// The feed's own URL without its file name, ending in `/` (`https://site/source/3/`):
    /// each format's self link is this followed by [`FeedFormat::file_name`], and a query
    /// (`?q=…` for a search feed) goes in [`FeedDoc::query`].
    pub feed_dir: String,
    /// A query string to append to the self link, without its `?` (empty for none).
    pub query: String,
    /// The feed's language (BCP 47), when all its items share one.
    pub language: Option<String>,
    /// When the feed last changed: the newest item's time, so that an unchanged list gives
    /// byte-identical documents (and the same `ETag`); for a feed with no items, a time the
    /// caller picks (never 0: readers show 1970 as the feed's date).
    pub updated: UnixSeconds,
    /// The items, newest first.
    pub items: Vec<FeedItem>,
}

impl FeedDoc {
    /// The feed's own URL in `format`.
    pub fn self_url(&self, format: FeedFormat) -> String {
        let mut url = format!("{}{}", self.feed_dir, format.file_name());
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        url
    }
}

/// One item of a feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedItem {
    /// A permanent, unique id: an absolute URL on this site that leads to the item and does
    /// not change when its headline does.
    pub id: String,
    /// Where the item links to.
    pub url: String,
    /// The headline, plain text.
    pub title: String,
    /// A short plain-text summary.
    pub summary: String,
    /// The item's content as HTML that is safe to show (sanitised, or built with escaping).
    pub content_html: Option<String>,
    /// The outlet credited with it.
    pub author: Option<String>,
    /// When it was published.
    pub published: UnixSeconds,
    /// When it was last updated, if later.
    pub updated: Option<UnixSeconds>,
    /// The original article's URL at its publisher, when the item links elsewhere.
    pub external_url: Option<String>,
    /// The feed of the outlet credited with it (RSS's `<source url=…>`), when known.
    pub source_feed: Option<String>,
    /// The item's language (BCP 47), when known.
    pub language: Option<String>,
}

/// Writes `doc` as `format`.
pub fn render(doc: &FeedDoc, format: FeedFormat) -> Vec<u8> {
    match format {
        FeedFormat::Rss => rss(doc).into_bytes(),
        FeedFormat::Atom => atom(doc).into_bytes(),
        FeedFormat::Json => json_feed(doc),
    }
}

/// Escapes `text` for XML and HTML text and attribute values, dropping the characters XML 1.0
/// does not allow (most C0 controls, lone surrogates cannot occur in a `str`, U+FFFE/U+FFFF).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if tidings_model::is_xml_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A tiny XML writer: every text and attribute value passes through [`escape`]; names are
/// the writer's own constants.
struct Xml {
    out: String,
}

impl Xml {
    fn new() -> Xml {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
        }
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push_str(">\n");
    }

    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push_str("/>\n");
    }

    fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn finish(self) -> String {
        self.out
    }
}

fn rfc2822(t: UnixSeconds) -> String {
    DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc2822()
}

/// The item's HTML: its content, or its summary as one escaped paragraph.
fn item_html(item: &FeedItem) -> String {
    match &item.content_html {
        Some(html) => html.clone(),
        None => format!("<p>{}</p>", escape(&item.summary)),
    }
}

/// A paragraph linking the original: "Original at Harbour Post" (or "Original article").
fn original_paragraph(url: &str, outlet: Option<&str>) -> String {
    let text = match outlet {
        Some(outlet) => format!("Original at {outlet}"),
        None => "Original article".to_string(),
    };
    format!("<p><a href=\"{}\">{}</a></p>", escape(url), escape(&text))
}

fn rss(doc: &FeedDoc) -> String {
    let mut x = Xml::new();
    x.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ],
    );
    x.open("channel", &[]);
    x.text("title", &[], &doc.title);
    x.text("link", &[], &doc.home_url);
    // Readers show a channel's description as HTML, as they do an item's, and it carries an
    // outlet's own title or a visitor's search words: so its text is escaped as HTML first
    // (a source titled `<img src=x onerror=…>` was markup to them).
    x.text("description", &[], &escape(&doc.description));
    if let Some(lang) = &doc.language {
        x.text("language", &[], lang);
    }
    x.text("lastBuildDate", &[], &rfc2822(doc.updated));
    x.text("generator", &[], "Tidings");
    x.empty(
        "atom:link",
        &[
            ("href", &doc.self_url(FeedFormat::Rss)),
            ("rel", "self"),
            ("type", FeedFormat::Rss.link_type()),
        ],
    );
    // An item's `<link>` is its page here, as Atom's `alternate` and JSON Feed's `url` are:
    // readers open `<link>` when the headline is clicked, so one subscription leads to the
    // same place whichever format it is in, and the page here carries the coverage and the
    // original's link. RSS 2.0 has no element for a second link, so the original is given
    // three ways: `atom:link rel="via"` (the Atom relation, which readers parsing Atom
    // elements in RSS pick up), RSS's own `<source url>` naming the outlet's feed, and a
    // link in the description, the one part of an item every reader shows.
    for item in &doc.items {
        x.open("item", &[]);
        x.text("title", &[], &item.title);
        x.text("link", &[], &item.url);
        x.text("guid", &[("isPermaLink", "true")], &item.id);
        x.text("pubDate", &[], &rfc2822(item.published));
        if let Some(author) = &item.author {
            x.text("dc:creator", &[], author);
        }
        if let Some(external) = &item.external_url {
            x.empty("atom:link", &[("rel", "via"), ("href", external)]);
        }
        if let (Some(feed), Some(author)) = (&item.source_feed, &item.author) {
            x.text("source", &[("url", feed)], author);
        }
        let mut html = item_html(item);
        if let Some(external) = &item.external_url {
            html.push_str(&original_paragraph(external, item.author.as_deref()));
        }
        x.text("description", &[], &html);
        x.close("item");
    }
    x.close("channel");
    x.close("rss");
    x.finish()
}

fn atom(doc: &FeedDoc) -> String {
    let mut x = Xml::new();
    let mut attrs = vec![("xmlns", "http://www.w3.org/2005/Atom")];
    if let Some(lang) = &doc.language {
        attrs.push(("xml:lang", lang));
    }
    x.open("feed", &attrs);
    let self_url = doc.self_url(FeedFormat::Atom);
    x.text("id", &[], &self_url);
    x.text("title", &[("type", "text")], &doc.title);
    x.text("subtitle", &[("type", "text")], &doc.description);
    x.text("updated", &[], &rfc3339(doc.updated));
    x.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &doc.home_url),
        ],
    );
    x.empty(
        "link",
        &[
            ("rel", "self"),
            ("type", FeedFormat::Atom.link_type()),
            ("href", &self_url),
        ],
    );
    x.text("generator", &[], "Tidings");
    for item in &doc.items {
        x.open("entry", &[]);
        x.text("id", &[], &item.id);
        x.text("title", &[("type", "text")], &item.title);
        x.empty(
            "link",
            &[
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", &item.url),
            ],
        );
        if let Some(external) = &item.external_url {
            x.empty("link", &[("rel", "via"), ("href", external)]);
        }
        x.text("published", &[], &rfc3339(item.published));
        x.text(
            "updated",
            &[],
            &rfc3339(item.updated.unwrap_or(item.published).max(item.published)),
        );
        if let Some(author) = &item.author {
            x.open("author", &[]);
            x.text("name", &[], author);
            x.close("author");
        }
        x.text("summary", &[("type", "text")], &item.summary);
        if let Some(html) = &item.content_html {
            x.text("content", &[("type", "html")], html);
        }
        x.close("entry");
    }
    x.close("feed");
    x.finish()
}

fn json_feed(doc: &FeedDoc) -> Vec<u8> {
    let items: Vec<serde_json::Value> = doc
        .items
        .iter()
        .map(|item| {
            let mut v = serde_json::json!({
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item_html(item),
                "date_published": rfc3339(item.published),
            });
            if let Some(updated) = item.updated.filter(|u| *u > item.published) {
                v["date_modified"] = rfc3339(updated).into();
            }
            if let Some(external) = &item.external_url {
                v["external_url"] = external.clone().into();
            }
            if let Some(author) = &item.author {
                v["authors"] = serde_json::json!([{ "name": author }]);
            }
            if let Some(lang) = &item.language {
                v["language"] = lang.clone().into();
            }
            v
        })
        .collect();
    let mut feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": doc.title,
        "description": doc.description,
        "home_page_url": doc.home_url,
        "feed_url": doc.self_url(FeedFormat::Json),
        "items": items,
    });
    if let Some(lang) = &doc.language {
        feed["language"] = lang.clone().into();
    }
    // Serialising a `Value` cannot fail; an empty body would only follow a bug in serde_json.
    json_without_markup(&serde_json::to_vec_pretty(&feed).unwrap_or_default())
}

/// Serialised JSON with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`: the
/// same document to a JSON parser, but hostile text in it (`</script>`, `]]>`) stays inert
/// if a careless consumer pastes it into HTML or XML. Outside strings JSON never contains
/// those characters, so a plain replacement is exact.
pub fn json_without_markup(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    push_json_without_markup(json, &mut out);
    out
}

/// [`json_without_markup`] appending to `out`: a document written piece by piece (the
/// account export) is escaped as it grows, never copied whole.
pub fn push_json_without_markup(json: &[u8], out: &mut Vec<u8>) {
    out.reserve(json.len());
    for &b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_feeds::parse_feed;

    const HOSTILE: &str = "<script>alert(1)</script> ]]> & \"quotes\" 'apos' \u{1}bell";

    fn doc() -> FeedDoc {
        FeedDoc {
            title: format!("Site {HOSTILE}"),
            description: "Latest".into(),
            home_url: "https://news.example/".into(),
            feed_dir: "https://news.example/".into(),
            query: String::new(),
            language: Some("en".into()),
            updated: 1_700_000_000,
            items: vec![
                FeedItem {
                    id: "https://news.example/article/2/b".into(),
                    url: "https://news.example/article/2/b".into(),
                    title: format!("Second {HOSTILE}"),
                    summary: format!("Body {HOSTILE}"),
                    content_html: None,
                    author: Some("Harbour Post".into()),
                    published: 1_700_000_000,
                    updated: None,
                    external_url: Some("https://harbour.example/b?x=1&y=2".into()),
                    source_feed: Some("https://harbour.example/feed.xml".into()),
                    language: Some("en".into()),
                },
                FeedItem {
                    id: "https://news.example/article/1/a".into(),
                    url: "https://news.example/article/1/a".into(),
                    title: "First".into(),
                    summary: "One".into(),
                    content_html: Some(
                        "<p>One <a href=\"https://news.example/story/1\">3 sources</a></p>".into(),
                    ),
                    author: None,
                    published: 1_699_990_000,
                    updated: Some(1_699_995_000),
                    external_url: None,
                    source_feed: None,
                    language: None,
                },
            ],
        }
    }

    #[test]
    fn formats_map_to_file_names_and_back() {
        for f in FeedFormat::ALL {
            assert_eq!(
                FeedFormat::from_path(&format!("/source/3/{}", f.file_name())),
                Some(f)
            );
        }
        assert_eq!(FeedFormat::from_path("/feed.html"), None);
        assert_eq!(FeedFormat::from_path("/myfeed.xml"), None);
    }

    #[test]
    fn escape_covers_markup_quotes_and_forbidden_characters() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>]]>\u{0}\u{FFFF}\n"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;]]&gt;\n"
        );
    }

    #[test]
    fn every_format_parses_with_tidings_own_parser_and_keeps_the_items() {
        let doc = doc();
        for format in FeedFormat::ALL {
            let bytes = render(&doc, format);
            let text = String::from_utf8(bytes.clone()).expect("utf-8");
            assert!(!text.contains("<script>"), "{format:?}: {text}");
            assert!(!text.contains("]]>"), "{format:?}: {text}");
            assert!(!text.contains('\u{1}'), "{format:?}");
            let parsed = parse_feed(&bytes, &doc.self_url(format)).expect("parses");
            assert_eq!(parsed.malformed, None, "{format:?}: {text}");
            assert_eq!(parsed.entries.len(), 2, "{format:?}");
            let first = &parsed.entries[0];
            assert_eq!(
                first.url.as_deref(),
                Some("https://news.example/article/2/b")
            );
            let title = first.title.as_deref().unwrap_or_default();
            assert!(title.starts_with("Second"), "{format:?}: {title}");
            assert!(
                title.contains("]]>"),
                "{format:?}: the text survives: {title}"
            );
            assert_eq!(first.published, Some(1_700_000_000), "{format:?}");
            assert_eq!(
                parsed.entries[1].url.as_deref(),
                Some("https://news.example/article/1/a")
            );
            assert!(
                parsed
                    .title
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("Site"),
                "{format:?}"
            );
        }
    }

    #[test]
    fn rss_channel_description_is_text_to_readers_that_read_html() {
        // An outlet's title or a visitor's search words end up in the channel's description,
        // which readers show as HTML: escaped for HTML, then for XML.
        let doc = FeedDoc {
            description: "The latest from <img src=x onerror=alert(1)>".into(),
            ..doc()
        };
        let text = String::from_utf8(render(&doc, FeedFormat::Rss)).expect("utf-8");
        let channel = text.split("<item>").next().expect("the channel");
        assert!(
            channel.contains(
                "<description>The latest from &amp;lt;img src=x onerror=alert(1)&amp;gt;</description>"
            ),
            "{channel}"
        );
    }

    #[test]
    fn rss_items_link_the_original_and_name_the_outlets_feed() {
        let doc = doc();
        let text = String::from_utf8(render(&doc, FeedFormat::Rss)).expect("utf-8");
        let first = text
            .split("<item>")
            .nth(1)
            .and_then(|item| item.split("</item>").next())
            .expect("an item");
        // The headline still leads to the page here, and the guid is still the permalink.
        assert!(
            first.contains("<link>https://news.example/article/2/b</link>"),
            "{first}"
        );
        assert!(
            first.contains("<guid isPermaLink=\"true\">https://news.example/article/2/b</guid>"),
            "{first}"
        );
        // The original, as Atom's relation and as a link readers show.
        assert!(
            first.contains(
                "<atom:link rel=\"via\" href=\"https://harbour.example/b?x=1&amp;y=2\"/>"
            ),
            "{first}"
        );
        assert!(
            first.contains(
                "&lt;a href=&quot;https://harbour.example/b?x=1&amp;amp;y=2&quot;&gt;Original at Harbour Post&lt;/a&gt;"
            ),
            "{first}"
        );
        // RSS 2.0's own element names the outlet's feed.
        assert!(
            first
                .contains("<source url=\"https://harbour.example/feed.xml\">Harbour Post</source>"),
            "{first}"
        );
        // An item without an original or an outlet gets neither.
        let second = text.split("<item>").nth(2).expect("a second item");
        assert!(
            !second.contains("rel=\"via\"") && !second.contains("<source"),
            "{second}"
        );
        assert!(!second.contains("Original"), "{second}");
        // Tidings' own parser still takes the page here as the item's URL.
        let parsed = parse_feed(text.as_bytes(), &doc.self_url(FeedFormat::Rss)).expect("parses");
        assert_eq!(
            parsed.entries[0].url.as_deref(),
            Some("https://news.example/article/2/b")
        );
    }

    #[test]
    fn json_keeps_its_meaning_without_markup_characters() {
        let value = serde_json::json!({"t": "</script> ]]> & <b>"});
        let bytes = json_without_markup(&serde_json::to_vec(&value).expect("json"));
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_slice(&bytes).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn self_links_carry_the_query() {
        let mut doc = doc();
        doc.feed_dir = "https://news.example/search/".into();
        doc.query = "q=dam%20breach".into();
        assert_eq!(
            doc.self_url(FeedFormat::Atom),
            "https://news.example/search/feed.atom?q=dam%20breach"
        );
        let text = String::from_utf8(render(&doc, FeedFormat::Rss)).expect("utf-8");
        assert!(text.contains("href=\"https://news.example/search/feed.xml?q=dam%20breach\""));
    }

    #[test]
    fn an_empty_list_is_still_a_valid_feed() {
        let mut doc = doc();
        doc.items.clear();
        for format in FeedFormat::ALL {
            let bytes = render(&doc, format);
            match parse_feed(&bytes, "https://news.example/feed") {
                Ok(parsed) => assert!(parsed.entries.is_empty()),
                Err(err) => assert!(
                    matches!(err, tidings_feeds::FeedError::Empty),
                    "{format:?}: {err}"
                ),
            }
        }
    }
}
