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
use crate::dom::{DNode, Dom, ITEMPROP_BODY, Ix, NO_PARENT, ROLE_FURNITURE};
use crate::tag::Tag;

/// Share of the page's good text above which a furniture-marked element is kept.
const KEEP_FURNITURE_SHARE: f32 = 0.5;
/// Share of the page's good text above which a comment-marked element is kept.
const KEEP_COMMENTS_SHARE: f32 = 0.8;

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
}

/// What the scoring pass found.
pub(crate) struct Analysis {
    /// Per node: dropped as boilerplate, with the subtree.
    pub(crate) removed: Vec<bool>,
    /// Per node: subtree sums with removed subtrees left out.
    pub(crate) sums: Vec<Sums>,
    /// The element holding the main content.
    pub(crate) best: Ix,
    /// Good characters of the whole page before anything was removed.
    pub(crate) page_good: u32,
    /// Visible characters of the whole page.
    pub(crate) page_len: u32,
}

/// True when the sentence-final character `c` ends a sentence.
pub(crate) fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '"' | '\'' | '”' | '’' | '»' | ')' | ':' | '…' | '。' | '！' | '？' | '」'
            | '』' | '।' | '؟'
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
    if density < 0.4 && (n.len >= 80 || (n.len >= 30 && sentence)) {
        (plain, n.link as f32)
    } else {
        (0, n.link as f32 + 0.5 * plain as f32)
    }
}

/// True when markup marks the element as page furniture.
fn is_furniture(n: &DNode<'_>) -> bool {
    n.tag.is_furniture()
        || n.flags & ROLE_FURNITURE != 0
        || (n.class & classify::NEGATIVE != 0
            && n.flags & ITEMPROP_BODY == 0
            && !matches!(n.tag, Tag::Body | Tag::Html | Tag::Document | Tag::Main))
}

/// Sums the subtree counts, skipping nodes for which `skip` is true.
fn sum_up(dom: &Dom<'_>, skip: &[bool]) -> Vec<Sums> {
    let mut sums: Vec<Sums> = dom
        .nodes
        .iter()
        .map(|n| {
            let (good, bad) = rate(n);
            let (len, link) = if n.tag.is_block() { (n.len, n.link) } else { (0, 0) };
            Sums { len, link, good, bad }
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
    }
    sums
}

/// Runs the scoring pass over `dom`.
pub(crate) fn analyse(dom: &Dom<'_>) -> Analysis {
    let n = dom.nodes.len();
    let nothing = vec![false; n];
    let raw = sum_up(dom, &nothing);
    let page_good = raw.first().map_or(0, |s| s.good);
    let page_len = raw.first().map_or(0, |s| s.len);

    let mut removed = vec![false; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        if p != NO_PARENT && removed[p as usize] {
            removed[i] = true;
            continue;
        }
        if node.tag == Tag::Text || !is_furniture(node) {
            continue;
        }
        let share = if node.class & classify::COMMENTS != 0 {
            KEEP_COMMENTS_SHARE
        } else {
            KEEP_FURNITURE_SHARE
        };
        removed[i] = (raw[i].good as f32) < share * page_good as f32;
    }
    // Sums without the removed subtrees: a removed node's own sums stay, for inspection.
    let sums = sum_up(dom, &removed);

    let mut best = 0;
    let mut best_score = f32::MIN;
    for (i, node) in dom.nodes.iter().enumerate() {
        if removed[i] || node.tag == Tag::Text {
            continue;
        }
        let s = sums[i];
        let score = s.good as f32 - s.bad;
        if score > best_score {
            best_score = score;
            best = i as Ix;
        }
    }
    Analysis { removed, sums, best, page_good, page_len }
}
