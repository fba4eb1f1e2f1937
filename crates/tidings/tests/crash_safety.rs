//! Crash safety: `kill -9` in the middle of ingesting a fixture web of 600 articles, twice, then
//! a clean run — every article is present exactly once and no job is lost.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;
use support::{Server, cli_ok, open_store, wait_until};
use tidings_testkit::{FixtureWeb, Reply};

const FEEDS: usize = 30;
const ITEMS: usize = 20;

fn feed(n: usize) -> String {
    let items: String = (0..ITEMS)
        .map(|i| {
            format!(
                "<item><title>Feed {n} story {i}</title>\
                 <link>https://outlet{n}.example/news/{i}</link>\
                 <pubDate>Wed, 25 Nov 2026 {:02}:{:02}:00 GMT</pubDate>\
                 <description>Report {i} of outlet {n}, with enough words to be an article.</description>\
                 </item>",
                i % 24,
                n % 60
            )
        })
        .collect();
    format!("<rss version=\"2.0\"><channel><title>Outlet {n}</title>{items}</channel></rss>")
}

fn expected_urls() -> BTreeSet<String> {
    (0..FEEDS)
        .flat_map(|n| (0..ITEMS).map(move |i| format!("https://outlet{n}.example/news/{i}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_ingest_loses_and_duplicates_nothing() {
    let web = FixtureWeb::start().await;
    web.set_delay(Duration::from_millis(250));
    let mut opml = String::from("<opml version=\"2.0\"><head><title>t</title></head><body>");
    for n in 0..FEEDS {
        let path = format!("/feed/{n}.xml");
        web.set(&path, Reply::feed(feed(n)));
        opml.push_str(&format!(
            "<outline type=\"rss\" text=\"Outlet {n}\" xmlUrl=\"{}\"/>",
            web.url(&path)
        ));
    }
    opml.push_str("</body></opml>");
    let dir = tempfile::tempdir().expect("tempdir");
    let opml_path = dir.path().join("fixture.opml");
    std::fs::write(&opml_path, opml).expect("write OPML");
    let out = cli_ok(
        dir.path(),
        &["import-opml", opml_path.to_str().expect("path")],
    );
    assert!(
        out.starts_with(&format!("Imported {FEEDS} sources")),
        "{out}"
    );

    let store = open_store(dir.path()).await;
    let total = (FEEDS * ITEMS) as i64;
    for kill_at in [100, 300] {
        let server = Server::start(dir.path(), &["--workers", "2", "--no-article-pages"]).await;
        wait_until("ingest under way", Duration::from_secs(60), || async {
            store.articles().count().await.expect("count") >= kill_at
        })
        .await;
        server.kill();
        let count = store.articles().count().await.expect("count");
        assert!(count < total, "killed before the end ({count} of {total})");
        let jobs = store.jobs().counts().await.expect("jobs");
        assert!(
            jobs.running > 0,
            "the kill interrupted running jobs: {jobs:?}"
        );
    }

    let server = Server::start(dir.path(), &["--workers", "2", "--no-article-pages"]).await;
    wait_until(
        "every article ingested",
        Duration::from_secs(90),
        || async {
            let done = store.articles().count().await.expect("count") >= total;
            let jobs = store.jobs().counts().await.expect("jobs");
            done && jobs.queued == 0 && jobs.running == 0
        },
    )
    .await;
    assert!(server.stop());

    assert_eq!(store.articles().count().await.expect("count"), total);
    assert_eq!(
        store
            .articles()
            .count_distinct_urls()
            .await
            .expect("distinct"),
        total
    );
    let stored: BTreeSet<String> = store
        .articles()
        .latest(total + 10, 0)
        .await
        .expect("list")
        .into_iter()
        .map(|l| l.article.content.url)
        .collect();
    assert_eq!(stored, expected_urls());
    let jobs = store.jobs().counts().await.expect("jobs");
    assert_eq!((jobs.queued, jobs.running, jobs.dead), (0, 0, 0));
    for source in store.sources().list().await.expect("sources") {
        assert_eq!(source.fetch.status(), "ok", "{}", source.url);
    }
    store.close().await;
}
