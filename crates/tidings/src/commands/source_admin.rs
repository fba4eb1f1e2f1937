//! `sources pause|resume|edit`: an administrator's changes to existing sources from the
//! command line, through the store functions the site's admin forms use, logged with no
//! moderator (shown as "(command line)").

use super::now_secs;
use super::sources::{CREDENTIALS_NOTE, check_feed_url, find};
use anyhow::bail;
use tidings_store::{SourceEdit, Store, StoreError};

/// Pauses (`pause`) or resumes the sources named by id or URL. Every name is looked up
/// first, so a typo changes nothing; the store then changes all of them or none.
pub(crate) async fn set_paused(store: &Store, which: &[String], pause: bool) -> anyhow::Result<()> {
    let mut sources = Vec::with_capacity(which.len());
    for name in which {
        sources.push(find(store, name).await?);
    }
    let ids: Vec<_> = sources.iter().map(|s| s.id).collect();
    let changed = if pause {
        store.sources().pause(&ids, None, now_secs()).await?
    } else {
        store.sources().resume(&ids, None, now_secs()).await?
    };
    for source in &sources {
        let done = changed.contains(&source.id);
        let line = match (pause, done) {
            (true, true) => "Paused: not fetched until resumed",
            (true, false) => "Already paused",
            (false, true) => "Resumed: fetched at the next scheduler tick",
            (false, false) => "Not paused; nothing to resume",
        };
        println!("{line}: source {} ({})", source.id, source.url);
    }
    Ok(())
}

/// What `sources edit` was asked to change.
pub(crate) struct EditArgs {
    /// `--name`.
    pub(crate) name: Option<String>,
    /// `--section` ("" for none).
    pub(crate) section: Option<String>,
    /// `--url`.
    pub(crate) url: Option<String>,
}

/// Edits the source `which` names. A new address is checked as `sources add` checks one
/// (with its warning for a private address the server would not fetch); another source's
/// address is refused and changes nothing.
pub(crate) async fn edit(
    store: &Store,
    which: &str,
    args: EditArgs,
    fetches_private: bool,
) -> anyhow::Result<()> {
    if args.name.is_none() && args.section.is_none() && args.url.is_none() {
        bail!("nothing to change: give --name, --section or --url");
    }
    let source = find(store, which).await?;
    let url = match args.url.as_deref() {
        Some(url) => Some(check_feed_url(url)?),
        None => None,
    };
    if let Some(url) = &url
        && !fetches_private
        && let Err(refused @ tidings_fetch::FeedUrlError::PrivateAddress(_)) =
            tidings_fetch::check_feed_url(url, tidings_fetch::FeedUrlPolicy::PublicOnly)
    {
        eprintln!(
            "Warning: {refused}. A server started with --allow-private-addresses, or with \
             allow_private_addresses = true under [fetch], fetches it; any other fails at \
             every fetch."
        );
    }
    let edit = SourceEdit {
        name: args.name.map(|n| n.trim().to_string()),
        category: args.section.map(|s| match s.trim() {
            "" => None,
            section => Some(section.to_string()),
        }),
        url,
    };
    match store
        .sources()
        .edit(source.id, &edit, None, now_secs())
        .await
    {
        Ok(edited) if edited.changes.is_empty() => {
            println!("Source {}: nothing changed.", source.id);
            Ok(())
        }
        Ok(edited) => {
            println!("Source {}: {}.", source.id, edited.changes.join("; "));
            if edit.url.is_some() {
                println!("       It will be fetched at the next scheduler tick.");
                if edited.source.url_carries_credentials() {
                    println!("{CREDENTIALS_NOTE}");
                }
            }
            Ok(())
        }
        Err(StoreError::AlreadyExists(_)) => {
            let url = edit.url.unwrap_or_default();
            let other = store
                .sources()
                .find_by_url(&url)
                .await?
                .map(|s| format!(" (source {})", s.id))
                .unwrap_or_default();
            bail!("{url} is already another source's address{other}; nothing was changed")
        }
        Err(err) => Err(err.into()),
    }
}
