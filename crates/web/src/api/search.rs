//! `GET /api/v1/search?q=&sort=&page=&per_page=&facets=`: the search page as JSON — matches
//! grouped by story with highlighted titles and snippets, the total, facets and paging — and
//! the query's saved-search feeds. A saved search is its feed URL (`/search/feed.xml?q=…`, also
//! `.atom` and `.json`): nothing is stored on the server, and every answer lists the feed links
//! of its query, so a client saves a search by keeping one of them.

use super::page::{PageQuery, PageRequest};
use super::views::{FeedLinks, SourceRef};
use super::{ApiError, json};
use crate::age::rfc3339;
use crate::base_url::site_base;
use crate::pages::article_href;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tidings_search::query::{Ignored, civil_to_days, days_to_civil};
use tidings_search::{ArticleHit, FacetCount, Facets, SearchRequest, Sort, StoryHit};

/// Longest query read, in characters (as on the search page).
const MAX_QUERY_CHARS: usize = 500;

/// The raw query string: strings, so that a malformed value is a JSON 400.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    facets: Option<String>,
}

/// A search's answer.
#[derive(Debug, Serialize)]
struct SearchAnswer {
    /// The query as read.
    query: String,
    /// `relevance`, `newest` or `oldest`.
    sort: &'static str,
    page: i64,
    per_page: i64,
    has_more: bool,
    /// Matching articles (not stories).
    total_articles: u64,
    /// Whether `total_articles` is an estimate (large result sets on PostgreSQL).
    total_estimated: bool,
    /// Whether too few articles had every word, so articles with some of them follow.
    relaxed: bool,
    /// How many articles had every word (all of `total_articles` unless `relaxed`).
    with_every_word: u64,
    /// Parts of the query that were left out (a malformed date, a filter naming nothing, a
    /// word too long to be in any article).
    ignored: Vec<String>,
    /// Story hits.
    items: Vec<StoryHitView>,
    /// Counts over every match, unless `facets=false`.
    facets: Option<FacetsView>,
    /// The saved-search feeds of this query.
    feeds: FeedLinks,
}

/// One story in the results: its best-placed article, and the others that matched.
#[derive(Debug, Serialize)]
struct StoryHitView {
    story: Option<StoryRef>,
    article: HitView,
    others: Vec<HitView>,
}

/// A story, as a hit names it.
#[derive(Debug, Serialize)]
struct StoryRef {
    id: i64,
    url: String,
    api_url: String,
}

/// A matching article.
#[derive(Debug, Serialize)]
struct HitView {
    id: i64,
    title: String,
    /// The title as HTML, matches in `<b>`, everything else escaped.
    title_html: String,
    /// A passage around the matches as HTML (empty for the other articles of a story).
    snippet_html: String,
    url: String,
    api_url: String,
    original_url: String,
    source: SourceRef,
    language: Option<String>,
    published_at: String,
    score: f32,
}

impl HitView {
    fn of(base: &str, h: &ArticleHit) -> HitView {
        HitView {
            id: h.id.0,
            title: h.title.clone(),
            title_html: h.title_html.clone(),
            snippet_html: h.snippet_html.clone(),
            url: format!("{base}{}", article_href(h.id, &h.title)),
            api_url: format!("{base}/api/v1/articles/{}", h.id),
            original_url: h.url.clone(),
            source: SourceRef::new(base, h.source_id.0, &h.source_name),
            language: (!h.language.is_empty()).then(|| h.language.clone()),
            published_at: rfc3339(h.date),
            score: h.score,
        }
    }
}

impl StoryHitView {
    fn of(base: &str, h: &StoryHit) -> StoryHitView {
        StoryHitView {
            story: h.story_id.map(|s| StoryRef {
                id: s.0,
                url: format!("{base}/story/{s}"),
                api_url: format!("{base}/api/v1/stories/{s}"),
            }),
            article: HitView::of(base, &h.article),
            others: h.others.iter().map(|o| HitView::of(base, o)).collect(),
        }
    }
}

/// Facet values with their counts.
#[derive(Debug, Serialize)]
struct FacetsView {
    sources: Vec<FacetValue>,
    languages: Vec<FacetValue>,
    months: Vec<FacetValue>,
    days: Vec<FacetValue>,
}

/// One facet value, and the query that narrows the results to it.
#[derive(Debug, Serialize)]
struct FacetValue {
    value: String,
    count: u64,
    /// This search narrowed to the value (e.g. `… source:"Harbor Gazette"`).
    refine: String,
}

impl FacetsView {
    fn of(q: &str, f: &Facets) -> FacetsView {
        let values = |list: &[FacetCount], filter: &dyn Fn(&str) -> String| {
            list.iter()
                .map(|c| FacetValue {
                    value: c.value.clone(),
                    count: c.count,
                    refine: format!("{q} {}", filter(&c.value)).trim().to_string(),
                })
                .collect()
        };
        let month_end = |value: &str| next_month(value).unwrap_or_default();
        FacetsView {
            sources: values(&f.sources, &|v| {
                format!("source:\"{}\"", v.replace('"', ""))
            }),
            languages: values(&f.languages, &|v| format!("lang:{v}")),
            months: values(&f.months, &|v| format!("after:{v} before:{}", month_end(v))),
            days: values(&f.days, &|v| {
                format!("after:{v} before:{}", next_day(v).unwrap_or_default())
            }),
        }
    }
}

