//! From a fetched document to a feed: parse it; when it is an HTML page, find the feed it
//! links to (or one at a common path); when it is a sitemap index, read its newest sitemaps.

use crate::Pipeline;
use crate::entry_to_article::entry_to_article;
use crate::time::now_secs;
use tidings_feeds::{
    DocumentInfo, FeedError, ParsedFeed, Sitemap, common_feed_urls, discover_feeds, parse,
    parse_sitemap,
};
use tidings_fetch::{Document, Fetched, Validators};
use tidings_model::{Entry, NewArticle};

/// How many candidate feed URLs an HTML page may cost.
const MAX_CANDIDATES: usize = 6;
/// How many child sitemaps of an index are read per fetch (the newest first).
const MAX_CHILD_SITEMAPS: usize = 3;

/// A feed as read from a source's document.
pub(crate) struct ReadFeed {
    /// The parsed feed.
    pub feed: ParsedFeed,
    /// Its entries as articles.
    pub articles: Vec<NewArticle>,
    /// The categories of the entry each article came from, in the same order.
    pub categories: Vec<Vec<String>>,
    /// Entries left out because they have no usable link: an article is keyed by its URL,
    /// and a guid that is not a URL (`tag:…`) names no page a reader could open.
    pub skipped_no_link: usize,
    /// The document the feed came from (the source's own, or the discovered feed's).
    pub doc: Document,
    /// The feed's URL, when it was discovered on the source's HTML page.
    pub discovered: Option<String>,
}

fn info(doc: &Document) -> DocumentInfo<'_> {
    DocumentInfo {
        url: Some(&doc.final_url),
        content_type: doc.content_type.as_deref(),
        ..DocumentInfo::default()
    }
}

/// Reads a source's document as a feed. The error is a sentence for the source's status.
pub(crate) async fn read(pipeline: &Pipeline, doc: Document) -> Result<ReadFeed, String> {
    match parse(&doc.body, &info(&doc)) {
        Ok(feed) => finish(feed, doc, None),
        Err(FeedError::HtmlPage) => discover(pipeline, &doc).await,
        Err(FeedError::SitemapIndex) => read_index(pipeline, doc).await,
        Err(err) => Err(err.to_string()),
    }
}

/// Reads a document a WebSub hub pushed as the source's feed: parsed and turned into
/// articles as a fetched feed is, but never taken for a page to search for feeds on, nor for
/// a sitemap index to fetch more from.
pub(crate) fn read_pushed(doc: Document) -> Result<ReadFeed, String> {
    match parse(&doc.body, &info(&doc)) {
        Ok(feed) => finish(feed, doc, None),
        Err(err) => Err(err.to_string()),
    }
}

/// The entry's categories under the names a reader should see: an Atom category's
/// `label` where it has one ("Lokales" for the term "lokales"), else its term.
fn shown_categories(entry: &Entry) -> Vec<String> {
    entry
        .categories
        .iter()
        .map(|term| {
            entry
                .category_labels
                .iter()
                .find(|(t, _)| t == term)
                .map_or_else(|| term.clone(), |(_, label)| label.clone())
        })
        .collect()
}

/// Turns the entries into articles. A document so broken that not one article could be
/// read from it is an error, with the parser's reason.
fn finish(feed: ParsedFeed, doc: Document, discovered: Option<String>) -> Result<ReadFeed, String> {
    let fetched_at = now_secs();
    let (articles, categories): (Vec<NewArticle>, Vec<Vec<String>>) = feed
        .entries
        .iter()
        .filter_map(|entry| {
            entry_to_article(entry, fetched_at).map(|a| (a, shown_categories(entry)))
        })
        .unzip();
    let skipped_no_link = feed.entries.len() - articles.len();
    if articles.is_empty()
        && let Some(why) = &feed.malformed
    {
        return Err(format!("not a valid feed: {why}"));
    }
    Ok(ReadFeed {
        feed,
        articles,
        categories,
        skipped_no_link,
        doc,
        discovered,
    })
}

/// Finds the feed of an HTML page: its `<link rel="alternate">` feeds first, else the
/// common feed paths of its site.
async fn discover(pipeline: &Pipeline, page: &Document) -> Result<ReadFeed, String> {
    let linked: Vec<String> = discover_feeds(&page.body, &page.final_url)
        .into_iter()
        .map(|found| found.url)
        .collect();
    let announced = !linked.is_empty();
    let candidates = if announced {
        linked
    } else {
        common_feed_urls(&page.final_url)
    };
    for url in candidates.into_iter().take(MAX_CANDIDATES) {
        if url == page.final_url {
            continue;
        }
        let Ok(Fetched::Document(found)) = pipeline.fetcher.get(&url, &Validators::default()).await
        else {
            continue;
        };
        // A guessed path must hold entries to count; an announced feed may be empty today.
        if let Ok(feed) = parse(&found.body, &info(&found))
            && (announced || !feed.entries.is_empty())
        {
            return finish(feed, found, Some(url));
        }
    }
    Err(format!(
        "{}, and no feed was found on it",
        FeedError::HtmlPage
    ))
}

/// Reads the newest sitemaps a sitemap index lists, as one feed.
async fn read_index(pipeline: &Pipeline, index: Document) -> Result<ReadFeed, String> {
    let mut children = match parse_sitemap(&index.body, &info(&index)) {
        Ok(Sitemap::Index(children)) => children,
        Ok(Sitemap::Urls(_)) => Vec::new(),
        Err(err) => return Err(err.to_string()),
    };
    children.sort_by_key(|child| std::cmp::Reverse(child.lastmod));
    let mut merged = ParsedFeed::default();
    let mut failures = Vec::new();
    for child in children.iter().take(MAX_CHILD_SITEMAPS) {
        let fetched = pipeline
            .fetcher
            .get(&child.url, &Validators::default())
            .await;
        match fetched {
            Ok(Fetched::Document(doc)) => match parse(&doc.body, &info(&doc)) {
                Ok(feed) => merged.entries.extend(feed.entries),
                Err(err) => failures.push(format!("{}: {err}", child.url)),
            },
            Ok(Fetched::NotModified) => {}
            Err(err) => failures.push(format!("{}: {err}", child.url)),
        }
    }
    if merged.entries.is_empty() && !failures.is_empty() {
        return Err(format!(
            "sitemap index: no sitemap could be read ({})",
            failures.join("; ")
        ));
    }
    finish(merged, index, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_without_a_link_are_counted_as_skipped() {
        let xml = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>A</title><guid isPermaLink="true">https://news.example/a</guid></item>
            <item><title>B</title><guid isPermaLink="false">tag:b</guid></item>
            </channel></rss>"#;
        let doc = Document {
            final_url: "https://news.example/feed".into(),
            permanent_redirect: None,
            content_type: None,
            validators: Validators::default(),
            max_age: None,
            link_headers: Vec::new(),
            body: xml.as_bytes().to_vec().into(),
        };
        let read = read_pushed(doc).map_err(|e| e.to_string()).expect("feed");
        assert_eq!(read.feed.entries.len(), 2);
        assert_eq!(read.articles.len(), 1);
        assert_eq!(read.skipped_no_link, 1);
    }

    #[test]
    fn categories_are_shown_by_their_labels() {
        let entry = Entry {
            categories: vec!["lokales".into(), "Sport".into()],
            category_labels: vec![("lokales".into(), "Lokales".into())],
            ..Entry::default()
        };
        assert_eq!(shown_categories(&entry), ["Lokales", "Sport"]);
    }
}
