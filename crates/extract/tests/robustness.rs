//! No panic on any input; bounded time on hostile shapes (deep nesting, huge pages).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use tidings_extract::{DEFAULT_MAX_BYTES, Options, extract, extract_with};

/// Generous bounds: the tests run unoptimised, often on a loaded machine.
const SLOW: Duration = Duration::from_secs(30);

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + inner.len() + 64);
    s.push_str("<html><body>");
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push_str(close);
    }
    s.push_str("</body></html>");
    s
}

#[test]
fn hundred_thousand_nested_divs() {
    let html = nested(
        "<div>",
        "</div>",
        100_000,
        "<p>The only paragraph of text in a very deep page, long enough to count.</p>",
    );
    let start = Instant::now();
    let a = extract(html.as_bytes(), None, None).expect("extract");
    assert!(start.elapsed() < SLOW, "took {:?}", start.elapsed());
    assert!(a.text.contains("The only paragraph"));
}

#[test]
fn hundred_thousand_nested_inline_and_list_elements() {
    for (open, close) in [
        ("<b>", "</b>"),
        ("<a href=x>", "</a>"),
        ("<ul><li>", "</li></ul>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<span>", ""),
    ] {
        let html = nested(open, close, 100_000, "text");
        let start = Instant::now();
        extract(html.as_bytes(), None, None).expect("extract");
        assert!(start.elapsed() < SLOW, "{open}: took {:?}", start.elapsed());
    }
}

#[test]
fn fifty_megabyte_page_is_capped() {
    let paragraph = "<p>A sentence that repeats to make a very large page, with a comma, and a full stop.</p>\n";
    let mut html = String::from("<html><body><article>");
    while html.len() < 50 * 1024 * 1024 {
        html.push_str(paragraph);
    }
    let start = Instant::now();
    let a = extract(html.as_bytes(), None, None).expect("extract");
    assert!(start.elapsed() < SLOW, "took {:?}", start.elapsed());
    assert!(
        a.text.len() < DEFAULT_MAX_BYTES,
        "text of {} bytes",
        a.text.len()
    );
    assert!(!a.text.is_empty());
}

#[test]
fn cap_inside_a_character_keeps_utf8() {
    // A UTF-8 page without a declaration, cut in the middle of a character, must still be
    // read as UTF-8 rather than handed to encoding detection.
    let html = "<p>".to_string() + &"Привет, мир. ".repeat(50);
    for max in 100..110 {
        let options = Options {
            max_bytes: max,
            html: false,
        };
        let a = extract_with(html.as_bytes(), None, None, &options).expect("extract");
        assert!(a.text.starts_with("Привет, мир."), "{max}: {:?}", a.text);
        assert!(!a.text.contains('\u{FFFD}'), "{max}: {:?}", a.text);
    }
}

#[test]
fn cap_cuts_inside_a_multibyte_character_safely() {
    let html = "<p>".to_string() + &"é".repeat(100);
    let options = Options {
        max_bytes: 8,
        html: true,
    };
    extract_with(html.as_bytes(), None, None, &options).expect("extract");
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"article-body\">".to_string()),
        Just("<div class=\"share related\">".to_string()),
        Just("</div>".to_string()),
        Just("<a href=\"/x\">".to_string()),
        Just("</a>".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just(
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"h\""
                .to_string()
        ),
        Just("<style>".to_string()),
        Just("<svg><path d=\"".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<figure><img src=\"x.jpg\"><figcaption>".to_string()),
        Just("<meta charset=\"shift_jis\">".to_string()),
        Just("<meta property=\"article:published_time\" content=\"2025-13-45T99:99\">".to_string()),
        Just("— AFP".to_string()),
        Just("(Reuters)".to_string()),
        Just("...".to_string()),
        "[a-zA-Z ,.]{0,40}",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = extract(&bytes, Some("https://example.org/a"), None);
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(fragment(), 0..200), ct in proptest::option::of("[a-z/;= -]{0,30}")) {
        let html: String = parts.concat();
        if let Ok(a) = extract(html.as_bytes(), Some("https://example.org/a"), ct.as_deref()) {
            prop_assert!((0.0..=1.0).contains(&a.confidence));
            prop_assert!(!a.html.contains("<script"));
        }
    }

    #[test]
    fn any_cap_is_safe(len in 0usize..400, cap in 0usize..400) {
        let html = "<p>ünïcödé text — «quoted» 日本語</p>".repeat(len / 10 + 1);
        let options = Options { max_bytes: cap, html: true };
        let _ = extract_with(html.as_bytes(), None, None, &options);
    }
}
