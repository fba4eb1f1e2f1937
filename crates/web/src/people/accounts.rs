//! Account pages: sign up, log in, log out, the account page (display name, password,
//! deletion).

use super::client_ip::ClientIp;
use super::csrf::TokenForm;
use super::limits::Action;
use super::session::{self, DEVICE_COOKIE, Viewer, cookie};
use super::throttle::Refusal;
use super::tokens::{hash_token, random_token, well_formed};
use super::{PeopleError, csrf, pages_changed, password};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_model::{AccountState, Role};
use tidings_store::{NewUser, StoreError, name_key};

/// The longest display name, in characters.
pub(crate) const MAX_DISPLAY_NAME_CHARS: usize = 64;

/// Why a login name is refused, if it is: 3 to 32 ASCII letters, digits, `_`, `.` or `-`.
pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    let n = name.chars().count();
    if !(3..=32).contains(&n) {
        Some("The name must have 3 to 32 characters.")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        Some("The name may hold only letters, digits, _ . and -.")
    } else {
        None
    }
}

/// A display name cleaned (trimmed, control and direction-override characters refused), or why
/// it is refused.
pub(crate) fn clean_display_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        Err("The display name must not be empty.")
    } else if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        Err("The display name is too long (at most 64 characters).")
    } else if name.chars().any(char::is_control) {
        Err("The display name must not hold control characters.")
    } else if name.chars().any(tidings_text::is_direction_control) {
        // An override left open reorders the rest of the line it prints on ("name · time"
        // under a comment), which can make one reader look like another.
        Err("The display name must not hold text-direction override characters.")
    } else {
        Ok(name.to_string())
    }
}

/// Where to go after logging in: a path on this site, never another site.
pub(crate) fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 512
        && !next.chars().any(|c| c.is_control());
    if ok {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub(crate) fn see_other(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = Redirect::to(location).into_response();
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

#[derive(Deserialize, Default)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
    /// What was just done, for the login page's notice (`reset`: a new password was set
    /// through a reset link).
    #[serde(default)]
    done: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    site_name: String,
    csrf: String,
    next: String,
    name: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "signup.html")]
struct SignupPage {
    site_name: String,
    open: bool,
    /// The account this browser is signed in as: the page then offers to log out instead
    /// of a form, since signing up would quietly switch to a new account.
    signed_in_as: Option<SignedIn>,
    csrf: String,
    next: String,
    name: String,
    display_name: String,
    error: Option<String>,
}

/// A form page with the anonymous token, its nonce cookie set if new.
pub(crate) async fn anonymous_form<T: IntoResponse>(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    build: impl FnOnce(String) -> T,
    extra: Option<(axum::http::HeaderName, HeaderValue)>,
) -> Response {
    match csrf::anonymous_token(state, headers).await {
        Ok((token, cookie)) => {
            let mut response = (status, build(token)).into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            if let Some(c) = cookie {
                response.headers_mut().append(header::SET_COOKIE, c);
            }
            if let Some((name, value)) = extra {
                response.headers_mut().insert(name, value);
            }
            response
        }
        Err(e) => e.page(&state.site_name),
    }
}

/// What the login page says after a password reset link set a new password.
const PASSWORD_RESET_NOTICE: &str =
    "Your new password is set, and every browser was logged out. Log in with it.";

/// What the login page says after a password reset link set a new password and revoked the
/// account's API keys.
const PASSWORD_RESET_KEYS_NOTICE: &str = "Your new password is set, every browser was logged \
     out and every API key revoked (make new ones for your reader apps). Log in with it.";

/// Whether a form's "Also revoke my API keys" box (`revoke_api_keys`) was ticked: a
/// checkbox sends its field only when ticked, whatever its value.
pub(crate) fn ticked(field: &Option<String>) -> bool {
    field.is_some()
}

/// `GET /login`.
pub(crate) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(&q.next);
    let notice = match q.done.as_str() {
        "reset" => Some(PASSWORD_RESET_NOTICE),
        "reset-keys" => Some(PASSWORD_RESET_KEYS_NOTICE),
        _ => None,
    };
    anonymous_form(
        &state,
        &headers,
        StatusCode::OK,
        |csrf| LoginPage {
            site_name: state.site_name.clone(),
            csrf,
            next,
            name: String::new(),
            error: None,
            notice: notice.map(str::to_string),
        },
        None,
    )
    .await
}

