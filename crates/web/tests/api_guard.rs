//! The JSON API's guard rails through HTTP, against a site served in this process: every
//! `/api` route counts against the per-address API limit (once per request, `429` JSON with
//! `Retry-After`), and the errors axum answers before a handler runs (`405`, `413`) come in
//! the API's JSON shape, `405` with `Allow`. On SQLite and, with `TIDINGS_TEST_DATABASE_URL`,
//! on PostgreSQL.

mod support;

use std::time::Duration;
use support::{Answer, Site, config, site_on};
use tidings_store::testing::each_backend;
use tidings_web::people::{PeopleConfig, RateLimitConfig};

/// The answer's `error` message, after checking it is the API's JSON error shape.
fn json_error(answer: &Answer) -> String {
    assert!(
        answer
            .header("content-type")
            .starts_with("application/json"),
        "{} is JSON: {:?} {}",
        answer.status,
        answer.header("content-type"),
        answer.body
    );
    let value: serde_json::Value =
        serde_json::from_str(&answer.body).unwrap_or_else(|e| panic!("{e}: {}", answer.body));
    value["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error message: {}", answer.body))
        .to_string()
}

/// A request with any method, through the site's browser client.
async fn send(site: &Site, method: &str, path: &str, body: Vec<u8>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let response = site
        .browser()
        .http
        .request(method, format!("{}{path}", site.base))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Answer {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn every_api_route_counts_against_the_address_limit_once() {
    each_backend(|store| async move {
        let site = site_on(
            store,
            PeopleConfig {
                limits: RateLimitConfig {
                    api_per_minute_per_ip: 4,
                    ..RateLimitConfig::default()
                },
                ..config()
            },
            |_| {},
        )
        .await;
        let mut browser = site.browser();
        let comments = format!("/api/v1/stories/{}/comments", site.story);
        // Four requests a minute, whatever the route: the comment API counts each once.
        for path in ["/api/v1/articles", &comments, &comments, "/api/v1/stories"] {
            let answer = browser.get(path).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        }
        for path in [
            "/api/v1/articles",
            "/api/v1/openapi.json",
            "/api/v1/nothing",
        ] {
            let answer = browser.get(path).await;
            assert_eq!(answer.status, 429, "{path} is over the limit");
            assert!(json_error(&answer).contains("Too many requests"));
            let wait: u64 = answer.header("retry-after").parse().expect("Retry-After");
            assert!((1..=15).contains(&wait), "wait {wait}");
        }
        site.clock.advance(Duration::from_secs(60));
        assert_eq!(
            browser.get("/api/v1/sources").await.status,
            200,
            "a minute on"
        );
    })
    .await;
}

#[tokio::test]
async fn wrong_methods_and_oversized_bodies_get_json_errors() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        for (method, path, methods) in [
            ("POST", "/api/v1/articles".to_string(), &["GET", "HEAD"][..]),
            (
                "DELETE",
                format!("/api/v1/articles/{}", site.article),
                &["GET", "HEAD"][..],
            ),
            (
                "PUT",
                format!("/api/v1/stories/{}/comments", site.story),
                &["GET", "HEAD", "POST"][..],
            ),
        ] {
            let answer = send(&site, method, &path, Vec::new()).await;
            assert_eq!(answer.status, 405, "{method} {path}");
            // Exactly the methods the route answers, whatever their order.
            let mut allow: Vec<String> = answer
                .header("allow")
                .split(',')
                .map(|m| m.trim().to_string())
                .collect();
            allow.sort();
            assert_eq!(allow, methods, "{method} {path}");
            let message = json_error(&answer);
            assert!(message.contains("method not allowed"), "{message}");
            assert!(message.contains("Allow"), "{message}");
        }
        let big = format!("{{\"body\": \"{}\"}}", "a".repeat(100 * 1024)).into_bytes();
        let path = format!("/api/v1/stories/{}/comments", site.story);
        let answer = send(&site, "POST", &path, big).await;
        assert_eq!(answer.status, 413);
        assert!(json_error(&answer).contains("too large"));
        // Outside `/api/v1` too.
        let answer = send(&site, "GET", "/api/nothing", Vec::new()).await;
        assert_eq!(answer.status, 404);
        assert!(json_error(&answer).contains("no such API endpoint"));
        // A page outside the API still gets its HTML.
        let answer = send(&site, "GET", "/nothing", Vec::new()).await;
        assert_eq!(answer.status, 404);
        assert!(answer.header("content-type").starts_with("text/html"));
    })
    .await;
}
