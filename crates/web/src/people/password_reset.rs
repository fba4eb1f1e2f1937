//! Password reset links: how a reader who forgot their password gets back in, on a site that
//! sends no email. An admin (on `/admin/users`) or the operator (`tidings users reset-link`)
//! makes a link with [`make_reset_link`] and hands it to the person; `GET /reset/{token}`
//! shows them a form for a new password, `POST /reset/{token}` sets it.
//!
//! - **The token** is 256 random bits in the link's path; the store keeps only its SHA-256
//!   (as for sessions and API keys). A link works once, for 24 hours unless the operator
//!   asks for another lifetime, and making a new one for an account ends the older ones.
//! - **The form** is an anonymous form (the signed nonce token of `/login` and `/signup`,
//!   and the origin check), counted against the login limit per address, since each try
//!   costs an argon2 hash. The new password meets the sign-up rules; a refused one leaves the
//!   link usable.
//! - **A link that does not work** (unknown, used, expired, its account deleted) gets one
//!   answer, `410`, that names no account; a banned account's link is refused with `403`.
//! - **Using it** sets the password, marks the link used and ends every session of the
//!   account (and, with "Also revoke my N API keys", ticked by default, every API key: a
//!   reader who resets because someone else got in wants that someone's reader app out
//!   too) in one transaction (a second, simultaneous use finds the link used), then sends
//!   the person to `/login`, where they log in with the new password: a browser's password
//!   manager offers to save it there, the login sets the known-device cookie the login
//!   throttle lets through, and sessions begin at one place only.
//! - **The answers** carry `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, since
//!   the token is in the address; the page cache never holds these routes.

use super::client_ip::ClientIp;
use super::limits::Action;
use super::tokens::{hash_token, random_token, well_formed};
use super::{PeopleError, accounts, csrf, password};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use tidings_model::{AccountState, UnixSeconds, UserId};
use tidings_store::{ResetLink, Store, StoreError, name_key};

/// How long a link works unless the operator asks for another lifetime, in hours.
pub const RESET_LINK_HOURS: i64 = 24;

/// A link just made: shown once, never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeResetLink {
    /// The link's path on the site, `/reset/{token}`.
    pub path: String,
    /// When it stops working.
    pub expires_at: UnixSeconds,
}

/// Makes a password reset link for `user` that works for `hours` from `now`, ending the
/// account's older links, logged as `reset-link` by `moderator` (`None`: the command line).
/// [`StoreError::NotFound`] when the account does not exist or is deleted; who may get a
/// link is the caller's rule.
pub async fn make_reset_link(
    store: &Store,
    user: UserId,
    hours: i64,
    moderator: Option<UserId>,
    now: UnixSeconds,
) -> Result<MadeResetLink, StoreError> {
    let token = random_token();
    let expires_at = now + hours.max(1) * 3_600;
    store
        .password_resets()
        .create(user, &hash_token(&token), now, expires_at, moderator)
        .await?;
    Ok(MadeResetLink {
        path: format!("/reset/{token}"),
        expires_at,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reset_password.html")]
struct ResetPage {
    site_name: String,
    csrf: String,
    token: String,
    name: String,
    expires_datetime: String,
    expires_exact: String,
    error: Option<String>,
    /// The account's API keys, which the form offers to revoke (ticked by default).
    api_keys: i64,
}

/// The form's fields.
#[derive(Deserialize, Default)]
pub(crate) struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    /// "Also revoke my API keys" (see [`accounts::ticked`]).
    #[serde(default)]
    revoke_api_keys: Option<String>,
}

/// The one answer for a link that does not work, whatever the reason.
fn not_working() -> PeopleError {
    PeopleError::Gone(
        "This password reset link does not work: it was used already, it expired, or it was \
         never made. Ask an administrator of this site for a new one."
            .into(),
    )
}

/// The link `token` names, if it still works for an active account.
async fn working_link(state: &AppState, token: &str) -> Result<ResetLink, PeopleError> {
    if !well_formed(token) {
        return Err(not_working());
    }
    let now = state.people.clock.now_secs();
    let link = state
        .store
        .password_resets()
        .find(&hash_token(token), now)
        .await?
        .ok_or_else(not_working)?;
    if link.user.state != AccountState::Active {
        return Err(PeopleError::Forbidden(
            "This account is banned: its password cannot be reset.".into(),
        ));
    }
    Ok(link)
}

/// The form for `link`, with `error` above it when a try was refused.
async fn form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    token: &str,
    link: &ResetLink,
    error: Option<&str>,
) -> Response {
    let api_keys = match state.store.api_keys().count(link.user.id).await {
        Ok(n) => n,
        Err(e) => return PeopleError::from(e).page(&state.site_name),
    };
    accounts::anonymous_form(
        state,
        headers,
        status,
        |csrf| ResetPage {
            site_name: state.site_name.clone(),
            csrf,
            token: token.to_string(),
            name: link.user.name.clone(),
            expires_datetime: crate::rfc3339(link.expires_at),
            expires_exact: crate::exact_time(link.expires_at),
            error: error.map(str::to_string),
            api_keys,
        },
        None,
    )
    .await
}

/// Marks an answer as one nothing may keep and whose address no page passes on.
fn unkept(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `GET /reset/{token}`: the form for a new password, or why the link does not work.
pub(crate) async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let answer = match working_link(&state, &token).await {
        Ok(link) => form(&state, &headers, StatusCode::OK, &token, &link, None).await,
        Err(e) => e.page(&state.site_name),
    };
    unkept(answer)
}

/// `POST /reset/{token}`: checks origin, form token and rate limit, then the link, then the
/// new password; sets it (ending every session of the account) and sends the person to log
/// in with it.
pub(crate) async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(fields): Form<ResetForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        csrf::check_anonymous(&state, &headers, &fields.csrf).await?;
        state.people.limits.check(Action::Login, ip, None)?;
        let link = working_link(&state, &token).await?;
        let problem = if fields.password != fields.confirm {
            Some("The two passwords differ.")
        } else {
            password::weakness(&fields.password, &link.user.name)
        };
        if let Some(problem) = problem {
            let status = StatusCode::BAD_REQUEST;
            return Ok(form(&state, &headers, status, &token, &link, Some(problem)).await);
        }
        let hash = password::hash(
            fields.password.clone(),
            state.people.config.password_memory_kib,
        )
        .await
        .map_err(PeopleError::Internal)?;
        let now = state.people.clock.now_secs();
        let revoke = accounts::ticked(&fields.revoke_api_keys);
        state
            .store
            .password_resets()
            .use_link_revoking(&hash_token(&token), &hash, now, revoke)
            .await?
            .ok_or_else(not_working)?;
        // Whoever forgot a password has often just failed to log in with it from here.
        state
            .people
            .throttle
            .succeeded(&name_key(&link.user.name), ip);
        let done = if revoke { "reset-keys" } else { "reset" };
        Ok(accounts::see_other(
            &format!("/login?done={done}"),
            Vec::new(),
        ))
    }
    .await;
    unkept(result.unwrap_or_else(|e| e.page(&state.site_name)))
}
