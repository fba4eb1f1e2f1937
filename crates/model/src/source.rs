//! A source: one feed of one outlet, and how fetching it went.

use crate::feed_address::{carries_credentials, public_feed_url, shown_source_name};
use crate::{SourceId, UnixSeconds};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One feed Tidings reads, with the state of its last fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The source's id.
    pub id: SourceId,
    /// The feed's address (after permanent redirects).
    pub url: String,
    /// The outlet's name as shown to readers ("DW", "BBC News").
    pub name: String,
    /// The outlet's home page, when known.
    pub site_url: Option<String>,
    /// The folder or section the operator filed it under ("World", "Europe").
    pub category: Option<String>,
    /// The language the operator or the feed declared (BCP 47, e.g. `en`, `de`).
    pub language: Option<String>,
    /// How the site shows this source's articles (`full` or `excerpt`), when the operator set
    /// it; `None` follows the instance's policy.
    #[serde(default)]
    pub display: Option<String>,
    /// When the source was added.
    pub created_at: UnixSeconds,
    /// When the source is next due for a fetch.
    pub next_fetch_at: UnixSeconds,
    /// Since when an administrator paused it (not fetched until resumed); `None` while it is
    /// fetched as usual.
    #[serde(default)]
    pub paused_at: Option<UnixSeconds>,
    /// How the last fetch went.
    pub fetch: FetchState,
}

impl Source {
    /// The name to show readers: the outlet's name, or its feed's public address until it
    /// has one (the feed's title names a source at its first fetch; one never fetched has
    /// none). The address is [`Source::public_url`]: readers never see credentials.
    pub fn display_name(&self) -> Cow<'_, str> {
        shown_source_name(&self.name, &self.url)
    }

    /// The feed's address as anyone but an administrator may see it: without userinfo and
    /// with secret-looking query values redacted ([`public_feed_url`]).
    pub fn public_url(&self) -> String {
        public_feed_url(&self.url)
    }

    /// A short word for the source's state: `paused` while an administrator has paused it
    /// (its last fetch's failure, if any, does not count as failing meanwhile), otherwise
    /// its fetch's [`FetchState::status`].
    pub fn status(&self) -> &'static str {
        match self.paused_at {
            Some(_) => "paused",
            None => self.fetch.status(),
        }
    }

    /// Whether the stored address carries credentials that [`Source::public_url`] hides.
    pub fn url_carries_credentials(&self) -> bool {
        carries_credentials(&self.url)
    }
}

/// The outcome of the latest fetches of a source, for the operator and the scheduler.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FetchState {
    /// When the source was last fetched, successfully or not.
    pub last_fetch_at: Option<UnixSeconds>,
    /// When the source was last fetched successfully.
    pub last_success_at: Option<UnixSeconds>,
    /// The error of the last fetch, if it failed: a sentence a person can act on.
    pub last_error: Option<String>,
    /// How many fetches in a row have failed.
    pub error_count: i64,
    /// The `ETag` the server sent last, for a conditional GET.
    pub etag: Option<String>,
    /// The `Last-Modified` the server sent last, for a conditional GET.
    pub last_modified: Option<String>,
    /// How many entries the last successful fetch that read the feed left out for having no
    /// usable link (a `304 Not Modified` keeps the count of the fetch before).
    #[serde(default)]
    pub skipped_no_link: i64,
}

/// How the error of a source that is no longer fetched begins: its feed answered `410 Gone`.
/// A refresh by hand makes it due again.
pub const GONE_ERROR_PREFIX: &str = "gone: ";

impl FetchState {
    /// A short word for the state: `new` (never fetched), `ok`, `gone` (the feed answered
    /// `410 Gone` and is no longer fetched) or `error`.
    pub fn status(&self) -> &'static str {
        match (self.last_fetch_at, &self.last_error) {
            (None, _) => "new",
            (Some(_), None) => "ok",
            (Some(_), Some(error)) if error.starts_with(GONE_ERROR_PREFIX) => "gone",
            (Some(_), Some(_)) => "error",
        }
    }

    /// The entries left out for having no link, in words for the sources list, a source's
    /// page and `tidings sources list`; `None` when the last fetch left none out.
    pub fn skipped_no_link_note(&self) -> Option<String> {
        match self.skipped_no_link {
            n if n <= 0 => None,
            1 => Some("1 entry without a link left out at the last fetch".to_string()),
            n => Some(format!(
                "{n} entries without a link left out at the last fetch"
            )),
        }
    }
}
