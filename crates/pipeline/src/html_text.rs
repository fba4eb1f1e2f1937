//! Third-party HTML made safe to show, and turned into plain text.
//!
//! Feed content is hostile until cleaned: [`sanitize`] keeps the structure a reader needs
//! (paragraphs, headings, lists, quotes, figures, links, images) and drops everything that can
//! run or track (scripts, styles, event handlers, `javascript:` URLs, iframes, forms), with
//! relative links resolved against the article's address. [`to_text`] gives the plain text,
//! one paragraph per block, for search, clustering and summaries.

use scraper::{Html, Node};

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

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "figure",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "tr",
    "pre",
    "hr",
    "dt",
    "dd",
];
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object",
];

/// The plain text of an HTML fragment: paragraphs separated by a blank line, whitespace inside
/// a paragraph collapsed, entities decoded.
pub fn to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return collapse(html);
    }
    let doc = Html::parse_fragment(html);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    // Depth-first walk with an explicit stack, so deeply nested input cannot overflow it;
    // `None` marks the end of a block element.
    let mut pending = vec![Some(doc.tree.root())];
    while let Some(item) = pending.pop() {
        let Some(node) = item else {
            flush(&mut current, &mut paragraphs);
            continue;
        };
        match node.value() {
            Node::Text(text) => current.push_str(text),
            Node::Element(el) => {
                let name = el.name();
                if SKIPPED.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    flush(&mut current, &mut paragraphs);
                    pending.push(None);
                }
                let children: Vec<_> = node.children().collect();
                pending.extend(children.into_iter().rev().map(Some));
            }
            _ => {
                let children: Vec<_> = node.children().collect();
                pending.extend(children.into_iter().rev().map(Some));
            }
        }
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    let text = collapse(current);
    if !text.is_empty() {
        paragraphs.push(text);
    }
    current.clear();
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
        let depth = 2_000;
        let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        assert_eq!(to_text(&html), "deep");
    }
}
