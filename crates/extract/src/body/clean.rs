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
