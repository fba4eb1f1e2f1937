//! `tidings serve` keeps its pages in memory, yet a story written by another process (this
//! test, writing to the server's database) shows on the front page within the revision poll,
//! long before the pages would expire on their own.

mod support;

use std::time::{Duration, Instant};
use support::{Server, open_store};
use tidings_model::{NewArticle, SourceId};
use tidings_store::{NewSource, Placement, Store};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Stores an article and places it in a story of its own, as the pipeline of another
/// process would.
async fn place_story(store: &Store, source: SourceId, title: &str) {
    let article = NewArticle {
        url: format!("https://harbour.example/{}", title.replace(' ', "-")),
        title: title.to_string(),
        published_at: Some(now() - 300),
        fetched_at: now() - 240,
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
    let placed = store
        .stories()
        .unplaced("none:", 10)
        .await
        .expect("unplaced");
    let mut batch = store.stories().begin().await.expect("begin");
    let story = batch
        .create_story(title, Some("en"), now())
        .await
        .expect("story");
    for a in placed {
        batch
            .place(&Placement {
                article: a.id,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
    }
    batch.commit(now()).await.expect("commit");
}

/// The front page's body and how it was served (`x-cache`).
async fn front(server: &Server) -> (String, String) {
    let resp = reqwest::get(server.url("/")).await.expect("GET /");
    assert!(resp.status().is_success());
    let status = resp
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    (resp.text().await.expect("body"), status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_story_written_by_another_process_shows_within_the_poll() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_store(dir.path()).await;
    let source = store
        .sources()
        .add(
            &NewSource {
                url: "https://harbour.example/feed.xml".into(),
                name: "Harbour Post".into(),
                ..NewSource::default()
            },
            now(),
        )
        .await
        .expect("add source")
        .id;
    place_story(&store, source, "Harbour plan approved").await;

    let server = Server::start(dir.path(), &["--no-workers"]).await;
    let (first, _) = front(&server).await;
    assert!(first.contains("Harbour plan approved"));
    let (_, again) = front(&server).await;
    assert_eq!(again, "hit", "the front page is served from memory");

    place_story(&store, source, "Ferry strike called off").await;
    let written = Instant::now();
    let mut stale_hits = 0;
    loop {
        let (body, status) = front(&server).await;
        if body.contains("Ferry strike called off") {
            assert_eq!(status, "hit", "the new page was rendered in the background");
            break;
        }
        assert!(
            status == "hit" || status == "stale",
            "old pages come from memory, not {status}"
        );
        stale_hits += 1;
        // The server polls every 500 ms; pages would expire on their own only after 30 s.
        assert!(
            written.elapsed() < Duration::from_secs(5),
            "the new story did not show within the poll ({stale_hits} stale pages served)"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    println!(
        "the new story showed after {} ms ({stale_hits} stale pages from memory first)",
        written.elapsed().as_millis()
    );
    store.close().await;
    assert!(server.stop(), "the server stopped cleanly");
}
