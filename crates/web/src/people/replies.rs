//! Replies to a reader's comments: the page `/replies` (newest first, paged; opening it marks
//! every reply seen), its JSON twin `GET /api/v1/me/replies`, and the unread count the
//! header shows a signed-in reader ("Replies · 3", see [`super::session::viewer_layer`]).
//!
//! Which replies a reader is told about is the store's rule ([`tidings_store::Replies`]):
//! readable by everyone, by an active account, not the reader's own. Everything here is
//! per reader, so nothing of it reaches a page served to anonymous readers.

use super::client_ip::ClientIp;
use super::limits::Action;
use super::session::{self, Viewer};
use super::{PeopleError, markdown};
use crate::api::ApiError;
use crate::api::page::{PageQuery, PageRequest};
use crate::base_url::site_base;
use crate::pages::{Age, article_href, excerpt};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tidings_model::{CommentState, CommentTarget};
use tidings_store::Reply;

/// Replies on one page of `/replies`.
pub(crate) const PER_PAGE: i64 = 20;
/// The last page number `/replies` serves.
const MAX_PAGE: i64 = 10_000;
/// The longest excerpt of the reader's own comment, in characters.
const EXCERPT_CHARS: usize = 160;

/// The path of the page a reply is on, if that page still exists.
fn page_path(reply: &Reply) -> Option<String> {
    let title = reply.target_title.as_deref()?;
    Some(match reply.target {
        CommentTarget::Article(id) => article_href(id, title),
        CommentTarget::Story(id) => format!("/story/{id}"),
    })
}

/// The path that leads to a comment in its thread (see `GET /comments/{id}`).
fn thread_path(reply: &Reply) -> String {
    format!("/comments/{}", reply.id)
}

/// What the reader's own comment said, short: its words on one line, cut at a word, or why
/// there are none.
fn own_excerpt(reply: &Reply) -> String {
    if reply.parent_state == CommentState::Deleted || reply.parent_source.is_empty() {
        return "(your comment was deleted)".into();
    }
    let text = markdown::plain_text(&reply.parent_source)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    excerpt(&text, EXCERPT_CHARS)
}

fn author(reply: &Reply) -> String {
    if reply.author.is_empty() {
        "[deleted]".into()
    } else {
        reply.author.clone()
    }
}

/// One reply as the page shows it.
struct ReplyView {
    id: i64,
    author: String,
    age: Age,
    edited: bool,
    body_html: String,
    own_excerpt: String,
    own_hidden: bool,
    page_title: String,
    page_href: Option<String>,
    thread_href: String,
    new: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "replies.html")]
