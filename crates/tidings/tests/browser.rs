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

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use support::{
    Server, add_fixture_outlets, create_admin, fixture_day_web, open_store, token_after, wait_until,
};

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

/// Presses and releases `key` as a keyboard does, wherever the focus is.
async fn press(client: &Client, key: Key) {
    let key: char = key.into();
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(actions).await.expect("a key press");
}

/// Types the character `key` as a keyboard does, wherever the focus is.
async fn type_key(client: &Client, key: char) {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(actions).await.expect("a key press");
}

/// Where the focus is: the focused element's `href` (empty when it has none) and whether it
/// is inside the story's coverage list.
async fn focus_at(client: &Client) -> (String, bool) {
    let at = client
        .execute(
            "var e = document.activeElement;\
             return [e.getAttribute('href') || '', !!e.closest('.coverage')];",
            vec![],
        )
        .await
        .expect("the focused element");
    (
        at[0].as_str().unwrap_or_default().to_string(),
        at[1].as_bool().unwrap_or_default(),
    )
}

/// Tabs through a freshly loaded page until the focus enters the coverage list, and returns
/// the `href` of every stop before it (at most 300).
async fn tab_stops_before_coverage(client: &Client, url: &str) -> Vec<String> {
    client.goto(url).await.expect("the story page");
    let mut stops = Vec::new();
    for _ in 0..300 {
        press(client, Key::Tab).await;
        let (href, in_coverage) = focus_at(client).await;
        if in_coverage {
            return stops;
        }
        stops.push(href);
    }
    panic!("300 tab stops and the coverage list not reached: {stops:?}");
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

    // A keyboard reader: every footnote mark of the summary is a link, so a tab stop, on the
    // way to the coverage list; a skip link before them leads past them.
    let stops = tab_stops_before_coverage(&client, story_url.as_str()).await;
    let marks = stops.iter().filter(|h| h.starts_with("#cite-")).count();
    let skip = stops
        .iter()
        .position(|h| h == "#coverage-heading")
        .unwrap_or_else(|| panic!("no skip link to the coverage: {stops:?}"));
    assert!(marks > 0, "the footnote marks stay reachable: {stops:?}");
    assert!(
        !stops[..skip].iter().any(|h| h.starts_with("#cite-")),
        "the skip link comes before the marks: {stops:?}"
    );
    assert!(
        skip < 12,
        "the skip link is among the page's first stops: {stops:?}"
    );
    client
        .goto(story_url.as_str())
        .await
        .expect("the story page");
    for _ in 0..=skip {
        press(&client, Key::Tab).await;
    }
    assert_eq!(
        focus_at(&client).await,
        ("#coverage-heading".to_string(), false)
    );
    press(&client, Key::Enter).await;
    press(&client, Key::Tab).await;
    assert!(
        focus_at(&client).await.1,
        "the stop after the skip link is in the coverage list"
    );
    eprintln!(
        "story page: {} tab stops before the coverage, {marks} of them footnote marks; {} through the skip link",
        stops.len(),
        skip + 2
    );

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
    for (path, name) in [
        ("/sources", "sources"),
        ("/login", "login"),
        ("/signup", "signup"),
    ] {
        client.goto(&server.url(path)).await.expect(name);
        check_page(&driver, &client, name).await;
    }
    // The operator's page: an admin logs in through the form it sends anyone else to.
    create_admin(dir.path(), "operator", "a long enough password");
    client
        .goto(&server.url("/operator"))
        .await
        .expect("operator");
    let login = client
        .form(Locator::Css("form[action^='/login']"))
        .await
        .expect("the login form");
    login.set_by_name("name", "operator").await.expect("name");
    login
        .set_by_name("password", "a long enough password")
        .await
        .expect("password");
    login.submit().await.expect("log in");
    // Wait for the redirect back: under load the login page's heading may still be there.
    let operator_url = url::Url::parse(&server.url("/operator")).expect("url");
    client
        .wait()
        .for_url(&operator_url)
        .await
        .expect("back at /operator");
    assert_eq!(heading(&client).await, "Operator");
    check_page(&driver, &client, "operator").await;

    // An article saved from its page's button, then on /saved with its "Unsave" button.
    client.goto(story_url.as_str()).await.expect("the story");
    follow(&client, ".coverage .card-title a", "/article/").await;
    let article_url = client.current_url().await.expect("the article's address");
    client
        .find(Locator::XPath(
            "//form[contains(@action, '/mark')]//button[text()='Save']",
        ))
        .await
        .expect("the Save button")
        .click()
        .await
        .expect("save");
    // The click returns before the answer's page loads: wait for the button it brings.
    client
        .wait()
        .for_element(Locator::XPath("//button[text()='Unsave']"))
        .await
        .expect("saved");
    client.goto(&server.url("/saved")).await.expect("saved");
    client
        .find(Locator::Css(".cards .card form button"))
        .await
        .expect("a saved card with its Unsave button");
    check_page(&driver, &client, "saved").await;

    // Keyboard shortcuts on the article: `?` lists them in a dialog (checked as a page is),
    // Esc closes it, and `s` unsaves the article through its page's own form.
    client
        .goto(article_url.as_str())
        .await
        .expect("the article again");
    type_key(&client, '?').await;
    let help = client
        .wait()
        .for_element(Locator::Css("dialog#keys-help[open]"))
        .await
        .expect("the keys' dialog");
    let listed = help.text().await.expect("its text");
    assert!(listed.contains("Save or unsave"), "{listed}");
    check_page(&driver, &client, "keys-help").await;
    press(&client, Key::Escape).await;
    let open = client
        .execute("return !!document.querySelector('dialog[open]');", vec![])
        .await
        .expect("the dialog's state");
    assert_eq!(open, serde_json::Value::Bool(false), "Esc closes it");
    type_key(&client, 's').await;
    client
        .wait()
        .for_element(Locator::XPath(
            "//form[contains(@action, '/mark')]//button[text()='Save']",
        ))
        .await
        .expect("unsaved by `s`");

    // Personal reading, signed in: For you, replies, the reader-app settings (a new key shown once),
    // the OPML import and the page that tells apps how to connect. The entity and search
    // pages below are checked signed in, with their follow buttons.
    for (path, name) in [
        ("/for-you", "for-you"),
        ("/replies", "replies"),
        ("/settings/import", "settings-import"),
        ("/apps", "apps"),
        ("/settings/apps", "settings-apps"),
    ] {
        client.goto(&server.url(path)).await.expect(name);
        check_page(&driver, &client, name).await;
    }
    let key_form = client
        .form(Locator::Css("form[action='/settings/apps/keys']"))
        .await
        .expect("the new-key form");
    key_form
        .set_by_name("label", "A reader app")
        .await
        .expect("label");
    key_form.submit().await.expect("make a key");
    client
        .wait()
        .for_element(Locator::Css("code.api-key"))
        .await
        .expect("the new key");
    check_page(&driver, &client, "settings-apps-new-key").await;

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

/// The XSS corpus: one vector a line, each of whose payloads would set `window.__xss` or
/// open an alert if it ran.
const XSS: &str = include_str!("fixtures/xss.txt");

fn vectors() -> Vec<&'static str> {
    XSS.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Escapes text for XML element content.
fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A feed whose titles and bodies are the XSS corpus.
fn xss_feed(web: &tidings_testkit::FixtureWeb) -> String {
    let v = vectors();
    let now = chrono::Utc::now().timestamp();
    let items: String = v
        .chunks(13)
        .enumerate()
        .map(|(i, chunk)| {
            let body: String = chunk.iter().map(|x| format!("<p>{x}</p>")).collect();
            format!(
                "<item><title>Hostile report {i} {}</title><link>{}</link><pubDate>{}</pubDate>\
                 <description>{}</description></item>",
                xml_text(v[i]),
                web.url(&format!("/hostile/{i}")),
                tidings_testkit::news::rfc2822(now - 60 * (i as i64 + 1)),
                xml_text(&body)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile &lt;b onmouseover=window.__xss=1&gt;Wire</title>\
         <link>{}</link><language>en</language>{items}</channel></rss>",
        web.url("/")
    )
}

/// A logged-in HTTP client for posting comments (cookies kept by hand).
struct Poster {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
    csrf: String,
}

impl Poster {
    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let first = value
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                self.cookies.retain(|(name, _)| name != k);
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> u16 {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", self.cookie())
            .body(body)
            .send()
            .await
            .expect("POST");
        self.keep(&response);
        response.status().as_u16()
    }

    async fn get(&mut self, path: &str) -> String {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .send()
            .await
            .expect("GET");
        self.keep(&response);
        response.text().await.expect("body")
    }

    /// Logs in (or signs up with `display_name`) through the forms.
    async fn start(base: &str, name: &str, signup_as: Option<&str>) -> Poster {
        let mut p = Poster {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_string(),
            cookies: Vec::new(),
            csrf: String::new(),
        };
        let form = if signup_as.is_some() {
            "/signup"
        } else {
            "/login"
        };
        let page = p.get(form).await;
        let token = token_after(&page, &format!("action=\"{form}\""));
        let mut fields = vec![
            ("csrf", token.as_str()),
            ("name", name),
            ("password", "a long enough password"),
        ];
        if let Some(display) = signup_as {
            fields.push(("display_name", display));
        }
        assert_eq!(p.post(form, &fields).await, 303, "{form} as {name}");
        let account = p.get("/account").await;
        p.csrf = token_after(&account, "action=\"/account/name\"");
        p
    }
}

/// Loads `url` and checks that nothing hostile ran or was planted: no alert open,
/// `window.__xss` unset, no script but the site's own, no inline event handler, no
/// `javascript:` link, no frame or plugin element. Returns the page's text.
async fn assert_inert(client: &Client, url: &str, name: &str) -> String {
    client.goto(url).await.expect("load");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        client.get_alert_text().await.is_err(),
        "{name}: an alert is open"
    );
    let verdict = client
        .execute(
            "const foreign = Array.from(document.scripts).filter(s => !(s.type === 'application/ld+json' \
               || /\\/static\\/(keys|comments)\\.[0-9a-f]{12}\\.js$/.test(s.src))).map(s => s.outerHTML.slice(0, 120));\
             const handlers = Array.from(document.querySelectorAll('*')).filter(e => \
               Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).map(e => e.outerHTML.slice(0, 120));\
             const links = Array.from(document.querySelectorAll('[href],[src],[action],[formaction],[data]')).filter(e => \
               ['href','src','action','formaction','data'].some(k => /^\\s*(javascript|vbscript|data):/i.test(e.getAttribute(k) || ''))).map(e => e.outerHTML.slice(0, 120));\
             const frames = document.querySelectorAll('iframe,object,embed,frame,base,meta[http-equiv]').length;\
             return { xss: typeof window.__xss === 'undefined' ? null : String(window.__xss), foreign, handlers, links, frames };",
            vec![],
        )
        .await
        .expect("inspect");
    assert_eq!(
        verdict["xss"],
        serde_json::Value::Null,
        "{name}: a payload ran"
    );
    assert_eq!(
        verdict["foreign"],
        serde_json::json!([]),
        "{name}: foreign scripts"
    );
    assert_eq!(
        verdict["handlers"],
        serde_json::json!([]),
        "{name}: event handlers"
    );
    assert_eq!(
        verdict["links"],
        serde_json::json!([]),
        "{name}: script URLs"
    );
    assert_eq!(
        verdict["frames"],
        serde_json::json!(0),
        "{name}: frames or plugins"
    );
    client.source().await.expect("source")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_xss_vector_runs_in_comments_names_or_feed_content() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let vectors = vectors();
    assert!(
        vectors.len() >= 100,
        "the corpus has {} vectors",
        vectors.len()
    );
    let web = fixture_day_web().await;
    web.set(
        "/hostile/feed.xml",
        tidings_testkit::Reply::feed(xss_feed(&web)),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    add_fixture_outlets(dir.path(), &web);
    support::cli_ok(
        dir.path(),
        &["sources", "add", &web.url("/hostile/feed.xml")],
    );
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        "[people]\nburst_comments_per_minute = 0\n[people.limits]\n\
         comments_per_minute_per_account = 0\ncomments_per_minute_per_ip = 0\n\
         signups_per_hour_per_ip = 0\nwrites_per_minute_per_account = 0\n",
    )
    .expect("config");
    let password = dir.path().join("password");
    std::fs::write(&password, "a long enough password\n").expect("password file");
    // Display names from the corpus: a moderator's, and readers' made on the command line;
    // no two that pass for one another, which the site refuses.
    let mut keys = std::collections::HashSet::new();
    let short: Vec<&str> = vectors
        .iter()
        .copied()
        .filter(|v| v.chars().count() <= 64)
        .filter(|v| keys.insert(tidings_store::lookalike_key(v)))
        .collect();
    let config_arg = config.to_str().expect("utf-8 path");
    let password_arg = password.to_str().expect("utf-8 path");
    for (i, name) in short.iter().take(6).enumerate() {
        let login = format!("user{i}");
        let mut args = vec![
            "--config",
            config_arg,
            "users",
            "create",
            &login,
            "--password-file",
            password_arg,
            "--display-name",
            name,
        ];
        if i == 0 {
            args.push("--moderator");
        }
        support::cli_ok(dir.path(), &args);
    }
    let server = Server::start(dir.path(), &["--no-article-pages", "--config", config_arg]).await;
    support::wait_until_placed(dir.path(), 5 + vectors.len().div_ceil(13) as i64).await;
    let store = open_store(dir.path()).await;
    let hostile = store
        .articles()
        .latest(100, 0)
        .await
        .expect("articles")
        .into_iter()
        .find(|l| l.article.content.title.starts_with("Hostile report 0"))
        .expect("the hostile feed's first report");
    let article_path = format!(
        "/article/{}/{}",
        hostile.article.id,
        tidings_web::slugify(&hostile.article.content.title)
    );
    let story_path = format!("/story/{}", hostile.article.story_id.expect("placed"));
    store.close().await;

    // Every vector as a comment, by authors whose names are vectors too; one signs up on
    // the site with a hostile display name.
    let mut posters = Vec::new();
    for i in 0..6 {
        posters.push(Poster::start(&server.base, &format!("user{i}"), None).await);
    }
    posters.push(Poster::start(&server.base, "webuser", Some(short[6])).await);
    for (i, v) in vectors.iter().enumerate() {
        let poster = &mut posters[i % 7];
        let csrf = poster.csrf.clone();
        let target = if i % 2 == 0 {
            &article_path
        } else {
            &story_path
        };
        // Numbered, so the repeated-text rule does not refuse near-identical vectors.
        let body = format!("{v}\n\nVector {i}.");
        let status = poster
            .post(
                &format!("{target}/comments"),
                &[("csrf", &csrf), ("body", &body)],
            )
            .await;
        assert_eq!(status, 303, "comment {i}: {v}");
    }
    // Replies, a report and a hidden comment, so the moderation page shows them too.
    let csrf = posters[1].csrf.clone();
    posters[1]
        .post(
            &format!("{article_path}/comments"),
            &[("csrf", &csrf), ("body", vectors[2]), ("parent", "1")],
        )
        .await;
    assert_eq!(
        posters[1]
            .post(
                "/comments/3/report",
                &[("csrf", &csrf), ("reason", vectors[0])]
            )
            .await,
        303
    );
    let mod_csrf = posters[0].csrf.clone();
    assert_eq!(
        posters[0]
            .post(
                "/moderation/comments/5/hide",
                &[("csrf", &mod_csrf), ("note", vectors[1])]
            )
            .await,
        303
    );

    let client = browser(&driver).await;
    let mut seen = 0;
    for (path, name) in [
        ("/", "front"),
        (article_path.as_str(), "article"),
        (story_path.as_str(), "story"),
    ] {
        let source = assert_inert(&client, &server.url(path), name).await;
        seen += source.matches("__xss").count();
    }
    assert!(seen >= 100, "the vectors are on the pages, as text: {seen}");
    // Logged in as the moderator (a hostile display name), with every form on the page.
    client
        .goto(&server.url("/login"))
        .await
        .expect("login page");
    client
        .find(Locator::Css("#login-name"))
        .await
        .expect("name")
        .send_keys("user0")
        .await
        .expect("type");
    client
        .find(Locator::Css("#login-password"))
        .await
        .expect("password")
        .send_keys("a long enough password")
        .await
        .expect("type");
    client
        .find(Locator::Css("form[action='/login'] button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("log in");
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (path, name) in [
        (article_path.as_str(), "article-logged-in"),
        ("/moderation", "moderation"),
        // The moderator's first comment was answered above: the reply, its author's name
        // and the excerpt of the comment are all vectors.
        ("/replies", "replies"),
    ] {
        let source = assert_inert(&client, &server.url(path), name).await;
        assert!(source.contains("action=\"/logout\""), "{name}: logged in");
    }
    client.close().await.expect("close the browser");
    assert!(server.stop());
}
