//! The forgiving tree builder. End tags close the nearest open element of the same name (and
//! whatever is still open inside it); stray end tags are ignored; the end of input closes
//! everything. Element and attribute names are lower-cased and their namespaces mapped onto
//! the prefixes feeds conventionally use ([`Ns`]), whatever prefix the document declared.
//! Each element records the `xml:base` and `xml:lang` in force on it.

use super::entities::escape_into;
use super::tokenizer::{Token, Tokenizer};
use crate::error::ExpansionLimit;
use crate::url_base;
use url::Url;

/// Deepest element nesting kept; deeper elements are flattened into their ancestor.
const MAX_DEPTH: usize = 256;

/// A namespace, by what feeds use it for. Atom, RSS 0.90/1.0, and unknown default namespaces
/// are all [`Ns::Plain`], as feed readers have always treated them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace, a feed format's own namespace, or an unknown default namespace.
    Plain,
    /// RDF syntax.
    Rdf,
    /// Dublin Core elements.
    Dc,
    /// Dublin Core terms.
    Dcterms,
    /// RSS 1.0 content module.
    Content,
    /// Media RSS.
    Media,
    /// Apple podcasts.
    Itunes,
    /// XHTML.
    Xhtml,
    /// RSS slash module.
    Slash,
    /// The `xml:` namespace.
    Xml,
    /// Google news sitemaps.
    News,
    /// Google image sitemaps.
    Image,
    /// Any other prefixed namespace.
    Other,
}

fn ns_for_uri(uri: &str) -> Ns {
    let u = uri.trim().trim_end_matches(['/', '#']).to_ascii_lowercase();
    match u.as_str() {
        "http://www.w3.org/2005/atom"
        | "http://purl.org/atom/ns"
        | "http://purl.org/rss/1.0"
        | "http://my.netscape.com/rdf/simple/0.9"
        | "http://backend.userland.com/rss"
        | "http://backend.userland.com/rss2"
        | "http://blogs.law.harvard.edu/tech/rss"
        | "http://www.sitemaps.org/schemas/sitemap/0.9"
        | "http://jsonfeed.org/version/1"
        | "" => Ns::Plain,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns" => Ns::Rdf,
        "http://purl.org/dc/elements/1.1" | "http://purl.org/dc/elements/1.0" => Ns::Dc,
        "http://purl.org/dc/terms" => Ns::Dcterms,
        "http://purl.org/rss/1.0/modules/content" => Ns::Content,
        "http://search.yahoo.com/mrss" | "http://video.search.yahoo.com/mrss" => Ns::Media,
        "http://www.itunes.com/dtds/podcast-1.0.dtd"
        | "http://example.com/dtds/podcast-1.0.dtd" => Ns::Itunes,
        "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
        "http://purl.org/rss/1.0/modules/slash" => Ns::Slash,
        "http://www.w3.org/xml/1998/namespace" => Ns::Xml,
        "http://www.google.com/schemas/sitemap-news/0.9" => Ns::News,
        "http://www.google.com/schemas/sitemap-image/1.1" => Ns::Image,
        _ => Ns::Other,
    }
}

fn ns_for_prefix_name(prefix: &str) -> Ns {
    match prefix.to_ascii_lowercase().as_str() {
        "" | "atom" | "rss" | "atom10" | "atom03" => Ns::Plain,
        "rdf" => Ns::Rdf,
        "dc" => Ns::Dc,
        "dcterms" => Ns::Dcterms,
        "content" => Ns::Content,
        "media" => Ns::Media,
        "itunes" => Ns::Itunes,
        "xhtml" => Ns::Xhtml,
        "slash" => Ns::Slash,
        "xml" => Ns::Xml,
        "news" => Ns::News,
        "image" => Ns::Image,
        _ => Ns::Other,
    }
}

/// A node: text or an element.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Character data (references decoded, CDATA included verbatim).
    Text(String),
    /// A child element.
    Element(Element),
}

