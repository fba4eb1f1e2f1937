//! The search crate's error type.

/// What can go wrong indexing or searching.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The tantivy index failed (I/O, a corrupt segment, a lock held by another process).
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be opened as an index.
    #[error("search index directory error: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] tidings_store::StoreError),
    /// A file operation on the index directory failed.
    #[error("search index file error: {0}")]
    Io(#[from] std::io::Error),
    /// The index on disk was built with another schema; it must be rebuilt.
    #[error("the search index was built by another version; rebuild it (`tidings search rebuild`)")]
    SchemaChanged,
    /// Another process writes this index; this handle can only search it.
    #[error("the search index is being written by another process (is `tidings serve` running?)")]
    ReadOnly,
    /// The judged relevance fixtures compiled into the binary are broken.
    #[error("relevance fixtures: {0}")]
    Fixture(String),
    /// The PostgreSQL backend was asked for on a SQLite store.
    #[error("PostgreSQL full-text search needs a PostgreSQL store")]
    NotPostgres,
    /// A benchmark's directory could not be prepared (or is not the benchmark's to empty).
    #[error(transparent)]
    BenchDir(#[from] crate::bench_dir::BenchDirError),
}
