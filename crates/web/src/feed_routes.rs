//! The feed routes: `/feed.xml`, `/feed.atom` and `/feed.json` for the whole site,
//! `/source/{id}/feed.…` for one outlet, `/story/{id}/feed.…` for a developing story (every
//! new report of it) and `/entity/{slug}/feed.…` for a person, place or organisation (the
//! reports of the stories that name it).
//!
//! The site feed carries the latest articles rather than the ranked top stories: a feed
//! reader keys on item ids and shows what is new, and a ranking that reshuffles the same
//! stories would look like nothing new (or, with changing ids, like everything new). Each item
//! links to its article page on this site, credits the outlet, links the original as `via`,
//! and says how many outlets cover its story with a link to the full coverage.
//!
//! A wire text and its copies are one item, the original's, as the story page shows them
//! once: the item names the other outlets that published it ("Also published by …") in its
//! content, each linking to its copy here (see [`crate::feed_copies`]). The content is the
//! one part of an item every reader shows; RSS's `<source>` names one channel only (kept for
//! the original's outlet), `<category>` means a topic (readers turn it into tags and
//! filters), and more authors would credit the copying outlets with the writing. An outlet's
//! own feed keeps its copies: they are what it published; a search feed keeps a copy that
//! matched when its original did not.
//!
//! [`listing_feed`] turns any list of articles into a feed response; a search feed
//! (`/search/feed.xml?q=…`) is that function called with the search's results, its title
//! and its query.

use crate::base_url::site_base;
use crate::feed_copies::{Copies, FeedArticle, fold_copies};
use crate::feeds_out::{FeedDoc, FeedFormat, FeedItem, escape, render};
use crate::http_cache::{SHORT_MAX_AGE, cached};
use crate::pages::{PageError, article_href, excerpt, is_web_url, now, respond};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use tidings_model::{ArticleId, SourceId, StoryId, UnixSeconds};
use tidings_store::{ArticleListing, EntityLookup};

/// Items in a feed.
pub(crate) const FEED_ITEMS: i64 = 50;

/// Characters of an item's summary.
const SUMMARY_CHARS: usize = 300;

/// What a feed is about, with site-relative paths.
pub(crate) struct FeedMeta {
    /// The feed's title.
    pub(crate) title: String,
    /// One sentence about it.
    pub(crate) description: String,
    /// The HTML page it follows (`/`, `/source/3`, `/search?q=…`).
    pub(crate) home_path: String,
    /// The directory its files live in, ending in `/` (`/`, `/source/3/`, `/search/`).
    pub(crate) feed_dir_path: String,
    /// The query its self links carry (`q=…`), or empty.
    pub(crate) query: String,
    /// Its language, when all its items share one.
    pub(crate) language: Option<String>,
    /// When what it follows last changed, for a feed with no items (a story's last update);
    /// `None` for the time the site's newest article arrived. See [`listing_feed`].
    pub(crate) updated_when_empty: Option<UnixSeconds>,
    /// Whether copies fold into their originals' items (every feed but an outlet's own).
    pub(crate) copies: Copies,
}

/// A feed's title: `{part} · {site}`, or the site's name alone when `part` is blank, so a
/// feed is never titled " · Tidings".
pub(crate) fn feed_title(part: &str, site_name: &str) -> String {
    match part.trim() {
        "" => site_name.to_string(),
        part => format!("{part} · {site_name}"),
    }
}

/// The feed of `listings` (newest first) in `format`, with caching headers.
///
/// The feed's update time is its newest item's (published, or updated when later), so an
/// unchanged list gives the same document. A feed with no items (a search that matches
/// nothing, a new outlet) gives [`FeedMeta::updated_when_empty`], else the time the site's
/// newest article arrived (the last moment anything could have entered it), else, on a site
/// with no article at all, the present: never 1970.
pub(crate) async fn listing_feed(
    state: &AppState,
    headers: &HeaderMap,
    format: FeedFormat,
    meta: FeedMeta,
    listings: Vec<ArticleListing>,
) -> Result<Response, PageError> {
    let base = site_base(state.base_url.as_deref(), headers);
    let articles = fold_copies(&state.store, listings, &meta.copies).await?;
    let mut story_ids: Vec<StoryId> = articles
        .iter()
        .filter_map(|a| a.listing.article.story_id)
        .collect();
    story_ids.sort();
    story_ids.dedup();
    let sources_by_story: HashMap<StoryId, i64> = state
        .store
        .stories()
        .many(&story_ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s.source_count))
        .collect();
    let source_feeds = source_feeds(state, &articles).await?;
    let items: Vec<FeedItem> = articles
        .iter()
        .map(|a| article_item(&base, a, &sources_by_story, &source_feeds))
        .collect();
    let newest = items
        .iter()
        .map(|i| i.updated.unwrap_or(i.published).max(i.published))
        .max();
    let updated = match newest.or(meta.updated_when_empty.filter(|t| *t > 0)) {
        Some(t) => t,
        None => state
            .store
            .articles()
            .newest_time()
            .await?
            .filter(|t| *t > 0)
            .unwrap_or_else(now),
    };
    let doc = FeedDoc {
        title: meta.title,
        description: meta.description,
        home_url: format!("{base}{}", meta.home_path),
        feed_dir: format!("{base}{}", meta.feed_dir_path),
        query: meta.query,
        language: meta.language,
        updated,
        items,
    };
    Ok(cached(
        headers,
        format.content_type(),
        render(&doc, format),
        SHORT_MAX_AGE,
    ))
}

