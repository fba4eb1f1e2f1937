//! Whole documents of every supported kind, from small fixtures written for these tests.

use tidings_feeds::{DocumentInfo, FeedError, Sitemap, parse, parse_feed, parse_sitemap};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn rdf_items_beside_the_channel() {
    let feed = parse_feed(&fixture("rdf.xml"), "http://river.example/rss").expect("parse");
    assert_eq!(feed.title.as_deref(), Some("River Gazette"));
    let e = &feed.entries[0];
    assert_eq!(e.guid.as_deref(), Some("http://river.example/a/1"));
    assert_eq!(e.updated, Some(1_709_276_400));
    assert_eq!(e.authors, vec!["Ines Ortega"]);
    assert_eq!(e.categories, vec!["Weather"]);
}

#[test]
fn legacy_encoding_and_http_context() {
    let info = DocumentInfo {
        url: Some("https://ru.example/feed"),
        content_type: Some("text/xml"),
        content_location: None,
        content_language: Some("ru"),
    };
    let feed = parse(&fixture("cp1251.xml"), &info).expect("parse");
    assert_eq!(feed.title.as_deref(), Some("Новости"));
    let e = &feed.entries[0];
    assert_eq!(e.title.as_deref(), Some("Привет — мир"));
    assert_eq!(e.url.as_deref(), Some("https://ru.example/n/1"));
    assert_eq!(e.language.as_deref(), Some("ru"));
}

#[test]
fn ill_formed_documents_keep_what_they_say() {
    let feed = parse_feed(&fixture("broken.xml"), "https://soup.example/").expect("parse");
    assert_eq!(feed.title.as_deref(), Some("Tag Soup Times • Daily"));
    assert_eq!(feed.entries.len(), 2);
    assert_eq!(feed.entries[1].title.as_deref(), Some("Second"));
    assert_eq!(feed.entries[1].published, Some(1_075_152_660));
}

#[test]
fn atom_03_with_xml_base() {
    let feed = parse(&fixture("atom03_base.xml"), &DocumentInfo::default()).expect("parse");
    assert_eq!(feed.title.as_deref(), Some("Old Atom"));
    assert_eq!(feed.site_url.as_deref(), Some("http://atom.example/blog/"));
    let e = &feed.entries[0];
    assert_eq!(
        e.url.as_deref(),
        Some("http://atom.example/blog/2004/post.html")
    );
    assert_eq!(e.published, Some(1_072_951_200));
    assert_eq!(e.content_html.as_deref(), Some("Hello <b>world</b>"));
}

#[test]
fn json_feed() {
    let feed = parse_feed(&fixture("feed.json"), "https://json.example/feed.json").expect("parse");
    assert_eq!(feed.title.as_deref(), Some("JSON Daily"));
    let e = &feed.entries[0];
    assert_eq!(e.url.as_deref(), Some("https://json.example/posts/1"));
    assert_eq!(e.enclosures, vec!["https://json.example/a.mp3"]);
    assert_eq!(e.authors, vec!["Kim"]);
}

#[test]
fn news_sitemaps_and_indexes() {
    let info = DocumentInfo::from_url("https://wire.example/sitemap.xml");
    let Ok(Sitemap::Urls(urls)) = parse_sitemap(&fixture("news_sitemap.xml"), &info) else {
        panic!("a urlset");
    };
    assert_eq!(urls[0].title.as_deref(), Some("Budget passes"));
    assert_eq!(urls[0].published, Some(1_709_285_400));
    assert_eq!(urls[0].language.as_deref(), Some("en"));
    assert_eq!(urls[0].categories, vec!["budget", "parliament"]);
    // A news sitemap also reads as a feed.
    assert_eq!(
        parse(&fixture("news_sitemap.xml"), &info).map(|f| f.entries.len()),
        Ok(1)
    );
    let Ok(Sitemap::Index(maps)) = parse_sitemap(&fixture("sitemap_index.xml"), &info) else {
        panic!("an index");
    };
    assert_eq!(maps[0].url, "https://wire.example/sitemaps/news.xml");
    assert_eq!(maps[0].lastmod, Some(1_709_251_200));
    assert_eq!(maps.len(), 2);
}

#[test]
fn html_pages_are_reported() {
    let page = b"<!doctype html><html><head><link rel=alternate type=application/rss+xml href=/rss></head></html>";
    assert_eq!(
        parse_feed(page, "https://x.example/"),
        Err(FeedError::HtmlPage)
    );
    let found = tidings_feeds::discover_feeds(page, "https://x.example/post");
    assert_eq!(found[0].url, "https://x.example/rss");
}
