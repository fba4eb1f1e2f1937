//! The page handlers and the view models their templates render.

use crate::age::{exact_time, relative_age, rfc3339};
use crate::base_url::site_base;
use crate::comment_counts::{Commented, count_comments};
use crate::display::{self, DisplayPolicy};
use crate::insight::{AiPanel, PanelFor, panel};
use crate::metadata::{self, PageMeta};
use crate::model_answers::ModelAccess;
use crate::people::client_ip::ClientIp;
use crate::people::session::Viewer;
use crate::reading::hiding;
use crate::slug::slugify;
use crate::state::AppState;
use crate::stories::related_cards;
use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};
use tidings_model::{ArticleId, CommentTarget, Source, SourceId, UnixSeconds};
use tidings_store::{ArticleListing, PushState, PushSubscription, Store, StoreError};
use tidings_stories::section::Section;

/// Articles in a source page's list.
const PAGE_SIZE: i64 = 40;

pub(crate) fn now() -> UnixSeconds {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A time as the templates show it.
pub(crate) struct Age {
    pub(crate) relative: String,
    pub(crate) datetime: String,
    pub(crate) exact: String,
}

impl Age {
    pub(crate) fn of(t: UnixSeconds, now: UnixSeconds) -> Age {
        Age {
            relative: relative_age(t, now),
            datetime: rfc3339(t),
            exact: exact_time(t),
        }
    }
}

/// An article in a list.
pub(crate) struct Card {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) source_name: String,
    pub(crate) source_href: String,
    pub(crate) age: Age,
    pub(crate) excerpt: String,
    /// The language of its headline and excerpt (BCP 47), or empty when unknown: the
    /// templates put it in `lang` on those two, since the page around them is English.
    pub(crate) language: String,
    /// The article, whose page the comments are on.
    pub(crate) article: ArticleId,
    /// Comments everyone can see on its page (0 unless counted, see [`count_comments`]).
    pub(crate) comments: i64,
    /// The other outlets that published its text, in a list that folds copies (see
    /// [`crate::feed_copies`]); empty elsewhere.
    pub(crate) also_published_by: Vec<String>,
    /// The article at its outlet (the `v` key opens it).
    pub(crate) original_url: String,
}

impl Commented for Card {
    fn comment_target(&self) -> CommentTarget {
        CommentTarget::Article(self.article)
    }

    fn set_comments(&mut self, count: i64) {
        self.comments = count;
    }
}

impl Card {
    pub(crate) fn of(listing: &ArticleListing, now: UnixSeconds) -> Card {
        let a = &listing.article;
        Card {
            href: article_href(a.id, &a.content.title),
            original_url: a.content.url.clone(),
            title: a.content.title.clone(),
            source_name: listing.source_name.clone(),
            source_href: format!("/source/{}", a.source_id),
            age: Age::of(a.content.shown_time(), now),
            excerpt: excerpt(
                a.content
                    .standfirst
                    .as_deref()
                    .unwrap_or(&a.content.body_text),
                220,
            ),
            language: a.content.language.clone().unwrap_or_default(),
            article: a.id,
            comments: 0,
            also_published_by: Vec::new(),
        }
    }
}

/// The cards of one page of a list (its first `limit` listings; a list is read one longer to
/// know whether another page follows), with their comment counts.
pub(crate) async fn page_of_cards(
    store: &Store,
    listings: &[ArticleListing],
    limit: i64,
    now: UnixSeconds,
) -> Result<Vec<Card>, StoreError> {
    let mut cards: Vec<Card> = listings
        .iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|l| Card::of(l, now))
        .collect();
    count_comments(store, &mut cards).await?;
    Ok(cards)
}

pub(crate) fn article_href(id: ArticleId, title: &str) -> String {
    format!("/article/{id}/{}", slugify(title))
}

/// The first paragraph of `text`, cut at a word to at most `max` characters.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let first = text.split("\n\n").next().unwrap_or_default().trim();
    if first.chars().count() <= max {
        return first.to_string();
    }
    let cut: String = first.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

/// What went wrong serving a page.
pub(crate) enum PageError {
    NotFound,
    Internal(String),
}

