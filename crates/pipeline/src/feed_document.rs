//! From a fetched document to a feed: parse it; when it is an HTML page, find the feed it
//! links to (or one at a common path); when it is a sitemap index, read its newest sitemaps.
//! Parsing and the per-entry work (sanitising, text) run on tokio's blocking pool: a slow or
//! hostile document holds a blocking thread, never one of the runtime's workers. Only the
//! newest [`PipelineSettings::max_entries_per_feed`](crate::PipelineSettings) entries of a
//! document become articles.

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
    /// Entries left out because the document held more than the most read per fetch (the
    /// oldest go).
    pub left_out_over_max: usize,
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

/// Runs CPU-bound document work on tokio's blocking pool. A task that panicked is the
/// document's failure, in a sentence for the source's status.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| format!("the document could not be read: {err}"))
}

/// Parses `doc` as a feed off the runtime, giving the document back with the outcome.
async fn parse_off_runtime(
    doc: Document,
) -> Result<(Document, Result<ParsedFeed, FeedError>), String> {
    off_runtime(move || {
        let parsed = parse(&doc.body, &info(&doc));
        (doc, parsed)
    })
    .await
}

/// [`finish`] off the runtime: every entry is sanitised there.
async fn finish_off_runtime(
    feed: ParsedFeed,
    doc: Document,
    discovered: Option<String>,
    max_entries: usize,
) -> Result<ReadFeed, String> {
    off_runtime(move || finish(feed, doc, discovered, max_entries)).await?
}

/// Reads a source's document as a feed. The error is a sentence for the source's status.
pub(crate) async fn read(pipeline: &Pipeline, doc: Document) -> Result<ReadFeed, String> {
    let max_entries = pipeline.settings.max_entries_per_feed;
    let (doc, parsed) = parse_off_runtime(doc).await?;
    match parsed {
        Ok(feed) => finish_off_runtime(feed, doc, None, max_entries).await,
        Err(FeedError::HtmlPage) => discover(pipeline, doc).await,
        Err(FeedError::SitemapIndex) => read_index(pipeline, doc).await,
        Err(err) => Err(err.to_string()),
    }
}

/// Reads a document a WebSub hub pushed as the source's feed: parsed and turned into
/// articles as a fetched feed is, but never taken for a page to search for feeds on, nor for
/// a sitemap index to fetch more from.
pub(crate) async fn read_pushed(doc: Document, max_entries: usize) -> Result<ReadFeed, String> {
    match parse_off_runtime(doc).await? {
        (doc, Ok(feed)) => finish_off_runtime(feed, doc, None, max_entries).await,
        (_, Err(err)) => Err(err.to_string()),
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

/// Turns the newest `max_entries` entries into articles (the rest are counted and logged).
/// A document so broken that not one article could be read from it is an error, with the
/// parser's reason. CPU-bound: call it through [`finish_off_runtime`].
fn finish(
    mut feed: ParsedFeed,
    doc: Document,
    discovered: Option<String>,
    max_entries: usize,
) -> Result<ReadFeed, String> {
    let left_out_over_max = feed.keep_newest(max_entries);
    if left_out_over_max > 0 {
        tracing::warn!(
            url = %doc.final_url, kept = feed.entries.len(), left_out = left_out_over_max,
            "the feed holds more entries than are read per fetch; the oldest were left out"
        );
    }
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
        left_out_over_max,
        doc,
        discovered,
    })
}

/// Finds the feed of an HTML page: its `<link rel="alternate">` feeds first, else the
/// common feed paths of its site.
async fn discover(pipeline: &Pipeline, page: Document) -> Result<ReadFeed, String> {
    let max_entries = pipeline.settings.max_entries_per_feed;
    let (page, linked) = off_runtime(move || {
        let linked: Vec<String> = discover_feeds(&page.body, &page.final_url)
            .into_iter()
            .map(|found| found.url)
            .collect();
        (page, linked)
    })
    .await?;
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
        if let (found, Ok(feed)) = parse_off_runtime(found).await?
            && (announced || !feed.entries.is_empty())
        {
            return finish_off_runtime(feed, found, Some(url), max_entries).await;
        }
    }
    Err(format!(
        "{}, and no feed was found on it",
        FeedError::HtmlPage
    ))
}

/// Reads the newest sitemaps a sitemap index lists, as one feed.
async fn read_index(pipeline: &Pipeline, index: Document) -> Result<ReadFeed, String> {
    let max_entries = pipeline.settings.max_entries_per_feed;
    let (index, sitemap) = off_runtime(move || {
        let sitemap = parse_sitemap(&index.body, &info(&index));
        (index, sitemap)
    })
    .await?;
    let mut children = match sitemap {
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
            Ok(Fetched::Document(doc)) => match parse_off_runtime(doc).await?.1 {
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
    finish_off_runtime(merged, index, None, max_entries).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_without_a_link_are_counted_as_skipped() {
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
        let read = read_pushed(doc, 500)
            .await
            .map_err(|e| e.to_string())
            .expect("feed");
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
