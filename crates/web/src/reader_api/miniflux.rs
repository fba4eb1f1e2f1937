//! Miniflux's REST API (`/v1/…`), the part its clients (the official Python and Go clients,
//! FluxNews, Miniflutt, Newsboat's Miniflux driver…) need: `me`, `version`, feeds (list,
//! get, create, move to another category, delete, entries, counters, mark all read),
//! categories (list, create, rename, delete, entries, feeds, mark all read), the account's
//! mark all read, entries (list with `status`, `limit`, `offset`, `order`, `direction`,
//! `starred`, `feed_id`, `category_id`, `after_entry_id`, `before_entry_id`, `after`,
//! `before`, and `search`, the site's own search narrowing the list; get one; `PUT` a
//! status; toggle a bookmark), feed refreshes (`PUT /v1/feeds/{id}/refresh`,
//! `PUT /v1/feeds/refresh`: due at the scheduler's next tick, within its spacing), feed
//! discovery (`POST /v1/discover`), and the subscription list as OPML
//! (`GET /v1/export`, `POST /v1/import`, as the site's own import: at most 2 MB and 2,000
//! feeds, non-http(s) addresses skipped). Any other `/v1/…` path is `404` with the JSON
//! error body, never the site's HTML page, and a known path asked with a method it does not
//! take is `405` with the JSON error body and an `Allow` header naming the methods it takes.
//!
//! Authentication: `X-Auth-Token: <API key>`, or HTTP Basic with the account name and an API
//! key as the password (the account's own password is never accepted by an API). A failure
//! is `401 {"error_message": …}`, the same whether the account exists or not.
//!
//! Feeds are the account's subscriptions (a feed id is the shared source's id); creating a
//! feed for an address no source has adds it as a shared source. Entries fold copies: an
//! original and its copies are one entry, and a status set on one is set on all. Each
//! entry carries `story_id` besides Miniflux's own fields, for clients that group by story.

use super::feed_discovery::discover as discover_feeds;
use super::{
    AuthError, MAX_FEED_TITLE_CHARS, SourceError, check_discovery_limit, check_write_limit,
    default_folder, folder_title, item_html, own_feed_title, source_for_url, user_by_key,
};
use crate::people::client_ip::ClientIp;
use crate::reading::portability::{ImportError, MAX_OPML_BYTES, export_response, import_opml};
use crate::rfc3339;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use tidings_model::{ArticleId, SourceId, User};
use tidings_search::{SearchRequest, Sort};
use tidings_store::{Folder, Item, ItemOrder, ItemQuery, ItemScope, StoreError, Subscription};

/// The most entries one list answers.
const MAX_LIMIT: i64 = 1000;
/// Entries a list answers when the client names no limit.
const DEFAULT_LIMIT: i64 = 100;

/// The Miniflux routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/me", get(me))
        .route("/v1/feeds", get(list_feeds).post(create_feed))
        .route("/v1/feeds/counters", get(feed_counters))
        .route("/v1/feeds/refresh", put(refresh_feeds))
        .route("/v1/feeds/{id}/refresh", put(refresh_feed))
        .route("/v1/discover", post(discover))
        .route(
            "/v1/feeds/{id}",
            get(get_feed).put(update_feed).delete(delete_feed),
        )
        .route("/v1/feeds/{id}/icon", get(feed_icon))
        .route("/v1/icons/{id}", get(icon_by_id))
        .route("/v1/feeds/{id}/entries", get(feed_entries))
        .route("/v1/feeds/{id}/entries/{entry}", get(feed_entry))
        .route("/v1/feeds/{id}/mark-all-as-read", put(mark_feed_read))
        .route("/v1/categories", get(list_categories).post(create_category))
        .route(
            "/v1/categories/{id}",
            put(rename_category).delete(delete_category),
        )
        .route("/v1/categories/{id}/entries", get(category_entries))
        .route("/v1/categories/{id}/feeds", get(category_feeds))
        .route(
            "/v1/categories/{id}/mark-all-as-read",
            put(mark_category_read),
        )
        .route("/v1/users/{id}/mark-all-as-read", put(mark_user_read))
        .route("/v1/version", get(version))
        .route("/v1/entries", get(list_entries).put(update_entries))
        .route("/v1/entries/{id}", get(get_entry))
        .route("/v1/entries/{id}/bookmark", put(toggle_bookmark))
        .route("/v1/export", get(export))
        .route(
            "/v1/import",
            post(import).layer(DefaultBodyLimit::max(MAX_OPML_BYTES)),
        )
        // Set before the catch-all routes below, which answer every method themselves.
        .method_not_allowed_fallback(method_not_allowed)
        .route("/v1", any(unknown_path))
        .route("/v1/{*rest}", any(unknown_path))
}

