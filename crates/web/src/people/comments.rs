//! Comment threads: the section article and story pages include (count, order, threads
//! with replies, forms), and the form handlers that post, edit, delete and report comments.
//! The rules live in [`create`], [`edit_comment`] and [`delete_comment`], which the JSON API
//! shares.

use super::accounts::checked_viewer;
use super::client_ip::ClientIp;
use super::limits::Action;
use super::session::{self, Viewer};
use super::spam::{self, Verdict};
use super::{PeopleError, markdown, page_changed};
use crate::pages::{Age, article_href};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;
use tidings_model::{
    AccountState, ArticleId, Comment, CommentId, CommentState, CommentTarget, Role, StoryId,
    UserId, without_stray_controls,
};
use tidings_store::{NewComment, StoreError};

/// The longest comment, in characters of Markdown.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// The longest report reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// Replies deeper than this are shown at this depth.
const MAX_DEPTH: usize = 4;
/// Top-level comments (each with all its replies) on one page of a comment section.
pub(crate) const THREADS_PER_PAGE: usize = 50;

/// One comment as the section shows it.
pub(crate) struct CommentView {
    pub(crate) id: i64,
    pub(crate) depth: usize,
    pub(crate) author: String,
    /// The author's staff role (`admin`, `moderator`), shown beside the name so that nobody
    /// passes for staff; `None` for readers.
    pub(crate) staff: Option<&'static str>,
    pub(crate) age: Age,
    pub(crate) edited: bool,
    /// The sanitised HTML, when the viewer may read it.
    pub(crate) body_html: Option<String>,
    /// What shows instead when it is deleted or hidden.
    pub(crate) placeholder: &'static str,
    pub(crate) held: bool,
    pub(crate) hidden: bool,
    pub(crate) own: bool,
    pub(crate) can_edit: bool,
    /// Its Markdown, for its author's edit form.
    pub(crate) source: String,
    pub(crate) can_reply: bool,
}

/// The comment section of a page.
pub(crate) struct CommentSection {
    pub(crate) count: i64,
    pub(crate) newest_first: bool,
    pub(crate) page_path: String,
    pub(crate) post_action: String,
    pub(crate) items: Vec<CommentView>,
    /// The logged-in viewer's form token; `None` for anonymous readers, whose page must be
    /// the same for everyone.
    pub(crate) csrf: Option<String>,
    pub(crate) moderates: bool,
    pub(crate) max_chars: usize,
    /// The previous page of threads, if this is not the first.
    pub(crate) newer: Option<String>,
    /// The next page of threads, if there is one.
    pub(crate) older: Option<String>,
}

/// The staff badge of a comment's author: its role when it is an admin or a moderator (a
/// deleted account has none).
pub(crate) fn staff_badge(c: &Comment) -> Option<&'static str> {
    role_badge(c.author_role, &c.author)
}

/// The staff badge of an author of `role` shown as `author`: `admin` or `moderator`, `None`
/// for a reader and for a deleted account (no name). Every place that names a comment's
/// author (threads, `/replies`, the moderation queue, the comment and reply APIs) shows it.
pub(crate) fn role_badge(role: Role, author: &str) -> Option<&'static str> {
    (role != Role::Reader && !author.is_empty()).then(|| role.as_str())
}