/// The feed URL of each outlet `articles` are from (RSS's `<source url>`), those that are
/// web addresses: one read for the whole document, however many outlets it has.
async fn source_feeds(
    state: &AppState,
    articles: &[FeedArticle],
) -> Result<HashMap<SourceId, String>, PageError> {
    let mut ids: Vec<SourceId> = articles
        .iter()
        .map(|a| a.listing.article.source_id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(state
        .store
        .sources()
        .feed_urls(&ids)
        .await?
        .into_iter()
        .filter(|(_, url)| is_web_url(url))
        .map(|(id, url)| (id, tidings_model::public_feed_url(&url)))
        .collect())
}

/// Outlets an item names as having published its text too; more are counted.
const PUBLISHERS_NAMED: usize = 10;

/// "Also published by Wire, Harbour Post and 3 more outlets.", each name linking to that
/// outlet's copy here; empty when no other outlet published it.
fn also_published_by(base: &str, article: &FeedArticle) -> String {
    let publishers = &article.republished_by;
    if publishers.is_empty() {
        return String::new();
    }
    let links: Vec<String> = publishers
        .iter()
        .take(PUBLISHERS_NAMED)
        .map(|p| {
            format!(
                "<a href=\"{}\">{}</a>",
                escape(&format!("{base}{}", article_href(p.article, &p.title))),
                escape(&p.name)
            )
        })
        .collect();
    let more = publishers.len().saturating_sub(PUBLISHERS_NAMED);
    let list = match (links.split_last(), more) {
        (Some((last, rest)), 0) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        (_, 0) => links.join(", "),
        (_, 1) => format!("{} and 1 more outlet", links.join(", ")),
        (_, n) => format!("{} and {n} more outlets", links.join(", ")),
    };
    format!("<p>Also published by {list}.</p>")
}

/// One article as a feed item, linking to its page here.
fn article_item(
    base: &str,
    article: &FeedArticle,
    sources_by_story: &HashMap<StoryId, i64>,
    source_feeds: &HashMap<SourceId, String>,
) -> FeedItem {
    let listing = &article.listing;
    let a = &listing.article;
    let c = &a.content;
    let url = format!("{base}{}", article_href(a.id, &c.title));
    let summary = excerpt(
        c.standfirst.as_deref().unwrap_or(&c.body_text),
        SUMMARY_CHARS,
    );
    let mut html = format!("<p>{}</p>", escape(&summary));
    html.push_str(&also_published_by(base, article));
    let coverage = a
        .story_id
        .and_then(|s| sources_by_story.get(&s).map(|n| (s, *n)))
        .filter(|(_, n)| *n > 1);
    if let Some((story, n)) = coverage {
        html.push_str(&format!(
            "<p><a href=\"{}\">Full coverage: {n} sources</a></p>",
            escape(&format!("{base}/story/{story}"))
        ));
    }
    let published = c.shown_time();
    FeedItem {
        // The id leaves out the slug, so an edited headline does not make the item new to
        // feed readers; `/article/{id}` redirects to the page, so it is a permalink too.
        id: format!("{base}/article/{}", a.id),
        url,
        title: c.title.clone(),
        summary: match coverage {
            Some((_, n)) => format!("{summary} ({n} sources)"),
            None => summary,
        },
        content_html: Some(html),
        author: Some(listing.source_name.clone()),
        published,
        updated: c.updated_at.filter(|u| *u > published),
        external_url: Some(c.url.clone()).filter(|u| is_web_url(u)),
        source_feed: source_feeds.get(&a.source_id).cloned(),
        language: c.language.clone(),
    }
}

/// The format a feed request asks for, from its path.
pub(crate) fn format_of(uri: &Uri) -> Result<FeedFormat, PageError> {
    FeedFormat::from_path(uri.path()).ok_or(PageError::NotFound)
}

/// Answers a feed request: the format its path asks for, then the feed of what `read`
/// finds (what the feed is about and its articles, newest first), or the error page of why
/// not.
async fn answer_feed(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    read: impl Future<Output = Result<(FeedMeta, Vec<ArticleListing>), PageError>>,
) -> Response {
    let result = async {
        let format = format_of(uri)?;
        let (meta, listings) = read.await?;
        listing_feed(state, headers, format, meta, listings).await
    }
    .await;
    respond(result, &state.site_name)
}

/// `/feed.xml`, `/feed.atom`, `/feed.json`: the site's latest articles.
pub(crate) async fn site_feed(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    answer_feed(&state, &uri, &headers, async {
        let listings = state.store.articles().latest(FEED_ITEMS, 0).await?;
        let meta = FeedMeta {
            title: state.site_name.clone(),
            description: format!(
                "The latest articles on {}, each with the number of outlets covering its story.",
                state.site_name
            ),
            home_path: "/".to_string(),
            feed_dir_path: "/".to_string(),
            query: String::new(),
            language: None,
            updated_when_empty: None,
            copies: Copies::fold(),
        };
        Ok((meta, listings))
    })
    .await
}

/// `/source/{id}/feed.…`: one outlet's latest articles.
pub(crate) async fn source_feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    answer_feed(&state, &uri, &headers, async {
        let id = id.parse::<i64>().map_err(|_| PageError::NotFound)?;
        let source = state
            .store
            .sources()
            .get_public(SourceId(id))
            .await?
            .ok_or(PageError::NotFound)?;
        let listings = state
            .store
            .articles()
            .by_source(source.id, FEED_ITEMS)
            .await?;
        let name = source.display_name();
        let meta = FeedMeta {
            title: feed_title(&name, &state.site_name),
            description: format!(
                "The latest articles from {name}, as {} read them.",
                state.site_name
            ),
            home_path: format!("/source/{}", source.id),
            feed_dir_path: format!("/source/{}/", source.id),
            query: String::new(),
            language: source.language.clone(),
            // An outlet with no article yet: when it was added.
            updated_when_empty: Some(source.created_at),
            copies: Copies::Keep,
        };
        Ok((meta, listings))
    })
    .await
}