impl From<tidings_store::StoreError> for PageError {
    fn from(err: tidings_store::StoreError) -> Self {
        PageError::Internal(err.to_string())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    site_name: String,
    heading: String,
    message: String,
}

impl PageError {
    pub(crate) fn render(self, site_name: &str) -> Response {
        let (status, heading, message) = match self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing at this address. It may have been removed.".to_string(),
            ),
            PageError::Internal(err) => {
                tracing::error!(%err, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The page could not be built. Please try again in a moment.".to_string(),
                )
            }
        };
        let page = ErrorPage {
            site_name: site_name.to_string(),
            heading: heading.to_string(),
            message,
        };
        (status, page).into_response()
    }
}

/// Whether a URL from outside may become a link: http(s) only, never `javascript:` and kin.
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The page, or the error page for what went wrong.
pub(crate) fn respond(result: Result<impl IntoResponse, PageError>, site_name: &str) -> Response {
    match result {
        Ok(page) => page.into_response(),
        Err(err) => err.render(site_name),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "article.html")]
struct ArticlePage {
    site_name: String,
    title: String,
    standfirst: Option<String>,
    byline: Option<String>,
    credit: Option<String>,
    source_name: String,
    source_href: String,
    age: Age,
    updated: Option<Age>,
    image_url: Option<String>,
    body_html: String,
    /// Whether the body is an excerpt (the display policy), so the page says so.
    excerpt_only: bool,
    section: Option<(String, &'static str)>,
    topics: Vec<(String, String)>,
    original_url: String,
    language: String,
    canonical_path: String,
    story: Option<(String, i64)>,
    ai: Option<AiPanel>,
    meta: PageMeta,
    related: Vec<Card>,
    more_from_source: Vec<Card>,
    comments: crate::people::CommentSection,
}

pub(crate) async fn article_without_slug(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(id): Path<i64>,
    ip: ClientIp,
    method: Method,
    headers: HeaderMap,
) -> Response {
    article(
        State(state),
        viewer,
        Path((id, String::new())),
        Query(ArticleQuery {
            q: None,
            comments: None,
            comment_page: None,
            kept: None,
        }),
        ip,
        method,
        headers,
    )
    .await
}

#[derive(Deserialize)]
pub(crate) struct ArticleQuery {
    q: Option<String>,
    comments: Option<String>,
    comment_page: Option<usize>,
    /// `unread` when the reader has just marked the article unread here (see
    /// [`crate::reading::opened`]).
    kept: Option<String>,
}

/// `/article/{id}/{slug}`: an article's page. For a reader who hid things, its related list
/// leaves out what they hid ([`related_cards`]); the rest is everyone's. A signed-in reader
/// who opens it has read it ([`crate::reading::opened`]).
pub(crate) async fn article(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path((id, slug)): Path<(i64, String)>,
    Query(query): Query<ArticleQuery>,
    ip: ClientIp,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PageError> = async {
        let listing = state
            .store
            .articles()
            .get(ArticleId(id))
            .await?
            .ok_or(PageError::NotFound)?;
        let a = &listing.article;
        let canonical_path = article_href(a.id, &a.content.title);
        if slug != slugify(&a.content.title) {
            return Ok(Redirect::permanent(&canonical_path).into_response());
        }
        crate::reading::opened::mark_opened(
            &state,
            viewer.as_deref(),
            &method,
            &headers,
            query.kept.as_deref() == Some(crate::reading::opened::KEPT_UNREAD.1),
            a.id,
        )
        .await;
        let now = now();
        let mut more_from_source: Vec<Card> = state
            .store
            .articles()
            .by_source(a.source_id, 6)
            .await?
            .iter()
            .filter(|l| l.article.id != a.id)
            .take(5)
            .map(|l| Card::of(l, now))
            .collect();
        let published = a.content.shown_time();
        let updated = a
            .content
            .updated_at
            .filter(|u| *u > published + 60)
            .map(|u| Age::of(u, now));
        let story = match a.story_id {
            Some(id) => state.store.stories().get(id).await?,
            None => None,
        };
        // The story's articles, read once for the related list and the AI panel.
        let members = match &story {
            Some(s) => state.store.stories().articles(s.id).await?,
            None => Vec::new(),
        };
        let hiding = hiding::of_viewer(&state, viewer.as_deref()).await?;
        let mut related =
            related_cards(&state.store, &listing, &members, now, hiding.as_ref()).await?;
        count_comments(
            &state.store,
            related.iter_mut().chain(more_from_source.iter_mut()),
        )
        .await?;
        let ai = match &story {
            Some(s) => {
                panel(
                    &state.store,
                    ModelAccess::of(&state, ip.0),
                    s.id,
                    &members,
                    query.q.as_deref(),
                    PanelFor::Article(a.id),
                )
                .await?
            }
            None => None,
        };
        let story = story
            .filter(|s| s.source_count > 1)
            .map(|s| (format!("/story/{}", s.id), s.source_count));
        let c = &a.content;
        let policy = state.display.for_source(listing.source_display.as_deref());
        let body_html = match policy {
            DisplayPolicy::Full => c.body_html.clone(),
            DisplayPolicy::Excerpt => display::excerpt(&c.body_text).0,
        };
        let section = listing
            .section
            .as_deref()
            .and_then(Section::from_slug)
            .map(|s| (format!("/section/{}", s.slug()), s.name()));
        let topics = state
            .store
            .articles()
            .topics_of(a.id)
            .await?
            .into_iter()
            .map(|(slug, name)| (format!("/topic/{slug}"), name))
            .collect();
        let meta = metadata::article(
            &listing,
            format!(
                "{}{canonical_path}",
                site_base(state.base_url.as_deref(), &headers)
            ),
            excerpt(c.standfirst.as_deref().unwrap_or(&c.body_text), 200),
            &state.site_name,
        );
        let comments = crate::people::section(
            &state,
            tidings_model::CommentTarget::Article(a.id),
            &canonical_path,
            &headers,
            query.comments.as_deref(),
            query.comment_page,
        )
        .await?;
        let page = ArticlePage {
            comments,
            site_name: state.site_name.clone(),
            title: c.title.clone(),
            standfirst: c.standfirst.clone(),
            byline: c.byline.clone(),
            credit: c.credit.clone(),
            source_name: listing.source_name.clone(),
            source_href: format!("/source/{}", a.source_id),
            age: Age::of(published, now),
            updated,
            image_url: c.image_url.clone().filter(|u| is_web_url(u)),
            body_html,
            excerpt_only: policy == DisplayPolicy::Excerpt,
            section,
            topics,
            original_url: c.url.clone(),
            language: c.language.clone().unwrap_or_default(),
            canonical_path,
            story,
            ai,
            meta,
            related,
            more_from_source,
        };
        Ok(hiding::answer(hiding.as_ref(), page))
    }
    .await;
    respond(result, &state.site_name)
}

/// A source as the source pages show it.
pub(crate) struct SourceView {
    pub(crate) id: i64,
    pub(crate) href: String,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) site_url: Option<String>,
    pub(crate) category: String,
    pub(crate) status: &'static str,
    /// Since when an administrator paused it, if paused (not fetched meanwhile).
    pub(crate) paused_since: Option<Age>,
    pub(crate) last_fetch: Option<Age>,
    pub(crate) last_success: Option<Age>,
    pub(crate) last_error: Option<String>,
    pub(crate) error_count: i64,
    /// The entries its last fetch left out for having no link, in words, if any.
    pub(crate) skipped_no_link: Option<String>,
    pub(crate) next_fetch: Age,
    /// How WebSub pushes stand (`active until …`, `pending`, `failed: …`), when the source
    /// has a subscription.
    pub(crate) push: Option<String>,
    /// The address of its icon, when it has one (`/source/{id}/icon?v=…`: the version
    /// changes with the icon, which browsers keep a day).
    pub(crate) icon: Option<String>,
}

