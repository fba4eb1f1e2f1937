//! HTML fragments to plain text (for titles given as HTML), and the guess feed readers make
//! about whether a nominally plain string is really HTML.

use crate::xml::entities::{self, escape_into};
use crate::xml::tokenizer::{Token, Tokenizer};

/// The visible text of an HTML fragment: tags dropped, `script`/`style` bodies dropped,
/// references decoded, whitespace collapsed.
pub fn html_to_text(html: &str) -> String {
    collapse(&html_to_paragraphs(html))
}

/// The visible text of an HTML fragment as paragraphs: block elements (`p`, `li`, headings,
/// `br`, …) end a paragraph, paragraphs are separated by a blank line, whitespace inside one
/// is collapsed. One linear pass, whatever the nesting.
pub fn html_to_paragraphs(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return collapse(html);
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut skip = 0usize;
    let mut flush = |current: &mut String| {
        let text = collapse(current);
        if !text.is_empty() {
            paragraphs.push(text);
        }
        current.clear();
    };
    for token in Tokenizer::html(html) {
        match token {
            Token::Text(t) if skip == 0 => current.push_str(&t),
            Token::Start {
                name, self_closing, ..
            } => {
                if !self_closing && is_hidden(name) {
                    skip += 1;
                } else if is_block(name) {
                    flush(&mut current);
                }
            }
            Token::End(name) => {
                if is_hidden(name) {
                    skip = skip.saturating_sub(1);
                } else if is_block(name) {
                    flush(&mut current);
                }
            }
            Token::Text(_) => {}
        }
    }
    flush(&mut current);
    paragraphs.join("\n\n")
}

fn is_hidden(name: &str) -> bool {
    name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style")
}

fn is_block(name: &str) -> bool {
    const BLOCK: [&str; 25] = [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "blockquote",
        "hr",
        "pre",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "dt",
        "dd",
    ];
    BLOCK.iter().any(|b| name.eq_ignore_ascii_case(b))
}

/// Runs of whitespace become one space; ends trimmed.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Plain text escaped for HTML.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, false);
    out
}

const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "big",
    "blink",
    "blockquote",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "command",
    "datagrid",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "event-source",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "m",
    "map",
    "menu",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "noscript",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "pre",
    "progress",
    "q",
    "s",
    "samp",
    "section",
    "select",
    "small",
    "sound",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
];

/// Whether a nominally plain string looks like HTML: it has an end tag or an entity
/// reference, all its tags are ordinary HTML elements and all its entities are HTML ones.
pub(crate) fn looks_like_html(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut has_close = false;
    let mut has_entity = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let closing = bytes.get(i + 1) == Some(&b'/');
                let start = i + 1 + usize::from(closing);
                let len = bytes[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                if len > 0 {
                    let name = s[start..start + len].to_ascii_lowercase();
                    if !HTML_ELEMENTS.contains(&name.as_str()) {
                        return false;
                    }
                    if closing && bytes.get(start + len) == Some(&b'>') {
                        has_close = true;
                    }
                }
                i = start + len;
            }
            b'&' => {
                let rest = &s[i + 1..];
                let numeric = rest.starts_with('#');
                let body = if numeric { &rest[1..] } else { rest };
                let len = body
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                if len > 0 && body.as_bytes().get(len) == Some(&b';') {
                    has_entity = true;
                    if !numeric && entities::html_named(&body[..len]).is_none() {
                        return false;
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    has_close || has_entity
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(html_to_text("<b>Bold</b> &amp; <i>it</i>"), "Bold & it");
        assert_eq!(html_to_text("a<script>x()</script> b"), "a b");
        assert_eq!(html_to_text("<p>one</p><p>two</p>"), "one two");
    }

    #[test]
    fn html_is_recognised() {
        assert!(looks_like_html("<b>x</b>"));
        assert!(looks_like_html("AT&amp;T"));
        assert!(!looks_like_html("1 < 2"));
        assert!(!looks_like_html("<foo>x</foo>"));
    }
}