/// `/story/{id}/feed.…`: a developing story's reports, newest first, so a reader sees each
/// new one as it is placed in the story.
pub(crate) async fn story_feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    answer_feed(&state, &uri, &headers, async {
        let id = id.parse::<i64>().map_err(|_| PageError::NotFound)?;
        let story = state
            .store
            .stories()
            .get(StoryId(id))
            .await?
            .ok_or(PageError::NotFound)?;
        let listings = state
            .store
            .articles()
            .latest_of_stories(&[story.id], FEED_ITEMS)
            .await?;
        let meta = FeedMeta {
            title: feed_title(&story.title, &state.site_name),
            description: format!(
                "Every report of this story on {}, newest first.",
                state.site_name
            ),
            home_path: format!("/story/{}", story.id),
            feed_dir_path: format!("/story/{}/", story.id),
            query: String::new(),
            language: story.language.clone(),
            updated_when_empty: Some(story.updated_at),
            // A copy is placed in its original's story (`PlacementBatch::place`), so an original
            // read in with its copy is one of these stories' reports too.
            copies: Copies::fold(),
        };
        Ok((meta, listings))
    })
    .await
}

/// Stories an entity's feed draws its reports from, most recently updated first.
const ENTITY_FEED_STORIES: i64 = 50;

/// `/entity/{slug}/feed.…`: the latest reports of the stories that name a person, place or
/// organisation, newest first. The feed of an entity merged into another redirects to that
/// one's (`308`), as its page does.
pub(crate) async fn entity_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // One read tells a merged slug (redirected) from the entity and its name.
    let found = match state.store.entity_groups().lookup(&slug).await {
        Ok(Some(EntityLookup::MergedInto(target))) => {
            let file = uri.path().rsplit('/').next().unwrap_or("feed.xml");
            let to = crate::stories::entity_location(&target, file);
            return Redirect::permanent(&to).into_response();
        }
        Ok(found) => found,
        Err(err) => return respond(Err::<Response, _>(err.into()), &state.site_name),
    };
    answer_feed(&state, &uri, &headers, async {
        let Some(EntityLookup::Entity(group)) = found else {
            return Err(PageError::NotFound);
        };
        let name = group.name;
        let insights = state.store.insights();
        let stories: Vec<StoryId> = insights
            .stories_of(&slug, ENTITY_FEED_STORIES, 0)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        let listings = state
            .store
            .articles()
            .latest_of_stories(&stories, FEED_ITEMS)
            .await?;
        let meta = FeedMeta {
            title: feed_title(&name, &state.site_name),
            description: format!(
                "The latest reports on {} of the stories that name {name}.",
                state.site_name
            ),
            home_path: format!("/entity/{slug}"),
            feed_dir_path: format!("/entity/{slug}/"),
            query: String::new(),
            language: None,
            updated_when_empty: None,
            // A copy is placed in its original's story (`PlacementBatch::place`), so an original
            // read in with its copy is one of these stories' reports too.
            copies: Copies::fold(),
        };
        Ok((meta, listings))
    })
    .await
}