impl SourceView {
    pub(crate) fn of(source: &Source, now: UnixSeconds) -> SourceView {
        SourceView {
            id: source.id.0,
            href: format!("/source/{}", source.id),
            name: source.display_name().to_string(),
            url: source.public_url(),
            site_url: source.site_url.clone().filter(|u| is_web_url(u)),
            category: source.category.clone().unwrap_or_default(),
            status: source.status(),
            paused_since: source.paused_at.map(|t| Age::of(t, now)),
            last_fetch: source.fetch.last_fetch_at.map(|t| Age::of(t, now)),
            last_success: source.fetch.last_success_at.map(|t| Age::of(t, now)),
            last_error: source.fetch.last_error.clone(),
            error_count: source.fetch.error_count,
            skipped_no_link: source.fetch.skipped_no_link_note(),
            next_fetch: Age::of(source.next_fetch_at, now),
            push: None,
            icon: None,
        }
    }

    /// The view with its icon, when `hash` (the stored icon's) says it has one.
    pub(crate) fn with_icon(mut self, hash: Option<&str>) -> Self {
        self.icon = hash.map(|hash| {
            let version: String = hash.chars().take(12).collect();
            format!("{}/icon?v={version}", self.href)
        });
        self
    }

    /// The view with its WebSub subscription's standing, if it has one.
    pub(crate) fn with_push(mut self, sub: Option<&PushSubscription>, now: UnixSeconds) -> Self {
        self.push = sub.map(|sub| push_standing(sub, now));
        self
    }
}

