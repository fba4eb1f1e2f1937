//! Keeping the search index up to date: every tick, the articles placed in stories since the
//! index's placement cursor are indexed (with their final text and their story), in placement
//! order, which unlike id order is the order in which they become visible even when several
//! processes insert articles (see [`tidings_search::catch_up_placed`]). One process at a time
//! does it (see [`crate::role`]); a crash between a placement and the index commit is repaired
//! at the next tick, since the cursor is stored with the commit.

use crate::Pipeline;
use crate::role::{Role, Standing};
use tidings_search::{catch_up_placed, forget_deleted};
use tokio_util::sync::CancellationToken;

/// The role of the one process that indexes.
pub const ROLE: &str = "search-indexer";

/// Indexes newly placed articles until `shutdown`.
pub async fn run(pipeline: Pipeline, shutdown: CancellationToken) {
    let Some(engine) = pipeline.search.clone() else {
        return;
    };
    let mut role = Role::new(ROLE);
    let mut ticker = tokio::time::interval(pipeline.settings.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        if role.check(&pipeline.store).await == Standing::NotHeld {
            continue;
        }
        // Deletions first: a new article may have taken a deleted one's id.
        match forget_deleted(&engine, &pipeline.store).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(forgotten = n, "deleted articles dropped from search"),
            Err(err) => {
                tracing::warn!(%err, "dropping deleted articles from search failed; retrying at the next tick");
                continue;
            }
        }
        match catch_up_placed(&engine, &pipeline.store).await {
            Ok(done) if done.indexed > 0 => {
                tracing::debug!(indexed = done.indexed, "articles indexed for search");
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(%err, "indexing for search failed; retrying at the next tick")
            }
        }
    }
}
