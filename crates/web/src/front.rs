//! The front page and the pages cut from it: one section's (`/section/sport`), one topic's
//! (`/topic/ukraine-war`), each in every language or one (`?lang=de`). Each lists the top
//! stories of its scope by the Stories score, then its latest articles, with pages; each has
//! its RSS, Atom and JSON feeds.
//!
//! A signed-in reader who hid things (see [`crate::reading::hiding`]) gets these pages
//! without them: hidden stories leave the top stories, and the latest list leaves out hidden
//! outlets' articles, articles tagged with a hidden topic or in a story that names a hidden
//! entity (in the statement), and headlines with a hidden word (matched here, reading further
//! headlines to fill the page: at most [`MAX_HEADLINES_READ`] per page).

use crate::feed_copies::{Copies, FeedArticle, Within, fold_copies, without_earlier_pages};
use crate::feed_routes::{FEED_ITEMS, FeedMeta, feed_title, format_of, listing_feed};
use crate::pages::{Card, PageError, now, page_of_cards, respond};
use crate::people::session::Viewer;
use crate::reader_languages::ReaderLanguages;
use crate::reading::hiding::{self, Hiding};
use crate::state::AppState;
use crate::stories::{StoryCard, top_stories};
use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::Response;
use serde::Deserialize;
use tidings_model::ArticleId;
use tidings_store::{ArticleListing, ListFilter};
use tidings_stories::section::Section;

/// Articles in the latest list of one page.
const PAGE_SIZE: i64 = 40;
/// How far back the language choice and the topic list look.
const RECENT_SECS: i64 = 7 * 24 * 3600;
/// Topics offered on the front page.
const TOPICS_SHOWN: i64 = 12;
/// The most headlines one page of a latest list reads for a reader who hides words, from
/// the top of the list: a page deeper than this list reaches is cut short there.
const MAX_HEADLINES_READ: i64 = 10_000;

/// Which articles and stories a page shows.
#[derive(Debug, Clone, Default)]
struct Scope {
    section: Option<Section>,
    /// The topic's slug and name.
    topic: Option<(String, String)>,
    /// A language code, as the stories and articles store it.
    language: Option<String>,
}

impl Scope {
    fn filter(&self) -> ListFilter {
        ListFilter {
            section: self.section.map(|s| s.slug().to_string()),
            language: self.language.clone(),
            topic: self.topic.as_ref().map(|(slug, _)| slug.clone()),
        }
    }

    /// The page's path without its query: `/`, `/section/sport/`… (no trailing slash).
    fn path(&self) -> String {
        match (&self.section, &self.topic) {
            (Some(s), _) => format!("/section/{}", s.slug()),
            (None, Some((slug, _))) => format!("/topic/{slug}"),
            (None, None) => "/".to_string(),
        }
    }

    /// The directory the scope's feeds live in, ending in `/`.
    fn feed_dir(&self) -> String {
        let path = self.path();
        if path == "/" {
            path
        } else {
            format!("{path}/")
        }
    }

    /// The link to page `page` of this scope in `language` (or every language).
    fn href(&self, page: i64, language: Option<&str>) -> String {
        let mut query = Vec::new();
        if let Some(lang) = language {
            query.push(format!("lang={}", encode(lang)));
        }
        if page > 1 {
            query.push(format!("page={page}"));
        }
        if query.is_empty() {
            self.path()
        } else {
            format!("{}?{}", self.path(), query.join("&"))
        }
    }

    /// The page's heading: "Sport", "Topic: Energy", or `None` on the front page.
    fn heading(&self) -> Option<String> {
        match (&self.section, &self.topic) {
            (Some(s), _) => Some(s.name().to_string()),
            (None, Some((_, name))) => Some(name.clone()),
            (None, None) => None,
        }
    }
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A link in a list of choices, marked when it is the page's own.
pub(crate) struct Choice {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) current: bool,
}

