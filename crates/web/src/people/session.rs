//! Sessions: the `tidings_session` cookie, the logged-in [`Viewer`] it names, starting one
//! at login (always a fresh token: a token set before login is never adopted) and ending it
//! at logout; and [`viewer_layer`], which gives logged-in pages their account links.

use super::client_ip::trusted_https;
use super::tokens::{hash_token, random_token, well_formed};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tidings_model::{AccountState, User, UserId};
use tidings_store::StoreError;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "tidings_session";
/// The known-device cookie's name (see [`super::throttle`]).
pub(crate) const DEVICE_COOKIE: &str = "tidings_device";

/// The logged-in account behind a request.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// The account.
    pub user: User,
    /// The hash of the session's token (its key in the database).
    pub token_hash: String,
    /// The session's CSRF token.
    pub csrf: String,
}

impl Viewer {
    /// Whether the account may moderate.
    pub(crate) fn moderates(&self) -> bool {
        self.user.role.moderates() && self.user.state == AccountState::Active
    }

    /// Whether the account may administer the site (sources, accounts' roles, `/operator`).
    pub(crate) fn administers(&self) -> bool {
        self.user.role == tidings_model::Role::Admin && self.user.state == AccountState::Active
    }
}

/// The value of cookie `name` in the request, if any.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// The viewer the request's session cookie names, if it is live.
pub(crate) async fn viewer(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, StoreError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| well_formed(t)) else {
        return Ok(None);
    };
    let token_hash = hash_token(&token);
    let now = state.people.clock.now_secs();
    Ok(state
        .store
        .sessions()
        .get(&token_hash, now)
        .await?
        .map(|record| Viewer {
            user: record.user,
            token_hash,
            csrf: record.csrf_token,
        }))
}

/// Whether cookies must be `Secure`: when the configured base URL is https, or a proxy the
/// operator trusts (`trust_forwarded_for`) says the request came over https.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state
        .base_url
        .as_deref()
        .is_some_and(|b| b.trim().to_ascii_lowercase().starts_with("https://"))
        || trusted_https(state, headers)
}

/// A `Set-Cookie` value, for the answer to the request with these `headers`.
pub(crate) fn set_cookie(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> HeaderValue {
    let secure = if secure(state, headers) {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age_secs.max(0)
    );
    HeaderValue::from_str(&text)
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// Starts a session for `user`: a fresh random token (the cookie) whose hash and a fresh
/// CSRF token are stored. Any session the request already had is ended first, so a token
/// planted before login is worthless after it. Returns the `Set-Cookie` value.
pub(crate) async fn start(
    state: &AppState,
    headers: &HeaderMap,
    user: UserId,
) -> Result<HeaderValue, StoreError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE).filter(|t| well_formed(t)) {
        state.store.sessions().delete(&hash_token(&old)).await?;
    }
    let token = random_token();
    let now = state.people.clock.now_secs();
    state.store.sessions().purge_expired(now).await?;
    let lifetime = i64::from(state.people.config.session_days.max(1)) * 86_400;
    state
        .store
        .sessions()
        .create(
            &hash_token(&token),
            user,
            &random_token(),
            now,
            now + lifetime,
        )
        .await?;
    Ok(set_cookie(state, headers, SESSION_COOKIE, &token, lifetime))
}

/// The `Set-Cookie` value that removes the session cookie.
pub(crate) fn clear(state: &AppState, headers: &HeaderMap) -> HeaderValue {
    set_cookie(state, headers, SESSION_COOKIE, "", 0)
}

/// The header's account links for a logged-in viewer, replacing the anonymous ones.
const ANONYMOUS_NAV: &str =
    r#"<span class="account-nav"><a href="/login">Log in</a> <a href="/signup">Sign up</a></span>"#;

/// Gives pages requested with a live session their account links (For you, Saved, Replies with
/// the unread count, account, moderation for moderators, the operator's page for admins, a
/// log-out form with its token) in place of "Log in · Sign up", and marks every answer to
/// such a request `Cache-Control: private, no-store`. The live session's [`Viewer`] goes
/// into the request's extensions, for handlers that tailor a page to the reader (what they
/// hid) without reading the session again. Requests without a session cookie pass
/// untouched, so anonymous pages stay the same for everyone.
pub async fn viewer_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if cookie(request.headers(), SESSION_COOKIE).is_none() {
        return next.run(request).await;
    }
    let viewer = viewer(&state, request.headers()).await.ok().flatten();
    if let Some(viewer) = &viewer {
        request.extensions_mut().insert(viewer.clone());
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    let Some(viewer) = viewer else {
        return response;
    };
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let html = String::from_utf8_lossy(&bytes);
    // The one read the unread count costs a signed-in page view.
    let unread = match state.store.replies().unread(viewer.user.id).await {
        Ok(n) => Some(n),
        Err(err) => {
            tracing::warn!(%err, "the unread replies could not be counted");
            None
        }
    };
    let nav = account_nav(&viewer, unread);
    let replaced = html.replacen(ANONYMOUS_NAV, &nav, 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    Response::from_parts(parts, Body::from(replaced))
}

/// An unread count as the header and `/replies` write it: "3", or "99+" from the store's
/// cap on.
pub(crate) fn unread_label(n: i64) -> String {
    if n >= tidings_store::UNREAD_CAP {
        format!("{}+", tidings_store::UNREAD_CAP - 1)
    } else {
        n.to_string()
    }
}

/// The signed-in header's links: For you, Saved, Replies (with the unread count when there
/// are any: "Replies · 3", "Replies · 99+" from the store's cap on), the account, Moderation
/// for moderators, Operator for admins, and Log out.
fn account_nav(viewer: &Viewer, unread_replies: Option<i64>) -> String {
    let name = escape(&viewer.user.display_name);
    let replies = match unread_replies {
        Some(n) if n > 0 => format!(
            r#"<a href="/replies" class="replies-unread">Replies · {}</a>"#,
            unread_label(n)
        ),
        _ => r#"<a href="/replies">Replies</a>"#.to_string(),
    };
    let moderation = if viewer.moderates() {
        r#" <a href="/moderation">Moderation</a>"#
    } else {
        ""
    };
    let operator = if viewer.administers() {
        r#" <a href="/operator">Operator</a>"#
    } else {
        ""
    };
    format!(
        r#"<span class="account-nav"><a href="/for-you">For you</a> <a href="/saved">Saved</a> {replies} <a href="/account">{name}</a>{moderation}{operator} <form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="{}"><button type="submit" class="link">Log out</button></form></span>"#,
        escape(&viewer.csrf)
    )
}

/// Escapes text for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
