//! How the fetcher behaves: identity, limits and the private-address policy.

use std::time::Duration;

/// Settings for a [`crate::Fetcher`].
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// The longest a whole request may take, body included.
    pub timeout: Duration,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
    /// The largest body accepted, in bytes, after decompression.
    pub max_body_bytes: usize,
    /// The most redirects followed for one request.
    pub max_redirects: usize,
    /// Whether loopback, private and link-local addresses may be fetched. Off by default:
    /// a feed URL must not reach into the operator's own network. Tests turn it on.
    pub allow_private_addresses: bool,
    /// How many requests may be in flight to one host at once, from this process.
    pub per_host_concurrency: usize,
    /// The shortest gap between the starts of two requests to one host: from this process,
    /// and from every process sharing the fetcher's [`crate::HostSchedule`] when it has one.
    pub per_host_min_delay: Duration,
    /// Whether robots.txt is asked before each request.
    pub respect_robots: bool,
    /// The product token matched against robots.txt `User-agent` lines (bare, no version).
    pub robots_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!(
                "Tidings/{} (self-hosted news reader; +https://example.invalid/tidings)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            allow_private_addresses: false,
            per_host_concurrency: 2,
            per_host_min_delay: Duration::from_secs(1),
            respect_robots: true,
            robots_agent: "Tidings".to_string(),
        }
    }
}