/// A language's own name for itself (`Deutsch` for `de`), for the language choice and the
/// story page's other languages; the code itself for a language not listed.
pub(crate) fn language_name(code: &str) -> String {
    let name = match code {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "pt" => "Português",
        "nl" => "Nederlands",
        "pl" => "Polski",
        "sv" => "Svenska",
        "da" => "Dansk",
        "no" | "nb" => "Norsk",
        "fi" => "Suomi",
        "cs" => "Čeština",
        "tr" => "Türkçe",
        "ru" => "Русский",
        "uk" => "Українська",
        "el" => "Ελληνικά",
        "ar" => "العربية",
        "he" => "עברית",
        "fa" => "فارسی",
        "hi" => "हिन्दी",
        "zh" => "中文",
        "ja" => "日本語",
        "ko" => "한국어",
        other => other,
    };
    name.to_string()
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    page: Option<i64>,
    lang: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "front.html")]
struct FrontPage {
    site_name: String,
    heading: Option<String>,
    is_topic: bool,
    feed_dir: String,
    top: Vec<StoryCard>,
    cards: Vec<Card>,
    page: i64,
    older: Option<String>,
    newer: Option<String>,
    /// The list's first page, in the language chosen: where a page past the end leads back.
    first_page: String,
    /// The language chosen (code, name), when the list is cut to one.
    language: Option<(String, String)>,
    /// The list's first page in every language.
    all_languages: String,
    sources: i64,
    sections: Vec<Choice>,
    languages: Vec<Choice>,
    topics: Vec<Choice>,
}

/// `/`: the whole site.
pub(crate) async fn front_page(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    languages: ReaderLanguages,
    Query(query): Query<ListQuery>,
) -> Response {
    let result = list_page(
        &state,
        viewer.as_deref(),
        &languages,
        Scope::default(),
        query,
    )
    .await;
    varies_by_language(respond(result, &state.site_name))
}

/// `/section/{slug}`: one section.
pub(crate) async fn section_page(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    languages: ReaderLanguages,
    Path(slug): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let result = async {
        let section = Section::from_slug(&slug).ok_or(PageError::NotFound)?;
        let scope = Scope {
            section: Some(section),
            ..Scope::default()
        };
        list_page(&state, viewer.as_deref(), &languages, scope, query).await
    }
    .await;
    varies_by_language(respond(result, &state.site_name))
}

/// `/topic/{slug}`: the articles feeds tagged with one topic.
pub(crate) async fn topic_page(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    languages: ReaderLanguages,
    Path(slug): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let result = async {
        let scope = topic_scope(&state, slug).await?;
        list_page(&state, viewer.as_deref(), &languages, scope, query).await
    }
    .await;
    varies_by_language(respond(result, &state.site_name))
}

/// Whether the page at `path` may be made for the reader's language: one of the list pages
/// whose cards lead in it (`/`, `/section/{slug}`, `/topic/{slug}`), or an entity's page
/// (`/entity/{slug}`, named in it when it has several names); so the page cache keeps one
/// rendering per language list for it (unless the rendering says no `Vary: Accept-Language`:
/// then one for all, see [`crate::page_cache`]) and one for all readers of every other page.
pub(crate) fn varies_by_reader_language(path: &str) -> bool {
    let one_segment = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
    };
    path == "/" || one_segment("/section/") || one_segment("/topic/") || one_segment("/entity/")
}

/// Marks a page as made for the reader's `Accept-Language` (a list's cards lead in the
/// reader's language, an entity is named in it), so that shared caches keep one copy per
/// language list, as the page cache does.
pub(crate) fn varies_by_language(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

async fn topic_scope(state: &AppState, slug: String) -> Result<Scope, PageError> {
    let name = state
        .store
        .articles()
        .topic_name(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(Scope {
        topic: Some((slug, name)),
        ..Scope::default()
    })
}

/// The language a query asks for, when it names one the site has (a short code of letters).
fn chosen_language(lang: Option<String>) -> Option<String> {
    lang.map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()))
}

