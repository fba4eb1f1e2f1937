//! Log lines on stderr: `info` for Tidings by default, `RUST_LOG`-style filters on request.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Starts logging with `filter` (e.g. `debug`, `tidings_pipeline=debug`), else `RUST_LOG`,
/// else Tidings' own crates at `info` and everything else at `warn`.
pub fn init(filter: Option<&str>) {
    let filter = filter
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| {
            EnvFilter::new(
                "warn,tidings=info,tidings_pipeline=info,tidings_web=info,tidings_store=info",
            )
        });
    // html5ever reports every parse recovery on hostile HTML ("foster parenting not
    // implemented") at warn: noise for an operator whatever the filter.
    let filter = match "html5ever=error".parse() {
        Ok(quiet) => filter.add_directive(quiet),
        Err(_) => filter,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // A log line that cannot be written (its reader is gone: `serve 2>&1 | head`) is
        // lost, nothing more. tracing-subscriber would report the failure with `eprintln!`,
        // which panics on the same broken pipe, in whichever task logged: the scheduler, or
        // the signal handler that stops the server.
        .log_internal_errors(false)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
