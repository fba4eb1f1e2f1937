//! The Miniflux endpoints apps rely on beyond the basic contract (`reader_apis.rs`): `search`
//! on the entry lists, combined with the other filters; feed refreshes that make a source
//! due within the scheduler's rules; and feed discovery through the site's fetcher and its
//! private-address guard. On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, PostgreSQL.

mod support;

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{Site, config, searchable_site, site_on};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_model::SourceId;
use tidings_store::FetchSuccess;
use tidings_store::testing::each_backend;

/// A Miniflux call with `key`: the status and the JSON answer (`Null` when empty).
async fn call(
    site: &Site,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", site.base))
        .header("x-auth-token", key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Subscribes the key's account to the feed at `url`: its feed id.
async fn subscribe(site: &Site, key: &str, url: &str) -> i64 {
    let (status, made) = call(
        site,
        "POST",
        "/v1/feeds",
        key,
        Some(json!({ "feed_url": url })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    made["feed_id"].as_i64().expect("feed_id")
}

fn titles(list: &Value) -> Vec<String> {
    list["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["title"].as_str().expect("title").to_string())
        .collect()
}

#[tokio::test]
async fn entry_lists_search_with_every_other_filter() {
    each_backend(|store| async move {
        let (site, engine, _dir) = searchable_site(store).await;
        let now = chrono::Utc::now().timestamp();
        let harbor = site.add_outlet("Harbor").await;
        let old_bridge = site
            .article_at(
                site.outlet,
                "https://outlet.example/b1",
                "Bridge closed by the storm",
                now - 300,
            )
            .await;
        site.article_at(
            site.outlet,
            "https://outlet.example/b2",
            "Bridge reopens to traffic",
            now - 200,
        )
        .await;
        site.article_at(
            harbor,
            "https://harbor.example/b3",
            "Bridge toll to rise",
            now - 100,
        )
        .await;
        site.article_at(
            harbor,
            "https://harbor.example/m",
            "Market report",
            now - 50,
        )
        .await;
        // Matches, but from an outlet the reader does not follow.
        let elsewhere = site.add_outlet("Elsewhere").await;
        site.article_at(
            elsewhere,
            "https://elsewhere.example/b",
            "Bridge elsewhere",
            now - 10,
        )
        .await;
        tidings_search::catch_up(&engine, &site.store)
            .await
            .expect("index");

        let (_browser, key) = site.account_with_key("ana").await;
        let outlet = subscribe(&site, &key, "https://outlet.example/feed").await;
        let harbor_feed = subscribe(&site, &key, "https://harbor.example/feed").await;
        assert_eq!(outlet, site.outlet.0);

        let (status, all) = call(&site, "GET", "/v1/entries", &key, None).await;
        assert_eq!(status, 200);
        assert_eq!(all["total"], 5, "the flood, three bridges and the market");

        let (status, found) = call(&site, "GET", "/v1/entries?search=bridge", &key, None).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["total"], 3, "{found}");
        assert_eq!(
            titles(&found),
            [
                "Bridge toll to rise",
                "Bridge reopens to traffic",
                "Bridge closed by the storm"
            ],
            "the followed outlets' matches, newest first"
        );

        // With the status filter: one of them read.
        let (status, _) = call(
            &site,
            "PUT",
            "/v1/entries",
            &key,
            Some(json!({ "entry_ids": [old_bridge.0], "status": "read" })),
        )
        .await;
        assert_eq!(status, 204);
        let (_, unread) = call(
            &site,
            "GET",
            "/v1/entries?search=bridge&status=unread",
            &key,
            None,
        )
        .await;
        assert_eq!(unread["total"], 2);
        assert!(!titles(&unread).contains(&"Bridge closed by the storm".to_string()));
        let (_, starred) = call(
            &site,
            "GET",
            "/v1/entries?search=bridge&starred=true",
            &key,
            None,
        )
        .await;
        assert_eq!(starred["total"], 0);

        // Paging and order apply to the matches; the total counts them all.
        let (_, page) = call(
            &site,
            "GET",
            "/v1/entries?search=bridge&direction=asc&limit=1&offset=1",
            &key,
            None,
        )
        .await;
        assert_eq!(page["total"], 3);
        assert_eq!(titles(&page), ["Bridge reopens to traffic"]);

        // The feed and category lists narrow the same way.
        let (_, feed) = call(
            &site,
            "GET",
            &format!("/v1/feeds/{harbor_feed}/entries?search=bridge"),
            &key,
            None,
        )
        .await;
        assert_eq!(titles(&feed), ["Bridge toll to rise"]);
        let (_, feed) = call(
            &site,
            "GET",
            &format!("/v1/entries?search=bridge&feed_id={outlet}"),
            &key,
            None,
        )
        .await;
        assert_eq!(feed["total"], 2);
        let (_, categories) = call(&site, "GET", "/v1/categories", &key, None).await;
        let category = categories[0]["id"].as_i64().expect("a category");
        let (_, in_category) = call(
            &site,
            "GET",
            &format!("/v1/categories/{category}/entries?search=bridge"),
            &key,
            None,
        )
        .await;
        assert_eq!(in_category["total"], 3);

        // Nothing found is an empty list, not the whole one; an empty search is no filter.
        let (_, none) = call(&site, "GET", "/v1/entries?search=volcano", &key, None).await;
        assert_eq!(none["total"], 0);
        assert_eq!(none["entries"], json!([]));
        let (_, blank) = call(&site, "GET", "/v1/entries?search=%20", &key, None).await;
        assert_eq!(blank["total"], 5);
    })
    .await;
}

#[tokio::test]
async fn search_without_a_search_index_says_so() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (_browser, key) = site.account_with_key("ana").await;
        let (status, answer) = call(&site, "GET", "/v1/entries?search=flood", &key, None).await;
        assert_eq!(status, 503, "{answer}");
        assert!(
            answer["error_message"]
                .as_str()
                .expect("message")
                .contains("Search")
        );
    })
    .await;
}

/// Records a fetch of `source` at `at`, next due at `next`.
async fn fetched(site: &Site, source: SourceId, at: i64, next: i64) {
    site.store
        .sources()
        .record_success(
            source,
            &FetchSuccess {
                at,
                next_fetch_at: next,
                ..FetchSuccess::default()
            },
        )
        .await
        .expect("fetched");
}

async fn next_fetch(site: &Site, source: SourceId) -> i64 {
    site.store
        .sources()
        .get(source)
        .await
        .expect("get")
        .expect("the source")
        .next_fetch_at
}

#[tokio::test]
async fn refreshes_make_feeds_due_within_the_schedulers_rules() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        let later = now + 3_600;
        let (_browser, key) = site.account_with_key("ana").await;
        let recent = site.add_outlet("Recent").await;
        let failing = site.add_outlet("Failing").await;
        let unfollowed = site.add_outlet("Unfollowed").await;
        subscribe(&site, &key, "https://outlet.example/feed").await;
        subscribe(&site, &key, "https://recent.example/feed").await;
        subscribe(&site, &key, "https://failing.example/feed").await;
        fetched(&site, site.outlet, now - 3_600, later).await;
        fetched(&site, recent, now - 60, later).await;
        fetched(&site, unfollowed, now - 3_600, later).await;
        site.store
            .sources()
            .record_failure(failing, now - 3_600, "timed out", later)
            .await
            .expect("failed");

        // One feed: due now.
        let (status, _) = call(
            &site,
            "PUT",
            &format!("/v1/feeds/{}/refresh", site.outlet),
            &key,
            None,
        )
        .await;
        assert_eq!(status, 204);
        assert!(
            next_fetch(&site, site.outlet).await <= now + 5,
            "due at the next tick"
        );
        assert_eq!(
            next_fetch(&site, recent).await,
            later,
            "only the feed asked for"
        );

        // Every feed: the one fetched a minute ago waits for the scheduler's spacing, the
        // failing one keeps its back-off, another reader's feed is left alone.
        fetched(&site, site.outlet, now, later).await;
        let (status, _) = call(&site, "PUT", "/v1/feeds/refresh", &key, None).await;
        assert_eq!(status, 204);
        assert_eq!(
            next_fetch(&site, recent).await,
            now - 60 + 300,
            "five minutes after its fetch"
        );
        assert_eq!(
            next_fetch(&site, site.outlet).await,
            now + 300,
            "fetched just now"
        );
        assert_eq!(
            next_fetch(&site, failing).await,
            later,
            "its back-off holds"
        );
        assert_eq!(
            next_fetch(&site, unfollowed).await,
            later,
            "not the reader's"
        );

        // Asking again changes nothing: nothing becomes due sooner by hammering.
        let (status, _) = call(&site, "PUT", "/v1/feeds/refresh", &key, None).await;
        assert_eq!(status, 204);
        assert_eq!(next_fetch(&site, recent).await, now - 60 + 300);

        // Another reader's feed, by id: 404.
        let (status, answer) = call(
            &site,
            "PUT",
            &format!("/v1/feeds/{unfollowed}/refresh"),
            &key,
            None,
        )
        .await;
        assert_eq!(status, 404, "{answer}");
        assert_eq!(next_fetch(&site, unfollowed).await, later);
    })
    .await;
}

