//! What the index keeps of an article: [`SearchDoc`], built from the store's listing.

use crate::lang::normalize_tag;
use crate::query::normalize_name;
use tidings_model::{ArticleId, SourceId, StoryId};
use tidings_store::ArticleListing;

/// One article as the search index sees it. The pipeline builds it from the stored article
/// ([`SearchDoc::from_listing`]) and adds what it knows beyond the store (entities).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// The article's id, the key of the document.
    pub id: ArticleId,
    /// The story it belongs to; results of one story are shown as one hit.
    pub story_id: Option<StoryId>,
    /// The outlet's id.
    pub source_id: SourceId,
    /// The outlet's name, shown and counted in facets.
    pub source_name: String,
    /// The outlet's host (`dw.com`), matched by `source:` like the name.
    pub source_host: String,
    /// The article's URL.
    pub url: String,
    /// The language tag (`de`, `en-GB`); untagged articles use the catch-all analyser.
    pub language: Option<String>,
    /// The time to sort and filter by, seconds since the epoch.
    pub date: i64,
    /// The headline.
    pub title: String,
    /// The standfirst and body, plain text.
    pub body: String,
    /// People, places and organisations it names, matched by `entity:`.
    pub entities: Vec<String>,
}

impl SearchDoc {
    /// The document of a stored article. `source_host` is the outlet's host (see
    /// [`host_of`]); entities start empty.
    pub fn from_listing(listing: &ArticleListing, source_host: &str) -> SearchDoc {
        let a = &listing.article;
        let c = &a.content;
        let body = match &c.standfirst {
            Some(standfirst) if !standfirst.is_empty() && !c.body_text.starts_with(standfirst) => {
                format!("{standfirst}\n\n{}", c.body_text)
            }
            _ => c.body_text.clone(),
        };
        SearchDoc {
            id: a.id,
            story_id: a.story_id,
            source_id: a.source_id,
            source_name: listing.source_name.clone(),
            source_host: source_host.to_string(),
            url: c.url.clone(),
            language: c.language.clone(),
            date: c.shown_time(),
            title: c.title.clone(),
            body,
            entities: Vec::new(),
        }
    }

    /// The normalised language code, empty when untagged.
    pub fn lang_code(&self) -> String {
        normalize_tag(self.language.as_deref())
    }

    /// The outlet's name and host as plain words, the text `source:` matches.
    pub fn source_terms(&self) -> String {
        normalize_name(&format!("{} {}", self.source_name, self.source_host))
    }

    /// The entities as plain words, one per line.
    pub fn entity_terms(&self) -> String {
        self.entities
            .iter()
            .map(|e| normalize_name(e))
            .filter(|e| !e.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The host of a URL without `www.`, lower-cased: `https://www.dw.com/en/` → `dw.com`.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    host.strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://www.dw.com/en/feed"), "dw.com");
        assert_eq!(
            host_of("http://user@Feeds.BBCI.co.uk:8080/x"),
            "feeds.bbci.co.uk"
        );
        assert_eq!(host_of("not a url"), "not a url");
        assert_eq!(host_of(""), "");
    }
}
