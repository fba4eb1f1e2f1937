//! Moving a reader's subscriptions between readers: one OPML import and one OPML export,
//! used alike by the site (`/settings/import`, `/settings/export`) and the reader APIs
//! (Miniflux `/v1/import` and `/v1/export`, Google Reader `subscription/import` and
//! `subscription/export`), so every entry point has the same limits and the same outcome.

use crate::reader_api::{imported_folder, new_source, own_feed_title};
use crate::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use tidings_feeds::{Outline, parse_opml, write_opml};
use tidings_model::{SourceId, User, UserId};
use tidings_store::{ImportedFeed, StoreError};

/// The largest OPML file an import takes, in bytes.
pub(crate) const MAX_OPML_BYTES: usize = 2 * 1024 * 1024;
/// The most feeds one import takes.
pub(crate) const MAX_IMPORTED_FEEDS: usize = 2_000;
/// The longest skipped address an outcome repeats, in characters.
const MAX_SKIPPED_CHARS: usize = 200;

/// What an import did.
#[derive(Debug, Default)]
pub(crate) struct ImportOutcome {
    /// How many feeds the reader now follows from the file.
    pub(crate) followed: usize,
    /// The addresses not imported, since they are not http(s) feed addresses (cut to 200
    /// characters).
    pub(crate) skipped: Vec<String>,
}

/// Why an import took nothing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    /// The text is not an OPML document we can read (the parser's reason).
    #[error("This is not an OPML file we can read: {0}")]
    NotOpml(String),
    /// The file lists this many feeds, more than [`MAX_IMPORTED_FEEDS`].
    #[error("The file lists {0} feeds; at most {MAX_IMPORTED_FEEDS} are taken at once.")]
    TooManyFeeds(usize),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports an OPML subscription list for `user`: every feed becomes a shared source if no
/// source has its address yet (named by its outline, as [`new_source`] makes sources), and
/// the reader follows it, filed in its OPML folder (else in
/// [`DEFAULT_FOLDER`](crate::reader_api::DEFAULT_FOLDER)); names keep no control characters
/// (see [`imported_folder`]). An outline whose title is not the outlet's name becomes the
/// reader's own title for that feed, as a reader API's rename would (see [`own_feed_title`]:
/// a title that is none, empty or too long, is passed over without failing the import).
/// Addresses that are not http(s) are skipped and reported. Every
/// refusal comes before any write, and the writes are one transaction
/// ([`tidings_store::Reading::import_subscriptions`]): a file that is not OPML, lists more
/// than [`MAX_IMPORTED_FEEDS`] feeds, or meets a database failure imports nothing. The
/// sources it adds are logged as `user`'s, and wait for review when a reader adds them under
/// [`crate::people::ReaderSources::Review`].
pub(crate) async fn import_opml(
    state: &AppState,
    user: &User,
    text: &str,
) -> Result<ImportOutcome, ImportError> {
    let outlines = parse_opml(text).map_err(|err| ImportError::NotOpml(err.to_string()))?;
    if outlines.len() > MAX_IMPORTED_FEEDS {
        return Err(ImportError::TooManyFeeds(outlines.len()));
    }
    let mut outcome = ImportOutcome::default();
    let mut feeds = Vec::with_capacity(outlines.len());
    let mut titles = Vec::with_capacity(outlines.len());
    for outline in &outlines {
        match new_source(
            state.feed_url_policy(),
            &outline.url,
            Some(&outline.title),
            outline.site_url.as_deref(),
        ) {
            Ok(source) => {
                titles.push(outline.title.as_str());
                feeds.push(ImportedFeed {
                    source,
                    folder: imported_folder(outline.category.as_deref()),
                });
            }
            Err(_) => outcome
                .skipped
                .push(outline.url.chars().take(MAX_SKIPPED_CHARS).collect()),
        }
    }
    let now = state.people.clock.now_secs();
    let review = matches!(
        state.people.config.reader_sources.added_by(user),
        tidings_store::AddedBy::ReaderForReview(_)
    );
    let reading = state.store.reading();
    outcome.followed = reading
        .import_subscriptions(user.id, &feeds, review, now)
        .await?;
    let own = own_titles(&reading.subscriptions(user.id).await?, &feeds, &titles);
    reading.retitle_all(user.id, &own).await?;
    Ok(outcome)
}

/// The reader's own titles an import gives: for each imported feed (`titles` pairs with
/// `feeds` by position), its outline's title where it is a title and not the name of the
/// outlet the reader now follows at that address (`subscriptions`, after the import).
fn own_titles(
    subscriptions: &[tidings_store::Subscription],
    feeds: &[ImportedFeed],
    titles: &[&str],
) -> Vec<(SourceId, String)> {
    let by_url: HashMap<&str, &tidings_store::Subscription> = subscriptions
        .iter()
        .map(|sub| (sub.url.as_str(), sub))
        .collect();
    feeds
        .iter()
        .zip(titles)
        .filter_map(|(feed, raw)| {
            let sub = by_url.get(feed.source.url.as_str())?;
            let outlet = tidings_model::shown_source_name(&sub.name, &sub.url);
            match own_feed_title(raw, &outlet) {
                Some(Some(title)) => Some((sub.source_id, title.to_string())),
                // The outlet's own name, or no title at all: the outlet's name stays.
                Some(None) | None => None,
            }
        })
        .collect()
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExportError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The OPML writer failed.
    #[error("OPML export failed: {0}")]
    Opml(String),
}

/// The feeds `user` follows as an OPML 2.0 document, each outline in its folder.
pub(crate) async fn export_opml(state: &AppState, user: UserId) -> Result<String, ExportError> {
    let outlines: Vec<Outline> = state
        .store
        .reading()
        .subscriptions(user)
        .await?
        .into_iter()
        .map(|sub| Outline {
            url: tidings_model::public_feed_url(&sub.url),
            title: sub.shown_title(),
            site_url: sub.site_url,
            category: Some(sub.folder.title),
            language: None,
        })
        .collect();
    write_opml(&format!("Subscriptions on {}", state.site_name), &outlines)
        .map_err(|err| ExportError::Opml(err.to_string()))
}

/// [`export_opml`] as the reader APIs answer it: `200 application/xml`.
pub(crate) async fn export_response(
    state: &AppState,
    user: UserId,
) -> Result<Response, ExportError> {
    let opml = export_opml(state, user).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        opml,
    )
        .into_response())
}
