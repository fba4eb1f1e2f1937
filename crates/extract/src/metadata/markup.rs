//! Article metadata from visible markup: the first `<h1>`, the first `<time datetime>`,
//! byline elements, `rel="author"` links and microdata (`itemprop`).

use super::{Fields, clean_text, dates};
use crate::body::collect::subtree_text;
use crate::classify;
use crate::dom::Dom;
use crate::tag::Tag;

/// Longest text (in characters) taken as a byline.
const MAX_BYLINE_CHARS: usize = 160;
/// How many byline elements are kept.
const MAX_BYLINES: usize = 6;

/// Reads visible markup into `out`'s empty fields.
pub(crate) fn read(dom: &Dom<'_>, out: &mut Fields) {
    let mut time = None;
    let mut micro_authors = Vec::new();
    let mut in_byline_until = 0;
    for (i, n) in dom.nodes.iter().enumerate() {
        let ix = i as u32;
        match n.tag {
            Tag::Text => continue,
            Tag::H1 if out.h1.is_none() => {
                let t = subtree_text(dom, ix);
                if !t.is_empty() {
                    out.h1 = Some(t);
                }
            }
            Tag::Time if time.is_none() => {
                time = dom.attr(ix, "datetime").and_then(dates::parse);
            }
            _ => {}
        }
        let Some(el) = n.node.value().as_element() else { continue };
        if let Some(prop) = el.attr("itemprop") {
            match prop.trim() {
                "author" | "creator" => {
                    let name = subtree_text(dom, ix);
                    if !name.is_empty() && name.chars().count() <= 80 {
                        micro_authors.push(name);
                    }
                }
                "datePublished" if out.published.is_none() => {
                    out.published = el
                        .attr("datetime")
                        .or_else(|| el.attr("content"))
                        .and_then(dates::parse);
                }
                _ => {}
            }
        }
        if n.tag == Tag::A
            && el.attr("rel").is_some_and(|r| r.split_ascii_whitespace().any(|x| x == "author"))
        {
            let name = subtree_text(dom, ix);
            if !name.is_empty() && name.chars().count() <= 80 {
                micro_authors.push(name);
            }
        }
        if n.class & classify::BYLINE != 0 && i >= in_byline_until && out.bylines.len() < MAX_BYLINES {
            let t = clean_text(&subtree_text(dom, ix));
            if !t.is_empty() && t.chars().count() <= MAX_BYLINE_CHARS {
                out.bylines.push(t);
                in_byline_until = n.end as usize;
            }
        }
    }
    if out.published.is_none() {
        out.published = time;
    }
    if out.authors.is_empty() {
        out.authors = micro_authors;
    }
}
