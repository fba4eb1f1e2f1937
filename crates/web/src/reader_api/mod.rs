//! The sync APIs reader apps speak, each at the paths its clients expect:
//!
//! - [`greader`]: the Google Reader API (`/accounts/ClientLogin`, `/reader/api/0/…`), as
//!   FreshRSS and Miniflux serve it;
//! - [`fever`]: the Fever API (`/fever/?api`, and `/api/fever.php` where FreshRSS has it);
//! - [`miniflux`]: Miniflux's REST API (`/v1/…`).
//!
//! All three log in with an **API key** made on the settings page (`/settings/apps`): the
//! key as a token (`X-Auth-Token`, `GoogleLogin auth=`), as the password with the account
//! name (HTTP Basic, `ClientLogin`), or in Fever's form `md5("name:key")`. Keys are stored as
//! hashes only (see [`new_key`]). Logins with a name go through the site's login throttle
//! (per account and address) and its per-address login limit; logins with a bare key
//! through the same throttle keyed by address; every request through the per-address API
//! limit. A wrong key and an unknown account get the same answer.
//!
//! Copies fold: an article and its copies (wire copies, republications) are one item, and a
//! mark on one is a mark on all (see `tidings_store::Reading`). Each API also exposes the
//! story an item belongs to where its format allows: see each module.

pub(crate) mod feed_discovery;
pub(crate) mod fever;
pub(crate) mod greader;
pub(crate) mod miniflux;

use crate::display::{DisplayPolicy, excerpt};
use crate::people::client_ip::ClientIp;
use crate::people::limits::Action;
use crate::people::throttle::Refusal;
use crate::people::tokens::{hash_token, random_token, well_formed};
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use md5::{Digest, Md5};
use std::time::Duration;
use tidings_fetch::FeedUrlError;
use tidings_model::{User, UserId};
use tidings_store::{ApiKey, ArticleListing, StoreError, name_key};

/// The largest request body the APIs read (a long list of ids to mark).
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The name of the folder sources are filed in when an app names none.
pub(crate) const DEFAULT_FOLDER: &str = "All";

/// The longest folder (category, label) name, in characters.
pub(crate) const MAX_FOLDER_CHARS: usize = 100;

/// The longest title a reader gives a feed, in characters (as long as an outlet's name).
pub(crate) const MAX_FEED_TITLE_CHARS: usize = 200;

/// `raw` trimmed, if it is a name: 1 to `max` characters, none of them a control character.
fn name_within(raw: &str, max: usize) -> Option<&str> {
    let name = raw.trim();
    (!name.is_empty() && name.chars().count() <= max && !name.chars().any(char::is_control))
        .then_some(name)
}

/// A folder name an app asks for, trimmed, if it is one: 1 to [`MAX_FOLDER_CHARS`]
/// characters, none of them a control character.
pub(crate) fn folder_title(raw: &str) -> Option<&str> {
    name_within(raw, MAX_FOLDER_CHARS)
}

/// The title to keep for a feed the reader calls `raw` (Miniflux's feed `title`, Google
/// Reader's `t`), whose outlet is named `outlet`: `Some(None)` for the outlet's own name
/// (the feed then follows the outlet's name again), `Some(Some(title))` for another, trimmed;
/// `None` when it is no title: 1 to [`MAX_FEED_TITLE_CHARS`] characters, none of them a
/// control character. The title is plain text, stored as it is and escaped where written.
pub(crate) fn own_feed_title<'a>(raw: &'a str, outlet: &str) -> Option<Option<&'a str>> {
    // The outlet's own name first, whatever it holds: clients send the whole feed back, and
    // a name read from a feed may be longer than a title a reader could type.
    if raw.trim() == outlet.trim() {
        return Some(None);
    }
    name_within(raw, MAX_FEED_TITLE_CHARS).map(Some)
}

/// `raw` with each run of control characters replaced by one space, then trimmed: what an
/// imported name keeps (control characters have no place in a name, and most of them none
/// in the XML an export writes).
pub(crate) fn without_controls(raw: &str) -> String {
    tidings_model::without_controls(raw).trim().to_string()
}

/// The folder an imported feed is filed in: its OPML folder without control characters
/// (see [`without_controls`]), cut to [`MAX_FOLDER_CHARS`] and trimmed again, else
/// [`DEFAULT_FOLDER`]. Always a name [`folder_title`] accepts, so an app can rename the
/// folder to the name it already has.
pub(crate) fn imported_folder(raw: Option<&str>) -> String {
    let name = without_controls(raw.unwrap_or_default());
    let cut: String = name.chars().take(MAX_FOLDER_CHARS).collect();
    match cut.trim_end() {
        "" => DEFAULT_FOLDER.to_string(),
        title => title.to_string(),
    }
}

