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
