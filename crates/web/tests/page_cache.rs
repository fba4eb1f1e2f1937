//! The page cache in front of the real router: a second request comes from memory, a
//! signed-in reader's never does, a store write (on any backend) or old age drops pages
//! (their last rendering is answered, marked stale, while one request renders the new one),
//! `ETag`s answer `304`, one rendering serves concurrent misses, and compressed copies are
//! the page.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{NewSource, Placement, Store, StoredInsight};
use tidings_web::page_cache::{self, CACHE_STATUS_HEADER, SESSION_COOKIE};
use tidings_web::{AppState, PageCache, PageCacheConfig};
use tokio::sync::Semaphore;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn source(store: &Store, name: &str) -> SourceId {
    let new = NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.to_string(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}

/// Stores an article and places it in a new story; returns both. Two writes, each of which
/// moves the site revision.
async fn story_with(store: &Store, source: SourceId, title: &str) -> (ArticleId, StoryId) {
    let id = article_with(store, source, title).await;
    (id, in_new_story(store, id, title).await)
}

/// Stores an article (not yet in a story); returns its id.
async fn article_with(store: &Store, source: SourceId, title: &str) -> ArticleId {
    let article = NewArticle {
        url: format!("https://news.example/{}", title.replace(' ', "-")),
        title: title.to_string(),
        published_at: Some(now() - 600),
        fetched_at: now() - 540,
        language: Some("en".into()),
        body_text: format!("{title}. The council met on Tuesday."),
        body_html: format!("<p>{title}. The council met on Tuesday.</p>"),
        ..NewArticle::default()
    };
    store
        .articles()
        .insert_new(source, &[article])
        .await
        .expect("insert");
    store.articles().latest(1, 0).await.expect("latest")[0]
        .article
        .id
}

/// Places an article in a new story, in one write; returns the story.
async fn in_new_story(store: &Store, id: ArticleId, title: &str) -> StoryId {
    let mut batch = store.stories().begin().await.expect("begin");
    let story = batch
        .create_story(title, Some("en"), now())
        .await
        .expect("story");
    batch
        .place(&Placement {
            article: id,
            story,
            duplicate_of: None,
            related: Vec::new(),
        })
        .await
        .expect("place");
    batch.commit(now()).await.expect("commit");
    story
}

/// Serves `app` on a free loopback port; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The site over `store` with `cache`; returns its base URL.
async fn site(store: &Store, cache: &PageCache) -> String {
    let mut state = AppState::new(store.clone());
    state.page_cache = cache.clone();
    serve(tidings_web::router(state)).await
}

/// A client that neither decompresses nor asks for compression unless told.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .build()
        .expect("client")
}

