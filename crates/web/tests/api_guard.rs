//! The JSON API's guard rails through HTTP, against a site served in this process: every
//! `/api` route counts against the per-address API limit (once per request, `429` JSON with
//! `Retry-After`). On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use std::time::Duration;
use support::{Answer, config, site_on};
use tidings_store::testing::each_backend;
use tidings_web::people::{PeopleConfig, RateLimitConfig};

fn header(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The answer's `error` message, after checking it is the API's JSON error shape.
fn json_error(answer: &Answer) -> String {
    assert!(
        header(answer, "content-type").starts_with("application/json"),
        "{} is JSON: {:?} {}",
        answer.status,
        header(answer, "content-type"),
        answer.body
    );
    let value: serde_json::Value =
        serde_json::from_str(&answer.body).unwrap_or_else(|e| panic!("{e}: {}", answer.body));
    value["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error message: {}", answer.body))
        .to_string()
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
            let wait: u64 = header(&answer, "retry-after").parse().expect("Retry-After");
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
