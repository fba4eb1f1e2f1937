//! Article metadata: headline, standfirst, authors, dates, section, tags, lead image, site
//! name, canonical URL and language.
//!
//! Sources are read in order of trust and each fills only what is still empty: JSON-LD
//! ([`jsonld`]), then `<meta>` tags: OpenGraph, article:*, Twitter cards, Dublin Core and
//! plain names ([`meta_tags`]), then visible markup: `<h1>`, `<time>`, bylines, microdata
//! ([`markup`]).

pub(crate) mod dates;
pub(crate) mod jsonld;
pub(crate) mod markup;
pub(crate) mod meta_tags;

use crate::dom::Dom;

/// Metadata fields as found, before they are resolved into [`crate::Extracted`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) published: Option<i64>,
    pub(crate) modified: Option<i64>,
    pub(crate) section: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) image: Option<String>,
    pub(crate) image_caption: Option<String>,
    pub(crate) site_name: Option<String>,
    pub(crate) publisher: Option<String>,
    pub(crate) canonical: Option<String>,
    pub(crate) language: Option<String>,
    /// The `<title>` element's text (with its " | Site" suffix).
    pub(crate) doc_title: Option<String>,
    /// The first `<h1>` text.
    pub(crate) h1: Option<String>,
    /// Texts of byline elements, in page order.
    pub(crate) bylines: Vec<String>,
    /// JSON-LD `articleBody`.
    pub(crate) article_body: Option<String>,
    /// JSON-LD names an article type, or `og:type` is `article`.
    pub(crate) is_article: bool,
    /// JSON-LD says the article is not free to read.
    pub(crate) paywalled: bool,
    /// JSON-LD says the page is a live blog.
    pub(crate) live_blog: bool,
}

/// Reads all metadata of the page.
pub(crate) fn read(dom: &Dom<'_>) -> Fields {
    let mut f = Fields::default();
    jsonld::read(dom.ld_json.iter().map(|n| node_text(*n)), &mut f);
    meta_tags::read(dom, &mut f);
    markup::read(dom, &mut f);
    if f.title.is_none() {
        f.title =
            f.h1.clone()
                .or_else(|| f.doc_title.as_deref().map(strip_site_suffix));
    }
    if f.language.is_none() {
        f.language = dom.html_lang.map(str::to_string);
    }
    dedupe(&mut f.authors);
    dedupe(&mut f.tags);
    f
}

/// Concatenated text of a node's text children.
fn node_text(n: ego_tree::NodeRef<'_, scraper::Node>) -> String {
    let mut s = String::new();
    for child in n.children() {
        if let scraper::Node::Text(t) = child.value() {
            s.push_str(t);
        }
    }
    s
}

/// Decodes the character references left in metadata, collapses white space, trims. The
/// parser has decoded the markup's own references already; what is left was escaped twice by
/// the site (`content="Review &amp;#8211; …"`, common in WordPress themes) or sits in JSON-LD,
/// and would otherwise reach the reader as `&#8211;`.
pub(crate) fn clean_text(s: &str) -> String {
    collapse_space(&html_escape::decode_html_entities(s))
}

/// Collapses white space and trims: for text read from the document tree, whose references
/// the parser decoded (a `&lt;` left in it is what the page shows).
pub(crate) fn collapse_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a comma- or semicolon-separated list.
pub(crate) fn split_list(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split([',', ';', '|'])
        .map(clean_text)
        .filter(|t| !t.is_empty() && t.chars().count() <= 100)
}

/// What stands between a headline and the site's name in a title ("Rates rise | Daily
/// Example").
const SITE_SEPARATORS: [&str; 6] = [" | ", " - ", " — ", " – ", " :: ", " · "];

/// Removes a trailing " | Site name" or " - Site name" from a document title.
pub(crate) fn strip_site_suffix(title: &str) -> String {
    for sep in SITE_SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(sep)
            && head.chars().count() > tail.chars().count()
        {
            return head.trim().to_string();
        }
    }
    title.trim().to_string()
}

/// Removes a trailing " | Site", " - Site" (any separator of [`strip_site_suffix`]) from a
/// headline when "Site" is the page's own name: its `og:site_name` or publisher, or its host
/// ("TheHill" on thehill.com, "IGN" on www.ign.com, "Sportsnet.ca"), compared by letters and
/// digits alone, however long it is next to the headline. Sites often repeat it in `og:title`; a tail that is no name of the site
/// ("… | Editorial", "… – ‘The plague is coming’") stays.
pub(crate) fn without_site_name(title: &str, names: &[&str], host: Option<&str>) -> String {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut own: Vec<String> = names.iter().map(|n| key(n)).collect();
    if let Some(host) = host {
        let host = host.trim_start_matches("www.");
        own.push(key(host));
        let labels: Vec<&str> = host.split('.').collect();
        // Every label but the top-level domain ("com", "org").
        let named = labels.len().saturating_sub(1);
        own.extend(
            labels[..named]
                .iter()
                .filter(|l| l.len() >= 3)
                .map(|l| key(l)),
        );
    }
    own.retain(|k| !k.is_empty());
    for sep in SITE_SEPARATORS {
        // The site's name may be longer than its headline ("Só quem se Ama... — Mensagens
        // de Reflexão"); only a headline of under three characters keeps it ("Up - IGN").
        if let Some((head, tail)) = title.rsplit_once(sep)
            && head.trim().chars().count() >= 3
            && own.contains(&key(tail))
        {
            return head.trim().to_string();
        }
    }
    title.to_string()
}

/// Removes duplicates (ignoring case), keeping the first.
fn dedupe(v: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::with_capacity(v.len());
    v.retain(|s| {
        let k = s.to_lowercase();
        if seen.contains(&k) {
            false
        } else {
            seen.push(k);
            true
        }
    });
}
