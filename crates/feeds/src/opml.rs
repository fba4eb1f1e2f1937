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
    // A character reference (`&#x1;`) brings a control character into any of them, and no
    // stored text may hold one: every importer gets outlines without.
    let scrub = crate::raw::scrubbed;
    Ok(found
        .into_iter()
        .map(|o| Outline {
            url: scrub(o.url),
            title: scrub(o.title),
            site_url: o.site_url.map(scrub),
            category: o.category.map(scrub),
            language: o.language.map(scrub),
        })
        .collect())
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

/// `text` without the characters XML 1.0 forbids (most C0 control characters, U+FFFE and
/// U+FFFF), which no escaping can carry: what [`write_opml`] puts in every text and
/// attribute, so that stored data, however old, never makes the document ill-formed.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| !tidings_model::is_xml_forbidden(*c))
        .collect()
}

/// Writes feeds as an OPML 2.0 document, one folder per category. Characters XML 1.0
/// forbids are left out of every title, address, language and category (a category that
/// differs from another only by them is the same folder), so the document is always
/// well-formed.
pub fn write_opml(title: &str, outlines: &[Outline]) -> Result<String, FeedError> {
    let mut doc = opml::OPML {
        head: Some(opml::Head {
            title: Some(xml_text(title)),
            ..opml::Head::default()
        }),
        ..opml::OPML::default()
    };
    for item in outlines {
        let title = xml_text(&item.title);
        let feed = opml::Outline {
            text: title.clone(),
            title: Some(title),
            r#type: Some("rss".to_string()),
            xml_url: Some(xml_text(&item.url)),
            html_url: item.site_url.as_deref().map(xml_text),
            language: item.language.as_deref().map(xml_text),
            ..opml::Outline::default()
        };
        match item.category.as_deref().map(xml_text) {
            None => doc.body.outlines.push(feed),
            Some(category) => {
                let folder = match doc
                    .body
                    .outlines
                    .iter()
                    .position(|o| o.xml_url.is_none() && o.text == category)
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

    #[test]
    fn outlines_come_without_control_characters() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
            <outline text="Wor&#x1;ld"><outline type="rss" text="D&#x0;W" title="D&#x2;W"
              xmlUrl="https://dw.example/rss" htmlUrl="https://dw.example/" language="e&#x3;n"/>
            </outline></body></opml>"#;
        let found = parse_opml(opml).expect("parses");
        let o = &found[0];
        let all = [&o.url, &o.title]
            .into_iter()
            .chain(o.site_url.as_ref())
            .chain(o.category.as_ref())
            .chain(o.language.as_ref());
        for text in all {
            assert!(
                !text.chars().any(tidings_model::is_stray_control),
                "{text:?}"
            );
        }
        assert_eq!(o.category.as_deref(), Some("Wor ld"));
    }

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

    /// The characters of `text` that XML 1.0 forbids, raw or as character references.
    fn forbidden_in(text: &str) -> Vec<String> {
        let mut found: Vec<String> = text
            .chars()
            .filter(|c| tidings_model::is_xml_forbidden(*c))
            .map(|c| format!("{:?}", c))
            .collect();
        for reference in text.split("&#").skip(1) {
            let digits = reference.split(';').next().unwrap_or_default();
            let code = match digits.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => digits.parse(),
            };
            if let Some(c) = code.ok().and_then(char::from_u32)
                && tidings_model::is_xml_forbidden(c)
            {
                found.push(format!("&#{digits};"));
            }
        }
        found
    }

    #[test]
    fn control_characters_never_reach_the_document() {
        let feeds = [
            Outline {
                url: "https://a.example/feed\u{1}?x=1&y=\u{0}2".into(),
                title: "Bell\u{7}Tower \u{1b}[31mred\u{FFFE}".into(),
                site_url: Some("https://a.example/\u{8}".into()),
                category: Some("World\u{c}News".into()),
                language: Some("en\u{b}".into()),
            },
            Outline {
                url: "https://b.example/feed".into(),
                title: "Tab\tand line\u{85}feed\u{9f}".into(),
                site_url: None,
                category: Some("WorldNews\u{1f}".into()),
                language: None,
            },
        ];
        let written = write_opml("Mine\u{0}\u{FFFF}", &feeds).expect("write");
        assert_eq!(forbidden_in(&written), Vec::<String>::new(), "{written:?}");
        let read = parse_opml(&written).expect("the document is well-formed");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].url, "https://a.example/feed?x=1&y=2");
        assert_eq!(read[0].title, "BellTower [31mred");
        assert_eq!(read[0].site_url.as_deref(), Some("https://a.example/"));
        assert_eq!(read[0].language.as_deref(), Some("en"));
        // Both categories are one folder once the forbidden characters are out.
        assert_eq!(read[0].category.as_deref(), Some("WorldNews"));
        assert_eq!(read[1].category.as_deref(), Some("WorldNews"));
        assert_eq!(
            written.matches("text=\"WorldNews\"").count(),
            1,
            "{written}"
        );
        // What XML allows stays as it was.
        assert_eq!(read[1].title, "Tab\tand line\u{85}feed\u{9f}");
        assert!(written.contains("<title>Mine</title>"), "{written}");
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