/// The routes of all three APIs.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(greader::router())
        .merge(fever::router())
        .merge(miniflux::router())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Why an API request is refused before it does anything.
#[derive(Debug)]
pub(crate) enum AuthError {
    /// No credentials, or wrong ones (the same answer whether the account exists or not).
    Unauthorized,
    /// Too many attempts or requests: retry after this long.
    TooMany(Duration),
    /// The database failed.
    Store(StoreError),
}

impl From<StoreError> for AuthError {
    fn from(err: StoreError) -> Self {
        AuthError::Store(err)
    }
}

impl AuthError {
    /// The seconds to put in `Retry-After`, for a refusal that has one.
    pub(crate) fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AuthError::TooMany(wait) => Some(wait.as_secs_f64().ceil().max(1.0) as u64),
            _ => None,
        }
    }
}

/// A new API key for `user`: a random 256-bit token, shown to its owner once. Stored are the
/// SHA-256 of the key and the SHA-256 of `md5("name:key")`, Fever's form of it.
///
/// Fever clients send `md5("email:password")` and nothing else, so the server must find an
/// account from that value alone. We cannot derive it from the account password (we keep only
/// its argon2 hash), so the "password" a Fever client is given is this random key, and the
/// md5 is computed here, when the key is made. We store its SHA-256 rather than the md5 itself
/// because the md5 is the credential: a leaked table of md5 values would let anyone log in,
/// while their SHA-256 is useless to present. The key's 256 random bits make both hashes
/// impossible to invert by guessing.
pub(crate) async fn new_key(
    state: &AppState,
    user: &User,
    label: &str,
) -> Result<(String, ApiKey), StoreError> {
    let key = random_token();
    let now = state.people.clock.now_secs();
    let record = state
        .store
        .api_keys()
        .create(
            user.id,
            label,
            &hash_token(&key),
            &fever_hash(&fever_key(&user.name, &key)),
            now,
        )
        .await?;
    Ok((key, record))
}

