//! `tidings serve` on PostgreSQL: the same site from the same fixtures, and crash safety by
//! lease expiry (no process may assume it is alone on a shared database).

mod support;

use std::time::Duration;
use support::{Server, article_links, wait_until};
use tidings_store::testing::{create_database, drop_database, postgres_url};
use tidings_store::{Store, StoreOptions};
use tidings_testkit::{FixtureWeb, Reply};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_postgres_survives_sigkill_through_lease_expiry() {
    let Some(admin) = postgres_url() else { return };
    let database = create_database(&admin).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        format!("database_url = \"{database}\"\n[pipeline]\nlease_secs = 2\n"),
    )
    .expect("write config");
    let config = config.to_str().expect("path").to_string();

    let web = FixtureWeb::start().await;
    web.set_delay(Duration::from_millis(300));
    let feeds = 12;
    for n in 0..feeds {
        let items: String = (0..10)
            .map(|i| format!("<item><title>PG {n}-{i}</title><link>https://pg{n}.example/{i}</link><description>Text {i}.</description></item>"))
            .collect();
        web.set(
            &format!("/pg/{n}.xml"),
            Reply::feed(format!(
                "<rss version=\"2.0\"><channel><title>PG {n}</title>{items}</channel></rss>"
            )),
        );
    }
    let store = Store::open(&database, StoreOptions::default())
        .await
        .expect("open");
    for n in 0..feeds {
        let new = tidings_store::NewSource {
            url: web.url(&format!("/pg/{n}.xml")),
            ..Default::default()
        };
        store.sources().add(&new, 0).await.expect("add");
    }

    let server = Server::start(
        dir.path(),
        &["--config", &config, "--workers", "2", "--no-article-pages"],
    )
    .await;
    wait_until("ingest under way", Duration::from_secs(60), || async {
        store.articles().count().await.expect("count") >= 20
    })
    .await;
    server.kill();
    let jobs = store.jobs().counts().await.expect("jobs");
    assert!(jobs.running > 0, "killed mid-job: {jobs:?}");

    let server = Server::start(
        dir.path(),
        &["--config", &config, "--workers", "2", "--no-article-pages"],
    )
    .await;
    wait_until(
        "every article, once the dead leases expire",
        Duration::from_secs(90),
        || async {
            let jobs = store.jobs().counts().await.expect("jobs");
            store.articles().count().await.expect("count") >= 120 && jobs.queued + jobs.running == 0
        },
    )
    .await;
    assert_eq!(store.articles().count().await.expect("count"), 120);
    assert_eq!(
        store
            .articles()
            .count_distinct_urls()
            .await
            .expect("distinct"),
        120
    );
    assert_eq!(store.jobs().counts().await.expect("jobs").dead, 0);
    let (_, front) = server.get("/").await;
    assert!(!article_links(&front).is_empty());
    assert!(server.stop());
    store.close().await;
    drop_database(&admin, &database).await;
}