/// Any `/v1/…` path no route above answers: `404 {"error_message": …}` as Miniflux answers,
/// not the site's HTML page, so a client reads why (a slashed path is first sent to the
/// path without the slash, as everywhere on the site). The path is not echoed back.
async fn unknown_path(uri: axum::http::Uri) -> Response {
    if let Some(redirect) = crate::trailing_slash::redirect(&uri) {
        return redirect;
    }
    MfError::NotFound.into_response()
}

/// A known `/v1/…` path asked with a method it does not take: `405 {"error_message": …}`,
/// as every other refusal, with the `Allow` header axum adds to a method router's fallback.
async fn method_not_allowed() -> Response {
    MfError::MethodNotAllowed.into_response()
}

/// A refusal or failure, as Miniflux answers them: `{"error_message": …}`.
enum MfError {
    Auth(AuthError),
    BadRequest(String),
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict(String),
    /// A feature this server does not run (search without a search index).
    Unavailable(&'static str),
    Internal(String),
}

impl From<AuthError> for MfError {
    fn from(err: AuthError) -> Self {
        MfError::Auth(err)
    }
}

impl From<StoreError> for MfError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => MfError::NotFound,
            StoreError::AlreadyExists(what) => MfError::Conflict(format!("{what} already exists")),
            other => MfError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for MfError {
    fn into_response(self) -> Response {
        let retry = match &self {
            MfError::Auth(err) => err.retry_after_secs(),
            _ => None,
        };
        let (status, message) = match self {
            MfError::Auth(AuthError::Unauthorized) => {
                (StatusCode::UNAUTHORIZED, "Access Unauthorized".to_string())
            }
            MfError::Auth(AuthError::TooMany(_)) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests".to_string(),
            ),
            MfError::Auth(AuthError::Store(err)) => {
                return MfError::Internal(err.to_string()).into_response();
            }
            MfError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            MfError::Forbidden => (StatusCode::FORBIDDEN, "Access Forbidden".to_string()),
            MfError::NotFound => (StatusCode::NOT_FOUND, "Resource not found".to_string()),
            MfError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed".to_string(),
            ),
            MfError::Conflict(m) => (StatusCode::CONFLICT, m),
            MfError::Unavailable(what) => (StatusCode::SERVICE_UNAVAILABLE, what.to_string()),
            MfError::Internal(err) => {
                tracing::error!(%err, "Miniflux API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error".to_string(),
                )
            }
        };
        let mut response = (status, json(&json!({ "error_message": message }))).into_response();
        if let Some(secs) = retry
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

type Answer = Result<Response, MfError>;

fn json(value: &Value) -> ([(header::HeaderName, &'static str); 1], String) {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
}

fn ok(value: &Value) -> Answer {
    Ok(json(value).into_response())
}

fn no_content() -> Answer {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Every entry of `scope` read for `user` now; `204`. The feed, category and account
/// mark-all-as-read endpoints differ only in their scope.
async fn mark_read(state: &AppState, user: &User, scope: ItemScope) -> Answer {
    let now = state.people.clock.now_secs();
    state
        .store
        .reading()
        .mark_all_read(user.id, scope, None, now)
        .await?;
    no_content()
}

/// `message` as Miniflux writes its error messages, a sentence: its first letter
/// capitalised (whatever that letter is; an empty message stays empty).
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The account behind `X-Auth-Token` or HTTP Basic.
async fn authed(state: &AppState, ip: ClientIp, headers: &HeaderMap) -> Result<User, MfError> {
    if let Some(token) = headers.get("x-auth-token").and_then(|v| v.to_str().ok()) {
        return Ok(user_by_key(state, ip, token).await?);
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    let Some(basic) = basic else {
        return Err(MfError::Auth(AuthError::Unauthorized));
    };
    let (name, key) = basic
        .split_once(':')
        .ok_or(MfError::Auth(AuthError::Unauthorized))?;
    Ok(super::user_by_login(state, ip, name, key).await?)
}

fn parse_id(text: &str) -> Result<i64, MfError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(MfError::NotFound)
}

fn body_json<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, MfError> {
    serde_json::from_slice(body).map_err(|err| MfError::BadRequest(format!("invalid JSON: {err}")))
}

fn category_json(user: &User, folder: &Folder) -> Value {
    json!({
        "id": folder.id,
        "title": folder.title,
        "user_id": user.id.0,
        "hide_globally": false,
    })
}

/// What a feed waiting for an administrator's review says in its error field: apps show
/// it where a feed's fetch problem goes.
const AWAITING_REVIEW: &str = "This feed is new here and waits for an administrator's \
     review; it is fetched once approved";

fn feed_json(user: &User, sub: &Subscription) -> Value {
    json!({
        "id": sub.source_id.0,
        "user_id": user.id.0,
        "title": sub.shown_title(),
        "site_url": sub.site_url.clone().unwrap_or_default(),
        "feed_url": tidings_model::public_feed_url(&sub.url),
        "checked_at": rfc3339(sub.created_at),
        "etag_header": "",
        "last_modified_header": "",
        "parsing_error_message": if sub.awaiting_review { AWAITING_REVIEW } else { "" },
        "parsing_error_count": i32::from(sub.awaiting_review),
        "scraper_rules": "",
        "rewrite_rules": "",
        "crawler": false,
        "blocklist_rules": "",
        "keeplist_rules": "",
        "user_agent": "",
        "username": "",
        "password": "",
        // A feed an administrator paused: not fetched until resumed.
        "disabled": sub.paused,
        "ignore_http_cache": false,
        "fetch_via_proxy": false,
        "hide_globally": false,
        "category": category_json(user, &sub.folder),
        "icon": sub.icon_id.map(|icon_id| json!({ "feed_id": sub.source_id.0, "icon_id": icon_id })),
    })
}

fn entry_json(state: &AppState, user: &User, item: &Item, sub: Option<&Subscription>) -> Value {
    let l = &item.listing;
    let a = &l.article;
    let published = a.content.published_at.unwrap_or(item.sort_at);
    let feed = match sub {
        Some(sub) => feed_json(user, sub),
        None => json!({ "id": a.source_id.0, "title": l.source_name, "user_id": user.id.0 }),
    };
    let html = item_html(l, state.display);
    let words = a.content.body_text.split_whitespace().count();
    json!({
        "id": a.id.0,
        "user_id": user.id.0,
        "feed_id": a.source_id.0,
        "status": if item.read_at.is_some() { "read" } else { "unread" },
        "hash": crate::people::tokens::hash_token(&a.content.url),
        "title": a.content.title,
        "url": a.content.url,
        "comments_url": "",
        "published_at": rfc3339(published),
        "created_at": rfc3339(a.content.fetched_at),
        "changed_at": rfc3339(item.read_at.or(item.starred_at).unwrap_or(a.content.fetched_at)),
        "content": html,
        "author": a.content.byline.clone().unwrap_or_default(),
        "share_code": "",
        "starred": item.starred_at.is_some(),
        "reading_time": words.div_ceil(200),
        "enclosures": [],
        "tags": [],
        "feed": feed,
        "story_id": a.story_id.map(|s| s.0),
    })
}

/// `GET /v1/export`: the account's feeds as OPML, each in its category.
async fn export(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        export_response(&state, user.id)
            .await
            .map_err(|err| MfError::Internal(err.to_string()))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /v1/import`, the body an OPML file: `201 {"message": …}`, and (ours) `skipped`, the
/// addresses not imported since they are not http(s); a file that is not OPML,
/// or lists too many feeds, is a `400` and imports nothing.
async fn import(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        check_write_limit(&state, ip.0, user.id)?;
        let text = String::from_utf8_lossy(&body);
        match import_opml(&state, &user, &text).await {
            Ok(outcome) => Ok::<_, MfError>(
                (
                    StatusCode::CREATED,
                    json(&json!({
                        "message": "Feeds imported successfully",
                        "skipped": outcome.skipped,
                    })),
                )
                    .into_response(),
            ),
            Err(ImportError::Store(err)) => Err(err.into()),
            Err(err) => Err(MfError::BadRequest(err.to_string())),
        }
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/me`.
async fn me(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        ok(&json!({
            "id": user.id.0,
            "username": user.name,
            "is_admin": user.role == tidings_model::Role::Admin,
            "theme": "system_serif",
            "language": "en_US",
            "timezone": "UTC",
            "entry_sorting_direction": "desc",
            "entry_sorting_order": "published_at",
            "entries_per_page": DEFAULT_LIMIT,
            // The site's pages answer to keys (`keys.js`, `?` lists them).
            "keyboard_shortcuts": true,
            "show_reading_time": true,
            "entry_swipe": false,
            "stylesheet": "",
            "google_id": "",
            "openid_connect_id": "",
            "last_login_at": null,
        }))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/feeds`.
async fn list_feeds(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let subs = state.store.reading().subscriptions(user.id).await?;
        let list: Vec<Value> = subs.iter().map(|s| feed_json(&user, s)).collect();
        ok(&json!(list))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

async fn subscription_or_404(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<Subscription, MfError> {
    let id = SourceId(parse_id(id)?);
    state
        .store
        .reading()
        .subscription(user.id, id)
        .await?
        .ok_or(MfError::NotFound)
}

/// One of the account's folders, or `404`.
async fn folder_or_404(state: &AppState, user: &User, id: i64) -> Result<Folder, MfError> {
    state
        .store
        .reading()
        .folder(user.id, id)
        .await?
        .ok_or(MfError::NotFound)
}

/// `GET /v1/feeds/{id}`.
async fn get_feed(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        ok(&feed_json(&user, &sub))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// An icon as Miniflux answers it: `{id, data: "image/png;base64,…", mime_type}`.
fn icon_json(icon: &tidings_store::NewIcon) -> Value {
    json!({
        "id": icon.icon_id,
        "data": format!("{};base64,{}", icon.content_type, icon.data_base64),
        "mime_type": icon.content_type,
    })
}

/// `GET /v1/feeds/{id}/icon`: the icon of a feed the account follows; 404 when it has none.
async fn feed_icon(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        if sub.icon_id.is_none() {
            return Err(MfError::NotFound);
        }
        let icon = state.store.source_icons().get(sub.source_id).await?;
        ok(&icon_json(&icon.ok_or(MfError::NotFound)?.icon))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/icons/{icon_id}`: an icon by its id, among the feeds the account follows.
async fn icon_by_id(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let icon_id = parse_id(&id)?;
        let followed: Vec<SourceId> = state
            .store
            .reading()
            .subscriptions(user.id)
            .await?
            .iter()
            .filter(|sub| sub.icon_id == Some(icon_id))
            .map(|sub| sub.source_id)
            .collect();
        let icon = state
            .store
            .source_icons()
            .by_icon_id(icon_id, &followed)
            .await?;
        ok(&icon_json(&icon.ok_or(MfError::NotFound)?.icon))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct NewFeed {
    feed_url: String,
    #[serde(default)]
    category_id: Option<i64>,
}

/// `POST /v1/feeds` `{"feed_url", "category_id"}`: `201 {"feed_id"}`.
async fn create_feed(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let new: NewFeed = body_json(&body)?;
        let reading = state.store.reading();
        let folder = match new.category_id.filter(|id| *id > 0) {
            Some(id) => {
                reading
                    .folder(user.id, id)
                    .await?
                    .ok_or_else(|| MfError::BadRequest("This category does not exist".into()))?
                    .id
            }
            None => default_folder(&state, user.id).await?,
        };
        let source = match source_for_url(&state, &user, &new.feed_url, None, None).await {
            Ok(source) => source,
            Err(SourceError::BadUrl) => {
                return Err(MfError::BadRequest(
                    "The feed URL is not an http(s) address".into(),
                ));
            }
            Err(SourceError::PrivateAddress) => {
                // Miniflux's messages are sentences: the shared wording, capitalised.
                return Err(MfError::BadRequest(sentence(
                    super::private_address_refusal!(),
                )));
            }
            Err(SourceError::Store(err)) => return Err(err.into()),
        };
        if reading.subscription(user.id, source.id).await?.is_some() {
            return Err(MfError::Conflict("This feed already exists".into()));
        }
        let now = state.people.clock.now_secs();
        reading.subscribe(user.id, source.id, folder, now).await?;
        Ok::<_, MfError>(
            (
                StatusCode::CREATED,
                json(&json!({ "feed_id": source.id.0 })),
            )
                .into_response(),
        )
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// What `PUT /v1/feeds/{id}` may change: Miniflux's feed modification, of which Tidings
/// keeps the title (the reader's own) and the category (the folder). `disabled` is read only
/// to refuse a change of it: the feed is a source shared by every reader, which only an
/// administrator pauses or resumes, on the site or the command line. Other fields a client
/// sends along are ignored.
#[derive(Deserialize)]
struct FeedChanges {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    category_id: Option<i64>,
    #[serde(default)]
    disabled: Option<bool>,
}

/// `PUT /v1/feeds/{id}` `{"category_id", "title", …}`: renames the feed for this account
/// and moves the subscription to another of its folders, and answers `201` and the feed, as
/// Miniflux does. The title is the account's own (see [`own_feed_title`]): the shared
/// source's name stays as every other reader sees it, and the outlet's name itself drops the
/// own title. A title that is empty, too long or holds control characters, or a category
/// that is not the account's, is refused with `400` and changes nothing; a `disabled` other
/// than the feed's own (pausing or resuming the shared source) is refused with `403`, as
/// Miniflux refuses a change a user may not make, and changes nothing either (the same value
/// sent back with the rest of the feed is fine).
async fn update_feed(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        let changes: FeedChanges = body_json(&body)?;
        if changes
            .disabled
            .is_some_and(|disabled| disabled != sub.paused)
        {
            return Err(MfError::Forbidden);
        }
        let outlet = tidings_model::shown_source_name(&sub.name, &sub.url);
        let title = match &changes.title {
            Some(raw) => Some(own_feed_title(raw, &outlet).ok_or_else(|| {
                MfError::BadRequest(format!(
                    "The feed title must have 1 to {MAX_FEED_TITLE_CHARS} characters, \
                     none of them control characters"
                ))
            })?),
            None => None,
        };
        let reading = state.store.reading();
        let folder = match changes.category_id {
            Some(category) if category != sub.folder.id => Some(
                match category {
                    id if id > 0 => reading.folder(user.id, id).await?,
                    _ => None,
                }
                .ok_or_else(|| {
                    MfError::BadRequest(
                        "This category_id doesn't exist or doesn't belong to this user".into(),
                    )
                })?,
            ),
            _ => None,
        };
        if let Some(title) = title
            && title != sub.title.as_deref()
        {
            reading.retitle(user.id, sub.source_id, title).await?;
        }
        if let Some(folder) = folder {
            let now = state.people.clock.now_secs();
            reading
                .subscribe(user.id, sub.source_id, folder.id, now)
                .await?;
        }
        let sub = reading
            .subscription(user.id, sub.source_id)
            .await?
            .ok_or(MfError::NotFound)?;
        Ok::<_, MfError>((StatusCode::CREATED, json(&feed_json(&user, &sub))).into_response())
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `DELETE /v1/feeds/{id}`: ends the subscription (the shared source stays).
async fn delete_feed(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        state
            .store
            .reading()
            .unsubscribe(user.id, sub.source_id)
            .await?;
        no_content()
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/feeds/counters`: read and unread entries per feed, each the length of that
/// feed's list (`/v1/feeds/{id}/entries?status=…`): copies fold within the feed only, so a
/// copy whose original is in another subscription counts in both feeds.
async fn feed_counters(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let reading = state.store.reading();
        let mut unreads = serde_json::Map::new();
        for (source, n) in reading.unread_by_source(user.id).await? {
            unreads.insert(source.0.to_string(), json!(n));
        }
        let mut reads = serde_json::Map::new();
        for sub in reading.subscriptions(user.id).await? {
            let query = ItemQuery {
                scope: Some(ItemScope::Source(sub.source_id)),
                read: Some(true),
                ..ItemQuery::default()
            };
            let n = reading.count(user.id, &query).await?;
            if n > 0 {
                reads.insert(sub.source_id.0.to_string(), json!(n));
            }
        }
        ok(&json!({ "reads": reads, "unreads": unreads }))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// How long after a source's last fetch a reader's refresh may make it due again, in
/// seconds ([`crate::AppParts::refresh_spacing`]).
fn spacing_secs(state: &AppState) -> i64 {
    i64::try_from(state.refresh_spacing.as_secs()).unwrap_or(i64::MAX)
}

/// Makes `sources` due for the scheduler's next tick, as far as the scheduler's own rules let
/// a reader ([`tidings_store::Sources::make_due_when_spaced`]); `204`.
async fn refresh(state: &AppState, ip: ClientIp, user: &User, sources: &[SourceId]) -> Answer {
    check_write_limit(state, ip.0, user.id)?;
    let now = state.people.clock.now_secs();
    state
        .store
        .sources()
        .make_due_when_spaced(sources, now, spacing_secs(state))
        .await?;
    no_content()
}

/// `PUT /v1/feeds/{id}/refresh`: the feed is fetched at the scheduler's next tick (unless it
/// was fetched in the last few minutes, or its fetches are failing and backing off); `204`.
async fn refresh_feed(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        refresh(&state, ip, &user, &[sub.source_id]).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `PUT /v1/feeds/refresh`: every feed of the account, as [`refresh_feed`] each; `204`.
async fn refresh_feeds(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sources: Vec<SourceId> = state
            .store
            .reading()
            .subscriptions(user.id)
            .await?
            .iter()
            .map(|s| s.source_id)
            .collect();
        refresh(&state, ip, &user, &sources).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct DiscoverBody {
    url: String,
}

/// `POST /v1/discover` `{"url"}`: `200 [{"url", "title", "type"}]`, the feeds the address
/// offers (see [`discover_feeds`]); `404` when it offers none, `400` for an address the site
/// does not fetch, a page that could not be fetched, or a feed refused for its entity
/// expansion.
async fn discover(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        check_discovery_limit(&state, ip.0, user.id)?;
        let asked: DiscoverBody = body_json(&body)?;
        let found = discover_feeds(&state, &asked.url)
            .await
            .map_err(|err| MfError::BadRequest(sentence(&err.to_string())))?;
        if found.is_empty() {
            return Err(MfError::NotFound);
        }
        let list: Vec<Value> = found
            .iter()
            .map(|f| json!({ "url": f.url, "title": f.title, "type": f.kind }))
            .collect();
        ok(&json!(list))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `PUT /v1/feeds/{id}/mark-all-as-read`.
async fn mark_feed_read(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        mark_read(&state, &user, ItemScope::Source(sub.source_id)).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/categories`. An account always has one: Miniflux makes "All" with every
/// account, and clients that add a feed into the first category find none otherwise.
async fn list_categories(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let mut folders = state.store.reading().folders(user.id).await?;
        if folders.is_empty() {
            default_folder(&state, user.id).await?;
            folders = state.store.reading().folders(user.id).await?;
        }
        let list: Vec<Value> = folders.iter().map(|f| category_json(&user, f)).collect();
        ok(&json!(list))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct CategoryBody {
    title: String,
}

fn clean_title(title: &str) -> Result<String, MfError> {
    folder_title(title)
        .map(str::to_string)
        .ok_or_else(|| MfError::BadRequest("The title must have 1 to 100 characters".into()))
}

/// `POST /v1/categories` `{"title"}`: `201` and the category.
async fn create_category(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let new: CategoryBody = body_json(&body)?;
        let title = clean_title(&new.title)?;
        let reading = state.store.reading();
        if reading
            .folders(user.id)
            .await?
            .iter()
            .any(|f| f.title == title)
        {
            return Err(MfError::Conflict("This category already exists".into()));
        }
        let now = state.people.clock.now_secs();
        let folder = reading.folder_named(user.id, &title, now).await?;
        Ok::<_, MfError>(
            (StatusCode::CREATED, json(&category_json(&user, &folder))).into_response(),
        )
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `PUT /v1/categories/{id}` `{"title"}`.
async fn rename_category(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let id = parse_id(&id)?;
        let new: CategoryBody = body_json(&body)?;
        let title = clean_title(&new.title)?;
        let reading = state.store.reading();
        reading.rename_folder(user.id, id, &title).await?;
        let folder = reading
            .folder(user.id, id)
            .await?
            .ok_or(MfError::NotFound)?;
        Ok::<_, MfError>(
            (StatusCode::CREATED, json(&category_json(&user, &folder))).into_response(),
        )
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `PUT /v1/categories/{id}/mark-all-as-read`: every entry of the folder's feeds read;
/// `204`, or `404` for a folder the account does not have.
async fn mark_category_read(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let folder = folder_or_404(&state, &user, parse_id(&id)?).await?;
        mark_read(&state, &user, ItemScope::Folder(folder.id)).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `PUT /v1/users/{id}/mark-all-as-read`: every entry of the account's feeds read; `204`.
/// Another account's id is `403`, as Miniflux answers it.
async fn mark_user_read(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        if id.parse::<i64>().ok() != Some(user.id.0) {
            return Err(MfError::Forbidden);
        }
        mark_read(&state, &user, ItemScope::Subscribed).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/version`: the fields Miniflux answers, filled with Tidings' own version (this
/// is not Miniflux, and no client should mistake it for a Miniflux release).
async fn version(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    let run = async {
        authed(&state, ip, &headers).await?;
        ok(&json!({
            "version": concat!("tidings-", env!("CARGO_PKG_VERSION")),
            "commit": "",
            "build_date": "",
            "go_version": "",
            "compiler": "rustc",
            "arch": std::env::consts::ARCH,
            "os": std::env::consts::OS,
        }))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `DELETE /v1/categories/{id}`: the folder and the subscriptions in it.
async fn delete_category(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let id = parse_id(&id)?;
        if state.store.reading().delete_folder(user.id, id).await? {
            no_content()
        } else {
            Err(MfError::NotFound)
        }
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/categories/{id}/feeds`.
async fn category_feeds(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let id = parse_id(&id)?;
        folder_or_404(&state, &user, id).await?;
        let subs = state.store.reading().subscriptions(user.id).await?;
        let list: Vec<Value> = subs
            .iter()
            .filter(|s| s.folder.id == id)
            .map(|s| feed_json(&user, s))
            .collect();
        ok(&json!(list))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// The most matches a `search` filter reads from the search index: the entries it lists are
/// among the newest this many articles that match.
const MAX_SEARCH_MATCHES: usize = 10_000;

/// A list request: the store query within its scope, and the words of its `search` filter,
/// if any (Miniflux's full-text search, run through the site's own search).
struct EntriesRequest {
    query: ItemQuery,
    search: Option<String>,
}

/// The entry filters of a list request, as a store query within `scope`.
fn entries_query(query: Option<&str>, scope: ItemScope) -> Result<EntriesRequest, MfError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let number = |key: &str| -> Result<Option<i64>, MfError> {
        get(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| MfError::BadRequest(format!("{key} must be a number")))
            })
            .transpose()
    };
    let mut q = ItemQuery {
        scope: Some(scope),
        ..ItemQuery::default()
    };
    let statuses: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "status")
        .flat_map(|(_, v)| v.split(','))
        .collect();
    let (unread, read) = (statuses.contains(&"unread"), statuses.contains(&"read"));
    q.read = match (unread, read) {
        (true, false) => Some(false),
        (false, true) => Some(true),
        _ => None,
    };
    if let Some(starred) = get("starred") {
        // Go's `strconv.ParseBool` spellings, which Miniflux accepts (Python sends `True`).
        q.starred = match starred {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
            _ => return Err(MfError::BadRequest("starred must be true or false".into())),
        };
    }
    if let Some(feed) = number("feed_id")?.filter(|v| *v > 0) {
        q.scope = Some(ItemScope::Source(SourceId(feed)));
    }
    if let Some(category) = number("category_id")?.filter(|v| *v > 0) {
        q.scope = Some(ItemScope::Folder(category));
    }
    let descending = match get("direction").unwrap_or("desc") {
        "asc" => false,
        "desc" => true,
        _ => return Err(MfError::BadRequest("direction must be asc or desc".into())),
    };
    q.order = match (get("order").unwrap_or("published_at"), descending) {
        ("id", true) => ItemOrder::IdDescending,
        ("id", false) => ItemOrder::IdAscending,
        (_, true) => ItemOrder::NewestFirst,
        (_, false) => ItemOrder::OldestFirst,
    };
    q.limit = number("limit")?
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    q.offset = number("offset")?.unwrap_or(0).max(0);
    q.after_id = number("after_entry_id")?;
    q.before_id = number("before_entry_id")?;
    q.since = number("after")?.map(|t| t + 1);
    q.until = number("before")?;
    let search = get("search")
        .map(|v| v.trim().chars().take(MAX_SEARCH_CHARS).collect::<String>())
        .filter(|v| !v.is_empty());
    Ok(EntriesRequest { query: q, search })
}

/// The longest `search` read, in characters (as the search page reads).
const MAX_SEARCH_CHARS: usize = 500;

/// The articles the site's search finds for `text`, newest first, every word required (as a
/// saved search's feed finds them); `None` when `text` holds nothing to search for (then
/// the list is not narrowed, as Miniflux ignores an empty `search`).
async fn search_matches(state: &AppState, text: &str) -> Result<Option<Vec<ArticleId>>, MfError> {
    let request = SearchRequest::flat(text, Sort::Newest, MAX_SEARCH_MATCHES);
    if request.query.is_empty() {
        return Ok(None);
    }
    let engine = state
        .search
        .as_ref()
        .ok_or(MfError::Unavailable("Search is not enabled on this server"))?;
    let results = engine
        .search(&request)
        .await
        .map_err(|err| MfError::Internal(err.to_string()))?;
    Ok(Some(
        results
            .hits
            .iter()
            .flat_map(|h| std::iter::once(h.article.id).chain(h.others.iter().map(|o| o.id)))
            .collect(),
    ))
}

/// The entries a list request asks for, as `{"total", "entries"}`: its filters, narrowed to
/// what its `search` finds.
async fn entries_answer(state: &AppState, user: &User, request: EntriesRequest) -> Answer {
    let mut query = request.query;
    if let Some(text) = &request.search {
        query.only = search_matches(state, text).await?;
    }
    let query = &query;
    let reading = state.store.reading();
    let total = reading.count(user.id, query).await?;
    let items = reading.items(user.id, query).await?;
    let subs = reading.subscriptions(user.id).await?;
    let entries: Vec<Value> = items
        .iter()
        .map(|i| {
            let sub = subs
                .iter()
                .find(|s| s.source_id == i.listing.article.source_id);
            entry_json(state, user, i, sub)
        })
        .collect();
    ok(&json!({ "total": total, "entries": entries }))
}

/// `GET /v1/entries`.
async fn list_entries(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let request = entries_query(query.as_deref(), ItemScope::Subscribed)?;
        if let Some(ItemScope::Folder(id)) = request.query.scope {
            folder_or_404(&state, &user, id).await?;
        }
        entries_answer(&state, &user, request).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/feeds/{id}/entries`.
async fn feed_entries(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &id).await?;
        let mut request = entries_query(query.as_deref(), ItemScope::Source(sub.source_id))?;
        request.query.scope = Some(ItemScope::Source(sub.source_id));
        entries_answer(&state, &user, request).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/categories/{id}/entries`.
async fn category_entries(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let id = parse_id(&id)?;
        folder_or_404(&state, &user, id).await?;
        let mut request = entries_query(query.as_deref(), ItemScope::Folder(id))?;
        request.query.scope = Some(ItemScope::Folder(id));
        entries_answer(&state, &user, request).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

async fn one_entry(state: &AppState, user: &User, id: &str) -> Answer {
    let id = ArticleId(parse_id(id)?);
    let reading = state.store.reading();
    let item = reading
        .items_by_id(user.id, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(MfError::NotFound)?;
    let sub = reading
        .subscription(user.id, item.listing.article.source_id)
        .await?;
    ok(&entry_json(state, user, &item, sub.as_ref()))
}

/// `GET /v1/entries/{id}`.
async fn get_entry(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        one_entry(&state, &user, &id).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/feeds/{id}/entries/{entry}`.
async fn feed_entry(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path((feed, entry)): Path<(String, String)>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let sub = subscription_or_404(&state, &user, &feed).await?;
        let id = ArticleId(parse_id(&entry)?);
        let item = state
            .store
            .reading()
            .items_by_id(user.id, &[id])
            .await?
            .into_iter()
            .next()
            .filter(|i| i.listing.article.source_id == sub.source_id)
            .ok_or(MfError::NotFound)?;
        ok(&entry_json(&state, &user, &item, Some(&sub)))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct StatusBody {
    entry_ids: Vec<i64>,
    status: String,
}

/// `PUT /v1/entries` `{"entry_ids", "status"}`: `204`.
async fn update_entries(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let update: StatusBody = body_json(&body)?;
        let read = match update.status.as_str() {
            "read" => true,
            "unread" => false,
            _ => return Err(MfError::BadRequest("status must be read or unread".into())),
        };
        if update.entry_ids.is_empty() {
            return Err(MfError::BadRequest("entry_ids must not be empty".into()));
        }
        let ids: Vec<ArticleId> = update.entry_ids.into_iter().map(ArticleId).collect();
        let now = state.people.clock.now_secs();
        state
            .store
            .reading()
            .set_read(user.id, &ids, read, now)
            .await?;
        no_content()
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `PUT /v1/entries/{id}/bookmark`: stars the entry, or unstars it if starred.
async fn toggle_bookmark(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let id = ArticleId(parse_id(&id)?);
        let reading = state.store.reading();
        let item = reading
            .items_by_id(user.id, &[id])
            .await?
            .into_iter()
            .next()
            .ok_or(MfError::NotFound)?;
        let now = state.people.clock.now_secs();
        reading
            .set_starred(user.id, &[id], item.starred_at.is_none(), now)
            .await?;
        no_content()
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn a_message_becomes_a_sentence_whatever_its_first_letter() {
        assert_eq!(
            sentence("the page could not be fetched"),
            "The page could not be fetched"
        );
        assert_eq!(sentence("éxito"), "Éxito");
        assert_eq!(sentence("\"x\" is not a URL"), "\"x\" is not a URL");
        assert_eq!(sentence(""), "");
    }
}
