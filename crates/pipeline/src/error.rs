//! Errors that fail a job (and so retry it), as opposed to a source's fetch errors, which are
//! recorded on the source and complete the job.

/// A job that could not run to the end; it is retried with back-off.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] tidings_store::StoreError),
    /// The job's payload could not be read.
    #[error("unreadable job payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// A blocking task (extraction) panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
    /// The job is of a kind this version does not know.
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
}