#[derive(Deserialize, Default)]
pub(crate) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: checks origin, token, rate limit and throttle before the password; on
/// success, a fresh session (and a known-device cookie) and a redirect.
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let site = state.site_name.clone();
    if let Err(e) = csrf::check_anonymous(&state, &headers, &form.csrf).await {
        return e.page(&site);
    }
    let next = safe_next(&form.next);
    let again = |status: StatusCode, error: &str, retry: Option<u64>| {
        let name = form.name.chars().take(32).collect::<String>();
        let error = error.to_string();
        let next = next.clone();
        let site = site.clone();
        let extra = retry.and_then(|s| {
            HeaderValue::from_str(&s.max(1).to_string())
                .ok()
                .map(|v| (header::RETRY_AFTER, v))
        });
        let state = state.clone();
        let headers = headers.clone();
        async move {
            anonymous_form(
                &state,
                &headers,
                status,
                |csrf| LoginPage {
                    site_name: site,
                    csrf,
                    next,
                    name,
                    error: Some(error),
                    notice: None,
                },
                extra,
            )
            .await
        }
    };
    if form.name.len() > 64 || form.password.len() > password::MAX_PASSWORD_BYTES {
        return again(StatusCode::BAD_REQUEST, "Wrong name or password.", None).await;
    }
    if let Err(limited) = state.people.limits.check(Action::Login, ip, None) {
        let secs = limited.0.as_secs_f64().ceil() as u64;
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many login attempts from your address. Please wait and try again.",
            Some(secs),
        )
        .await;
    }
    let account = name_key(&form.name);
    let creds = match state.store.users().credentials(&form.name).await {
        Ok(c) => c,
        Err(e) => return PeopleError::from(e).page(&site),
    };
    let device = cookie(&headers, DEVICE_COOKIE).filter(|d| well_formed(d));
    let known = match (&creds, &device) {
        (Some(c), Some(d)) => state
            .store
            .sessions()
            .is_known_device(&hash_token(d), c.user.id)
            .await
            .unwrap_or(false),
        _ => false,
    };
    let now_ms = state.people.clock.now_ms();
    if let Err(refusal) = state.people.throttle.check(&account, ip, known, now_ms) {
        let wait = match refusal {
            Refusal::Wait(w) | Refusal::AccountLocked(w) => w,
        };
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong passwords for this account. Please wait and try again.",
            Some(wait.as_secs_f64().ceil() as u64),
        )
        .await;
    }
    let hash = creds.as_ref().map(|c| c.password_hash.clone());
    let ok = password::verify(form.password.clone(), hash).await;
    let Some(creds) = creds.filter(|_| ok) else {
        state.people.throttle.failed(&account, ip, now_ms);
        return again(StatusCode::UNAUTHORIZED, "Wrong name or password.", None).await;
    };
    if creds.user.state != AccountState::Active {
        return PeopleError::Forbidden("This account is banned.".into()).page(&site);
    }
    state.people.throttle.succeeded(&account, ip);
    let session_cookie = match session::start(&state, &headers, creds.user.id).await {
        Ok(c) => c,
        Err(e) => return PeopleError::from(e).page(&site),
    };
    let mut cookies = vec![session_cookie];
    let device = match device.filter(|_| known) {
        Some(d) => d,
        None => random_token(),
    };
    let now = state.people.clock.now_secs();
    if let Err(e) = state
        .store
        .sessions()
        .add_device(&hash_token(&device), creds.user.id, now)
        .await
    {
        return PeopleError::from(e).page(&site);
    }
    cookies.push(session::set_cookie(
        &state,
        &headers,
        DEVICE_COOKIE,
        &device,
        365 * 86_400,
    ));
    see_other(&next, cookies)
}

/// Who a browser is signed in as, for the sign-up page.
struct SignedIn {
    /// The account's display name.
    name: String,
    /// The session's form token, for the page's logout button.
    csrf: String,
}

/// The account the request's browser is signed in as, if any.
async fn signed_in_as(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, PeopleError> {
    Ok(session::viewer(state, headers)
        .await?
        .map(|viewer| SignedIn {
            name: viewer.user.display_name,
            csrf: viewer.csrf,
        }))
}

/// What the sign-up form says when its display name, or the login name shown in its place,
/// passes for another account's name ([`StoreError::NameTaken`]).
fn name_taken_message(display_given: bool) -> &'static str {
    if display_given {
        DISPLAY_NAME_TAKEN
    } else {
        "Your name, which is shown with your comments when you give no display name, passes \
         for another account's name. Please give a display name of your own, or choose \
         another name."
    }
}

