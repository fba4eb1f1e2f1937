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
        format!("database_url = \"{database}\"\n[pipeline]\nfetch_icons = false\nlease_secs = 2\n"),
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

/// A `tidings worker` process, killed when dropped.
struct Worker(std::process::Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_worker(config: &str, data_dir: &std::path::Path) -> Worker {
    let child = std::process::Command::new(support::binary())
        .args(["worker", "--config", config, "--data-dir"])
        .arg(data_dir)
        .env_remove("TIDINGS_DATABASE_URL")
        .env("TIDINGS_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start tidings worker");
    Worker(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_and_worker_processes_share_postgres_and_a_worker_takes_over_from_a_dead_one() {
    let Some(admin) = postgres_url() else { return };
    let database = create_database(&admin).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{database}\"\n[fetch]\nallow_private_addresses = true\n\
             per_host_delay_ms = 0\n[pipeline]\nfetch_pages = false\nfetch_icons = false\nlease_secs = 2\n"
        ),
    )
    .expect("write config");
    let config = config.to_str().expect("path").to_string();
    let web = FixtureWeb::start().await;
    tidings_testkit::news::serve_two_events(&web, chrono::Utc::now().timestamp());
    let store = Store::open(&database, StoreOptions::default())
        .await
        .expect("open");
    for outlet in tidings_testkit::news::OUTLETS {
        let new = tidings_store::NewSource {
            url: web.url(outlet.feed),
            name: outlet.name.into(),
            ..Default::default()
        };
        store.sources().add(&new, 0).await.expect("add");
    }

    let server = Server::start(dir.path(), &["--config", &config, "--no-workers"]).await;
    let first = start_worker(&config, dir.path());
    let placed = |n: i64| {
        let store = store.clone();
        async move {
            let waiting = store
                .stories()
                .unplaced("fetch_article:", 1)
                .await
                .expect("unplaced");
            store.articles().count().await.expect("count") == n && waiting.is_empty()
        }
    };
    wait_until(
        "five articles placed by the worker",
        Duration::from_secs(60),
        || placed(5),
    )
    .await;
    let second = start_worker(&config, dir.path());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, front) = server.get("/").await;
    assert_eq!(
        front.matches("class=\"card story-card\"").count(),
        2,
        "the web process shows both stories"
    );

    // The worker that placed them dies; the other takes the roles over.
    drop(first);
    web.set(
        "/late/feed.xml",
        Reply::feed(format!(
            "<rss version=\"2.0\"><channel><title>Late Courier</title><language>en</language>\
             <item><title>Saint-Aurel counts the cost of the Varenne dam breach</title>\
             <link>{}</link><description>Prefect Claire Vautrin said on Wednesday that the two \
             people missing since the Varenne dam gave way above Saint-Aurel had been found \
             alive, as the 1,200 residents evacuated from the flooded lower town began to \
             return and engineers inspected the damaged spillway.</description></item>\
             </channel></rss>",
            web.url("/late/flood")
        )),
    );
    let late = tidings_store::NewSource {
        url: web.url("/late/feed.xml"),
        name: "Late Courier".into(),
        ..Default::default()
    };
    store.sources().add(&late, 0).await.expect("add");
    wait_until(
        "the late report placed by the other worker",
        Duration::from_secs(60),
        || placed(6),
    )
    .await;
    assert_eq!(
        store.stories().count().await.expect("stories"),
        2,
        "no story made twice"
    );
    drop(second);
    assert!(server.stop());
    store.close().await;
    drop_database(&admin, &database).await;
}