/// An attribute with its namespace resolved and its local name lower-cased.
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    /// Namespace of a prefixed attribute; [`Ns::Plain`] when unprefixed.
    pub ns: Ns,
    /// Lower-cased local name.
    pub local: String,
    /// The name as written, for re-serialisation.
    pub raw: String,
    /// The decoded value.
    pub value: String,
}

/// An element with its children.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// Its namespace.
    pub ns: Ns,
    /// Lower-cased local name.
    pub local: String,
    /// The name as written, for re-serialisation.
    pub raw: String,
    /// Attributes in document order (namespace declarations included).
    pub attrs: Vec<Attr>,
    /// Children in document order.
    pub children: Vec<Node>,
    /// Index into [`Document::bases`] of the base URL in force here.
    pub base: usize,
    /// Index into [`Document::langs`] of the language in force here.
    pub lang: usize,
}

/// A parsed document: a synthetic root whose children are the top-level nodes.
#[derive(Debug)]
pub(crate) struct Document {
    /// The synthetic root.
    pub root: Element,
    /// Base URLs referred to by elements; index 0 is the document's own.
    pub bases: Vec<Option<Url>>,
    /// Languages referred to by elements; index 0 is the document's own.
    pub langs: Vec<Option<String>>,
    /// The first way the document was not well-formed, when it was not (the parse went on
    /// and kept what it could read).
    pub malformed: Option<String>,
}

impl Element {
    fn new(ns: Ns, local: String, raw: String, base: usize, lang: usize) -> Self {
        Element {
            ns,
            local,
            raw,
            attrs: Vec::new(),
            children: Vec::new(),
            base,
            lang,
        }
    }

    /// Whether this is `ns:local`.
    pub fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// The value of the unprefixed attribute `local`.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.local == local && a.ns != Ns::Xml && a.ns != Ns::Other)
            .map(|a| a.value.as_str())
    }

    /// The value of attribute `ns:local`.
    pub fn attr_ns(&self, ns: Ns, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element `ns:local`.
    pub fn child(&self, ns: Ns, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, local))
    }

    /// Whether any child is an element.
    pub fn has_element_children(&self) -> bool {
        self.children.iter().any(|n| matches!(n, Node::Element(_)))
    }

    /// All descendant text, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.text_into(&mut out);
        out
    }

    /// Only the element's own text children, not its descendants'.
    pub fn own_text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }

    fn text_into(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.text_into(out),
            }
        }
    }

    /// The children re-serialised as markup (text escaped), prefixes of XHTML elements dropped.
    pub fn inner_xml(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            serialize(n, &mut out);
        }
        out
    }
}

