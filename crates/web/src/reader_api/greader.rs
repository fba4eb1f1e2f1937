//! The Google Reader API, the subset FreshRSS and Miniflux serve and their apps use
//! (NetNewsWire, Reeder, Read You, FeedMe, NewsFlash…).
//!
//! - Served at the root and under `/api/greader.php` (FreshRSS's path).
//! - `POST /accounts/ClientLogin` with `Email` (the account name) and `Passwd` (an API key)
//!   answers `SID=…`, `LSID=…`, `Auth=…`; later requests send `Authorization: GoogleLogin
//!   auth=<Auth>`. The `Auth` value is the API key itself, so revoking the key logs the app
//!   out.
//! - `GET /reader/api/0/token` hands out the write token clients send as `T`. Since every
//!   request is authenticated by its header, never by a cookie, a forged cross-site request
//!   cannot carry credentials, and `T` is accepted without a check (as Miniflux does).
//! - Streams: `user/-/state/com.google/reading-list` (every subscription), `…/starred`,
//!   `…/read`, `feed/<source id>`, `user/-/label/<folder>`, and **`tidings/story/<id>`**:
//!   one story's articles, copies folded. Each item lists its story stream among its
//!   `categories`, so an app (or a script) can group by story.
//! - Item ids are the long form `tag:google.com,2005:reader/item/<16 hex digits>` in
//!   contents, the decimal short form in `stream/items/ids`; both are accepted everywhere.
//! - Pages: `n` items (default 20, at most 1000) and an opaque `continuation` token while
//!   more remain; `r=o` is oldest first; `xt=…/read` leaves out read items, `it=…/starred`
//!   keeps only starred ones; `ot`/`nt` bound the time (seconds) an item *arrived* (was
//!   fetched, the `crawlTimeMsec` of each item), not the time its outlet dated it: a
//!   client syncing with `ot` = its last sync gets every item fetched since, however old
//!   its date. `mark-all-as-read`'s `ts` is an arrival time too.
//! - Subscriptions move as OPML: `subscription/export`, and `subscription/import` with the
//!   file as the body (as the site's own import: at most 2 MB and 2,000 feeds).
//! - Labels are folders: `rename-tag` renames one (onto a name another folder has already
//!   is refused with a `400`: folders are never merged silently), `disable-tag` deletes one
//!   and files its feeds in the default folder `All`, as FreshRSS does (`All` itself stays).
//! - A known path asked with a method it does not take is `405`, in plain text as the other
//!   refusals, with an `Allow` header naming the methods it takes; an unknown path under
//!   `/reader/api/0/` or `/api/greader.php` is `404` in plain text too.

use super::{
    AuthError, DEFAULT_FOLDER, SourceError, check_write_limit, default_folder, folder_title,
    item_html, own_feed_title, source_for_url, user_by_key,
};
use crate::people::client_ip::ClientIp;
use crate::reading::portability::{ImportError, MAX_OPML_BYTES, export_response, import_opml};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};
use tidings_model::{ArticleId, SourceId, StoryId, User};
use tidings_store::{Item, ItemOrder, ItemQuery, ItemScope, StoreError, Subscription};

const ITEM_PREFIX: &str = "tag:google.com,2005:reader/item/";
const READING_LIST: &str = "user/-/state/com.google/reading-list";
const STARRED: &str = "user/-/state/com.google/starred";
const READ: &str = "user/-/state/com.google/read";
const LABEL: &str = "user/-/label/";
const STORY: &str = "tidings/story/";
const DEFAULT_PAGE: i64 = 20;
const MAX_PAGE: i64 = 1000;

/// The Google Reader routes, at the root and under `/api/greader.php`, where FreshRSS serves
/// them (apps set up for a FreshRSS account add that path themselves). Any other path under
/// those prefixes is the API's own `404` (see [`unknown_path`]).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(routes())
        .nest("/api/greader.php", routes())
        .route("/api/greader.php", any(unknown_path))
        .route("/api/greader.php/", any(unknown_path))
        .route("/api/greader.php/{*rest}", any(unknown_path))
}

fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/accounts/ClientLogin",
            get(client_login).post(client_login),
        )
        .route("/reader/api/0/token", get(token).post(token))
        .route("/reader/api/0/user-info", get(user_info))
        .route("/reader/api/0/subscription/list", get(subscription_list))
        .route("/reader/api/0/subscription/edit", post(subscription_edit))
        .route(
            "/reader/api/0/subscription/quickadd",
            post(subscription_quickadd),
        )
        .route("/reader/api/0/tag/list", get(tag_list))
        .route("/reader/api/0/unread-count", get(unread_count))
        .route("/reader/api/0/stream/contents", get(stream_contents_query))
        .route(
            "/reader/api/0/stream/contents/{*stream}",
            get(stream_contents),
        )
        .route("/reader/api/0/stream/items/ids", get(items_ids))
        .route(
            "/reader/api/0/stream/items/contents",
            get(items_contents).post(items_contents),
        )
        .route("/reader/api/0/edit-tag", post(edit_tag))
        .route("/reader/api/0/mark-all-as-read", post(mark_all_as_read))
        .route(
            "/reader/api/0/subscription/export",
            get(subscription_export),
        )
        .route(
            "/reader/api/0/subscription/import",
            post(subscription_import).layer(DefaultBodyLimit::max(MAX_OPML_BYTES)),
        )
        .route("/reader/api/0/rename-tag", post(rename_tag))
        .route("/reader/api/0/disable-tag", post(disable_tag))
        // Set before the catch-all below, which answers every method itself.
        .method_not_allowed_fallback(method_not_allowed)
        .route("/reader/api/0/{*rest}", any(unknown_path))
}

/// Any other path under the API's prefixes: `404` in plain text, as the API's other
/// refusals, rather than the site's HTML page or the JSON API's error under `/api` (a
/// slashed path is first sent to the path without the slash, as everywhere on the site).
async fn unknown_path(uri: axum::http::Uri) -> Response {
    if let Some(redirect) = crate::trailing_slash::redirect(&uri) {
        return redirect;
    }
    GrError::NotFound.into_response()
}

/// A known path asked with a method it does not take: `405` in plain text, as the API's
/// other refusals, with the `Allow` header axum adds to a method router's fallback.
async fn method_not_allowed() -> Response {
    GrError::MethodNotAllowed.into_response()
}

/// A refusal or failure, as Google Reader servers answer them (plain text).
enum GrError {
    Auth(AuthError),
    BadRequest(&'static str),
    NotFound,
    MethodNotAllowed,
    Internal(String),
}

impl From<AuthError> for GrError {
    fn from(err: AuthError) -> Self {
        GrError::Auth(err)
    }
}

impl From<StoreError> for GrError {
    fn from(err: StoreError) -> Self {
        GrError::Internal(err.to_string())
    }
}

impl IntoResponse for GrError {
    fn into_response(self) -> Response {
        match self {
            GrError::Auth(AuthError::Unauthorized) => {
                (StatusCode::UNAUTHORIZED, "Error=BadAuthentication\n").into_response()
            }
            GrError::Auth(err @ AuthError::TooMany(_)) => {
                let retry = err.retry_after_secs().unwrap_or(1).to_string();
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, "Too many requests\n").into_response();
                if let Ok(value) = HeaderValue::from_str(&retry) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
            GrError::Auth(AuthError::Store(err)) => {
                GrError::Internal(err.to_string()).into_response()
            }
            GrError::BadRequest(why) => (StatusCode::BAD_REQUEST, why).into_response(),
            GrError::NotFound => (StatusCode::NOT_FOUND, "Not found\n").into_response(),
            GrError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n").into_response()
            }
            GrError::Internal(err) => {
                tracing::error!(%err, "Google Reader API request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error\n").into_response()
            }
        }
    }
}

/// The request's parameters: the query string's and a form body's, in order, repeated keys
/// kept (`i=…&i=…`).
fn params(query: Option<&str>, body: &[u8]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    pairs.extend(url::form_urlencoded::parse(body).into_owned());
    pairs
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn all<'a>(pairs: &'a [(String, String)], key: &'a str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The account behind `Authorization: GoogleLogin auth=<key>`.
async fn authed(state: &AppState, ip: ClientIp, headers: &HeaderMap) -> Result<User, GrError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("GoogleLogin"))
        .and_then(|v| v.trim().strip_prefix("auth="))
        .map(|v| v.rsplit('/').next().unwrap_or(v).trim().to_string())
        .ok_or(GrError::Auth(AuthError::Unauthorized))?;
    Ok(user_by_key(state, ip, &token).await?)
}

