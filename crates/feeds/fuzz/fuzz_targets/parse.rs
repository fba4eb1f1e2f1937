//! Fuzzes every entry point that reads untrusted bytes: `cargo fuzz run parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_feeds::{DocumentInfo, discover_feeds, parse, parse_date, parse_sitemap};

fuzz_target!(|data: &[u8]| {
    let info = DocumentInfo {
        url: Some("http://h.example/feed"),
        content_type: Some("text/xml; charset=utf-8"),
        content_location: Some("../x/"),
        content_language: Some("en"),
    };
    let _ = parse(data, &info);
    let _ = parse(data, &DocumentInfo::default());
    let _ = parse_sitemap(data, &info);
    let _ = discover_feeds(data, "http://h.example/");
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_date(s);
    }
});
