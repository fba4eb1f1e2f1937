//! The HTTP client of Tidings.
//!
//! [`Fetcher::get`] reads one URL the careful way: a clear `User-Agent`, connect and total
//! timeouts, a cap on the body (counted after decompression, so a gzip bomb stops at the cap),
//! a bounded number of redirects with loops refused, conditional GET from the validators of the
//! last fetch, and a guard that refuses private, loopback and link-local addresses — by IP
//! literal, by DNS answer and at every redirect — unless the operator allows them.
//!
//! It is also polite: at most a few requests in flight per host with a minimum gap between
//! their starts (raised by a robots.txt `Crawl-delay`), and robots.txt fetched once per site,
//! cached, and obeyed. The limits live in the process; given a [`HostSchedule`] shared with
//! other processes (the pipeline keeps one in the database), the gap holds across them too. Redirects are followed by hand so that every hop is checked, loops are caught,
//! and a chain of permanent redirects is reported for the caller to update its records. The
//! response's `Cache-Control: max-age` and `Retry-After` are returned as scheduling hints.
//! Back-off across fetches of a source belongs to the scheduler that calls this crate.
//!
//! [`check_feed_url`] says which addresses may become sources at all (http or https with a
//! host), the one rule every way of adding a source applies.

mod address_guard;
mod cache_hints;
mod config;
mod error;
mod feed_url;
mod fetcher;
mod host_limits;
mod host_schedule;
mod robots;
mod special_ranges;

pub use address_guard::is_public_address;
pub use config::FetchConfig;
pub use error::FetchError;
pub use feed_url::{FeedUrlError, FeedUrlPolicy, check_feed_url};
pub use fetcher::{Document, Fetched, Fetcher, MAX_LINK_HEADERS, PostAnswer, Validators};
pub use host_schedule::{HostSchedule, HostScheduleError, Reservation};
