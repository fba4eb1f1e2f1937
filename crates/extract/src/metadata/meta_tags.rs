//! Article metadata from `<meta>` and `<link>` elements: OpenGraph, `article:*`, Twitter
//! cards, Dublin Core, Parse.ly, Sailthru and plain `name` values, and `rel=canonical`.

use super::{Fields, clean_text, dates, split_list};
use crate::dom::Dom;

/// Reads the page's `<meta>` and `<link>` elements into `out`'s empty fields.
pub(crate) fn read(dom: &Dom<'_>, out: &mut Fields) {
    let mut f = Fields::default();
    let mut twitter_title = None;
    let mut twitter_description = None;
    let mut twitter_image = None;
    let mut meta_authors = Vec::new();
    let mut meta_tags = Vec::new();
    for node in &dom.metas {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        if &*el.name.local == "link" {
            let rel = el.attr("rel").unwrap_or("");
            if rel
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("canonical"))
                && f.canonical.is_none()
            {
                f.canonical = el.attr("href").map(|h| h.trim().to_string());
            }
            continue;
        }
        let Some(content) = el.attr("content") else {
            continue;
        };
        let key = el
            .attr("property")
            .or_else(|| el.attr("name"))
            .or_else(|| el.attr("itemprop"))
            .or_else(|| el.attr("http-equiv"));
        let Some(key) = key else { continue };
        let key = key.trim().to_ascii_lowercase();
        let value = clean_text(content);
        if value.is_empty() {
            continue;
        }
        let set = |slot: &mut Option<String>, v: &str| {
            if slot.is_none() {
                *slot = Some(v.to_string());
            }
        };
        match key.as_str() {
            "og:title" => set(&mut f.title, &value),
            "twitter:title" => set(&mut twitter_title, &value),
            "og:description" => set(&mut f.description, &value),
            "twitter:description" => set(&mut twitter_description, &value),
            "description" | "dc.description" if twitter_description.is_none() => {
                twitter_description = Some(value.clone());
            }
            "og:image" | "og:image:url" | "og:image:secure_url" => set(&mut f.image, &value),
            "twitter:image" | "twitter:image:src" => set(&mut twitter_image, &value),
            "og:image:alt" => set(&mut f.image_caption, &value),
            "og:site_name" | "application-name" | "twitter:app:name:iphone" => {
                set(&mut f.site_name, &value)
            }
            "og:url" => set(&mut f.canonical, &value),
            "og:type" => f.is_article |= value.eq_ignore_ascii_case("article"),
            "og:locale" | "content-language" | "dc.language" | "language" => {
                set(&mut f.language, &value)
            }
            "article:published_time"
            | "datepublished"
            | "pubdate"
            | "publishdate"
            | "publish-date"
            | "dc.date"
            | "dc.date.issued"
            | "dcterms.created"
            | "sailthru.date"
            | "parsely-pub-date"
            | "date"
            | "og:published_time"
            | "article.published"
            | "published_time" => {
                f.published = f.published.or_else(|| dates::parse(&value));
            }
            "article:modified_time"
            | "og:updated_time"
            | "datemodified"
            | "dcterms.modified"
            | "last-modified"
            | "article.updated"
            | "modified_time" => {
                f.modified = f.modified.or_else(|| dates::parse(&value));
            }
            "article:section" | "section" | "parsely-section" | "article.section" => {
                set(&mut f.section, &value)
            }
            "article:tag" => meta_tags.push(value.clone()),
            "keywords" | "news_keywords" | "parsely-tags" | "sailthru.tags" => {
                meta_tags.extend(split_list(&value))
            }
            "author" | "article:author" | "dc.creator" | "parsely-author" | "sailthru.author"
            | "byl"
                if !value.starts_with("http") =>
            {
                meta_authors.push(value.trim_start_matches("By ").to_string());
            }
            _ => {}
        }
    }
    f.title = f.title.or(twitter_title);
    f.description = f.description.or(twitter_description);
    f.image = f.image.or(twitter_image);
    f.authors = meta_authors;
    f.tags = meta_tags;
    merge(out, f);
}

/// Fills `out`'s empty fields from `f`.
fn merge(out: &mut Fields, f: Fields) {
    macro_rules! fill {
        ($($field:ident),*) => {$(
            if out.$field.is_none() { out.$field = f.$field; }
        )*};
    }
    fill!(
        title,
        description,
        published,
        modified,
        section,
        image,
        image_caption,
        site_name,
        canonical,
        language
    );
    if out.authors.is_empty() {
        out.authors = f.authors;
    }
    if out.tags.is_empty() {
        out.tags = f.tags;
    }
    out.is_article |= f.is_article;
}
