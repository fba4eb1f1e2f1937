//! The article body: find the main content, write its blocks, tidy them.
//!
//! [`score`] rates the page's text blocks and picks the element holding the article,
//! [`collect`] writes that element's blocks as text and inline HTML, and [`clean`] drops what
//! is left of the furniture at the edges (headline repeats, bylines, "Advertisement",
//! credit trailers).

pub(crate) mod block;
pub(crate) mod clean;
pub(crate) mod collect;
pub(crate) mod fallback;
pub(crate) mod score;

use url::Url;

use crate::dom::Dom;
pub(crate) use block::{Block, BlockKind};
pub(crate) use score::Analysis;

/// Finds and writes the body of the page in `dom`; `lenient` is the second try for pages
/// where the strict pass found nothing (see [`score::analyse`]).
pub(crate) fn extract(dom: &Dom<'_>, base: Option<&Url>, lenient: bool) -> (Vec<Block>, Analysis) {
    let analysis = score::analyse(dom, lenient);
    let blocks = collect::collect(dom, &analysis, analysis.best, base);
    (blocks, analysis)
}

/// The plain text of `blocks`: one line per block, figures left out.
pub(crate) fn text_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks.iter().filter(|b| b.kind != BlockKind::Figure) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&b.text);
    }
    out
}

/// The (unsanitised) HTML of `blocks`, list items grouped into lists and quote paragraphs
/// into block quotes.
pub(crate) fn html_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut open: Option<BlockKind> = None;
    for b in blocks {
        let group = match b.kind {
            BlockKind::Item(_) | BlockKind::Quote => Some(b.kind),
            _ => None,
        };
        if open != group {
            match open {
                Some(BlockKind::Item(true)) => out.push_str("</ol>"),
                Some(BlockKind::Item(false)) => out.push_str("</ul>"),
                Some(BlockKind::Quote) => out.push_str("</blockquote>"),
                _ => {}
            }
            match group {
                Some(BlockKind::Item(true)) => out.push_str("<ol>"),
                Some(BlockKind::Item(false)) => out.push_str("<ul>"),
                Some(BlockKind::Quote) => out.push_str("<blockquote>"),
                _ => {}
            }
            open = group;
        }
        match b.kind {
            BlockKind::Para | BlockKind::Quote => wrap(&mut out, "p", &b.html),
            BlockKind::Heading(level) => {
                let tag = ["h2", "h2", "h2", "h3", "h4", "h5", "h6"][usize::from(level.min(6))];
                wrap(&mut out, tag, &b.html);
            }
            BlockKind::Item(_) => wrap(&mut out, "li", &b.html),
            BlockKind::Pre => wrap(&mut out, "pre", &b.html),
            BlockKind::Figure => out.push_str(&b.html),
        }
    }
    match open {
        Some(BlockKind::Item(true)) => out.push_str("</ol>"),
        Some(BlockKind::Item(false)) => out.push_str("</ul>"),
        Some(BlockKind::Quote) => out.push_str("</blockquote>"),
        _ => {}
    }
    out
}

fn wrap(out: &mut String, tag: &str, inner: &str) {
    out.push('<');
    out.push_str(tag);
    out.push('>');
    out.push_str(inner);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}
