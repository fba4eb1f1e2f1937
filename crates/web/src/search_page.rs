//! The search page: `/search?q=` with results grouped by story, highlighted snippets, the
//! outlets, days and languages of the matches, newest-first or best-first order, and paging.
//! The engine escapes snippets and titles except its `<b>` highlight marks.

use crate::pages::{Age, PageError, article_href, now, respond};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tidings_search::{SearchRequest, Sort};

/// Story hits per page.
const PER_PAGE: usize = 20;
/// Longest query read, in characters.
const MAX_QUERY_CHARS: usize = 500;

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
    sort: Option<String>,
    page: Option<usize>,
}

/// One story hit.
struct Hit {
    href: String,
    title_html: String,
    snippet_html: String,
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
}

fn url(q: &str, newest: bool, page: usize) -> String {
    let mut s = format!("/search?q={}", encode(q));
    if newest {
        s.push_str("&sort=newest");
    }
    if page > 1 {
        s.push_str(&format!("&page={page}"));
    }
    s
}

/// Percent-encodes a query-string value.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub(crate) async fn search(
    State(state): State<AppState>,
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
        let mut out = SearchPage {
            site_name: state.site_name.clone(),
            q: q.clone(),
            newest,
            best_href: url(&q, false, 1),
            newest_href: url(&q, true, 1),
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
        };
        let Some(engine) = state.search.as_ref() else {
            return Ok(out);
        };
        if q.is_empty() {
            return Ok(out);
        }
        let mut request = SearchRequest::new(&q, PER_PAGE + 1);
        request.offset = (page - 1) * PER_PAGE;
        request.facets = true;
        if newest {
            request.sort = Sort::Newest;
        }
        let results = engine
            .search(&request)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let now = now();
        out.total = results.total_articles;
        out.relaxed = results.relaxed;
        out.with_every_word = results.with_every_word;
        out.older = (results.hits.len() > PER_PAGE).then(|| url(&q, newest, page + 1));
        out.newer = (page > 1).then(|| url(&q, newest, page - 1));
        out.hits = results
            .hits
            .iter()
            .take(PER_PAGE)
            .map(|h| Hit {
                href: article_href(h.article.id, &h.article.title),
                title_html: h.article.title_html.clone(),
                snippet_html: h.article.snippet_html.clone(),
                source_name: h.article.source_name.clone(),
                age: Age::of(h.article.date, now),
                story_href: h.story_id.map(|s| format!("/story/{s}")),
                others: h
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
            })
            .collect();
        if let Some(facets) = results.facets {
            let refine = |prefix: &str, value: &str| {
                let term = if value.contains(' ') {
                    format!("{prefix}:\"{value}\"")
                } else {
                    format!("{prefix}:{value}")
                };
                url(&format!("{q} {term}"), newest, 1)
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
        assert_eq!(url("dam breach", false, 1), "/search?q=dam+breach");
        assert_eq!(
            url("\"a&b\" -c", true, 2),
            "/search?q=%22a%26b%22+-c&sort=newest&page=2"
        );
    }
}
