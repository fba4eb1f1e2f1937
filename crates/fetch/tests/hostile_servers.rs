//! The fetcher against a loopback server that misbehaves in every way the wild does.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::time::Duration;
use tidings_fetch::{FetchConfig, FetchError, Fetched, Fetcher, Validators};

async fn feed(headers: HeaderMap) -> Response {
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == "\"v1\"")
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::ETAG, "\"v1\""),
            (header::LAST_MODIFIED, "Wed, 25 Nov 2026 10:00:00 GMT"),
        ],
        "<rss version=\"2.0\"><channel><title>t</title></channel></rss>",
    )
        .into_response()
}

/// 64 MiB of zeros compressed, built once for all tests.
static GZIP_BOMB: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(gzip_bomb);
static BROTLI_BOMB: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(brotli_bomb);

fn gzip_bomb() -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&zeros).expect("compress");
    }
    encoder.finish().expect("finish")
}

fn brotli_bomb() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 1, 22);
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..64 {
            writer.write_all(&zeros).expect("compress");
        }
    }
    out
}

async fn serve() -> String {
    let bomb = GZIP_BOMB.clone();
    let brotli_bomb = BROTLI_BOMB.clone();
    let app = Router::new()
        .route("/feed", get(feed))
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/broken",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route(
            "/hop/{n}",
            get(
                |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                    Redirect::temporary(&format!("/hop/{}", n + 1))
                },
            ),
        )
        .route("/to-feed", get(|| async { Redirect::permanent("/feed") }))
        .route("/moved", get(|| async { Redirect::permanent("/to-feed") }))
        .route(
            "/temporarily",
            get(|| async { Redirect::temporary("/to-feed") }),
        )
        .route(
            "/robots.txt",
            get(|| async {
                "User-agent: Tidings\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n"
            }),
        )
        .route("/private/feed", get(|| async { "secret" }))
        .route(
            "/busy",
            get(|| async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "120")],
                    "slow down",
                )
            }),
        )
        .route(
            "/cached",
            get(|| async { ([(header::CACHE_CONTROL, "public, max-age=900")], "<rss/>") }),
        )
        .route(
            "/drip",
            get(|| async {
                let drip = futures_util::stream::unfold(0u32, |n| async move {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    (n < 100).then(|| {
                        (
                            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"<")),
                            n + 1,
                        )
                    })
                });
                Body::from_stream(drip)
            }),
        )
        .route("/big", get(|| async { vec![b'x'; 2 * 1024 * 1024] }))
        .route(
            "/endless",
            get(|| async {
                let chunks = futures_util::stream::repeat_with(|| {
                    Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'y'; 64 * 1024]))
                });
                Body::from_stream(chunks)
            }),
        )
        .route(
            "/bomb",
            get(move || {
                let bomb = bomb.clone();
                async move { ([(header::CONTENT_ENCODING, "gzip")], bomb) }
            }),
        )
        .route(
            "/brotli-bomb",
            get(move || {
                let bomb = brotli_bomb.clone();
                async move { ([(header::CONTENT_ENCODING, "br")], bomb) }
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "too late"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn fetcher(allow_private: bool) -> Fetcher {
    Fetcher::new(FetchConfig {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        max_body_bytes: 1024 * 1024,
        max_redirects: 5,
        allow_private_addresses: allow_private,
        per_host_min_delay: Duration::ZERO,
        ..FetchConfig::default()
    })
    .expect("client")
}

#[tokio::test]
async fn conditional_get_uses_the_validators() {
    let base = serve().await;
    let f = fetcher(true);
    let Fetched::Document(doc) = f
        .get(&format!("{base}/feed"), &Validators::default())
        .await
        .expect("get")
    else {
        panic!("expected a document");
    };
    assert_eq!(doc.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(doc.content_type.as_deref(), Some("application/rss+xml"));
    assert!(doc.body.starts_with(b"<rss"));
    let again = f
        .get(&format!("{base}/feed"), &doc.validators)
        .await
        .expect("get");
    assert_eq!(again, Fetched::NotModified);
}

#[tokio::test]
async fn redirects_are_followed_within_limits() {
    let base = serve().await;
    let f = fetcher(true);
    let Fetched::Document(doc) = f
        .get(&format!("{base}/to-feed"), &Validators::default())
        .await
        .expect("get")
    else {
        panic!("expected a document");
    };
    assert!(doc.final_url.ends_with("/feed"));
    match f.get(&format!("{base}/loop"), &Validators::default()).await {
        Err(FetchError::Redirect(why)) => assert!(why.contains("loop"), "{why}"),
        other => panic!("expected a redirect-loop error, got {other:?}"),
    }
    match f
        .get(&format!("{base}/hop/0"), &Validators::default())
        .await
    {
        Err(FetchError::Redirect(why)) => assert!(why.contains("more than 5"), "{why}"),
        other => panic!("expected a too-many-redirects error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_statuses_are_reported() {
    let base = serve().await;
    let f = fetcher(true);
    let missing = f
        .get(&format!("{base}/missing"), &Validators::default())
        .await;
    assert_eq!(
        missing.map_err(|e| e.to_string()),
        Err("HTTP 404 Not Found".to_string())
    );
    let broken = f
        .get(&format!("{base}/broken"), &Validators::default())
        .await;
    assert!(matches!(
        broken,
        Err(FetchError::Status { status: 500, .. })
    ));
}

#[tokio::test]
async fn large_endless_and_compressed_bodies_stop_at_the_cap() {
    let base = serve().await;
    let f = fetcher(true);
    for path in ["/big", "/endless", "/bomb", "/brotli-bomb"] {
        match f
            .get(&format!("{base}{path}"), &Validators::default())
            .await
        {
            Err(FetchError::TooLarge { cap_bytes }) => assert_eq!(cap_bytes, 1024 * 1024),
            other => panic!("{path}: expected the body cap, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn slow_servers_time_out() {
    let base = serve().await;
    let f = fetcher(true);
    let started = std::time::Instant::now();
    let slow = f.get(&format!("{base}/slow"), &Validators::default()).await;
    assert_eq!(slow, Err(FetchError::Timeout(2)));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn unreachable_hosts_fail_to_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let f = fetcher(true);
    let result = f
        .get(&format!("http://{addr}/feed"), &Validators::default())
        .await;
    assert!(matches!(result, Err(FetchError::Connect(_))), "{result:?}");
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let base = serve().await;
    let f = fetcher(false);
    let literal = f.get(&format!("{base}/feed"), &Validators::default()).await;
    assert_eq!(literal, Err(FetchError::PrivateAddress("127.0.0.1".into())));
    let port = base.rsplit(':').next().expect("port");
    let by_name = f
        .get(
            &format!("http://localhost:{port}/feed"),
            &Validators::default(),
        )
        .await;
    assert!(
        matches!(&by_name, Err(FetchError::PrivateAddress(why)) if why.contains("localhost")),
        "{by_name:?}"
    );
    let v6 = f.get("http://[::1]/feed", &Validators::default()).await;
    assert_eq!(v6, Err(FetchError::PrivateAddress("::1".into())));
    let metadata = f
        .get("http://169.254.169.254/latest", &Validators::default())
        .await;
    assert!(matches!(metadata, Err(FetchError::PrivateAddress(_))));
    let scheme = f.get("file:///etc/passwd", &Validators::default()).await;
    assert!(matches!(scheme, Err(FetchError::InvalidUrl { .. })));
}

#[tokio::test]
async fn retry_after_is_reported_with_the_status() {
    let base = serve().await;
    let busy = fetcher(true)
        .get(&format!("{base}/busy"), &Validators::default())
        .await;
    assert_eq!(
        busy,
        Err(FetchError::Status {
            status: 429,
            reason: "Too Many Requests".into(),
            retry_after: Some(Duration::from_secs(120)),
        })
    );
}

#[tokio::test]
async fn cache_lifetimes_are_reported() {
    let base = serve().await;
    let Fetched::Document(doc) = fetcher(true)
        .get(&format!("{base}/cached"), &Validators::default())
        .await
        .expect("get")
    else {
        panic!("expected a document");
    };
    assert_eq!(doc.max_age, Some(Duration::from_secs(900)));
}

#[tokio::test]
async fn permanent_redirect_chains_are_reported_temporary_ones_are_not() {
    let base = serve().await;
    let f = fetcher(true);
    let Fetched::Document(moved) = f
        .get(&format!("{base}/moved"), &Validators::default())
        .await
        .expect("get")
    else {
        panic!("expected a document");
    };
    assert_eq!(moved.permanent_redirect, Some(format!("{base}/feed")));
    let Fetched::Document(temporary) = f
        .get(&format!("{base}/temporarily"), &Validators::default())
        .await
        .expect("get")
    else {
        panic!("expected a document");
    };
    assert_eq!(temporary.final_url, format!("{base}/feed"));
    assert_eq!(temporary.permanent_redirect, None, "one hop was temporary");
}

#[tokio::test]
async fn robots_txt_is_obeyed_for_our_token() {
    let base = serve().await;
    let f = fetcher(true);
    let blocked = f
        .get(&format!("{base}/private/feed"), &Validators::default())
        .await;
    assert_eq!(
        blocked,
        Err(FetchError::Robots(
            "disallowed by the site's robots.txt".into()
        ))
    );
    assert!(
        f.get(&format!("{base}/feed"), &Validators::default())
            .await
            .is_ok()
    );
    let ignoring = Fetcher::new(FetchConfig {
        allow_private_addresses: true,
        respect_robots: false,
        ..FetchConfig::default()
    })
    .expect("client");
    assert!(
        ignoring
            .get(&format!("{base}/private/feed"), &Validators::default())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_slow_drip_is_cut_by_the_total_timeout() {
    let base = serve().await;
    let started = std::time::Instant::now();
    let drip = fetcher(true)
        .get(&format!("{base}/drip"), &Validators::default())
        .await;
    assert_eq!(drip, Err(FetchError::Timeout(2)));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn tls_failures_are_clear_errors() {
    let base = serve().await;
    let https = base.replace("http://", "https://");
    let result = fetcher(true)
        .get(&format!("{https}/feed"), &Validators::default())
        .await;
    match result {
        Err(FetchError::Connect(why)) | Err(FetchError::Transfer(why)) => {
            assert!(!why.is_empty())
        }
        other => panic!("expected a TLS failure, got {other:?}"),
    }
}
