//! `GET /api/v1/stories` (ranked like the front page, cut by section, topic or language as
//! the pages are) and `GET /api/v1/stories/{id}` (full
//! coverage by outlet, copies marked, the computed insight when there is one, and the same
//! event's stories in other languages).

use super::filter::{ListQuery, Positions};
use super::page::Paged;
use super::views::{
    ArticleView, CitedSentence, EntityView, InsightView, KeyPointView, OtherLanguageView,
    OutletCoverage, SourceRef, StoryDetail, StoryView, TimelineView,
};
use super::{ApiError, json, parse_id};
use crate::age::rfc3339;
use crate::base_url::site_base;
use crate::pages::now;
use crate::state::AppState;
use crate::stories::{other_languages, outlet_names, ranked_stories, short_summary};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;
use tidings_insight::{Citation, DatePrecision, StoryInsight};
use tidings_model::{SourceId, StoryId};
use tidings_store::{ArticleListing, Store};

/// `GET /api/v1/stories`: a page of the ranked stories.
pub(crate) async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ListQuery {
        page: request,
        filter,
        ..
    } = ListQuery::parse(query.as_deref(), Positions::None)?;
    let base = site_base(state.base_url.as_deref(), &headers);
    let store = &state.store;
    let ranked = ranked_stories(store, &filter, now()).await?;
    let page: Vec<_> = ranked
        .into_iter()
        .skip(request.offset() as usize)
        .take(request.per_page as usize + 1)
        .collect();
    let names = outlet_names(store, page.iter().flat_map(|r| r.outlets.iter())).await?;
    let mut items = Vec::new();
    for r in page {
        let outlets = r
            .outlets
            .iter()
            .map(|id| SourceRef::new(&base, id.0, names.get(&id.0).map_or("", String::as_str)))
            .collect();
        let summary = short_summary(store, r.story.id).await?;
        items.push(StoryView::of(&base, &r.story, outlets, summary));
    }
    json(&headers, &Paged::from_overfetch(request, items))
}

/// `GET /api/v1/stories/{id}`: one story with its coverage and insight.
pub(crate) async fn one(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw, "story")?;
    let not_found = || ApiError::NotFound(format!("no story with id {id}"));
    let base = site_base(state.base_url.as_deref(), &headers);
    let store = &state.store;
    let story = store
        .stories()
        .get(StoryId(id))
        .await?
        .filter(|s| s.article_count > 0)
        .ok_or_else(not_found)?;
    let members = store.stories().articles(story.id).await?;
    let coverage = coverage(&base, &members);
    let outlets = coverage
        .iter()
        .map(|c| SourceRef::new(&base, c.source.id, &c.source.name))
        .collect();
    let summary = short_summary(store, story.id).await?;
    let detail = StoryDetail {
        story: StoryView::of(&base, &story, outlets, summary),
        coverage,
        insight: insight(store, &base, story.id).await?,
        other_languages: other_languages(store, story.id, None)
            .await?
            .into_iter()
            .map(|o| OtherLanguageView::of(&base, o))
            .collect(),
    };
    json(&headers, &detail)
}

/// The story's articles grouped by outlet, outlets in the order they first reported.
fn coverage(base: &str, members: &[ArticleListing]) -> Vec<OutletCoverage> {
    let mut groups: Vec<OutletCoverage> = Vec::new();
    let mut index: HashMap<SourceId, usize> = HashMap::new();
    for m in members {
        let source = m.article.source_id;
        let slot = *index.entry(source).or_insert_with(|| {
            groups.push(OutletCoverage {
                source: SourceRef::new(base, source.0, &m.source_name),
                articles: Vec::new(),
            });
            groups.len() - 1
        });
        groups[slot].articles.push(ArticleView::of(base, m));
    }
    groups
}

fn cited_article(c: &Citation) -> Option<i64> {
    c.article_id.parse().ok()
}

fn precision_name(p: DatePrecision) -> &'static str {
    match p {
        DatePrecision::Exact => "exact",
        DatePrecision::Day => "day",
        DatePrecision::Week => "week",
        DatePrecision::Month => "month",
        DatePrecision::Year => "year",
    }
}

/// The stored insight of a story, if it has been understood.
async fn insight(
    store: &Store,
    base: &str,
    story: StoryId,
) -> Result<Option<InsightView>, ApiError> {
    let Some(stored) = store.insights().get(story).await? else {
        return Ok(None);
    };
    let parsed: StoryInsight = serde_json::from_str(&stored.json)
        .map_err(|e| ApiError::Internal(format!("story {story}'s insight: {e}")))?;
    let entities = store
        .insights()
        .entities_of(story)
        .await?
        .into_iter()
        .map(|e| EntityView {
            url: format!("{base}/entity/{}", e.slug),
            slug: e.slug,
            name: e.name,
            kind: e.kind,
            mentions: e.mentions,
        })
        .collect();
    Ok(Some(InsightView {
        computed_at: rfc3339(stored.computed_at),
        summary: parsed
            .summary
            .long
            .iter()
            .map(|s| CitedSentence {
                text: s.text.clone(),
                article_id: cited_article(&s.citation),
            })
            .collect(),
        key_points: parsed
            .key_points_beside(true)
            .into_iter()
            .map(|k| KeyPointView {
                text: k.text.clone(),
                article_id: cited_article(&k.citation),
                support: k.support,
            })
            .collect(),
        entities,
        timeline: parsed
            .timeline
            .iter()
            .map(|e| TimelineView {
                time: rfc3339(e.time),
                precision: precision_name(e.precision),
                text: e.text.clone(),
                article_id: cited_article(&e.citation),
            })
            .collect(),
    }))
}