async fn list_page(
    state: &AppState,
    viewer: Option<&Viewer>,
    languages: &ReaderLanguages,
    mut scope: Scope,
    query: ListQuery,
) -> Result<Response, PageError> {
    scope.language = chosen_language(query.lang);
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let filter = scope.filter();
    let mut hiding = hiding::of_viewer(state, viewer).await?;
    if let Some((slug, _)) = &scope.topic {
        // The topic's own page lists the topic, hidden or not.
        hiding = hiding
            .map(|h| h.without_topic(slug))
            .filter(|h| !h.is_empty());
    }
    let listings = match &hiding {
        None => {
            state
                .store
                .articles()
                .latest_in(&filter, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
                .await?
        }
        Some(hiding) => latest_without_hidden(state, &filter, hiding, page).await?,
    };
    let now = now();
    let has_more = listings.len() as i64 > PAGE_SIZE;
    let top = if page == 1 {
        top_stories(&state.store, &filter, now, hiding.as_ref(), &languages.0).await?
    } else {
        Vec::new()
    };
    let lang = scope.language.as_deref();
    let sections = Section::ALL
        .iter()
        .map(|&s| {
            let target = Scope {
                section: Some(s),
                ..Scope::default()
            };
            Choice {
                name: s.name().to_string(),
                href: target.href(1, lang),
                current: scope.section == Some(s),
            }
        })
        .collect();
    let mut languages = vec![Choice {
        name: "All languages".to_string(),
        href: scope.href(1, None),
        current: lang.is_none(),
    }];
    for (code, _) in state.store.stories().languages(now - RECENT_SECS).await? {
        languages.push(Choice {
            name: language_name(&code),
            href: scope.href(1, Some(&code)),
            current: lang == Some(code.as_str()),
        });
    }
    let topics = if scope.section.is_none() && scope.topic.is_none() && page == 1 {
        state
            .store
            .articles()
            .popular_topics(now - RECENT_SECS, TOPICS_SHOWN)
            .await?
            .into_iter()
            .filter(|(slug, _, _)| !hiding.as_ref().is_some_and(|h| h.hides_topic(slug)))
            .map(|(slug, name, _)| Choice {
                href: format!("/topic/{slug}"),
                name,
                current: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let page_listings: Vec<ArticleListing> = listings
        .into_iter()
        .take(usize::try_from(PAGE_SIZE).unwrap_or(0))
        .collect();
    let within = Within {
        filter,
        hiding: hiding.clone(),
    };
    // Texts a page before this one shows are not shown again (see `crate::feed_copies`).
    let page_listings = if page > 1 {
        without_earlier_pages(&state.store, page_listings, &within).await?
    } else {
        page_listings
    };
    let folded = fold_copies(&state.store, page_listings, &Copies::Fold(within)).await?;
    let cards = folded_cards(&state.store, folded, now).await?;
    let page = FrontPage {
        site_name: state.site_name.clone(),
        heading: scope.heading(),
        is_topic: scope.topic.is_some(),
        feed_dir: scope.feed_dir(),
        top,
        cards,
        page,
        older: has_more.then(|| scope.href(page + 1, lang)),
        newer: (page > 1).then(|| scope.href(page - 1, lang)),
        first_page: scope.href(1, lang),
        language: lang.map(|code| (code.to_string(), language_name(code))),
        all_languages: scope.href(1, None),
        sources: state.store.sources().count().await?,
        sections,
        languages,
        topics,
    };
    Ok(hiding::answer(hiding.as_ref(), page))
}

/// Page `page` of a latest list for a reader who hid things, read one longer than a page
/// (to tell whether another follows), as [`tidings_store::Articles::latest_in`] reads it
/// for everyone else. Hidden outlets, topics and entities are left out by the statement, so
/// its pages are the list's pages; headlines with a hidden word are left out here, which
/// moves every later article up: the page is then found by reading the list's headlines
/// from its top (at most [`MAX_HEADLINES_READ`]), and its articles read by id.
async fn latest_without_hidden(
    state: &AppState,
    filter: &ListFilter,
    hiding: &Hiding,
    page: i64,
) -> Result<Vec<ArticleListing>, PageError> {
    let articles = state.store.articles();
    let excluded = hiding.exclusions();
    if !hiding.hides_words() {
        return Ok(articles
            .latest_excluding(filter, &excluded, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
            .await?);
    }
    let skip = (page - 1) * PAGE_SIZE;
    let want = PAGE_SIZE + 1;
    // The first read covers the page and a page more; later ones as much again.
    let batch = skip + want + PAGE_SIZE;
    let mut ids: Vec<ArticleId> = Vec::with_capacity(want as usize);
    let mut passed = 0;
    let mut read = 0;
    while (ids.len() as i64) < want && read < MAX_HEADLINES_READ {
        let size = batch.min(MAX_HEADLINES_READ - read);
        let headlines = articles
            .latest_headlines_excluding(filter, &excluded, size, read)
            .await?;
        read += headlines.len() as i64;
        for (id, title) in &headlines {
            if hiding.hides_text(title) {
                continue;
            }
            if passed >= skip && (ids.len() as i64) < want {
                ids.push(*id);
            }
            passed += 1;
        }
        if (headlines.len() as i64) < size {
            break;
        }
    }
    let mut listings = articles.many(&ids).await?;
    let order: std::collections::HashMap<ArticleId, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    listings.sort_by_key(|l| order.get(&l.article.id).copied().unwrap_or(usize::MAX));
    Ok(listings)
}

/// `/section/{slug}/feed.…`: one section's latest articles.
pub(crate) async fn section_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let section = Section::from_slug(&slug).ok_or(PageError::NotFound)?;
        let scope = Scope {
            section: Some(section),
            ..Scope::default()
        };
        scope_feed(&state, &scope, &uri, &headers).await
    }
    .await;
    respond(result, &state.site_name)
}

/// `/topic/{slug}/feed.…`: one topic's latest articles.
pub(crate) async fn topic_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let scope = topic_scope(&state, slug).await?;
        scope_feed(&state, &scope, &uri, &headers).await
    }
    .await;
    respond(result, &state.site_name)
}

async fn scope_feed(
    state: &AppState,
    scope: &Scope,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let format = format_of(uri)?;
    let filter = scope.filter();
    let listings = state
        .store
        .articles()
        .latest_in(&filter, FEED_ITEMS, 0)
        .await?;
    let name = scope.heading().unwrap_or_default();
    let meta = FeedMeta {
        title: feed_title(&name, &state.site_name),
        description: format!("The latest {name} articles on {}.", state.site_name),
        home_path: scope.path(),
        feed_dir_path: scope.feed_dir(),
        query: String::new(),
        language: None,
        updated_when_empty: None,
        // An original from outside the section or topic does not come in with its copy.
        copies: Copies::Fold(Within {
            filter,
            hiding: None,
        }),
    };
    listing_feed(state, headers, format, meta, listings).await
}

/// The cards of a page's items, copies folded (see [`fold_copies`]), each crediting the
/// other outlets that published its text.
async fn folded_cards(
    store: &tidings_store::Store,
    folded: Vec<FeedArticle>,
    now: tidings_model::UnixSeconds,
) -> Result<Vec<Card>, PageError> {
    let (listings, publishers): (Vec<ArticleListing>, Vec<_>) = folded
        .into_iter()
        .map(|item| (item.listing, item.republished_by))
        .unzip();
    let mut cards = page_of_cards(store, &listings, PAGE_SIZE, now).await?;
    for (card, publishers) in cards.iter_mut().zip(publishers) {
        card.also_published_by = publishers.into_iter().map(|p| p.name).collect();
    }
    Ok(cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_list_pages_vary_by_the_readers_language() {
        for path in ["/", "/section/world", "/topic/ukraine-war"] {
            assert!(varies_by_reader_language(path), "{path}");
        }
        for path in [
            "/article/7/a-title",
            "/story/3",
            "/section/world/feed.xml",
            "/section/",
            "/search",
            "/latest",
        ] {
            assert!(!varies_by_reader_language(path), "{path}");
        }
    }

    #[test]
    fn scopes_build_their_links() {
        let front = Scope::default();
        assert_eq!(front.href(1, None), "/");
        assert_eq!(front.href(2, Some("de")), "/?lang=de&page=2");
        assert_eq!(front.feed_dir(), "/");
        let sport = Scope {
            section: Some(Section::Sport),
            ..Scope::default()
        };
        assert_eq!(sport.href(1, Some("fr")), "/section/sport?lang=fr");
        assert_eq!(sport.feed_dir(), "/section/sport/");
        let topic = Scope {
            topic: Some(("ukraine-war".into(), "Ukraine war".into())),
            ..Scope::default()
        };
        assert_eq!(topic.href(3, None), "/topic/ukraine-war?page=3");
        assert_eq!(topic.heading().as_deref(), Some("Ukraine war"));
    }

    #[test]
    fn only_language_codes_are_chosen() {
        assert_eq!(chosen_language(Some("DE ".into())).as_deref(), Some("de"));
        assert_eq!(chosen_language(Some("de' OR 1=1".into())), None);
        assert_eq!(chosen_language(None), None);
    }
}
