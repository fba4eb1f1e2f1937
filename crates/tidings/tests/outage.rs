//! A database outage on PostgreSQL: `/healthz` answers 503 with a clear body while the
//! database cannot be reached and 200 once it is back; a `tidings worker` neither exits nor
//! panics, backs off, takes its roles again (their advisory locks died with the sessions)
//! and goes on ingesting. The outage is made for this test's own database only (connections
//! refused and every session ended), so the tests sharing the server are not disturbed; the
//! chaos test restarts the whole server.

mod support;

use sqlx::Executor;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::{Server, wait_until};
use tidings_store::testing::{create_database, drop_database, postgres_url};
use tidings_store::{Store, StoreOptions};
use tidings_testkit::{FixtureWeb, Reply};

/// A `tidings worker` process, killed when dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a worker that serves its metrics on a free port; returns it with that address.
fn start_worker(config: &str, data_dir: &std::path::Path) -> (Worker, String) {
    use std::io::BufRead;
    let log = std::fs::File::create(data_dir.join("worker.log")).expect("worker log");
    let mut child = Command::new(support::binary())
        .args([
            "worker",
            "--listen",
            "127.0.0.1:0",
            "--config",
            config,
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("TIDINGS_DATABASE_URL")
        .env("TIDINGS_LOG", "info,sqlx=warn")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("start tidings worker");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let metrics = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("Tidings worker metrics on ")
                .map(str::to_string)
        })
        .expect("the worker printed its metrics address");
    std::thread::spawn(move || for _ in lines {});
    (Worker(child), metrics)
}

async fn scrape(url: &str) -> String {
    reqwest::get(url)
        .await
        .expect("scrape")
        .text()
        .await
        .expect("body")
}

/// Refuses (or allows again) every connection to the database `url` names, ending the
/// sessions it has.
async fn set_reachable(admin: &str, url: &str, reachable: bool) {
    let name = url::Url::parse(url)
        .expect("url")
        .path()
        .trim_start_matches('/')
        .to_string();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(admin)
        .await
        .expect("connect as admin");
    let alter = format!("ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {reachable}");
    pool.execute(sqlx::AssertSqlSafe(alter))
        .await
        .expect("alter database");
    if !reachable {
        let end = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        );
        pool.execute(sqlx::AssertSqlSafe(end))
            .await
            .expect("end sessions");
    }
    pool.close().await;
}

async fn healthz(server: &Server) -> (u16, String) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    match client.get(server.url("/healthz")).send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap_or_default())
        }
        Err(err) => (0, err.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_when_the_database_is_gone_and_workers_resume_when_it_is_back() {
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
    let (mut worker, worker_metrics) = start_worker(&config, dir.path());
    let placed = |n: i64| {
        let store = store.clone();
        async move {
            let Ok(waiting) = store.stories().unplaced("fetch_article:", 1).await else {
                return false;
            };
            store.articles().count().await.ok() == Some(n) && waiting.is_empty()
        }
    };
    wait_until("five articles placed", Duration::from_secs(60), || {
        placed(5)
    })
    .await;
    assert_eq!(healthz(&server).await.0, 200);

    set_reachable(&admin, &database, false).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let answer = loop {
        let answer = healthz(&server).await;
        if answer.0 == 503 {
            break answer;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "/healthz never reported the outage: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        answer.1.starts_with("database unavailable: ") && answer.1.contains("reconnecting"),
        "a clear body: {:?}",
        answer.1
    );
    // The outage lasts a few seconds: the worker backs off meanwhile, and stays up.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(
        worker.0.try_wait().expect("worker status").is_none(),
        "the worker survives the outage"
    );
    assert_eq!(healthz(&server).await.0, 503, "still down");
    let during = scrape(&worker_metrics).await;
    assert!(
        during.contains("tidings_database_up 0\n"),
        "the worker's metrics say the database is down: {during}"
    );

    // A new outlet appears while the database is away.
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
    set_reachable(&admin, &database, true).await;
    wait_until("/healthz to recover", Duration::from_secs(30), || async {
        healthz(&server).await.0 == 200
    })
    .await;
    let late = tidings_store::NewSource {
        url: web.url("/late/feed.xml"),
        name: "Late Courier".into(),
        ..Default::default()
    };
    store
        .sources()
        .add(&late, 0)
        .await
        .expect("add after the outage");
    // The scheduler and the story assigner ran on sessions the outage ended: the worker
    // must take both roles again for the late report to be fetched and placed.
    wait_until(
        "the late report fetched and placed after the outage",
        Duration::from_secs(60),
        || placed(6),
    )
    .await;
    assert_eq!(store.stories().count().await.expect("stories"), 2);
    let metrics = scrape(&worker_metrics).await;
    assert!(metrics.contains("tidings_database_up 1\n"), "{metrics}");
    assert!(metrics.contains("tidings_articles 6\n"), "{metrics}");
    assert!(
        metrics.contains("tidings_articles_stored_total 6\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("tidings_fetches_total{source=\"4\",outcome=\"ok\"} 1\n"),
        "{metrics}"
    );
    assert!(worker.0.try_wait().expect("worker status").is_none());
    let log = std::fs::read_to_string(dir.path().join("worker.log")).unwrap_or_default();
    assert!(!log.contains("panicked"), "no panic in the worker: {log}");
    assert!(
        log.contains("lost the role with the database connection"),
        "the worker noticed its roles died with the session: {log}"
    );
    drop(worker);
    assert!(server.stop());
    store.close().await;
    drop_database(&admin, &database).await;
}
