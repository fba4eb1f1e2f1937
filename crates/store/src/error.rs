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
    /// A row that was asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// Another process changed the row first (e.g. placed the article in a story).
    #[error("{0} was changed by another process")]
    Conflict(String),
}

impl StoreError {
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
