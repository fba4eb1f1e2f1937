//! Tidying the edges of the body: the headline repeated, bylines and datelines standing
//! alone, "Advertisement" labels, and credit trailers ("— AFP"), which go to the metadata.

use super::block::{Block, BlockKind};

/// Drops boilerplate blocks from `blocks`. `title` is the headline, if known.
pub(crate) fn clean(blocks: &mut Vec<Block>, title: Option<&str>) {
    let title_key = title.map(key);
    let max_len = title.map_or(0, str::len).max(60) + 20;
    blocks.retain(|b| {
        if b.kind == BlockKind::Figure || b.text.len() > max_len {
            return true;
        }
        let k = key(&b.text);
        if k.is_empty() {
            return false;
        }
        if title_key.as_deref() == Some(k.as_str()) {
            return false;
        }
        !is_label(&k)
    });
    trim_edges(blocks);
}

/// How many blocks at each end of the body are checked for furniture lines.
const EDGE_BLOCKS: usize = 3;
/// Longest block (in bytes) taken as a furniture line at the edges.
const MAX_EDGE_LINE: usize = 300;

/// Drops date stamps and newsletter or subscription pitches at the start and end of the body.
fn trim_edges(blocks: &mut Vec<Block>) {
    let n = blocks.len();
    if n < 3 {
        return;
    }
    let mut keep = vec![true; n];
    for i in (0..EDGE_BLOCKS.min(n)).chain(n.saturating_sub(EDGE_BLOCKS)..n) {
        let b = &blocks[i];
        if b.kind == BlockKind::Figure || b.text.len() > MAX_EDGE_LINE {
            continue;
        }
        let k = key(&b.text);
        keep[i] = !(is_stamp(&k) || is_pitch(&k));
    }
    let mut it = keep.iter();
    blocks.retain(|_| *it.next().unwrap_or(&true));
}

/// A line that only says when or by whom the article was posted.
fn is_stamp(k: &str) -> bool {
    const STARTS: &[&str] = &[
        "published",
        "first published",
        "last updated",
        "updated",
        "posted",
        "publicado",
        "atualizado",
        "actualizado",
        "publié",
        "mis à jour",
        "veröffentlicht",
        "aktualisiert",
    ];
    k.len() < 120 && STARTS.iter().any(|s| k.starts_with(s))
        || k.len() < 160 && (k.contains("publicado por") || k.contains("posted by"))
}

/// A newsletter or subscription pitch.
fn is_pitch(k: &str) -> bool {
    (k.contains("newsletter") || k.contains("subscribe") || k.contains("sign up"))
        && (k.contains("inbox")
            || k.contains("free")
            || k.contains("today")
            || k.contains("sign up for")
            || k.contains("subscribe to"))
}

/// Lowercase words of `s` joined by single spaces: the comparison key of a block.
pub(crate) fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// True for a block that is only a furniture label.
fn is_label(k: &str) -> bool {
    matches!(
        k,
        "advertisement"
            | "advert"
            | "this slideshow requires javascript"
            | "advertising"
            | "ad"
            | "sponsored"
            | "story continues below advertisement"
            | "continue reading below"
            | "article continues below"
            | "story continues below"
            | "scroll to continue with content"
            | "read more"
            | "share"
            | "share this"
            | "share this article"
            | "tweet"
            | "email"
            | "print"
            | "comments"
            | "related"
            | "related articles"
            | "related stories"
            | "more on this story"
            | "more from"
            | "recommended"
            | "you may also like"
            | "publicidade"
            | "publicidad"
            | "anzeige"
            | "werbung"
            | "реклама"
            | "광고"
            | "广告"
            | "広告"
    )
}
