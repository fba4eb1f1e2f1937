//! Tidings, the binary's library: the command line, configuration, and the wiring of the
//! store, the pipeline and the web site into one process.
//!
//! `tidings serve` runs the web site, the scheduler and the workers on one database (SQLite in
//! the data directory by default). The other commands manage sources: `sources add|list|remove`,
//! `import-opml`, `export-opml`.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod error_report;
pub mod logging;
pub mod settings;

/// The bundled list of public world-news feeds loaded into an empty database.
pub const DEFAULT_SOURCES_OPML: &str = include_str!("../sources/default.opml");
