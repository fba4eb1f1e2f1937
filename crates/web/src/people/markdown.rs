//! Comments' Markdown: a small subset (paragraphs, emphasis, links, inline code and code
//! blocks, quotes, lists) rendered by `pulldown-cmark`, then cleaned by a strict `ammonia`
//! builder.
//!
//! Two layers, so a mistake in one is caught by the other: the renderer turns raw HTML into
//! text, images into plain links and headings into paragraphs; the sanitiser then keeps only
//! the tags above, only `href` on links, only `http`, `https` and `mailto` URLs, and adds
//! `rel="nofollow noopener noreferrer ugc"`.

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Renders a comment's Markdown to sanitised HTML.
pub fn render(source: &str) -> String {
    let parser = Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        Event::Start(Tag::Heading { .. }) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {
            Event::Text(CowStr::Borrowed(""))
        }
        other => other,
    });
    let mut unsafe_html = String::with_capacity(source.len() * 2);
    html::push_html(&mut unsafe_html, parser);
    SANITISER.clean(&unsafe_html).to_string()
}

/// A comment's Markdown as plain text, for an excerpt: its words without the markup (raw
/// HTML in it is kept as the text it shows as), blocks separated by blank lines. The result
/// is text, to be escaped like any other.
pub fn plain_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for event in Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&text)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::Item,
            ) if !out.ends_with("\n\n") => {
                let trimmed = out.trim_end().len();
                out.truncate(trimmed);
                out.push_str("\n\n");
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "em",
        "strong",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "hr",
    ]
    .into_iter()
    .collect();
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .add_tag_attributes("a", ["href"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        .strip_comments(true);
    builder
});

#[cfg(test)]
mod tests {
    use super::{plain_text, render};

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_markup() {
        assert_eq!(
            plain_text("First *thoughts* on [the dam](https://x.example)"),
            "First thoughts on the dam"
        );
        assert_eq!(plain_text("> quoted\n\nthen `code`"), "quoted\n\nthen code");
        assert_eq!(plain_text("- one\n- two"), "one\n\ntwo");
        assert_eq!(
            plain_text("<b>raw</b> text"),
            "<b>raw</b> text",
            "text, escaped later"
        );
    }

    #[test]
    fn the_subset_renders() {
        assert_eq!(
            render("*a* **b** `c`"),
            "<p><em>a</em> <strong>b</strong> <code>c</code></p>\n"
        );
        let html = render("[site](https://news.example/x)");
        assert!(
            html.contains(r#"<a href="https://news.example/x" rel="nofollow noopener noreferrer ugc">site</a>"#),
            "{html}"
        );
        assert!(render("> quoted").contains("<blockquote>"));
        assert!(render("- one\n- two").contains("<li>one</li>"));
        assert!(render("```\nlet x;\n```").contains("<pre><code>let x;"));
        assert_eq!(render("# Big"), "<p>Big</p>\n");
    }

    #[test]
    fn nothing_active_survives() {
        for evil in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![x](https://evil.example/x.png)",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](vbscript:msgbox(1))",
            "<svg onload=alert(1)>",
            "[x](/relative)",
            "<iframe src=https://evil.example></iframe>",
        ] {
            let html = render(evil).to_lowercase();
            for bad in ["<script", "<img", "<svg", "<iframe"] {
                assert!(!html.contains(bad), "{evil:?} -> {html}");
            }
            // Every tag left (text's own `<` are escaped) is one of the subset's, and its
            // only link goes to the web or to mail.
            for part in html.split('<').skip(1) {
                let tag = part.split('>').next().unwrap_or_default();
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                    .collect();
                assert!(
                    ["p", "/p", "a", "/a", "code", "/code", "pre", "/pre"].contains(&name.as_str()),
                    "{evil:?} -> {html}"
                );
                if let Some(i) = tag.find("href=\"") {
                    let url = &tag[i + 6..];
                    assert!(
                        url.starts_with("http://")
                            || url.starts_with("https://")
                            || url.starts_with("mailto:"),
                        "{evil:?} -> {html}"
                    );
                }
            }
        }
        let img = render("![alt](https://evil.example/x.png)");
        assert!(
            img.contains("<a href=\"https://evil.example/x.png\""),
            "{img}"
        );
        let raw = render("<b>bold</b>");
        assert!(
            raw.contains("&lt;b&gt;"),
            "raw HTML is shown as text: {raw}"
        );
    }
}
