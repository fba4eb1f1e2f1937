//! CSRF defences: the session's synchronizer token on every form a logged-in reader posts
//! (and the `X-CSRF-Token` header on API writes), a token signed from a cookie nonce on the
//! anonymous forms (log in, sign up), and an `Origin` / `Sec-Fetch-Site` check on every POST.

use super::PeopleError;
use super::session::{Viewer, cookie, set_cookie};
use super::tokens::{random_token, same, sign, well_formed};
use crate::state::AppState;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::Deserialize;

/// A form that posts nothing but the session's CSRF token (a button: log out, remove, make a
/// link).
#[derive(Deserialize, Default)]
pub(crate) struct TokenForm {
    /// The token.
    #[serde(default)]
    pub(crate) csrf: String,
}

/// The anonymous forms' nonce cookie.
const NONCE_COOKIE: &str = "tidings_csrf";

/// Refuses a POST that a browser says comes from another site.
pub(crate) fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), PeopleError> {
    let refuse = || {
        Err(PeopleError::Forbidden(
            "This form was sent from another site.".into(),
        ))
    };
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return refuse();
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let Ok(origin) = origin.to_str() else {
        return refuse();
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let ok = match state.base_url.as_deref() {
        Some(base) => origin == base.trim().trim_end_matches('/').to_ascii_lowercase(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_ascii_lowercase);
            let origin_host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            host.is_some() && origin_host == host.as_deref()
        }
    };
    if ok { Ok(()) } else { refuse() }
}

/// Checks a logged-in form's token against its session's.
pub(crate) fn check_session(viewer: &Viewer, submitted: &str) -> Result<(), PeopleError> {
    if !submitted.is_empty() && same(&viewer.csrf, submitted) {
        Ok(())
    } else {
        Err(PeopleError::Forbidden(
            "The form's security token is missing or wrong. Reload the page and try again.".into(),
        ))
    }
}

/// The key that signs anonymous forms' tokens, shared by every process through the
/// database.
async fn key(state: &AppState) -> Result<Vec<u8>, PeopleError> {
    let key = state
        .people
        .signing_key
        .get_or_try_init(|| async {
            state
                .store
                .sessions()
                .site_secret("csrf-signing-key", &random_token())
                .await
                .map(String::into_bytes)
        })
        .await?;
    Ok(key.clone())
}

/// The token for an anonymous form, and the nonce cookie to set when the request had none.
pub(crate) async fn anonymous_token(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(String, Option<HeaderValue>), PeopleError> {
    let key = key(state).await?;
    match cookie(headers, NONCE_COOKIE).filter(|n| well_formed(n)) {
        Some(nonce) => Ok((sign(&key, &nonce), None)),
        None => {
            let nonce = random_token();
            let cookie = set_cookie(state, headers, NONCE_COOKIE, &nonce, 86_400);
            Ok((sign(&key, &nonce), Some(cookie)))
        }
    }
}

/// Checks an anonymous form's origin ([`check_origin`]) and its token against its nonce
/// cookie.
pub(crate) async fn check_anonymous(
    state: &AppState,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<(), PeopleError> {
    check_origin(state, headers)?;
    let key = key(state).await?;
    let valid = cookie(headers, NONCE_COOKIE)
        .filter(|n| well_formed(n))
        .is_some_and(|nonce| !submitted.is_empty() && same(&sign(&key, &nonce), submitted));
    if valid {
        Ok(())
    } else {
        Err(PeopleError::Forbidden(
            "The form's security token is missing or wrong. Reload the page and try again.".into(),
        ))
    }
}
