//! A story that loses articles is understood again from the ones it keeps, on every backend:
//! two outlets report one flood, the story is understood; removing one outlet takes the
//! summary its text was in, and the scheduler's next tick, with a worker, brings a summary
//! back from the other outlet alone, with no new report. A story the removal empties gets no
//! job, and one it does not touch keeps its summary.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::{add, loopback_fetcher};
use tidings_model::{SourceId, StoryId};
use tidings_pipeline::{
    Pipeline, PipelineSettings, assign_stories, fetch_source, scheduler, worker,
};
use tidings_store::Store;
use tidings_store::testing::each_backend;
use tidings_testkit::news::{OUTLETS, Report, rfc2822, serve_two_events};
use tidings_testkit::{FixtureWeb, Reply};
use tokio_util::sync::CancellationToken;

/// A report only the removed outlet carries: its story is emptied by the removal.
const MUSEUM: Report = Report {
    path: "/gone/museum",
    title: "Velden museum reopens its east wing after a six-year restoration",
    body: "The municipal museum of Velden reopened its east wing to visitors on Saturday after \
        a restoration that took six years and cost 14 million crowns, twice the first \
        estimate.\n\nCurator Ingrid Solberg said the medieval tapestries, kept in storage \
        since 2019, would hang in new climate-controlled galleries, and that entry would be \
        free for the first month.\n\nThe roof of the wing had leaked for decades before the \
        city council approved the works in a narrow vote.",
    trailer: "",
    minutes_ago: 100,
};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The removed outlet's feed: the Harbour Post's flood report, and the museum.
fn gone_feed(web: &FixtureWeb, now: i64) -> String {
    let flood = &OUTLETS[0].reports[0];
    let items: String = [flood, &MUSEUM]
        .iter()
        .map(|r| {
            let html: String = r
                .body
                .split("\n\n")
                .map(|p| format!("<p>{p}</p>"))
                .collect();
            format!(
                "<item><title>{}</title><link>{}</link><pubDate>{}</pubDate>\
                 <description><![CDATA[{html}]]></description></item>",
                r.title,
                web.url(r.path),
                rfc2822(now - r.minutes_ago * 60)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gone Gazette</title>\
         <language>en</language>{items}</channel></rss>"
    )
}

fn pipeline(store: Store) -> Pipeline {
    Pipeline::new(
        store,
        loopback_fetcher(),
        PipelineSettings {
            fetch_pages: false,
            // The queue is counted here; icon jobs have their own test (icons.rs).
            fetch_icons: false,
            understand_delay: Duration::ZERO,
            idle_wait: Duration::from_millis(50),
            ..PipelineSettings::default()
        },
    )
}

/// Runs a worker until the job queue is empty (or fails after 60 s).
async fn work_until_idle(pipeline: &Pipeline, store: &Store) {
    let stop = CancellationToken::new();
    let running = tokio::spawn(worker::run(pipeline.clone(), 0, stop.clone()));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let counts = store.jobs().counts().await.expect("counts");
        if counts.queued + counts.running == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "jobs left: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    running.await.expect("worker");
}

/// The story whose title contains `words`.
async fn story_titled(store: &Store, words: &str) -> StoryId {
    store
        .stories()
        .recent(0, 10)
        .await
        .expect("recent")
        .into_iter()
        .find(|s| s.title.contains(words))
        .unwrap_or_else(|| panic!("a story titled …{words}…"))
        .id
}

/// The articles a story's stored insight cites (summaries, key points, timeline), or `None`
/// when it has no insight.
async fn cited(store: &Store, story: StoryId) -> Option<BTreeSet<String>> {
    let stored = store.insights().get(story).await.expect("insight")?;
    let insight: tidings_insight::StoryInsight = serde_json::from_str(&stored.json).expect("json");
    let summary = insight.summary.short.iter().chain(&insight.summary.long);
    let mut ids: BTreeSet<String> = summary.map(|s| s.citation.article_id.clone()).collect();
    let points = insight
        .key_points
        .iter()
        .chain(insight.key_points_long.iter().flatten());
    ids.extend(points.map(|k| k.citation.article_id.clone()));
    ids.extend(
        insight
            .timeline
            .iter()
            .map(|e| e.citation.article_id.clone()),
    );
    Some(ids)
}

/// The ids of a source's articles, as citations write them.
async fn articles_of(store: &Store, source: SourceId) -> BTreeSet<String> {
    store
        .articles()
        .by_source(source, 50)
        .await
        .expect("articles")
        .iter()
        .map(|l| l.article.id.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_story_that_loses_a_source_is_understood_again_from_the_other() {
    let web = FixtureWeb::start().await;
    let now = now();
    serve_two_events(&web, now);
    web.set("/gone/feed.xml", Reply::feed(gone_feed(&web, now)));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let gone = add(&store, web.url("/gone/feed.xml"), "Gone Gazette").await;
        let kept = add(&store, web.url("/ledger/feed.xml"), "Daily Ledger").await;
        for id in [gone, kept] {
            fetch_source::run(&pipeline, id).await.expect("fetch");
        }
        let mut assigner = assign_stories::rebuild(&pipeline).await.expect("rebuild");
        assert_eq!(
            assign_stories::assign_pending(&pipeline, &mut assigner)
                .await
                .expect("assign"),
            4
        );
        assert_eq!(store.stories().count().await.expect("stories"), 3);
        let flood = story_titled(&store, "Saint-Aurel").await;
        let museum = story_titled(&store, "Velden").await;
        let rates = story_titled(&store, "Norland").await;
        let (gone_articles, kept_articles) = (
            articles_of(&store, gone).await,
            articles_of(&store, kept).await,
        );

        // The assigner queued each story's understanding.
        work_until_idle(&pipeline, &store).await;
        let before = cited(&store, flood).await.expect("the flood is understood");
        assert!(
            !before.is_disjoint(&gone_articles) && !before.is_disjoint(&kept_articles),
            "the summary quotes both outlets: {before:?}"
        );
        assert!(cited(&store, museum).await.is_some());
        let rates_insight = store.insights().get(rates).await.expect("insight");
        assert!(rates_insight.is_some());

        assert!(store.sources().remove(gone, now).await.expect("remove"));
        assert!(
            cited(&store, flood).await.is_none(),
            "its summary quoted the removed outlet"
        );

        // The scheduler's tick turns the queue into one job: the flood's. The museum story
        // is empty and the rates story lost nothing.
        scheduler::tick(&pipeline).await.expect("tick");
        let kinds = store.jobs().counts_by_kind(i64::MAX).await.expect("counts");
        assert_eq!(
            kinds
                .iter()
                .map(|k| (k.kind.as_str(), k.counts.queued))
                .collect::<Vec<_>>(),
            vec![("understand_story", 1)]
        );
        assert!(
            store
                .stories_to_understand()
                .pending(10)
                .await
                .expect("queue")
                .is_empty()
        );

        // A worker understands it again, with no new report, from the outlet left.
        work_until_idle(&pipeline, &store).await;
        let after = cited(&store, flood).await.expect("understood again");
        assert!(!after.is_empty());
        assert!(
            after.is_subset(&kept_articles),
            "only the remaining outlet is cited: {after:?} of {kept_articles:?}"
        );
        let stored = store
            .insights()
            .get(flood)
            .await
            .expect("insight")
            .expect("stored");
        assert_eq!(stored.version, 1, "read from the one article left");
        assert!(
            cited(&store, museum).await.is_none(),
            "the emptied story was not understood"
        );
        assert_eq!(
            store.insights().get(rates).await.expect("insight"),
            rates_insight,
            "the untouched story was not understood again"
        );
    })
    .await;
}
