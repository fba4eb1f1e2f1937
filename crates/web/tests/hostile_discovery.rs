//! A reader cannot stall the site through `POST /v1/discover` with a "billion laughs" feed
//! (security audit S4): the answer is a `400` naming the expansion limit, and the site goes
//! on answering. On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, PostgreSQL.

mod support;

use serde_json::{Value, json};
use std::net::SocketAddr;
use support::{config, site_on};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_store::testing::each_backend;

/// A feed whose titles use `lol{levels}`, each level ten references to the one below. Six
/// levels (3 MB per use without limits) keep this process safe should the limits go; the
/// audit's file has nine (3 GB).
fn laughs(levels: usize) -> String {
    let mut decls = String::from("<!ENTITY lol \"lol\">");
    for level in 1..=levels {
        let prev = match level {
            1 => "lol".to_string(),
            _ => format!("lol{}", level - 1),
        };
        decls.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [{decls}]><rss version=\"2.0\"><channel>\
         <title>&lol{levels};</title><item><title>&lol{levels};</title>\
         <link>https://laughs.example/l.html</link></item></channel></rss>"
    )
}

/// Serves the laughs feed at `/laughs.xml` on loopback; returns the site's address.
async fn laughs_web() -> String {
    use axum::routing::get;
    let feed = laughs(6);
    let app = axum::Router::new().route(
        "/laughs.xml",
        get(move || async move { ([("content-type", "application/rss+xml")], feed) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn discovering_a_laughs_feed_is_a_clear_error() {
    each_backend(|store| async move {
        let web = laughs_web().await;
        // The instance's own fetcher, allowed the fixture's loopback address.
        let fetcher = Fetcher::new(FetchConfig {
            allow_private_addresses: true,
            ..FetchConfig::default()
        })
        .expect("fetcher");
        let site = site_on(store, config(), |state| state.fetch_with(fetcher)).await;
        let (_browser, key) = site.account_with_key("ana").await;
        let client = reqwest::Client::new();
        let response = client
            .post(format!("{}/v1/discover", site.base))
            .header("x-auth-token", &key)
            .json(&json!({ "url": format!("{web}/laughs.xml") }))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status().as_u16(), 400);
        let answer: Value = response.json().await.expect("json");
        assert_eq!(
            answer["error_message"],
            "Not a valid feed: entity expansion exceeded the limit: &lol4; expands to more \
             than 8192 bytes",
            "{answer}"
        );
        let health = client
            .get(format!("{}/healthz", site.base))
            .send()
            .await
            .expect("healthz");
        assert!(health.status().is_success());
    })
    .await;
}