/// Builds the comment section of the page at `page_path` for the request's viewer, in the
/// order `sort` names (`newest`, else oldest first), showing page `page` (from 1) of its
/// threads, [`THREADS_PER_PAGE`] at a time.
pub(crate) async fn section(
    state: &AppState,
    target: CommentTarget,
    page_path: &str,
    headers: &HeaderMap,
    sort: Option<&str>,
    page: Option<usize>,
) -> Result<CommentSection, StoreError> {
    let viewer = session::viewer(state, headers).await?;
    let all = state.store.comments().for_target(target).await?;
    let newest_first = sort == Some("newest");
    let now = state.people.clock.now_secs();
    let moderates = viewer.as_ref().is_some_and(Viewer::moderates);
    let me = viewer.as_ref().map(|v| v.user.id);
    let active = viewer
        .as_ref()
        .is_some_and(|v| v.user.state == AccountState::Active);
    let window = state.people.config.edit_window_secs;
    let shown = shown_to(&all, moderates, me);
    let order = thread_order(&shown, newest_first);
    let page = page.unwrap_or(1).max(1);
    let (range, has_more) = threads_on_page(&order, page);
    let items = order[range]
        .iter()
        .map(|&(c, depth)| {
            let own = Some(c.user_id) == me;
            let readable = matches!(c.state, CommentState::Visible | CommentState::Held)
                || (c.state == CommentState::Hidden && moderates);
            CommentView {
                id: c.id.0,
                depth,
                author: if c.author.is_empty() {
                    "[deleted]".to_string()
                } else {
                    c.author.clone()
                },
                staff: staff_badge(c),
                age: Age::of(c.created_at, now),
                edited: c.edited_at.is_some(),
                body_html: readable.then(|| c.body_html.clone()),
                placeholder: match c.state {
                    CommentState::Deleted => "This comment was deleted.",
                    CommentState::Hidden => "This comment was hidden by a moderator.",
                    _ => "",
                },
                held: c.state == CommentState::Held,
                hidden: c.state == CommentState::Hidden,
                own,
                can_edit: own
                    && active
                    && matches!(c.state, CommentState::Visible | CommentState::Held)
                    && now - c.created_at <= window,
                source: if own {
                    c.body_source.clone()
                } else {
                    String::new()
                },
                can_reply: active && c.state == CommentState::Visible,
            }
        })
        .collect();
    Ok(CommentSection {
        count: all
            .iter()
            .filter(|c| c.state == CommentState::Visible)
            .count() as i64,
        newest_first,
        page_path: page_path.to_string(),
        post_action: format!("{page_path}/comments"),
        items,
        csrf: viewer.as_ref().filter(|_| active).map(|v| v.csrf.clone()),
        moderates,
        max_chars: MAX_COMMENT_CHARS,
        newer: (page > 1).then(|| comment_page_href(page_path, newest_first, page - 1)),
        older: has_more.then(|| comment_page_href(page_path, newest_first, page + 1)),
    })
}

/// The comments of a page a viewer sees in its threads: all but the held ones, which only
/// their author and moderators see.
pub(crate) fn shown_to(all: &[Comment], moderates: bool, me: Option<UserId>) -> Vec<&Comment> {
    all.iter()
        .filter(|c| c.state != CommentState::Held || moderates || Some(c.user_id) == me)
        .collect()
}

/// The address of comment `id` in its thread on the page at `page_path`, in the default
/// order (oldest first): the page of threads that holds it, scrolled to it; `None` when
/// `shown` does not hold it.
fn address_in_thread(page_path: &str, shown: &[&Comment], id: CommentId) -> Option<String> {
    let order = thread_order(shown, false);
    let at = order.iter().position(|(c, _)| c.id == id)?;
    let thread = order[..=at].iter().filter(|(_, depth)| *depth == 0).count();
    let page = thread.saturating_sub(1) / THREADS_PER_PAGE + 1;
    Some(if page == 1 {
        format!("{page_path}#comment-{id}")
    } else {
        format!("{page_path}?comments=oldest&comment_page={page}#comment-{id}")
    })
}

