//! The fetcher's shared host clock kept in the database, so that every process fetching for
//! one PostgreSQL database keeps the per-host gap (and a robots.txt `Crawl-delay`) between
//! all of their request starts, not only within each process.
//!
//! [`Pipeline::new`](crate::Pipeline::new) gives it to the fetcher on PostgreSQL, where
//! several `worker` processes (and `serve`) share a database. SQLite is the database of one
//! `serve` process, whose own limits are the whole story there; it also has a single writer,
//! which a statement per request start would only contend for. Each request start costs one
//! statement ([`tidings_store::HostTurns::reserve`]) after the process's own gap has passed.

use std::time::Duration;
use tidings_fetch::{HostSchedule, Reservation};
use tidings_store::Store;

/// Request starts per host, handed out by the database to every process that asks.
#[derive(Debug, Clone)]
pub struct DatabaseHostTurns {
    store: Store,
}

impl DatabaseHostTurns {
    /// The host clock of `store`'s database.
    pub fn new(store: Store) -> DatabaseHostTurns {
        DatabaseHostTurns { store }
    }
}

impl HostSchedule for DatabaseHostTurns {
    fn reserve<'a>(&'a self, host: &'a str, gap: Duration) -> Reservation<'a> {
        Box::pin(async move {
            self.store
                .host_turns()
                .reserve(host, gap)
                .await
                .map_err(Into::into)
        })
    }
}
