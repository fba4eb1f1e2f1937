//! What a page says about itself to machines: OpenGraph tags for link previews and a
//! schema.org JSON-LD block (`NewsArticle` for an article, `CollectionPage` for a story).
//! The JSON is written by serde and then stripped of markup characters, so text from a feed
//! can never close the `<script>` it sits in.

use crate::age::rfc3339;
use crate::feeds_out::json_without_markup;
use serde_json::json;
use tidings_store::ArticleListing;

/// A page's machine-readable description.
pub(crate) struct PageMeta {
    /// `article` or `website`.
    pub(crate) og_type: &'static str,
    pub(crate) title: String,
    pub(crate) description: String,
    /// Absolute URL of the page.
    pub(crate) url: String,
    pub(crate) image: Option<String>,
    pub(crate) site_name: String,
    /// The JSON-LD block, safe to insert inside `<script type="application/ld+json">`.
    pub(crate) json_ld: String,
}

fn safe_json(value: &serde_json::Value) -> String {
    String::from_utf8(json_without_markup(value.to_string().as_bytes())).unwrap_or_default()
}

/// An article page's description.
pub(crate) fn article(
    listing: &ArticleListing,
    url: String,
    description: String,
    site_name: &str,
) -> PageMeta {
    let c = &listing.article.content;
    let image = c.image_url.clone().filter(|u| crate::pages::is_web_url(u));
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": c.title,
        "datePublished": rfc3339(c.shown_time()),
        "url": url,
        "isBasedOn": c.url,
        "publisher": {"@type": "Organization", "name": listing.source_name},
    });
    if let Some(byline) = &c.byline {
        ld["author"] = json!({"@type": "Person", "name": byline});
    }
    if let Some(updated) = c.updated_at {
        ld["dateModified"] = json!(rfc3339(updated));
    }
    if let Some(image) = &image {
        ld["image"] = json!([image]);
    }
    if let Some(language) = &c.language {
        ld["inLanguage"] = json!(language);
    }
    PageMeta {
        og_type: "article",
        title: c.title.clone(),
        description,
        url,
        image,
        site_name: site_name.to_string(),
        json_ld: safe_json(&ld),
    }
}

/// A story page's description: a collection of reports from several outlets.
pub(crate) fn story(
    title: &str,
    url: String,
    description: String,
    members: &[(String, String)],
    site_name: &str,
) -> PageMeta {
    let parts: Vec<serde_json::Value> = members
        .iter()
        .map(|(headline, outlet)| {
            json!({
                "@type": "NewsArticle",
                "headline": headline,
                "publisher": {"@type": "Organization", "name": outlet},
            })
        })
        .collect();
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": title,
        "url": url,
        "hasPart": parts,
    });
    PageMeta {
        og_type: "website",
        title: title.to_string(),
        description,
        url,
        image: None,
        site_name: site_name.to_string(),
        json_ld: safe_json(&ld),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_leave_the_json_ld_script() {
        let meta = story(
            "</script><script>alert(1)</script>",
            "https://news.example/story/1".into(),
            String::new(),
            &[("<b>x</b> & y".into(), "Outlet".into())],
            "Tidings",
        );
        assert!(!meta.json_ld.contains('<'));
        assert!(!meta.json_ld.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&meta.json_ld).expect("still JSON");
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
        assert_eq!(back["hasPart"][0]["headline"], "<b>x</b> & y");
    }
}
