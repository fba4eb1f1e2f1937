//! Source icons end to end against a loopback web, on every backend: a successful fetch
//! queues the icon job (once, low priority), which finds the icon through the feed and the
//! home page and stores it; an oversized icon, an SVG, an HTML page served as
//! `/favicon.ico` and a 404 each leave no icon, a remembered error, and the feed's articles
//! as they were.

mod support;

use std::time::Duration;
use support::{add, loopback_fetcher};
use tidings_model::SourceId;
use tidings_pipeline::{Pipeline, PipelineSettings, Task, fetch_icon, fetch_source};
use tidings_store::Store;
use tidings_store::testing::each_backend;
use tidings_testkit::{FixtureWeb, Reply};

/// A PNG's signature and a little more: what the magic-number check reads.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x20\0\0\0\x20\x08\x06\0\0\0";

fn feed(web: &FixtureWeb, image: Option<&str>) -> String {
    let image = image
        .map(|url| format!("<image><url>{url}</url><title>T</title><link>/</link></image>"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Icon News</title>\
         <link>{home}</link>{image}\
         <item><title>One</title><link>{one}</link><description>One.</description></item>\
         <item><title>Two</title><link>{two}</link><description>Two.</description></item>\
         </channel></rss>",
        home = web.url("/"),
        one = web.url("/a/1"),
        two = web.url("/a/2"),
    )
}

fn pipeline(store: Store) -> Pipeline {
    let settings = PipelineSettings {
        fetch_pages: false,
        ..PipelineSettings::default()
    };
    Pipeline::new(store, loopback_fetcher(), settings)
}

fn image(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Document {
        content_type: content_type.into(),
        body: body.into(),
    }
}

/// Fetches the source, then runs the icon job it queued: claimed from the queue (it is
/// due a minute out, after the feeds), as a worker would.
async fn fetch_then_icon(pipeline: &Pipeline, store: &Store, id: SourceId) -> bool {
    let report = fetch_source::run(pipeline, id).await.expect("fetch");
    assert_eq!(report.error, None);
    assert_eq!(report.new_articles, 2);
    let now_ms = tidings_time_ms();
    assert!(
        store
            .jobs()
            .claim("test", Duration::from_secs(60), now_ms)
            .await
            .expect("claim")
            .is_none(),
        "the icon job waits behind the feeds"
    );
    let job = store
        .jobs()
        .claim("test", Duration::from_secs(60), now_ms + 120_000)
        .await
        .expect("claim")
        .expect("an icon job was queued");
    let Task::FetchIcon {
        source_id,
        feed_images,
    } = Task::from_job(&job).expect("task")
    else {
        panic!("not an icon job: {}", job.kind);
    };
    assert_eq!(source_id, id);
    let stored = fetch_icon::run(pipeline, source_id, &feed_images)
        .await
        .expect("icon job");
    store.jobs().complete(&job).await.expect("complete");
    stored
}

fn tidings_time_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_icon_is_found_through_the_home_page_and_stored_once() {
    each_backend(|store| async move {
        let web = FixtureWeb::start().await;
        // The feed's own image is gone: the home page's sharp icon is next.
        web.set("/feed.xml", Reply::feed(feed(&web, Some("/gone.png"))));
        web.set(
            "/",
            Reply::html(
                "<html><head><link rel=\"icon\" sizes=\"16x16\" href=\"/i16.png\">\
                 <link rel=\"icon\" sizes=\"32x32\" href=\"static/i32.png\"></head></html>",
            ),
        );
        web.set("/static/i32.png", image("application/octet-stream", PNG));
        web.set("/i16.png", image("image/png", b"GIF89a small".to_vec()));
        let pipeline = pipeline(store.clone());
        let id = add(&store, web.url("/feed.xml"), "Icons").await;

        assert!(fetch_then_icon(&pipeline, &store, id).await);
        let icon = store
            .source_icons()
            .get(id)
            .await
            .expect("get")
            .expect("stored");
        assert_eq!(icon.icon.content_type, "image/png", "decided by the bytes");
        assert_eq!(
            icon.icon,
            fetch_icon::icon_of(PNG).expect("icon"),
            "the 32 px icon's bytes"
        );
        assert_eq!(
            web.received("/i16.png").len(),
            0,
            "the sharper icon came first"
        );

        // The next fetch finds the icon fresh: no job.
        store.sources().make_due(Some(id), 0).await.expect("due");
        web.set(
            "/feed.xml",
            Reply::feed(feed(&web, Some("/gone.png")).replace("Two", "Three")),
        );
        fetch_source::run(&pipeline, id).await.expect("fetch again");
        assert!(
            store
                .jobs()
                .claim("test", Duration::from_secs(60), tidings_time_ms() + 120_000)
                .await
                .expect("claim")
                .is_none(),
            "a fresh icon is not fetched again"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_icon_leaves_none_and_the_articles_alone() {
    let mut oversized = PNG.to_vec();
    oversized.resize(fetch_icon::MAX_ICON_BYTES + 1, 0);
    let cases: Vec<(&str, Reply)> = vec![
        ("oversized", image("image/png", oversized)),
        (
            "svg",
            image(
                "image/svg+xml",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            ),
        ),
        (
            "html",
            Reply::html("<!DOCTYPE html><html><body>Not found, but 200</body></html>"),
        ),
        ("404", Reply::Status(404)),
    ];
    let cases = &cases;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        for (name, reply) in cases {
            let web = FixtureWeb::start().await;
            web.set("/feed.xml", Reply::feed(feed(&web, None)));
            web.set("/", Reply::Status(404));
            web.set("/favicon.ico", reply.clone());
            let id = add(&store, web.url("/feed.xml"), name).await;

            assert!(!fetch_then_icon(&pipeline, &store, id).await, "{name}");
            assert_eq!(
                store.source_icons().get(id).await.expect("get"),
                None,
                "{name}"
            );
            let error = store.source_icons().last_error(id).await.expect("error");
            assert!(
                error.as_deref().is_some_and(|e| e.contains("/favicon.ico")),
                "{name}: {error:?}"
            );
            assert_eq!(web.received("/favicon.ico").len(), 1, "{name}");
            let source = store.sources().get(id).await.expect("get").expect("source");
            assert_eq!(source.fetch.last_error, None, "{name}: the feed is fine");
            assert_eq!(
                store.articles().count_by_source(id).await.expect("count"),
                2,
                "{name}"
            );
            // The failure is remembered: the next full fetch queues no icon job.
            web.ignore_validators(true);
            store.sources().make_due(Some(id), 0).await.expect("due");
            fetch_source::run(&pipeline, id).await.expect("fetch again");
            assert!(
                store
                    .jobs()
                    .claim("test", Duration::from_secs(60), tidings_time_ms() + 120_000)
                    .await
                    .expect("claim")
                    .is_none(),
                "{name}: not retried at every poll"
            );
        }
    })
    .await;
}
