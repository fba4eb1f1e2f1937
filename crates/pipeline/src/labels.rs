//! The labels a new article is stored with: its site section and the topics its feed tagged
//! it with.

use tidings_insight::entities::names::slug;
use tidings_model::NewArticle;
use tidings_store::ArticleLabels;
use tidings_stories::section::{Section, SectionInput, classify, section_named};

/// Topics kept per article: feeds that tag an entry with dozens of keywords add noise.
const MAX_TOPICS: usize = 6;
/// Longest topic name kept; longer "categories" are sentences or URLs.
const MAX_TOPIC_CHARS: usize = 48;

/// The labels of `article`, from the categories its feed entry carried and its source's
/// category.
pub(crate) fn labels_for(
    article: &NewArticle,
    entry_categories: &[String],
    source_category: Option<&str>,
) -> ArticleLabels {
    ArticleLabels {
        section: section_of(
            entry_categories,
            source_category,
            &article.title,
            article.standfirst.as_deref(),
            &article.body_text,
        ),
        topics: topics(entry_categories),
        completed_from_page: false,
    }
}

/// The section slug of an article with these categories, headline, standfirst and text.
pub(crate) fn section_of(
    entry_categories: &[String],
    source_category: Option<&str>,
    title: &str,
    standfirst: Option<&str>,
    text: &str,
) -> Option<String> {
    classify(&SectionInput {
        entry_categories,
        source_category,
        title,
        standfirst,
        text,
    })
    .map(|s| s.slug().to_string())
}

/// The entry's categories worth a topic page: short names that are not a section's name (in
/// any of the languages sections are named in: "Welt" is World), each once.
fn topics(categories: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for category in categories {
        let name = category.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > MAX_TOPIC_CHARS || name.contains("://") {
            continue;
        }
        let key = slug(&name);
        let is_section = section_named(&name).is_some()
            || Section::ALL
                .iter()
                .any(|s| s.slug() == key || s.name().eq_ignore_ascii_case(&name));
        if key.is_empty() || is_section || out.iter().any(|(k, _)| *k == key) {
            continue;
        }
        out.push((key, name));
        if out.len() == MAX_TOPICS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_short_distinct_and_not_sections() {
        let categories: Vec<String> = [
            "Ukraine  war",
            "ukraine war",
            "Sport",
            "https://example.com/tag/x",
            "",
            "A category so long that it is really a sentence about something",
            "Energy",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            topics(&categories),
            vec![
                ("ukraine-war".to_string(), "Ukraine war".to_string()),
                ("energy".to_string(), "Energy".to_string())
            ]
        );
    }

    #[test]
    fn a_section_named_in_another_language_is_no_topic() {
        let categories: Vec<String> = ["Welt", "wissen", "Économie", "Lokales"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            topics(&categories),
            vec![("lokales".to_string(), "Lokales".to_string())]
        );
    }

    #[test]
    fn the_section_comes_from_categories_then_words() {
        let article = NewArticle {
            title: "Striker scores twice in the cup match".to_string(),
            body_text: "The coach praised the striker after the league match.".to_string(),
            ..NewArticle::default()
        };
        let labels = labels_for(&article, &[], Some("World"));
        assert_eq!(labels.section.as_deref(), Some("sport"));
        let labels = labels_for(&article, &["Business".to_string()], None);
        assert_eq!(labels.section.as_deref(), Some("business"));
    }
}
