//! The element names the extractor distinguishes, and what each kind means for text.

/// An element name (or a text node), reduced to what extraction needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// A text node.
    Text,
    /// The document root.
    Document,
    Html,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Script,
    /// Never text: style, template, svg, math, iframe, object, embed, canvas, media, forms
    /// controls and the like.
    Skip,
    Noscript,
    Nav,
    Aside,
    Header,
    Footer,
    Main,
    Article,
    Section,
    Div,
    P,
    H1,
    /// `h2`..`h6`, with the level.
    H(u8),
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Blockquote,
    Pre,
    Table,
    /// Table structure that only groups rows: thead, tbody, tfoot, tr, caption, colgroup.
    TablePart,
    Td,
    Figure,
    Figcaption,
    Img,
    Picture,
    Br,
    Hr,
    A,
    Em,
    Strong,
    Code,
    Sub,
    Sup,
    Time,
    Form,
    /// Another block-level element (address, details, center, fieldset, …).
    OtherBlock,
    /// Another inline element (span, font, abbr, …).
    Inline,
}

impl Tag {
    /// Maps an HTML local name (lowercase) to a tag.
    pub(crate) fn from_name(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "head" => Tag::Head,
            "body" => Tag::Body,
            "title" => Tag::Title,
            "meta" => Tag::Meta,
            "link" => Tag::Link,
            "script" => Tag::Script,
            "style" | "template" | "svg" | "math" | "iframe" | "object" | "embed" | "canvas"
            | "video" | "audio" | "select" | "option" | "button" | "input" | "textarea" | "map"
            | "dialog" | "frameset" | "frame" | "source" | "track" | "param" | "datalist"
            | "output" | "progress" | "meter" | "amp-ad" | "amp-embed" | "amp-analytics"
            | "base" => Tag::Skip,
            "noscript" => Tag::Noscript,
            "nav" | "menu" => Tag::Nav,
            "aside" => Tag::Aside,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "main" => Tag::Main,
            "article" => Tag::Article,
            "section" => Tag::Section,
            "div" => Tag::Div,
            "p" => Tag::P,
            "h1" => Tag::H1,
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "ul" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "table" => Tag::Table,
            "thead" | "tbody" | "tfoot" | "tr" | "caption" | "colgroup" | "col" => Tag::TablePart,
            "td" | "th" => Tag::Td,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "img" | "amp-img" => Tag::Img,
            "picture" => Tag::Picture,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "a" => Tag::A,
            "em" | "i" | "cite" | "q" => Tag::Em,
            "strong" | "b" => Tag::Strong,
            "code" | "kbd" | "samp" | "tt" => Tag::Code,
            "sub" => Tag::Sub,
            "sup" => Tag::Sup,
            "time" => Tag::Time,
            "form" => Tag::Form,
            "address" | "details" | "summary" | "center" | "fieldset" | "legend" | "hgroup"
            | "ruby" | "body-text" => Tag::OtherBlock,
            _ => Tag::Inline,
        }
    }

    /// True for elements that start a new line of text (a block in the text output).
    pub(crate) fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Text
                | Tag::A
                | Tag::Em
                | Tag::Strong
                | Tag::Code
                | Tag::Sub
                | Tag::Sup
                | Tag::Time
                | Tag::Inline
                | Tag::Img
                | Tag::Picture
                | Tag::Br
        )
    }

    /// True for elements whose content is never article text.
    pub(crate) fn is_skipped(self) -> bool {
        matches!(
            self,
            Tag::Script | Tag::Skip | Tag::Noscript | Tag::Title | Tag::Meta | Tag::Link
        )
    }

    /// True for page furniture elements: navigation, asides, headers and footers.
    pub(crate) fn is_furniture(self) -> bool {
        matches!(self, Tag::Nav | Tag::Aside | Tag::Header | Tag::Footer)
    }
}
