//! The HTTP client of Tidings.
//!
//! [`Fetcher::get`] reads one URL the careful way: a clear `User-Agent`, connect and total
//! timeouts, a cap on the body (counted after decompression, so a gzip bomb stops at the cap),
//! a bounded number of redirects with loops refused, conditional GET from the validators of the
//! last fetch, and a guard that refuses private, loopback and link-local addresses — by IP
//! literal, by DNS answer and at every redirect — unless the operator allows them.
//!
//! Politeness across requests (per-host limits, robots.txt, back-off) belongs to the callers
//! that schedule fetches; this crate makes one request safe.

mod address_guard;
mod config;
mod error;
mod fetcher;

pub use address_guard::is_public_address;
pub use config::FetchConfig;
pub use error::FetchError;
pub use fetcher::{Document, Fetched, Fetcher, Validators};