fn serialize(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => escape_into(out, t, false),
        // RDF and Dublin Core metadata (inside SVG, say) is not part of what a reader sees.
        Node::Element(e)
            if matches!(e.ns, Ns::Rdf | Ns::Dc | Ns::Dcterms) || e.local == "metadata" => {}
        Node::Element(e) => {
            let name = if e.ns == Ns::Xhtml || e.ns == Ns::Plain {
                e.local.as_str()
            } else {
                e.raw.as_str()
            };
            out.push('<');
            out.push_str(name);
            for a in &e.attrs {
                if a.raw == "xmlns" || a.raw.starts_with("xmlns:") {
                    continue;
                }
                out.push(' ');
                out.push_str(&a.raw);
                out.push_str("=\"");
                escape_into(out, &a.value, true);
                out.push('"');
            }
            if e.children.is_empty() {
                out.push_str(" />");
                return;
            }
            out.push('>');
            for c in &e.children {
                serialize(c, out);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

struct Open {
    el: Element,
    scope_mark: usize,
}

/// Builds the tree of `text`. `base` and `lang` are the document's own (from HTTP). The one
/// error: the document's declared entities expand past a limit; no part of it is kept then.
pub(crate) fn parse(
    text: &str,
    base: Option<Url>,
    lang: Option<String>,
) -> Result<Document, ExpansionLimit> {
    let mut bases = vec![base];
    let mut langs = vec![lang];
    let mut scopes: Vec<(String, Ns)> = Vec::new();
    let mut malformed: Option<String> = None;
    let mut stack: Vec<Open> = vec![Open {
        el: Element::new(Ns::Plain, String::new(), String::new(), 0, 0),
        scope_mark: 0,
    }];
    let mut tokens = Tokenizer::new(text);
    for token in tokens.by_ref() {
        match token {
            Token::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    push_text(&mut top.el.children, &t);
                }
            }
            Token::Start {
                name,
                attrs,
                self_closing,
            } => {
                let (parent_base, parent_lang) = stack
                    .last()
                    .map(|o| (o.el.base, o.el.lang))
                    .unwrap_or((0, 0));
                let scope_mark = scopes.len();
                for (an, av) in &attrs {
                    if *an == "xmlns" {
                        // An unknown default namespace is read as the feed's own.
                        let ns = match ns_for_uri(av) {
                            Ns::Other => Ns::Plain,
                            ns => ns,
                        };
                        scopes.push((String::new(), ns));
                    } else if let Some(p) = an.strip_prefix("xmlns:") {
                        scopes.push((p.to_string(), ns_for_uri(av)));
                    }
                }
                let resolve = |prefix: &str, is_attr: bool| -> Ns {
                    if prefix.is_empty() && is_attr {
                        return Ns::Plain;
                    }
                    if prefix.eq_ignore_ascii_case("xml") {
                        return Ns::Xml;
                    }
                    scopes
                        .iter()
                        .rev()
                        .find(|(p, _)| p == prefix)
                        .map(|(_, ns)| *ns)
                        .unwrap_or_else(|| ns_for_prefix_name(prefix))
                };
                let (prefix, local) = split_name(name);
                let ns = resolve(prefix, false);
                let mut el = Element::new(
                    ns,
                    local.to_lowercase(),
                    name.to_string(),
                    parent_base,
                    parent_lang,
                );
                for (an, av) in attrs {
                    let (ap, al) = split_name(an);
                    let ans = resolve(ap, true);
                    if ans == Ns::Xml && al.eq_ignore_ascii_case("base") {
                        let parent = bases.get(parent_base).cloned().flatten();
                        if let Some(u) = url_base::join_base(parent.as_ref(), &av) {
                            bases.push(Some(u));
                            el.base = bases.len() - 1;
                        }
                    } else if ans == Ns::Xml && al.eq_ignore_ascii_case("lang") {
                        langs.push(Some(av.trim().to_string()).filter(|l| !l.is_empty()));
                        el.lang = langs.len() - 1;
                    }
                    el.attrs.push(Attr {
                        ns: ans,
                        local: al.to_lowercase(),
                        raw: an.to_string(),
                        value: av.into_owned(),
                    });
                }
                if self_closing || stack.len() > MAX_DEPTH {
                    scopes.truncate(scope_mark);
                    if let Some(top) = stack.last_mut() {
                        top.el.children.push(Node::Element(el));
                    }
                } else {
                    stack.push(Open { el, scope_mark });
                }
            }
            Token::End(name) => {
                let found = stack
                    .iter()
                    .rposition(|o| o.el.raw == name)
                    .or_else(|| {
                        stack
                            .iter()
                            .rposition(|o| o.el.raw.eq_ignore_ascii_case(name))
                    })
                    .filter(|i| *i > 0);
                match found {
                    Some(i) => {
                        if i + 1 != stack.len()
                            && malformed.is_none()
                            && let Some(top) = stack.last()
                        {
                            malformed = Some(format!("</{name}> closes <{}> early", top.el.raw));
                        }
                        while stack.len() > i {
                            close_top(&mut stack, &mut scopes);
                        }
                    }
                    None => {
                        malformed.get_or_insert_with(|| format!("</{name}> closes nothing"));
                    }
                }
            }
        }
    }
    if let Some(error) = tokens.take_error() {
        return Err(error);
    }
    if stack.len() > 1
        && malformed.is_none()
        && let Some(top) = stack.last()
    {
        malformed = Some(format!("the document ends inside <{}>", top.el.raw));
    }
    while stack.len() > 1 {
        close_top(&mut stack, &mut scopes);
    }
    let root = stack
        .pop()
        .map(|o| o.el)
        .unwrap_or_else(|| Element::new(Ns::Plain, String::new(), String::new(), 0, 0));
    Ok(Document {
        root,
        bases,
        langs,
        malformed,
    })
}

fn close_top(stack: &mut Vec<Open>, scopes: &mut Vec<(String, Ns)>) {
    if let Some(open) = stack.pop() {
        scopes.truncate(open.scope_mark);
        if let Some(parent) = stack.last_mut() {
            parent.el.children.push(Node::Element(open.el));
        }
    }
}

fn push_text(children: &mut Vec<Node>, t: &str) {
    if t.is_empty() {
        return;
    }
    let fixed = repair_c1(t);
    let t = fixed.as_deref().unwrap_or(t);
    if let Some(Node::Text(last)) = children.last_mut() {
        last.push_str(t);
    } else {
        children.push(Node::Text(t.to_string()));
    }
}

/// Text with C1 control characters (U+0080–U+009F) is repaired: UTF-8 read as Latin-1
/// (`â\u{80}¦`) is read again as UTF-8; otherwise each C1 character becomes the windows-1252
/// character it meant (`\u{92}` → `’`). `None` when there is nothing to repair.
pub(crate) fn repair_c1(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let has_c1 = b
        .windows(2)
        .any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]));
    if !has_c1 {
        return None;
    }
    if t.chars().all(|c| (c as u32) <= 0xFF) {
        let latin1: Vec<u8> = t.chars().map(|c| c as u32 as u8).collect();
        if let Ok(s) = String::from_utf8(latin1) {
            return Some(s);
        }
    }
    Some(
        t.chars()
            .map(|c| {
                if ('\u{80}'..='\u{9f}').contains(&c) {
                    let byte = [c as u32 as u8];
                    encoding_rs::WINDOWS_1252
                        .decode_without_bom_handling(&byte)
                        .0
                        .chars()
                        .next()
                        .unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

fn split_name(name: &str) -> (&str, &str) {
    match name.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", name),
    }
}

impl Document {
    /// The first top-level element.
    pub fn root_element(&self) -> Option<&Element> {
        self.root.elements().next()
    }

    /// The base URL in force on `el`.
    pub fn base_of(&self, el: &Element) -> Option<&Url> {
        self.bases.get(el.base).and_then(|b| b.as_ref())
    }

    /// The language in force on `el`.
    pub fn lang_of(&self, el: &Element) -> Option<&str> {
        self.langs.get(el.lang).and_then(|l| l.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_map_to_conventional_prefixes() {
        let doc = parse(
            r#"<rss xmlns:x="http://purl.org/dc/elements/1.1/"><x:Creator>A</x:Creator><dc:date>d</dc:date></rss>"#,
            None,
            None,
        )
        .expect("no entities");
        let rss = doc.root_element().expect("root");
        assert!(rss.child(Ns::Dc, "creator").is_some());
        assert!(
            rss.child(Ns::Dc, "date").is_some(),
            "undeclared dc: still reads as dc"
        );
    }

    #[test]
    fn mismatched_and_missing_end_tags_recover() {
        let doc = parse("<a><b><c>x</b><d>y</a", None, None).expect("no entities");
        let a = doc.root_element().expect("root");
        assert_eq!(a.elements().count(), 2);
        assert_eq!(a.text(), "xy");
    }

    #[test]
    fn xml_base_nests() {
        let base = Url::parse("http://h.example/dir/feed").ok();
        let doc = parse(
            r#"<f xml:base="sub/"><e xml:base="x/">t</e></f>"#,
            base,
            None,
        )
        .expect("no entities");
        let f = doc.root_element().expect("root");
        let e = f.child(Ns::Plain, "e").expect("e");
        assert_eq!(
            doc.base_of(e).map(Url::as_str),
            Some("http://h.example/dir/sub/x/")
        );
    }
}
