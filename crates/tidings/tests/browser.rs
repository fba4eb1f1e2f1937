//! The site in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`,
//! which `.ci/run` installs) driven through chromedriver. A reader follows links from the
//! front page to a story, asks it a question, opens an article, its outlet and an entity;
//! no page logs a console error, overflows a 360 or 390 px screen or has a serious or critical
//! accessibility violation by axe-core (the npm package, installed under `target/tmp/axe` on
//! first use); screenshots of each page at 390 px and 1280 px are saved under
//! `target/tmp/screenshots/`.
//!
//! Without chromedriver the test says so and passes on a developer's machine, but fails in
//! CI (`CI` set), where the browser is part of what the suite needs.

mod support;

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use support::{Server, add_fixture_outlets, fixture_day_web, open_store, wait_until};

/// A chromedriver process, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Starts chromedriver on a free loopback port, or says why it cannot.
async fn start_driver() -> Option<Driver> {
    let Some(binary) = chromedriver() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is missing: install Debian's chromium and chromium-driver (.ci/run does)"
        );
        eprintln!(
            "browser test not run: chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(resp) = reqwest::get(format!("{}/status", driver.url)).await
            && resp.status().is_success()
        {
            return Some(driver);
        }
        assert!(Instant::now() < deadline, "chromedriver never answered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,900"
            ]
        }),
    );
    caps.insert(
        "goog:loggingPrefs".into(),
        serde_json::json!({ "browser": "ALL" }),
    );
    ClientBuilder::rustls()
        .expect("TLS roots")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// The browser console's errors since the last call (chromedriver's log endpoint).
async fn console_errors(driver: &Driver, client: &Client) -> Vec<String> {
    let session = client
        .session_id()
        .await
        .expect("session id")
        .expect("a session");
    let body = reqwest::Client::new()
        .post(format!("{}/session/{session}/se/log", driver.url))
        .header("content-type", "application/json")
        .body(r#"{"type":"browser"}"#)
        .send()
        .await
        .expect("log request")
        .text()
        .await
        .expect("log body");
    let log: serde_json::Value = serde_json::from_str(&body).expect("log JSON");
    log["value"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|e| e["level"] == "SEVERE")
                .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// axe-core's script, installed from the npm registry into `target/tmp/axe` the first time.
/// Without npm the accessibility checks are skipped with a note, except in CI.
fn axe_source() -> Option<&'static str> {
    static AXE: OnceLock<Option<String>> = OnceLock::new();
    AXE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("axe");
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            let installed = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&dir)
                .arg("axe-core@4")
                .status()
                .is_ok_and(|s| s.success());
            if !installed {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "axe-core could not be installed with npm into {}",
                    dir.display()
                );
                eprintln!("accessibility checks not run: npm could not install axe-core");
                return None;
            }
        }
        Some(std::fs::read_to_string(&script).expect("read axe.min.js"))
    })
    .as_deref()
}

/// axe-core's serious and critical violations on the current page, one line each.
async fn accessibility_violations(client: &Client) -> Vec<String> {
    let Some(axe) = axe_source() else {
        return Vec::new();
    };
    client.execute(axe, vec![]).await.expect("inject axe-core");
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(\
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +\
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))),\
               e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    serde_json::from_value(found).expect("a list of violations")
}

/// Checks the page logged no error, has no serious or critical accessibility violation and
/// fits a phone screen, and saves screenshots at both widths.
async fn check_page(driver: &Driver, client: &Client, name: &str) {
    let errors = console_errors(driver, client).await;
    assert!(errors.is_empty(), "{name}: console errors {errors:?}");
    let violations = accessibility_violations(client).await;
    assert!(
        violations.is_empty(),
        "{name}: accessibility violations {violations:#?}"
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    for (width, height) in [(360, 740), (390, 844), (1280, 900)] {
        client
            .set_window_size(width, height)
            .await
            .expect("window size");
        if width < 400 {
            let fits = client
                .execute(
                    "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                    vec![],
                )
                .await
                .expect("measure");
            assert_eq!(
                fits,
                serde_json::Value::Bool(true),
                "{name} overflows a {width} px screen"
            );
            if width == 360 {
                continue;
            }
        }
        let png = client.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
        std::fs::write(dir.join(format!("{name}-{width}.png")), png).expect("save");
    }
}

/// Clicks the first link `css` finds and checks the new page's path starts with `path`.
async fn follow(client: &Client, css: &str, path: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("a link {css}: {e}"))
        .click()
        .await
        .expect("click");
    let at = client.current_url().await.expect("url");
    assert!(
        at.path().starts_with(path),
        "{css} led to {at}, not {path}…"
    );
}

