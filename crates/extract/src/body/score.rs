//! Finding the main content: which subtrees are boilerplate, and which element holds the
//! article.
//!
//! Every block of text is rated once from its own counts: a *good* block is long enough (or
//! ends like a sentence) and has few links; everything else counts as *bad* (link text in
//! full, other short text at half weight). The counts are summed up the tree in one reverse
//! pass. Elements that the markup marks as furniture (boilerplate classes, `nav`, `aside`,
//! `header`, `footer`, ARIA landmarks) are dropped with their subtree, unless they hold most
//! of the page's good text (a page wrapper named `has-sidebar` is not a sidebar). The main
//! content is then the element with the highest `good - bad` score: a subtree that adds more
//! good text than boilerplate is worth including, one that adds more boilerplate is not.

use crate::classify;
use crate::dom::{DNode, Dom, ELLIPSIS, ITEMPROP_BODY, Ix, NO_PARENT, ROLE_FURNITURE};
use crate::tag::Tag;

/// Share of the page's good text above which a furniture-marked element is kept.
const KEEP_FURNITURE_SHARE: f32 = 0.5;

/// Subtree sums for one node.
#[derive(Clone, Copy, Default)]
pub(crate) struct Sums {
    /// Visible characters.
    pub(crate) len: u32,
    /// Visible characters inside links.
    pub(crate) link: u32,
    /// Characters of good (paragraph-like, few links) blocks, link text excluded.
    pub(crate) good: u32,
    /// Weighted boilerplate characters.
    pub(crate) bad: f32,
    /// Elements in the subtree that mark main content: `article`, `main`, `h1`,
    /// `itemprop=articleBody`, article-body class names.
    pub(crate) markers: u32,
    /// Elements in the subtree named as the article body (`itemprop=articleBody`,
    /// article-body class names).
    pub(crate) body_markers: u32,
    /// Blocks with text in the subtree.
    pub(crate) blocks: u32,
    /// Blocks in the subtree whose text is (nearly) all one link: headlines of teasers.
    pub(crate) link_blocks: u32,
}

/// True for an element that marks main content.
fn is_marker(n: &DNode<'_>) -> bool {
    matches!(n.tag, Tag::Main | Tag::H1)
        || n.flags & ITEMPROP_BODY != 0
        || n.class & classify::BODY != 0
}

/// What the scoring pass found.
pub(crate) struct Analysis {
    /// Per node: dropped as boilerplate, with the subtree.
    pub(crate) removed: Vec<bool>,
    /// Per node: subtree sums with removed subtrees left out.
    pub(crate) sums: Vec<Sums>,
    /// The element holding the main content.
    pub(crate) best: Ix,
    /// Per node: subtree sums with nothing removed.
    pub(crate) raw: Vec<Sums>,
    /// Good characters of the whole page before anything was removed.
    pub(crate) page_good: u32,
    /// Visible characters of the whole page.
    pub(crate) page_len: u32,
}

/// True when the sentence-final character `c` ends a sentence.
pub(crate) fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '"'
            | '\''
            | '”'
            | '’'
            | '»'
            | ')'
            | ':'
            | '…'
            | '。'
            | '！'
            | '？'
            | '」'
            | '』'
            | '।'
            | '؟'
    )
}

/// Rates a block's own text: (good characters, bad weight).
fn rate(n: &DNode<'_>) -> (u32, f32) {
    if n.len == 0 || !n.tag.is_block() {
        return (0, 0.0);
    }
    let plain = n.len - n.link;
    let density = n.link as f32 / n.len as f32;
    let sentence = is_sentence_end(n.last);
    let teaser = n.flags & ELLIPSIS != 0;
    if density < 0.4 && !teaser && (n.len >= 80 || (n.len >= 30 && sentence)) {
        (plain, n.link as f32)
    } else {
        (0, n.link as f32 + 0.5 * plain as f32)
    }
}

/// True when markup marks the element as page furniture.
fn is_furniture(n: &DNode<'_>, lenient: bool) -> bool {
    (!lenient && (n.tag.is_furniture() || n.flags & ROLE_FURNITURE != 0))
        || (n.class & classify::NEGATIVE != 0
            && !matches!(
                n.tag,
                Tag::A | Tag::Em | Tag::Strong | Tag::Code | Tag::Sub | Tag::Sup
            )
            && n.flags & ITEMPROP_BODY == 0
            && !matches!(n.tag, Tag::Body | Tag::Html | Tag::Document | Tag::Main))
}

/// Extra weight of good text in an element named as the article body.
const NAMED_BODY_BONUS: f32 = 0.15;

/// Most element children looked at when searching a container for teaser cards.
const MAX_CARD_SIBLINGS: usize = 64;
/// Fewest alike cards that make a list of teasers.
const MIN_CARDS: usize = 3;

