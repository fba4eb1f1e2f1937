//! Helpers for the binary's end-to-end tests: run `tidings` as a child process against a data
//! directory, wait until it serves, stop it gently or kill it, and serve fixture feeds.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tidings_testkit::{FixtureWeb, Reply};

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_tidings")
}

/// Runs a one-shot command (`sources list`, …) on a data directory.
pub fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("TIDINGS_DATABASE_URL")
        .output()
        .expect("run tidings")
}

/// Runs a one-shot command and returns its standard output; panics if it fails.
pub fn cli_ok(data_dir: &Path, args: &[&str]) -> String {
    let out = cli(data_dir, args);
    assert!(
        out.status.success(),
        "tidings {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A running `tidings serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub data_dir: PathBuf,
}

impl Server {
    /// Starts `serve` on a free port with fixture-friendly settings and waits until
    /// `/healthz` answers.
    pub async fn start(data_dir: &Path, extra: &[&str]) -> Server {
        Self::start_logging_to(data_dir, extra, log_file(data_dir)).await
    }

    /// Starts `serve` as [`Server::start`] does, its log (stderr) going to `log`.
    pub async fn start_logging_to(data_dir: &Path, extra: &[&str], log: Stdio) -> Server {
        let mut command = Command::new(binary());
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--no-default-sources"])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--allow-private-addresses", "--per-host-delay-ms", "0"])
            // The fixtures' sites have no icons, and tests wait for an empty queue; icons
            // have their own tests (tidings-pipeline's icons.rs, tidings-web's source_icons.rs).
            .arg("--no-icons")
            .args(extra)
            .env_remove("TIDINGS_DATABASE_URL")
            .env("TIDINGS_LOG", "info,sqlx=warn")
            .stdout(Stdio::piped())
            .stderr(log);
        if !extra.contains(&"--poll-interval") {
            command.args(["--poll-interval", "3600"]);
        }
        let mut child = command.spawn().expect("start tidings serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Tidings is listening on ") {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("serve printed its address");
        let server = Server {
            child,
            base,
            data_dir: data_dir.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(resp) = reqwest::get(server.url("/healthz")).await
                && resp.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "healthz never answered");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// An absolute URL on the server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GETs a page and returns its status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let resp = reqwest::get(self.url(path)).await.expect("GET");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    /// Stops the server with SIGTERM and returns whether it exited cleanly.
    pub fn stop(mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Closes the reading end of the server's log pipe (started with [`Stdio::piped`]), as
    /// `tidings serve 2>&1 | head` does once `head` has read its lines.
    pub fn close_log(&mut self) {
        drop(self.child.stderr.take());
    }

    /// Kills the server with SIGKILL, as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's log, appended to `serve.log` in the data directory for a failing test to show.
fn log_file(data_dir: &Path) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("serve.log"))
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null())
}

/// Serves the demo corpus's feeds (rendered now) at `/feeds/<file>` and returns their URLs.
pub async fn demo_web() -> (FixtureWeb, Vec<String>) {
    let web = FixtureWeb::start().await;
    let mut urls = Vec::new();
    for (url, bytes) in tidings::demo::bundled_documents(chrono::Utc::now()) {
        let path = format!("/feeds/{}", url.trim_start_matches("demo:"));
        web.set(&path, Reply::feed(bytes));
        urls.push(web.url(&path));
    }
    urls.sort();
    (web, urls)
}

/// Polls `check` until it returns true or the time runs out.
pub async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The article links on a page, in order.
pub fn article_links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/article/")
        .filter_map(|(i, _)| {
            let rest = &html[i + 6..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Opens the data directory's SQLite database, as the server uses it.
pub async fn open_store(data_dir: &Path) -> tidings_store::Store {
    let url = format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("tidings.db").display()
    );
    tidings_store::Store::open(&url, tidings_store::StoreOptions::default())
        .await
        .expect("open the server's database")
}

/// A loopback web serving the fixture day: three outlets, two events
/// ([`tidings_testkit::news`]), dated relative to now.
pub async fn fixture_day_web() -> FixtureWeb {
    let web = FixtureWeb::start().await;
    tidings_testkit::news::serve_two_events(&web, chrono::Utc::now().timestamp());
    web
}

/// Adds the fixture day's outlets as sources of the installation in `data_dir`.
pub fn add_fixture_outlets(data_dir: &Path, web: &FixtureWeb) {
    for outlet in tidings_testkit::news::OUTLETS {
        cli_ok(data_dir, &["sources", "add", &web.url(outlet.feed)]);
    }
}

/// Waits until the installation in `data_dir` has `articles` articles, all placed in stories.
pub async fn wait_until_placed(data_dir: &Path, articles: i64) {
    wait_until(
        "every article placed in a story",
        Duration::from_secs(60),
        || async {
            let store = open_store(data_dir).await;
            let waiting = store
                .stories()
                .unplaced("fetch_article:", 1)
                .await
                .expect("unplaced")
                .len();
            let count = store.articles().count().await.expect("count");
            store.close().await;
            count == articles && waiting == 0
        },
    )
    .await;
}

/// The CSRF token of the first form after `marker` in `html`.
pub fn token_after(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in page"));
    let key = "name=\"csrf\" value=\"";
    let rest = &html[at..];
    let start = rest.find(key).expect("a token") + key.len();
    rest[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The value of the cookie `name` a response sets.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_string))
        .and_then(|c| c.split(';').next().map(str::to_string))
}

/// Logs `name` in through the login form and returns the session cookie's value.
pub async fn log_in(server: &Server, name: &str, password: &str) -> String {
    let (status, session) = try_log_in(server, name, password).await;
    assert_eq!(status, 303, "logged in");
    session.expect("a session")
}

/// Tries to log `name` in through the login form: the answer's status, and the session
/// cookie's value if it set one.
pub async fn try_log_in(server: &Server, name: &str, password: &str) -> (u16, Option<String>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = http
        .get(server.url("/login"))
        .send()
        .await
        .expect("GET /login");
    let nonce = set_cookie(&login, "tidings_csrf").expect("a nonce cookie");
    let token = token_after(&login.text().await.expect("body"), "action=\"/login\"");
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", token.as_str()),
            ("name", name),
            ("password", password),
        ])
        .finish();
    let answer = http
        .post(server.url("/login"))
        .header("cookie", format!("tidings_csrf={nonce}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("POST /login");
    (
        answer.status().as_u16(),
        set_cookie(&answer, "tidings_session"),
    )
}

/// Creates the admin `name` with `password` in the installation in `data_dir`.
pub fn create_admin(data_dir: &Path, name: &str, password: &str) {
    let file = data_dir.join(format!("{name}.password"));
    std::fs::write(&file, format!("{password}\n")).expect("write the password");
    let file = file.to_str().expect("utf-8").to_string();
    cli_ok(
        data_dir,
        &["users", "create", "--admin", name, "--password-file", &file],
    );
}

/// GETs `path` with a session cookie, not following redirects: status and body.
pub async fn get_as(server: &Server, session: &str, path: &str) -> (u16, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let resp = http
        .get(server.url(path))
        .header("cookie", format!("tidings_session={session}"))
        .send()
        .await
        .expect("GET");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("body"))
}
