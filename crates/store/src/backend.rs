//! Which database is behind the pool, and the SQL that differs between them.

/// The database engine a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: one process, one file, WAL mode.
    Sqlite,
    /// PostgreSQL: any number of processes.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if Tidings supports it.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// The statement that claims the next due job.
    ///
    /// On PostgreSQL, concurrent workers skip rows another transaction has locked
    /// (`FOR UPDATE SKIP LOCKED`), so no two workers claim the same job and none waits on
    /// another. SQLite has a single writer, so its plain `UPDATE … WHERE id = (SELECT …)` is
    /// already atomic.
    pub(crate) fn claim_job_sql(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, \
                 lease_until_ms = $2, updated_at_ms = $3 \
                 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at_ms <= $3 \
                 ORDER BY run_at_ms, id LIMIT 1) \
                 RETURNING id, kind, key, payload, attempts, max_attempts"
            }
            Backend::Postgres => {
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, \
                 lease_until_ms = $2, updated_at_ms = $3 \
                 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at_ms <= $3 \
                 ORDER BY run_at_ms, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, kind, key, payload, attempts, max_attempts"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(Backend::from_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://localhost/test"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://localhost/test"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://localhost/test"), None);
    }

    #[test]
    fn only_postgres_skips_locked_rows() {
        assert!(Backend::Postgres.claim_job_sql().contains("SKIP LOCKED"));
        assert!(!Backend::Sqlite.claim_job_sql().contains("SKIP LOCKED"));
    }
}