fn cache_status(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get(CACHE_STATUS_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// GETs `url`; returns the cache status and the body.
async fn get(url: &str) -> (Option<String>, String) {
    let resp = client().get(url).send().await.expect("GET");
    assert_eq!(resp.status(), StatusCode::OK, "{url}");
    let status = cache_status(&resp);
    (status, resp.text().await.expect("body"))
}

#[tokio::test]
async fn a_second_request_comes_from_memory_and_a_signed_in_reader_never_does() {
    each_backend(|store| async move {
        let dw = source(&store, "dw").await;
        let (article, _) = story_with(&store, dw, "Harbour plan approved").await;
        let cache = PageCache::default();
        let base = site(&store, &cache).await;
        let page = store
            .articles()
            .get(article)
            .await
            .expect("get")
            .expect("article");
        let article_url = format!(
            "{base}/article/{article}/{}",
            tidings_web::slugify(&page.article.content.title)
        );

        for url in [format!("{base}/"), article_url.clone()] {
            let (first, body) = get(&url).await;
            assert_eq!(first.as_deref(), Some("miss"), "{url}");
            assert!(body.contains("Harbour plan approved"), "{url}");
            let (second, again) = get(&url).await;
            assert_eq!(second.as_deref(), Some("hit"), "{url}");
            assert_eq!(again, body);
        }
        // The query's order does not make another page.
        assert_eq!(
            get(&format!("{base}/?page=1&x=2")).await.0.as_deref(),
            Some("miss")
        );
        assert_eq!(
            get(&format!("{base}/?x=2&page=1")).await.0.as_deref(),
            Some("hit")
        );
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (3, 3));

        // A session cookie bypasses the cache both ways: nothing served, nothing counted.
        let resp = client()
            .get(&article_url)
            .header(header::COOKIE, format!("theme=dark; {SESSION_COOKIE}=abc"))
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(cache_status(&resp), None);
        assert_eq!(cache.stats(), stats);

        // Pages that are not the same for everyone are not cached at all.
        let sources = client()
            .get(format!("{base}/sources"))
            .send()
            .await
            .expect("GET");
        assert_eq!(cache_status(&sources), None);
        // Nor are errors.
        for _ in 0..2 {
            let missing = client()
                .get(format!("{base}/story/999999"))
                .send()
                .await
                .expect("GET");
            assert_eq!(missing.status(), StatusCode::NOT_FOUND);
            assert_eq!(cache_status(&missing), None);
        }
        assert_eq!(cache.size().await.0, 3, "front, article, front?page=1");
    })
    .await;
}

/// Without a configured base URL a page's absolute links (`og:url`, JSON-LD) come from the
/// request's `Host`; a request with a forged `Host` must not leave its page for others.
#[tokio::test]
async fn a_forged_host_does_not_poison_the_page_for_others() {
    each_backend(|store| async move {
        let dw = source(&store, "dw").await;
        let (article, _) = story_with(&store, dw, "Harbour plan approved").await;
        let cache = PageCache::default();
        let base = site(&store, &cache).await;
        let url = format!("{base}/article/{article}/harbour-plan-approved");
        let forged = client()
            .get(&url)
            .header(header::HOST, "evil.example")
            .send()
            .await
            .expect("GET");
        assert_eq!(forged.status(), StatusCode::OK);
        let forged = forged.text().await.expect("body");
        assert!(forged.contains("http://evil.example/article/"), "{forged}");
        for _ in 0..2 {
            let (_, body) = get(&url).await;
            assert!(!body.contains("evil.example"), "poisoned: {body}");
            assert!(body.contains(&format!("{base}/article/")), "{body}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_new_story_or_a_saved_insight_drops_the_pages_within_a_poll() {
    each_backend(|store| async move {
        let dw = source(&store, "dw").await;
        let (_, story) = story_with(&store, dw, "Harbour plan approved").await;
        let cache = PageCache::default();
        let watcher = cache.watch(store.clone(), Duration::from_millis(50));
        let base = site(&store, &cache).await;
        let front = format!("{base}/");
        let story_url = format!("{base}/story/{story}");
        // Let the watcher read the revision once, then fill the cache.
        tokio::time::sleep(Duration::from_millis(150)).await;
        get(&front).await;
        get(&story_url).await;
        assert_eq!(get(&front).await.0.as_deref(), Some("hit"));

        // Another writer (the store, not the web process) stores an article, then places it
        // in a new story. The two writes each move the revision; wait until the first one's
        // page is kept, so that only the placement is left to see.
        let ferry = article_with(&store, dw, "Ferry strike called off").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        until_fresh(&front).await;
        let ferry_story = in_new_story(&store, ferry, "Ferry strike called off").await;
        let ferry_link = format!("href=\"/story/{ferry_story}\"");
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut stale = 0;
        loop {
            let (status, body) = get(&front).await;
            if body.contains(&ferry_link) {
                assert_eq!(
                    status.as_deref(),
                    Some("hit"),
                    "the new page was rendered in the background"
                );
                break;
            }
            match status.as_deref() {
                Some("stale") => stale += 1,
                other => assert_eq!(other, Some("hit"), "old pages come from memory"),
            }
            assert!(
                Instant::now() < deadline,
                "the front page never showed the new story"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            stale >= 1,
            "the first request after the change got the old page"
        );

        // A saved insight drops the story page too. (It was kept before the changes above,
        // so its first request now answers the last rendering and renders it again.)
        assert_eq!(get(&story_url).await.0.as_deref(), Some("stale"));
        until_fresh(&story_url).await;
        let invalidations = cache.stats().invalidations;
        let insight = StoredInsight {
            version: 1,
            computed_at: now(),
            json: serde_json::to_string(&tidings_insight::StoryInsight::default()).expect("json"),
        };
        store
            .insights()
            .save(story, &insight, &[])
            .await
            .expect("save");
        let deadline = Instant::now() + Duration::from_secs(5);
        while cache.stats().invalidations == invalidations {
            assert!(
                Instant::now() < deadline,
                "the insight never invalidated the cache"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(get(&story_url).await.0.as_deref(), Some("stale"));
        until_fresh(&story_url).await;
        watcher.abort();
    })
    .await;
}

#[tokio::test]
async fn old_pages_expire_and_etags_answer_304() {
    each_backend(|store| async move {
        let dw = source(&store, "dw").await;
        story_with(&store, dw, "Harbour plan approved").await;
        // Long enough for the requests below to come while the page is fresh, on a busy
        // machine too.
        let max_age = Duration::from_secs(2);
        let cache = PageCache::new(PageCacheConfig {
            max_age,
            ..PageCacheConfig::default()
        });
        let base = site(&store, &cache).await;
        let front = format!("{base}/");

        let resp = client().get(&front).send().await.expect("GET");
        assert_eq!(cache_status(&resp).as_deref(), Some("miss"));
        let etag = resp
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .expect("an ETag")
            .to_string();
        assert!(etag.starts_with("W/\""), "{etag}");
        let not_modified = client()
            .get(&front)
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            not_modified
                .headers()
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok()),
            Some(etag.as_str())
        );
        assert!(not_modified.text().await.expect("body").is_empty());
        let other = client()
            .get(&front)
            .header(header::IF_NONE_MATCH, "W/\"something-else\"")
            .send()
            .await
            .expect("GET");
        assert_eq!(other.status(), StatusCode::OK);

        assert_eq!(get(&front).await.0.as_deref(), Some("hit"));
        tokio::time::sleep(max_age + Duration::from_millis(200)).await;
        assert_eq!(get(&front).await.0.as_deref(), Some("stale"), "expired");
        until_fresh(&front).await;
    })
    .await;
}

/// Polls `url` until it is answered fresh from memory; fails after five seconds.
async fn until_fresh(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, _) = get(url).await;
        match status.as_deref() {
            Some("hit") => return,
            Some("stale") => {}
            other => panic!("{url} answered {other:?} while its new rendering was on its way"),
        }
        assert!(Instant::now() < deadline, "{url} was never rendered again");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn compressed_copies_are_the_page() {
    each_backend(|store| async move {
        let dw = source(&store, "dw").await;
        story_with(&store, dw, "Harbour plan approved").await;
        let cache = PageCache::default();
        let base = site(&store, &cache).await;
        let front = format!("{base}/");
        let (_, plain) = get(&front).await;
        let br = client()
            .get(&front)
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
            .send()
            .await
            .expect("GET");
        assert_eq!(
            br.headers()
                .get(header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
            Some("br")
        );
        let vary = br
            .headers()
            .get_all(header::VARY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        assert!(vary.contains("Accept-Encoding"), "{vary}");
        let bytes = br.bytes().await.expect("body");
        assert!(
            bytes.len() < plain.len() / 2,
            "{} of {}",
            bytes.len(),
            plain.len()
        );
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut back).expect("brotli");
        assert_eq!(String::from_utf8(back).expect("utf-8"), plain);

        let gz = client()
            .get(&front)
            .header(header::ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .expect("GET");
        assert_eq!(
            gz.headers()
                .get(header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
            Some("gzip")
        );
        // A client that decompresses gzip itself reads the same page.
        let auto = reqwest::Client::builder()
            .no_brotli()
            .build()
            .expect("client")
            .get(&front)
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert_eq!(auto, plain);
    })
    .await;
}

#[tokio::test]
async fn concurrent_misses_render_once_and_only_plain_html_pages_are_kept() {
    let renders = Arc::new(AtomicUsize::new(0));
    let cache = PageCache::default();
    let counted = renders.clone();
    let app = Router::new()
        .route(
            "/slow",
            routing::get(move || {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    axum::response::Html("<p>slow page</p>")
                }
            }),
        )
        .route(
            "/cookie",
            routing::get(|| async {
                (
                    [(header::SET_COOKIE, "a=b")],
                    axum::response::Html("<p>with a cookie</p>"),
                )
            }),
        )
        .route(
            "/json",
            routing::get(|| async { axum::Json(vec![1, 2, 3]) }),
        )
        .route_layer(middleware::from_fn_with_state(
            cache.clone(),
            page_cache::serve_cached,
        ));
    let base = serve(app).await;

    let requests: Vec<_> = (0..16)
        .map(|_| {
            let url = format!("{base}/slow");
            tokio::spawn(async move { get(&url).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for r in requests {
        let (status, body) = r.await.expect("request task");
        assert_eq!(body, "<p>slow page</p>");
        statuses.push(status.unwrap_or_default());
    }
    assert_eq!(
        renders.load(Ordering::SeqCst),
        1,
        "one rendering for 16 requests"
    );
    assert_eq!(statuses.iter().filter(|s| *s == "miss").count(), 1);

    for path in ["/cookie", "/json"] {
        for _ in 0..2 {
            let resp = client()
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("GET");
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(cache_status(&resp), None, "{path} is never kept");
        }
    }
    assert_eq!(cache.size().await.0, 1);
}

/// Pages answered from memory before routing still count in the request metrics, under the
/// route they were rendered for.
#[tokio::test]
async fn hits_answered_before_routing_are_counted_under_their_route() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = Store::open(&url, tidings_store::StoreOptions::default())
        .await
        .expect("store");
    let outlet = source(&store, "metered").await;
    let (_, story) = story_with(&store, outlet, "Metered story").await;
    let cache = PageCache::new(PageCacheConfig::default());
    let base = site(&store, &cache).await;
    let path = format!("{base}/story/{story}");
    assert_eq!(get(&path).await.0.as_deref(), Some("miss"));
    let labels = [
        ("route", "/story/{id}"),
        ("method", "GET"),
        ("status", "200"),
    ];
    let counted = || {
        tidings_metrics::global()
            .counter("tidings_http_requests_total", &labels)
            .unwrap_or(0)
    };
    let before = counted();
    let hits_before = cache.stats().hits;
    for _ in 0..60 {
        assert_eq!(get(&path).await.0.as_deref(), Some("hit"));
    }
    assert_eq!(cache.stats().hits - hits_before, 60);
    // Other tests of this binary request story pages too, but far fewer than 60.
    assert!(counted() - before >= 60, "{} counted", counted() - before);
}

/// A site of one page, `/page`, behind its own cache: each rendering takes a permit of
/// `gate` (waiting for one), then answers `<p>version N</p>`, N counting its renderings, or a
/// `404` once `gone` is set.
struct OnePage {
    cache: PageCache,
    gate: Arc<Semaphore>,
    renders: Arc<AtomicUsize>,
    gone: Arc<std::sync::atomic::AtomicBool>,
    url: String,
}

impl OnePage {
    /// Serves the page with a cache made from `config`; `permits` renderings may finish
    /// before the test adds more.
    async fn start(config: PageCacheConfig, permits: usize) -> OnePage {
        let cache = PageCache::new(config);
        let gate = Arc::new(Semaphore::new(permits));
        let renders = Arc::new(AtomicUsize::new(0));
        let gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (g, r, d) = (gate.clone(), renders.clone(), gone.clone());
        let app = Router::new()
            .route(
                "/page",
                routing::get(move || {
                    let (gate, renders, gone) = (g.clone(), r.clone(), d.clone());
                    async move {
                        let n = renders.fetch_add(1, Ordering::SeqCst) + 1;
                        if let Ok(permit) = gate.acquire().await {
                            permit.forget();
                        }
                        if gone.load(Ordering::SeqCst) {
                            return StatusCode::NOT_FOUND.into_response();
                        }
                        axum::response::Html(format!("<p>version {n}</p>")).into_response()
                    }
                }),
            )
            .route_layer(middleware::from_fn_with_state(
                cache.clone(),
                page_cache::serve_cached,
            ));
        let url = format!("{}/page", serve(app).await);
        OnePage {
            cache,
            gate,
            renders,
            gone,
            url,
        }
    }

    /// Any number of renderings may finish.
    async fn ungated(config: PageCacheConfig) -> OnePage {
        OnePage::start(config, Semaphore::MAX_PERMITS).await
    }

    /// Waits until the page has begun `n` renderings; fails after five seconds.
    async fn until_rendered(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.renders.load(Ordering::SeqCst) < n {
            assert!(
                Instant::now() < deadline,
                "the page was never rendered again"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[tokio::test]
async fn a_changed_page_is_answered_stale_at_once_while_one_request_renders_it_again() {
    // One rendering may finish now; the next only when the test says so.
    let site = OnePage::start(PageCacheConfig::default(), 1).await;
    assert_eq!(
        get(&site.url).await,
        (Some("miss".into()), "<p>version 1</p>".into())
    );

    // A change another process made (seen through the site revision).
    assert!(site.cache.observe_revision(1));
    let requests: Vec<_> = (0..16)
        .map(|_| {
            let url = site.url.clone();
            tokio::spawn(async move { get(&url).await })
        })
        .collect();
    for r in requests {
        // The new rendering cannot finish before the gate opens below: a request that
        // waited for it would never come back.
        let (status, body) = tokio::time::timeout(Duration::from_secs(10), r)
            .await
            .expect("answered without waiting for the rendering")
            .expect("request task");
        assert_eq!(status.as_deref(), Some("stale"));
        assert_eq!(body, "<p>version 1</p>");
    }
    // One new rendering began (in the background, maybe not yet at this instant).
    site.until_rendered(2).await;
    site.gate.add_permits(1);
    until_fresh(&site.url).await;
    assert_eq!(
        get(&site.url).await,
        (Some("hit".into()), "<p>version 2</p>".into())
    );
    assert_eq!(
        site.renders.load(Ordering::SeqCst),
        2,
        "one rendering again for 16 requests"
    );
    let stats = site.cache.stats();
    assert_eq!((stats.stale, stats.misses), (16, 2));
}

#[tokio::test]
async fn a_page_that_is_gone_is_not_answered_stale_again() {
    let site = OnePage::ungated(PageCacheConfig::default()).await;
    assert_eq!(get(&site.url).await.0.as_deref(), Some("miss"));

    site.gone.store(true, Ordering::SeqCst);
    assert!(site.cache.observe_revision(1));
    // The first request still gets the last rendering; its replacement is a 404, which ends
    // that.
    assert_eq!(get(&site.url).await.0.as_deref(), Some("stale"));
    site.until_rendered(2).await;
    // The background task may still be finishing; a 404 ends the stale answers.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let resp = client().get(&site.url).send().await.expect("GET");
        if resp.status() == StatusCode::NOT_FOUND {
            assert_eq!(cache_status(&resp), None);
            break;
        }
        assert_eq!(cache_status(&resp).as_deref(), Some("stale"));
        assert!(
            Instant::now() < deadline,
            "the gone page was answered stale on"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let resp = client().get(&site.url).send().await.expect("GET");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "and stays gone");
}

#[tokio::test]
async fn old_pages_past_the_stale_window_render_before_answering() {
    let site = OnePage::ungated(PageCacheConfig {
        max_age: Duration::from_secs(1),
        serve_stale_for: Duration::ZERO,
        ..PageCacheConfig::default()
    })
    .await;
    assert_eq!(get(&site.url).await.0.as_deref(), Some("miss"));
    assert_eq!(get(&site.url).await.0.as_deref(), Some("hit"));
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    assert_eq!(
        get(&site.url).await,
        (Some("miss".into()), "<p>version 2</p>".into())
    );
}

#[tokio::test]
async fn a_local_change_is_never_answered_stale() {
    let site = OnePage::ungated(PageCacheConfig::default()).await;
    assert_eq!(get(&site.url).await.0.as_deref(), Some("miss"));
    assert_eq!(get(&site.url).await.0.as_deref(), Some("hit"));
    // A comment posted or hidden in this process: the next reader sees the new page.
    site.cache.invalidate_all();
    assert_eq!(
        get(&site.url).await,
        (Some("miss".into()), "<p>version 2</p>".into())
    );
    // The revision poll that sees the same write afterwards may answer the new page stale.
    assert!(site.cache.observe_revision(1));
    assert_eq!(get(&site.url).await.1, "<p>version 2</p>");
}
