//! Article metadata from JSON-LD (`<script type="application/ld+json">`).
//!
//! The scripts are parsed with serde_json and searched (through arrays and `@graph`, to a
//! bounded depth) for a `NewsArticle` or one of its relatives. Publisher and `WebSite` names
//! give the outlet. Pages often write JSON-LD with raw line breaks inside strings; such
//! scripts get a second, repaired parse.

use serde_json::Value;

use super::Fields;
use super::dates;

/// How deep the search for article objects goes into nested JSON.
const MAX_DEPTH: usize = 8;

/// True for schema.org types that describe an article.
fn is_article_type(t: &str) -> bool {
    let t = t.rsplit('/').next().unwrap_or(t);
    matches!(
        t,
        "NewsArticle"
            | "Article"
            | "ReportageNewsArticle"
            | "AnalysisNewsArticle"
            | "OpinionNewsArticle"
            | "ReviewNewsArticle"
            | "BackgroundNewsArticle"
            | "AskPublicNewsArticle"
            | "SatiricalArticle"
            | "BlogPosting"
            | "LiveBlogPosting"
            | "SocialMediaPosting"
            | "TechArticle"
            | "ScholarlyArticle"
            | "Report"
            | "Review"
    )
}

/// Reads the JSON-LD scripts (their texts) into `out`.
pub(crate) fn read(scripts: impl Iterator<Item = String>, out: &mut Fields) {
    for script in scripts {
        let Some(value) = parse(&script) else {
            continue;
        };
        let mut articles = Vec::new();
        find(&value, 0, &mut articles, out);
        for article in articles {
            apply(article, out);
        }
    }
}

/// Parses a script, repairing raw control characters inside strings if needed.
fn parse(script: &str) -> Option<Value> {
    let s = script.trim();
    let s = s.strip_prefix("<!--").unwrap_or(s);
    let s = s.strip_suffix("-->").unwrap_or(s);
    let s = s
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim();
    serde_json::from_str(s).ok().or_else(|| {
        let repaired: String = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        serde_json::from_str(&repaired).ok()
    })
}

fn types(v: &Value) -> impl Iterator<Item = &str> {
    let t = v.get("@type");
    let list: Vec<&str> = match t {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
}

/// Collects article objects; notes site names from `WebSite` and `Organization` objects.
fn find<'v>(v: &'v Value, depth: usize, articles: &mut Vec<&'v Value>, out: &mut Fields) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                find(item, depth + 1, articles, out);
            }
        }
        Value::Object(map) => {
            if types(v).any(is_article_type) {
                articles.push(v);
            } else if types(v).any(|t| t == "WebSite") {
                out.site_name = out.site_name.take().or_else(|| text(v.get("name")));
            } else if types(v).any(|t| t == "WebPage" || t.ends_with("Page"))
                && let Some(main) = v.get("mainEntity")
            {
                find(main, depth + 1, articles, out);
            }
            if let Some(graph) = map.get("@graph") {
                find(graph, depth + 1, articles, out);
            }
        }
        _ => {}
    }
}

/// A text value: a string, or the `name` / `@value` of an object, or the first of a list.
fn text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.clone(),
        Value::Object(o) => return text(o.get("name").or_else(|| o.get("@value"))),
        Value::Array(a) => return a.iter().find_map(|x| text(Some(x))),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let s = super::clean_text(&s);
    (!s.is_empty()).then_some(s)
}

/// All text values of a string, object or list.
fn texts(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::Array(a)) => {
            for x in a {
                texts(Some(x), out);
            }
        }
        Some(x) => {
            if let Some(s) = text(Some(x)) {
                out.push(s);
            }
        }
        None => {}
    }
}

/// A URL value: a string, or the `url` / `@id` of an object, or the first of a list.
fn url(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(o) => url(o
            .get("url")
            .or_else(|| o.get("contentUrl"))
            .or_else(|| o.get("@id"))),
        Value::Array(a) => a.iter().find_map(|x| url(Some(x))),
        _ => None,
    }
}

/// Fills `out`'s empty fields from one article object.
fn apply(a: &Value, out: &mut Fields) {
    out.is_article = true;
    if out.title.is_none() {
        out.title = text(a.get("headline")).or_else(|| text(a.get("name")));
    }
    if out.description.is_none() {
        out.description = text(a.get("description")).or_else(|| text(a.get("alternativeHeadline")));
    }
    if out.authors.is_empty() {
        texts(
            a.get("author").or_else(|| a.get("creator")),
            &mut out.authors,
        );
    }
    if out.published.is_none() {
        out.published = text(a.get("datePublished"))
            .or_else(|| text(a.get("dateCreated")))
            .and_then(|s| dates::parse(&s));
    }
    if out.modified.is_none() {
        out.modified = text(a.get("dateModified")).and_then(|s| dates::parse(&s));
    }
    if out.section.is_none() {
        out.section = text(a.get("articleSection"));
    }
    if out.tags.is_empty() {
        match a.get("keywords") {
            Some(Value::String(s)) => out.tags.extend(super::split_list(s)),
            other => texts(other, &mut out.tags),
        }
    }
    if out.image.is_none() {
        let image = a.get("image").or_else(|| a.get("thumbnailUrl"));
        out.image = url(image);
        if out.image_caption.is_none() {
            let first = match image {
                Some(Value::Array(items)) => items.first(),
                other => other,
            };
            out.image_caption = first.and_then(|i| text(i.get("caption")));
        }
    }
    if out.publisher.is_none() {
        out.publisher = text(a.get("publisher"));
    }
    if out.canonical.is_none() {
        out.canonical = url(a.get("mainEntityOfPage")).or_else(|| url(a.get("url")));
    }
    if out.language.is_none() {
        out.language = text(a.get("inLanguage"));
    }
    if out.article_body.is_none() {
        out.article_body = a
            .get("articleBody")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    if let Some(Value::Bool(false)) = a.get("isAccessibleForFree") {
        out.paywalled = true;
    }
    if types(a).any(|t| t == "LiveBlogPosting") {
        out.live_blog = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_article_in_graph() {
        let script = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"Daily Example"},
            {"@type":["NewsArticle"],"headline":"Rates rise","datePublished":"2025-01-02T03:04:05Z",
             "author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Organization","name":"AFP"}],
             "keywords":"economy, rates","image":{"@type":"ImageObject","url":"https://x.test/a.jpg","caption":"A bank"},
             "publisher":{"@type":"Organization","name":"Daily Example"}}]}"#;
        let mut f = Fields::default();
        read(std::iter::once(script.to_string()), &mut f);
        assert_eq!(f.title.as_deref(), Some("Rates rise"));
        assert_eq!(f.authors, ["Ann Lee", "AFP"]);
        assert_eq!(f.tags, ["economy", "rates"]);
        assert_eq!(f.image.as_deref(), Some("https://x.test/a.jpg"));
        assert_eq!(f.image_caption.as_deref(), Some("A bank"));
        assert_eq!(f.site_name.as_deref(), Some("Daily Example"));
        assert_eq!(f.published, Some(1_735_787_045));
    }

    #[test]
    fn raw_newlines_are_repaired() {
        let script = "{\"@type\":\"NewsArticle\",\"headline\":\"a\nb\"}";
        let mut f = Fields::default();
        read(std::iter::once(script.to_string()), &mut f);
        assert_eq!(f.title.as_deref(), Some("a b"));
    }
}
