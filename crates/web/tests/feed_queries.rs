//! A feed document reads the feed addresses of its items' outlets in one statement, however
//! many outlets its items come from: the statements that read the `sources` table while the
//! site answers a feed are counted from sqlx's own statement log, for a story whose reports
//! come from 2 outlets and one whose reports come from 20. On SQLite and, with
//! `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.
//!
//! The only test of its binary: the statement log is the process's, so no other test's
//! statements may be counted with these.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{Site, config, site_on};
use tidings_model::{SourceId, StoryId};
use tidings_store::Placement;
use tidings_store::testing::each_backend;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Counts the statements sqlx logs (target `sqlx::query`) that read the `sources` table.
struct SourceReads(Arc<AtomicUsize>);

/// The text of a logged statement: its summary and, when longer, the statement itself.
#[derive(Default)]
struct StatementText(String);

impl Visit for StatementText {
    fn record_str(&mut self, field: &Field, value: &str) {
        if matches!(field.name(), "summary" | "db.statement") {
            self.0.push_str(value);
            self.0.push(' ');
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for SourceReads {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut text = StatementText::default();
        event.record(&mut text);
        if text.0.contains("FROM sources") || text.0.contains("JOIN sources") {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A story of `reports` articles, from `outlets` outlets named `{prefix}0`, `{prefix}1`, …
/// in turn (feeds `https://{prefix}N.example/feed`).
async fn story_from(site: &Site, prefix: &str, outlets: usize, reports: usize) -> StoryId {
    let mut sources: Vec<SourceId> = Vec::new();
    for n in 0..outlets {
        sources.push(site.add_outlet(&format!("{prefix}{n}")).await);
    }
    let now = chrono::Utc::now().timestamp();
    let mut articles = Vec::new();
    for n in 0..reports {
        let source = sources[n % outlets];
        let url = format!("https://{prefix}.example/report-{n}");
        let title = format!("Report {n} of {prefix}");
        articles.push(site.article_at(source, &url, &title, now - n as i64).await);
    }
    let mut batch = site.store.stories().begin().await.expect("batch");
    let story = batch
        .create_story(&format!("The {prefix} story"), Some("en"), now)
        .await
        .expect("story");
    for article in articles {
        batch
            .place(&Placement {
                article,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
    }
    batch.commit(now).await.expect("commit");
    story
}

#[tokio::test]
async fn a_feed_reads_its_outlets_feeds_in_one_statement() {
    let reads = Arc::new(AtomicUsize::new(0));
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(SourceReads(reads.clone())),
    )
    .expect("the only subscriber of this binary");
    each_backend(|store| {
        let reads = reads.clone();
        async move {
            let site = site_on(store, config(), |_| {}).await;
            let few = story_from(&site, "few", 2, 40).await;
            let many = story_from(&site, "many", 20, 40).await;
            let mut browser = site.browser();
            for file in ["feed.xml", "feed.atom", "feed.json"] {
                let mut counted = Vec::new();
                for story in [few, many] {
                    let before = reads.load(Ordering::SeqCst);
                    let feed = browser.get(&format!("/story/{story}/{file}")).await;
                    assert_eq!(feed.status, 200, "{file}: {}", feed.body);
                    counted.push(reads.load(Ordering::SeqCst) - before);
                    if story == many && file == "feed.xml" {
                        // Every item still names its own outlet's feed.
                        for n in 0..20 {
                            let source = format!(
                                "<source url=\"https://many{n}.example/feed\">many{n}</source>"
                            );
                            assert!(feed.body.contains(&source), "{source}: {}", feed.body);
                        }
                    }
                }
                assert!(counted[0] > 0, "the statement log is read: {counted:?}");
                assert_eq!(
                    counted[0], counted[1],
                    "{file}: statements reading sources with 2 and with 20 outlets"
                );
            }
        }
    })
    .await;
}