/// A web site on loopback: `/page` links two feeds, `/feed.xml` is one, `/plain` links none.
/// Returns its address, how many requests it answered and the `User-Agent` of each.
async fn fixture_web() -> (String, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
    use axum::routing::get;
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let agents = Arc::new(Mutex::new(Vec::new()));
    let seen = agents.clone();
    let page = r#"<!doctype html><html><head><title>Harbor</title>
        <link rel="alternate" type="application/rss+xml" title="Harbor news" href="/feed.xml">
        <link rel="alternate" type="application/atom+xml" href="/atom.xml">
        <link rel="stylesheet" href="/style.css">
        </head><body>Hello</body></html>"#;
    let feed = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor Gazette</title>
        <link>https://harbor.example/</link><item><title>One</title><link>https://harbor.example/1</link></item>
        </channel></rss>"#;
    let app = axum::Router::new()
        .route(
            "/page",
            get(move || async move { ([("content-type", "text/html")], page) }),
        )
        .route(
            "/feed.xml",
            get(move || async move { ([("content-type", "application/rss+xml")], feed) }),
        )
        .route(
            "/plain",
            get(|| async {
                (
                    [("content-type", "text/html")],
                    "<html><head><title>x</title></head></html>",
                )
            }),
        )
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let counted = counted.clone();
                let agent = request
                    .headers()
                    .get("user-agent")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                if let Ok(mut seen) = seen.lock() {
                    seen.push(agent);
                }
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), hits, agents)
}

