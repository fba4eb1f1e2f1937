//! One entry (`<item>` or `<entry>`) into a [`RawEntry`], whatever the format: feeds mix
//! namespaces freely, so every element is recognised by name in every format — RSS core, Atom,
//! Dublin Core (`dc`, `dcterms`), `content:encoded`, Media RSS, iTunes, `xhtml:body`.

use crate::atom::{atom_link, is_html_type, plain_title, text_construct};
use crate::date::parse_date;
use crate::raw::{Kind, RawEntry};
use crate::rss::author_name;
use crate::url_base::{has_scheme, resolve};
use crate::xml::{Document, Element, Ns};

/// Which family the document belongs to (defaults differ slightly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// RSS 0.9x/2.0 or version-less.
    Rss,
    /// RSS 1.0 / 0.90 (RDF).
    Rdf,
    /// Atom 0.3 or 1.0.
    Atom,
}

/// The most categories, authors or enclosures one entry keeps: each new value is compared
/// with those kept, so a hostile feed of a million `<category>` elements would otherwise cost
/// a trillion comparisons.
const MAX_LIST: usize = 100;

/// Adds `value`, trimmed, to `list` unless it is empty, already there, or the list is full.
fn push_unique(list: &mut Vec<String>, value: String) {
    added_unique(list, value);
}

/// [`push_unique`], saying whether `value` was added.
fn added_unique(list: &mut Vec<String>, value: String) -> bool {
    let v = value.trim();
    let add = !v.is_empty() && list.len() < MAX_LIST && !list.iter().any(|x| x == v);
    if add {
        list.push(v.to_string());
    }
    add
}

fn id_value(el: &Element, doc: &Document) -> Option<String> {
    let text = el.text();
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    Some(if has_scheme(t) {
        t.to_string()
    } else {
        resolve(t, doc.base_of(el))
    })
}

fn person(el: &Element) -> Option<String> {
    if el.has_element_children() {
        let name = el.child(Ns::Plain, "name").map(|n| n.text());
        let email = el.child(Ns::Plain, "email").map(|n| n.text());
        return name
            .filter(|n| !n.trim().is_empty())
            .or(email)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
    }
    author_name(&el.text())
}

fn itunes_category(el: &Element, out: &mut Vec<String>) {
    if let Some(t) = el.attr("text") {
        push_unique(out, t.to_string());
    }
    for c in el.elements().filter(|c| c.is(Ns::Itunes, "category")) {
        itunes_category(c, out);
    }
}

fn is_image(el: &Element) -> bool {
    el.attr("medium")
        .is_some_and(|m| m.eq_ignore_ascii_case("image"))
        || el
            .attr("type")
            .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("image/"))
}

// "First one wins" reads clearer inside each arm than as a guard that falls through.
#[allow(clippy::collapsible_match)]
fn media(el: &Element, doc: &Document, e: &mut RawEntry) {
    match el.local.as_str() {
        "content" => {
            if let Some(u) = el.attr("url") {
                let u = resolve(u, doc.base_of(el));
                if is_image(el) && e.image_url.is_none() {
                    e.image_url = Some(u.clone());
                }
                push_unique(&mut e.enclosures, u);
            }
            for c in el.elements().filter(|c| c.ns == Ns::Media) {
                media(c, doc, e);
            }
        }
        "thumbnail" => {
            if let Some(u) = el.attr("url")
                && e.image_url.is_none()
            {
                e.image_url = Some(resolve(u, doc.base_of(el)));
            }
        }
        "group" => {
            for c in el.elements().filter(|c| c.ns == Ns::Media) {
                media(c, doc, e);
            }
        }
        "category" => push_unique(&mut e.categories, el.text()),
        "title" => {
            if e.media_title.is_none() {
                e.media_title = Some(plain_title(el, true));
            }
        }
        _ => {}
    }
}