/// How a subscription stands, in words.
pub(crate) fn push_standing(sub: &PushSubscription, now: UnixSeconds) -> String {
    match (sub.state, sub.lease_expires_at) {
        (PushState::Active, Some(until)) if until > now => match &sub.last_error {
            Some(e) => format!("active until {}; renewing failed: {e}", exact_time(until)),
            None => format!("active until {}", exact_time(until)),
        },
        (PushState::Active, Some(until)) => {
            format!("lease ended {}; renewing", exact_time(until))
        }
        (PushState::Active, None) => "active".to_string(),
        (PushState::Pending, _) => match &sub.last_error {
            Some(e) => format!("pending: {e}"),
            None => "pending: waiting for the hub to verify".to_string(),
        },
        (PushState::Failed, _) => format!(
            "failed: {}",
            sub.last_error.as_deref().unwrap_or("no reason given")
        ),
        (PushState::Unsubscribed, _) => "unsubscribed".to_string(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "source.html")]
struct SourcePage {
    site_name: String,
    source: SourceView,
    article_count: i64,
    cards: Vec<Card>,
    newer: Option<String>,
    older: Option<String>,
    /// Fetch now, display policy, remove: for admins only (the page is never cached).
    admin: Option<crate::admin::sources::SourceControls>,
}

/// `?page=N` on a paged list.
#[derive(Deserialize)]
pub(crate) struct PageQuery {
    page: Option<i64>,
}

impl PageQuery {
    /// The page asked for, from 1.
    pub(crate) fn number(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, 10_000)
    }
}

/// The links to the pages around `page` of the list at `path`, when they exist.
pub(crate) fn pager_links(
    path: &str,
    page: i64,
    has_more: bool,
) -> (Option<String>, Option<String>) {
    let newer = match page {
        1 => None,
        2 => Some(path.to_string()),
        _ => Some(format!("{path}?page={}", page - 1)),
    };
    (newer, has_more.then(|| format!("{path}?page={}", page + 1)))
}

pub(crate) async fn source(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PageError> = async {
        let source = state
            .store
            .sources()
            .get_public(SourceId(id))
            .await?
            .ok_or(PageError::NotFound)?;
        let admin = crate::admin::admin_viewer(&state, &headers)
            .await?
            .map(|viewer| crate::admin::sources::SourceControls::of(&state, &source, &viewer.csrf));
        source_page(&state, source, query.number(), admin).await
    }
    .await;
    respond(result, &state.site_name)
}

