//! Walking the main content element and writing its blocks: text and inline HTML.
//!
//! Inside the main content, subtrees are skipped when the scoring pass removed them, when
//! they are the headline (`h1`), a caption, a form with no article text, or a container made
//! mostly of links (related-article lists, tag clouds, share bars without markup names).
//! Figures become figure blocks (image and caption), kept for the HTML and left out of the
//! text.

use scraper::Node;
use url::Url;

use super::block::{Block, BlockKind};
use super::score::Analysis;
use crate::dom::{Dom, IN_PRE, Ix};
use crate::tag::Tag;

/// Link density above which a container inside the main content is dropped.
const MAX_CONTAINER_LINK_DENSITY: f32 = 0.5;

/// Collects the blocks of the subtree at `root`.
pub(crate) fn collect(dom: &Dom<'_>, an: &Analysis, root: Ix, base: Option<&Url>) -> Vec<Block> {
    let mut w = Writer {
        blocks: Vec::new(),
        text: String::new(),
        html: String::new(),
        space: false,
        kind: BlockKind::Para,
    };
    // Open elements: (end of subtree, closing HTML, kind to restore).
    let mut open: Vec<(Ix, &'static str, BlockKind, bool)> = Vec::new();
    let mut kind = BlockKind::Para;
    let mut ordered = false;
    let end = dom.nodes[root as usize].end;
    let mut i = root;
    while i < end {
        while let Some(&(e, close, k, o)) = open.last() {
            if i < e {
                break;
            }
            w.html.push_str(close);
            if close.is_empty() {
                w.flush();
            }
            kind = k;
            ordered = o;
            w.kind = kind;
            open.pop();
        }
        let node = &dom.nodes[i as usize];
        let ix = i as usize;
        if node.tag == Tag::Text {
            w.text_node(dom.text(i), node.flags & IN_PRE != 0);
            i += 1;
            continue;
        }
        if i != root && skip(dom, an, i) {
            i = node.end;
            continue;
        }
        let tag = node.tag;
        if matches!(tag, Tag::Figure | Tag::Img | Tag::Picture) {
            w.flush();
            if let Some(fig) = figure(dom, an, i, base) {
                w.blocks.push(fig);
            }
            i = node.end;
            continue;
        }
        if tag.is_block() {
            w.flush();
            let new_kind = match tag {
                Tag::P | Tag::Td | Tag::Dt | Tag::Dd => {
                    if kind == BlockKind::Quote || matches!(kind, BlockKind::Item(_)) {
                        kind
                    } else {
                        BlockKind::Para
                    }
                }
                Tag::H(level) => BlockKind::Heading(level),
                Tag::Li => BlockKind::Item(ordered),
                Tag::Blockquote => BlockKind::Quote,
                Tag::Pre => BlockKind::Pre,
                _ => kind,
            };
            open.push((node.end, "", kind, ordered));
            if tag == Tag::Ol {
                ordered = true;
            } else if tag == Tag::Ul {
                ordered = false;
            }
            kind = new_kind;
            w.kind = kind;
            i += 1;
            continue;
        }
        let close = match tag {
            Tag::Br => {
                w.text.push('\n');
                w.html.push_str("<br>");
                w.space = false;
                ""
            }
            Tag::A => match dom.attr(i, "href").and_then(|h| resolve(h, base)) {
                Some(href) => {
                    w.pending_space();
                    w.html.push_str("<a href=\"");
                    escape_into(&mut w.html, &href);
                    w.html.push_str("\">");
                    "</a>"
                }
                None => "",
            },
            Tag::Em => inline_open(&mut w, "<em>", "</em>"),
            Tag::Strong => inline_open(&mut w, "<strong>", "</strong>"),
            Tag::Code => inline_open(&mut w, "<code>", "</code>"),
            Tag::Sub => inline_open(&mut w, "<sub>", "</sub>"),
            Tag::Sup => inline_open(&mut w, "<sup>", "</sup>"),
            _ => "",
        };
        if !close.is_empty() {
            open.push((node.end, close, kind, ordered));
        }
        let _ = ix;
        i += 1;
    }
    while let Some((_, close, _, _)) = open.pop() {
        w.html.push_str(close);
    }
    w.flush();
    w.blocks
}

/// Opens an inline element in the HTML; returns its closing tag.
fn inline_open(w: &mut Writer, open: &str, close: &'static str) -> &'static str {
    w.pending_space();
    w.html.push_str(open);
    close
}

/// True when the subtree at `i` is left out of the body.
fn skip(dom: &Dom<'_>, an: &Analysis, i: Ix) -> bool {
    let ix = i as usize;
    if an.removed[ix] {
        return true;
    }
    let node = &dom.nodes[ix];
    let s = &an.sums[ix];
    match node.tag {
        Tag::H1 | Tag::Figcaption => return true,
        Tag::Form if s.good == 0 => return true,
        _ => {}
    }
    if node.tag.is_block() && s.len > 0 && !keeps_links(node.tag) {
        let density = s.link as f32 / s.len as f32;
        if density > MAX_CONTAINER_LINK_DENSITY {
            return true;
        }
    }
    false
}

/// Blocks kept whatever their link density: a quote (an embedded post) is text even when
/// it is mostly links.
fn keeps_links(tag: Tag) -> bool {
    matches!(tag, Tag::Blockquote)
}

/// Builds a figure block from a `<figure>`, `<picture>` or `<img>`.
fn figure(dom: &Dom<'_>, an: &Analysis, i: Ix, base: Option<&Url>) -> Option<Block> {
    let end = dom.nodes[i as usize].end;
    let mut src = None;
    let mut alt = String::new();
    let mut caption = String::new();
    let mut j = i;
    while j < end {
        let n = &dom.nodes[j as usize];
        if an.removed[j as usize] && j != i {
            j = n.end;
            continue;
        }
        match n.tag {
            Tag::Img if src.is_none() => {
                src = image_src(dom, j).and_then(|s| resolve(s, base));
                alt = dom.attr(j, "alt").unwrap_or("").trim().to_string();
            }
            Tag::Figcaption => {
                caption = subtree_text(dom, j, 2000).unwrap_or_default();
                j = n.end;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    let src = src?;
    let mut html = String::from("<figure><img src=\"");
    escape_into(&mut html, &src);
    html.push_str("\" alt=\"");
    escape_into(&mut html, &alt);
    html.push_str("\">");
    if !caption.is_empty() {
        html.push_str("<figcaption>");
        escape_into(&mut html, &caption);
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    Some(Block {
        kind: BlockKind::Figure,
        text: caption,
        html,
    })
}

/// The best source URL of an image: `src` unless it is a placeholder, else a lazy-loading
/// attribute, else the first `srcset` candidate.
pub(crate) fn image_src<'a>(dom: &Dom<'a>, i: Ix) -> Option<&'a str> {
    let src = dom
        .attr(i, "src")
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with("data:"));
    src.or_else(|| {
        ["data-src", "data-lazy-src", "data-original", "data-url"]
            .iter()
            .find_map(|a| dom.attr(i, a).map(str::trim).filter(|s| !s.is_empty()))
    })
    .or_else(|| {
        ["srcset", "data-srcset"].iter().find_map(|a| {
            dom.attr(i, a)
                .and_then(|s| s.split(',').next())
                .and_then(|s| s.split_whitespace().next())
        })
    })
}

/// The collapsed visible text of a subtree, or `None` when it is longer than `limit` bytes
/// (the walk stops there, so long subtrees cost no more than short ones).
pub(crate) fn subtree_text(dom: &Dom<'_>, i: Ix, limit: usize) -> Option<String> {
    let end = dom.nodes[i as usize].end;
    let mut out = String::new();
    let mut space = false;
    for j in i..end {
        if out.len() > limit {
            return None;
        }
        if dom.nodes[j as usize].tag == Tag::Text {
            for c in dom.text(j).chars() {
                if c.is_whitespace() {
                    space = true;
                } else {
                    if space && !out.is_empty() {
                        out.push(' ');
                    }
                    space = false;
                    out.push(c);
                }
            }
        } else if dom.nodes[j as usize].tag.is_block() {
            space = true;
        }
    }
    (out.len() <= limit).then_some(out)
}

/// Resolves a link against the page URL; keeps only http(s) and mailto links.
pub(crate) fn resolve(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.into())
}

/// Appends `s` to `out`, escaped for HTML text and attribute values.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Accumulates the text and HTML of the current block.
struct Writer {
    blocks: Vec<Block>,
    text: String,
    html: String,
    space: bool,
    kind: BlockKind,
}

impl Writer {
    /// Writes a pending space now, before an inline element opens.
    fn pending_space(&mut self) {
        if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push(' ');
            self.html.push(' ');
            self.space = false;
        }
    }

    /// Appends a text node's content.
    fn text_node(&mut self, t: &str, pre: bool) {
        for c in t.chars() {
            if c.is_whitespace() {
                if pre && c == '\n' {
                    self.text.push('\n');
                    self.html.push('\n');
                    self.space = false;
                } else {
                    self.space = true;
                }
                continue;
            }
            if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
                self.html.push(' ');
            }
            self.space = false;
            self.text.push(c);
            match c {
                '&' => self.html.push_str("&amp;"),
                '<' => self.html.push_str("&lt;"),
                '>' => self.html.push_str("&gt;"),
                _ => self.html.push(c),
            }
        }
    }

    /// Ends the current block.
    fn flush(&mut self) {
        let text = self.text.trim();
        if !text.is_empty() {
            self.blocks.push(Block {
                kind: self.kind,
                text: text.to_string(),
                html: std::mem::take(&mut self.html),
            });
        }
        self.text.clear();
        self.html.clear();
        self.space = false;
    }
}

#[allow(dead_code)]
fn _node_is_text(n: &Node) -> bool {
    n.is_text()
}
