//! The HTTP server's connection limits (audit S5, slowloris): a client that sends half a
//! request, or nothing, is disconnected after the header timeout while others are served;
//! keep-alive still works; a shutdown finishes the requests in flight; the connection cap
//! holds; the peer's address still reaches the handlers and the login throttle.

mod support;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::get;
use shutdown_signal::Shutdown;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tidings_model::Role;
use tidings_web::{AppState, ServerLimits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A one-shot shutdown signal without another dependency.
mod shutdown_signal {
    use tokio::sync::oneshot;

    /// Resolves the server's shutdown future when triggered.
    pub struct Shutdown(pub Option<oneshot::Sender<()>>);

    impl Shutdown {
        /// The signal and the future the server waits on.
        pub fn new() -> (Shutdown, impl Future<Output = ()> + Send + 'static) {
            let (tx, rx) = oneshot::channel();
            (Shutdown(Some(tx)), async move {
                let _ = rx.await;
            })
        }

        /// Starts the shutdown.
        pub fn trigger(&mut self) {
            if let Some(tx) = self.0.take() {
                let _ = tx.send(());
            }
        }
    }
}

const TIMEOUT: Duration = Duration::from_millis(600);

/// A small app: `/` answers at once, `/slow` after 800 ms, `/peer` with the peer's IP.
fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(800)).await;
                "slow ok"
            }),
        )
        .route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        )
}

/// Serves `app()` within `limits`; the address, the shutdown trigger and the server task.
async fn start(
    limits: ServerLimits,
) -> (
    SocketAddr,
    Shutdown,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (trigger, signal) = Shutdown::new();
    let server = tokio::spawn(tidings_web::serve_app(listener, app(), limits, signal));
    (addr, trigger, server)
}

fn limits(max_connections: usize) -> ServerLimits {
    ServerLimits {
        header_read_timeout: TIMEOUT,
        max_connections,
    }
}

/// Reads until the server closes the connection (or `limit` passes: `None`); what it sent.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&got).into_owned())
}

/// One request on a fresh connection: the status line and body.
async fn get_once(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("an answer")
}

#[tokio::test]
async fn a_client_sending_half_a_request_is_cut_off_while_others_are_served() {
    let (addr, _shutdown, _server) = start(limits(100)).await;
    let mut half = TcpStream::connect(addr).await.expect("connect");
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    let opened = Instant::now();

    let answer = get_once(addr, "/").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");

    let limit = TIMEOUT * 5;
    let cut = read_until_closed(&mut half, limit).await;
    assert!(
        cut.is_some(),
        "the half request was still open after {limit:?}"
    );
    // hyper answers a header timeout by closing (possibly after a 408).
    let cut = cut.unwrap_or_default();
    assert!(cut.is_empty() || cut.starts_with("HTTP/1.1 408"), "{cut}");
    assert!(
        read_until_closed(&mut silent, limit).await.is_some(),
        "a connection that sent nothing was still open after {limit:?}"
    );
    let waited = opened.elapsed();
    assert!(
        waited >= TIMEOUT / 2,
        "closed after {waited:?}, before the timeout"
    );
}

#[tokio::test]
async fn keep_alive_serves_several_requests_then_closes_when_idle() {
    let (addr, _shutdown, _server) = start(limits(100)).await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    for round in 0..3 {
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        let mut buf = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("read");
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
            "request {round} on the same connection: {answer}"
        );
        // Less than the header timeout between requests: the connection stays.
        tokio::time::sleep(TIMEOUT / 3).await;
    }
    assert!(
        read_until_closed(&mut stream, TIMEOUT * 5).await.is_some(),
        "an idle kept-alive connection stays open past the header timeout"
    );
}

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight_and_accepts_no_more() {
    let (addr, mut shutdown, server) = start(limits(100)).await;
    let asked = Instant::now();
    let slow = tokio::spawn(get_once(addr, "/slow"));
    // A connection that never sends a request does not hold the shutdown up for long.
    let _silent = TcpStream::connect(addr).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(200)).await;
    shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops within 10 s")
        .expect("task")
        .expect("served");
    let stopped = asked.elapsed();
    assert!(
        stopped >= Duration::from_millis(800),
        "the server stopped after {stopped:?}, before its request in flight (800 ms) finished"
    );
    let answer = slow.await.expect("task");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("slow ok"), "{answer}");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no connections are accepted after the shutdown"
    );
}

#[tokio::test]
async fn the_connection_cap_makes_new_connections_wait_for_a_free_one() {
    let (addr, _shutdown, _server) = start(limits(2)).await;
    let _a = TcpStream::connect(addr).await.expect("connect");
    let _b = TcpStream::connect(addr).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = Instant::now();
    let answer = get_once(addr, "/").await;
    let waited = asked.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Served once the two silent connections were cut off, not before.
    assert!(
        waited >= TIMEOUT / 2,
        "answered after {waited:?}, while the two allowed connections were taken"
    );
}

#[tokio::test]
async fn the_peer_address_reaches_the_handlers() {
    let (addr, _shutdown, _server) = start(limits(100)).await;
    for local in ["127.0.0.1", "127.0.0.2"] {
        let client = reqwest::Client::builder()
            .local_address(local.parse::<std::net::IpAddr>().expect("ip"))
            .build()
            .expect("client");
        let body = client
            .get(format!("http://{addr}/peer"))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert_eq!(body, local);
    }
}

/// The login throttle keys on the peer address the server passes on: five wrong passwords
/// from one address lock that address out, not another.
#[tokio::test]
async fn the_login_throttle_sees_each_client_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = tidings_store::Store::open(&url, tidings_store::StoreOptions::default())
        .await
        .expect("store");
    let hash = tidings_web::people::hash_password("ana", "right password", 1024)
        .await
        .expect("hash");
    store
        .users()
        .create(
            &tidings_store::NewUser {
                name: "ana".into(),
                display_name: "ana".into(),
                password_hash: hash,
                role: Role::Reader,
            },
            0,
        )
        .await
        .expect("user");
    let mut state = AppState::new(store);
    state.people = std::sync::Arc::new(tidings_web::people::People::new(support::config()));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (_shutdown, signal) = Shutdown::new();
    tokio::spawn(tidings_web::serve_with_limits(
        listener,
        state,
        limits(100),
        signal,
    ));
    let browser_from = |local: &str| support::Browser {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(local.parse::<std::net::IpAddr>().expect("ip"))
            .build()
            .expect("client"),
        base: format!("http://{addr}"),
        cookies: Default::default(),
        forwarded_for: None,
    };
    let mut first = browser_from("127.0.0.1");
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(first.login("ana", "wrong password").await.status);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let mut second = browser_from("127.0.0.2");
    let other = second.login("ana", "right password").await;
    assert_eq!(other.status, 303, "another address logs in: {}", other.body);
}