/// The month after `YYYY-MM`, as `YYYY-MM`.
fn next_month(value: &str) -> Option<String> {
    let (y, m) = value.split_once('-')?;
    let (y, m): (i64, u32) = (y.parse().ok()?, m.parse().ok()?);
    Some(if m >= 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    })
}

/// The day after `YYYY-MM-DD`, as `YYYY-MM-DD`.
fn next_day(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let (y, m, d) = days_to_civil(civil_to_days(y, m, d)? + 1);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Reads a sort order; absent means by relevance.
fn sort_of(raw: Option<&str>) -> Result<Sort, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(Sort::Relevance),
        Some(s) => Sort::parse(s).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "sort must be relevance, newest or oldest, not {s:?}"
            ))
        }),
    }
}

fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "relevance",
        Sort::Newest => "newest",
        Sort::Oldest => "oldest",
    }
}

/// Reads `facets`: absent means yes.
fn facets_of(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("true") | Some("1") | Some("yes") => Ok(true),
        Some("false") | Some("0") | Some("no") => Ok(false),
        Some(s) => Err(ApiError::BadRequest(format!(
            "facets must be true or false, not {s:?}"
        ))),
    }
}

/// Why a query that says nothing is refused (it would list every article): what it left out,
/// if anything.
fn nothing_to_search(ignored: &[Ignored]) -> String {
    let mut message = "q has nothing to search for: words, \"phrases\", -exclusions, OR, \
                       source:, lang:, after:, before:, entity:"
        .to_string();
    for (i, part) in ignored.iter().enumerate() {
        message.push_str(if i == 0 { " (left out: " } else { "; " });
        message.push_str(&format!("{}: {}", part.text, part.reason.explain()));
    }
    if !ignored.is_empty() {
        message.push(')');
    }
    message
}

/// `GET /api/v1/search`: a page of story hits for a query.
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let q: String = params
        .q
        .as_deref()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    if q.is_empty() {
        return Err(ApiError::BadRequest(
            "q is required: words, \"phrases\", -exclusions, OR, source:, lang:, after:, \
             before:, entity:"
                .to_string(),
        ));
    }
    let sort = sort_of(params.sort.as_deref())?;
    let facets = facets_of(params.facets.as_deref())?;
    let paging = PageRequest::from_query(&PageQuery::new(params.page, params.per_page))?;
    let per_page = paging.per_page as usize;
    // One story more than the page: whether there is a next page.
    let mut request = SearchRequest::new(&q, per_page + 1);
    if request.query.is_empty() {
        return Err(ApiError::BadRequest(nothing_to_search(
            &request.query.ignored,
        )));
    }
    let engine = state
        .search
        .as_ref()
        .ok_or_else(|| ApiError::Unavailable("search is not enabled on this server".into()))?;
    request.offset = paging.offset() as usize;
    request.sort = sort;
    request.facets = facets;
    let results = engine
        .search(&request)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let base = site_base(state.base_url.as_deref(), &headers);
    let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let feeds = FeedLinks::in_dir(&format!("{base}/search/"));
    let feeds = FeedLinks {
        rss: format!("{}?q={encoded}", feeds.rss),
        atom: format!("{}?q={encoded}", feeds.atom),
        json: format!("{}?q={encoded}", feeds.json),
    };
    let answer = SearchAnswer {
        sort: sort_name(sort),
        page: paging.page,
        per_page: paging.per_page,
        has_more: results.hits.len() > per_page,
        total_articles: results.total_articles,
        total_estimated: results.total_estimated,
        relaxed: results.relaxed,
        with_every_word: results.with_every_word,
        ignored: results.ignored.iter().map(|i| i.text.clone()).collect(),
        items: results
            .hits
            .iter()
            .take(per_page)
            .map(|h| StoryHitView::of(&base, h))
            .collect(),
        facets: results.facets.as_ref().map(|f| FacetsView::of(&q, f)),
        feeds,
        query: q,
    };
    json(&headers, &answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sort_and_facets_and_rejects_the_rest() {
        assert_eq!(sort_of(None).expect("ok"), Sort::Relevance);
        assert_eq!(sort_of(Some("newest")).expect("ok"), Sort::Newest);
        assert_eq!(sort_of(Some("oldest")).expect("ok"), Sort::Oldest);
        assert!(matches!(
            sort_of(Some("upside")),
            Err(ApiError::BadRequest(_))
        ));
        assert!(facets_of(None).expect("ok"));
        assert!(!facets_of(Some("false")).expect("ok"));
        assert!(matches!(
            facets_of(Some("maybe")),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn facet_values_refine_the_query() {
        let f = Facets {
            sources: vec![FacetCount {
                value: "Harbor Gazette".into(),
                count: 3,
            }],
            languages: vec![FacetCount {
                value: "de".into(),
                count: 2,
            }],
            months: vec![FacetCount {
                value: "2025-12".into(),
                count: 1,
            }],
            days: vec![FacetCount {
                value: "2025-12-03".into(),
                count: 1,
            }],
        };
        let v = FacetsView::of("flood", &f);
        assert_eq!(v.sources[0].refine, "flood source:\"Harbor Gazette\"");
        assert_eq!(v.languages[0].refine, "flood lang:de");
        assert_eq!(v.months[0].refine, "flood after:2025-12 before:2026-01");
        assert_eq!(v.days[0].refine, "flood after:2025-12-03 before:2025-12-04");
        assert_eq!(next_day("2025-12-31").as_deref(), Some("2026-01-01"));
        assert_eq!(next_day("2024-02-28").as_deref(), Some("2024-02-29"));
    }
}
