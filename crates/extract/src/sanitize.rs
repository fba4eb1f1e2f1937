//! Sanitising the body HTML with ammonia, so that it is safe to display.
//!
//! The extractor writes its own, flat HTML from a small set of elements, and ammonia then
//! enforces that set: no scripts, styles, event handlers or `javascript:` URLs can get
//! through even if the writer had a bug. Links get `rel="noopener noreferrer nofollow"`.

use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::Builder;

/// The elements the body HTML may contain.
const TAGS: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "sub",
    "sup",
    "br",
    "a",
    "figure",
    "figcaption",
    "img",
];

fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = Builder::empty();
        b.add_tags(TAGS.iter().copied())
            .add_tag_attributes("a", ["href"])
            .add_tag_attributes("img", ["src", "alt"])
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer nofollow"))
            .strip_comments(true);
        b
    })
}

/// Returns `html` sanitised for display.
pub(crate) fn sanitize(html: &str) -> String {
    if html.is_empty() {
        return String::new();
    }
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let out = sanitize(
            "<p onclick=\"x()\">a<script>alert(1)</script><a href=\"javascript:alert(1)\">b</a></p>",
        );
        assert!(!out.contains("script"));
        assert!(!out.contains("onclick"));
        assert!(!out.contains("javascript"));
    }

    #[test]
    fn links_get_rel() {
        let out = sanitize("<p><a href=\"https://example.org/\">x</a></p>");
        assert!(out.contains("rel=\"noopener noreferrer nofollow\""));
    }
}
