//! The HTTP server: accepts connections and serves an axum app on each with hyper's HTTP/1
//! connection, so that a client which sends its request headers slowly, or nothing at all,
//! is disconnected after a time limit instead of holding a file descriptor for ever
//! (slowloris); at most a set number of connections are served at once; and a shutdown stops
//! accepting and lets the requests in flight finish.
//!
//! Why not `axum::serve`: it builds hyper's connection builder inside and gives it no timer,
//! and hyper's `header_read_timeout` only runs with a timer; axum offers no hook (its issue
//! #2741 was closed in favour of configuring hyper). So this loop is axum's own accept loop
//! with the builder configured: axum's `Listener` still accepts (and backs off on EMFILE),
//! axum's `ConnectInfo` still carries the peer address to the rate limits, and hyper-util's
//! `GracefulShutdown` drains the connections.
//!
//! HTTP/1 only: hyper-util's version-sniffing `auto` builder waits, with no time limit, for
//! the first 24 bytes of a connection before any HTTP timeout starts, so a client that sends
//! nothing would still hold its socket. Browsers speak HTTP/2 only over TLS, which a reverse
//! proxy in front of Tidings terminates; cleartext HTTP/2 was never a feature (axum's `http2`
//! feature is off here).

use axum::Router;
use axum::serve::Listener;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

/// Limits on the connections the server holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// How long a client has to send a request's headers: from the connection's opening,
    /// and again from the end of each answer on a kept-alive connection (so it is also the
    /// idle keep-alive limit). A client that has not sent them all by then is disconnected.
    pub header_read_timeout: Duration,
    /// The most connections served at once. Beyond it the server accepts no more until one
    /// closes; new ones wait in the kernel's listen queue. Keep it below the process's
    /// open-files limit (`ulimit -n`), which the database, the search index and the
    /// fetcher's sockets share.
    pub max_connections: usize,
}

impl ServerLimits {
    /// The default header timeout: slow mobile clients send headers in well under a second,
    /// nginx waits 60 s (`client_header_timeout`), Go servers are often given 10 s.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);
    /// The default connection cap: far above what a news site serves at once, low enough
    /// to stay under a typical service's open-files limit (systemd's default hard limit is
    /// 524288, Docker's 1048576; a login shell's soft limit is often 1024, see the README).
    pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves; then accepts no
/// more connections and waits for the requests in flight to finish (an idle or still-silent
/// connection closes at once or within the header timeout). Each request carries
/// `ConnectInfo<SocketAddr>`, the peer's address.
pub async fn serve_app<L>(
    mut listener: L,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: Listener<Addr = SocketAddr>,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut warned_full = false;
    loop {
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if !warned_full {
                    warned_full = true;
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "serving the most connections allowed ([server] max_connections); \
                         new ones wait until one closes (logged once)"
                    );
                }
                tokio::select! {
                    permit = permits.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        // The semaphore is never closed.
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let Ok(ready) = ServiceExt::<SocketAddr>::ready(&mut make_service).await;
        let Ok(service) = ready.call(peer).await;
        let service = service.map_request(|request: axum::http::Request<hyper::body::Incoming>| {
            request.map(axum::body::Body::new)
        });
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::trace!(%peer, %err, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
