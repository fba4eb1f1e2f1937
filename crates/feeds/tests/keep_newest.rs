//! A flood feed (security audit S7: 20,000 items in one document) keeps only its newest
//! entries.

use tidings_feeds::parse_feed;

/// An RSS feed of `items` items whose dates are shuffled (a permutation of minutes), so that
/// the newest are spread through the document rather than first.
fn flood(items: usize) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Flood</title>");
    for i in 0..items {
        let minute = (i * 7919) % items; // 7919 is prime, so this is a permutation
        let date = format!(
            "Mon, 02 Nov 2026 {:02}:{:02}:{:02} +0000",
            minute / 3600,
            (minute / 60) % 60,
            minute % 60
        );
        xml.push_str(&format!(
            "<item><title>Item {i}</title><guid>http://127.0.0.1/flood/{i}.html</guid>\
             <link>http://127.0.0.1/flood/{i}.html</link><pubDate>{date}</pubDate></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

#[test]
fn a_feed_of_twenty_thousand_items_keeps_the_newest_five_hundred() {
    let doc = flood(20_000);
    let mut feed = parse_feed(doc.as_bytes(), "http://127.0.0.1/flood.xml").expect("parse");
    assert_eq!(feed.entries.len(), 20_000);
    let mut dates: Vec<i64> = feed.entries.iter().filter_map(|e| e.published).collect();
    assert_eq!(dates.len(), 20_000);
    dates.sort_unstable();
    let cutoff = dates[20_000 - 500];

    assert_eq!(feed.keep_newest(500), 19_500);
    assert_eq!(feed.entries.len(), 500);
    assert!(
        feed.entries
            .iter()
            .all(|e| e.published.is_some_and(|p| p >= cutoff)),
        "only the 500 newest are kept"
    );
    let positions: Vec<usize> = feed
        .entries
        .iter()
        .filter_map(|e| e.title.as_deref()?.strip_prefix("Item ")?.parse().ok())
        .collect();
    assert_eq!(positions.len(), 500);
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "document order is kept"
    );
    assert!(
        positions[0] > 0,
        "the first items are not simply the ones kept"
    );
}
