//! The Fever API (`/fever/?api`, also at FreshRSS's `/api/fever.php`), as its clients
//! (Reeder, Unread, ReadKit, FluxNews…) use it.
//!
//! Every request is a `POST` with `api_key` = `md5("name:key")` (the account name and an API
//! key from the settings page; see [`super::new_key`] for what is stored). Flags in the query
//! string say what to answer: `groups`, `feeds`, `favicons`, `items` (`since_id`, `max_id`,
//! `with_ids`; 50 at a time), `links`, `unread_item_ids`, `saved_item_ids`, and `mark`
//! (`item`, `feed` or `group`; `as` = `read`, `unread`, `saved`, `unsaved`; `id`; `before`).
//! `before` is the time of the client's last `items` request, so it bounds when items
//! *arrived* (were fetched): an item fetched after it was never sent to the client and
//! stays unread, however early its outlet dated it.
//!
//! As the protocol defines it, a wrong key is answered `200` with `"auth": 0`, which is what
//! clients test. Groups are the account's folders; group `0` (Fever's Kindling) is every
//! subscription, and group `-1` (Sparks) is empty, as Tidings has no Sparks. Items fold
//! copies (an original and its copies are one item; marking it marks them all) and carry a
//! `story_id` field besides Fever's own, for clients that want the grouping.
//!
//! A method other than `GET` and `POST` is `405` with Fever's JSON and an `Allow` header.

use super::{AuthError, item_html, user_by_fever_key};
use crate::people::client_ip::ClientIp;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use serde_json::{Map, Value, json};
use tidings_model::{ArticleId, SourceId, User};
use tidings_store::{Item, ItemOrder, ItemQuery, ItemScope, StoreError, Subscription};

/// Items per `items` answer, as Fever defines it.
const PAGE: i64 = 50;

/// The Fever routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/fever", post(fever).get(fever))
        .route("/fever/", post(fever).get(fever))
        .route("/api/fever.php", post(fever).get(fever))
        // Set before the catch-all below, which answers every method itself.
        .method_not_allowed_fallback(method_not_allowed)
        .route("/api/fever.php/{*rest}", any(unknown_path))
}

/// A path below `/api/fever.php`, which has none: `404` with Fever's JSON (`auth: 0`, as no
/// key was checked), not the JSON API's error its `/api` prefix would otherwise give.
async fn unknown_path() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({ "api_version": 3, "auth": 0, "error": "not found" }),
    )
}

/// Any method but `GET` and `POST`: `405` with Fever's JSON (`auth: 0`, as no key was
/// checked, and an `error`), and the `Allow` header axum adds to a method router's fallback.
async fn method_not_allowed() -> Response {
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({ "api_version": 3, "auth": 0, "error": "method not allowed" }),
    )
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

/// The answer to a refused login: `auth: 0`, or `429` when the throttle holds.
fn refused(err: AuthError) -> Response {
    match err {
        AuthError::Unauthorized => {
            json_response(StatusCode::OK, &json!({ "api_version": 3, "auth": 0 }))
        }
        AuthError::TooMany(_) => {
            let retry = err.retry_after_secs().unwrap_or(1).to_string();
            let mut response = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({ "api_version": 3, "auth": 0 }),
            );
            if let Ok(value) = HeaderValue::from_str(&retry) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        AuthError::Store(err) => internal(&err),
    }
}

fn internal(err: &StoreError) -> Response {
    tracing::error!(%err, "Fever API request failed");
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!({ "api_version": 3, "auth": 0, "error": "internal error" }),
    )
}

/// `/fever/?api…`.
async fn fever(
    State(state): State<AppState>,
    ip: ClientIp,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    pairs.extend(url::form_urlencoded::parse(&body).into_owned());
    let Some(key) = get(&pairs, "api_key") else {
        return refused(AuthError::Unauthorized);
    };
    let user = match user_by_fever_key(&state, ip, key).await {
        Ok(user) => user,
        Err(err) => return refused(err),
    };
    match answer(&state, &user, &pairs).await {
        Ok(Ok(body)) => json_response(StatusCode::OK, &Value::Object(body)),
        Ok(Err(problem)) => json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "api_version": 3, "auth": 1, "error": problem }),
        ),
        Err(err) => internal(&err),
    }
}

