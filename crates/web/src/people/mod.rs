//! People: accounts, sessions, comment threads, moderation and the controls that keep abuse
//! boring.
//!
//! - **Accounts** ([`accounts`]): sign up, log in, log out, change password, delete account;
//!   argon2id hashes ([`password`]); roles reader, moderator, admin.
//! - **Download my data** ([`export`]): `/account/export`, what the site holds about the
//!   reader as one JSON file.
//! - **Password reset links** ([`password_reset`]): `/reset/{token}`, the one-time links an
//!   admin or the operator makes for a reader who forgot their password (no email is sent).
//! - **Sessions** ([`session`]): a random 256-bit token in the `tidings_session` cookie
//!   (HttpOnly, SameSite=Lax, Secure when the site's `base_url` is https or a trusted proxy
//!   says the request came over https), stored hashed,
//!   replaced at every login (no fixation), expiring, deleted on the server at logout.
//! - **CSRF** ([`csrf`]): every state-changing form carries the session's synchronizer
//!   token; the anonymous forms (log in, sign up) carry a token signed from a cookie nonce;
//!   every POST is also refused when its `Origin` or `Sec-Fetch-Site` names another site.
//! - **Comments** ([`comments`]): threads on article and story pages, Markdown subset
//!   ([`markdown`]), edit window, delete, report, sorting, counts; the JSON API ([`api`]).
//! - **Replies** ([`replies`]): `/replies`, the replies to a reader's comments, and the
//!   unread count in a signed-in reader's header; `GET /comments/{id}` leads to a comment in
//!   its thread.
//! - **Moderation** ([`moderation`]): the queue of held and reported comments, hide,
//!   restore, approve, ban (with or without the account's comments) and unban, and the
//!   audit log (which also lists what administrators did to sources and roles, see
//!   [`crate::admin`]).
//! - **Abuse controls**: rate limits per IP and account ([`limits`]), the login throttle
//!   ([`throttle`]), spam heuristics ([`spam`]), size limits on every field.
//!
//! Pages for anonymous readers carry nothing per visitor (the comment section says "Log in
//! to comment"), so a cache may serve them to everyone without a session cookie. Requests
//! with a session get the header's account links (and forms with their tokens) from
//! [`viewer_layer`], and `Cache-Control: private, no-store`.

pub(crate) mod accounts;
pub(crate) mod api;
pub(crate) mod client_ip;
pub mod clock;
pub(crate) mod comments;
pub(crate) mod csrf;
mod error;
mod export;
pub mod limits;
pub mod markdown;
mod moderation;
mod password;
pub mod password_reset;
pub(crate) mod replies;
pub(crate) mod session;
pub mod spam;
pub mod throttle;
pub(crate) mod tokens;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use limits::RateLimitConfig;
pub use throttle::ThrottleConfig;

pub(crate) use comments::{CommentSection, section};
pub(crate) use error::PeopleError;
pub(crate) use session::viewer;

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use limits::RateLimits;
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use throttle::LoginThrottle;

/// What the operator decides about accounts and comments (`[people]` in the configuration
/// file).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct PeopleConfig {
    /// A private instance: only signed-in readers see pages, the API and feeds (see
    /// the private-site gate). Articles then show in full unless `display` says otherwise.
    pub private: bool,
    /// Whether anyone may create an account (`false`: only `tidings users create`).
    pub signup_open: bool,
    /// Hold the comments of accounts that have none approved yet until a moderator
    /// approves one.
    pub premoderate_new_accounts: bool,
    /// Take the client's address from the last entry of `X-Forwarded-For` (set this only
    /// behind a reverse proxy that writes that header; otherwise anyone could choose their
    /// address and escape the rate limits). Off: the TCP peer's address.
    pub trust_forwarded_for: bool,
    /// Comments one account may post within a minute before further ones are refused as a
    /// burst (`0`: no such rule).
    pub burst_comments_per_minute: usize,
    /// How long a session lasts, in days.
    pub session_days: u32,
    /// How long after posting its author may edit a comment, in seconds.
    pub edit_window_secs: i64,
    /// argon2id memory per hash, in KiB (19456 = 19 MiB, OWASP's suggestion).
    pub password_memory_kib: u32,
    /// Rate limits per IP address and account.
    pub limits: RateLimitConfig,
    /// The login throttle.
    pub login_throttle: ThrottleConfig,
    /// How a feed address a reader (not an administrator) adds, by an OPML import or an
    /// app's API, enters the site when no source has it yet.
    pub reader_sources: ReaderSources,
}

/// How sources that readers add enter the site (`[people] reader_sources`).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReaderSources {
    /// The new source waits for an administrator's approval on `/sources`: not fetched and
    /// not public meanwhile; the reader's subscription stays.
    #[default]
    Review,
    /// The new source is public and fetched at once.
    Open,
}

impl ReaderSources {
    /// How `user` adds a source under this rule: an administrator's is public at once, a
    /// reader's or a moderator's waits under [`ReaderSources::Review`].
    pub fn added_by(self, user: &tidings_model::User) -> tidings_store::AddedBy {
        match (self, user.role) {
            (ReaderSources::Review, role) if role != tidings_model::Role::Admin => {
                tidings_store::AddedBy::ReaderForReview(user.id)
            }
            _ => tidings_store::AddedBy::Account(user.id),
        }
    }
}