/// `GET /comments/{id}`: leads to a comment in its thread (a `303` to its page, at the page
/// of threads that holds it, scrolled to it), as a link from `/replies` does. A held comment
/// is found only by its author and moderators, like on its page.
pub(crate) async fn permalink(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let id = raw
            .parse::<i64>()
            .map(CommentId)
            .map_err(|_| PeopleError::NotFound)?;
        let comment = comment_or_not_found(&state, id).await?;
        let path = target_path(&state, comment.target).await?;
        let viewer = session::viewer(&state, &headers).await?;
        let moderates = viewer.as_ref().is_some_and(Viewer::moderates);
        let me = viewer.as_ref().map(|v| v.user.id);
        let all = state.store.comments().for_target(comment.target).await?;
        let location = address_in_thread(&path, &shown_to(&all, moderates, me), id)
            .ok_or(PeopleError::NotFound)?;
        Ok(Redirect::to(&location).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// The part of `order` (threads in order, each a depth-0 comment followed by its replies)
/// that page `page` (from 1) shows, and whether later threads remain.
fn threads_on_page(order: &[(&Comment, usize)], page: usize) -> (std::ops::Range<usize>, bool) {
    let starts: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, (_, depth))| *depth == 0)
        .map(|(i, _)| i)
        .collect();
    let first = (page - 1).saturating_mul(THREADS_PER_PAGE);
    let Some(&from) = starts.get(first) else {
        return (order.len()..order.len(), false);
    };
    let next = first.saturating_add(THREADS_PER_PAGE);
    match starts.get(next) {
        Some(&to) => (from..to, true),
        None => (from..order.len(), false),
    }
}

/// The address of one page of a comment section, in its order.
fn comment_page_href(page_path: &str, newest_first: bool, page: usize) -> String {
    let sort = if newest_first { "newest" } else { "oldest" };
    if page <= 1 {
        format!("{page_path}?comments={sort}#comments")
    } else {
        format!("{page_path}?comments={sort}&comment_page={page}#comments")
    }
}

/// The comments in thread order with their depth: top-level comments oldest or newest
/// first, each followed by its replies (oldest first, recursively).
fn thread_order<'c>(comments: &[&'c Comment], newest_first: bool) -> Vec<(&'c Comment, usize)> {
    let ids: HashMap<CommentId, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut children: HashMap<CommentId, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        match c.parent_id.filter(|p| ids.contains_key(p)) {
            Some(parent) => children.entry(parent).or_default().push(i),
            None => roots.push(i),
        }
    }
    if newest_first {
        roots.reverse();
    }
    let mut out = Vec::with_capacity(comments.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        let c = comments[i];
        out.push((c, depth.min(MAX_DEPTH)));
        if let Some(kids) = children.get(&c.id) {
            for &k in kids.iter().rev() {
                stack.push((k, depth + 1));
            }
        }
    }
    out
}

/// The path of the page a target is shown on; `NotFound` when it does not exist.
pub(crate) async fn target_path(
    state: &AppState,
    target: CommentTarget,
) -> Result<String, PeopleError> {
    match target {
        CommentTarget::Article(id) => {
            let listing = state
                .store
                .articles()
                .get(id)
                .await?
                .ok_or(PeopleError::NotFound)?;
            Ok(article_href(id, &listing.article.content.title))
        }
        CommentTarget::Story(id) => {
            state
                .store
                .stories()
                .get(id)
                .await?
                .ok_or(PeopleError::NotFound)?;
            Ok(format!("/story/{id}"))
        }
    }
}

/// The pages an account commented on (to tell the cache when its comments change at once).
pub(crate) async fn pages_of_user(
    state: &AppState,
    user: UserId,
) -> Result<Vec<String>, PeopleError> {
    let mut targets: Vec<CommentTarget> = state
        .store
        .comments()
        .recent_by_user(user, 0, 10_000)
        .await?
        .into_iter()
        .map(|c| c.target)
        .collect();
    targets.sort_by_key(|t| (t.kind(), t.id()));
    targets.dedup();
    let mut paths = Vec::with_capacity(targets.len());
    for t in targets {
        if let Ok(path) = target_path(state, t).await {
            paths.push(path);
        }
    }
    Ok(paths)
}

