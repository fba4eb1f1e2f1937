//! Chaos on PostgreSQL: three `tidings worker` processes and two `tidings serve --no-workers`
//! processes ingest a loopback web of 2,000 feeds while a worker chosen at random is killed
//! with SIGKILL every few seconds (and started again), and the PostgreSQL server itself is
//! restarted once. At the end every article is stored exactly once and placed in exactly one
//! story, no job is stuck, and the web processes answered every request except around the
//! restart.
//!
//! Restarting PostgreSQL disturbs anything else using the server, so this test is its own
//! test binary: `cargo test` runs one test binary at a time, so no other test of the suite
//! runs meanwhile. `.ci/run` runs the suite with `TIDINGS_CHAOS=later` (this test then
//! returns at once, saying so) and this binary as a step of its own after it. When the server
//! cannot be restarted from here (not root, no `pg_ctlcluster` or `service`, or not on
//! loopback), that one step is skipped with a loud message, and the rest still runs.

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use support::Server;
use tidings_store::testing::{create_database, drop_database, postgres_url};
use tidings_store::{NewSource, Store, StoreOptions};
use tidings_testkit::news::rfc2822;
use tidings_testkit::{FixtureWeb, Reply};
use tokio::sync::Mutex;

const FEEDS: usize = 2_000;
const ITEMS: usize = 1;
const WORKERS: usize = 3;
const EVENTS: usize = 120;

const WORDS: &[&str] = &[
    "harbour",
    "council",
    "bridge",
    "election",
    "vaccine",
    "drought",
    "festival",
    "railway",
    "museum",
    "glacier",
    "refinery",
    "orchestra",
    "stadium",
    "satellite",
    "vineyard",
    "airport",
    "tunnel",
    "library",
    "reservoir",
    "cathedral",
    "factory",
    "orchard",
    "volcano",
    "lighthouse",
    "parliament",
    "hospital",
    "university",
    "pipeline",
    "marathon",
    "telescope",
    "ferry",
    "wildfire",
    "earthquake",
    "summit",
    "strike",
    "budget",
    "tariff",
    "census",
    "monsoon",
    "heatwave",
    "avalanche",
    "shipyard",
    "brewery",
    "observatory",
    "aqueduct",
    "canal",
    "mine",
];

fn word(n: usize) -> &'static str {
    WORDS[n % WORDS.len()]
}

/// Feed `n`: a report about one of the fixture's events, so that stories form.
fn feed(n: usize, now: i64) -> String {
    let items: String = (0..ITEMS)
        .map(|i| {
            let e = (n * ITEMS + i) % EVENTS;
            let (a, b, c) = (word(e), word(e * 7 + 3), word(e * 13 + 5));
            format!(
                "<item><title>The {a} {b} of district {e} stirs {c} talks</title>\
                 <link>https://chaos{n}.example/{i}</link><pubDate>{}</pubDate>\
                 <description>Officials in district {e} said the {a} and the {b} would shape \
                 the {c} plans for the coming months. Residents of district {e} met to discuss \
                 the {a} on Tuesday, and the {c} committee answered questions about the {b}. \
                 Outlet {n} reports this as item {i}.</description></item>",
                rfc2822(now - 3600 - (n * ITEMS + i) as i64)
            )
        })
        .collect();
    format!(
        "<rss version=\"2.0\"><channel><title>Chaos {n}</title><language>en</language>\
         {items}</channel></rss>"
    )
}

/// A number below `n`, from the clock's nanoseconds (which worker dies needs no more).
fn random_below(n: usize) -> usize {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut x = u64::from(nanos) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x % n as u64) as usize
}

/// A `tidings worker` process, killed when dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_worker(config: &str, dir: &std::path::Path, n: usize) -> Worker {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.parent().unwrap_or(dir).join(format!("worker{n}.log")))
        .expect("worker log");
    let child = Command::new(support::binary())
        .args(["worker", "--config", config, "--data-dir"])
        .arg(dir)
        .env_remove("TIDINGS_DATABASE_URL")
        .env("TIDINGS_LOG", "warn,tidings_pipeline=info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start tidings worker");
    Worker(child)
}

