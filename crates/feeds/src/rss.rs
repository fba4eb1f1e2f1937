//! RSS 0.91, 0.92, 2.0 and version-less `<rss>`: the channel, its items (inside the channel or,
//! in old feeds, beside it), and RSS's author convention `email (Name)`.

use crate::atom::{atom_link, is_html_type, plain_title};
use crate::item::{self, Format};
use crate::raw::RawFeed;
use crate::url_base::resolve;
use crate::xml::{Document, Element, Ns};

/// Reads the channel metadata and items of an RSS (or RDF) document rooted at `root`.
pub(crate) fn read(root: &Element, doc: &Document, format: Format) -> RawFeed {
    let channel = if root.local == "channel" {
        Some(root)
    } else {
        root.child(Ns::Plain, "channel")
    };
    let mut out = RawFeed::default();
    if let Some(ch) = channel {
        out.language = doc.lang_of(ch).map(str::to_string);
        for child in ch.elements() {
            match (child.ns, child.local.as_str()) {
                (Ns::Plain | Ns::Dc, "title") if out.title.is_none() => {
                    out.title = Some(plain_title(child, true));
                }
                (Ns::Plain, "link") => match atom_link(child, doc) {
                    Some((rel, ty, href)) => {
                        if rel == "alternate" && is_html_type(ty) {
                            if out.link.is_none() {
                                out.link = Some(href);
                            }
                        } else {
                            out.note_link(&rel, href);
                        }
                    }
                    None => {
                        let text = child.text();
                        if !text.trim().is_empty() {
                            out.link = Some(resolve(&text, doc.base_of(child)));
                        }
                    }
                },
                (Ns::Plain | Ns::Dc, "language") if out.language.is_none() => {
                    out.language = Some(child.text().trim().to_string()).filter(|l| !l.is_empty());
                }
                (Ns::Plain, "item" | "entry") => {
                    out.entries.push(item::read_entry(child, doc, format));
                }
                (Ns::Plain, "image") => note_image(&mut out, child, doc),
                _ => {}
            }
        }
    }
    if !std::ptr::eq(root, channel.unwrap_or(root)) || channel.is_none() {
        for child in root.elements() {
            if child.is(Ns::Plain, "item") {
                out.entries.push(item::read_entry(child, doc, format));
            } else if child.is(Ns::Plain, "image") {
                // RSS 1.0 puts the channel's `<image>` beside the channel.
                note_image(&mut out, child, doc);
            }
        }
    }
    out
}

/// Notes the `<url>` of a channel's `<image>` (or RDF's `rdf:resource`/`rdf:about`).
fn note_image(out: &mut RawFeed, image: &Element, doc: &Document) {
    let url = match image.child(Ns::Plain, "url") {
        Some(url) => url.text(),
        None => match image.attr("resource").or_else(|| image.attr("about")) {
            Some(url) => url.to_string(),
            None => return,
        },
    };
    if !url.trim().is_empty() {
        out.note_image(resolve(&url, doc.base_of(image)));
    }
}

/// The display name in an RSS author string: `a@b.c (Name)` → `Name`, `Name <a@b.c>` →
/// `Name`; a bare address stays.
pub(crate) fn author_name(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let email = raw
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | '"' | ','))
        .map(|w| w.trim_start_matches("mailto:"))
        .find(|w| {
            w.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
        });
    let Some(email) = email else {
        return Some(raw.to_string());
    };
    let mut name = raw.replacen(email, "", 1).replace("mailto:", "");
    for pair in ["()", "<>"] {
        name = name.replace(pair, "");
    }
    let name = name.trim();
    let name = name.strip_prefix('(').unwrap_or(name);
    let name = name.strip_suffix(')').unwrap_or(name).trim();
    Some(if name.is_empty() {
        email.to_string()
    } else {
        name.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::author_name;

    #[test]
    fn author_strings() {
        assert_eq!(
            author_name("me@example.com (Mark)").as_deref(),
            Some("Mark")
        );
        assert_eq!(
            author_name("Mark <me@example.com>").as_deref(),
            Some("Mark")
        );
        assert_eq!(
            author_name("me@example.com").as_deref(),
            Some("me@example.com")
        );
        assert_eq!(author_name("Mark Pilgrim").as_deref(), Some("Mark Pilgrim"));
    }
}