/// The instance's fetcher with `tune` applied to the default settings, allowed to fetch
/// loopback addresses (the fixture's).
fn loopback_fetcher(tune: impl FnOnce(&mut FetchConfig)) -> Fetcher {
    let mut fetch = FetchConfig {
        allow_private_addresses: true,
        ..FetchConfig::default()
    };
    tune(&mut fetch);
    Fetcher::new(fetch).expect("fetcher")
}

#[tokio::test]
async fn discovery_lists_the_feeds_a_page_links_through_the_guarded_fetcher() {
    each_backend(|store| async move {
        let (web, hits, _) = fixture_web().await;
        let site = site_on(store, config(), |state| {
            state.fetch_with(loopback_fetcher(|_| {}))
        })
        .await;
        let (_browser, key) = site.account_with_key("ana").await;

        let (status, found) = call(&site, "POST", "/v1/discover", &key, Some(json!({ "url": format!("{web}/page") }))).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(
            found,
            json!([
                { "url": format!("{web}/feed.xml"), "title": "Harbor news", "type": "rss" },
                { "url": format!("{web}/atom.xml"), "title": format!("{web}/atom.xml"), "type": "atom" },
            ])
        );
        let (status, found) = call(&site, "POST", "/v1/discover", &key, Some(json!({ "url": format!("{web}/feed.xml") }))).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(
            found,
            json!([{ "url": format!("{web}/feed.xml"), "title": "Harbor Gazette", "type": "rss" }])
        );
        let (status, _) = call(&site, "POST", "/v1/discover", &key, Some(json!({ "url": format!("{web}/plain") }))).await;
        assert_eq!(status, 404, "a page without feeds");
        let (status, _) = call(&site, "POST", "/v1/discover", &key, Some(json!({ "url": "ftp://example.com/" }))).await;
        assert_eq!(status, 400);
        let (status, _) = call(&site, "POST", "/v1/discover", &key, Some(json!({ "address": "x" }))).await;
        assert_eq!(status, 400, "no url");

        // A site that does not fetch private addresses (the default) does not ask the
        // loopback page at all.
        let asked = hits.load(Ordering::SeqCst);
        assert!(asked >= 3, "the fixture was asked: {asked}");
        let guarded = support::site(config()).await;
        let (_browser, guarded_key) = guarded.account_with_key("bob").await;
        let (status, answer) = call(
            &guarded,
            "POST",
            "/v1/discover",
            &guarded_key,
            Some(json!({ "url": format!("{web}/page") })),
        )
        .await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["error_message"].as_str().expect("message").contains("private"),
            "{answer}"
        );
        assert_eq!(hits.load(Ordering::SeqCst), asked, "no request reached the loopback site");
    })
    .await;
}