struct RepliesPage {
    site_name: String,
    replies: Vec<ReplyView>,
    /// How many replies were new when the page was opened.
    new_count: usize,
    page: i64,
    newer: Option<String>,
    older: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct PageParam {
    #[serde(default)]
    page: Option<String>,
}

/// One page of the viewer's replies (one more read, to tell whether another page follows).
async fn replies_page(
    state: &AppState,
    viewer: &Viewer,
    request: PageRequest,
) -> Result<(Vec<Reply>, bool), PeopleError> {
    let mut replies = state
        .store
        .replies()
        .list(viewer.user.id, request.per_page + 1, request.offset())
        .await?;
    let more = replies.len() as i64 > request.per_page;
    replies.truncate(request.per_page as usize);
    Ok((replies, more))
}

fn page_href(page: i64) -> String {
    if page <= 1 {
        "/replies".into()
    } else {
        format!("/replies?page={page}")
    }
}

/// `GET /replies`: the replies to the reader's comments, newest first; opening it marks
/// them all seen (the ones new until now are marked "new" on it). Anonymous readers are
/// sent to log in.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageParam>,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let Some(viewer) = session::viewer(&state, &headers).await? else {
            return Ok(Redirect::to("/login?next=/replies").into_response());
        };
        let request = PageRequest {
            page: query
                .page
                .as_deref()
                .and_then(|p| p.trim().parse::<i64>().ok())
                .unwrap_or(1)
                .clamp(1, MAX_PAGE),
            per_page: PER_PAGE,
        };
        let seen = state.store.replies().mark_seen(viewer.user.id).await?;
        let (replies, more) = replies_page(&state, &viewer, request).await?;
        let now = state.people.clock.now_secs();
        let replies: Vec<ReplyView> = replies
            .iter()
            .map(|r| ReplyView {
                id: r.id.0,
                author: author(r),
                age: Age::of(r.created_at, now),
                edited: r.edited_at.is_some(),
                body_html: r.body_html.clone(),
                own_excerpt: own_excerpt(r),
                own_hidden: r.parent_state == CommentState::Hidden,
                page_title: r
                    .target_title
                    .clone()
                    .unwrap_or_else(|| "a page that was removed".into()),
                page_href: page_path(r),
                thread_href: thread_path(r),
                new: r.id > seen,
            })
            .collect();
        Ok(RepliesPage {
            site_name: state.site_name.clone(),
            new_count: replies.iter().filter(|r| r.new).count(),
            replies,
            page: request.page,
            newer: (request.page > 1).then(|| page_href(request.page - 1)),
            older: more.then(|| page_href(request.page + 1)),
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// A reply as the API shows it.
#[derive(Serialize)]
struct ReplyJson {
    id: i64,
    author: String,
    body_html: String,
    created_at: i64,
    edited_at: Option<i64>,
    /// Written after the reader last opened `/replies`.
    unread: bool,
    /// Where it leads to in its thread.
    url: String,
    in_reply_to: InReplyTo,
    page: PageRef,
}

/// The reader's comment a reply answers.
#[derive(Serialize)]
struct InReplyTo {
    id: i64,
    excerpt: String,
    state: &'static str,
}

/// The page a reply is on.
#[derive(Serialize)]
struct PageRef {
    kind: &'static str,
    id: i64,
    title: Option<String>,
    url: Option<String>,
}

/// The API's answer: the unread count and a page of replies.
#[derive(Serialize)]
struct ReplyList {
    unread: i64,
    page: i64,
    per_page: i64,
    has_more: bool,
    items: Vec<ReplyJson>,
}

/// `GET /api/v1/me/replies` (session cookie): the replies to the reader's comments, newest
/// first, paged like the other lists, with how many are unread (up to the store's cap).
/// Reading it marks nothing seen: that is what opening `/replies` does.
pub(crate) async fn api_list(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        state.people.limits.check(Action::Api, ip, None)?;
        let viewer = session::viewer(&state, &headers)
            .await?
            .ok_or(PeopleError::LoginRequired)?;
        let request = PageRequest::from_query(&query).map_err(|e| match e {
            ApiError::BadRequest(m) => PeopleError::BadRequest(m),
            other => PeopleError::Internal(format!("{other:?}")),
        })?;
        let seen = state.store.replies().seen(viewer.user.id).await?;
        let unread = state.store.replies().unread(viewer.user.id).await?;
        let (replies, has_more) = replies_page(&state, &viewer, request).await?;
        let base = site_base(state.base_url.as_deref(), &headers);
        let items = replies
            .iter()
            .map(|r| ReplyJson {
                id: r.id.0,
                author: author(r),
                body_html: r.body_html.clone(),
                created_at: r.created_at,
                edited_at: r.edited_at,
                unread: r.id > seen,
                url: format!("{base}{}", thread_path(r)),
                in_reply_to: InReplyTo {
                    id: r.parent_id.0,
                    excerpt: if r.parent_state == CommentState::Deleted {
                        String::new()
                    } else {
                        own_excerpt(r)
                    },
                    state: r.parent_state.as_str(),
                },
                page: PageRef {
                    kind: r.target.kind(),
                    id: r.target.id(),
                    title: r.target_title.clone(),
                    url: page_path(r).map(|p| format!("{base}{p}")),
                },
            })
            .collect();
        let body = ReplyList {
            unread,
            page: request.page,
            per_page: request.per_page,
            has_more,
            items,
        };
        let bytes = serde_json::to_vec(&body).map_err(|e| PeopleError::Internal(e.to_string()))?;
        let mut response = (
            [(header::CONTENT_TYPE, "application/json")],
            crate::feeds_out::json_without_markup(&bytes),
        )
            .into_response();
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        Ok(response)
    }
    .await;
    result.unwrap_or_else(PeopleError::json)
}