/// The first value of parameter `key`.
fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Builds the answer to an authenticated request; `Ok(Err(…))` for a malformed one.
async fn answer(
    state: &AppState,
    user: &User,
    pairs: &[(String, String)],
) -> Result<Result<Map<String, Value>, &'static str>, StoreError> {
    let get = |key: &str| get(pairs, key);
    let has = |key: &str| pairs.iter().any(|(k, _)| k == key);
    let reading = state.store.reading();
    let now = state.people.clock.now_secs();
    let mut out = Map::new();
    out.insert("api_version".into(), json!(3));
    out.insert("auth".into(), json!(1));
    out.insert("last_refreshed_on_time".into(), json!(now));

    // Marks first, so the lists below show their effect.
    if let Some(kind) = get("mark") {
        let Some(id) = get("id").and_then(|v| v.parse::<i64>().ok()) else {
            return Ok(Err("mark needs a numeric id"));
        };
        let before = get("before").and_then(|v| v.parse::<i64>().ok());
        match (kind, get("as").unwrap_or("")) {
            ("item", "read") => {
                reading
                    .set_read(user.id, &[ArticleId(id)], true, now)
                    .await?;
            }
            ("item", "unread") => {
                reading
                    .set_read(user.id, &[ArticleId(id)], false, now)
                    .await?;
            }
            ("item", "saved") => {
                reading
                    .set_starred(user.id, &[ArticleId(id)], true, now)
                    .await?;
            }
            ("item", "unsaved") => {
                reading
                    .set_starred(user.id, &[ArticleId(id)], false, now)
                    .await?;
            }
            ("feed", "read") => {
                reading
                    .mark_all_read(user.id, ItemScope::Source(SourceId(id)), before, now)
                    .await?;
            }
            // Group 0 is Kindling (every subscription); -1 is Sparks, the feeds Fever
            // keeps apart from Kindling. Tidings has no Sparks, so that group (and any
            // other negative id) holds no items and marks nothing.
            ("group", "read") if id < 0 => {}
            ("group", "read") => {
                let scope = if id == 0 {
                    ItemScope::Subscribed
                } else {
                    ItemScope::Folder(id)
                };
                reading.mark_all_read(user.id, scope, before, now).await?;
            }
            _ => {
                return Ok(Err(
                    "mark must be item, feed or group, as read, unread, saved or unsaved",
                ));
            }
        }
        if kind == "item" && matches!(get("as"), Some("saved" | "unsaved")) {
            out.insert(
                "saved_item_ids".into(),
                json!(saved_ids(state, user).await?),
            );
        } else {
            out.insert(
                "unread_item_ids".into(),
                json!(unread_ids(state, user).await?),
            );
        }
    }

    if has("groups") || has("feeds") {
        let subs = reading.subscriptions(user.id).await?;
        if has("groups") {
            let groups: Vec<Value> = reading
                .folders(user.id)
                .await?
                .iter()
                .map(|f| json!({ "id": f.id, "title": f.title }))
                .collect();
            out.insert("groups".into(), json!(groups));
        }
        if has("feeds") {
            let feeds: Vec<Value> = subs
                .iter()
                .map(|s| {
                    json!({
                        "id": s.source_id.0,
                        "favicon_id": s.icon_id.unwrap_or(0),
                        "title": s.shown_title(),
                        "url": tidings_model::public_feed_url(&s.url),
                        "site_url": s.site_url.clone().unwrap_or_default(),
                        "is_spark": 0,
                        "last_updated_on_time": now,
                    })
                })
                .collect();
            out.insert("feeds".into(), json!(feeds));
        }
        out.insert("feeds_groups".into(), json!(feeds_groups(&subs)));
    }
    if has("favicons") {
        // The icons of the feeds the account follows, each once (feeds may share one).
        let subs = reading.subscriptions(user.id).await?;
        let with_icon: Vec<SourceId> = subs
            .iter()
            .filter(|s| s.icon_id.is_some())
            .map(|s| s.source_id)
            .collect();
        let mut favicons: Vec<Value> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for icon in state.store.source_icons().with_data(&with_icon).await? {
            if seen.insert(icon.icon.icon_id) {
                favicons.push(json!({
                    "id": icon.icon.icon_id,
                    "data": format!("{};base64,{}", icon.icon.content_type, icon.icon.data_base64),
                }));
            }
        }
        out.insert("favicons".into(), json!(favicons));
    }
    if has("links") {
        out.insert("links".into(), json!([]));
    }
    if has("items") {
        let items = if let Some(ids) = get("with_ids") {
            let ids: Option<Vec<ArticleId>> = ids
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .take(PAGE as usize)
                .map(|s| s.trim().parse::<i64>().ok().map(ArticleId))
                .collect();
            let Some(ids) = ids else {
                return Ok(Err("with_ids must be numbers separated by commas"));
            };
            reading.items_by_id(user.id, &ids).await?
        } else {
            let mut query = ItemQuery {
                limit: PAGE,
                ..ItemQuery::default()
            };
            if let Some(max) = get("max_id").and_then(|v| v.parse::<i64>().ok()) {
                query.before_id = Some(max);
                query.order = ItemOrder::IdDescending;
            } else {
                query.after_id = get("since_id").and_then(|v| v.parse::<i64>().ok());
                query.order = ItemOrder::IdAscending;
            }
            reading.items(user.id, &query).await?
        };
        let total = reading.count(user.id, &ItemQuery::default()).await?;
        out.insert("total_items".into(), json!(total));
        let list: Vec<Value> = items.iter().map(|i| item_json(state, i)).collect();
        out.insert("items".into(), json!(list));
    }
    if has("unread_item_ids") {
        out.insert(
            "unread_item_ids".into(),
            json!(unread_ids(state, user).await?),
        );
    }
    if has("saved_item_ids") {
        out.insert(
            "saved_item_ids".into(),
            json!(saved_ids(state, user).await?),
        );
    }
    Ok(Ok(out))
}

