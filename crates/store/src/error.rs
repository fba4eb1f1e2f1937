//! The store's error type.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names a database Tidings cannot use.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Bringing the schema up to date failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A row would break a uniqueness rule, e.g. a source URL added twice.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// A display name would pass for another account's login or display name (see
    /// [`lookalike_key`](crate::lookalike_key)); the name is given.
    #[error("the name {0:?} passes for another account's name")]
    NameTaken(String),
    /// A row that was asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The operation does not apply to this database (e.g. an online backup of PostgreSQL,
    /// a copy into a database that is not empty).
    #[error("{0}")]
    Unsupported(String),
    /// Another process changed the row first (e.g. placed the article in a story).
    #[error("{0} was changed by another process")]
    Conflict(String),
}

impl StoreError {
    /// Whether the error says the database cannot be reached right now (refused or dropped
    /// connections, a pool that found no live connection in time, a server shutting down or
    /// starting up), as opposed to a query or schema error: the caller should wait and try
    /// again, the database may well come back.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(err) => Self::is_unavailable_database(err),
            _ => false,
        }
    }

    /// [`StoreError::is_unavailable`] for an error of the database driver itself, as a
    /// connection attempt outside the store gives it.
    pub fn is_unavailable_database(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => true,
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                // Class 08: connection exception; 57P01-57P03: admin shutdown, crash
                // shutdown, cannot connect now; 53300: too many connections.
                code.starts_with("08")
                    || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
            }),
            _ => false,
        }
    }

    /// Whether a database error is a unique-constraint violation, on either backend.
    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::Database(db) => {
                db.is_unique_violation()
                    || db.message().contains("UNIQUE constraint failed")
                    || db.code().as_deref() == Some("23505")
            }
            _ => false,
        }
    }
}
