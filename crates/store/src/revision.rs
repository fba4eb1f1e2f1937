//! The site revision: one counter, bumped in the same transaction as every write that
//! changes what a page shows (articles stored or completed, placements, insights, sources
//! added or removed or renamed), so that a web process that polls it knows when its rendered
//! pages are out of date, even when another process (a worker on PostgreSQL) wrote.
//!
//! The bump is an `UPDATE` of a single row, so it becomes visible exactly when the change it
//! marks commits: a poller never sees the new revision before the new data.

use crate::StoreError;
use sqlx::{Any, AnyPool, Executor, Row};

/// The statement that bumps the revision; run it on the write's own transaction.
const BUMP: &str = "UPDATE site_revision SET revision = revision + 1 WHERE id = 1 \
     RETURNING revision";

/// Bumps the site revision on `executor` (a transaction, or the pool for a write that is
/// one statement already) and returns the new revision (0 if the counter's row were missing,
/// which the migrations never leave).
///
/// The row stays locked until the transaction ends, so revisions commit in the order they
/// are given: a reader that sees revision `n` committed sees every write numbered below it.
/// The replies use that to number when a comment became readable by everyone (see
/// [`crate::Replies`]).
pub(crate) async fn bump<'e, E>(executor: E) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let row = sqlx::query(BUMP).fetch_optional(executor).await?;
    match row {
        Some(row) => Ok(row.try_get("revision")?),
        None => Ok(0),
    }
}

/// The current site revision.
pub(crate) async fn current(pool: &AnyPool) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT revision FROM site_revision WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) => Ok(row.try_get("revision")?),
        None => Ok(0),
    }
}