/// `feeds_groups`: each folder with its feeds' ids, comma-separated.
fn feeds_groups(subs: &[Subscription]) -> Vec<Value> {
    let mut groups: Vec<(i64, Vec<String>)> = Vec::new();
    for s in subs {
        match groups.iter_mut().find(|(id, _)| *id == s.folder.id) {
            Some((_, feeds)) => feeds.push(s.source_id.0.to_string()),
            None => groups.push((s.folder.id, vec![s.source_id.0.to_string()])),
        }
    }
    groups
        .into_iter()
        .map(|(id, feeds)| json!({ "group_id": id, "feed_ids": feeds.join(",") }))
        .collect()
}

fn joined(ids: &[ArticleId]) -> String {
    ids.iter()
        .map(|id| id.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

async fn unread_ids(state: &AppState, user: &User) -> Result<String, StoreError> {
    let query = ItemQuery {
        read: Some(false),
        order: ItemOrder::IdAscending,
        ..ItemQuery::default()
    };
    Ok(joined(
        &state.store.reading().item_ids(user.id, &query).await?,
    ))
}

async fn saved_ids(state: &AppState, user: &User) -> Result<String, StoreError> {
    let query = ItemQuery {
        scope: Some(ItemScope::Starred),
        order: ItemOrder::IdAscending,
        ..ItemQuery::default()
    };
    Ok(joined(
        &state.store.reading().item_ids(user.id, &query).await?,
    ))
}

/// An item as Fever defines it, with the story it belongs to.
fn item_json(state: &AppState, item: &Item) -> Value {
    let l = &item.listing;
    let a = &l.article;
    json!({
        "id": a.id.0,
        "feed_id": a.source_id.0,
        "title": a.content.title,
        "author": a.content.byline.clone().unwrap_or_default(),
        "html": item_html(l, state.display),
        "url": a.content.url,
        "is_saved": i32::from(item.starred_at.is_some()),
        "is_read": i32::from(item.read_at.is_some()),
        "created_on_time": item.sort_at,
        "story_id": a.story_id.map(|s| s.0),
    })
}
