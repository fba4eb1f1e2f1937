//! A flat, pre-order view of the parsed page that the rest of the extractor works on.
//!
//! html5ever (through scraper) parses the page once. One iterative walk then copies the
//! nodes that can hold visible text into a `Vec` in document order, each with its parent,
//! the end of its subtree, its [`Tag`], what its class and id say ([`crate::classify`]) and
//! its text counts. Scripts, styles, hidden elements and the like are left out of the view;
//! the metadata elements met on the way (`<meta>`, `<link>`, `<title>`, JSON-LD scripts) are
//! recorded for [`crate::metadata`]. No step recurses, so deeply nested input cannot
//! overflow the stack.

use std::collections::HashMap;

use ego_tree::NodeRef;
use scraper::Node;

use crate::classify;
use crate::tag::Tag;

/// Marks a node inside an `<a>` element (or the `<a>` itself).
pub(crate) const IN_LINK: u8 = 1;
/// Marks a node inside `<pre>`: whitespace is kept.
pub(crate) const IN_PRE: u8 = 1 << 1;
/// Marks an element with `itemprop="articleBody"`.
pub(crate) const ITEMPROP_BODY: u8 = 1 << 2;
/// Marks an element whose ARIA role is navigation, complementary, banner, contentinfo…
pub(crate) const ROLE_FURNITURE: u8 = 1 << 3;
/// Marks a block whose text ends with an ellipsis ("…", "...", "[…]"): a teaser excerpt.
pub(crate) const ELLIPSIS: u8 = 1 << 4;

/// `itemprop="author"` (or `creator`).
pub(crate) const PROP_AUTHOR: u8 = 1;
/// `itemprop="name"`.
pub(crate) const PROP_NAME: u8 = 1 << 1;
/// `itemprop="datePublished"`.
pub(crate) const PROP_PUBLISHED: u8 = 1 << 2;
/// The element has `itemscope`.
pub(crate) const PROP_SCOPE: u8 = 1 << 3;
/// `rel="author"`.
pub(crate) const REL_AUTHOR: u8 = 1 << 4;

/// Index of a node in [`Dom::nodes`].
pub(crate) type Ix = u32;
/// The parent index of the root.
pub(crate) const NO_PARENT: Ix = Ix::MAX;

/// One node of the flat view.
#[derive(Clone, Copy)]
pub(crate) struct DNode<'a> {
    /// The node in scraper's tree.
    pub(crate) node: NodeRef<'a, Node>,
    /// Index of the parent, [`NO_PARENT`] for the root.
    pub(crate) parent: Ix,
    /// One past the index of the last node of this subtree.
    pub(crate) end: Ix,
    /// The element kind ([`Tag::Text`] for text).
    pub(crate) tag: Tag,
    /// [`classify`] flags of the element.
    pub(crate) class: u16,
    /// [`IN_LINK`] and friends.
    pub(crate) flags: u8,
    /// Microdata and link relations: [`PROP_AUTHOR`] and friends.
    pub(crate) props: u8,
    /// Index of the nearest block element, self included, that this node's text belongs to.
    pub(crate) block: Ix,
    /// Text nodes: visible (non-white-space) characters. Blocks: characters of the text that
    /// belongs to the block directly (through inline elements, not nested blocks).
    pub(crate) len: u32,
    /// Blocks: how many of [`DNode::len`] are link text.
    pub(crate) link: u32,
    /// Blocks: the last visible character of their own text.
    pub(crate) last: char,
}

/// The flat view of a page.
pub(crate) struct Dom<'a> {
    /// Nodes in document order.
    pub(crate) nodes: Vec<DNode<'a>>,
    /// `<meta>` and `<link>` elements anywhere in the page.
    pub(crate) metas: Vec<NodeRef<'a, Node>>,
    /// The contents of `<script type="application/ld+json">` elements.
    pub(crate) ld_json: Vec<NodeRef<'a, Node>>,
    /// The `<title>` element.
    pub(crate) title: Option<NodeRef<'a, Node>>,
    /// The `lang` attribute of `<html>`.
    pub(crate) html_lang: Option<&'a str>,
    /// Classes already classified on this page (class attributes repeat a lot).
    class_cache: HashMap<&'a str, u16, classify::BuildFx>,
}

