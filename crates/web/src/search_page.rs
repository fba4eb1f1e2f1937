//! The search page: `/search?q=` with results grouped by story, highlighted snippets, the
//! outlets, days and languages of the matches, newest-first or best-first order, and paging.
//! The engine escapes snippets and titles except its `<b>` highlight marks.
//!
//! Input with nothing to look for (`OR`, `*`, `source:`, only a bad date) is not searched: the
//! page says so, as it shows nothing for an empty box, rather than list every article. The
//! parts of a query left out (a bad date, an empty filter, a word too long to be in any
//! article) are listed with why. A page past the last one says so and links to the first.
//!
//! A signed-in reader who hid outlets (see [`crate::reading::hiding`]) searches without
//! their articles: the engine leaves them out in the query
//! ([`SearchRequest::exclude_sources`]), so the total, the facets, the story hits (a story
//! led by a hidden outlet's article is led by its next match from another outlet) and the
//! paging are those of the articles left, in one search. The page says how many matches that
//! hid (the engine counts them; "about" where PostgreSQL estimates a large total), with a
//! link to the page with them (`&hidden=show`). Anonymous readers and readers who hid no
//! outlet make the same request as before, with nothing left out.

use crate::pages::{Age, PageError, article_href, now, respond};
use crate::people::session::Viewer;
use crate::reading::hiding::{self, Hiding};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tidings_search::query::Ignored;
use tidings_search::{SearchRequest, Sort, StoryHit};

/// Story hits per page.
const PER_PAGE: usize = 20;
/// Longest query read, in characters.
const MAX_QUERY_CHARS: usize = 500;

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
    sort: Option<String>,
    page: Option<usize>,
    /// `show`: the reader's hidden outlets' articles too.
    hidden: Option<String>,
}

/// One story hit.
struct Hit {
    href: String,
    title_html: String,
    snippet_html: String,
    /// The headline's and snippet's language (`lang`), empty when unknown.
    language: String,
    source_name: String,
    age: Age,
    story_href: Option<String>,
    others: Vec<(String, String, String)>,
}

