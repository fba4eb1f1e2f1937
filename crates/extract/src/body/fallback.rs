//! The JSON-LD `articleBody` as a fallback body.
//!
//! Some pages render their text with JavaScript and ship it only in JSON-LD, or hide most of
//! it in the markup. When the `articleBody` is long and much longer than what the page's
//! markup gave, it replaces the extracted blocks (one paragraph per line of the
//! `articleBody`; figures found in the markup are kept).

use super::block::{Block, BlockKind};
use super::collect::escape_into;

/// Shortest `articleBody` (visible characters) that may replace the extracted body.
const MIN_ARTICLE_BODY: usize = 500;
/// How many times longer than the extracted text the `articleBody` must be.
const MIN_RATIO: usize = 2;

fn visible(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Replaces `blocks` with the paragraphs of `article_body` when that is clearly better.
pub(crate) fn use_article_body(blocks: &mut Vec<Block>, article_body: &str) {
    let body_len = visible(article_body);
    let extracted: usize = blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Figure)
        .map(|b| visible(&b.text))
        .sum();
    if body_len < MIN_ARTICLE_BODY || body_len < extracted * MIN_RATIO {
        return;
    }
    blocks.retain(|b| b.kind == BlockKind::Figure);
    for line in article_body.lines() {
        // A JSON string, which no HTML parser decoded: its references are decoded here.
        let text = crate::metadata::clean_text(line);
        if text.is_empty() {
            continue;
        }
        let mut html = String::with_capacity(text.len());
        escape_into(&mut html, &text);
        blocks.push(Block {
            kind: BlockKind::Para,
            text,
            html,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Block {
        Block {
            kind: BlockKind::Para,
            text: text.to_string(),
            html: text.to_string(),
        }
    }

    #[test]
    fn long_article_body_replaces_a_stub() {
        let mut blocks = vec![para("Subscribe to read.")];
        let body = "First paragraph of the story, long enough. ".repeat(15)
            + "\n\n"
            + &"Second one. ".repeat(10);
        use_article_body(&mut blocks, &body);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].text.starts_with("First paragraph"));
    }

    #[test]
    fn the_article_body_s_references_are_decoded_once() {
        let mut blocks = vec![para("Subscribe to read.")];
        let body = "AT&amp;T said the terms were &quot;fair&quot; &#8211; and final. ".repeat(12);
        use_article_body(&mut blocks, &body);
        assert!(
            blocks[0]
                .text
                .starts_with("AT&T said the terms were \"fair\" – and final."),
            "{}",
            blocks[0].text
        );
        assert!(
            blocks[0].html.starts_with("AT&amp;T said"),
            "{}",
            blocks[0].html
        );
    }

    #[test]
    fn short_or_similar_article_body_is_ignored() {
        let text = "A paragraph of the story that is already in the markup. ".repeat(12);
        let mut blocks = vec![para(&text)];
        use_article_body(&mut blocks, &text);
        assert_eq!(blocks[0].text, text);
        use_article_body(&mut blocks, "short");
        assert_eq!(blocks.len(), 1);
    }
}