impl<'a> Dom<'a> {
    /// Builds the view of `html`'s tree.
    pub(crate) fn build(html: &'a scraper::Html) -> Dom<'a> {
        let mut dom = Dom {
            nodes: Vec::with_capacity(4096),
            metas: Vec::new(),
            ld_json: Vec::new(),
            title: None,
            html_lang: None,
            class_cache: HashMap::with_capacity_and_hasher(256, classify::BuildFx),
        };
        let root = html.tree.root();
        let mut stack: Vec<Ix> = Vec::with_capacity(64);
        let mut cur = root;
        loop {
            let parent = stack.last().copied().unwrap_or(NO_PARENT);
            let descend = dom.enter(cur, parent);
            if descend && let Some(child) = cur.first_child() {
                stack.push((dom.nodes.len() - 1) as Ix);
                cur = child;
                continue;
            }
            if descend {
                let last = dom.nodes.len() - 1;
                dom.nodes[last].end = dom.nodes.len() as Ix;
            }
            // Move to the next sibling, closing finished ancestors.
            let mut n = cur;
            loop {
                if let Some(sibling) = n.next_sibling() {
                    cur = sibling;
                    break;
                }
                match stack.pop() {
                    Some(p) => {
                        let len = dom.nodes.len() as Ix;
                        dom.nodes[p as usize].end = len;
                        n = dom.nodes[p as usize].node;
                    }
                    None => return dom,
                }
            }
        }
    }

    /// Records `node` (child of `parent`); returns whether it was added to the view, which
    /// is also whether its children should be visited.
    fn enter(&mut self, node: NodeRef<'a, Node>, parent: Ix) -> bool {
        let index = self.nodes.len() as Ix;
        let (pflags, pblock) = match self.nodes.get(parent as usize) {
            Some(p) => (p.flags & (IN_LINK | IN_PRE), p.block),
            None => (0, 0),
        };
        match node.value() {
            Node::Document | Node::Fragment => {
                self.push(node, parent, Tag::Document, 0, 0, index);
                true
            }
            Node::Text(text) => {
                // Characters that are not ASCII white space: UTF-8 lead bytes and ASCII.
                let len = text
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace() && b & 0xC0 != 0x80)
                    .count() as u32;
                if len > 0 {
                    let trimmed = text.trim_end();
                    let last = trimmed.chars().next_back();
                    let ellipsis = ends_with_ellipsis(trimmed);
                    if let Some(b) = self.nodes.get_mut(pblock as usize) {
                        b.len += len;
                        if pflags & IN_LINK != 0 {
                            b.link += len;
                        }
                        if let Some(c) = last {
                            b.last = c;
                        }
                        if ellipsis {
                            b.flags |= ELLIPSIS;
                        } else {
                            b.flags &= !ELLIPSIS;
                        }
                    }
                }
                self.push(node, parent, Tag::Text, 0, pflags, pblock);
                self.nodes[index as usize].len = len;
                self.nodes[index as usize].end = index + 1;
                false
            }
            Node::Element(el) => {
                let tag = Tag::from_name(&el.name.local);
                let mut class = "";
                let mut id = "";
                let mut flags = pflags;
                let mut hidden = false;
                let mut ld_json = false;
                let mut props = 0;
                for (name, value) in &el.attrs {
                    match &*name.local {
                        "class" => class = value,
                        "id" => id = value,
                        "hidden" => hidden = true,
                        "aria-hidden" => hidden |= value.trim().eq_ignore_ascii_case("true"),
                        "style" => hidden |= style_hides(value),
                        "itemprop" => {
                            for prop in value.split_ascii_whitespace() {
                                match prop {
                                    "articleBody" => flags |= ITEMPROP_BODY,
                                    "author" | "creator" => props |= PROP_AUTHOR,
                                    "name" => props |= PROP_NAME,
                                    "datePublished" => props |= PROP_PUBLISHED,
                                    _ => {}
                                }
                            }
                        }
                        "itemscope" => props |= PROP_SCOPE,
                        "rel"
                            if tag == Tag::A
                                && value
                                    .split_ascii_whitespace()
                                    .any(|r| r.eq_ignore_ascii_case("author")) =>
                        {
                            props |= REL_AUTHOR;
                        }
                        "role" => {
                            if matches!(
                                value.trim(),
                                "navigation"
                                    | "complementary"
                                    | "banner"
                                    | "contentinfo"
                                    | "menu"
                                    | "menubar"
                                    | "dialog"
                                    | "alertdialog"
                                    | "search"
                            ) {
                                flags |= ROLE_FURNITURE;
                            }
                        }
                        "type" if tag == Tag::Script => {
                            ld_json = value.trim().eq_ignore_ascii_case("application/ld+json");
                        }
                        "lang" if tag == Tag::Html => self.html_lang = Some(value),
                        _ => {}
                    }
                }
                match tag {
                    Tag::Meta | Tag::Link => self.metas.push(node),
                    Tag::Title if self.title.is_none() => self.title = Some(node),
                    Tag::Script if ld_json => self.ld_json.push(node),
                    _ => {}
                }
                if tag.is_skipped() || tag == Tag::Head {
                    // Metadata lives in the head; its text is never body text.
                    if tag == Tag::Head {
                        for child in node.children() {
                            if let Node::Element(_) = child.value() {
                                self.enter_head_child(child);
                            }
                        }
                    }
                    return false;
                }
                let class_flags = self.classify_class(class) | classify::classify_value(id);
                if hidden || class_flags & classify::HIDDEN != 0 {
                    return false;
                }
                if tag == Tag::A {
                    flags |= IN_LINK;
                }
                if tag == Tag::Pre {
                    flags |= IN_PRE;
                }
                let block = if tag.is_block() { index } else { pblock };
                self.push(node, parent, tag, class_flags, flags, block);
                self.nodes[index as usize].props = props;
                true
            }
            _ => false,
        }
    }