/// Reads one item or entry.
#[allow(clippy::collapsible_match)]
pub(crate) fn read_entry(el: &Element, doc: &Document, format: Format) -> RawEntry {
    let guess = format != Format::Atom;
    let mut e = RawEntry {
        id: el
            .attr_ns(Ns::Rdf, "about")
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty()),
        language: doc.lang_of(el).map(str::to_string),
        ..RawEntry::default()
    };
    let mut guid_link: Option<String> = None;
    for c in el.elements() {
        match (c.ns, c.local.as_str()) {
            (Ns::Plain | Ns::Dc, "title") => {
                if e.title.is_none() {
                    e.title = Some(plain_title(c, guess));
                }
            }
            (Ns::Plain, "link") => match atom_link(c, doc) {
                Some((rel, ty, href)) => {
                    if rel == "enclosure" {
                        if c.attr("type").is_some_and(|t| t.starts_with("image/"))
                            && e.image_url.is_none()
                        {
                            e.image_url = Some(href.clone());
                        }
                        push_unique(&mut e.enclosures, href);
                    } else if rel == "alternate" && is_html_type(ty) {
                        e.link = Some(href);
                    }
                }
                None => {
                    let text = c.text();
                    if !text.trim().is_empty() {
                        e.link = Some(resolve(&text, doc.base_of(c)));
                    }
                }
            },
            (Ns::Plain, "guid") => {
                let permalink = c
                    .attr("ispermalink")
                    .is_none_or(|p| !p.trim().eq_ignore_ascii_case("false"));
                let id = if permalink {
                    id_value(c, doc)
                } else {
                    Some(c.text().trim().to_string()).filter(|t| !t.is_empty())
                };
                if let Some(id) = id {
                    guid_link = permalink.then(|| id.clone());
                    e.id = Some(id);
                }
            }
            (Ns::Plain, "id") => {
                if let Some(id) = id_value(c, doc) {
                    e.id = Some(id);
                }
            }
            (Ns::Plain, "pubdate" | "published" | "issued") | (Ns::Dcterms, "issued") => {
                // A later date element overrides an earlier one, as feed readers do.
                if let Some(d) = parse_date(&c.text()) {
                    e.published = Some(d);
                }
            }
            (Ns::Plain, "updated" | "modified") | (Ns::Dc, "date") | (Ns::Dcterms, "modified") => {
                if let Some(d) = parse_date(&c.text()) {
                    e.updated = Some(d);
                }
            }
            (Ns::Plain, "author") | (Ns::Dc, "creator" | "author") | (Ns::Itunes, "author") => {
                if let Some(name) = person(c) {
                    push_unique(&mut e.authors, name);
                }
            }
            (Ns::Plain, "summary" | "description" | "abstract") | (Ns::Dc, "description") => {
                let default = if c.local == "summary" && format == Format::Atom {
                    Kind::Text
                } else {
                    Kind::Html
                };
                let body = text_construct(c, default, guess);
                if e.summary.is_none() {
                    e.summary = Some(body);
                } else if e.content.is_none() {
                    e.content = Some(body);
                }
            }
            (Ns::Plain, "content") => {
                if e.content.is_none() && c.attr("src").is_none() {
                    let default = if format == Format::Atom {
                        Kind::Text
                    } else {
                        Kind::Html
                    };
                    e.content = Some(text_construct(c, default, guess));
                }
            }
            (Ns::Content, "encoded") | (Ns::Plain, "fullitem") => {
                if e.content.is_none() {
                    e.content = Some(text_construct(c, Kind::Html, guess));
                }
            }
            (Ns::Xhtml, "body") | (Ns::Plain, "body") => {
                if e.content.is_none() {
                    e.content = Some(crate::raw::Body {
                        value: c.inner_xml(),
                        kind: Kind::Html,
                    });
                }
            }
            (Ns::Plain, "category") => {
                let term = c.attr("term").filter(|t| !t.trim().is_empty());
                let label = c.attr("label").filter(|l| !l.trim().is_empty());
                let value = term
                    .or(label)
                    .map(str::to_string)
                    .unwrap_or_else(|| c.own_text());
                // A label is kept for a term seen the first time (so once per term).
                if added_unique(&mut e.categories, value)
                    && let (Some(term), Some(label)) = (term, label)
                    && term != label
                {
                    e.category_labels
                        .push((term.trim().to_string(), label.to_string()));
                }
            }
            (Ns::Dc, "subject") => push_unique(&mut e.categories, c.text()),
            (Ns::Itunes, "category") => itunes_category(c, &mut e.categories),
            (Ns::Itunes, "summary") => {
                if e.summary.is_none() {
                    e.summary = Some(text_construct(c, Kind::Text, guess));
                }
            }
            (Ns::Itunes, "keywords") => {
                for k in c.text().split(',') {
                    push_unique(&mut e.categories, k.to_string());
                }
            }
            (Ns::Plain, "enclosure") => {
                if let Some(u) = c.attr("url").or_else(|| c.attr("href")) {
                    let u = resolve(u, doc.base_of(c));
                    if is_image(c) && e.image_url.is_none() {
                        e.image_url = Some(u.clone());
                    }
                    push_unique(&mut e.enclosures, u);
                }
            }
            (Ns::Media, _) => media(c, doc, &mut e),
            (Ns::Plain | Ns::Dc, "language") => {
                let l = c.text();
                if !l.trim().is_empty() {
                    e.language = Some(l.trim().to_string());
                }
            }
            _ => {}
        }
    }
    if e.link.is_none() {
        e.link = guid_link;
    }
    if e.title.is_none() {
        e.title = e.media_title.take();
    }
    e
}
