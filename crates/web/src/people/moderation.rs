//! The moderators' page: the queue of held and reported comments, hidden comments to
//! restore, the banned accounts, and the audit log; and the actions (approve, keep, hide,
//! restore; ban and unban, each with or without the account's comments), each written to the
//! log.

use super::accounts::checked_viewer;
use super::client_ip::ClientIp;
use super::comments::{comment_or_not_found, staff_badge, target_path};
use super::limits::Action;
use super::session::{self, Viewer};
use super::{PeopleError, page_changed, pages_changed};
use crate::pages::Age;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_model::{Comment, CommentId, CommentState, Role, User, UserId};

struct QueueView {
    id: i64,
    user_id: i64,
    author: String,
    /// The author's staff badge (`admin`, `moderator`), as threads show it.
    staff: Option<&'static str>,
    page: String,
    body_html: String,
    held: bool,
    reasons: Vec<String>,
    /// Whether the viewer may ban its author (see [`may_ban`]): the ban buttons show only
    /// then.
    may_ban: bool,
}

struct BannedView {
    id: i64,
    /// The name it logs in with.
    name: String,
    /// The name shown beside its comments.
    shown_as: String,
    /// How many of its comments its ban hid.
    hidden_by_ban: i64,
    /// Whether the viewer may lift the ban.
    may_unban: bool,
}

