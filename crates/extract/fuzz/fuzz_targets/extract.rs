//! Fuzzes `tidings_extract::extract`: any bytes, with or without a URL and a Content-Type,
//! must give a value or an error, never a panic or a hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the optional arguments, so the fuzzer explores the charset paths.
    let (selector, page) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => (0, data),
    };
    let url = (selector & 1 != 0).then_some("https://example.org/news/a?b=c#d");
    let content_type = match selector >> 1 & 3 {
        1 => Some("text/html; charset=utf-8"),
        2 => Some("text/html; charset=windows-1251"),
        3 => Some("text/html; charset=\"shift_jis\""),
        _ => None,
    };
    if let Ok(article) = tidings_extract::extract(page, url, content_type) {
        assert!((0.0..=1.0).contains(&article.confidence));
        assert!(!article.html.contains("<script"));
    }
});