/// A comment's Markdown checked for size, or why it is refused. Stray control characters
/// (a pasted NUL, say) become spaces first: PostgreSQL refuses a NUL in text, and none
/// belongs in a comment.
fn checked_body(body: &str) -> Result<Cow<'_, str>, PeopleError> {
    let body = match without_stray_controls(body) {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(b) => Cow::Owned(b.trim().to_string()),
    };
    if body.is_empty() {
        return Err(PeopleError::BadRequest("The comment is empty.".into()));
    }
    if body.chars().count() > MAX_COMMENT_CHARS {
        return Err(PeopleError::TooLarge(format!(
            "A comment may have at most {MAX_COMMENT_CHARS} characters."
        )));
    }
    Ok(body)
}

fn require_active(viewer: &Viewer) -> Result<(), PeopleError> {
    if viewer.user.state == AccountState::Active {
        Ok(())
    } else {
        Err(PeopleError::Forbidden(
            "This account may not comment.".into(),
        ))
    }
}

/// Posts a comment (or reply) by `viewer` on `target`: size, rate limits, spam heuristics,
/// pre-moderation, rendering, storage. Returns the new comment and its page's path.
pub(crate) async fn create(
    state: &AppState,
    viewer: &Viewer,
    ip: std::net::IpAddr,
    target: CommentTarget,
    parent: Option<CommentId>,
    body: &str,
) -> Result<(Comment, String), PeopleError> {
    require_active(viewer)?;
    let body = checked_body(body)?;
    let body = body.as_ref();
    let path = target_path(state, target).await?;
    state
        .people
        .limits
        .check(Action::Comment, ip, Some(viewer.user.id))?;
    let now = state.people.clock.now_secs();
    let recent = state
        .store
        .comments()
        .recent_by_user(viewer.user.id, now - 3_600, 50)
        .await?;
    let trusted = viewer.user.trusted || viewer.user.role != Role::Reader;
    let mut held = false;
    match spam::judge(
        body,
        &recent,
        trusted,
        now,
        state.people.config.burst_comments_per_minute,
    ) {
        Verdict::Accept => {}
        Verdict::Hold(_) => held = true,
        Verdict::Refuse(why) => return Err(PeopleError::BadRequest(why.into())),
        Verdict::Burst => {
            return Err(PeopleError::TooMany(
                Duration::from_secs(60),
                "You are posting very quickly. Please wait a minute.".into(),
            ));
        }
    }
    if state.people.config.premoderate_new_accounts && !trusted {
        held = true;
    }
    let id = state
        .store
        .comments()
        .insert(
            &NewComment {
                target,
                parent_id: parent,
                user_id: viewer.user.id,
                body_source: body.to_string(),
                body_html: markdown::render(body),
                state: if held {
                    CommentState::Held
                } else {
                    CommentState::Visible
                },
            },
            now,
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => {
                PeopleError::BadRequest("The comment you answer is not on this page.".into())
            }
            other => other.into(),
        })?;
    if !held {
        page_changed(state, &path);
    }
    let comment = comment_or_not_found(state, id).await?;
    Ok((comment, path))
}

/// The comment with `id`, or [`PeopleError::NotFound`].
pub(crate) async fn comment_or_not_found(
    state: &AppState,
    id: CommentId,
) -> Result<Comment, PeopleError> {
    state
        .store
        .comments()
        .get(id)
        .await?
        .ok_or(PeopleError::NotFound)
}

