//! Articles become stories, on every backend: three outlets covering two events make exactly
//! two stories, an agency copy is marked as a copy of its original, and a restarted assigner
//! continues where the last one stopped.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};
use support::{add, loopback_fetcher};
use tidings_pipeline::{
    Pipeline, PipelineSettings, assign_stories, fetch_article, fetch_source, understand_story,
};
use tidings_store::Store;
use tidings_store::testing::each_backend;
use tidings_testkit::news::{OUTLETS, serve_two_events};
use tidings_testkit::{FixtureWeb, Reply};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn pipeline(store: Store) -> Pipeline {
    Pipeline::new(
        store,
        loopback_fetcher(),
        PipelineSettings {
            fetch_pages: false,
            // The understanding jobs are counted here; icon jobs have their own test.
            fetch_icons: false,
            ..PipelineSettings::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_outlets_covering_two_events_make_two_stories() {
    let web = FixtureWeb::start().await;
    serve_two_events(&web, now());
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        for outlet in OUTLETS {
            let id = add(&store, web.url(outlet.feed), outlet.name).await;
            fetch_source::run(&pipeline, id).await.expect("fetch");
        }
        assert_eq!(store.articles().count().await.expect("count"), 5);

        let mut assigner = assign_stories::rebuild(&pipeline).await.expect("rebuild");
        let placed = assign_stories::assign_pending(&pipeline, &mut assigner)
            .await
            .expect("assign");
        assert_eq!(placed, 5);
        assert_eq!(store.stories().count().await.expect("stories"), 2);

        let stories = store.stories().recent(0, 10).await.expect("recent");
        let flood = stories
            .iter()
            .find(|s| s.title.contains("Saint-Aurel"))
            .expect("the flood story");
        assert_eq!(flood.article_count, 3);
        assert_eq!(flood.source_count, 3);
        assert_eq!(
            flood.title, "Saint-Aurel under water after Varenne dam breach",
            "the newest original report leads (the agency copy after it is no original)"
        );
        let members = store.stories().articles(flood.id).await.expect("members");
        let copy = members
            .iter()
            .find(|m| m.source_name == "Metro Wire")
            .expect("the agency copy");
        let original = members
            .iter()
            .find(|m| m.source_name == "Harbour Post")
            .expect("the original");
        assert_eq!(copy.article.duplicate_of, Some(original.article.id));
        let ledger = members
            .iter()
            .find(|m| m.source_name == "Daily Ledger")
            .expect("the other report");
        assert_eq!(
            ledger.article.duplicate_of, None,
            "a report of its own is not a copy"
        );
        let rates = stories.iter().find(|s| s.id != flood.id).expect("rates");
        assert_eq!((rates.article_count, rates.source_count), (2, 2));

        // Each changed story has a job to understand it; the job stores summary and entities.
        assert_eq!(store.jobs().counts().await.expect("jobs").queued, 2);
        understand_story::run(&pipeline, flood.id)
            .await
            .expect("understand");
        let insight = store
            .insights()
            .get(flood.id)
            .await
            .expect("insight")
            .expect("stored");
        assert_eq!(insight.version, 3);
        let insight: tidings_insight::StoryInsight =
            serde_json::from_str(&insight.json).expect("json");
        assert!(insight.summary.long_text().contains("Saint-Aurel"));
        assert!(
            insight
                .summary
                .long
                .iter()
                .all(|s| s.citation.article_id != copy.article.id.to_string()),
            "a copy's text is not cited twice"
        );
        let entities = store
            .insights()
            .entities_of(flood.id)
            .await
            .expect("entities");
        assert!(
            entities
                .iter()
                .any(|e| e.name == "Claire Vautrin" && e.kind == "person"),
            "{entities:?}"
        );
        let slug = &entities
            .iter()
            .find(|e| e.name == "Claire Vautrin")
            .expect("x")
            .slug;
        let about = store
            .insights()
            .stories_of(slug, 10, 0)
            .await
            .expect("stories");
        assert_eq!(
            about.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![flood.id]
        );

        // A restart: the rebuilt assigner puts a follow-up in the story it belongs to.
        let mut restarted = assign_stories::rebuild(&pipeline).await.expect("rebuild");
        web.set(
            "/late/feed.xml",
            Reply::feed(format!(
                "<rss version=\"2.0\"><channel><title>Late Courier</title><item>\
                 <title>Saint-Aurel counts the cost of the Varenne dam breach</title>\
                 <link>{}</link><description>Prefect Claire Vautrin said on Wednesday that \
                 the two people missing since the Varenne dam gave way above Saint-Aurel had \
                 been found alive, as the 1,200 residents evacuated from the flooded lower \
                 town began to return and engineers inspected the damaged spillway and the \
                 closed bridge.</description></item></channel></rss>",
                web.url("/late/flood")
            )),
        );
        let late = add(&store, web.url("/late/feed.xml"), "Late Courier").await;
        fetch_source::run(&pipeline, late).await.expect("fetch");
        assign_stories::assign_pending(&pipeline, &mut restarted)
            .await
            .expect("assign");
        assert_eq!(store.stories().count().await.expect("stories"), 2);
        let flood = store
            .stories()
            .get(flood.id)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!((flood.article_count, flood.source_count), (4, 4));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_naming_another_article_as_canonical_is_that_article() {
    let web = FixtureWeb::start().await;
    let page = |canonical: &str| {
        format!(
            "<!doctype html><html lang=\"en\"><head><title>Bridge</title>\
             <link rel=\"canonical\" href=\"{canonical}\"></head><body><article><h1>Bridge \
             reopens</h1>{}</article></body></html>",
            "<p>The harbour bridge reopened to traffic on Monday after two years of repairs \
             that cost the city far more than planned, officials said.</p>"
                .repeat(6)
        )
    };
    let canonical = web.url("/news/bridge");
    web.set("/news/bridge", Reply::html(page(&canonical)));
    web.set("/amp/news/bridge", Reply::html(page(&canonical)));
    let feed = |path: &str| {
        format!(
            "<rss version=\"2.0\"><channel><title>Harbour Post</title><item><title>Bridge \
             reopens</title><link>{}</link><description>Bridge open again…</description>\
             </item></channel></rss>",
            web.url(path)
        )
    };
    web.set("/feed.xml", Reply::feed(feed("/news/bridge")));
    web.set(
        "/amp.xml",
        Reply::feed(feed("/amp/news/bridge?utm_source=rss")),
    );
    let web = &web;
    each_backend(|store| async move {
        let pipeline = Pipeline::new(
            store.clone(),
            loopback_fetcher(),
            PipelineSettings::default(),
        );
        for path in ["/feed.xml", "/amp.xml"] {
            let id = add(&store, web.url(path), path).await;
            fetch_source::run(&pipeline, id).await.expect("fetch");
        }
        let listings = store.articles().latest(10, 0).await.expect("latest");
        assert_eq!(
            listings.len(),
            2,
            "two URLs, not yet known to be one article"
        );
        let amp = listings
            .iter()
            .find(|l| l.article.content.url.contains("/amp/"))
            .expect("the AMP one");
        let main = listings
            .iter()
            .find(|l| !l.article.content.url.contains("/amp/"))
            .expect("the main one");
        let report = fetch_article::run(&pipeline, amp.article.id)
            .await
            .expect("page");
        assert_eq!(report.same_as, Some(main.article.id));
        assert_eq!(store.articles().count().await.expect("count"), 1);
        let again = store
            .sources()
            .list()
            .await
            .expect("sources")
            .into_iter()
            .find(|s| s.url.ends_with("/amp.xml"))
            .expect("source");
        web.ignore_validators(true);
        fetch_source::run(&pipeline, again.id).await.expect("fetch");
        assert_eq!(
            store.articles().count().await.expect("count"),
            1,
            "the AMP URL does not bring the article back"
        );
    })
    .await;
}

/// Waits until every article is placed (or fails after `secs`).
async fn all_placed(store: &Store, articles: i64, secs: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let count = store.articles().count().await.expect("count");
        let waiting = store
            .stories()
            .unplaced("fetch_article:", 1)
            .await
            .expect("unplaced");
        if count == articles && waiting.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{count} of {articles} articles stored, some unplaced"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_one_process_places_stories_and_another_takes_over_when_it_stops() {
    let web = FixtureWeb::start().await;
    serve_two_events(&web, now());
    let web = &web;
    each_backend(|store| async move {
        // Several processes share a database only on PostgreSQL; the embedded SQLite
        // database belongs to one process, which always leads.
        if store.backend() != tidings_store::Backend::Postgres {
            return;
        }
        let settings = PipelineSettings {
            fetch_pages: false,
            tick: std::time::Duration::from_millis(100),
            idle_wait: std::time::Duration::from_millis(50),
            ..PipelineSettings::default()
        };
        let start = |store: Store| {
            let pipeline = Pipeline::new(store, loopback_fetcher(), settings.clone());
            let stop = tokio_util::sync::CancellationToken::new();
            let running = tokio::spawn({
                let stop = stop.clone();
                async move { pipeline.run(stop).await }
            });
            (stop, running)
        };
        for outlet in OUTLETS {
            add(&store, web.url(outlet.feed), outlet.name).await;
        }
        let (stop_first, first) = start(store.clone());
        all_placed(&store, 5, 60).await;
        let (stop_second, second) = start(store.clone());
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(store.stories().count().await.expect("stories"), 2);

        // The first process stops; the second takes over and places what arrives next.
        stop_first.cancel();
        first.await.expect("join").expect("run");
        web.set(
            "/late/feed.xml",
            Reply::feed(format!(
                "<rss version=\"2.0\"><channel><title>Late Courier</title><language>en</language>\
                 <item><title>Saint-Aurel counts the cost of the Varenne dam breach</title>\
                 <link>{}</link><description>Prefect Claire Vautrin said on Wednesday that \
                 the two people missing since the Varenne dam gave way above Saint-Aurel had \
                 been found alive, as the 1,200 residents evacuated from the flooded lower \
                 town began to return and engineers inspected the damaged spillway and the \
                 closed bridge.</description></item></channel></rss>",
                web.url("/late/flood")
            )),
        );
        add(&store, web.url("/late/feed.xml"), "Late Courier").await;
        all_placed(&store, 6, 60).await;
        assert_eq!(
            store.stories().count().await.expect("stories"),
            2,
            "no story twice"
        );
        let flood = store
            .stories()
            .recent(0, 10)
            .await
            .expect("recent")
            .into_iter()
            .find(|s| s.title.contains("Saint-Aurel"))
            .expect("the flood story");
        assert_eq!(flood.article_count, 4, "the late report joined its story");
        stop_second.cancel();
        second.await.expect("join").expect("run");
    })
    .await;
}
