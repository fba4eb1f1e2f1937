//! The host clock shared between processes: who may start the next request to a host, and
//! when, for every fetcher that reaches the same hosts (several worker processes on one
//! database).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Why a shared host clock could not give a turn (the database did not answer, say).
pub type HostScheduleError = Box<dyn std::error::Error + Send + Sync>;

/// What [`HostSchedule::reserve`] returns: how long to wait before the reserved start.
pub type Reservation<'a> =
    Pin<Box<dyn Future<Output = Result<Duration, HostScheduleError>> + Send + 'a>>;

/// A clock of request starts per host, shared by every [`crate::Fetcher`] that is given it,
/// in this process or another.
///
/// The fetcher keeps its own per-host limits (a slot among `per_host_concurrency`, the gap
/// since its own last start) and then asks this clock for a start time: the clock hands out
/// starts to one host at least `gap` apart, whoever asks. The gap is the fetcher's minimum
/// delay for the host, raised by the host's robots.txt `Crawl-delay`, so a crawl delay holds
/// across processes too.
pub trait HostSchedule: Send + Sync {
    /// Reserves the next start at `host` (the host name, with `:port` when the URL names
    /// one): the later of now and the previous reservation's start plus that reservation's
    /// gap; the reservation after this one comes `gap` after it. Returns how long to wait
    /// from now until the reserved start.
    ///
    /// A reservation is taken even if the caller never starts (it is cancelled, or fails
    /// before sending): the next caller then waits for nothing, which is only slower.
    fn reserve<'a>(&'a self, host: &'a str, gap: Duration) -> Reservation<'a>;
}
