//! The cross-language linking lock: one story at a time is linked to the stories of other
//! languages, across every worker of every process.
//!
//! Linking reads the other languages' stored evidence, decides, then replaces the story's
//! links. Two workers linking the English and the German report of one event at the same
//! moment would each read the other's evidence before it was stored, and neither would link;
//! worse, the later save replaces the earlier one's fresh link. Linking is a handful of
//! statements, so it is simply serialised: within a process by a mutex (so that at most one
//! pooled connection per process waits on the database), and across processes on PostgreSQL
//! by a transaction-level advisory lock, which the server lets go when the holder's
//! transaction ends or its connection dies.

use crate::leadership::ADVISORY_KEY;
use crate::{Backend, StoreError};
use sqlx::{Any, AnyPool, Transaction};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How long a worker waits for another process's linking before its job fails (and is
/// retried): a holder cut off by the network would otherwise stall every linker.
const LOCK_WAIT: &str = "30s";

/// Held while a story is linked; [`LinkingLock::release`] lets the next linker in (dropping
/// it does too, with the database's part let go when the connection is next used).
#[derive(Debug)]
pub struct LinkingLock {
    _local: OwnedMutexGuard<()>,
    database: Option<Transaction<'static, Any>>,
}

impl LinkingLock {
    /// Ends the lock.
    pub async fn release(mut self) -> Result<(), StoreError> {
        if let Some(tx) = self.database.take() {
            tx.commit().await?;
        }
        Ok(())
    }
}

/// Waits for the lock: the process's own mutex, then (PostgreSQL) the database's.
pub(crate) async fn take(
    pool: &AnyPool,
    backend: Backend,
    local: &Arc<Mutex<()>>,
) -> Result<LinkingLock, StoreError> {
    let local = Arc::clone(local).lock_owned().await;
    let database = match backend {
        // One process owns an SQLite database: the mutex is the whole lock.
        Backend::Sqlite => None,
        Backend::Postgres => {
            let mut tx = crate::write_transaction::begin_write(pool).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SET LOCAL lock_timeout = '{LOCK_WAIT}'"
            )))
            .execute(&mut *tx)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT pg_advisory_xact_lock({ADVISORY_KEY})"
            )))
            .bind("cross-language-linking")
            .execute(&mut *tx)
            .await?;
            Some(tx)
        }
    };
    Ok(LinkingLock {
        _local: local,
        database,
    })
}