/// A facet value and how many matches have it.
struct FacetView {
    value: String,
    count: u64,
    href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
struct SearchPage {
    site_name: String,
    q: String,
    /// Whether the query says something and was searched (not empty, not only punctuation,
    /// operators or ignored parts).
    searched: bool,
    /// The parts of the query left out, each with why.
    ignored: Vec<(String, &'static str)>,
    /// The page asked for is past the last page of results: the first page's address.
    past_end: Option<String>,
    newest: bool,
    best_href: String,
    newest_href: String,
    feed_href: &'static str,
    feed_query: String,
    total: u64,
    relaxed: bool,
    /// How many had every word, when `relaxed` (they come first).
    with_every_word: u64,
    hits: Vec<Hit>,
    sources: Vec<FacetView>,
    languages: Vec<FacetView>,
    months: Vec<FacetView>,
    older: Option<String>,
    newer: Option<String>,
    available: bool,
    /// Matching articles left out because the reader hid their outlets.
    hidden: u64,
    /// `hidden` is an estimate (as the total is, on PostgreSQL, for many matches).
    hidden_about: bool,
    /// This page with the hidden outlets' results, when some were left out.
    show_hidden_href: Option<String>,
    /// This page without them, when they are shown on the reader's asking.
    hide_again_href: Option<String>,
}

/// A search page's address: the query, the order, the page, and whether the reader's
/// hidden outlets are shown (`&hidden=show`).
fn url(q: &str, newest: bool, page: usize, show_hidden: bool) -> String {
    let mut s = format!("/search?q={}", encode(q));
    if newest {
        s.push_str("&sort=newest");
    }
    if page > 1 {
        s.push_str(&format!("&page={page}"));
    }
    if show_hidden {
        s.push_str("&hidden=show");
    }
    s
}

/// A story hit as the page lists it.
fn hit_view(story: &StoryHit, now: i64) -> Hit {
    let lead = &story.article;
    Hit {
        href: article_href(lead.id, &lead.title),
        title_html: lead.title_html.clone(),
        snippet_html: lead.snippet_html.clone(),
        language: lead.language.clone(),
        source_name: lead.source_name.clone(),
        age: Age::of(lead.date, now),
        story_href: story.story_id.map(|s| format!("/story/{s}")),
        others: story
            .others
            .iter()
            .map(|o| {
                (
                    article_href(o.id, &o.title),
                    o.title.clone(),
                    o.source_name.clone(),
                )
            })
            .collect(),
    }
}

/// A part of the query left out, as the page lists it: the part and why.
fn ignored_view(ignored: &Ignored) -> (String, &'static str) {
    (ignored.text.clone(), ignored.reason.explain())
}

/// Percent-encodes a query-string value.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub(crate) async fn search(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Query(query): Query<SearchQuery>,
) -> Response {
    let result: Result<SearchPage, PageError> = async {
        let q: String = query
            .q
            .unwrap_or_default()
            .trim()
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect();
        let newest = query.sort.as_deref() == Some("newest");
        let page = query.page.unwrap_or(1).clamp(1, 500);
        // Only outlets are hidden from search: it finds what the reader asks for.
        let hiding = hiding::of_viewer(&state, viewer.as_deref())
            .await?
            .filter(Hiding::hides_sources);
        let show_hidden = hiding.is_some() && query.hidden.as_deref() == Some("show");
        let applied = hiding.as_ref().filter(|_| !show_hidden);
        let mut request = SearchRequest::new(&q, PER_PAGE + 1);
        let mut out = SearchPage {
            site_name: state.site_name.clone(),
            q: q.clone(),
            searched: false,
            ignored: request.query.ignored.iter().map(ignored_view).collect(),
            past_end: None,
            newest,
            best_href: url(&q, false, 1, show_hidden),
            newest_href: url(&q, true, 1, show_hidden),
            feed_href: "/search/feed",
            feed_query: format!("?q={}", encode(&q)),
            total: 0,
            relaxed: false,
            with_every_word: 0,
            hits: Vec::new(),
            sources: Vec::new(),
            languages: Vec::new(),
            months: Vec::new(),
            older: None,
            newer: None,
            available: state.search.is_some(),
            hidden: 0,
            hidden_about: false,
            show_hidden_href: None,
            hide_again_href: None,
        };
        let Some(engine) = state.search.as_ref() else {
            return Ok(out);
        };
        if request.query.is_empty() {
            return Ok(out);
        }
        out.searched = true;
        request.facets = true;
        if newest {
            request.sort = Sort::Newest;
        }
        if let Some(hiding) = applied {
            request.exclude_sources = hiding.exclusions().sources;
        }
        request.offset = (page - 1) * PER_PAGE;
        let results = engine
            .search(&request)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let now = now();
        let mut hits: Vec<Hit> = results.hits.iter().map(|h| hit_view(h, now)).collect();
        out.total = results.total_articles;
        out.relaxed = results.relaxed;
        out.with_every_word = results.with_every_word;
        out.older = (hits.len() > PER_PAGE).then(|| url(&q, newest, page + 1, show_hidden));
        if hits.is_empty() && page > 1 && out.total > 0 {
            // Past the end: the matches are on earlier pages, not missing.
            out.past_end = Some(url(&q, newest, 1, show_hidden));
        } else {
            out.newer = (page > 1).then(|| url(&q, newest, page - 1, show_hidden));
        }
        hits.truncate(PER_PAGE);
        out.hits = hits;
        out.hidden = results.excluded_articles;
        out.hidden_about = results.excluded_estimated;
        if out.hidden > 0 {
            out.show_hidden_href = Some(url(&q, newest, page, true));
        }
        if show_hidden {
            out.hide_again_href = Some(url(&q, newest, page, false));
        }
        if let Some(facets) = results.facets {
            let refine = |prefix: &str, value: &str| {
                let term = if value.contains(' ') {
                    format!("{prefix}:\"{value}\"")
                } else {
                    format!("{prefix}:{value}")
                };
                url(&format!("{q} {term}"), newest, 1, show_hidden)
            };
            let linked = |counts: &[tidings_search::FacetCount], prefix: &str| -> Vec<FacetView> {
                counts
                    .iter()
                    .take(10)
                    .map(|f| FacetView {
                        href: refine(prefix, &f.value),
                        value: f.value.clone(),
                        count: f.count,
                    })
                    .collect()
            };
            out.sources = linked(&facets.sources, "source");
            out.languages = linked(&facets.languages, "lang");
            out.months = facets
                .months
                .iter()
                .take(12)
                .map(|f| FacetView {
                    href: String::new(),
                    value: f.value.clone(),
                    count: f.count,
                })
                .collect();
        }
        Ok(out)
    }
    .await;
    respond(result, &state.site_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_urls_keep_the_query_and_order() {
        assert_eq!(url("dam breach", false, 1, false), "/search?q=dam+breach");
        assert_eq!(
            url("\"a&b\" -c", true, 2, false),
            "/search?q=%22a%26b%22+-c&sort=newest&page=2"
        );
        assert_eq!(
            url("dam", false, 3, true),
            "/search?q=dam&page=3&hidden=show"
        );
    }
}
