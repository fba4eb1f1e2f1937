//! "Make a password reset link" on `/admin/users` (`POST /admin/users/{id}/reset-link`): what
//! `tidings users reset-link` does, from the browser. The answer is a page that shows the
//! link once, absolute (the configured `base_url`, else the address the admin reached the
//! site at), with when it stops working, and asks the admin to hand it to the person
//! privately. Nothing else ever shows it again: the store keeps only its hash.
//!
//! The rules: an admin makes links for any account but their own (they change their password
//! on `/account`) and not for a deleted or banned one (a banned account's link would be
//! refused). A new link ends the account's older ones. Each is written to the moderation log
//! (`reset-link`, the account, how long it works), in the transaction that stores it.

use super::action_admin;
use crate::people::PeopleError;
use crate::people::client_ip::ClientIp;
use crate::people::csrf::TokenForm;
use crate::people::password_reset::{RESET_LINK_HOURS, make_reset_link};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tidings_model::{AccountState, UserId};

#[derive(Template, WebTemplate)]
#[template(path = "admin_reset_link.html")]
struct LinkPage {
    site_name: String,
    name: String,
    link: String,
    hours: i64,
    expires_datetime: String,
    expires_exact: String,
}

/// `POST /admin/users/{id}/reset-link`: makes the link by the rules above and shows it.
pub(crate) async fn make(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = action_admin(&state, &headers, ip, &form.csrf).await?;
        let target = state
            .store
            .users()
            .get(UserId(id))
            .await?
            .filter(|u| u.state != AccountState::Deleted)
            .ok_or(PeopleError::NotFound)?;
        if target.id == viewer.user.id {
            return Err(PeopleError::Forbidden(
                "You cannot make a reset link for yourself: change your password on your \
                 account page."
                    .into(),
            ));
        }
        if target.state != AccountState::Active {
            return Err(PeopleError::Forbidden(format!(
                "{} is banned: lift the ban first, or the link would be refused.",
                target.name
            )));
        }
        let now = state.people.clock.now_secs();
        let made = make_reset_link(
            &state.store,
            target.id,
            RESET_LINK_HOURS,
            Some(viewer.user.id),
            now,
        )
        .await?;
        let base = crate::base_url::site_base(state.base_url.as_deref(), &headers);
        let mut page = LinkPage {
            site_name: state.site_name.clone(),
            name: target.name,
            link: format!("{base}{}", made.path),
            hours: RESET_LINK_HOURS,
            expires_datetime: crate::rfc3339(made.expires_at),
            expires_exact: crate::exact_time(made.expires_at),
        }
        .into_response();
        page.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(page)
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