async fn heading(client: &Client) -> String {
    client
        .find(Locator::Css("h1"))
        .await
        .expect("an h1")
        .text()
        .await
        .expect("its text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_follows_the_site_in_a_real_browser() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let web = fixture_day_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    add_fixture_outlets(dir.path(), &web);
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until(
        "both stories understood and indexed",
        Duration::from_secs(60),
        || async {
            let store = open_store(dir.path()).await;
            let stories = store.stories().recent(0, 10).await.expect("stories");
            let mut understood = stories.len() == 2;
            for s in &stories {
                understood &= store.insights().get(s.id).await.expect("insight").is_some();
            }
            store.close().await;
            understood
                && server
                    .get("/search?q=Vautrin")
                    .await
                    .1
                    .contains("<b>Vautrin</b>")
        },
    )
    .await;

    let client = browser(&driver).await;
    // The accessibility check finds what it should: a field without a label, a page without
    // a language.
    if axe_source().is_some() {
        client
            .goto("data:text/html,<title>t</title><input type=text>")
            .await
            .expect("a bad page");
        let found = accessibility_violations(&client).await;
        assert!(
            found.iter().any(|v| v.contains("label")),
            "axe-core missed an unlabelled field: {found:?}"
        );
    }
    client.goto(&server.url("/")).await.expect("front page");
    assert_eq!(heading(&client).await, "Top stories");
    check_page(&driver, &client, "front").await;

    // j and k move between headlines; / goes to the question field where there is one.
    let body = client.find(Locator::Css("body")).await.expect("body");
    body.send_keys("jj").await.expect("j j");
    let focused = client
        .execute(
            "var links = Array.from(document.querySelectorAll('.card-title a'));\
             return links.indexOf(document.activeElement);",
            vec![],
        )
        .await
        .expect("focus");
    assert_eq!(
        focused,
        serde_json::json!(1),
        "two presses of j reach the second headline"
    );
    // (Keys sent to an element focus it first: send them to the focused headline.)
    client
        .active_element()
        .await
        .expect("the focused headline")
        .send_keys("k")
        .await
        .expect("k");
    let focused = client
        .execute(
            "return Array.from(document.querySelectorAll('.card-title a')).indexOf(document.activeElement);",
            vec![],
        )
        .await
        .expect("focus");
    assert_eq!(focused, serde_json::json!(0), "k goes back");

    follow(&client, ".story-card .card-title a", "/story/").await;
    let story_url = client.current_url().await.expect("url");
    check_page(&driver, &client, "story").await;

    // Ask the story a question through its form.
    let field = client
        .find(Locator::Css("form.ask input[name=q]"))
        .await
        .expect("the question field");
    field.send_keys("Who said so?").await.expect("type");
    client
        .find(Locator::Css("form.ask button"))
        .await
        .expect("the ask button")
        .click()
        .await
        .expect("ask");
    let answer = client
        .wait()
        .for_element(Locator::Css(".answer"))
        .await
        .expect("an answer")
        .text()
        .await
        .expect("its text");
    assert!(!answer.trim().is_empty());
    check_page(&driver, &client, "story-answer").await;

    client.goto(story_url.as_str()).await.expect("back");
    follow(&client, ".coverage .card-title a", "/article/").await;
    let headline = heading(&client).await;
    assert!(!headline.is_empty());
    let ld = client
        .execute(
            "return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent);",
            vec![],
        )
        .await
        .expect("JSON-LD");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], serde_json::json!(headline));
    let og_title = client
        .find(Locator::Css("meta[property='og:title']"))
        .await
        .expect("og:title")
        .attr("content")
        .await
        .expect("content");
    assert_eq!(og_title.as_deref(), Some(headline.as_str()));
    check_page(&driver, &client, "article").await;

    follow(&client, ".kicker a.outlet", "/source/").await;
    check_page(&driver, &client, "source").await;

    // A section from the section bar, the list of sources and the operator's page.
    client.goto(&server.url("/")).await.expect("front page");
    follow(
        &client,
        ".sections a[href='/section/world']",
        "/section/world",
    )
    .await;
    assert_eq!(heading(&client).await, "World");
    check_page(&driver, &client, "section").await;
    for (path, name) in [("/sources", "sources"), ("/operator", "operator")] {
        client.goto(&server.url(path)).await.expect(name);
        check_page(&driver, &client, name).await;
    }

    client.goto(story_url.as_str()).await.expect("back");
    follow(&client, ".entities a", "/entity/").await;
    check_page(&driver, &client, "entity").await;

    // A search from the search page.
    client
        .goto(&server.url("/search"))
        .await
        .expect("search page");
    client
        .find(Locator::Css("input[name=q]"))
        .await
        .expect("the search field")
        .send_keys("Saint-Aurel")
        .await
        .expect("type");
    client
        .find(Locator::Css(".search-form button"))
        .await
        .expect("the search button")
        .click()
        .await
        .expect("search");
    let first = client
        .wait()
        .for_element(Locator::Css(".cards .card-title a"))
        .await
        .expect("a result")
        .text()
        .await
        .expect("its title");
    assert!(
        first.contains("Saint-Aurel") || first.to_lowercase().contains("dam"),
        "{first}"
    );
    check_page(&driver, &client, "search").await;

    client
        .goto(&server.url("/no/such/page"))
        .await
        .expect("404");
    assert_eq!(heading(&client).await, "Page not found");

    client.close().await.expect("close the browser");
    assert!(server.stop());
}
