//! The unit of the extracted body: one paragraph, heading, list item, quote or figure.

/// What a block is, which decides its HTML element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// A paragraph (also table cells and loose text in containers).
    Para,
    /// A heading, level 2 to 6 (the page's `h1` is the headline, not body).
    Heading(u8),
    /// A list item; `true` in an ordered list.
    Item(bool),
    /// A paragraph of a block quote.
    Quote,
    /// Preformatted text.
    Pre,
    /// A figure: an image with an optional caption. Its text is the caption, which is not
    /// part of the plain-text body.
    Figure,
}

/// One block of the body.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// What the block is.
    pub(crate) kind: BlockKind,
    /// Plain text, white space collapsed (line breaks from `<br>` kept as `\n`).
    pub(crate) text: String,
    /// Inline HTML of the block's content (escaped text, links, emphasis), not yet sanitised.
    /// For a figure, the whole `<figure>` element.
    pub(crate) html: String,
}