/// What a form says when the display name it gives passes for another account's name.
const DISPLAY_NAME_TAKEN: &str =
    "That display name passes for another account's name. Please choose another.";

/// What the sign-up form says when the login name it gives passes for another account's
/// display name (the display name it gives being fine).
const LOGIN_NAME_TAKEN: &str =
    "That name passes for another account's display name. Please choose another.";

/// `GET /signup`: the form, or (when this browser is signed in) who it is signed in as.
pub(crate) async fn signup_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let signed_in_as = match signed_in_as(&state, &headers).await {
        Ok(name) => name,
        Err(e) => return e.page(&state.site_name),
    };
    empty_signup(&state, &headers, StatusCode::OK, signed_in_as, &q.next).await
}

/// The sign-up page with an empty form, or with who the browser is signed in as.
async fn empty_signup(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    signed_in_as: Option<SignedIn>,
    next: &str,
) -> Response {
    let next = safe_next(next);
    anonymous_form(
        state,
        headers,
        status,
        |csrf| SignupPage {
            site_name: state.site_name.clone(),
            open: state.people.config.signup_open,
            signed_in_as,
            csrf,
            next,
            name: String::new(),
            display_name: String::new(),
            error: None,
        },
        None,
    )
    .await
}

#[derive(Deserialize, Default)]
pub(crate) struct SignupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /signup`: creates a reader account and logs it in; refused (`409`) while the
/// browser is signed in, which would otherwise switch it to the new account unasked.
pub(crate) async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignupForm>,
) -> Response {
    let site = state.site_name.clone();
    if let Err(e) = csrf::check_anonymous(&state, &headers, &form.csrf).await {
        return e.page(&site);
    }
    match signed_in_as(&state, &headers).await {
        Ok(None) => {}
        Ok(Some(name)) => {
            return empty_signup(
                &state,
                &headers,
                StatusCode::CONFLICT,
                Some(name),
                &form.next,
            )
            .await;
        }
        Err(e) => return e.page(&site),
    }
    if !state.people.config.signup_open {
        return PeopleError::Forbidden("Sign-up is closed on this site.".into()).page(&site);
    }
    if let Err(limited) = state.people.limits.check(Action::Signup, ip, None) {
        return PeopleError::from(limited).page(&site);
    }
    let name = form.name.trim().to_string();
    let display = if form.display_name.trim().is_empty() {
        Ok(name.clone())
    } else {
        clean_display_name(&form.display_name)
    };
    let problem = name_problem(&name)
        .or_else(|| display.as_ref().err().copied())
        .or_else(|| password::weakness(&form.password, &name));
    let next = safe_next(&form.next);
    let refuse = |status: StatusCode, error: &str| {
        let error = error.to_string();
        let (name, display_name) = (
            form.name.chars().take(32).collect::<String>(),
            form.display_name.chars().take(64).collect::<String>(),
        );
        let (state, headers, next, site) =
            (state.clone(), headers.clone(), next.clone(), site.clone());
        async move {
            anonymous_form(
                &state,
                &headers,
                status,
                |csrf| SignupPage {
                    site_name: site,
                    open: true,
                    signed_in_as: None,
                    csrf,
                    next,
                    name,
                    display_name,
                    error: Some(error),
                },
                None,
            )
            .await
        }
    };
    if let Some(problem) = problem {
        return refuse(StatusCode::BAD_REQUEST, problem).await;
    }
    let Ok(display) = display else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid display name.").await;
    };
    let hash = match password::hash(
        form.password.clone(),
        state.people.config.password_memory_kib,
    )
    .await
    {
        Ok(h) => h,
        Err(e) => return PeopleError::Internal(e).page(&site),
    };
    let created = state
        .store
        .users()
        .create(
            &NewUser {
                name: name.clone(),
                display_name: display,
                password_hash: hash,
                role: Role::Reader,
            },
            state.people.clock.now_secs(),
        )
        .await;
    let user = match created {
        Ok(u) => u,
        Err(StoreError::AlreadyExists(_)) => {
            return refuse(
                StatusCode::CONFLICT,
                "That name is taken. Please choose another.",
            )
            .await;
        }
        Err(StoreError::NameTaken(taken)) => {
            let given = !form.display_name.trim().is_empty();
            let message = if given && taken == name && taken != form.display_name.trim() {
                LOGIN_NAME_TAKEN
            } else {
                name_taken_message(given)
            };
            return refuse(StatusCode::CONFLICT, message).await;
        }
        Err(e) => return PeopleError::from(e).page(&site),
    };
    state.people.throttle.succeeded(&name_key(&name), ip);
    match session::start(&state, &headers, user.id).await {
        Ok(c) => see_other(&next, vec![c]),
        Err(e) => PeopleError::from(e).page(&site),
    }
}

/// The viewer of a state-changing request, after the origin and token checks.
pub(crate) async fn checked_viewer(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
) -> Result<Viewer, PeopleError> {
    csrf::check_origin(state, headers)?;
    let viewer = session::viewer(state, headers)
        .await?
        .ok_or(PeopleError::LoginRequired)?;
    csrf::check_session(&viewer, token)?;
    Ok(viewer)
}

/// The viewer of a state-changing request, after the origin and token checks and the
/// per-account write limit ([`Action::Write`]).
pub(crate) async fn checked_writer(
    state: &AppState,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
    token: &str,
) -> Result<Viewer, PeopleError> {
    let viewer = checked_viewer(state, headers, token).await?;
    state
        .people
        .limits
        .check(Action::Write, ip, Some(viewer.user.id))?;
    Ok(viewer)
}

/// `POST /logout`: ends the session on the server and clears the cookie.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    match checked_viewer(&state, &headers, &form.csrf).await {
        Ok(viewer) => match state.store.sessions().delete(&viewer.token_hash).await {
            Ok(()) => see_other("/", vec![session::clear(&state, &headers)]),
            Err(e) => PeopleError::from(e).page(&state.site_name),
        },
        Err(e) => e.page(&state.site_name),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    site_name: String,
    name: String,
    display_name: String,
    role: &'static str,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    /// The account's live sessions besides this one (`None` when they could not be counted).
    other_sessions: Option<i64>,
    /// The account's API keys, which the password and sessions forms offer to revoke (0
    /// when they could not be counted: the box is then not offered).
    api_keys: i64,
}

#[derive(Deserialize, Default)]
pub(crate) struct AccountQuery {
    #[serde(default)]
    done: String,
}

async fn account_view(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
    notice: Option<String>,
) -> AccountPage {
    let now = state.people.clock.now_secs();
    let sessions = state
        .store
        .sessions()
        .count_for_user(viewer.user.id, now)
        .await;
    let other_sessions = match sessions {
        Ok(n) => Some((n - 1).max(0)),
        Err(e) => {
            tracing::warn!(error = %e, "could not count an account's sessions");
            None
        }
    };
    let api_keys = match state.store.api_keys().count(viewer.user.id).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "could not count an account's API keys");
            0
        }
    };
    AccountPage {
        site_name: state.site_name.clone(),
        name: viewer.user.name.clone(),
        display_name: viewer.user.display_name.clone(),
        role: viewer.user.role.as_str(),
        csrf: viewer.csrf.clone(),
        error,
        notice,
        other_sessions,
        api_keys,
    }
}

/// `GET /account`.
pub(crate) async fn account_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AccountQuery>,
) -> Response {
    match session::viewer(&state, &headers).await {
        Ok(Some(viewer)) => {
            let notice = match q.done.as_str() {
                "password" => {
                    Some("Your password is changed; other browsers are logged out.".to_string())
                }
                "password-keys" => Some(
                    "Your password is changed; other browsers are logged out and every API \
                     key is revoked."
                        .to_string(),
                ),
                "name" => Some("Your display name is saved.".to_string()),
                "sessions" => Some("Every other browser is logged out.".to_string()),
                "sessions-keys" => Some(
                    "Every other browser is logged out and every API key is revoked.".to_string(),
                ),
                _ => None,
            };
            account_view(&state, &viewer, None, notice)
                .await
                .into_response()
        }
        Ok(None) => Redirect::to("/login?next=/account").into_response(),
        Err(e) => PeopleError::from(e).page(&state.site_name),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    /// "Also revoke my API keys" (see [`ticked`]).
    #[serde(default)]
    revoke_api_keys: Option<String>,
}

/// `POST /account/password`: needs the current password; ends every session of the account,
/// and revokes every API key of the account when "Also revoke my API keys" is ticked, in the
/// same transaction; then starts a new session (new token, new CSRF token) for the browser
/// that changed it, so a copy of its old cookie is worth nothing either.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let hash = state.store.users().password_hash(viewer.user.id).await?;
        if !password::verify(form.current.clone(), hash).await {
            return Ok((
                StatusCode::FORBIDDEN,
                account_view(
                    &state,
                    &viewer,
                    Some("The current password is wrong.".into()),
                    None,
                )
                .await,
            )
                .into_response());
        }
        if let Some(problem) = password::weakness(&form.new, &viewer.user.name) {
            return Ok((
                StatusCode::BAD_REQUEST,
                account_view(&state, &viewer, Some(problem.into()), None).await,
            )
                .into_response());
        }
        let hash = password::hash(form.new.clone(), state.people.config.password_memory_kib)
            .await
            .map_err(PeopleError::Internal)?;
        let revoke = ticked(&form.revoke_api_keys);
        state
            .store
            .users()
            .set_password_revoking(
                viewer.user.id,
                &hash,
                None,
                state.people.clock.now_secs(),
                revoke,
            )
            .await?;
        let fresh = session::start(&state, &headers, viewer.user.id).await?;
        let done = if revoke { "password-keys" } else { "password" };
        Ok(see_other(&format!("/account?done={done}"), vec![fresh]))
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Deserialize, Default)]
pub(crate) struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct SessionsForm {
    #[serde(default)]
    csrf: String,
    /// "Also revoke my API keys" (see [`ticked`]).
    #[serde(default)]
    revoke_api_keys: Option<String>,
}

/// `POST /account/sessions`: logs out every other browser of the account (a cookie left on
/// a shared computer, or one the reader suspects stolen), keeping this one; with "Also
/// revoke my API keys" ticked, revokes every API key of the account in the same
/// transaction.
pub(crate) async fn end_other_sessions(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SessionsForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let revoke = ticked(&form.revoke_api_keys);
        state
            .store
            .sessions()
            .end_others(viewer.user.id, &viewer.token_hash, revoke)
            .await?;
        let done = if revoke { "sessions-keys" } else { "sessions" };
        Ok(see_other(&format!("/account?done={done}"), Vec::new()))
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

/// `POST /account/name`: changes the display name.
pub(crate) async fn change_name(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<NameForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_writer(&state, &headers, ip, &form.csrf).await?;
        let name = match clean_display_name(&form.display_name) {
            Ok(n) => n,
            Err(problem) => {
                return Ok((
                    StatusCode::BAD_REQUEST,
                    account_view(&state, &viewer, Some(problem.into()), None).await,
                )
                    .into_response());
            }
        };
        match state
            .store
            .users()
            .set_display_name(viewer.user.id, &name)
            .await
        {
            Ok(()) => {}
            Err(StoreError::NameTaken(_)) => {
                return Ok((
                    StatusCode::CONFLICT,
                    account_view(&state, &viewer, Some(DISPLAY_NAME_TAKEN.into()), None).await,
                )
                    .into_response());
            }
            Err(e) => return Err(e.into()),
        }
        // Its comments show the new name on every page.
        pages_changed(&state, 1);
        Ok(see_other("/account?done=name", Vec::new()))
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[derive(Deserialize, Default)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /account/delete`: needs the password; the account's comments stay as "deleted".
pub(crate) async fn delete_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<DeleteForm>,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let viewer = checked_viewer(&state, &headers, &form.csrf).await?;
        let hash = state.store.users().password_hash(viewer.user.id).await?;
        if !password::verify(form.password.clone(), hash).await {
            return Ok((
                StatusCode::FORBIDDEN,
                account_view(&state, &viewer, Some("The password is wrong.".into()), None).await,
            )
                .into_response());
        }
        let pages = super::comments::pages_of_user(&state, viewer.user.id).await?;
        state.store.users().delete(viewer.user.id).await?;
        for path in pages {
            super::page_changed(&state, &path);
        }
        Ok(see_other("/", vec![session::clear(&state, &headers)]))
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}
