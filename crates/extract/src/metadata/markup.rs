//! Article metadata from visible markup: the first `<h1>`, the first `<time datetime>`,
//! byline elements, `rel="author"` links and microdata (`itemprop`).

use super::{Fields, collapse_space, dates};
use crate::body::collect::subtree_text;
use crate::classify;
use crate::dom::{Dom, PROP_AUTHOR, PROP_NAME, PROP_PUBLISHED, PROP_SCOPE, REL_AUTHOR};
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
                out.h1 = subtree_text(dom, ix, 1000).filter(|t| !t.is_empty());
            }
            Tag::Time if time.is_none() => {
                time = dom.attr(ix, "datetime").and_then(dates::parse);
            }
            _ => {}
        }
        if n.props != 0 {
            let el = n.node.value().as_element();
            let author_item = n.props & PROP_AUTHOR != 0 && n.props & PROP_SCOPE == 0;
            let person_name = n.props & PROP_NAME != 0 && in_author(dom, ix);
            // An author given as a Person item: its `name` property is read instead.
            if (author_item || person_name || n.props & REL_AUTHOR != 0)
                && let Some(name) = subtree_text(dom, ix, 120).filter(|t| !t.is_empty())
            {
                micro_authors.push(name);
            }
            if n.props & PROP_PUBLISHED != 0 && out.published.is_none() {
                out.published = el
                    .and_then(|e| e.attr("datetime").or_else(|| e.attr("content")))
                    .and_then(dates::parse);
            }
        }
        if n.class & classify::BYLINE != 0
            && i >= in_byline_until
            && out.bylines.len() < MAX_BYLINES
            && let Some(t) = subtree_text(dom, ix, MAX_BYLINE_CHARS * 3).map(|t| collapse_space(&t))
            && !t.is_empty()
            && t.chars().count() <= MAX_BYLINE_CHARS
        {
            out.bylines.push(t);
            in_byline_until = n.end as usize;
        }
    }
    if out.published.is_none() {
        out.published = time;
    }
    if out.authors.is_empty() {
        micro_authors.retain(|a| a.chars().count() <= 80);
    }
    if out.authors.is_empty() {
        out.authors = micro_authors;
    }
}

/// True when the element at `ix` is inside an `itemprop="author"` item.
fn in_author(dom: &Dom<'_>, ix: u32) -> bool {
    let mut p = dom.nodes[ix as usize].parent;
    for _ in 0..4 {
        let Some(n) = dom.nodes.get(p as usize) else {
            return false;
        };
        if n.props & PROP_AUTHOR != 0 {
            return true;
        }
        p = n.parent;
    }
    false
}
