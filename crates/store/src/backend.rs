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

    /// The statement that reserves the next request start at a host (`$1`) and moves the
    /// host's clock on by the gap (`$2`, milliseconds), returning how long the caller waits
    /// for its start (`wait_ms`, negative when the start is now).
    ///
    /// Every time is the database's own clock, read once per statement (`now()` is the
    /// statement's transaction time on PostgreSQL; SQLite reads `'now'` once per step), so
    /// processes on machines whose clocks disagree still keep the gap: only the wait, a
    /// difference of two database times, reaches the caller.
    pub(crate) fn reserve_host_turn_sql(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "INSERT INTO host_turns (host, next_at) \
                 VALUES ($1, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) + $2) \
                 ON CONFLICT (host) DO UPDATE SET next_at = MAX(host_turns.next_at, \
                 CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)) + $2 \
                 RETURNING next_at - $2 \
                 - CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) AS wait_ms"
            }
            Backend::Postgres => {
                "INSERT INTO host_turns (host, next_at) \
                 VALUES ($1, CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT) + $2) \
                 ON CONFLICT (host) DO UPDATE SET next_at = GREATEST(host_turns.next_at, \
                 CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)) + $2 \
                 RETURNING next_at - $2 - CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT) \
                 AS wait_ms"
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
