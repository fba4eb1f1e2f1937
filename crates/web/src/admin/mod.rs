//! The administrators' side of the site: what `tidings sources
//! add|refresh|display|remove|pause|resume|edit`
//! and `tidings users set-role|reset-link` do, from the browser, through the same checks and
//! store functions.
//!
//! - **Sources** ([`sources`]): the "Add a feed" form on `/sources`; on each `/source/{id}`
//!   "Fetch now", the display policy, "Pause"/"Resume" ([`source_pause`]), the edit form
//!   for its name, section and feed address ([`source_edit`]), and "Remove" behind a
//!   confirmation page that says how many articles go with the source; a checkbox per
//!   source on `/sources` with one form to pause, resume, refresh or remove the checked ones
//!   ([`source_bulk`]); the sources readers added that await review, with "Approve" and
//!   "Reject" ([`source_review`]).
//! - **Accounts** ([`users`]): `/admin/users`, every account with its role, state, age and
//!   comment count, paged, and a form to change a role; and "Make a password reset link"
//!   ([`reset_links`]), which shows the admin a one-time link to hand to the account's owner.
//!
//! Only active admins get these pages and controls: anonymous visitors are sent to log in,
//! anyone else gets `403`. Every action is a `POST` through the gate the moderators' forms
//! pass (the origin check, the session's CSRF token, the per-account write limit), and is
//! written to the moderation log, which `/moderation` shows. `/sources` and `/source/{id}`
//! are rendered per request (the page cache does not keep them), so the controls reach admins
//! only; a write that changes what anonymous readers see bumps the site revision (in the
//! store's transaction) and drops this process's cached pages.

mod reset_links;
mod source_bulk;
pub(crate) mod source_edit;
mod source_fields;
mod source_pause;
pub(crate) mod source_review;
pub(crate) mod sources;
mod users;

use crate::people::accounts::checked_viewer;
use crate::people::limits::Action;
use crate::people::session::{self, Viewer};
use crate::people::{PeopleError, require_admin};
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tidings_store::StoreError;

/// The administrators' routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/sources/add", post(sources::add))
        .route("/source/{id}/refresh", post(sources::refresh))
        .route("/source/{id}/display", post(sources::display))
        .route("/source/{id}/edit", post(source_edit::edit))
        .route("/source/{id}/pause", post(source_pause::pause))
        .route("/source/{id}/resume", post(source_pause::resume))
        .route("/sources/bulk", post(source_bulk::act))
        .route("/sources/bulk/remove", post(source_bulk::remove))
        .route("/source/{id}/approve", post(source_review::approve))
        .route("/source/{id}/reject", post(source_review::reject))
        .route(
            "/source/{id}/remove",
            get(sources::remove_page).post(sources::remove),
        )
        .route("/admin/users", get(users::page))
        .route("/admin/users/{id}/role", post(users::set_role))
        .route("/admin/users/{id}/reset-link", post(reset_links::make))
        .layer(DefaultBodyLimit::max(crate::people::MAX_BODY_BYTES))
}

/// The viewer, when the request comes from an active admin: pages everyone may see
/// (`/sources`, `/source/{id}`) show such a viewer their controls.
pub(crate) async fn admin_viewer(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, StoreError> {
    Ok(session::viewer(state, headers)
        .await?
        .filter(Viewer::administers))
}

/// The admin asking for an admin-only page; otherwise the answer: the login page (coming
/// back to `back`) for anonymous visitors, `403` for anyone else.
async fn page_admin(state: &AppState, headers: &HeaderMap, back: &str) -> Result<Viewer, Response> {
    match require_admin(state, headers).await {
        Ok(viewer) => Ok(viewer),
        Err(PeopleError::LoginRequired) => {
            let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
            Err(Redirect::to(&format!("/login?next={next}")).into_response())
        }
        Err(err) => Err(err.page(&state.site_name)),
    }
}

/// The admin behind an administrator's form, after the origin, token, role and rate
/// checks, in that order (as the moderators' forms: a foreign or tokenless form is refused
/// before anything else is looked at).
async fn action_admin(
    state: &AppState,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
    csrf: &str,
) -> Result<Viewer, PeopleError> {
    let viewer = checked_viewer(state, headers, csrf).await?;
    if !viewer.administers() {
        return Err(PeopleError::Forbidden(
            "Only administrators may do this.".into(),
        ));
    }
    state
        .people
        .limits
        .check(Action::Write, ip, Some(viewer.user.id))?;
    Ok(viewer)
}
