//! `/saved`: the articles a signed-in reader saved (starred: the article page's "Save"
//! button, or a star in a reader app), most recently saved first, 40 to a page, each as a
//! card with an "Unsave" button. A wire text and its copies are one card, folded as
//! `/for-you` and the reader apps fold them (a save reaches every copy). What the reader
//! hid is left out as on every list ([`super::hiding`]): a saved text is shown from an
//! outlet they did not hide, and one only hidden outlets carry waits, still saved, until
//! they show it again. Private: it has no
//! feeds, anonymous readers are sent to log in, and answers are `Cache-Control: private,
//! no-store`.

use crate::pages::{PageError, PageQuery, now, pager_links};
use crate::people::accounts::see_other;
use crate::people::session::{self, Viewer};
use crate::reading::hiding;
use crate::reading::item_card::ItemCard;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tidings_store::{ItemOrder, ItemQuery, ItemScope};

/// Saved articles on one page.
pub(crate) const PER_PAGE: i64 = 40;
/// The page's path.
const PATH: &str = "/saved";

#[derive(Template, WebTemplate)]
#[template(path = "saved.html")]
struct SavedPage {
    site_name: String,
    items: Vec<ItemCard>,
    /// How many articles the reader saved, copies folded.
    total: i64,
    page: i64,
    newer: Option<String>,
    older: Option<String>,
}

/// `GET /saved`: the page, or the login page for anonymous readers.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let viewer = match session::viewer(&state, &headers).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return see_other("/login?next=/saved", Vec::new()),
        Err(err) => return PageError::from(err).render(&state.site_name),
    };
    let mut response = match build(&state, &viewer, query.number()).await {
        Ok(page) => page.into_response(),
        Err(err) => err.render(&state.site_name),
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

async fn build(state: &AppState, viewer: &Viewer, page: i64) -> Result<SavedPage, PageError> {
    let user = viewer.user.id;
    let reading = state.store.reading();
    let hiding = hiding::of_viewer(state, Some(viewer)).await?;
    let saved = ItemQuery {
        scope: Some(ItemScope::Starred),
        excluded: hiding.map(|h| h.exclusions()).unwrap_or_default(),
        ..ItemQuery::default()
    };
    // One more than a page, to know whether another follows.
    let mut items = reading
        .items(
            user,
            &ItemQuery {
                order: ItemOrder::StarredNewestFirst,
                limit: PER_PAGE + 1,
                offset: (page - 1) * PER_PAGE,
                ..saved.clone()
            },
        )
        .await?;
    let more = items.len() as i64 > PER_PAGE;
    items.truncate(PER_PAGE as usize);
    // The last page (most readers have one) tells the total; only a longer list is counted.
    let total = if more || (items.is_empty() && page > 1) {
        reading.count(user, &saved).await?
    } else {
        (page - 1) * PER_PAGE + items.len() as i64
    };
    let here = if page > 1 {
        format!("{PATH}?page={page}")
    } else {
        PATH.to_string()
    };
    let now = now();
    let items = items
        .iter()
        .map(|i| ItemCard::of(i, now).unsaving(viewer, &here))
        .collect();
    let (newer, older) = pager_links(PATH, page, more);
    Ok(SavedPage {
        site_name: state.site_name.clone(),
        items,
        total,
        page,
        newer,
        older,
    })
}