/// Page `page` of `/source/{id}`, with the admin's controls when given (an admin's request;
/// the edit form may carry what was wrong with an edit).
pub(crate) async fn source_page(
    state: &AppState,
    source: Source,
    page: i64,
    admin: Option<crate::admin::sources::SourceControls>,
) -> Result<Response, PageError> {
    let now = now();
    let listings = state
        .store
        .articles()
        .by_source_from(source.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
        .await?;
    let (newer, older) = pager_links(
        &format!("/source/{}", source.id),
        page,
        listings.len() as i64 > PAGE_SIZE,
    );
    let cards = page_of_cards(&state.store, &listings, PAGE_SIZE, now).await?;
    Ok(SourcePage {
        newer,
        older,
        site_name: state.site_name.clone(),
        article_count: state.store.articles().count_by_source(source.id).await?,
        source: SourceView::of(&source, now)
            .with_push(state.store.websub().get(source.id).await?.as_ref(), now)
            .with_icon(
                state
                    .store
                    .source_icons()
                    .mark(source.id)
                    .await?
                    .as_ref()
                    .map(|mark| mark.hash.as_str()),
            ),
        cards,
        admin,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "sources.html")]
struct SourcesPage {
    site_name: String,
    sources: Vec<SourceView>,
    failing: usize,
    /// The "Add a feed" form: for admins only (the page is never cached).
    add_feed: Option<crate::admin::sources::AddFeed>,
    /// The admin's token for the checkboxes' form (pause, resume, refresh, remove the
    /// checked sources): for admins only.
    bulk_csrf: Option<String>,
}

/// `/sources` with the "Add a feed" form when `add_feed` is given (an admin's request).
pub(crate) async fn sources_page(
    state: &AppState,
    mut add_feed: Option<crate::admin::sources::AddFeed>,
) -> Result<Response, PageError> {
    let now = now();
    if let Some(form) = add_feed.as_mut() {
        form.awaiting = crate::admin::source_review::awaiting(state, now).await?;
    }
    let subscriptions = state.store.websub().by_source().await?;
    let icons: std::collections::HashMap<SourceId, String> = state
        .store
        .source_icons()
        .marks()
        .await?
        .into_iter()
        .map(|mark| (mark.source_id, mark.hash))
        .collect();
    let sources: Vec<SourceView> = state
        .store
        .sources()
        .list()
        .await?
        .iter()
        .map(|s| {
            SourceView::of(s, now)
                .with_push(subscriptions.get(&s.id), now)
                .with_icon(icons.get(&s.id).map(String::as_str))
        })
        .collect();
    Ok(SourcesPage {
        site_name: state.site_name.clone(),
        failing: sources.iter().filter(|s| s.status == "error").count(),
        sources,
        bulk_csrf: add_feed.as_ref().map(|form| form.csrf.clone()),
        add_feed,
    }
    .into_response())
}

pub(crate) async fn sources(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result: Result<Response, PageError> = async {
        let add_feed = crate::admin::admin_viewer(&state, &headers)
            .await?
            .map(|viewer| crate::admin::sources::AddFeed::empty(&viewer.csrf));
        sources_page(&state, add_feed).await
    }
    .await;
    respond(result, &state.site_name)
}

pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    // The pool keeps trying to connect while the database restarts: answer within a few
    // seconds all the same, so a load balancer or a probe sees the outage at once.
    const WAIT: std::time::Duration = std::time::Duration::from_secs(2);
    let unavailable = |why: String| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            format!("database unavailable: {why}; reconnecting\n"),
        )
            .into_response()
    };
    match tokio::time::timeout(WAIT, state.store.ping()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            "ok\n",
        )
            .into_response(),
        Ok(Err(err)) => unavailable(err.to_string()),
        Err(_) => unavailable(format!("no answer within {} s", WAIT.as_secs())),
    }
}

/// The site's fallback: a path with a trailing slash goes to the path without it (see
/// [`crate::trailing_slash`]), anything else is the "not found" page.
pub(crate) async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    if let Some(redirect) = crate::trailing_slash::redirect(&uri) {
        return redirect;
    }
    PageError::NotFound.render(&state.site_name)
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn only_web_urls_become_links() {
        assert!(super::is_web_url("https://dw.com/"));
        assert!(!super::is_web_url("javascript:alert(1)"));
        assert!(!super::is_web_url(" JaVaScRiPt:alert(1)"));
        assert!(!super::is_web_url("data:text/html,<script>"));
    }

    #[test]
    fn pager_links_point_at_the_neighbouring_pages() {
        use super::pager_links;
        assert_eq!(pager_links("/source/3", 1, false), (None, None));
        assert_eq!(
            pager_links("/source/3", 1, true),
            (None, Some("/source/3?page=2".to_string()))
        );
        assert_eq!(
            pager_links("/story/9", 2, true),
            (
                Some("/story/9".to_string()),
                Some("/story/9?page=3".to_string())
            )
        );
        assert_eq!(
            pager_links("/entity/x", 5, false),
            (Some("/entity/x?page=4".to_string()), None)
        );
    }

    #[test]
    fn excerpts_take_the_first_paragraph_cut_at_a_word() {
        assert_eq!(excerpt("One two.\n\nThree.", 50), "One two.");
        assert_eq!(excerpt("alpha beta gamma delta", 12), "alpha beta…");
    }
}
