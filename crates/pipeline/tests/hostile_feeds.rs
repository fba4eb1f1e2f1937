//! Hostile feeds on a loopback web, on every backend (security audit S4, S7): a "billion
//! laughs" feed fails its own source with the expansion error while another source is read in
//! the same run, and a flood feed becomes only its newest articles.

mod support;

use std::time::Duration;
use support::{add, loopback_fetcher};
use tidings_pipeline::{Pipeline, PipelineSettings, fetch_source, scheduler};
use tidings_store::Store;
use tidings_store::testing::each_backend;
use tidings_testkit::{FixtureWeb, Reply};
use tokio_util::sync::CancellationToken;

/// A feed whose titles use `lol{levels}`, each level ten references to the one below. Six
/// levels would be 3 MB per use without limits (nine, the audit's file, 3 GB): six keep this
/// test's process safe should the limits ever go.
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

/// An RSS feed of `items` items (at most a day's seconds), item `i` published at second
/// `(i * 7919) % items` of a day: the newest are spread through the document.
fn flood(items: usize) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Flood</title>");
    for i in 0..items {
        let second = (i * 7919) % items;
        xml.push_str(&format!(
            "<item><title>Item {i}</title><link>https://flood.example/{i}</link>\
             <pubDate>Mon, 02 Nov 2026 {:02}:{:02}:{:02} +0000</pubDate></item>",
            second / 3600,
            (second / 60) % 60,
            second % 60
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

fn pipeline(store: Store, max_entries_per_feed: usize) -> Pipeline {
    let settings = PipelineSettings {
        workers: 2,
        tick: Duration::from_millis(100),
        idle_wait: Duration::from_millis(50),
        fetch_pages: false,
        // The test waits for the queue to drain; icon jobs wait a minute.
        fetch_icons: false,
        max_entries_per_feed,
        ..PipelineSettings::default()
    };
    Pipeline::new(store, loopback_fetcher(), settings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laughs_feed_fails_its_source_while_another_is_read_in_the_same_run() {
    let web = FixtureWeb::start().await;
    web.set("/laughs.xml", Reply::feed(laughs(6)));
    web.set("/good.xml", Reply::feed(flood(3)));
    let web = &web;
    each_backend(|store| async move {
        let laughs = add(&store, web.url("/laughs.xml"), "Laughs").await;
        let good = add(&store, web.url("/good.xml"), "Good").await;
        let pipeline = pipeline(store.clone(), 500);
        assert_eq!(scheduler::tick(&pipeline).await.expect("tick"), 2);

        let shutdown = CancellationToken::new();
        let running = tokio::spawn({
            let pipeline = pipeline.clone();
            let shutdown = shutdown.clone();
            async move { pipeline.run(shutdown).await }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let counts = store.jobs().counts().await.expect("counts");
            if counts.queued == 0 && counts.running == 0 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "jobs left: {counts:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        shutdown.cancel();
        running.await.expect("join").expect("run");

        let source = |id| {
            let store = store.clone();
            async move { store.sources().get(id).await.expect("get").expect("exists") }
        };
        let failed = source(laughs).await;
        assert_eq!(failed.fetch.status(), "error");
        assert_eq!(
            failed.fetch.last_error.as_deref(),
            Some(
                "not a valid feed: entity expansion exceeded the limit: &lol4; expands to \
                 more than 8192 bytes"
            )
        );
        assert_eq!(
            store.articles().count_by_source(laughs).await.expect("n"),
            0
        );
        assert_eq!(source(good).await.fetch.status(), "ok");
        assert_eq!(store.articles().count_by_source(good).await.expect("n"), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_feed_becomes_only_its_newest_articles() {
    let web = FixtureWeb::start().await;
    web.set("/flood.xml", Reply::feed(flood(2_000)));
    let web = &web;
    each_backend(|store| async move {
        let flood = add(&store, web.url("/flood.xml"), "Flood").await;
        let report = fetch_source::run(&pipeline(store.clone(), 100), flood)
            .await
            .expect("fetch");
        assert_eq!(report.error, None);
        assert_eq!(
            (
                report.entries,
                report.new_articles,
                report.left_out_over_max
            ),
            (100, 100, 1_900)
        );
        let stored = store
            .articles()
            .by_source(flood, 1_000)
            .await
            .expect("articles");
        assert_eq!(stored.len(), 100);
        for listing in &stored {
            let url = &listing.article.content.url;
            let i: usize = url
                .rsplit('/')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{url}"));
            assert!((i * 7919) % 2_000 >= 1_900, "{url} is not among the newest");
        }
    })
    .await;
}