/// Articles a search feed lists.
const SEARCH_FEED_ITEMS: usize = 50;

#[derive(serde::Deserialize)]
pub(crate) struct SearchFeedQuery {
    q: Option<String>,
}

/// `/search/feed.…?q=`: a saved search as a feed, newest matches first, every word required.
pub(crate) async fn search_feed(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<SearchFeedQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    answer_feed(&state, &uri, &headers, async {
        let q: String = query
            .q
            .unwrap_or_default()
            .trim()
            .chars()
            .take(500)
            .collect();
        let engine = state.search.as_ref().ok_or(PageError::NotFound)?;
        let hits = tidings_search::saved_search(
            engine,
            &q,
            tidings_search::Sort::Newest,
            SEARCH_FEED_ITEMS,
        )
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
        // One read for the page, put back in the search's order.
        let ids: Vec<ArticleId> = hits.iter().map(|h| h.id).collect();
        let mut by_id: HashMap<ArticleId, ArticleListing> = state
            .store
            .articles()
            .many(&ids)
            .await?
            .into_iter()
            .map(|l| (l.article.id, l))
            .collect();
        let listings: Vec<ArticleListing> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let (title, description) = if q.is_empty() {
            (
                feed_title("Search", &state.site_name),
                format!(
                    "A search of {} with nothing to look for: add the words to find as \
                     ?q=… to this feed's address.",
                    state.site_name
                ),
            )
        } else {
            (
                feed_title(&q, &state.site_name),
                format!("Articles on {} that match {q}.", state.site_name),
            )
        };
        let meta = FeedMeta {
            title,
            description,
            home_path: format!("/search?q={encoded}"),
            feed_dir_path: "/search/".to_string(),
            query: format!("q={encoded}"),
            language: None,
            updated_when_empty: None,
            // Only the matches: an original the search did not find does not come in with
            // its copy, which stands for the text.
            copies: Copies::FoldListed,
        };
        Ok((meta, listings))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed_copies::Publisher;
    use tidings_model::{Article, NewArticle};

    fn with_publishers(n: usize) -> FeedArticle {
        FeedArticle {
            listing: ArticleListing {
                article: Article {
                    id: ArticleId(1),
                    source_id: SourceId(1),
                    story_id: None,
                    duplicate_of: None,
                    content: NewArticle::default(),
                },
                source_name: "Outlet".into(),
                section: None,
                source_display: None,
                sort_at: 0,
            },
            republished_by: (0..n)
                .map(|i| Publisher {
                    name: format!("<P{i}>"),
                    article: ArticleId(10 + i as i64),
                    title: "Copy".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn other_publishers_are_named_linked_escaped_and_counted_past_ten() {
        let base = "https://news.example";
        assert_eq!(also_published_by(base, &with_publishers(0)), "");
        assert_eq!(
            also_published_by(base, &with_publishers(1)),
            "<p>Also published by <a href=\"https://news.example/article/10/copy\">&lt;P0&gt;</a>.</p>"
        );
        let three = also_published_by(base, &with_publishers(3));
        assert!(three.contains("&lt;P0&gt;</a>, <a"), "{three}");
        assert!(three.contains("&lt;P1&gt;</a> and <a"), "{three}");
        let many = also_published_by(base, &with_publishers(13));
        assert_eq!(many.matches("<a ").count(), PUBLISHERS_NAMED, "{many}");
        assert!(
            many.ends_with("&lt;P9&gt;</a> and 3 more outlets.</p>"),
            "{many}"
        );
        let eleven = also_published_by(base, &with_publishers(11));
        assert!(eleven.ends_with("and 1 more outlet.</p>"), "{eleven}");
    }
}
