//! `tidings serve` end to end: fixture feeds on loopback become pages a reader can open, a
//! restart keeps everything, and a feed fetched twice adds nothing.

mod support;

use std::time::Duration;
use support::{Server, article_links, cli_ok, demo_web, open_store, wait_until, wait_until_placed};
use tidings_testkit::Reply;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_become_pages_and_survive_a_restart() {
    let (web, feeds) = demo_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    for url in &feeds {
        let out = cli_ok(dir.path(), &["sources", "add", url]);
        assert!(out.starts_with("Added source"), "{out}");
    }
    // One more outlet whose feed only has a teaser: its article page completes it.
    let paragraphs: String = (0..6)
        .map(|i| {
            format!(
                "<p>Salvage crews worked through the night on the stranded ship, part {i} of \
                 a long report on the operation, the tides and the cargo still on board.</p>"
            )
        })
        .collect();
    web.set(
        "/pages/salvage",
        Reply::html(format!(
            "<!doctype html><html lang=\"en\"><head><title>Salvage | Kell Times</title></head>\
             <body><nav><a href=\"/\">Home</a></nav><article><h1>Salvage begins</h1>\
             {paragraphs}<p>— AFP</p></article><footer>Kell Times</footer></body></html>"
        )),
    );
    web.set(
        "/teasers.xml",
        Reply::feed(format!(
            "<rss version=\"2.0\"><channel><title>Kell Times</title><item>\
             <title>Salvage begins on stranded ship</title><link>{}</link>\
             <description>Crews began work overnight…</description></item></channel></rss>",
            web.url("/pages/salvage")
        )),
    );
    cli_ok(dir.path(), &["sources", "add", &web.url("/teasers.xml")]);

    let expected: i64 = 1 + {
        let mut n = 0;
        for (url, bytes) in tidings::demo::bundled_documents(chrono::Utc::now()) {
            n += tidings_feeds::parse_feed(&bytes, &url)
                .expect("parse")
                .entries
                .len() as i64;
        }
        n
    };

    let server = Server::start(dir.path(), &["--display", "full"]).await;
    wait_until(
        "every fixture article on the front page",
        Duration::from_secs(60),
        || async {
            let (_, html) = server.get("/").await;
            article_links(&html).len() as i64 >= expected.min(40)
        },
    )
    .await;
    // The front page shows a wire text once its copies are known, which the story assigner
    // decides as it places them: read it only when everything is placed, as after a restart,
    // and once the page cache has seen the change (it polls every 500 ms) and answers a new
    // rendering rather than its last one (`x-cache: stale`).
    wait_until_placed(dir.path(), expected).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    wait_until("a fresh front page", Duration::from_secs(30), || async {
        let resp = reqwest::get(server.url("/")).await.expect("GET /");
        resp.headers()
            .get("x-cache")
            .is_none_or(|cache| cache.as_bytes() != b"stale")
    })
    .await;

    // The front page: headline, outlet and relative age with the exact time.
    let (status, front) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(
        front.contains("Container ship runs aground in Straits of Kell"),
        "headline"
    );
    assert!(front.contains(">Meridian Wire</a>"), "outlet credit");
    assert!(
        front.contains("<time datetime=\"20"),
        "machine-readable time"
    );
    assert!(
        front.contains(" ago</time>") || front.contains(">just now</time>"),
        "relative age"
    );

    // An article page: headline, standfirst, credit, byline, relative age, body, original link.
    let link = article_links(&front)
        .into_iter()
        .find(|l| l.contains("container-ship-runs-aground"))
        .expect("the ship story is linked");
    let (status, page) = server.get(&link).await;
    assert_eq!(status, 200, "{link}");
    assert!(page.contains("<h1 class=\"headline\">Container ship runs aground in Straits of Kell, halting traffic</h1>"));
    assert!(page.contains("class=\"standfirst\">The 400-metre Halcyon Dawn grounded in fog"));
    assert!(page.contains("By Samir Haddou"), "byline");
    assert!(
        page.contains("<span class=\"source-credit\">Meridian Wire"),
        "outlet credit"
    );
    assert!(
        page.contains("hour ago</time>") || page.contains("hours ago</time>"),
        "age"
    );
    assert!(page.contains("All 23 crew members are safe"), "body");
    assert!(page.contains("href=\"https://meridian-wire.example/world/shipping/container-ship-aground-straits-of-kell\""));

    // The teaser was completed from its page, with the agency credit it carries.
    let salvage = article_links(&front)
        .into_iter()
        .find(|l| l.contains("salvage-begins"))
        .expect("the teaser's article is linked");
    wait_until(
        "the teaser completed from its page",
        Duration::from_secs(30),
        || async {
            server
                .get(&salvage)
                .await
                .1
                .contains("part 5 of a long report")
        },
    )
    .await;
    let (_, salvage_page) = server.get(&salvage).await;
    assert!(
        salvage_page.contains("Kell Times / AFP"),
        "agency credit shown"
    );
    assert!(
        salvage_page.contains("Crews began work overnight"),
        "the feed's teaser is kept"
    );

    // A wrong slug redirects to the right one; an unknown article is a 404 page.
    let id = link.split('/').nth(2).expect("id");
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(server.url(&format!("/article/{id}/wrong-slug")))
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status().as_u16(), 308);
    assert_eq!(server.get("/article/999999/x").await.0, 404);

    // The source page and the sources list show health.
    let (status, sources) = server.get("/sources").await;
    assert_eq!(status, 200);
    assert_eq!(
        sources.matches("status-ok").count(),
        feeds.len() + 1,
        "{sources}"
    );
    let (status, source_page) = server.get("/source/1").await;
    assert_eq!(status, 200);
    assert!(source_page.contains("Last success"));

    let store = open_store(dir.path()).await;
    assert_eq!(store.articles().count().await.expect("count"), expected);
    store.close().await;
    assert!(server.stop(), "SIGTERM stops the server cleanly");

    // Restart: everything is still there, and fetching every feed again adds nothing.
    let server = Server::start(dir.path(), &["--display", "full"]).await;
    let (_, front_again) = server.get("/").await;
    assert_eq!(
        article_links(&front_again),
        article_links(&front),
        "same front page"
    );
    web.ignore_validators(true);
    // Fetch times have one-second resolution: let the first fetches fall in an earlier second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refreshed_at = chrono::Utc::now().timestamp();
    let out = cli_ok(dir.path(), &["sources", "refresh"]);
    assert!(
        out.starts_with(&format!("{} sources will be fetched", feeds.len() + 1)),
        "{out}"
    );
    let store = open_store(dir.path()).await;
    wait_until(
        "every feed fetched again",
        Duration::from_secs(60),
        || async {
            let sources = store.sources().list().await.expect("list");
            sources
                .iter()
                .all(|s| s.fetch.last_success_at.is_some_and(|t| t >= refreshed_at))
        },
    )
    .await;
    assert_eq!(
        store.articles().count().await.expect("count"),
        expected,
        "no duplicates"
    );
    assert_eq!(
        store.articles().count_distinct_urls().await.expect("count"),
        expected
    );
    store.close().await;
    assert!(server.stop());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &["--demo"]).await;
    wait_until("the demo articles", Duration::from_secs(60), || async {
        let (_, html) = server.get("/").await;
        article_links(&html).len() >= 30
    })
    .await;
    let (_, sources) = server.get("/sources").await;
    assert_eq!(
        sources.matches("status-ok").count(),
        7,
        "all seven demo outlets fetched"
    );
    assert!(server.stop());
}

/// `tidings serve 2>&1 | head -1`: once the log's reader is gone, writing a log line fails.
/// The server must go on fetching and stop on SIGTERM; tracing's own report of the failed
/// write (an `eprintln!`, which panics on a broken pipe) had killed the scheduler and the
/// signal handler while `/healthz` still answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_log_pipe_stops_neither_ingest_nor_shutdown() {
    let web = support::fixture_day_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start_logging_to(dir.path(), &[], std::process::Stdio::piped()).await;
    server.close_log();
    support::add_fixture_outlets(dir.path(), &web);
    cli_ok(dir.path(), &["sources", "refresh"]);
    wait_until(
        "the fixture outlets' articles, fetched after the log closed",
        Duration::from_secs(60),
        || async {
            let store = open_store(dir.path()).await;
            let count = store.articles().count().await.expect("count");
            store.close().await;
            count > 0
        },
    )
    .await;
    assert!(server.stop(), "SIGTERM stops the server cleanly");
}
