//! Entity expansion is limited: a "billion laughs" feed is refused with a clear error in
//! little memory (security audit S4), while feeds with ordinary entities read as before.

use std::process::Command;
use tidings_feeds::{ExpansionLimit, FeedError, parse_feed, parse_sitemap};

/// The audit's file: `lol` declared, then `lolN` as ten references to `lol{N-1}`, for
/// `levels` levels, used in the channel's and the item's title. Nine levels would expand to
/// 3 GB per use.
fn laughs(levels: usize) -> String {
    let mut decls = String::from("<!ENTITY lol \"lol\">");
    for level in 1..=levels {
        let prev = if level == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", level - 1)
        };
        decls.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [{decls}]><rss version=\"2.0\"><channel>\
         <title>&lol{levels};</title><item><title>&lol{levels};</title>\
         <link>http://127.0.0.1:18090/l.html</link></item></channel></rss>"
    )
}

/// The process's peak resident memory so far (`VmHWM`), in KiB.
fn peak_resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

const CHILD_ENV: &str = "TIDINGS_LAUGHS_CHILD";

/// Runs in a child process whose address space is capped at 1 GiB (so a parser without
/// limits aborts there instead of taking the machine's memory): the nine-level file gives the
/// expansion error, and the process's peak memory grows by less than 16 MiB.
#[test]
fn a_billion_laughs_feed_is_refused_in_little_memory() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let doc = laughs(9);
        assert!(doc.len() < 1000, "the file is {} bytes", doc.len());
        let before = peak_resident_kib();
        let result = parse_feed(doc.as_bytes(), "http://127.0.0.1:18090/laughs.xml");
        let grown_kib = peak_resident_kib() - before;
        let Err(err) = result else {
            panic!("the laughs were read");
        };
        assert_eq!(
            err,
            FeedError::EntityExpansion(ExpansionLimit::Entity {
                name: "lol4".into(),
                limit: 8 * 1024
            })
        );
        assert_eq!(
            err.to_string(),
            "not a valid feed: entity expansion exceeded the limit: &lol4; expands to more \
             than 8192 bytes"
        );
        assert!(grown_kib < 16 * 1024, "peak memory grew by {grown_kib} KiB");
        return;
    }
    let me = std::env::current_exe().expect("test binary");
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" --exact --nocapture \"$1\"")
        .arg(me)
        .arg("a_billion_laughs_feed_is_refused_in_little_memory")
        .env(CHILD_ENV, "1")
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn three_levels_stay_within_the_limits_and_expand_in_full() {
    let feed = parse_feed(laughs(3).as_bytes(), "http://x.example/f").expect("parse");
    assert_eq!(feed.title.as_deref(), Some("lol".repeat(1000).as_str()));
    assert_eq!(feed.entries[0].title.as_deref().map(str::len), Some(3000));
}

#[test]
fn wide_laughs_stop_at_the_document_budget() {
    // Every entity is within its own limit (3,000 bytes), but 400 uses make 1.2 MB.
    let uses = "&lol3;".repeat(400);
    let doc = laughs(3).replace(
        "<item><title>&lol3;</title>",
        &format!("<item><title>{uses}</title>"),
    );
    let Err(err) = parse_feed(doc.as_bytes(), "http://x.example/f") else {
        panic!("1.2 MB of expansion was read");
    };
    assert_eq!(
        err,
        FeedError::EntityExpansion(ExpansionLimit::Document { limit: 1024 * 1024 })
    );
    assert!(
        err.to_string()
            .contains("entity expansion exceeded the limit"),
        "{err}"
    );
}

#[test]
fn a_sitemap_with_laughs_is_refused_too() {
    // Five levels: 300 KB each use, were the limits gone (this test runs in this process).
    let doc = laughs(5).replace(
        "<rss version=\"2.0\"><channel>",
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>&lol5;</loc></url>",
    );
    let Err(err) = parse_sitemap(doc.as_bytes(), &Default::default()) else {
        panic!("a sitemap with laughs was read");
    };
    assert!(matches!(err, FeedError::EntityExpansion(_)), "{err:?}");
}

#[test]
fn ordinary_entities_read_as_before() {
    let rss = r#"<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY site "Harbour &amp; Bay Post">]>
<rss version="2.0"><channel>
<title>&site;</title><link>https://harbour.example/</link>
<item>
  <title>Council&#8217;s vote: roads &amp; bridges&nbsp;&mdash; &quot;done&quot;</title>
  <link>https://harbour.example/a?x=1&amp;y=2</link>
  <description>&lt;p&gt;It&#x2019;s &site;&lt;/p&gt;</description>
  <category>Roads &amp; rail</category>
</item>
</channel></rss>"#;
    let feed = parse_feed(rss.as_bytes(), "https://harbour.example/rss").expect("parse");
    assert_eq!(feed.title.as_deref(), Some("Harbour & Bay Post"));
    assert_eq!(feed.malformed, None);
    let e = &feed.entries[0];
    assert_eq!(
        e.title.as_deref(),
        Some("Council\u{2019}s vote: roads & bridges \u{2014} \"done\"")
    );
    assert_eq!(e.url.as_deref(), Some("https://harbour.example/a?x=1&y=2"));
    assert_eq!(
        e.summary_html.as_deref(),
        Some("<p>It\u{2019}s Harbour & Bay Post</p>")
    );
    assert_eq!(e.categories, ["Roads & rail"]);
}