fn json_response(value: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

fn ok_text() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "OK").into_response()
}

/// `/accounts/ClientLogin`: `Email` and `Passwd` (form or query).
async fn client_login(
    State(state): State<AppState>,
    ip: ClientIp,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let pairs = params(query.as_deref(), &body);
    let (Some(name), Some(key)) = (param(&pairs, "Email"), param(&pairs, "Passwd")) else {
        return GrError::Auth(AuthError::Unauthorized).into_response();
    };
    match super::user_by_login(&state, ip, name, key).await {
        Ok(_) => {
            let key = key.trim();
            let text = format!("SID={key}\nLSID={key}\nAuth={key}\n");
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        }
        Err(err) => GrError::Auth(err).into_response(),
    }
}

/// `/reader/api/0/token`: the write token (see the module's note on `T`).
async fn token(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    match authed(&state, ip, &headers).await {
        Ok(user) => {
            let token = crate::people::tokens::hash_token(&format!("greader-post:{}", user.id));
            (
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                token[..57].to_string(),
            )
                .into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// `/reader/api/0/user-info`.
async fn user_info(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    match authed(&state, ip, &headers).await {
        Ok(user) => json_response(&json!({
            "userId": user.id.0.to_string(),
            "userName": user.name,
            "userProfileId": user.id.0.to_string(),
            "userEmail": "",
        })),
        Err(err) => err.into_response(),
    }
}

/// `/reader/api/0/subscription/list`.
async fn subscription_list(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let subs = state.store.reading().subscriptions(user.id).await?;
        let base = crate::base_url::site_base(state.base_url.as_deref(), &headers);
        let list: Vec<Value> = subs
            .iter()
            .map(|s| {
                let icon = s
                    .icon_id
                    .map(|_| format!("{base}/source/{}/icon", s.source_id.0))
                    .unwrap_or_default();
                json!({
                    "id": format!("feed/{}", s.source_id.0),
                    "title": s.shown_title(),
                    "categories": [{
                        "id": format!("{LABEL}{}", s.folder.title),
                        "label": s.folder.title,
                    }],
                    "url": tidings_model::public_feed_url(&s.url),
                    "htmlUrl": s.site_url.clone().unwrap_or_default(),
                    "iconUrl": icon,
                    "sortid": format!("{:08X}", s.source_id.0),
                    "firstitemmsec": (s.created_at * 1000).to_string(),
                })
            })
            .collect();
        Ok::<_, GrError>(json_response(&json!({ "subscriptions": list })))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// A stream id's source: `feed/<id>` for one of ours.
fn feed_id(stream: &str) -> Option<SourceId> {
    stream
        .strip_prefix("feed/")
        .and_then(|rest| rest.parse::<i64>().ok())
        .map(SourceId)
}

/// The folder a label stream names (`user/-/label/News` or `user/123/label/News`).
fn label_name(stream: &str) -> Option<&str> {
    let rest = stream.strip_prefix("user/")?;
    let (_, label) = rest.split_once("/label/")?;
    (!label.is_empty()).then_some(label)
}

/// A state stream's state name (`reading-list`, `starred`, `read`, …).
fn state_name(stream: &str) -> Option<&str> {
    let rest = stream.strip_prefix("user/")?;
    rest.split_once("/state/com.google/").map(|(_, s)| s)
}

/// `/reader/api/0/subscription/edit`: `ac` = `subscribe`, `unsubscribe` or `edit`; `s` the
/// feed (`feed/<id>` or `feed/<url>`); `a` a label to file it in, `r` one to take it out of;
/// `t` the reader's own title for it (see [`own_feed_title`]: the shared source keeps its
/// name; an empty `t` changes nothing, as FreshRSS ignores it; a bad one is `400` and
/// changes nothing).
async fn subscription_edit(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let action = param(&pairs, "ac").unwrap_or("edit");
        let now = state.people.clock.now_secs();
        let reading = state.store.reading();
        // Titles pair with streams by position (`s=A&t=One&s=B&t=Two`), as FreshRSS reads them.
        let titles: Vec<&str> = all(&pairs, "t").collect();
        for (index, stream) in all(&pairs, "s").enumerate() {
            let source = match feed_id(stream) {
                Some(id) => id,
                None => {
                    let url = stream
                        .strip_prefix("feed/")
                        .ok_or(GrError::BadRequest("s must be feed/<id> or feed/<url>\n"))?;
                    if action != "subscribe" {
                        match state.store.sources().find_by_url(url).await? {
                            Some(s) => s.id,
                            None => return Err(GrError::NotFound),
                        }
                    } else {
                        add_source(&state, &user, url).await?
                    }
                }
            };
            match action {
                "subscribe" | "edit" => {
                    let Some(outlet) = state.store.sources().get(source).await? else {
                        return Err(GrError::NotFound);
                    };
                    let title = match titles.get(index).filter(|t| !t.trim().is_empty()) {
                        None => None,
                        Some(raw) => match own_feed_title(raw, &outlet.display_name()) {
                            Some(title) => Some(title),
                            // A subscription never fails for its title: the outlet's name
                            // stays.
                            None if action == "subscribe" => None,
                            None => {
                                return Err(GrError::BadRequest(
                                    "a feed's title has at most 200 characters, none of them \
                                     control characters\n",
                                ));
                            }
                        },
                    };
                    let subscribed = reading.subscription(user.id, source).await?;
                    if action == "edit" && subscribed.is_none() {
                        return Err(GrError::NotFound);
                    }
                    let folder = match param(&pairs, "a").and_then(label_name) {
                        // The folder-name rule of rename-tag and of Miniflux categories.
                        Some(label) => {
                            let title = folder_title(label).ok_or(GrError::BadRequest(
                                "a label has at most 100 characters, none of them control \
                                 characters\n",
                            ))?;
                            reading.folder_named(user.id, title, now).await?.id
                        }
                        None => match (&subscribed, param(&pairs, "r").and_then(label_name)) {
                            (Some(s), None) => s.folder.id,
                            _ => default_folder(&state, user.id).await?,
                        },
                    };
                    reading.subscribe(user.id, source, folder, now).await?;
                    if let Some(title) = title {
                        reading.retitle(user.id, source, title).await?;
                    }
                }
                "unsubscribe" => {
                    reading.unsubscribe(user.id, source).await?;
                }
                _ => {
                    return Err(GrError::BadRequest(
                        "ac must be subscribe, unsubscribe or edit\n",
                    ));
                }
            }
        }
        Ok::<_, GrError>(ok_text())
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

async fn add_source(state: &AppState, user: &User, url: &str) -> Result<SourceId, GrError> {
    match source_for_url(state, user, url, None, None).await {
        Ok(source) => Ok(source.id),
        Err(SourceError::BadUrl) => Err(GrError::BadRequest("not an http(s) feed address\n")),
        Err(SourceError::PrivateAddress) => Err(GrError::BadRequest(concat!(
            super::private_address_refusal!(),
            "\n"
        ))),
        Err(SourceError::Store(err)) => Err(err.into()),
    }
}

/// `/reader/api/0/subscription/quickadd`: `quickadd` = a feed's address.
async fn subscription_quickadd(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let url = param(&pairs, "quickadd").ok_or(GrError::BadRequest("quickadd is missing\n"))?;
        let url = url.strip_prefix("feed/").unwrap_or(url);
        let source = match source_for_url(&state, &user, url, None, None).await {
            Ok(source) => source,
            Err(SourceError::Store(err)) => return Err(err.into()),
            Err(refused) => {
                return Ok::<_, GrError>(json_response(&json!({
                    "numResults": 0, "query": url, "error": refused.refusal(),
                })));
            }
        };
        let folder = default_folder(&state, user.id).await?;
        let now = state.people.clock.now_secs();
        state
            .store
            .reading()
            .subscribe(user.id, source.id, folder, now)
            .await?;
        Ok(json_response(&json!({
            "numResults": 1,
            "query": url,
            "streamId": format!("feed/{}", source.id.0),
            "streamName": source.name,
        })))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/tag/list`: the starred state and the account's folders.
async fn tag_list(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let mut tags = vec![json!({ "id": STARRED })];
        for folder in state.store.reading().folders(user.id).await? {
            tags.push(json!({ "id": format!("{LABEL}{}", folder.title), "type": "folder" }));
        }
        Ok::<_, GrError>(json_response(&json!({ "tags": tags })))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/unread-count`: unread items per subscription and in all, each the length
/// of that stream's unread list (`xt=…/read`). A copy whose original is in another
/// subscription is listed, and counted, in both feeds, but once in the reading list, so the
/// total is counted on its own rather than summed.
async fn unread_count(State(state): State<AppState>, ip: ClientIp, headers: HeaderMap) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let reading = state.store.reading();
        let counts = reading.unread_by_source(user.id).await?;
        let unread = ItemQuery {
            scope: Some(ItemScope::Subscribed),
            read: Some(false),
            ..ItemQuery::default()
        };
        let total = reading.count(user.id, &unread).await?;
        let mut list: Vec<Value> = counts
            .iter()
            .map(|(s, n)| json!({ "id": format!("feed/{}", s.0), "count": n }))
            .collect();
        list.push(json!({ "id": READING_LIST, "count": total }));
        Ok::<_, GrError>(json_response(&json!({ "max": 1000, "unreadcounts": list })))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// A parsed item id: the long hex form or the decimal short form.
pub(crate) fn parse_item_id(text: &str) -> Option<ArticleId> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix(ITEM_PREFIX) {
        return u64::from_str_radix(hex, 16)
            .ok()
            .and_then(|v| i64::try_from(v).ok())
            .map(ArticleId);
    }
    text.parse::<i64>().ok().filter(|v| *v > 0).map(ArticleId)
}

/// The long form of an item id.
pub(crate) fn long_item_id(id: ArticleId) -> String {
    format!("{ITEM_PREFIX}{:016x}", id.0)
}

/// What a stream and its filters ask for, as a store query.
fn stream_query(
    stream: &str,
    pairs: &[(String, String)],
    folders: &[tidings_store::Folder],
) -> Result<ItemQuery, GrError> {
    let mut query = ItemQuery::default();
    query.scope = Some(if let Some(source) = feed_id(stream) {
        ItemScope::Source(source)
    } else if let Some(label) = label_name(stream) {
        let folder = folders
            .iter()
            .find(|f| f.title == label)
            .ok_or(GrError::NotFound)?;
        ItemScope::Folder(folder.id)
    } else if let Some(story) = stream.strip_prefix(STORY) {
        ItemScope::Story(StoryId(
            story
                .parse()
                .map_err(|_| GrError::BadRequest("bad story id\n"))?,
        ))
    } else {
        match state_name(stream) {
            Some("reading-list") => ItemScope::Subscribed,
            Some("starred") => ItemScope::Starred,
            Some("read") => {
                query.read = Some(true);
                ItemScope::Subscribed
            }
            _ => return Err(GrError::NotFound),
        }
    });
    for exclude in all(pairs, "xt") {
        match state_name(exclude) {
            Some("read") => query.read = Some(false),
            Some("starred") => query.starred = Some(false),
            _ => {}
        }
    }
    for include in all(pairs, "it") {
        match state_name(include) {
            Some("read") => query.read = Some(true),
            Some("starred") => query.starred = Some(true),
            _ => {}
        }
    }
    if param(pairs, "r") == Some("o") {
        query.order = ItemOrder::OldestFirst;
    }
    query.limit = param(pairs, "n")
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(DEFAULT_PAGE)
        .clamp(1, MAX_PAGE);
    if let Some(t) = param(pairs, "ot").and_then(|t| t.parse::<i64>().ok()) {
        query.arrived_since = Some(t);
    }
    if let Some(t) = param(pairs, "nt").and_then(|t| t.parse::<i64>().ok()) {
        query.arrived_before = Some(t);
    }
    if let Some(c) = param(pairs, "c").filter(|c| !c.is_empty()) {
        query.after_key =
            Some(parse_continuation(c).ok_or(GrError::BadRequest("bad continuation\n"))?);
    }
    Ok(query)
}

/// A continuation token: the last item's shown time and id.
fn continuation(item: &Item) -> String {
    format!("{}-{}", item.sort_at, item.listing.article.id.0)
}

fn parse_continuation(text: &str) -> Option<(i64, i64)> {
    let (at, id) = text.rsplit_once('-')?;
    Some((at.parse().ok()?, id.parse().ok()?))
}

/// One page of a stream's items and the continuation after it, if more remain.
async fn stream_page(
    state: &AppState,
    user: &User,
    stream: &str,
    pairs: &[(String, String)],
) -> Result<(Vec<Item>, Option<String>), GrError> {
    let folders = state.store.reading().folders(user.id).await?;
    let mut query = stream_query(stream, pairs, &folders)?;
    let n = query.limit;
    query.limit = n + 1;
    let mut items = state.store.reading().items(user.id, &query).await?;
    let more = items.len() as i64 > n;
    items.truncate(n as usize);
    let next = if more {
        items.last().map(continuation)
    } else {
        None
    };
    Ok((items, next))
}

/// An item as Google Reader clients read it, `sub` the account's subscription to its outlet
/// (its folder is a label of the item, its title the origin's).
fn item_json(item: &Item, state: &AppState, sub: Option<&Subscription>) -> Value {
    let l = &item.listing;
    let a = &l.article;
    let mut categories = vec![READING_LIST.to_string()];
    if item.read_at.is_some() {
        categories.push(READ.to_string());
    }
    if item.starred_at.is_some() {
        categories.push(STARRED.to_string());
    }
    if let Some(sub) = sub {
        categories.push(format!("{LABEL}{}", sub.folder.title));
    }
    if let Some(story) = a.story_id {
        categories.push(format!("{STORY}{}", story.0));
    }
    let published = a.content.published_at.unwrap_or(item.sort_at);
    json!({
        "id": long_item_id(a.id),
        "crawlTimeMsec": (a.content.fetched_at * 1000).to_string(),
        "timestampUsec": (item.sort_at * 1_000_000).to_string(),
        "published": published,
        "updated": a.content.updated_at.unwrap_or(published),
        "title": a.content.title,
        "author": a.content.byline.clone().unwrap_or_default(),
        "canonical": [{ "href": a.content.url }],
        "alternate": [{ "href": a.content.url, "type": "text/html" }],
        "categories": categories,
        "origin": {
            "streamId": format!("feed/{}", a.source_id.0),
            "title": sub.map_or_else(|| l.source_name.clone(), Subscription::shown_title),
            "htmlUrl": "",
        },
        "summary": { "direction": "ltr", "content": item_html(l, state.display) },
    })
}

async fn contents_response(
    state: &AppState,
    user: &User,
    stream: &str,
    items: &[Item],
    next: Option<String>,
) -> Result<Response, GrError> {
    let subs = state.store.reading().subscriptions(user.id).await?;
    let sub_of = |source: SourceId| subs.iter().find(|s| s.source_id == source);
    let list: Vec<Value> = items
        .iter()
        .map(|i| item_json(i, state, sub_of(i.listing.article.source_id)))
        .collect();
    let now = state.people.clock.now_secs();
    let mut body = json!({
        "direction": "ltr",
        "id": stream,
        "title": stream,
        "updated": now,
        "items": list,
    });
    if let Some(next) = next {
        body["continuation"] = json!(next);
    }
    Ok(json_response(&body))
}

/// `/reader/api/0/stream/contents/{stream}`.
async fn stream_contents(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Path(stream): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    contents_of(&state, ip, &headers, &stream, query.as_deref())
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/stream/contents?s={stream}` (the reading list without `s`).
async fn stream_contents_query(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = params(query.as_deref(), &[]);
    let stream = param(&pairs, "s").unwrap_or(READING_LIST).to_string();
    contents_of(&state, ip, &headers, &stream, query.as_deref())
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn contents_of(
    state: &AppState,
    ip: ClientIp,
    headers: &HeaderMap,
    stream: &str,
    query: Option<&str>,
) -> Result<Response, GrError> {
    let user = authed(state, ip, headers).await?;
    let pairs = params(query, &[]);
    let (items, next) = stream_page(state, &user, stream, &pairs).await?;
    contents_response(state, &user, stream, &items, next).await
}

/// `/reader/api/0/stream/items/ids`: `s` the stream.
async fn items_ids(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &[]);
        let stream = param(&pairs, "s").ok_or(GrError::BadRequest("s is missing\n"))?;
        let (items, next) = stream_page(&state, &user, stream, &pairs).await?;
        let refs: Vec<Value> = items
            .iter()
            .map(|i| {
                let a = &i.listing.article;
                json!({
                    "id": a.id.0.to_string(),
                    "directStreamIds": [format!("feed/{}", a.source_id.0)],
                    "timestampUsec": (i.sort_at * 1_000_000).to_string(),
                })
            })
            .collect();
        let mut body = json!({ "itemRefs": refs });
        if let Some(next) = next {
            body["continuation"] = json!(next);
        }
        Ok::<_, GrError>(json_response(&body))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// The item ids `i` of a request; a malformed one is a `400`.
fn item_ids(pairs: &[(String, String)]) -> Result<Vec<ArticleId>, GrError> {
    all(pairs, "i")
        .map(|i| parse_item_id(i).ok_or(GrError::BadRequest("bad item id\n")))
        .collect()
}

/// `/reader/api/0/stream/items/contents`: the items `i`.
async fn items_contents(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let mut ids = item_ids(&pairs)?;
        // One answer holds at most a page of items, however many ids the body names.
        ids.truncate(MAX_PAGE as usize);
        let items = state.store.reading().items_by_id(user.id, &ids).await?;
        contents_response(&state, &user, READING_LIST, &items, None).await
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/edit-tag`: items `i`, tags to add `a` and to remove `r` (`…/read`,
/// `…/starred`). Marks reach every copy of an item.
async fn edit_tag(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let ids = item_ids(&pairs)?;
        if ids.is_empty() {
            return Err(GrError::BadRequest("i is missing\n"));
        }
        let now = state.people.clock.now_secs();
        let reading = state.store.reading();
        for (key, on) in [("a", true), ("r", false)] {
            for tag in all(&pairs, key) {
                match state_name(tag) {
                    Some("read") => {
                        reading.set_read(user.id, &ids, on, now).await?;
                    }
                    Some("kept-unread") if on => {
                        reading.set_read(user.id, &ids, false, now).await?;
                    }
                    Some("starred") => {
                        reading.set_starred(user.id, &ids, on, now).await?;
                    }
                    _ => {}
                }
            }
        }
        Ok::<_, GrError>(ok_text())
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/mark-all-as-read`: stream `s`, and `ts` (microseconds): only items older.
async fn mark_all_as_read(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let stream = param(&pairs, "s").ok_or(GrError::BadRequest("s is missing\n"))?;
        let folders = state.store.reading().folders(user.id).await?;
        let query = stream_query(stream, &[], &folders)?;
        let before = param(&pairs, "ts")
            .and_then(|t| t.parse::<i64>().ok())
            .map(|usec| usec / 1_000_000 + 1);
        let now = state.people.clock.now_secs();
        state
            .store
            .reading()
            .mark_all_read(
                user.id,
                query.scope.unwrap_or(ItemScope::Subscribed),
                before,
                now,
            )
            .await?;
        Ok::<_, GrError>(ok_text())
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/subscription/export`: the account's subscriptions as OPML, each in its
/// folder.
async fn subscription_export(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        export_response(&state, user.id)
            .await
            .map_err(|err| GrError::Internal(err.to_string()))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/subscription/import`: the body is an OPML file; every feed followed in its
/// folder, addresses that are not http(s) skipped. Not OPML, or too many feeds: `400`, and
/// nothing is imported.
async fn subscription_import(
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
            Ok(_) => Ok(ok_text()),
            Err(ImportError::NotOpml(_)) => Err(GrError::BadRequest("not an OPML file\n")),
            Err(ImportError::TooManyFeeds(_)) => Err(GrError::BadRequest(
                "too many feeds: at most 2000 at once\n",
            )),
            Err(ImportError::Store(err)) => Err(err.into()),
        }
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// The label a tag call names: `s` as a stream (`user/-/label/News`), else `t` as a bare
/// name (or a stream).
fn tag_label(pairs: &[(String, String)]) -> Option<&str> {
    match param(pairs, "s") {
        Some(stream) => label_name(stream),
        None => param(pairs, "t").map(|t| label_name(t).unwrap_or(t)),
    }
    .filter(|label| !label.is_empty())
}

/// One of the account's folders by name, or `404`.
async fn folder_by_label(
    state: &AppState,
    user: &User,
    label: &str,
) -> Result<tidings_store::Folder, GrError> {
    state
        .store
        .reading()
        .folders(user.id)
        .await?
        .into_iter()
        .find(|f| f.title == label)
        .ok_or(GrError::NotFound)
}

/// `/reader/api/0/rename-tag`: `s` the label, `dest` its new name (`user/-/label/New`).
/// Renaming onto the name of another of the account's folders is refused (`400`).
async fn rename_tag(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let from = tag_label(&pairs).ok_or(GrError::BadRequest("s must be a label\n"))?;
        let to = param(&pairs, "dest")
            .and_then(label_name)
            .map(str::trim)
            .filter(|to| !to.is_empty())
            .ok_or(GrError::BadRequest("dest must be a label\n"))?;
        let to = folder_title(to).ok_or(GrError::BadRequest(
            "dest must be at most 100 characters, none of them control characters\n",
        ))?;
        let folder = folder_by_label(&state, &user, from).await?;
        if folder.title == to {
            return Ok(ok_text());
        }
        match state
            .store
            .reading()
            .rename_folder(user.id, folder.id, to)
            .await
        {
            Ok(()) => Ok(ok_text()),
            Err(StoreError::AlreadyExists(_)) => Err(GrError::BadRequest(
                "another folder has that name already\n",
            )),
            Err(StoreError::NotFound(_)) => Err(GrError::NotFound),
            Err(err) => Err(err.into()),
        }
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `/reader/api/0/disable-tag`: `s` (or `t`) the label. The folder goes and its feeds are
/// filed in the default folder `All` (they stay subscribed); `All` itself cannot go.
async fn disable_tag(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let run = async {
        let user = authed(&state, ip, &headers).await?;
        let pairs = params(query.as_deref(), &body);
        let label = tag_label(&pairs).ok_or(GrError::BadRequest("s must be a label\n"))?;
        let folder = folder_by_label(&state, &user, label).await?;
        if folder.title == DEFAULT_FOLDER {
            return Err(GrError::BadRequest("the default folder All stays\n"));
        }
        let into = default_folder(&state, user.id).await?;
        if !state
            .store
            .reading()
            .dissolve_folder(user.id, folder.id, into)
            .await?
        {
            return Err(GrError::NotFound);
        }
        Ok::<_, GrError>(ok_text())
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_read_in_both_forms() {
        let id = ArticleId(171);
        assert_eq!(
            long_item_id(id),
            "tag:google.com,2005:reader/item/00000000000000ab"
        );
        assert_eq!(parse_item_id(&long_item_id(id)), Some(id));
        assert_eq!(parse_item_id("171"), Some(id));
        assert_eq!(parse_item_id("tag:google.com,2005:reader/item/zz"), None);
        assert_eq!(parse_item_id("-3"), None);
    }

    #[test]
    fn streams_name_feeds_labels_and_states() {
        assert_eq!(feed_id("feed/12"), Some(SourceId(12)));
        assert_eq!(feed_id("feed/https://x.example/feed"), None);
        assert_eq!(label_name("user/-/label/News"), Some("News"));
        assert_eq!(label_name("user/7/label/News"), Some("News"));
        assert_eq!(state_name("user/-/state/com.google/read"), Some("read"));
        assert_eq!(
            parse_continuation("1700000000-42"),
            Some((1_700_000_000, 42))
        );
        assert_eq!(parse_continuation("x"), None);
    }
}