/// Edits a comment: only its author, only within the edit window.
pub(crate) async fn edit_comment(
    state: &AppState,
    viewer: &Viewer,
    ip: std::net::IpAddr,
    id: CommentId,
    body: &str,
) -> Result<(Comment, String), PeopleError> {
    require_active(viewer)?;
    let comment = comment_or_not_found(state, id).await?;
    if comment.user_id != viewer.user.id {
        return Err(PeopleError::Forbidden(
            "You can only edit your own comments.".into(),
        ));
    }
    if !matches!(comment.state, CommentState::Visible | CommentState::Held) {
        return Err(PeopleError::Forbidden(
            "This comment can no longer be edited.".into(),
        ));
    }
    let now = state.people.clock.now_secs();
    if now - comment.created_at > state.people.config.edit_window_secs {
        return Err(PeopleError::Forbidden(
            "The time to edit this comment has passed.".into(),
        ));
    }
    let body = checked_body(body)?;
    let body = body.as_ref();
    state
        .people
        .limits
        .check(Action::Comment, ip, Some(viewer.user.id))?;
    state
        .store
        .comments()
        .edit(id, body, &markdown::render(body), now)
        .await?;
    let path = target_path(state, comment.target).await?;
    page_changed(state, &path);
    let comment = comment_or_not_found(state, id).await?;
    Ok((comment, path))
}

/// Deletes a comment: only its author (moderators hide instead). It stays in its thread as
/// "deleted".
pub(crate) async fn delete_comment(
    state: &AppState,
    viewer: &Viewer,
    ip: std::net::IpAddr,
    id: CommentId,
) -> Result<String, PeopleError> {
    let comment = comment_or_not_found(state, id).await?;
    if comment.user_id != viewer.user.id {
        return Err(PeopleError::Forbidden(
            "You can only delete your own comments.".into(),
        ));
    }
    state
        .people
        .limits
        .check(Action::Write, ip, Some(viewer.user.id))?;
    state
        .store
        .comments()
        .set_state(id, CommentState::Deleted)
        .await?;
    let path = target_path(state, comment.target).await?;
    page_changed(state, &path);
    Ok(path)
}

#[derive(Deserialize, Default)]
pub(crate) struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent: String,
}

fn parent_of(form: &CommentForm) -> Result<Option<CommentId>, PeopleError> {
    let raw = form.parent.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(|p| Some(CommentId(p)))
        .map_err(|_| PeopleError::BadRequest("Invalid reply.".into()))
}

