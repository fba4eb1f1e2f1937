//! JSON Feed 1.0 and 1.1 (`https://jsonfeed.org/version/1.1`).

use crate::FeedError;
use crate::date::parse_date;
use crate::raw::{Body, Kind, RawEntry, RawFeed};
use crate::url_base::resolve;
use serde_json::Value;
use url::Url;

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

fn authors(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .get("authors")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|p| s(p, "name")).collect())
        .unwrap_or_default();
    if out.is_empty()
        && let Some(name) = v.get("author").and_then(|a| s(a, "name"))
    {
        out.push(name);
    }
    out
}

/// Reads a JSON Feed document.
pub(crate) fn read(text: &str, base: Option<&Url>) -> Result<RawFeed, FeedError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| FeedError::Invalid(format!("malformed JSON ({e})")))?;
    if !v.is_object() {
        return Err(FeedError::Invalid(
            "a JSON document that is not a feed".into(),
        ));
    }
    let language = s(&v, "language");
    let entries = v
        .get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|it| {
                    let url = s(it, "url").or_else(|| s(it, "external_url"));
                    RawEntry {
                        id: it
                            .get("id")
                            .and_then(|i| match i {
                                Value::String(x) => Some(x.trim().to_string()),
                                Value::Number(n) => Some(n.to_string()),
                                _ => None,
                            })
                            .filter(|x| !x.is_empty()),
                        link: url.map(|u| resolve(&u, base)),
                        title: s(it, "title"),
                        summary: s(it, "summary").map(|value| Body {
                            value,
                            kind: Kind::Text,
                        }),
                        content: s(it, "content_html")
                            .map(|value| Body {
                                value,
                                kind: Kind::Html,
                            })
                            .or_else(|| {
                                s(it, "content_text").map(|value| Body {
                                    value,
                                    kind: Kind::Text,
                                })
                            }),
                        authors: authors(it),
                        published: s(it, "date_published").and_then(|d| parse_date(&d)),
                        updated: s(it, "date_modified").and_then(|d| parse_date(&d)),
                        enclosures: it
                            .get("attachments")
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| s(x, "url"))
                                    .map(|u| resolve(&u, base))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        categories: it
                            .get("tags")
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default(),
                        category_labels: Vec::new(),
                        image_url: s(it, "image")
                            .or_else(|| s(it, "banner_image"))
                            .map(|u| resolve(&u, base)),
                        language: s(it, "language"),
                        media_title: None,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mut feed = RawFeed {
        title: s(&v, "title"),
        link: s(&v, "home_page_url").map(|u| resolve(&u, base)),
        language,
        entries,
        ..RawFeed::default()
    };
    // `favicon` is meant for a feed list (small, square); `icon` (512 px) when it is missing.
    for key in ["favicon", "icon"] {
        if let Some(url) = s(&v, key) {
            feed.note_image(resolve(&url, base));
        }
    }
    if let Some(url) = s(&v, "feed_url") {
        feed.note_link("self", resolve(&url, base));
    }
    // JSON Feed 1.1: `"hubs": [{"type": "WebSub", "url": "…"}]` (a hub of another type is
    // not ours to speak to).
    for hub in v
        .get("hubs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let websub = s(hub, "type").is_none_or(|t| t.eq_ignore_ascii_case("websub"));
        if websub && let Some(url) = s(hub, "url") {
            feed.note_link("hub", resolve(&url, base));
        }
    }
    Ok(feed)
}
