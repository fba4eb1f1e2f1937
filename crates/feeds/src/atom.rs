//! Atom 1.0 and 0.3: the `<feed>` element, its links, and text constructs (`type` = text, html
//! or xhtml; Atom 0.3's MIME types and `mode` = xml, escaped or base64), which RSS elements
//! borrow too.

use crate::html_text::{html_to_text, looks_like_html};
use crate::item::{self, Format};
use crate::raw::{Body, Kind, RawFeed};
use crate::url_base::resolve;
use crate::xml::{Document, Element, Ns};

/// Reads a text construct. `default` is the kind when `type` says nothing; `guess` lets a
/// nominally plain value that looks like HTML count as HTML (what RSS readers do).
pub(crate) fn text_construct(el: &Element, default: Kind, guess: bool) -> Body {
    let ty = el.attr("type").map(|t| t.trim().to_ascii_lowercase());
    let mut kind = match ty.as_deref() {
        Some("text" | "text/plain") => Kind::Text,
        Some("html" | "text/html" | "xhtml" | "application/xhtml+xml") => Kind::Html,
        Some(t) if t.ends_with("+xml") || t.ends_with("/xml") => Kind::Html,
        Some(_) => Kind::Text,
        None => default,
    };
    let explicit = ty.is_some();
    if el.has_element_children() {
        let only_div = {
            let mut it = el.children.iter().filter(|n| match n {
                crate::xml::Node::Text(t) => !t.trim().is_empty(),
                crate::xml::Node::Element(_) => true,
            });
            match (it.next(), it.next()) {
                (Some(crate::xml::Node::Element(d)), None)
                    if d.local == "div" && d.ns == Ns::Xhtml =>
                {
                    Some(d)
                }
                _ => None,
            }
        };
        let value = match only_div {
            Some(div) => div.inner_xml(),
            None => el.inner_xml(),
        };
        return Body {
            value,
            kind: Kind::Html,
        };
    }
    let mut value = el.text();
    // Atom 0.3 says base64 with `mode`; Atom 1.0 by a `type` that is neither text nor XML.
    let binary = ty.as_deref().is_some_and(|t| {
        t.contains('/') && !t.starts_with("text/") && !t.ends_with("xml") && !t.contains("html")
    });
    if (binary
        || el
            .attr("mode")
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("base64")))
        && let Some(decoded) = base64(&value)
    {
        value = decoded;
        if binary {
            kind = Kind::Html;
        }
    }
    if kind == Kind::Text && guess && !explicit && looks_like_html(&value) {
        kind = Kind::Html;
    }
    if kind == Kind::Html && value.contains("<!") {
        value = escape_bogus_declarations(&value);
    }
    Body { value, kind }
}

/// In HTML, `<!` that opens no comment, CDATA section or doctype is text: escape it so HTML
/// readers do not swallow what follows as a bogus declaration.
fn escape_bogus_declarations(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 8);
    let mut rest = html;
    while let Some(i) = rest.find("<!") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let real = after.starts_with("--")
            || after.starts_with("[CDATA[")
            || after
                .get(..7)
                .is_some_and(|d| d.eq_ignore_ascii_case("doctype"));
        out.push_str(if real { "<!" } else { "&lt;!" });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A title as plain text.
pub(crate) fn plain_title(el: &Element, guess: bool) -> String {
    let body = text_construct(el, Kind::Text, guess);
    match body.kind {
        Kind::Html => html_to_text(&body.value),
        Kind::Text => body.value.trim().to_string(),
    }
}

fn base64(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a link's `type` names an HTML page.
pub(crate) fn is_html_type(ty: &str) -> bool {
    let t = ty.trim().to_ascii_lowercase();
    t == "text/html" || t == "application/xhtml+xml"
}

/// An Atom `<link>` (or RSS `<atom:link>`) as `(rel, type, href)`, with `href` resolved;
/// `None` when it has no `href` (an RSS text link).
pub(crate) fn atom_link<'a>(el: &'a Element, doc: &Document) -> Option<(String, &'a str, String)> {
    let href = el
        .attr("href")
        .or_else(|| el.attr("url"))
        .or_else(|| el.attr("uri"))?;
    let rel = el
        .attr("rel")
        .unwrap_or("alternate")
        .trim()
        .to_ascii_lowercase();
    let ty = el.attr("type").unwrap_or(if rel == "self" {
        "application/atom+xml"
    } else {
        "text/html"
    });
    Some((rel, ty, resolve(href, doc.base_of(el))))
}

/// Reads an Atom `<feed>`.
pub(crate) fn read(feed: &Element, doc: &Document) -> RawFeed {
    let mut out = RawFeed {
        language: doc.lang_of(feed).map(str::to_string),
        ..RawFeed::default()
    };
    for child in feed.elements() {
        match (child.ns, child.local.as_str()) {
            (Ns::Plain, "title") if out.title.is_none() => {
                out.title = Some(plain_title(child, false));
            }
            (Ns::Plain, "link") => {
                if let Some((rel, ty, href)) = atom_link(child, doc) {
                    if rel == "alternate" && is_html_type(ty) {
                        out.link = Some(href);
                    } else {
                        out.note_link(&rel, href);
                    }
                }
            }
            (Ns::Plain, "entry") => out.entries.push(item::read_entry(child, doc, Format::Atom)),
            _ => {}
        }
    }
    // The icon (square, small) is what a feed list shows; the logo (wide) only failing it.
    for name in ["icon", "logo"] {
        if let Some(el) = feed.child(Ns::Plain, name) {
            out.note_image(resolve(&el.text(), doc.base_of(el)));
        }
    }
    out
}