async fn post(
    state: AppState,
    ip: std::net::IpAddr,
    headers: HeaderMap,
    target: CommentTarget,
    form: CommentForm,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        let parent = parent_of(&form)?;
        let (comment, path) = create(&state, &viewer, ip, target, parent, &form.body).await?;
        Ok(Redirect::to(&format!("{path}#comment-{}", comment.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `POST /article/{id}/{slug}/comments`.
pub(crate) async fn post_on_article(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((id, _slug)): Path<(i64, String)>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Response {
    post(
        state,
        ip,
        headers,
        CommentTarget::Article(ArticleId(id)),
        form,
    )
    .await
}

/// `POST /story/{id}/comments`.
pub(crate) async fn post_on_story(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Response {
    post(state, ip, headers, CommentTarget::Story(StoryId(id)), form).await
}

/// `POST /comments/{id}/edit`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        let (comment, path) = edit_comment(&state, &viewer, ip, CommentId(id), &form.body).await?;
        Ok(Redirect::to(&format!("{path}#comment-{}", comment.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `POST /comments/{id}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        let path = delete_comment(&state, &viewer, ip, CommentId(id)).await?;
        Ok(Redirect::to(&format!("{path}#comment-{id}")).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Deserialize, Default)]
pub(crate) struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /comments/{id}/report`: files a report for the moderators.
pub(crate) async fn report(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<ReportForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        require_active(&viewer)?;
        let reason = form.reason.trim();
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(PeopleError::TooLarge(format!(
                "A reason may have at most {MAX_REASON_CHARS} characters."
            )));
        }
        let comment = state
            .store
            .comments()
            .get(CommentId(id))
            .await?
            .ok_or(PeopleError::NotFound)?;
        state
            .people
            .limits
            .check(Action::Write, ip, Some(viewer.user.id))?;
        let reason = if reason.is_empty() {
            "no reason given"
        } else {
            reason
        };
        state
            .store
            .moderation()
            .report(
                comment.id,
                viewer.user.id,
                reason,
                state.people.clock.now_secs(),
            )
            .await?;
        let path = target_path(&state, comment.target).await?;
        Ok(Redirect::to(&format!("{path}#comment-{id}")).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, parent: Option<i64>) -> Comment {
        Comment {
            id: CommentId(id),
            target: CommentTarget::Article(ArticleId(1)),
            parent_id: parent.map(CommentId),
            user_id: UserId(1),
            author: "a".into(),
            author_role: tidings_model::Role::Reader,
            body_source: String::new(),
            body_html: String::new(),
            state: CommentState::Visible,
            created_at: id,
            edited_at: None,
            reports: 0,
        }
    }

    #[test]
    fn threads_put_replies_under_their_parents() {
        let all = [
            c(1, None),
            c(2, None),
            c(3, Some(1)),
            c(4, Some(3)),
            c(5, Some(1)),
            c(6, Some(99)),
        ];
        let refs: Vec<&Comment> = all.iter().collect();
        let order = |newest| {
            thread_order(&refs, newest)
                .into_iter()
                .map(|(c, d)| (c.id.0, d))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            order(false),
            vec![(1, 0), (3, 1), (4, 2), (5, 1), (2, 0), (6, 0)]
        );
        assert_eq!(
            order(true),
            vec![(6, 0), (2, 0), (1, 0), (3, 1), (4, 2), (5, 1)]
        );
    }

    #[test]
    fn pages_hold_whole_threads() {
        // 120 threads, every third with two replies.
        let mut all = Vec::new();
        for t in 0..120 {
            let root = 1000 + t * 10;
            all.push(c(root, None));
            if t % 3 == 0 {
                all.push(c(root + 1, Some(root)));
                all.push(c(root + 2, Some(root + 1)));
            }
        }
        let refs: Vec<&Comment> = all.iter().collect();
        let order = thread_order(&refs, false);
        let mut seen = 0;
        for page in 1..=3 {
            let (range, more) = threads_on_page(&order, page);
            let shown = &order[range.clone()];
            assert_eq!(shown[0].1, 0, "page {page} starts with a thread");
            let threads = shown.iter().filter(|(_, d)| *d == 0).count();
            assert_eq!(threads, if page < 3 { 50 } else { 20 }, "page {page}");
            assert_eq!(more, page < 3, "page {page}");
            assert_eq!(range.start, seen, "no comment skipped or repeated");
            seen = range.end;
        }
        assert_eq!(seen, order.len(), "every comment on some page");
        let (past, more) = threads_on_page(&order, 4);
        assert!(past.is_empty() && !more, "a page past the end is empty");
        let (huge, _) = threads_on_page(&order, usize::MAX);
        assert!(huge.is_empty());
    }

    #[test]
    fn a_comment_is_found_on_the_page_of_threads_that_holds_it() {
        // 60 threads; the 55th has a reply.
        let mut all: Vec<Comment> = (1..=60).map(|t| c(t, None)).collect();
        all.push(c(100, Some(55)));
        let refs: Vec<&Comment> = all.iter().collect();
        let at = |id| address_in_thread("/story/3", &refs, CommentId(id));
        assert_eq!(at(1).as_deref(), Some("/story/3#comment-1"));
        assert_eq!(at(50).as_deref(), Some("/story/3#comment-50"));
        assert_eq!(
            at(100).as_deref(),
            Some("/story/3?comments=oldest&comment_page=2#comment-100")
        );
        assert_eq!(at(999), None);
    }

    #[test]
    fn page_links_keep_the_order() {
        assert_eq!(
            comment_page_href("/story/3", true, 2),
            "/story/3?comments=newest&comment_page=2#comments"
        );
        assert_eq!(
            comment_page_href("/story/3", false, 1),
            "/story/3?comments=oldest#comments"
        );
    }
}