/// True when the subtree looks like a teaser card: a block that is one link (the
/// headline) and a paragraph (the summary).
fn is_card(s: &Sums) -> bool {
    s.link_blocks >= 1 && s.blocks >= 2 && s.good > 0
}

/// Marks teaser cards: runs of at least [`MIN_CARDS`] sibling elements with the same tag and
/// class, each a headline link plus a summary, as on index pages and in "more stories"
/// blocks. Card lists that are the article (a card holding most of the page's text, or an
/// element named as the article body) are left alone.
fn teasers(dom: &Dom<'_>, raw: &[Sums], page_good: u32) -> Vec<bool> {
    let mut marked = vec![false; dom.nodes.len()];
    // Inside an element named as the article body, alike sections with a linked heading
    // and a paragraph are the article (a gift guide, a list of reviews), not teasers.
    let mut in_body = vec![false; dom.nodes.len()];
    let mut children: Vec<(Ix, Tag, &str)> = Vec::with_capacity(MAX_CARD_SIBLINGS);
    for (i, node) in dom.nodes.iter().enumerate() {
        let named = node.flags & ITEMPROP_BODY != 0 || node.class & classify::BODY != 0;
        in_body[i] = named || (node.parent != NO_PARENT && in_body[node.parent as usize]);
        if node.tag == Tag::Text || node.end as usize <= i + 3 || in_body[i] {
            continue;
        }
        children.clear();
        let mut c = i as Ix + 1;
        while c < node.end && children.len() < MAX_CARD_SIBLINGS {
            let child = &dom.nodes[c as usize];
            if matches!(
                child.tag,
                Tag::Div | Tag::Article | Tag::Section | Tag::Li | Tag::Aside
            ) {
                children.push((c, child.tag, dom.attr(c, "class").unwrap_or("")));
            }
            c = child.end;
        }
        if children.len() < MIN_CARDS {
            continue;
        }
        for (k, &(ci, tag, class)) in children.iter().enumerate() {
            if marked[ci as usize] || !is_card(&raw[ci as usize]) {
                continue;
            }
            // Only the first of a group does the counting.
            if children[..k]
                .iter()
                .any(|&(_, t, c)| t == tag && c == class)
            {
                continue;
            }
            let group = children.iter().filter(|&&(_, t, c)| t == tag && c == class);
            let members = group.clone().count();
            let cards: Vec<Ix> = group
                .filter(|&&(x, _, _)| is_card(&raw[x as usize]))
                .map(|&(x, _, _)| x)
                .collect();
            if cards.len() < MIN_CARDS || cards.len() * 5 < members * 3 {
                continue;
            }
            let protected = cards.iter().any(|&x| {
                raw[x as usize].body_markers > 0
                    || raw[x as usize].good as f32 >= KEEP_FURNITURE_SHARE * page_good as f32
            });
            if !protected {
                for x in cards {
                    marked[x as usize] = true;
                }
            }
        }
    }
    marked
}

/// True for elements that can be the main content: containers, not paragraphs or lists.
fn is_container(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Document
            | Tag::Html
            | Tag::Body
            | Tag::Main
            | Tag::Article
            | Tag::Section
            | Tag::Div
            | Tag::Td
            | Tag::Form
            | Tag::OtherBlock
            | Tag::Inline
            | Tag::Header
            | Tag::Footer
            | Tag::Aside
            | Tag::Nav
    )
}

/// Sums the subtree counts, skipping nodes for which `skip` is true.
fn sum_up(dom: &Dom<'_>, skip: &[bool]) -> Vec<Sums> {
    let mut sums: Vec<Sums> = dom
        .nodes
        .iter()
        .map(|n| {
            let (good, bad) = rate(n);
            let (len, link) = if n.tag.is_block() {
                (n.len, n.link)
            } else {
                (0, 0)
            };
            let body_marker = n.flags & ITEMPROP_BODY != 0 || n.class & classify::BODY != 0;
            Sums {
                len,
                link,
                good,
                bad,
                markers: u32::from(is_marker(n)),
                body_markers: u32::from(body_marker),
                blocks: u32::from(len > 0),
                link_blocks: u32::from(len >= 10 && link * 5 >= len * 4),
            }
        })
        .collect();
    for i in (1..dom.nodes.len()).rev() {
        let p = dom.nodes[i].parent;
        if p == NO_PARENT || skip[i] {
            continue;
        }
        let s = sums[i];
        let t = &mut sums[p as usize];
        t.len += s.len;
        t.link += s.link;
        t.good += s.good;
        t.bad += s.bad;
        t.markers += s.markers;
        t.body_markers += s.body_markers;
        t.blocks += s.blocks;
        t.link_blocks += s.link_blocks;
    }
    sums
}

