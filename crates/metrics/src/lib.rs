//! The process's metrics: counters and histograms with labels, kept in one [`Registry`] per
//! process ([`global`]) and written in the Prometheus text format (version 0.0.4), every name
//! prefixed `tidings_`.
//!
//! The pipeline counts what it does (fetches per source and outcome, articles stored); the
//! web layer times every request by route; `/metrics` renders the registry and adds gauges
//! it reads from the database at scrape time ([`Exposition::gauge`]).
//!
//! A small registry of our own rather than the `metrics` facade with its Prometheus
//! exporter: what is recorded here is a handful of counters and one histogram family, the
//! gauges are queried at scrape time anyway, and the exporter would bring an HTTP stack and
//! a sketch library into the build for no gain.
//!
//! ```
//! let registry = tidings_metrics::Registry::default();
//! registry.add("tidings_demo_total", "Things done.", &[("kind", "x")], 2);
//! let mut out = tidings_metrics::Exposition::default();
//! registry.render_into(&mut out);
//! assert!(out.finish().contains("tidings_demo_total{kind=\"x\"} 2"));
//! ```

mod exposition;
mod registry;

pub use exposition::Exposition;
pub use registry::{LATENCY_BUCKETS, Registry};

/// The registry of this process.
pub fn global() -> &'static Registry {
    static GLOBAL: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    GLOBAL.get_or_init(Registry::default)
}
