//! What the pipeline's integration tests share: a fetcher for loopback fixtures and a way
//! to add a source.

use std::time::Duration;
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_model::SourceId;
use tidings_store::{NewSource, Store};

/// A fetcher allowed to reach the loopback fixture web, with no gap between requests.
pub fn loopback_fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        allow_private_addresses: true,
        per_host_min_delay: Duration::ZERO,
        ..FetchConfig::default()
    })
    .expect("fetcher")
}

/// Adds a source and returns its id.
pub async fn add(store: &Store, url: String, name: &str) -> SourceId {
    let new = NewSource {
        url,
        name: name.to_string(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}