struct LogView {
    age: Age,
    who: String,
    action: String,
    on: String,
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation.html")]
struct ModerationPage {
    site_name: String,
    csrf: String,
    queue: Vec<QueueView>,
    hidden: Vec<QueueView>,
    banned: Vec<BannedView>,
    log: Vec<LogView>,
}

async fn moderator(state: &AppState, headers: &HeaderMap) -> Result<Viewer, PeopleError> {
    let viewer = session::viewer(state, headers)
        .await?
        .ok_or(PeopleError::LoginRequired)?;
    if viewer.moderates() {
        Ok(viewer)
    } else {
        Err(PeopleError::Forbidden(
            "This page is for moderators.".into(),
        ))
    }
}

async fn view(state: &AppState, viewer: &Viewer, c: &Comment, reasons: Vec<String>) -> QueueView {
    QueueView {
        id: c.id.0,
        user_id: c.user_id.0,
        author: if c.author.is_empty() {
            "[deleted]".into()
        } else {
            c.author.clone()
        },
        staff: staff_badge(c),
        page: target_path(state, c.target)
            .await
            .unwrap_or_else(|_| "(removed page)".into()),
        body_html: c.body_html.clone(),
        held: c.state == CommentState::Held,
        reasons,
        may_ban: !c.author.is_empty() && may_ban(&viewer.user, c.user_id, c.author_role),
    }
}

/// `GET /moderation`.
pub(crate) async fn queue_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = match moderator(&state, &headers).await {
            Err(PeopleError::LoginRequired) => {
                return Ok(Redirect::to("/login?next=/moderation").into_response());
            }
            other => other?,
        };
        let mut queue = Vec::new();
        for item in state.store.moderation().queue(200).await? {
            queue.push(view(&state, &viewer, &item.comment, item.reasons).await);
        }
        let mut hidden = Vec::new();
        for c in state
            .store
            .comments()
            .in_state(CommentState::Hidden, 50)
            .await?
        {
            hidden.push(view(&state, &viewer, &c, Vec::new()).await);
        }
        let banned = state
            .store
            .bans()
            .banned(100)
            .await?
            .into_iter()
            .map(|b| BannedView {
                id: b.user.id.0,
                may_unban: may_ban(&viewer.user, b.user.id, b.user.role),
                name: b.user.name,
                shown_as: b.user.display_name,
                hidden_by_ban: b.hidden_by_ban,
            })
            .collect();
        let now = state.people.clock.now_secs();
        let log = state
            .store
            .moderation()
            .log_entries(100)
            .await?
            .into_iter()
            .map(|e| LogView {
                age: Age::of(e.at, now),
                who: if e.moderator_id.is_none() {
                    "(command line)".into()
                } else if e.moderator.is_empty() {
                    "[deleted]".into()
                } else {
                    e.moderator
                },
                action: e.action,
                on: match (e.comment_id, e.user_id, e.source_id) {
                    (Some(c), _, _) => format!("comment {c}"),
                    (None, Some(u), _) => format!("account {u}"),
                    (None, None, Some(s)) => format!("source {s}"),
                    _ => String::new(),
                },
                note: e.note,
            })
            .collect();
        Ok(ModerationPage {
            site_name: state.site_name.clone(),
            csrf: viewer.csrf,
            queue,
            hidden,
            banned,
            log,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Deserialize, Default)]
pub(crate) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

fn note(form: &ActionForm) -> Result<String, PeopleError> {
    let n = form.note.trim();
    if n.chars().count() > 500 {
        return Err(PeopleError::TooLarge(
            "A note may have at most 500 characters.".into(),
        ));
    }
    Ok(n.to_string())
}

/// The moderator behind a moderation form, after the origin, token, role and rate checks,
/// with the form's note.
async fn moderator_action(
    state: &AppState,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
    form: &ActionForm,
) -> Result<(Viewer, String), PeopleError> {
    let viewer = checked_viewer(state, headers, &form.csrf).await?;
    if !viewer.moderates() {
        return Err(PeopleError::Forbidden(
            "Only moderators may do this.".into(),
        ));
    }
    state
        .people
        .limits
        .check(Action::Write, ip, Some(viewer.user.id))?;
    Ok((viewer, note(form)?))
}

/// `POST /moderation/comments/{id}/{action}`: `approve` (a held comment, and trust its
/// author), `dismiss` (keep it, close its reports), `hide`, `restore`.
pub(crate) async fn act_on_comment(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((id, action)): Path<(i64, String)>,
    headers: HeaderMap,
    Form(form): Form<ActionForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let (viewer, note) = moderator_action(&state, &headers, ip, &form).await?;
        let id = CommentId(id);
        let comment = comment_or_not_found(&state, id).await?;
        let now = state.people.clock.now_secs();
        let comments = state.store.comments();
        match action.as_str() {
            "approve" => {
                if comment.state != CommentState::Held {
                    return Err(PeopleError::BadRequest("This comment is not held.".into()));
                }
                comments.set_state(id, CommentState::Visible).await?;
                state
                    .store
                    .users()
                    .set_trusted(comment.user_id, true)
                    .await?;
            }
            "dismiss" => {}
            "hide" => comments.set_state(id, CommentState::Hidden).await?,
            "restore" => {
                if comment.state != CommentState::Hidden {
                    return Err(PeopleError::BadRequest(
                        "This comment is not hidden.".into(),
                    ));
                }
                comments.set_state(id, CommentState::Visible).await?;
            }
            _ => return Err(PeopleError::NotFound),
        }
        state.store.moderation().resolve_reports(id, now).await?;
        state
            .store
            .moderation()
            .log(
                Some(viewer.user.id),
                &action,
                Some(id),
                Some(comment.user_id),
                &note,
                now,
            )
            .await?;
        if let Ok(path) = target_path(&state, comment.target).await {
            page_changed(&state, &path);
        }
        Ok(Redirect::to("/moderation").into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// Whether a moderator may ban the account `target` of role `role` (or lift its ban):
/// moderators ban readers, admins anyone but admins, nobody themselves. The page offers only
/// these bans, and the actions refuse the rest.
fn may_ban(moderator: &User, target: UserId, role: Role) -> bool {
    let outranks = match role {
        Role::Reader => true,
        Role::Moderator => moderator.role == Role::Admin,
        Role::Admin => false,
    };
    outranks && target != moderator.id
}

/// `POST /moderation/users/{id}/{action}`: `ban` (ends the account's sessions; it may no
/// longer log in or comment), `ban-hide` (a ban that also hides every comment of it that is
/// visible or held), `unban`, or `unban-restore` (an unban that puts back the comments its ban
/// hid). Moderators may ban readers; admins anyone but admins.
pub(crate) async fn act_on_user(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((id, action)): Path<(i64, String)>,
    headers: HeaderMap,
    Form(form): Form<ActionForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let (viewer, note) = moderator_action(&state, &headers, ip, &form).await?;
        let target = state
            .store
            .users()
            .get(UserId(id))
            .await?
            .ok_or(PeopleError::NotFound)?;
        if !may_ban(&viewer.user, target.id, target.role) {
            return Err(PeopleError::Forbidden(
                "You may not ban this account.".into(),
            ));
        }
        let (ban, with_comments) = match action.as_str() {
            "ban" => (true, false),
            "ban-hide" => (true, true),
            "unban" => (false, false),
            "unban-restore" => (false, true),
            _ => return Err(PeopleError::NotFound),
        };
        let bans = state.store.bans();
        let now = state.people.clock.now_secs();
        let moderator = Some(viewer.user.id);
        let outcome = if ban {
            bans.ban(target.id, with_comments, moderator, &note, now)
                .await?
        } else {
            bans.unban(target.id, with_comments, moderator, &note, now)
                .await?
        };
        if outcome.comments > 0 {
            pages_changed(&state, outcome.targets.len());
        }
        Ok(Redirect::to("/moderation").into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