#[tokio::test]
async fn discovery_fetches_with_the_instances_settings_and_a_limit_per_account() {
    each_backend(|store| async move {
        let (web, _, agents) = fixture_web().await;
        let agent = "HarbourBot/2 (the instance's own user agent)";
        let mut people = config();
        people.limits.discoveries_per_minute_per_account = 2;
        let site = site_on(store, people, |state| {
            state.fetch_with(loopback_fetcher(|fetch| fetch.user_agent = agent.into()))
        })
        .await;
        let (_ana_browser, ana) = site.account_with_key("ana").await;
        let (_bob_browser, bob) = site.account_with_key("bob").await;
        let page = json!({ "url": format!("{web}/page") });
        for _ in 0..2 {
            let (status, found) =
                call(&site, "POST", "/v1/discover", &ana, Some(page.clone())).await;
            assert_eq!(status, 200, "{found}");
        }
        let seen = agents.lock().expect("agents").clone();
        assert!(!seen.is_empty());
        assert!(
            seen.iter().all(|a| a == agent),
            "the instance's user agent: {seen:?}"
        );

        // A third discovery within the minute waits; another account does not.
        let (status, answer) = call(&site, "POST", "/v1/discover", &ana, Some(page.clone())).await;
        assert_eq!(status, 429, "{answer}");
        let (status, found) = call(&site, "POST", "/v1/discover", &bob, Some(page.clone())).await;
        assert_eq!(status, 200, "{found}");
        site.clock.advance(Duration::from_secs(60));
        let (status, found) = call(&site, "POST", "/v1/discover", &ana, Some(page)).await;
        assert_eq!(status, 200, "a minute later: {found}");
    })
    .await;
}

#[tokio::test]
async fn refreshes_are_spaced_by_the_instances_setting() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |state| {
            state.refresh_spacing = Duration::from_secs(20 * 60)
        })
        .await;
        let now = chrono::Utc::now().timestamp();
        let (_browser, key) = site.account_with_key("ana").await;
        subscribe(&site, &key, "https://outlet.example/feed").await;
        fetched(&site, site.outlet, now - 60, now + 3_600).await;
        let (status, _) = call(&site, "PUT", "/v1/feeds/refresh", &key, None).await;
        assert_eq!(status, 204);
        assert_eq!(
            next_fetch(&site, site.outlet).await,
            now - 60 + 20 * 60,
            "twenty minutes after its fetch"
        );
    })
    .await;
}
