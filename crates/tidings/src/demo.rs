//! The bundled demo corpus: seven fictional outlets' feeds, so `serve --demo` shows a living
//! site with no network.
//!
//! The feeds carry relative dates (`{{ago:2h15m}}`), rendered against the moment the demo
//! starts, so the site always looks current. Their sources have `demo:<file>` URLs, which the
//! pipeline reads from memory ([`tidings_pipeline::BundledDocuments`]).

use chrono::{DateTime, Utc};
use tidings_pipeline::BundledDocuments;

/// The demo's source list (OPML, `demo:` URLs).
pub const SOURCES_OPML: &str = include_str!("../demo/sources.opml");

/// The demo's feed files, by name.
pub const FEEDS: &[(&str, &str)] = &[
    (
        "meridian-wire.xml",
        include_str!("../demo/meridian-wire.xml"),
    ),
    (
        "tasman-ledger.xml",
        include_str!("../demo/tasman-ledger.xml"),
    ),
    (
        "aldermoor-gazette.xml",
        include_str!("../demo/aldermoor-gazette.xml"),
    ),
    (
        "orchid-bay-tribune.xml",
        include_str!("../demo/orchid-bay-tribune.xml"),
    ),
    (
        "lindenbach-rundschau.xml",
        include_str!("../demo/lindenbach-rundschau.xml"),
    ),
    (
        "cedarfield-signal.xml",
        include_str!("../demo/cedarfield-signal.xml"),
    ),
    (
        "horizon-bellerive.xml",
        include_str!("../demo/horizon-bellerive.xml"),
    ),
];

/// Every demo feed rendered at `now`, keyed by its `demo:` URL.
pub fn bundled_documents(now: DateTime<Utc>) -> BundledDocuments {
    FEEDS
        .iter()
        .map(|(name, text)| (format!("demo:{name}"), render(text, now).into_bytes()))
        .collect()
}

/// Replaces every `{{ago:…}}` in a feed with the time that long before `now`, written as the
/// element it sits in expects: RFC 2822 in RSS (`pubDate`, `lastBuildDate`), RFC 3339
/// elsewhere (Atom). A malformed placeholder is left as it is, and the feed parser then ignores
/// that date.
pub fn render(text: &str, now: DateTime<Utc>) -> String {
    const OPEN: &str = "{{ago:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = from.find("}}") else {
            rest = from;
            break;
        };
        let spec = &from[OPEN.len()..end];
        match parse_ago(spec) {
            Some(secs) => {
                let at = now - chrono::Duration::seconds(secs);
                let element = enclosing_element(&out);
                if matches!(element, "pubDate" | "lastBuildDate") {
                    out.push_str(&at.to_rfc2822());
                } else {
                    out.push_str(&at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                }
            }
            None => out.push_str(&from[..end + 2]),
        }
        rest = &from[end + 2..];
    }
    out.push_str(rest);
    out
}

/// `1d3h15m` → seconds.
fn parse_ago(spec: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut number = String::new();
    for c in spec.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        total += n * match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
    }
    number.is_empty().then_some(total)
}

/// The name of the last element opened in `xml`.
fn enclosing_element(xml: &str) -> &str {
    let Some(open) = xml.rfind('<') else {
        return "";
    };
    let tag = &xml[open + 1..];
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len());
    &tag[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_780_800, 0).expect("time") // 27 Nov 2026 12:00 UTC
    }

    #[test]
    fn placeholders_become_dates_in_each_format() {
        let rss = render("<pubDate>{{ago:2h15m}}</pubDate>", now());
        assert_eq!(rss, "<pubDate>Fri, 27 Nov 2026 09:45:00 +0000</pubDate>");
        let atom = render("<updated>{{ago:1d}}</updated><x>{{ago:bad}}</x>", now());
        assert_eq!(
            atom,
            "<updated>2026-11-26T12:00:00Z</updated><x>{{ago:bad}}</x>"
        );
    }

    #[test]
    fn every_demo_feed_renders_and_parses() {
        let docs = bundled_documents(now());
        let mut items = 0;
        for (url, bytes) in &docs {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains("{{ago:"), "{url} has an unrendered date");
            let feed = tidings_feeds::parse_feed(bytes, url).expect("demo feed parses");
            for entry in &feed.entries {
                let published = entry.published.expect("every demo item is dated");
                assert!(published <= now().timestamp(), "{url}: dated in the future");
                assert!(entry.url.is_some(), "{url}: an item without a link");
            }
            items += feed.entries.len();
        }
        assert!(items >= 30, "a few dozen articles, got {items}");
        let outlines = tidings_feeds::parse_opml(SOURCES_OPML).expect("demo OPML parses");
        assert_eq!(outlines.len(), FEEDS.len());
        for outline in outlines {
            assert!(
                docs.contains_key(&outline.url),
                "{} is not bundled",
                outline.url
            );
        }
    }
}
