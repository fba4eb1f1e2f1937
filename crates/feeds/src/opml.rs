//! OPML subscription lists: import (folders become categories) and export.

use crate::FeedError;

/// One feed in a subscription list, with its folder flattened into `category`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// The feed's address (`xmlUrl`).
    pub url: String,
    /// Its title (`title`, else `text`).
    pub title: String,
    /// The outlet's home page (`htmlUrl`).
    pub site_url: Option<String>,
    /// The folder it sits in, else its own `category` attribute.
    pub category: Option<String>,
    /// Its language (`language`).
    pub language: Option<String>,
}

/// Reads every feed in an OPML 1.0, 1.1 or 2.0 document, depth first, in document order.
pub fn parse_opml(text: &str) -> Result<Vec<Outline>, FeedError> {
    let doc = opml::OPML::from_str(text).map_err(|e| FeedError::InvalidOpml(e.to_string()))?;
    let mut found = Vec::new();
    for outline in &doc.body.outlines {
        collect(outline, None, &mut found);
    }
    Ok(found)
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn collect(outline: &opml::Outline, folder: Option<&str>, found: &mut Vec<Outline>) {
    if let Some(url) = non_empty(&outline.xml_url) {
        let title = non_empty(&outline.title)
            .or_else(|| Some(outline.text.trim()).filter(|t| !t.is_empty()))
            .unwrap_or_default();
        found.push(Outline {
            url: url.to_string(),
            title: title.to_string(),
            site_url: non_empty(&outline.html_url).map(str::to_string),
            category: folder.map(str::to_string).or_else(|| {
                non_empty(&outline.category).map(|c| c.trim_start_matches('/').to_string())
            }),
            language: non_empty(&outline.language).map(str::to_string),
        });
    }
    let name = Some(outline.text.trim())
        .filter(|t| !t.is_empty())
        .or_else(|| non_empty(&outline.title));
    let child_folder = if outline.xml_url.is_some() {
        folder
    } else {
        name.or(folder)
    };
    for child in &outline.outlines {
        collect(child, child_folder, found);
    }
}

/// Writes feeds as an OPML 2.0 document, one folder per category.
pub fn write_opml(title: &str, outlines: &[Outline]) -> Result<String, FeedError> {
    let mut doc = opml::OPML {
        head: Some(opml::Head {
            title: Some(title.to_string()),
            ..opml::Head::default()
        }),
        ..opml::OPML::default()
    };
    for item in outlines {
        let feed = opml::Outline {
            text: item.title.clone(),
            title: Some(item.title.clone()),
            r#type: Some("rss".to_string()),
            xml_url: Some(item.url.clone()),
            html_url: item.site_url.clone(),
            language: item.language.clone(),
            ..opml::Outline::default()
        };
        match &item.category {
            None => doc.body.outlines.push(feed),
            Some(category) => {
                let folder = match doc
                    .body
                    .outlines
                    .iter()
                    .position(|o| o.xml_url.is_none() && &o.text == category)
                {
                    Some(i) => &mut doc.body.outlines[i],
                    None => {
                        doc.body.outlines.push(opml::Outline {
                            text: category.clone(),
                            title: Some(category.clone()),
                            ..opml::Outline::default()
                        });
                        let last = doc.body.outlines.len() - 1;
                        &mut doc.body.outlines[last]
                    }
                };
                folder.outlines.push(feed);
            }
        }
    }
    doc.to_string()
        .map_err(|e| FeedError::InvalidOpml(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NESTED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Mine</title></head>
  <body>
    <outline text="Europe">
      <outline type="rss" text="DW" title="DW News" xmlUrl="https://rss.dw.com/xml/rss-en-world"
               htmlUrl="https://www.dw.com/" language="en"/>
      <outline text="Nordic">
        <outline type="rss" text="Yle" xmlUrl="https://yle.example/rss"/>
      </outline>
    </outline>
    <outline type="rss" text="Loose" xmlUrl="https://loose.example/feed" category="/Tech"/>
    <outline text="Empty folder"/>
  </body>
</opml>"#;

    #[test]
    fn folders_become_categories() {
        let feeds = parse_opml(NESTED).expect("parse");
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].title, "DW News");
        assert_eq!(feeds[0].category.as_deref(), Some("Europe"));
        assert_eq!(feeds[0].site_url.as_deref(), Some("https://www.dw.com/"));
        assert_eq!(feeds[0].language.as_deref(), Some("en"));
        assert_eq!(feeds[1].title, "Yle");
        assert_eq!(feeds[1].category.as_deref(), Some("Nordic"));
        assert_eq!(feeds[2].category.as_deref(), Some("Tech"));
    }

    #[test]
    fn export_then_import_gives_the_same_feeds() {
        let feeds = parse_opml(NESTED).expect("parse");
        let written = write_opml("Tidings sources", &feeds).expect("write");
        assert!(written.contains("Tidings sources"));
        assert_eq!(parse_opml(&written).expect("parse again"), feeds);
    }

    #[test]
    fn not_opml_is_a_clear_error() {
        assert!(matches!(
            parse_opml("<rss/>"),
            Err(FeedError::InvalidOpml(_))
        ));
        assert!(matches!(
            parse_opml("garbage"),
            Err(FeedError::InvalidOpml(_))
        ));
    }
}
