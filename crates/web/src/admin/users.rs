//! `/admin/users`: the accounts (name, display name, role, state, when created, how many
//! comments), 50 to a page, oldest first, with a form per account to change its role
//! (`POST /admin/users/{id}/role`) and, for active accounts, a button that makes a password
//! reset link (see [`super::reset_links`]).
//!
//! A page of its own rather than a section of `/operator`: the list is paged and every line
//! carries a form, while `/operator` is a quick look at the pipeline's health that should
//! stay one short page.
//!
//! The rules, as `tidings users set-role` and the ban rules of the moderators' page have them:
//! only an admin changes roles, to reader, moderator or admin; an admin may demote another
//! admin, but the store refuses to demote the last active admin (for the command line too);
//! and nobody changes their own role here — not even to step down, since one click would
//! lock them out of this page: another admin does it, or the command line. Deleted accounts
//! are not listed and cannot be changed. Each change is written to the moderation log
//! (`role`, the account, the new role), as the command line writes it.

use super::{action_admin, page_admin};
use crate::pages::{Age, PageQuery, pager_links};
use crate::people::PeopleError;
use crate::people::client_ip::ClientIp;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_model::{AccountState, Role, UserId};

/// Accounts to a page.
const PER_PAGE: i64 = 50;

/// Every role, in the order the form offers them.
const ROLES: [Role; 3] = [Role::Reader, Role::Moderator, Role::Admin];

/// One account's line.
struct AccountView {
    id: i64,
    name: String,
    display_name: String,
    role: &'static str,
    state: &'static str,
    created: Age,
    comments: i64,
    /// The viewer's own account: no role form, no reset link.
    is_viewer: bool,
    /// Whether it is active (not banned): only then may it get a password reset link.
    active: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_users.html")]
struct UsersPage {
    site_name: String,
    csrf: String,
    accounts: Vec<AccountView>,
    roles: Vec<&'static str>,
    page: i64,
    newer: Option<String>,
    older: Option<String>,
}

/// `GET /admin/users`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let viewer = match page_admin(&state, &headers, "/admin/users").await {
        Ok(viewer) => viewer,
        Err(answer) => return answer,
    };
    let page = query.number();
    let result: Result<Response, PeopleError> = async {
        let lines = state
            .store
            .users()
            .page(PER_PAGE + 1, (page - 1) * PER_PAGE)
            .await?;
        let (newer, older) = pager_links("/admin/users", page, lines.len() as i64 > PER_PAGE);
        let now = state.people.clock.now_secs();
        let accounts = lines
            .into_iter()
            .take(PER_PAGE as usize)
            .map(|line| AccountView {
                id: line.user.id.0,
                is_viewer: line.user.id == viewer.user.id,
                active: line.user.state == AccountState::Active,
                name: line.user.name,
                display_name: line.user.display_name,
                role: line.user.role.as_str(),
                state: line.user.state.as_str(),
                created: Age::of(line.user.created_at, now),
                comments: line.comments,
            })
            .collect();
        Ok(UsersPage {
            site_name: state.site_name.clone(),
            csrf: viewer.csrf.clone(),
            accounts,
            roles: ROLES.iter().map(|r| r.as_str()).collect(),
            page,
            newer,
            older,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// The role form's fields.
#[derive(Deserialize, Default)]
pub(crate) struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    /// The list page to go back to.
    #[serde(default)]
    page: String,
}

/// `POST /admin/users/{id}/role`: changes the account's role by the rules above, then goes
/// back to the list.
pub(crate) async fn set_role(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<RoleForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let role = Role::parse(form.role.trim()).ok_or_else(|| {
            PeopleError::BadRequest("The role is reader, moderator or admin.".into())
        })?;
        let target = state
            .store
            .users()
            .get(UserId(id))
            .await?
            .filter(|u| u.state != AccountState::Deleted)
            .ok_or(PeopleError::NotFound)?;
        if target.id == viewer.user.id {
            return Err(PeopleError::Forbidden(
                "You cannot change your own role here. Another admin can, or \
                 `tidings users set-role` on the server."
                    .into(),
            ));
        }
        let back = match form.page.trim().parse::<i64>() {
            Ok(page) if (2..=10_000).contains(&page) => {
                format!("/admin/users?page={page}#account-{}", target.id)
            }
            _ => format!("/admin/users#account-{}", target.id),
        };
        if target.role == role {
            return Ok(Redirect::to(&back).into_response());
        }
        if !state.store.users().set_role(target.id, role).await? {
            return Err(PeopleError::Forbidden(format!(
                "{} is the last admin: make another account admin first.",
                target.name
            )));
        }
        state
            .store
            .moderation()
            .log(
                Some(viewer.user.id),
                "role",
                None,
                Some(target.id),
                role.as_str(),
                state.people.clock.now_secs(),
            )
            .await?;
        // Its comments show its role.
        crate::people::pages_changed(&state, 1);
        Ok(Redirect::to(&back).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
