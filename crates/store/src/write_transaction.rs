//! Every transaction of the store writes, and many read first: each begins here, so that
//! SQLite does not refuse its first write.
//!
//! SQLite begins a transaction deferred: it reads from a snapshot and asks for the write lock
//! at its first write. When another connection has committed since the snapshot was taken,
//! that request fails at once with "database is locked" (`SQLITE_BUSY_SNAPSHOT`), whatever
//! the busy timeout, since waiting cannot make the snapshot current. `BEGIN IMMEDIATE` takes
//! the write lock at the start, waiting for it under the busy timeout like any write.
//! PostgreSQL needs nothing of the kind.

use sqlx::{Any, AnyPool, Transaction};

use crate::StoreError;

/// Begins a transaction on `pool` that will write: `BEGIN IMMEDIATE` on SQLite, a plain
/// `BEGIN` elsewhere.
pub(crate) async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, StoreError> {
    let sqlite = pool.connect_options().database_url.scheme() == "sqlite";
    Ok(if sqlite {
        pool.begin_with("BEGIN IMMEDIATE").await?
    } else {
        pool.begin().await?
    })
}
