//! Replies to a reader's comments: the page `/replies` (newest first, paged, the unseen ones
//! marked "new"), its "Mark all as seen" button (`POST /replies/seen`), its JSON twin
//! `GET /api/v1/me/replies`, and the unread count the header shows a signed-in reader
//! ("Replies · 3", see [`super::session::viewer_layer`]).
//!
//! Opening the page changes nothing: a `GET` that marked replies seen would let any other
//! site mark them by linking to it (or an `<img>` loading it). Replies stay new, on the page
//! and in the header's count, until the reader presses the button, a `POST` with the
//! session's CSRF token and the origin check every form has. The button carries the newest
//! reply the page was rendered with, so one that arrived while the reader was reading stays
//! new.
//!
//! Which replies a reader is told about is the store's rule ([`tidings_store::Replies`]):
//! readable by everyone, by an active account, not the reader's own. Everything here is
//! per reader, so nothing of it reaches a page served to anonymous readers.

use super::accounts::{checked_writer, see_other};
use super::client_ip::ClientIp;
use super::comments::role_badge;
use super::session::{self, Viewer};
use super::{PeopleError, markdown};
use crate::api::ApiError;
use crate::api::page::{PageQuery, PageRequest};
use crate::base_url::site_base;
use crate::pages::{Age, article_href, excerpt};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
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
    /// The author's staff badge (`admin`, `moderator`), as threads show it.
    staff: Option<&'static str>,
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
    /// How many replies are unseen, as the header counts them ("99+" from the cap on).
    unseen: String,
    /// Whether any reply is unseen (the "Mark all as seen" button shows).
    any_unseen: bool,
    /// The session's CSRF token, for the button.
    csrf: String,
    /// The newest reply shown now, as the button marks up to it.
    up_to: i64,
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

/// `GET /replies`: the replies to the reader's comments, newest first, the unseen ones
/// marked "new"; it marks nothing seen (see the module's note). Anonymous readers are sent to
/// log in.
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
        let store = state.store.replies();
        // The mark first: a reply shown after it is read stays new after the button.
        let up_to = store.newest_shown(viewer.user.id).await?;
        let unseen = store.unread(viewer.user.id).await?;
        let (replies, more) = replies_page(&state, &viewer, request).await?;
        let now = state.people.clock.now_secs();
        let replies: Vec<ReplyView> = replies
            .iter()
            .map(|r| ReplyView {
                id: r.id.0,
                author: author(r),
                staff: role_badge(r.author_role, &r.author),
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
                new: r.unseen,
            })
            .collect();
        Ok(RepliesPage {
            site_name: state.site_name.clone(),
            unseen: session::unread_label(unseen),
            any_unseen: unseen > 0,
            csrf: viewer.csrf.clone(),
            up_to,
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

/// The "Mark all as seen" form.
#[derive(Deserialize, Default)]
pub(crate) struct SeenForm {
    #[serde(default)]
    csrf: String,
    /// The newest reply the page showed ([`tidings_store::Replies::newest_shown`]).
    #[serde(default)]
    up_to: String,
}

/// `POST /replies/seen`: marks seen the replies the page showed (up to its `up_to`), after
/// the origin, token and write-limit checks, and goes back to `/replies`.
pub(crate) async fn mark_seen(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SeenForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let up_to = form
            .up_to
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| PeopleError::BadRequest("Reload the replies and try again.".into()))?;
        state
            .store
            .replies()
            .mark_seen(viewer.user.id, up_to)
            .await?;
        Ok(see_other("/replies", Vec::new()))
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// A reply as the API shows it.
#[derive(Serialize)]
struct ReplyJson {
    id: i64,
    author: String,
    /// The author's staff badge (`admin`, `moderator`), `None` for readers.
    staff: Option<&'static str>,
    body_html: String,
    created_at: i64,
    edited_at: Option<i64>,
    /// Not yet marked seen ("Mark all as seen" on `/replies`).
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
/// Reading it marks nothing seen: that is what "Mark all as seen" on `/replies` does.
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = session::viewer(&state, &headers)
            .await?
            .ok_or(PeopleError::LoginRequired)?;
        let request = PageRequest::from_query(&query).map_err(|e| match e {
            ApiError::BadRequest(m) => PeopleError::BadRequest(m),
            other => PeopleError::Internal(format!("{other:?}")),
        })?;
        let unread = state.store.replies().unread(viewer.user.id).await?;
        let (replies, has_more) = replies_page(&state, &viewer, request).await?;
        let base = site_base(state.base_url.as_deref(), &headers);
        let items = replies
            .iter()
            .map(|r| ReplyJson {
                id: r.id.0,
                author: author(r),
                staff: role_badge(r.author_role, &r.author),
                body_html: r.body_html.clone(),
                created_at: r.created_at,
                edited_at: r.edited_at,
                unread: r.unseen,
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
