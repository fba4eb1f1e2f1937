//! The `fetch_article` job: fetch a teaser article's page, extract the article from it, and
//! keep the page's text when it is clearly the better of the two. The feed's text is never
//! lost: if the page fails or says less, the article keeps what it had, and a teaser the page
//! does not begin with stays on as the standfirst.

use crate::labels::section_of;
use crate::teaser::page_is_better;
use crate::time::now_secs;
use crate::{Pipeline, PipelineError};
use tidings_fetch::{Fetched, Validators};
use tidings_model::ArticleId;
use tidings_store::{CanonicalMove, PageContent};
use tidings_stories::{canonical_url, declared_canonical};
use tidings_text::without_direction_controls;

/// What one page fetch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageReport {
    /// Whether the article took the page's content.
    pub replaced: bool,
    /// Why it did not, when the page could not be fetched or read.
    pub error: Option<String>,
    /// The article its page's canonical URL showed it to be (this one was folded into it).
    pub same_as: Option<ArticleId>,
}

/// Fetches and extracts one article's page.
pub async fn run(pipeline: &Pipeline, id: ArticleId) -> Result<PageReport, PipelineError> {
    let Some(listing) = pipeline.store.articles().get(id).await? else {
        return Ok(PageReport::default());
    };
    let feed = listing.article.content;
    let doc = match pipeline
        .fetcher
        .get(&feed.url, &Validators::default())
        .await
    {
        Ok(Fetched::Document(doc)) => doc,
        Ok(Fetched::NotModified) => return Ok(PageReport::default()),
        Err(err) => {
            tracing::info!(article = %id, url = %feed.url, %err, "page not fetched; keeping the feed's text");
            return Ok(PageReport {
                error: Some(err.to_string()),
                ..PageReport::default()
            });
        }
    };
    let final_url = doc.final_url.clone();
    let url = doc.final_url.clone();
    let content_type = doc.content_type.clone();
    let body = doc.body;
    let extracted = tokio::task::spawn_blocking(move || {
        tidings_extract::extract(&body, Some(&url), content_type.as_deref())
    })
    .await
    .map_err(|e| PipelineError::Task(e.to_string()))?;
    let page = match extracted {
        Ok(page) => page,
        Err(err) => {
            return Ok(PageReport {
                error: Some(err.to_string()),
                ..PageReport::default()
            });
        }
    };
    // The extractor puts one paragraph per line; articles keep a blank line between them.
    // The page says which URL it really lives at (`<link rel=canonical>`), or a redirect did:
    // the same article met under another URL (AMP, mobile, a feed's tracking redirect) is one.
    let canonical = match page.canonical_url.as_deref() {
        Some(declared) => declared_canonical(&final_url, declared),
        None => canonical_url(&final_url),
    };
    if let Some(canonical) = canonical
        && let CanonicalMove::SameAs(other) = pipeline
            .store
            .articles()
            .move_to_canonical(id, &canonical)
            .await?
    {
        tracing::info!(article = %id, same_as = %other, %canonical, "article folded into the one at its canonical URL");
        return Ok(PageReport {
            same_as: Some(other),
            ..PageReport::default()
        });
    }
    let page_text = page
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if !page_is_better(&feed.body_text, &page_text, page.confidence) {
        return Ok(PageReport::default());
    }
    let teaser = feed.body_text.trim();
    let teaser_is_lead = page_text.starts_with(teaser.trim_end_matches(['…', '.']).trim_end());
    let standfirst = page
        .description
        .clone()
        .or_else(|| (!teaser.is_empty() && !teaser_is_lead).then(|| teaser.to_string()));
    // The feed's short text may have named no section; the whole page may. A section the
    // feed's categories or words gave stays (the store fills only a missing one).
    let section = if listing.section.is_none() {
        let source_category = pipeline
            .store
            .sources()
            .get(listing.article.source_id)
            .await?
            .and_then(|s| s.category);
        section_of(
            &[],
            source_category.as_deref(),
            &feed.title,
            standfirst.as_deref(),
            &page_text,
        )
    } else {
        None
    };
    let update = PageContent {
        body_text: page_text,
        body_html: page.html,
        standfirst,
        byline: (!page.authors.is_empty())
            .then(|| without_direction_controls(&page.authors.join(", ")).into_owned()),
        credit: (!page.credit.agencies.is_empty())
            .then(|| without_direction_controls(&page.credit.agencies.join(", ")).into_owned()),
        // The page's own claim, as the feed's is: an http(s) address or none (an `og:image`
        // of `javascript:…` reached the article page's <img>).
        image_url: page.image.and_then(|i| canonical_url(&i.url)),
        language: page.language,
        section,
    };
    let replaced = pipeline
        .store
        .articles()
        .update_from_page(id, &update, now_secs())
        .await?;
    tracing::info!(article = %id, url = %feed.url, "article completed from its page");
    Ok(PageReport {
        replaced,
        ..PageReport::default()
    })
}
