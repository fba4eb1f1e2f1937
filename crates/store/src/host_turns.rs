//! The host clock shared by every process on one database: the next time a request may start
//! at each host, handed out one start at a time so that starts to a host stay a gap apart
//! whichever process makes them.
//!
//! A reservation is one statement (`INSERT … ON CONFLICT DO UPDATE … RETURNING`): the row's
//! lock orders two processes asking at once, and the start is the later of the database's
//! now and the host's `next_at`, which moves on by the caller's gap. Times are the database's
//! clock (see [`crate::Backend`]); the caller gets only how long to wait. The table keeps one
//! row per host and needs no cleaning: a row in the past means "now".

use crate::{Backend, StoreError};
use sqlx::{AnyPool, Row};
use std::time::Duration;

/// Reserves request starts per host.
#[derive(Debug, Clone, Copy)]
pub struct HostTurns<'a> {
    pool: &'a AnyPool,
    backend: Backend,
}

impl<'a> HostTurns<'a> {
    pub(crate) fn new(pool: &'a AnyPool, backend: Backend) -> Self {
        HostTurns { pool, backend }
    }

    /// Reserves the next start at `host` (any key; the fetcher uses `host` or `host:port`):
    /// now, or the previous reservation's start plus that reservation's gap if that is later.
    /// The next reservation comes at least `gap` (counted in whole milliseconds) after this
    /// one. Returns how long to wait from now for the reserved start.
    pub async fn reserve(&self, host: &str, gap: Duration) -> Result<Duration, StoreError> {
        let gap_ms = i64::try_from(gap.as_millis()).unwrap_or(i64::MAX / 4);
        let row = sqlx::query(self.backend.reserve_host_turn_sql())
            .bind(host)
            .bind(gap_ms)
            .fetch_one(self.pool)
            .await?;
        let wait_ms: i64 = row.try_get("wait_ms")?;
        Ok(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)))
    }
}
