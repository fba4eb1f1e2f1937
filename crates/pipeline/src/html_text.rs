//! Third-party HTML made safe to show, and turned into plain text.
//!
//! Feed content is hostile until cleaned: [`sanitize`] keeps the structure a reader needs
//! (paragraphs, headings, lists, quotes, figures, links, images) and drops everything that can
//! run or track (scripts, styles, event handlers, `javascript:` URLs, iframes, forms), with
//! relative links resolved against the article's address. [`to_text`] gives the plain text,
//! one paragraph per block, for search, clustering and summaries.

/// Sanitises HTML for display, resolving relative URLs against `base` when it is a valid URL
/// (without one, relative URLs are dropped).
pub fn sanitize(html: &str, base: Option<&str>) -> String {
    let relative = match base.and_then(|b| url::Url::parse(b).ok()) {
        Some(base) => ammonia::UrlRelative::RewriteWithBase(base),
        None => ammonia::UrlRelative::Deny,
    };
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_relative(relative)
        .clean(html)
        .to_string()
}

/// The plain text of an HTML fragment: paragraphs separated by a blank line, whitespace inside
/// a paragraph collapsed, entities decoded. (The feeds crate's linear tokenizer does the work:
/// it has no quadratic case on deep nesting, unlike a tree builder.)
pub fn to_text(html: &str) -> String {
    tidings_feeds::html_to_paragraphs(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let dirty = r#"<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a>
            <a href="/rel">rel</a></p><script>alert(1)</script><iframe src="https://evil"></iframe>
            <img src="x" onerror="alert(1)"><svg><script>alert(2)</script></svg>
            <style>body{}</style><form action="/x"><input name="q"></form>"#;
        let clean = sanitize(dirty, Some("https://news.example/a/b"));
        for bad in [
            "onclick",
            "javascript:",
            "<script",
            "<iframe",
            "onerror",
            "<style",
            "<form",
            "<svg",
        ] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(
            clean.contains("href=\"https://news.example/rel\""),
            "{clean}"
        );
        assert!(
            clean.contains("rel=\"noopener noreferrer nofollow ugc\""),
            "{clean}"
        );
    }

    #[test]
    fn relative_links_without_a_base_are_dropped() {
        let clean = sanitize(r#"<a href="/rel">rel</a>"#, None);
        assert!(!clean.contains("/rel"), "{clean}");
    }

    #[test]
    fn text_keeps_paragraphs_and_decodes_entities() {
        let html = "<h2>Head</h2><p>One &amp; <b>two</b>\n  three.</p><p>Four<br>five</p>\
                    <script>ignored()</script><ul><li>a</li><li>b</li></ul>";
        assert_eq!(
            to_text(html),
            "Head\n\nOne & two three.\n\nFour\n\nfive\n\na\n\nb"
        );
        assert_eq!(to_text("  plain   text "), "plain text");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        assert_eq!(to_text(&html), "deep");
    }
}