/// Fever's API key for an account name and password: `md5("name:password")`, lower-case hex.
pub(crate) fn fever_key(name: &str, password: &str) -> String {
    let digest = Md5::digest(format!("{name}:{password}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a Fever key.
fn fever_hash(fever_key: &str) -> String {
    hash_token(&fever_key.trim().to_ascii_lowercase())
}

/// The throttle's key for logins that present a bare key: one per client address, so a
/// flood of wrong keys from one address slows that address alone.
fn bare_key_account(ip: std::net::IpAddr) -> String {
    format!("#api-key {ip}")
}

/// Checks the per-address API limit.
fn check_api_limit(state: &AppState, ip: std::net::IpAddr) -> Result<(), AuthError> {
    state
        .people
        .limits
        .check(Action::Api, ip, None)
        .map_err(|limited| AuthError::TooMany(limited.0))
}

/// Checks the account's write limit, the one the site's own import counts against: an OPML
/// import through an API adds up to 2,000 subscriptions, so it is a write like the site's.
pub(crate) fn check_write_limit(
    state: &AppState,
    ip: std::net::IpAddr,
    user: UserId,
) -> Result<(), AuthError> {
    state
        .people
        .limits
        .check(Action::Write, ip, Some(user))
        .map_err(|limited| AuthError::TooMany(limited.0))
}

/// Checks the account's discovery limit: each discovery has the site fetch an address the
/// app names, so it is counted apart from (and more tightly than) other writes.
pub(crate) fn check_discovery_limit(
    state: &AppState,
    ip: std::net::IpAddr,
    user: UserId,
) -> Result<(), AuthError> {
    state
        .people
        .limits
        .check(Action::Discover, ip, Some(user))
        .map_err(|limited| AuthError::TooMany(limited.0))
}

fn refusal_wait(refusal: Refusal) -> Duration {
    match refusal {
        Refusal::Wait(w) | Refusal::AccountLocked(w) => w,
    }
}

/// Tells the throttle how an attempt on `account` went: a found account clears the
/// address, none counts as a failure.
fn settle(
    state: &AppState,
    account: &str,
    ip: std::net::IpAddr,
    now_ms: i64,
    user: Option<User>,
) -> Result<User, AuthError> {
    match user {
        Some(user) => {
            state.people.throttle.succeeded(account, ip);
            Ok(user)
        }
        None => {
            state.people.throttle.failed(account, ip, now_ms);
            Err(AuthError::Unauthorized)
        }
    }
}

/// The account a bare API key (or its Fever form, `fever`) names, through the API limit and
/// the throttle.
async fn user_by_bare_key(
    state: &AppState,
    ClientIp(ip): ClientIp,
    key: &str,
    fever: bool,
) -> Result<User, AuthError> {
    check_api_limit(state, ip)?;
    let account = bare_key_account(ip);
    let now_ms = state.people.clock.now_ms();
    state
        .people
        .throttle
        .check(&account, ip, false, now_ms)
        .map_err(|r| AuthError::TooMany(refusal_wait(r)))?;
    let now = state.people.clock.now_secs();
    let key = key.trim();
    let user = if fever {
        if key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
            state
                .store
                .api_keys()
                .user_by_fever(&fever_hash(key), now)
                .await?
        } else {
            None
        }
    } else if well_formed(key) {
        state
            .store
            .api_keys()
            .user_by_token(&hash_token(key), now)
            .await?
    } else {
        None
    };
    settle(state, &account, ip, now_ms, user)
}

/// The account of an API key presented as a token.
pub(crate) async fn user_by_key(
    state: &AppState,
    ip: ClientIp,
    key: &str,
) -> Result<User, AuthError> {
    user_by_bare_key(state, ip, key, false).await
}

/// The account of a Fever key (`md5("name:key")`).
pub(crate) async fn user_by_fever_key(
    state: &AppState,
    ip: ClientIp,
    fever_key: &str,
) -> Result<User, AuthError> {
    user_by_bare_key(state, ip, fever_key, true).await
}

/// The account that logs in with `name` and an API key as its password (HTTP Basic,
/// `ClientLogin`), through the per-address login limit and the account's login throttle,
/// the same ones the site's login form goes through.
pub(crate) async fn user_by_login(
    state: &AppState,
    ClientIp(ip): ClientIp,
    name: &str,
    key: &str,
) -> Result<User, AuthError> {
    check_api_limit(state, ip)?;
    state
        .people
        .limits
        .check(Action::Login, ip, None)
        .map_err(|limited| AuthError::TooMany(limited.0))?;
    let account = name_key(name);
    let now_ms = state.people.clock.now_ms();
    state
        .people
        .throttle
        .check(&account, ip, false, now_ms)
        .map_err(|r| AuthError::TooMany(refusal_wait(r)))?;
    let key = key.trim();
    let user = if well_formed(key) && name.len() <= 64 {
        let now = state.people.clock.now_secs();
        state
            .store
            .api_keys()
            .user_by_token(&hash_token(key), now)
            .await?
            .filter(|u| name_key(&u.name) == account)
    } else {
        None
    };
    settle(state, &account, ip, now_ms, user)
}

/// The folder apps file a new subscription in when they name none.
pub(crate) async fn default_folder(state: &AppState, user: UserId) -> Result<i64, StoreError> {
    let now = state.people.clock.now_secs();
    Ok(state
        .store
        .reading()
        .folder_named(user, DEFAULT_FOLDER, now)
        .await?
        .id)
}

/// The shared source a reader's feed address makes when no source has it yet; the refusal
/// of [`tidings_fetch::check_feed_url`] (the rule every way of adding a source shares) when
/// the address is not an http(s) URL with a host, or, under
/// [`tidings_fetch::FeedUrlPolicy::PublicOnly`], names a certainly private host, so the
/// caller can say which. The address as parsed, named `name`
/// without control characters (see [`without_controls`]), else after its host, cut to 200
/// characters; its home page `site_url` when that is an http(s) URL. [`source_for_url`] and
/// the OPML import both add sources from here.
pub(crate) fn new_source(
    policy: tidings_fetch::FeedUrlPolicy,
    url: &str,
    name: Option<&str>,
    site_url: Option<&str>,
) -> Result<tidings_store::NewSource, FeedUrlError> {
    let url = tidings_fetch::check_feed_url(url, policy)?;
    let not_web = || FeedUrlError::NotWeb(url.clone());
    let parsed = url::Url::parse(&url).map_err(|_| not_web())?;
    let host = parsed.host_str().ok_or_else(not_web)?;
    let name = name.map(without_controls).unwrap_or_default();
    let name = if name.is_empty() { host } else { &name };
    let site_url = site_url
        .and_then(|s| url::Url::parse(s.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string());
    Ok(tidings_store::NewSource {
        url: url.clone(),
        name: name.chars().take(200).collect(),
        site_url,
        ..tidings_store::NewSource::default()
    })
}

/// The source with feed address `url`, added by `user` as a shared source if no source has
/// it yet (as [`new_source`] makes it): public at once, or waiting for review, as
/// [`crate::people::ReaderSources::added_by`] says, and logged either way.
pub(crate) async fn source_for_url(
    state: &AppState,
    user: &tidings_model::User,
    url: &str,
    name: Option<&str>,
    site_url: Option<&str>,
) -> Result<tidings_model::Source, SourceError> {
    let new = new_source(state.feed_url_policy(), url, name, site_url)?;
    let url = new.url.clone();
    if let Some(source) = state.store.sources().find_by_url(&url).await? {
        return Ok(source);
    }
    let now = state.people.clock.now_secs();
    let by = state.people.config.reader_sources.added_by(user);
    let added = state.store.sources().add_by(&new, by, now).await;
    match added {
        Ok(source) => Ok(source),
        // Another request added it meanwhile.
        Err(StoreError::AlreadyExists(_)) => state
            .store
            .sources()
            .find_by_url(&url)
            .await?
            .ok_or(SourceError::BadUrl),
        Err(err) => Err(err.into()),
    }
}

/// Why a feed address could not become a source.
#[derive(Debug)]
pub(crate) enum SourceError {
    /// It is not an http(s) URL.
    BadUrl,
    /// It names a private, loopback or link-local host, which this instance does not fetch.
    PrivateAddress,
    /// The database failed.
    Store(StoreError),
}

/// How every reader API words the refusal of a feed address on a private network (the
/// address itself is not repeated): a literal, so that an API can `concat!` it into its own
/// message.
macro_rules! private_address_refusal {
    () => {
        "the feed address names a private, loopback or link-local host, \
         which this site does not fetch"
    };
}
pub(crate) use private_address_refusal;

impl SourceError {
    /// What the APIs tell the app when the address is refused (`None`: a database failure,
    /// which is answered as one). The address itself is not repeated.
    pub(crate) fn refusal(&self) -> Option<&'static str> {
        match self {
            SourceError::BadUrl => Some("not an http(s) feed address"),
            SourceError::PrivateAddress => Some(private_address_refusal!()),
            SourceError::Store(_) => None,
        }
    }
}

impl From<StoreError> for SourceError {
    fn from(err: StoreError) -> Self {
        SourceError::Store(err)
    }
}

impl From<FeedUrlError> for SourceError {
    fn from(err: FeedUrlError) -> Self {
        match err {
            FeedUrlError::PrivateAddress(_) => SourceError::PrivateAddress,
            FeedUrlError::NotAUrl(_) | FeedUrlError::NotWeb(_) => SourceError::BadUrl,
        }
    }
}

/// An item's body as the APIs hand it out: the whole sanitised HTML, or the excerpt when the
/// display policy (the instance's, or the source's own) says so.
pub(crate) fn item_html(listing: &ArticleListing, instance: DisplayPolicy) -> String {
    let content = &listing.article.content;
    match instance.for_source(listing.source_display.as_deref()) {
        DisplayPolicy::Full => content.body_html.clone(),
        DisplayPolicy::Excerpt => excerpt(&content.body_text).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outlet_s_own_name_is_accepted_back_whatever_it_holds() {
        let long = "Wire ".repeat(60);
        assert_eq!(own_feed_title(&long, &long), Some(None));
        assert_eq!(own_feed_title(" Line\tbreak ", "Line\tbreak"), Some(None));
        assert_eq!(own_feed_title("Mine", "Wire"), Some(Some("Mine")));
        assert_eq!(own_feed_title(&long, "Wire"), None, "too long as a title");
        assert_eq!(own_feed_title("a\u{1b}b", "Wire"), None);
    }

    #[test]
    fn imported_names_lose_control_characters() {
        assert_eq!(
            without_controls("\tDaily\r\n\u{7}Brief\u{9f} "),
            "Daily Brief"
        );
        assert_eq!(without_controls("\u{1}\u{85}"), "");
        assert_eq!(imported_folder(Some("World\u{1}\u{1b}News")), "World News");
        assert_eq!(imported_folder(Some(" \u{2}\t")), DEFAULT_FOLDER);
        assert_eq!(imported_folder(None), DEFAULT_FOLDER);
        let long = format!("{}\t{}", "a".repeat(MAX_FOLDER_CHARS - 1), "b".repeat(9));
        assert_eq!(
            imported_folder(Some(&long)),
            "a".repeat(MAX_FOLDER_CHARS - 1),
            "no space left at the cut"
        );
        for raw in [
            "x\u{0}y",
            "  \u{7f}",
            &long,
            &"é".repeat(300),
            "\u{1}\u{85}z\u{85}",
        ] {
            let folder = imported_folder(Some(raw));
            assert_eq!(
                folder_title(&folder),
                Some(folder.as_str()),
                "{raw:?} gives a name the apps' rule accepts as it is"
            );
        }
        let named = new_source(
            tidings_fetch::FeedUrlPolicy::Any,
            "https://n.example/feed",
            Some("\u{2}"),
            None,
        )
        .expect("http");
        assert_eq!(
            named.name, "n.example",
            "a name of controls only falls back"
        );
    }

    #[test]
    fn fever_keys_are_md5_of_name_and_password() {
        // md5("ana:secret"), as `printf 'ana:secret' | md5sum` prints it.
        assert_eq!(
            fever_key("ana", "secret"),
            "8bb54329fa7e1fc4a1cf493f24623075"
        );
        assert_eq!(
            fever_hash("ABC"),
            fever_hash("abc"),
            "hex case does not matter"
        );
    }
}