/// Runs the scoring pass over `dom`.
/// `lenient` keeps furniture elements (`nav`, `aside`, `header`, `footer`, ARIA landmarks)
/// that no class name marks as boilerplate: the second try on pages where the strict pass
/// found no article.
pub(crate) fn analyse(dom: &Dom<'_>, lenient: bool) -> Analysis {
    let n = dom.nodes.len();
    let nothing = vec![false; n];
    let raw = sum_up(dom, &nothing);
    let page_good = raw.first().map_or(0, |s| s.good);
    let page_len = raw.first().map_or(0, |s| s.len);

    let mut removed = teasers(dom, &raw, page_good);
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        if p != NO_PARENT && removed[p as usize] {
            removed[i] = true;
            continue;
        }
        if removed[i] {
            continue;
        }
        if node.tag == Tag::Text || !is_furniture(node, lenient) {
            continue;
        }
        // A furniture name on an element that wraps the article (a page wrapper named
        // `has-sidebar`) does not make the article furniture.
        let wraps_article = node.class & classify::COMMENTS == 0
            && (is_marker(node)
                || (raw[i].markers > 0 || node.class & classify::POSITIVE != 0)
                    && (raw[i].good as f32) >= KEEP_FURNITURE_SHARE * page_good as f32);
        removed[i] = !wraps_article;
    }
    // Sums without the removed subtrees: a removed node's own sums stay, for inspection.
    let sums = sum_up(dom, &removed);

    let mut best = 0;
    let mut best_score = f32::MIN;
    for (i, node) in dom.nodes.iter().enumerate() {
        if removed[i] || !is_container(node.tag) || sums[i].good == 0 {
            continue;
        }
        let s = sums[i];
        // An element named as the article body gets a small lead over its wrappers.
        let named = node.flags & ITEMPROP_BODY != 0 || node.class & classify::BODY != 0;
        let bonus = if named { NAMED_BODY_BONUS } else { 0.0 };
        let score = s.good as f32 * (1.0 + bonus) - s.bad;
        if score > best_score {
            best_score = score;
            best = i as Ix;
        }
    }
    Analysis {
        removed,
        sums,
        raw,
        best,
        page_good,
        page_len,
    }
}

/// A readable path of the element at `i`: tag names with id and classes.
pub(crate) fn path(dom: &Dom<'_>, i: Ix) -> String {
    let mut parts = Vec::new();
    let mut j = i;
    while j != NO_PARENT {
        let n = &dom.nodes[j as usize];
        if let Some(el) = n.node.value().as_element() {
            let mut s = el.name.local.to_string();
            if let Some(id) = el.attr("id") {
                s.push('#');
                s.push_str(id);
            }
            if let Some(c) = el.attr("class") {
                for c in c.split_whitespace().take(3) {
                    s.push('.');
                    s.push_str(c);
                }
            }
            parts.push(s);
        }
        j = n.parent;
    }
    parts.reverse();
    parts.join(" > ")
}

/// Lists the best candidates and the winner's children (see [`crate::explain`]).
pub(crate) fn explain(dom: &Dom<'_>) -> String {
    use std::fmt::Write;
    let an = analyse(dom, false);
    let mut out = String::new();
    let mut cands: Vec<(f32, usize)> = dom
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| !an.removed[*i] && n.tag != Tag::Text)
        .map(|(i, _)| (an.sums[i].good as f32 - an.sums[i].bad, i))
        .collect();
    cands.sort_by(|a, b| b.0.total_cmp(&a.0));
    let _ = writeln!(out, "page good {} len {}", an.page_good, an.page_len);
    for (score, i) in cands.iter().take(8) {
        let s = an.sums[*i];
        let _ = writeln!(
            out,
            "{score:8.0} good {:6} bad {:6.0} len {:6} link {:5}  {}",
            s.good,
            s.bad,
            s.len,
            s.link,
            path(dom, *i as Ix)
        );
    }
    let best = an.best as usize;
    let _ = writeln!(out, "-- removed subtrees with good text:");
    for (i, n) in dom.nodes.iter().enumerate() {
        let p = n.parent;
        if an.removed[i] && (p == NO_PARENT || !an.removed[p as usize]) {
            let raw_good = an.raw[i].good;
            if raw_good > 0 {
                let _ = writeln!(
                    out,
                    "  good {raw_good:6} markers {} {}",
                    an.raw[i].markers,
                    path(dom, i as Ix)
                );
            }
        }
    }
    let _ = writeln!(out, "-- children of best:");
    let end = dom.nodes[best].end as usize;
    let mut c = best + 1;
    while c < end {
        let n = &dom.nodes[c];
        if n.tag != Tag::Text {
            let s = an.sums[c];
            let _ = writeln!(
                out,
                "  {}good {:6} bad {:6.0} len {:6} link {:5} {}",
                if an.removed[c] { "REMOVED " } else { "" },
                s.good,
                s.bad,
                s.len,
                s.link,
                path(dom, c as Ix).rsplit(" > ").next().unwrap_or("")
            );
        }
        c = n.end as usize;
    }
    out
}
