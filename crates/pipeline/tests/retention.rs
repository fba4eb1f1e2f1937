//! The retention pass on every backend: text older than the full-text age goes (from the
//! search index too), articles older than the deletion age go with the stories left empty,
//! recent ones stay whole.

mod support;

use std::sync::Arc;
use std::time::Duration;
use support::{add, loopback_fetcher};
use tidings_model::NewArticle;
use tidings_pipeline::retention::{PurgeReport, RetentionPolicy, purge};
use tidings_pipeline::{Pipeline, PipelineSettings, assign_stories};
use tidings_search::{EngineChoice, SearchEngine, SearchRequest, catch_up};
use tidings_store::testing::each_backend;
use tokio_util::sync::CancellationToken;

const DAY: i64 = 24 * 3600;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_strips_old_text_and_deletes_older_articles() {
    each_backend(|store| async move {
        let settings = PipelineSettings {
            retention: RetentionPolicy {
                full_text: Some(Duration::from_secs(10 * DAY as u64)),
                delete_after: Some(Duration::from_secs(30 * DAY as u64)),
                ..RetentionPolicy::default()
            },
            ..PipelineSettings::default()
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = Arc::new(
            SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
                .expect("search engine"),
        );
        let pipeline =
            Pipeline::new(store.clone(), loopback_fetcher(), settings).with_search(engine.clone());
        let now = chrono_now();
        let source = add(&store, "https://r.example/feed".into(), "R").await;
        // Ages in days: 40 and 35 go, 20 and 12 keep metadata only, 1 stays whole. Each is
        // its own event, so each is its own story.
        let ages = [40, 35, 20, 12, 1];
        let topics = [
            "volcano erupts",
            "budget vote",
            "cup final",
            "bridge opens",
            "storm hits",
        ];
        let articles: Vec<NewArticle> = ages
            .iter()
            .zip(topics)
            .map(|(age, topic)| NewArticle {
                url: format!("https://r.example/{age}"),
                title: format!("The {topic} in town {age}"),
                published_at: Some(now - age * DAY),
                fetched_at: now - age * DAY,
                body_text: format!(
                    "Full report: the {topic}. {}",
                    "More words here. ".repeat(20)
                ),
                body_html: format!("<p>Full report: the {topic}.</p>"),
                language: Some("en".into()),
                ..NewArticle::default()
            })
            .collect();
        store
            .articles()
            .insert_new(source, &articles)
            .await
            .expect("insert");
        let mut assigner = assign_stories::rebuild(&pipeline).await.expect("assigner");
        assert_eq!(
            assign_stories::assign_pending(&pipeline, &mut assigner)
                .await
                .expect("assign"),
            5
        );
        let stories_before = store.stories().count().await.expect("stories");
        catch_up(&engine, &store).await.expect("index");
        // Each body says "the {topic}" in full; "report" is in every body and in no title.
        let found = |words: &'static str| {
            let engine = engine.clone();
            async move {
                let mut urls: Vec<String> = engine
                    .search(&SearchRequest::new(words, 10))
                    .await
                    .expect("search")
                    .hits
                    .iter()
                    .map(|h| h.article.url.clone())
                    .collect();
                urls.sort();
                urls
            }
        };
        assert_eq!(found("report").await.len(), 5, "every body is indexed");

        let report = purge(&pipeline, now, &CancellationToken::new())
            .await
            .expect("purge");
        assert_eq!(
            report.stripped, 4,
            "everything older than 10 days loses its text"
        );
        assert_eq!(report.deleted, 2, "everything older than 30 days goes");
        assert!(
            report.stories_deleted >= 1 && report.stories_deleted <= 2,
            "{report:?}"
        );
        assert_eq!(
            store.stories().count().await.expect("stories"),
            stories_before - report.stories_deleted as i64
        );
        let left = store.articles().latest(10, 0).await.expect("latest");
        let bodies: Vec<(String, bool)> = left
            .iter()
            .map(|l| {
                (
                    l.article.content.url.clone(),
                    l.article.content.body_text.is_empty(),
                )
            })
            .collect();
        assert_eq!(
            bodies,
            vec![
                ("https://r.example/1".to_string(), false),
                ("https://r.example/12".to_string(), true),
                ("https://r.example/20".to_string(), true),
            ]
        );
        assert!(
            left.iter().all(|l| !l.article.content.title.is_empty()),
            "metadata stays"
        );
        // The search index forgot the stripped bodies and the deleted articles; titles stay.
        assert_eq!(
            found("report").await,
            vec!["https://r.example/1".to_string()],
            "only the whole article's body is still found"
        );
        assert_eq!(
            found("bridge").await,
            vec!["https://r.example/12".to_string()],
            "a stripped article is still found by its title"
        );
        assert!(
            found("volcano").await.is_empty(),
            "deleted articles are gone"
        );
        // A second pass finds nothing more to do.
        let again = purge(&pipeline, now, &CancellationToken::new())
            .await
            .expect("purge");
        assert_eq!(again, PurgeReport::default());
    })
    .await;
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
