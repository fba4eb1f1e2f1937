//! The comment API: `GET` and `POST` `/api/v1/articles/{id}/comments` and
//! `/api/v1/stories/{id}/comments`.
//!
//! Reading needs nothing. Writing needs a session cookie (log in through `/login`) and the
//! session's CSRF token in an `X-CSRF-Token` header: any `GET` of a comment list made with a
//! session answers with that header (and `Cache-Control: private, no-store`). The rules,
//! limits and answers' statuses are the site's: `403` for a missing or wrong token, `429`
//! with `Retry-After`, `413` for a body over 5,000 characters. The per-address API limit is
//! checked for every `/api` route at once (`crate::api`'s router), not here.

use super::accounts::checked_viewer;
use super::client_ip::ClientIp;
use super::comments::{create, shown_to, staff_badge, target_path};
use super::{MAX_BODY_BYTES, PeopleError, session};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde::{Deserialize, Serialize};
use tidings_model::{ArticleId, Comment, CommentId, CommentState, CommentTarget, StoryId};

/// The comment API's routes, for the API's route table.
pub(crate) fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/api/v1/articles/{id}/comments",
            get(list_on_article)
                .post(post_on_article)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        ),
        (
            "/api/v1/stories/{id}/comments",
            get(list_on_story)
                .post(post_on_story)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        ),
    ]
}

/// A comment as the API shows it.
#[derive(Serialize)]
struct CommentJson {
    id: i64,
    parent_id: Option<i64>,
    author: String,
    /// The author's staff badge (`admin`, `moderator`), `None` for readers: what the page
    /// shows beside the name.
    staff: Option<&'static str>,
    state: &'static str,
    body_html: String,
    created_at: i64,
    edited_at: Option<i64>,
}

impl CommentJson {
    fn of(c: &Comment) -> CommentJson {
        let readable = matches!(c.state, CommentState::Visible | CommentState::Held);
        CommentJson {
            id: c.id.0,
            parent_id: c.parent_id.map(|p| p.0),
            author: if c.author.is_empty() {
                "[deleted]".into()
            } else {
                c.author.clone()
            },
            staff: staff_badge(c),
            state: c.state.as_str(),
            body_html: if readable {
                c.body_html.clone()
            } else {
                String::new()
            },
            created_at: c.created_at,
            edited_at: c.edited_at,
        }
    }
}

#[derive(Serialize)]
struct CommentList {
    kind: &'static str,
    id: i64,
    count: i64,
    comments: Vec<CommentJson>,
}

fn parse_id(raw: &str) -> Result<i64, PeopleError> {
    raw.parse::<i64>().map_err(|_| PeopleError::NotFound)
}

async fn list(state: AppState, headers: HeaderMap, target: CommentTarget) -> Response {
    let result: Result<Response, PeopleError> = async {
        target_path(&state, target).await?;
        let viewer = session::viewer(&state, &headers).await?;
        let me = viewer.as_ref().map(|v| v.user.id);
        let moderates = viewer.as_ref().is_some_and(session::Viewer::moderates);
        let all = state.store.comments().for_target(target).await?;
        let comments: Vec<CommentJson> = shown_to(&all, moderates, me)
            .into_iter()
            .map(CommentJson::of)
            .collect();
        let body = CommentList {
            kind: target.kind(),
            id: target.id(),
            count: all
                .iter()
                .filter(|c| c.state == CommentState::Visible)
                .count() as i64,
            comments,
        };
        match viewer {
            None => crate::api::json(&headers, &body)
                .map_err(|e| PeopleError::Internal(format!("{e:?}"))),
            Some(v) => {
                let bytes =
                    serde_json::to_vec(&body).map_err(|e| PeopleError::Internal(e.to_string()))?;
                let mut response = (
                    [(header::CONTENT_TYPE, "application/json")],
                    crate::feeds_out::json_without_markup(&bytes),
                )
                    .into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                );
                if let Ok(token) = HeaderValue::from_str(&v.csrf) {
                    headers.insert("x-csrf-token", token);
                }
                Ok(response)
            }
        }
    }
    .await;
    result.unwrap_or_else(PeopleError::json)
}

/// A new comment, as posted to the API.
#[derive(Deserialize)]
struct NewCommentJson {
    body: String,
    #[serde(default)]
    parent_id: Option<i64>,
}

async fn post(
    state: AppState,
    ip: std::net::IpAddr,
    headers: HeaderMap,
    target: CommentTarget,
    body: axum::body::Bytes,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let token = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let viewer = checked_viewer(&state, &headers, token).await?;
        let new: NewCommentJson = serde_json::from_slice(&body)
            .map_err(|e| PeopleError::BadRequest(format!("invalid JSON: {e}")))?;
        let (comment, _) = create(
            &state,
            &viewer,
            ip,
            target,
            new.parent_id.map(CommentId),
            &new.body,
        )
        .await?;
        let bytes = serde_json::to_vec(&CommentJson::of(&comment))
            .map_err(|e| PeopleError::Internal(e.to_string()))?;
        Ok((
            StatusCode::CREATED,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            crate::feeds_out::json_without_markup(&bytes),
        )
            .into_response())
    }
    .await;
    result.unwrap_or_else(PeopleError::json)
}

async fn list_on_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match parse_id(&id) {
        Ok(id) => list(state, headers, CommentTarget::Article(ArticleId(id))).await,
        Err(e) => e.json(),
    }
}

async fn list_on_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match parse_id(&id) {
        Ok(id) => list(state, headers, CommentTarget::Story(StoryId(id))).await,
        Err(e) => e.json(),
    }
}

async fn post_on_article(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    match parse_id(&id) {
        Ok(id) => {
            post(
                state,
                ip,
                headers,
                CommentTarget::Article(ArticleId(id)),
                body,
            )
            .await
        }
        Err(e) => e.json(),
    }
}

async fn post_on_story(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    match parse_id(&id) {
        Ok(id) => post(state, ip, headers, CommentTarget::Story(StoryId(id)), body).await,
        Err(e) => e.json(),
    }
}