impl Default for PeopleConfig {
    fn default() -> Self {
        PeopleConfig {
            private: false,
            signup_open: true,
            premoderate_new_accounts: false,
            trust_forwarded_for: false,
            burst_comments_per_minute: 5,
            session_days: 30,
            edit_window_secs: 15 * 60,
            password_memory_kib: 19_456,
            limits: RateLimitConfig::default(),
            login_throttle: ThrottleConfig::default(),
            reader_sources: ReaderSources::default(),
        }
    }
}

/// The largest form or JSON body the people routes read, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The people module's shared state: settings, clock, rate limits and the login throttle.
pub struct People {
    /// The operator's settings.
    pub config: PeopleConfig,
    /// The clock throttles, sessions and the edit window read.
    pub clock: SharedClock,
    pub(crate) limits: RateLimits,
    pub(crate) throttle: LoginThrottle,
    /// Set once an ignored `X-Forwarded-For` has been logged (see [`client_ip`]).
    pub(crate) forwarded_for_ignored: AtomicBool,
    signing_key: tokio::sync::OnceCell<Vec<u8>>,
}

impl std::fmt::Debug for People {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("People")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Default for People {
    fn default() -> Self {
        People::new(PeopleConfig::default())
    }
}

impl People {
    /// The people module with these settings, on the system clock.
    pub fn new(config: PeopleConfig) -> People {
        People::with_clock(config, Arc::new(SystemClock))
    }

    /// The people module on another clock (tests turn it by hand).
    pub fn with_clock(config: PeopleConfig, clock: Arc<dyn Clock>) -> People {
        let clock = SharedClock(clock);
        People {
            limits: RateLimits::new(&config.limits, &clock),
            throttle: LoginThrottle::new(config.login_throttle.clone()),
            config,
            clock,
            forwarded_for_ignored: AtomicBool::new(false),
            signing_key: tokio::sync::OnceCell::new(),
        }
    }

    /// Forgets rate-limit keys that have recovered (done every 10,000 checks as well).
    pub fn prune(&self) {
        self.limits.prune();
    }
}

/// Hashes a password with argon2id (`memory_kib` of memory), for accounts made outside the
/// site (`tidings users create`). Refuses passwords the sign-up form would refuse.
pub async fn hash_password(name: &str, password: &str, memory_kib: u32) -> Result<String, String> {
    if let Some(problem) = password::weakness(password, name) {
        return Err(problem.to_string());
    }
    if let Some(problem) = accounts::name_problem(name) {
        return Err(problem.to_string());
    }
    password::hash(password.to_string(), memory_kib).await
}

/// A display name for an account made outside the site (`tidings users create
/// --display-name`), cleaned as the site's forms clean one (trimmed; not empty, at most 64
/// characters, no control characters), or why it is refused. Whether it passes for another
/// account's name the store checks when it writes it.
pub fn clean_display_name(raw: &str) -> Result<String, String> {
    accounts::clean_display_name(raw).map_err(str::to_string)
}

/// Tells this process's page cache that the page at `path` changed (a comment was posted,
/// edited, deleted, hidden, restored or approved on it), so neither it nor its last rendering
/// is served again. The store's write moved the site revision in its own transaction, so
/// other web processes drop their pages at their next look at it. Every write that changes a
/// page calls it, after its commit.
pub fn page_changed(state: &AppState, path: &str) {
    tracing::debug!(path, "a page changed; cached pages dropped");
    state.page_cache.invalidate_all();
}

/// Tells this process's page cache that comments changed on many pages at once (a ban hid
/// an account's comments on `pages` pages, or lifting it put them back): as
/// [`page_changed`], once for them all. The store moved the site revision once for them too.
pub fn pages_changed(state: &AppState, pages: usize) {
    tracing::debug!(pages, "pages changed; cached pages dropped");
    state.page_cache.invalidate_all();
}

/// The routes of accounts, comments and moderation (the comment API is in
/// [`api::routes`], listed with the rest of the API).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(accounts::signup_page).post(accounts::signup))
        .route("/login", get(accounts::login_page).post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/account", get(accounts::account_page))
        .route("/account/password", post(accounts::change_password))
        .route("/account/name", post(accounts::change_name))
        .route("/account/sessions", post(accounts::end_other_sessions))
        .route("/account/delete", post(accounts::delete_account))
        .route("/account/export", get(export::download))
        .route(
            "/reset/{token}",
            get(password_reset::page).post(password_reset::reset),
        )
        .route(
            "/article/{id}/{slug}/comments",
            post(comments::post_on_article),
        )
        .route("/story/{id}/comments", post(comments::post_on_story))
        .route("/comments/{id}", get(comments::permalink))
        .route("/comments/{id}/edit", post(comments::edit))
        .route("/comments/{id}/delete", post(comments::delete))
        .route("/comments/{id}/report", post(comments::report))
        .route("/replies", get(replies::page))
        .route("/replies/seen", post(replies::mark_seen))
        .route("/moderation", get(moderation::queue_page))
        .route(
            "/moderation/comments/{id}/{action}",
            post(moderation::act_on_comment),
        )
        .route(
            "/moderation/users/{id}/{action}",
            post(moderation::act_on_user),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

pub use session::viewer_layer;

/// Lets only a signed-in, active admin through, as the admin's [`session::Viewer`]:
/// [`PeopleError::LoginRequired`] without a session, [`PeopleError::Forbidden`] for anyone
/// else.
pub(crate) async fn require_admin(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<session::Viewer, PeopleError> {
    let viewer = session::viewer(state, headers)
        .await?
        .ok_or(PeopleError::LoginRequired)?;
    if viewer.administers() {
        Ok(viewer)
    } else {
        Err(PeopleError::Forbidden(
            "This page is for administrators.".into(),
        ))
    }
}
