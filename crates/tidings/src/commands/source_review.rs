//! The review of sources readers add (`[people] reader_sources = "review"`) from the command
//! line: the "awaiting review" part of `sources list`, and `sources approve|reject ID…`,
//! logged as the admin page's buttons log (`source-approve`, `source-reject`), with no
//! moderator: "(command line)" on `/moderation`.

use super::now_secs;
use super::sources::find;
use anyhow::bail;
use tidings_store::{AwaitingSource, Store};

/// What the operator decides about sources awaiting review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Review {
    /// The sources become public, due for a fetch at once.
    Approve,
    /// The sources are removed with their readers' subscriptions.
    Reject,
}

/// Approves or rejects sources named by id or URL. Every name is looked up first, so a typo,
/// or a source that does not await review, changes nothing (the error names it).
pub(crate) async fn review(
    store: &Store,
    which: &[String],
    decision: Review,
) -> anyhow::Result<()> {
    let awaiting = store.sources().awaiting_review().await?;
    let mut chosen = Vec::with_capacity(which.len());
    for name in which {
        let source = find(store, name).await?;
        if !awaiting.iter().any(|w| w.source.id == source.id) {
            bail!(
                "source {} ({}) is not awaiting review: `tidings sources list` shows those \
                 that are",
                source.id,
                source.public_url()
            );
        }
        if !chosen
            .iter()
            .any(|s: &tidings_model::Source| s.id == source.id)
        {
            chosen.push(source);
        }
    }
    for source in chosen {
        let sources = store.sources();
        let done = match decision {
            Review::Approve => sources.approve(source.id, None, now_secs()).await?,
            Review::Reject => sources.reject(source.id, None, now_secs()).await?,
        };
        // Only another process's decision in between leaves it undecided here.
        if !done {
            bail!(
                "source {} ({}) is no longer awaiting review: someone decided on it meanwhile",
                source.id,
                source.public_url()
            );
        }
        match decision {
            Review::Approve => println!(
                "Approved source {}: {} (fetched at the next scheduler tick)",
                source.id, source.url
            ),
            Review::Reject => println!(
                "Rejected source {}: {} (removed with its readers' subscriptions)",
                source.id, source.url
            ),
        }
    }
    Ok(())
}

/// Prints the sources awaiting review after `sources list`'s table (nothing when there are
/// none): one line each with its address, and one saying who asked for it and since when.
pub(crate) fn print_awaiting(awaiting: &[AwaitingSource]) {
    if awaiting.is_empty() {
        return;
    }
    println!();
    println!(
        "Awaiting review (not fetched or listed until approved: `tidings sources approve|reject \
         ID…`):"
    );
    for waiting in awaiting {
        println!("{:>5}  {}", waiting.source.id, waiting.source.url);
        println!("       {}", awaiting_note(waiting));
    }
}

/// "awaiting review, requested by Ann, since 2026-11-29 19:12 UTC (2 subscribers)".
fn awaiting_note(waiting: &AwaitingSource) -> String {
    let by = if waiting.requester.is_empty() {
        "a removed account"
    } else {
        &waiting.requester
    };
    let since = chrono::DateTime::from_timestamp(waiting.since, 0).map_or_else(
        || waiting.since.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    let plural = if waiting.subscribers == 1 { "" } else { "s" };
    format!(
        "awaiting review, requested by {by}, since {since} ({} subscriber{plural})",
        waiting.subscribers
    )
}
