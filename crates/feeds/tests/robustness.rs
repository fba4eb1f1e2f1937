//! No input makes the parser panic or take long: arbitrary bytes, deep nesting, and (when
//! `../shared/bench/feeds` is present) every document of the conformance corpus.

use proptest::prelude::*;
use std::time::{Duration, Instant};
use tidings_feeds::{DocumentInfo, parse, parse_date, parse_sitemap};

fn check(bytes: &[u8]) {
    let info = DocumentInfo::from_url("http://h.example/f");
    let start = Instant::now();
    let _ = parse(bytes, &info);
    let _ = parse_sitemap(bytes, &info);
    let _ = tidings_feeds::discover_feeds(bytes, "http://h.example/");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn feed_shaped_soup(parts in proptest::collection::vec(prop_oneof![
        Just("<rss>"), Just("<channel>"), Just("<item>"), Just("</item>"), Just("<title>"),
        Just("</title>"), Just("<![CDATA["), Just("]]>"), Just("&amp;"), Just("&#"), Just("<!--"),
        Just("<feed xmlns='http://www.w3.org/2005/Atom'>"), Just("<entry xml:base='../x/'>"),
        Just("<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"),
        Just("<link href='a b'/>"), Just("<pubDate>"), Just("Mon, 26 Jan 2004 16:31 ET"),
        Just("<!DOCTYPE x [<!ENTITY e 'v'>]>"), Just("&e;"), Just("é"), Just("<"), Just("\"")
    ], 0..200)) {
        check(parts.concat().as_bytes());
    }

    #[test]
    fn arbitrary_dates(s in "\\PC{0,40}") {
        let _ = parse_date(&s);
    }
}

#[test]
fn deep_nesting_is_bounded() {
    for depth in [10_000usize, 100_000] {
        let mut doc = String::from("<rss><channel><item><description>");
        doc.push_str(&"<div>".repeat(depth));
        doc.push_str("deep");
        doc.push_str(&"</div>".repeat(depth));
        doc.push_str("</description></item></channel></rss>");
        let start = Instant::now();
        let feed = parse(doc.as_bytes(), &DocumentInfo::default()).expect("parse");
        assert_eq!(feed.entries.len(), 1);
        assert!(start.elapsed() < Duration::from_secs(5));
        check(&doc.as_bytes()[..doc.len() / 2]);
    }
}

#[test]
fn corpus_parses_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/feeds");
    if !dir.join("expectations.jsonl").exists() {
        println!("note: {} not found, corpus check skipped", dir.display());
        return;
    }
    let out =
        std::env::temp_dir().join(format!("tidings-feeds-corpus-{}.jsonl", std::process::id()));
    let report = tidings_feeds::bench::run_feeds(&dir, &out).expect("corpus run");
    let _ = std::fs::remove_file(&out);
    assert!(report.files > 600, "{} files", report.files);
}

#[test]
fn control_characters_never_reach_an_entry() {
    let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"Wire\u0000desk",
        "items":[{"id":"1\u0001","url":"https://a.example/1","title":"Nul\u0000here \u0001and\u0002",
        "content_text":"Body\u0000text \u0001x\u0002","authors":[{"name":"A\u0003B"}],
        "tags":["t\u0004ag"]}]}"#;
    let rss = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x&#1;y</title>\
        <item><title>A&#0;B&#1;C\x01D</title><link>https://a.example/2</link>\
        <description>d&#2;e</description><category>c&#5;d</category></item></channel></rss>";
    for (bytes, url) in [
        (&json[..], "https://a.example/feed.json"),
        (&rss[..], "https://a.example/rss"),
    ] {
        let feed = parse(bytes, &DocumentInfo::from_url(url)).expect("parses");
        let stray = |s: &str| s.chars().any(tidings_model::is_stray_control);
        assert!(
            !feed.title.as_deref().is_some_and(stray),
            "{:?}",
            feed.title
        );
        let e = &feed.entries[0];
        let texts = [&e.guid, &e.url, &e.title, &e.summary_html, &e.content_html];
        for t in texts.into_iter().flatten() {
            assert!(!stray(t), "{t:?}");
        }
        for t in e.authors.iter().chain(&e.categories) {
            assert!(!stray(t), "{t:?}");
        }
        // The words around them stay, apart.
        assert!(
            e.title
                .as_deref()
                .is_some_and(|t| t.starts_with('A') || t.starts_with("Nul "))
        );
    }
}
