//! Leadership: the roles that must run in exactly one process at a time (the story assigner,
//! the scheduler). On PostgreSQL a role is a session-level advisory lock held on a connection
//! of its own, so it passes to another process as soon as the holder dies or loses its
//! connection; on SQLite, the embedded database of a single process, that process always
//! leads (the binary's `serve` holds an exclusive lock file beside the database, so a second
//! `serve` on the same file refuses to start).

use crate::{Backend, StoreError};
use sqlx::{AnyConnection, AnyPool, Connection, Row};
use std::time::Duration;

/// How long the holder's connection may take to answer before the role counts as lost: a
/// connection cut by the network (no reset) would otherwise hang the check for minutes.
const CHECK_WAIT: Duration = Duration::from_secs(5);

/// The PostgreSQL advisory-lock key of a name bound as `$1`: the name hashed with the schema,
/// so installations sharing one database in different schemas (as the tests do) lock
/// independently. Shared by the roles and the cross-language linking lock.
pub(crate) const ADVISORY_KEY: &str = "hashtextextended(current_schema() || ':' || $1, 0)";

/// A role this process holds. Dropping it gives the role up (the connection that holds the
/// lock is closed, never returned to the pool with the lock still on it).
#[derive(Debug)]
pub struct Leadership {
    role: String,
    connection: Option<AnyConnection>,
}

impl Leadership {
    /// The role held.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Whether the role is still held: on PostgreSQL, whether the lock's connection still
    /// answers within a few seconds (a database restart ends the session and with it the
    /// lock). A lost role must be asked for again with [`crate::Store::try_lead`].
    pub async fn is_held(&mut self) -> bool {
        match self.connection.as_mut() {
            None => true,
            Some(connection) => {
                let check = sqlx::query("SELECT 1 AS one").fetch_one(&mut *connection);
                matches!(tokio::time::timeout(CHECK_WAIT, check).await, Ok(Ok(_)))
            }
        }
    }
}

/// Takes `role` if no other process holds it.
pub(crate) async fn try_lead(
    pool: &AnyPool,
    backend: Backend,
    role: &str,
) -> Result<Option<Leadership>, StoreError> {
    match backend {
        Backend::Sqlite => Ok(Some(Leadership {
            role: role.to_string(),
            connection: None,
        })),
        Backend::Postgres => {
            // A connection of its own, detached from the pool: the lock lives as long as it.
            let mut connection = pool.acquire().await?.detach();
            // The key hashes the schema with the role: installations sharing one database
            // in different schemas (as the tests do) lead independently.
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT pg_try_advisory_lock({ADVISORY_KEY}) AS taken"
            )))
            .bind(role)
            .fetch_one(&mut connection)
            .await?;
            let taken: bool = row.try_get("taken")?;
            if taken {
                Ok(Some(Leadership {
                    role: role.to_string(),
                    connection: Some(connection),
                }))
            } else {
                let _ = connection.close().await;
                Ok(None)
            }
        }
    }
}