/// How the local PostgreSQL server can be restarted, if it can.
fn restart_command(url: &str) -> Result<Vec<String>, String> {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if !matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1" | "[::1]") {
        return Err(format!(
            "the test database is on {host:?}, not on this machine"
        ));
    }
    let version = std::fs::read_dir("/etc/postgresql").ok().and_then(|dir| {
        dir.filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .max()
    });
    let has = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    match version {
        Some(version) if has("pg_ctlcluster") => Ok(vec![
            "pg_ctlcluster".into(),
            "--skip-systemctl-redirect".into(),
            version,
            "main".into(),
            "restart".into(),
            "-m".into(),
            "fast".into(),
        ]),
        _ if has("service") => Ok(vec![
            "service".into(),
            "postgresql".into(),
            "restart".into(),
        ]),
        _ => Err("neither pg_ctlcluster nor service is available".into()),
    }
}

/// Waits until the server accepts connections again.
async fn wait_for_postgres(url: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(pool) = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(2))
            .connect(url)
            .await
        {
            let up = sqlx::query("SELECT 1").execute(&pool).await.is_ok();
            pool.close().await;
            if up {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// When the server last started (`pg_postmaster_start_time()`, as text), if it answers.
async fn server_started_at(url: &str) -> Option<String> {
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(2))
        .connect(url)
        .await
        .ok()?;
    let started: Option<(String,)> =
        sqlx::query_as("SELECT CAST(pg_postmaster_start_time() AS TEXT)")
            .fetch_one(&pool)
            .await
            .ok();
    pool.close().await;
    started.map(|(s,)| s)
}

/// Restarts PostgreSQL; returns when it answers again, with the time it was away, or why it
/// could not be restarted.
async fn restart_postgres(admin: &str) -> Result<(Instant, Instant), String> {
    let command = restart_command(admin)?;
    let before = server_started_at(admin).await;
    let began = Instant::now();
    let status = Command::new(&command[0])
        .args(&command[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|err| format!("{}: {err}", command.join(" ")))?;
    let mut up = wait_for_postgres(admin, Duration::from_secs(60)).await;
    if !status.status.success() {
        let failed = format!(
            "{} failed: {}",
            command.join(" "),
            String::from_utf8_lossy(&status.stderr).trim()
        );
        if !up {
            // Never leave the server down: start it again.
            let _ = Command::new(&command[0])
                .args(&command[1..command.len().min(4)])
                .arg("start")
                .status();
            up = wait_for_postgres(admin, Duration::from_secs(60)).await;
        }
        // A fast shutdown can outlast pg_ctl's minute (a refused connection lingers until the
        // server's authentication timeout), yet the server did stop and start again: then the
        // whole time was the restart. A server that never stopped was not restarted.
        if !up || server_started_at(admin).await == before {
            return Err(failed);
        }
        eprintln!("chaos: {failed}; the server restarted all the same");
    }
    assert!(
        up,
        "PostgreSQL did not come back within a minute of its restart"
    );
    Ok((began, Instant::now()))
}

/// One request of the web checker: when it started, and whether it failed.
#[derive(Debug, Clone)]
struct Probe {
    started: Instant,
    failed: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_killed_and_postgres_restarted_lose_and_duplicate_nothing() {
    if std::env::var("TIDINGS_CHAOS").as_deref() == Ok("later") {
        eprintln!(
            "TIDINGS_CHAOS=later: the chaos test runs in a step of its own after the suite \
             (`cargo test -p tidings --test chaos`), since it restarts PostgreSQL"
        );
        return;
    }
    let Some(admin) = postgres_url() else { return };
    let database = create_database(&admin).await;
    // The logs stay in target/tmp/chaos for a look after a failure.
    let logs = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("chaos");
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs).expect("log directory");
    let dir = tempfile::tempdir_in(&logs).expect("tempdir");
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{database}\"\n[fetch]\nallow_private_addresses = true\n\
             per_host_delay_ms = 0\nper_host_concurrency = 16\nrespect_robots = false\n\
             [pipeline]\nfetch_pages = false\nfetch_icons = false\nlease_secs = 3\nworkers = 4\n\
             poll_interval_secs = 3600\n"
        ),
    )
    .expect("write config");
    let config = config.to_str().expect("path").to_string();

    let web = FixtureWeb::start().await;
    web.set_delay(Duration::from_millis(30));
    let now = chrono::Utc::now().timestamp();
    for n in 0..FEEDS {
        web.set(&format!("/chaos/{n}.xml"), Reply::feed(feed(n, now)));
    }
    let store = Store::open(&database, StoreOptions::default())
        .await
        .expect("open");
    // Half the sources now, half after the restart, so the work spans the whole test.
    let add_sources = |range: std::ops::Range<usize>| {
        let store = store.clone();
        let web = web.clone();
        async move {
            for n in range {
                let new = NewSource {
                    url: web.url(&format!("/chaos/{n}.xml")),
                    name: format!("Chaos {n}"),
                    ..Default::default()
                };
                let mut tries = 0;
                while let Err(err) = store.sources().add(&new, 0).await {
                    tries += 1;
                    assert!(tries < 50, "cannot add a source: {err}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    };
    add_sources(0..FEEDS / 2).await;

    let started = Instant::now();
    let webs = [
        Server::start(dir.path(), &["--config", &config, "--no-workers"]).await,
        Server::start(dir.path(), &["--config", &config, "--no-workers"]).await,
    ];
    let bases: Vec<String> = webs.iter().map(|w| w.base.clone()).collect();
    let workers: Arc<Mutex<Vec<Worker>>> = Arc::new(Mutex::new(
        (0..WORKERS)
            .map(|n| start_worker(&config, dir.path(), n))
            .collect(),
    ));

    // The web checker: each web process's front page and health, in turn, all along.
    let stop = Arc::new(AtomicBool::new(false));
    let probes: Arc<std::sync::Mutex<Vec<Probe>>> = Arc::default();
    let checker = tokio::spawn({
        let stop = stop.clone();
        let probes = probes.clone();
        async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("client");
            let mut turn = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let path = if turn.is_multiple_of(2) {
                    "/"
                } else {
                    "/healthz"
                };
                let url = format!("{}{path}", bases[(turn / 2) % bases.len()]);
                turn += 1;
                let began = Instant::now();
                let failed = match client.get(&url).send().await {
                    Ok(resp) if resp.status().is_success() => {
                        resp.bytes().await.err().map(|e| format!("{url}: {e}"))
                    }
                    Ok(resp) => Some(format!("{url}: HTTP {}", resp.status())),
                    Err(err) => Some(format!("{url}: {err}")),
                };
                if let Ok(mut probes) = probes.lock() {
                    probes.push(Probe {
                        started: began,
                        failed,
                    });
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        }
    });

    // Chaos: a random worker killed and started again every few seconds; PostgreSQL
    // restarted once, a third of the way in.
    let chaos_for = Duration::from_secs(30);
    let mut kills = 0;
    let mut restart: Option<Result<(Instant, Instant), String>> = None;
    let mut second_half_added = false;
    while started.elapsed() < chaos_for {
        tokio::time::sleep(Duration::from_secs(4)).await;
        let victim = random_below(WORKERS);
        {
            let mut workers = workers.lock().await;
            let _ = workers[victim].0.kill();
            let _ = workers[victim].0.wait();
            kills += 1;
            workers[victim] = start_worker(&config, dir.path(), victim);
        }
        if restart.is_none() && started.elapsed() > chaos_for / 3 {
            restart = Some(restart_postgres(&admin).await);
        }
        if !second_half_added && restart.is_some() {
            add_sources(FEEDS / 2..FEEDS).await;
            second_half_added = true;
        }
    }
    if !second_half_added {
        add_sources(FEEDS / 2..FEEDS).await;
    }
    let chaos_ended = started.elapsed();
    let restart_window = match &restart {
        Some(Ok(window)) => Some(*window),
        Some(Err(why)) => {
            eprintln!(
                "\n\n!!!!!!!! CHAOS: PostgreSQL could NOT be restarted ({why}); the restart \
                 step is SKIPPED, the rest of the chaos test ran !!!!!!!!\n\n"
            );
            None
        }
        None => None,
    };

    // Then everything settles: every feed read, every article placed, the queue empty.
    let expected = (FEEDS * ITEMS) as i64;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let row: Result<(i64, i64, i64), _> = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM articles), \
             (SELECT COUNT(*) FROM articles WHERE story_id IS NULL), \
             (SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running'))",
        )
        .fetch_one(store.pool())
        .await;
        if let Ok((articles, unplaced, pending)) = row {
            if articles == expected && unplaced == 0 && pending == 0 {
                break;
            }
            if Instant::now() >= deadline {
                let jobs: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
                    "SELECT kind, state, attempts, last_error, run_at_ms FROM jobs LIMIT 10",
                )
                .fetch_all(store.pool())
                .await
                .unwrap_or_default();
                panic!(
                    "did not settle: {articles} articles of {expected}, {unplaced} unplaced, \
                     {pending} jobs pending: {jobs:?} (now {} ms)",
                    chrono::Utc::now().timestamp_millis()
                );
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let settled = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    checker.await.expect("checker");

    // Every article once.
    let (articles, urls): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT url) FROM articles")
            .fetch_one(store.pool())
            .await
            .expect("counts");
    assert_eq!((articles, urls), (expected, expected));
    // Each in exactly one story that exists, and the stories' counts agree.
    let (orphans, counted): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM articles a WHERE a.story_id IS NULL \
         OR NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id)), \
         (SELECT CAST(COALESCE(SUM(article_count), 0) AS BIGINT) FROM stories)",
    )
    .fetch_one(store.pool())
    .await
    .expect("placement");
    assert_eq!(orphans, 0, "every article is in a story");
    assert_eq!(counted, expected, "no article is counted in two stories");
    let seqs: (i64, i64) =
        sqlx::query_as("SELECT COUNT(DISTINCT story_seq), COUNT(story_seq) FROM articles")
            .fetch_one(store.pool())
            .await
            .expect("placement order");
    assert_eq!(
        seqs,
        (expected, expected),
        "each article placed once, in one order"
    );
    // No job stuck: none dead, none running, none queued.
    let jobs = store.jobs().counts().await.expect("jobs");
    assert_eq!(jobs, tidings_store::JobCounts::default(), "{jobs:?}");

    // The web processes answered throughout, but around the restart.
    let probes = probes.lock().expect("probes").clone();
    let outside: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.failed.is_some())
        .filter(|p| match restart_window {
            Some((began, back)) => {
                p.started + Duration::from_millis(500) < began
                    || p.started > back + Duration::from_secs(5)
            }
            None => true,
        })
        .collect();
    let failed = probes.iter().filter(|p| p.failed.is_some()).count();
    eprintln!(
        "chaos: {kills} workers killed, PostgreSQL restart {}, {} web requests ({failed} failed, \
         {} outside the restart), chaos for {:.1} s, settled after {:.1} s",
        match restart_window {
            Some((began, back)) => format!("took {:.1} s", (back - began).as_secs_f64()),
            None => "skipped".into(),
        },
        probes.len(),
        outside.len(),
        chaos_ended.as_secs_f64(),
        settled.as_secs_f64()
    );
    assert!(
        probes.len() > 50,
        "the checker ran all along: {}",
        probes.len()
    );
    assert!(
        outside.is_empty(),
        "web errors outside the restart: {:?}",
        outside.iter().map(|p| &p.failed).collect::<Vec<_>>()
    );
    for n in 0..WORKERS {
        let log =
            std::fs::read_to_string(dir.path().join(format!("worker{n}.log"))).unwrap_or_default();
        assert!(!log.contains("panicked"), "worker {n} panicked: {log}");
    }
    drop(workers.lock().await.drain(..).collect::<Vec<_>>());
    for web in webs {
        assert!(web.stop(), "a web process stopped cleanly");
    }
    store.close().await;
    drop_database(&admin, &database).await;
}