    /// Classifies a class attribute, once per distinct value on the page.
    fn classify_class(&mut self, class: &'a str) -> u16 {
        if class.is_empty() {
            return 0;
        }
        if let Some(&flags) = self.class_cache.get(class) {
            return flags;
        }
        let flags = classify::classify_value(class);
        self.class_cache.insert(class, flags);
        flags
    }

    /// Records metadata elements among the head's children (and inside `<noscript>` there).
    fn enter_head_child(&mut self, node: NodeRef<'a, Node>) {
        let Node::Element(el) = node.value() else {
            return;
        };
        match &*el.name.local {
            "meta" | "link" => self.metas.push(node),
            "title" if self.title.is_none() => self.title = Some(node),
            "script"
                if el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                self.ld_json.push(node);
            }
            _ => {}
        }
    }

    fn push(
        &mut self,
        node: NodeRef<'a, Node>,
        parent: Ix,
        tag: Tag,
        class: u16,
        flags: u8,
        block: Ix,
    ) {
        self.nodes.push(DNode {
            node,
            parent,
            end: 0,
            tag,
            class,
            flags,
            props: 0,
            block,
            len: 0,
            link: 0,
            last: ' ',
        });
    }

    /// The text of a text node, or "" for an element.
    pub(crate) fn text(&self, ix: Ix) -> &'a str {
        match self.nodes[ix as usize].node.value() {
            Node::Text(t) => t,
            _ => "",
        }
    }

    /// An attribute of an element node.
    pub(crate) fn attr(&self, ix: Ix, name: &str) -> Option<&'a str> {
        self.nodes[ix as usize]
            .node
            .value()
            .as_element()?
            .attr(name)
    }
}

/// True when `s` (trimmed at the end) ends with an ellipsis.
fn ends_with_ellipsis(s: &str) -> bool {
    let s = s.trim_end_matches([']', ')']);
    s.ends_with("...") || s.ends_with('…')
}

/// True when an inline style hides the element.
fn style_hides(style: &str) -> bool {
    if !style.contains("none") && !style.contains("hidden") {
        return false;
    }
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    compact.contains("display:none") || compact.contains("visibility:hidden")
}
