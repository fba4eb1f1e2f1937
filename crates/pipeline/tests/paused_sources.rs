//! Paused sources against a loopback web, on every backend: a running pipeline does not
//! fetch a paused source (even one made due by hand, even from a job queued before the
//! pause), the source keeps its articles meanwhile, and resuming it fetches it at the next
//! tick.

mod support;

use std::time::{Duration, Instant};
use support::{add, loopback_fetcher};
use tidings_model::SourceId;
use tidings_pipeline::{Pipeline, PipelineSettings, Task, fetch_source};
use tidings_store::Store;
use tidings_store::testing::each_backend;
use tidings_testkit::{FixtureWeb, Reply};
use tokio_util::sync::CancellationToken;

fn rss(items: usize, prefix: &str) -> String {
    let items: String = (0..items)
        .map(|i| {
            format!(
                "<item><title>{prefix} story {i}</title><link>https://news.example/{prefix}/{i}</link>\
                 <pubDate>Tue, 24 Nov 2026 0{i}:00:00 GMT</pubDate>\
                 <description>&lt;p&gt;Body of {prefix} {i}.&lt;/p&gt;</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{prefix}</title>{items}</channel></rss>"
    )
}

fn pipeline(store: Store) -> Pipeline {
    let settings = PipelineSettings {
        workers: 2,
        tick: Duration::from_millis(100),
        idle_wait: Duration::from_millis(50),
        fetch_pages: false,
        // The tests wait for the queue to drain; icon jobs wait a minute.
        fetch_icons: false,
        ..PipelineSettings::default()
    };
    Pipeline::new(store, loopback_fetcher(), settings)
}

/// Waits up to 20 s for `source` to hold `n` articles.
async fn wait_for_articles(store: &Store, source: SourceId, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let have = store.articles().count_by_source(source).await.expect("n");
        if have >= n {
            return;
        }
        assert!(Instant::now() < deadline, "source {source}: {have} of {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_pipeline_skips_a_paused_source_until_it_is_resumed() {
    each_backend(|store| async move {
        // A web of its own for each backend: the counts of requests are this run's.
        let web = FixtureWeb::start().await;
        web.set("/paused.xml", Reply::feed(rss(2, "paused")));
        web.set("/live.xml", Reply::feed(rss(2, "live")));
        let pipeline = pipeline(store.clone());
        let paused = add(&store, web.url("/paused.xml"), "Paused").await;
        let report = fetch_source::run(&pipeline, paused).await.expect("fetch");
        assert_eq!(report.new_articles, 2);
        let first_fetches = web.received("/paused.xml").len();

        store
            .sources()
            .pause(&[paused], None, 1)
            .await
            .expect("pause");
        // New entries, and due by hand: neither makes a paused source fetched.
        web.set("/paused.xml", Reply::feed(rss(4, "paused")));
        store
            .sources()
            .make_due(Some(paused), 0)
            .await
            .expect("due");
        let live = add(&store, web.url("/live.xml"), "Live").await;

        let shutdown = CancellationToken::new();
        let running = tokio::spawn({
            let pipeline = pipeline.clone();
            let shutdown = shutdown.clone();
            async move { pipeline.run(shutdown).await }
        });
        wait_for_articles(&store, live, 2).await;
        // Several more ticks go by.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(
            web.received("/paused.xml").len(),
            first_fetches,
            "a paused source is not fetched"
        );
        assert_eq!(
            store.articles().count_by_source(paused).await.expect("n"),
            2,
            "it keeps its articles"
        );

        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        store
            .sources()
            .resume(&[paused], None, now)
            .await
            .expect("resume");
        wait_for_articles(&store, paused, 4).await;
        shutdown.cancel();
        running.await.expect("join").expect("run");
        assert!(web.received("/paused.xml").len() > first_fetches);
    })
    .await;
}

/// Runs one worker until no job is waiting or running.
async fn work_off_the_queue(pipeline: &Pipeline, store: &Store) {
    let shutdown = CancellationToken::new();
    let worker = tokio::spawn(tidings_pipeline::worker::run(
        pipeline.clone(),
        0,
        shutdown.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let counts = store.jobs().counts().await.expect("counts");
        if counts.queued == 0 && counts.running == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "jobs left: {counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    shutdown.cancel();
    worker.await.expect("join worker");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_queued_before_the_pause_does_nothing() {
    each_backend(|store| async move {
        let web = FixtureWeb::start().await;
        web.set("/feed.xml", Reply::feed(rss(2, "queued")));
        let pipeline = pipeline(store.clone());
        let id = add(&store, web.url("/feed.xml"), "Queued").await;
        let job = Task::FetchSource { source_id: id }
            .to_job(0, 3)
            .expect("job");
        store.jobs().enqueue(&job, 0).await.expect("enqueue");
        store.sources().pause(&[id], None, 1).await.expect("pause");
        work_off_the_queue(&pipeline, &store).await;
        assert!(web.received("/feed.xml").is_empty(), "not fetched");

        store
            .sources()
            .resume(&[id], None, 0)
            .await
            .expect("resume");
        store.jobs().enqueue(&job, 0).await.expect("enqueue");
        work_off_the_queue(&pipeline, &store).await;
        assert_eq!(web.received("/feed.xml").len(), 1, "fetched once resumed");
        assert_eq!(store.articles().count_by_source(id).await.expect("n"), 2);
    })
    .await;
}
