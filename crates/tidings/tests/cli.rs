//! The command line: help everywhere, source management, OPML round trips, default sources,
//! configuration errors.

mod support;

use std::time::Duration;
use support::{Server, cli, cli_ok, wait_until};
use tidings_testkit::{FixtureWeb, Reply};

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["sources", "--help"],
        vec!["sources", "add", "--help"],
        vec!["sources", "list", "--help"],
        vec!["sources", "refresh", "--help"],
        vec!["sources", "remove", "--help"],
        vec!["sources", "approve", "--help"],
        vec!["sources", "reject", "--help"],
        vec!["sources", "pause", "--help"],
        vec!["sources", "resume", "--help"],
        vec!["sources", "edit", "--help"],
        vec!["import-opml", "--help"],
        vec!["export-opml", "--help"],
    ] {
        let out = cli_ok(dir.path(), &args);
        assert!(out.contains("Usage: tidings"), "{args:?}: {out}");
    }
    let serve_help = cli_ok(dir.path(), &["serve", "--help"]);
    for flag in [
        "--listen",
        "--data-dir",
        "--database-url",
        "--demo",
        "--no-default-sources",
        "--config",
    ] {
        assert!(serve_help.contains(flag), "serve --help lacks {flag}");
    }
}

#[test]
fn sources_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = cli_ok(
        d,
        &[
            "sources",
            "add",
            "https://a.example/feed.xml",
            "--name",
            "A News",
            "--category",
            "World",
        ],
    );
    assert_eq!(out.trim(), "Added source 1: https://a.example/feed.xml");
    assert!(
        !cli_ok(d, &["sources", "list"]).contains("No sources"),
        "listed"
    );
    cli_ok(d, &["sources", "add", "https://b.example/rss"]);

    let again = cli(d, &["sources", "add", "https://a.example/feed.xml"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already a source"));
    let bad = cli(d, &["sources", "add", "ftp://a.example/feed"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an http or https URL"));

    let list = cli_ok(d, &["sources", "list"]);
    assert!(
        list.contains("A News") && list.contains("https://b.example/rss"),
        "{list}"
    );
    assert!(list.contains("new") && list.contains("never"), "{list}");
    assert!(list.contains("2 sources, 0 failing"), "{list}");

    assert_eq!(
        cli_ok(d, &["sources", "refresh", "1"]).trim(),
        "1 source will be fetched at the next scheduler tick."
    );

    // A private address is added (a server may be started to fetch it), with a warning
    // naming the setting that lets the server fetch it.
    let private = cli(d, &["sources", "add", "http://127.0.0.99/feed.xml"]);
    assert!(private.status.success());
    let warning = String::from_utf8_lossy(&private.stderr);
    assert!(warning.contains("allow_private_addresses"), "{warning}");
    let public = cli(d, &["sources", "add", "https://c.example/feed.xml"]);
    assert!(String::from_utf8_lossy(&public.stderr).is_empty());

    // Several at once; a name that is no source removes none of them.
    let typo = cli(d, &["sources", "remove", "3", "99"]);
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no source \"99\""));
    assert!(cli_ok(d, &["sources", "list"]).contains("4 sources"));
    let both = cli_ok(d, &["sources", "remove", "3", "4"]);
    assert!(
        both.contains("Removed source 3") && both.contains("Removed source 4"),
        "{both}"
    );

    assert!(
        cli_ok(d, &["sources", "remove", "https://b.example/rss"]).starts_with("Removed source 2")
    );
    assert!(cli_ok(d, &["sources", "remove", "1"]).starts_with("Removed source 1"));
    let missing = cli(d, &["sources", "remove", "1"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no source \"1\""));
}

/// `sources add` warns about IPv6 addresses that reach a private IPv4 one (NAT64, 6to4) and
/// about special-purpose ranges, as it does about 127.0.0.1 (audit S3); a NAT64 address of a
/// public IPv4 one is an ordinary source.
#[test]
fn sources_add_warns_about_special_purpose_addresses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for special in [
        "http://[64:ff9b::a00:1]/feed.xml",
        "http://[2002:7f00:1::]/feed.xml",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/feed.xml",
        "http://[fec0::1]/feed.xml",
        "http://192.0.0.1/feed.xml",
    ] {
        let added = cli(d, &["sources", "add", special]);
        assert!(added.status.success(), "{special}");
        let warning = String::from_utf8_lossy(&added.stderr);
        assert!(
            warning.contains("private") && warning.contains("allow_private_addresses"),
            "{special}: {warning}"
        );
    }
    let nat64 = cli(d, &["sources", "add", "http://[64:ff9b::808:808]/feed.xml"]);
    assert!(nat64.status.success());
    assert!(String::from_utf8_lossy(&nat64.stderr).is_empty());
}

/// `sources list` shows the entries a source's last fetch left out for having no link,
/// with its other ingest problems.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_list_shows_entries_left_out_for_having_no_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    cli_ok(d, &["sources", "add", "https://a.example/feed.xml"]);
    let store = support::open_store(d).await;
    let source = store
        .sources()
        .find_by_url("https://a.example/feed.xml")
        .await
        .expect("read")
        .expect("added");
    store
        .sources()
        .record_success(
            source.id,
            &tidings_store::FetchSuccess {
                at: 100,
                next_fetch_at: 200,
                skipped_no_link: Some(1),
                ..tidings_store::FetchSuccess::default()
            },
        )
        .await
        .expect("fetched");
    store.close().await;
    let list = cli_ok(d, &["sources", "list"]);
    assert!(
        list.contains("1 entry without a link left out at the last fetch"),
        "{list}"
    );
}

/// The command line's source changes are in the moderation log beside the admin pages'
/// (no moderator: "(command line)" on `/moderation`), so an operator can tell who did what.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_commands_are_written_to_the_moderation_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    cli_ok(d, &["sources", "add", "https://a.example/feed.xml"]);
    cli_ok(d, &["sources", "display", "1", "excerpt"]);
    cli_ok(d, &["sources", "refresh", "1"]);
    cli_ok(d, &["sources", "refresh"]);
    let opml = d.join("in.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline type="rss" text="B" xmlUrl="https://b.example/feed"/></body></opml>"#,
    )
    .expect("write");
    cli_ok(d, &["import-opml", opml.to_str().expect("path")]);
    cli_ok(d, &["sources", "remove", "1"]);
    // A refused command changes nothing and logs nothing.
    assert!(
        !cli(d, &["sources", "add", "https://b.example/feed"])
            .status
            .success()
    );

    let store = support::open_store(d).await;
    let mut log = store.moderation().log_entries(20).await.expect("log");
    log.reverse();
    let lines: Vec<(String, Option<i64>, String)> = log
        .iter()
        .map(|e| {
            assert_eq!(e.moderator_id, None, "the command line has no moderator");
            (e.action.clone(), e.source_id.map(|s| s.0), e.note.clone())
        })
        .collect();
    let url = "https://a.example/feed.xml";
    assert_eq!(
        lines,
        vec![
            ("source-add".into(), Some(1), url.into()),
            ("source-display".into(), Some(1), "excerpt".into()),
            ("source-refresh".into(), Some(1), String::new()),
            ("source-refresh".into(), None, "every source (1)".into()),
            (
                "source-import".into(),
                None,
                format!("{}: 1 added, 0 present", opml.display())
            ),
            (
                "source-remove".into(),
                Some(1),
                format!("{url} (0 articles)")
            ),
        ]
    );
}

/// Sources readers asked for wait for review: `sources list` shows them apart, with who
/// asked and since when, and `sources approve|reject` decide on them as the admin page's
/// buttons do (logged with no moderator). Every name is looked up first: a typo, or a source
/// that does not wait, changes nothing and the error names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_awaiting_review_are_listed_approved_and_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    cli_ok(d, &["sources", "add", "https://public.example/feed.xml"]);
    let store = support::open_store(d).await;
    let ann = store
        .users()
        .create(
            &tidings_store::NewUser {
                name: "ann".into(),
                display_name: "Ann Reader".into(),
                password_hash: "h".into(),
                role: tidings_model::Role::Reader,
            },
            1,
        )
        .await
        .expect("create ann");
    for (url, at) in [
        ("https://asked.example/feed", 1_700_000_000),
        ("https://other.example/feed", 1_700_000_100),
    ] {
        let new = tidings_store::NewSource {
            url: url.into(),
            ..tidings_store::NewSource::default()
        };
        let by = tidings_store::AddedBy::ReaderForReview(ann.id);
        store.sources().add_by(&new, by, at).await.expect("asked");
    }
    store.close().await;

    let list = cli_ok(d, &["sources", "list"]);
    assert!(
        list.contains("1 sources, 0 failing, 2 awaiting review"),
        "{list}"
    );
    let (table, waiting) = list
        .split_once("Awaiting review")
        .expect("a part of its own");
    assert!(!table.contains("asked.example"), "{list}");
    assert!(
        waiting.contains(
            "    2  https://asked.example/feed\n       awaiting review, requested by Ann \
             Reader, since 2023-11-14 22:13 UTC (0 subscribers)"
        ),
        "{list}"
    );
    assert!(
        waiting.contains("    3  https://other.example/feed"),
        "{list}"
    );

    // A typo, or a source that is already public, decides nothing.
    let typo = cli(d, &["sources", "approve", "2", "99"]);
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no source \"99\""));
    let public = cli(d, &["sources", "reject", "2", "1"]);
    assert!(!public.status.success());
    let err = String::from_utf8_lossy(&public.stderr);
    assert!(
        err.contains("source 1 (https://public.example/feed.xml) is not awaiting review"),
        "{err}"
    );
    assert!(cli_ok(d, &["sources", "list"]).contains("2 awaiting review"));

    let approved = cli_ok(d, &["sources", "approve", "2"]);
    assert!(
        approved.starts_with("Approved source 2: https://asked.example/feed"),
        "{approved}"
    );
    let rejected = cli_ok(d, &["sources", "reject", "https://other.example/feed"]);
    assert!(
        rejected.starts_with("Rejected source 3: https://other.example/feed"),
        "{rejected}"
    );
    let list = cli_ok(d, &["sources", "list"]);
    assert!(list.contains("2 sources, 0 failing\n"), "{list}");
    assert!(
        !list.contains("Awaiting review") && !list.contains("other.example"),
        "{list}"
    );
    let again = cli(d, &["sources", "approve", "2"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not awaiting review"));

    let store = support::open_store(d).await;
    let mut log = store.moderation().log_entries(20).await.expect("log");
    log.reverse();
    let decisions: Vec<(String, Option<i64>, Option<i64>)> = log
        .iter()
        .filter(|e| e.action == "source-approve" || e.action == "source-reject")
        .map(|e| {
            (
                e.action.clone(),
                e.moderator_id.map(|m| m.0),
                e.source_id.map(|s| s.0),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        vec![
            ("source-approve".into(), None, Some(2)),
            ("source-reject".into(), None, Some(3)),
        ]
    );
    assert!(
        store
            .sources()
            .due(i64::MAX, 10)
            .await
            .expect("due")
            .contains(&tidings_model::SourceId(2))
    );
    store.close().await;
}

/// One `serve` per SQLite database: a second one on the same file refuses to start, naming
/// the first by pid and pointing at PostgreSQL, while one-shot commands work beside the
/// first; once the first is killed (a crash: SIGKILL), a new `serve` starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_serve_on_one_sqlite_database_is_refused_until_the_first_dies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let first = Server::start(d, &[]).await;

    let mut second = std::process::Command::new(support::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--no-default-sources"])
        .arg("--data-dir")
        .arg(d)
        .env_remove("TIDINGS_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start a second serve");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            panic!("a second serve ran beside the first on one SQLite database");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut second.stderr.take().expect("stderr"), &mut err)
        .expect("read stderr");
    assert!(!status.success());
    let named = format!(
        "another Tidings process (pid {}) already serves",
        first.pid()
    );
    assert!(err.contains(&named), "{err}");
    assert!(
        err.contains("tidings.db.lock") && err.contains("PostgreSQL"),
        "{err}"
    );

    // One-shot commands read and write beside the running server.
    cli_ok(d, &["sources", "add", "https://a.example/feed.xml"]);
    assert!(cli_ok(d, &["sources", "list"]).contains("1 sources"));
    cli_ok(d, &["users", "list"]);
    cli_ok(d, &["search", "flood"]);
    let copy = d.join("copy.db");
    cli_ok(d, &["backup", copy.to_str().expect("path")]);
    assert!(copy.exists());

    first.kill();
    let next = Server::start(d, &[]).await;
    let (status, _) = next.get("/sources").await;
    assert_eq!(status, 200);
    assert!(next.stop());
}

#[test]
fn opml_export_and_import_round_trip() {
    let first = tempfile::tempdir().expect("tempdir");
    let opml = first.path().join("in.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="Europe"><outline type="rss" text="DW" xmlUrl="https://rss.dw.example/world"
            htmlUrl="https://dw.example/" language="en"/></outline>
        <outline type="rss" text="Loose" xmlUrl="https://loose.example/feed"/>
        <outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>
        </body></opml>"#,
    )
    .expect("write");
    let out = cli_ok(first.path(), &["import-opml", opml.to_str().expect("path")]);
    assert!(out.starts_with("Imported 2 sources"), "{out}");
    let again = cli_ok(first.path(), &["import-opml", opml.to_str().expect("path")]);
    assert!(
        again.starts_with("Imported 0 sources") && again.contains("2 already present"),
        "{again}"
    );

    let exported = first.path().join("out.opml");
    cli_ok(
        first.path(),
        &["export-opml", exported.to_str().expect("path")],
    );
    let stdout = cli_ok(first.path(), &["export-opml"]);
    assert!(stdout.contains("https://rss.dw.example/world"));

    let second = tempfile::tempdir().expect("tempdir");
    let out = cli_ok(
        second.path(),
        &["import-opml", exported.to_str().expect("path")],
    );
    assert!(out.starts_with("Imported 2 sources"), "{out}");
    let list = cli_ok(second.path(), &["sources", "list"]);
    assert!(list.contains("DW") && list.contains("Loose"), "{list}");
    let reexported = cli_ok(second.path(), &["export-opml"]);
    assert!(
        reexported.contains("text=\"Europe\""),
        "folders survive: {reexported}"
    );

    let broken = first.path().join("broken.opml");
    std::fs::write(&broken, "<html>nope</html>").expect("write");
    let failed = cli(
        first.path(),
        &["import-opml", broken.to_str().expect("path")],
    );
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("not a valid OPML file"));
}

#[test]
fn a_bad_configuration_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, "[fetch]\ntimeout = 3\n").expect("write");
    let out = cli(
        dir.path(),
        &[
            "--config",
            config.to_str().expect("path"),
            "sources",
            "list",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid configuration file") && err.contains("timeout"),
        "{err}"
    );
}

#[test]
fn the_bundled_default_sources_are_a_world_news_list() {
    let outlines = tidings_feeds::parse_opml(tidings::DEFAULT_SOURCES_OPML).expect("parse");
    assert!(
        (30..=60).contains(&outlines.len()),
        "{} default sources",
        outlines.len()
    );
    let hosts: std::collections::BTreeSet<String> = outlines
        .iter()
        .map(|o| {
            let url = url::Url::parse(&o.url).expect("absolute URL");
            assert!(matches!(url.scheme(), "http" | "https"), "{}", o.url);
            assert!(!o.title.is_empty() && o.category.is_some(), "{o:?}");
            url.host_str().expect("host").to_string()
        })
        .collect();
    assert!(hosts.len() >= 30, "many outlets, not one: {hosts:?}");
    let languages: std::collections::BTreeSet<_> =
        outlines.iter().filter_map(|o| o.language.clone()).collect();
    assert!(languages.len() >= 5, "many languages: {languages:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_database_gets_the_default_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    // No workers: the default sources are on the internet, which tests never reach.
    let mut command = std::process::Command::new(support::binary());
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-workers",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().expect("start");
    let stdout = child.stdout.take().expect("stdout");
    let line = std::io::BufRead::lines(std::io::BufReader::new(stdout))
        .map_while(Result::ok)
        .find(|l| l.starts_with("Tidings is listening on "))
        .expect("address line");
    let base = line
        .trim_start_matches("Tidings is listening on ")
        .trim_end_matches('/')
        .to_string();
    let sources = reqwest::get(format!("{base}/sources"))
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        sources.contains("Deutsche Welle") || sources.contains("DW"),
        "DW is a default source"
    );
    assert!(sources.contains("BBC"), "BBC is a default source");
    let list = cli_ok(dir.path(), &["sources", "list"]);
    let count = list.lines().filter(|l| l.contains("  new  ")).count();
    assert!(count >= 30, "{count} default sources listed:\n{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sources_are_marked_and_good_ones_unaffected() {
    let web = FixtureWeb::start().await;
    let good = "<rss version=\"2.0\"><channel><title>Good Outlet</title>\
        <item><title>A good story</title><link>https://good.example/1</link>\
        <description>It works.</description></item></channel></rss>";
    web.set("/good.xml", Reply::feed(good));
    web.set("/404.xml", Reply::Status(404));
    web.set("/500.xml", Reply::Status(500));
    web.set(
        "/page.html",
        Reply::html("<!doctype html><html><body>Just a page</body></html>"),
    );
    web.set(
        "/invalid.xml",
        Reply::feed("<rss><channel><item><title>oops</channel>"),
    );
    web.set("/huge.xml", Reply::Filler(3 * 1024 * 1024));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = format!("http://{}/feed.xml", closed.local_addr().expect("addr"));
    drop(closed);

    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for path in [
        "/good.xml",
        "/404.xml",
        "/500.xml",
        "/page.html",
        "/invalid.xml",
        "/huge.xml",
    ] {
        cli_ok(d, &["sources", "add", &web.url(path)]);
    }
    cli_ok(d, &["sources", "add", &unreachable]);
    let server = Server::start(d, &["--max-body-bytes", "1048576", "--no-article-pages"]).await;
    wait_until(
        "every source fetched once",
        Duration::from_secs(60),
        || async { !cli_ok(d, &["sources", "list"]).contains("never") },
    )
    .await;
    let list = cli_ok(d, &["sources", "list"]);
    for expected in [
        "error: HTTP 404 Not Found",
        "error: HTTP 500 Internal Server Error",
        "error: not a feed: the address returned an HTML page",
        "error: not a valid feed",
        "error: response larger than the 1048576-byte cap",
        "error: could not connect",
        "7 sources, 6 failing",
    ] {
        assert!(list.contains(expected), "missing {expected:?} in:\n{list}");
    }
    let (_, front) = server.get("/").await;
    assert!(front.contains("A good story"));
    let (_, sources_page) = server.get("/sources").await;
    assert!(sources_page.contains("HTTP 404 Not Found"));
    assert!(server.stop());
}

#[test]
fn extract_prints_a_page_as_text_json_or_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../extract/tests/fixtures/en_wire_afp.html"
    );
    let text = cli_ok(dir.path(), &["extract", page]);
    assert!(text.contains("Credit: AFP"), "{text}");
    assert!(text.contains("Confidence: "), "{text}");
    let json = cli_ok(dir.path(), &["extract", page, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(value["text"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(value["credit"]["agencies"][0], "AFP");
    let html = cli_ok(dir.path(), &["extract", page, "--format", "html"]);
    assert!(html.contains("<p>") && !html.contains("<script"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_refuses_private_addresses() {
    let web = FixtureWeb::start().await;
    web.set(
        "/page",
        Reply::html("<html><body><p>internal</p></body></html>"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(dir.path(), &["extract", &web.url("/page")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused: 127.0.0.1 is a private"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_feed_markup_never_reaches_a_page() {
    let web = FixtureWeb::start().await;
    let words = vec!["word"; 200].join(" ");
    web.set(
        "/xss.xml",
        Reply::feed(format!(
            "<rss version=\"2.0\"><channel><title>&lt;script&gt;alert('outlet')&lt;/script&gt;</title>\
             <item><title>&lt;img src=x onerror=alert(1)&gt;Headline</title>\
             <link>https://xss.example/a</link>\
             <description><![CDATA[<p onclick=\"alert(2)\">Teaser</p>]]></description>\
             <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[\
             <p>{words}</p><script>alert(3)</script><a href=\"javascript:alert(4)\">link</a>\
             <iframe src=\"https://evil.example/\"></iframe><svg onload=\"alert(5)\"></svg>\
             <img src=\"https://xss.example/i.png\" onerror=\"alert(6)\">]]></content:encoded>\
             </item></channel></rss>"
        )),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    cli_ok(dir.path(), &["sources", "add", &web.url("/xss.xml")]);
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until("the hostile article", Duration::from_secs(30), || async {
        !support::article_links(&server.get("/").await.1).is_empty()
    })
    .await;
    let (_, front) = server.get("/").await;
    let link = support::article_links(&front).remove(0);
    let (_, page) = server.get(&link).await;
    let (_, sources) = server.get("/sources").await;
    for html in [&front, &page, &sources] {
        for bad in [
            "<script>alert",
            "onerror=",
            "onclick=",
            "javascript:",
            "<iframe",
            "onload=",
        ] {
            assert!(!html.contains(bad), "{bad} reached a page");
        }
    }
    assert!(
        page.contains("Headline") && page.contains("word word"),
        "the text survives"
    );
    assert!(server.stop());
}

#[test]
fn a_worker_needs_postgres() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = support::cli(dir.path(), &["worker"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`tidings worker` needs PostgreSQL"), "{err}");
}

#[test]
fn feed_credentials_are_flagged_on_the_command_line_and_left_out_of_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let secret = "http://reader:s3cret@host.example/feed.xml?token=abc123";
    let added = cli_ok(d, &["sources", "add", secret]);
    assert!(added.contains("carries credentials"), "{added}");
    let list = cli_ok(d, &["sources", "list"]);
    assert!(
        list.contains(secret) && list.contains("carries credentials"),
        "the operator sees the full address, flagged: {list}"
    );
    let out = cli(d, &["export-opml"]);
    assert!(out.status.success());
    let opml = String::from_utf8_lossy(&out.stdout);
    assert!(
        !opml.contains("s3cret") && !opml.contains("abc123"),
        "{opml}"
    );
    assert!(
        opml.contains("http://host.example/feed.xml?token=REDACTED"),
        "{opml}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--with-credentials"));
    let full = cli_ok(d, &["export-opml", "--with-credentials"]);
    assert!(full.contains("reader:s3cret@host.example"), "{full}");
}

#[test]
fn help_texts_name_what_each_command_offers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let sources = cli_ok(d, &["sources", "--help"]);
    for word in ["Add, list, refresh, pause, resume, edit or remove", "shows"] {
        assert!(sources.contains(word), "sources --help: {sources}");
    }
    let bench = cli_ok(d, &["bench", "--help"]);
    let about = bench.lines().next().unwrap_or_default();
    for word in [
        "extraction",
        "feed parsing",
        "date parsing",
        "clustering",
        "summaries",
        "ingest",
        "workers",
        "search",
        "web pages",
    ] {
        assert!(about.contains(word), "bench --help names {word}: {about}");
    }
    let worker = cli_ok(d, &["worker", "--help"]);
    for web_only in [
        "--demo",
        "--no-workers",
        "--display",
        "--no-default-sources",
    ] {
        // An option starts its line; the description may name serve's flags.
        let offered = worker
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{web_only} ")));
        assert!(!offered, "worker --help offers {web_only}: {worker}");
    }
    for flag in ["--listen", "/metrics", "--workers", "--poll-interval"] {
        assert!(
            worker.contains(flag),
            "worker --help lacks {flag}: {worker}"
        );
    }
    assert!(
        !cli(d, &["worker", "--demo"]).status.success(),
        "worker refuses --demo"
    );
}

#[test]
fn a_data_dir_without_a_database_is_said_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let db = d.join("tidings.db");
    for args in [
        vec!["users", "list"],
        vec!["sources", "list"],
        vec!["export-opml"],
        vec!["search", "flood"],
    ] {
        let out = cli(d, &args);
        assert!(!out.status.success(), "{args:?} on no database");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("no database at"), "{args:?}: {stderr}");
        assert!(!db.exists(), "{args:?} created an empty database");
    }
    let backup = d.join("copy.db");
    let out = cli(d, &["backup", backup.to_str().expect("utf-8")]);
    assert!(!out.status.success() && !db.exists() && !backup.exists());

    let out = cli(d, &["sources", "add", "https://a.example/feed.xml"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no database at") && stderr.contains("creating an empty one"),
        "{stderr}"
    );
    assert!(db.exists());
    let again = cli(d, &["sources", "add", "https://b.example/feed.xml"]);
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("no database at"),
        "said only when it is created"
    );
    let users = cli_ok(d, &["users", "list"]);
    assert!(users.contains("No accounts"), "{users}");
}

#[test]
fn a_base_url_that_is_no_address_stops_the_server_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tidings.toml");
    std::fs::write(&config, "base_url = \"not a url\"\n").expect("write");
    let out = cli(
        dir.path(),
        &[
            "serve",
            "--config",
            config.to_str().expect("utf-8"),
            "--listen",
            "127.0.0.1:0",
        ],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not an http(s) address"), "{stderr}");
}

#[test]
fn an_unreachable_postgres_is_reported_at_once_in_its_own_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = std::time::Instant::now();
    // Port 1 on loopback: nothing listens, the connection is refused.
    let out = cli(
        dir.path(),
        &[
            "users",
            "list",
            "--database-url",
            "postgres://tidings@127.0.0.1:1/tidings",
        ],
    );
    let took = started.elapsed();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(!stderr.contains("pool timed out"), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_failed_backup_says_its_cause_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    cli_ok(
        dir.path(),
        &["sources", "add", "https://a.example/feed.xml"],
    );
    let out = cli(dir.path(), &["backup", "/nonexistent-tidings-dir/x.db"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .expect("an error line");
    assert_eq!(
        line.matches("unable to open database").count(),
        1,
        "the cause is said once: {line}"
    );
    assert!(line.contains("cannot write the backup to"), "{line}");
}

#[test]
fn bench_web_without_wrk_keeps_the_last_runs_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scratch = dir.path().join("bench");
    std::fs::create_dir(&scratch).expect("mkdir");
    // An earlier run's directory: its marker says the benchmark may empty it.
    std::fs::write(
        scratch.join(tidings_search::bench_dir::BENCH_MARKER),
        "made by a bench",
    )
    .expect("write");
    std::fs::write(scratch.join("tidings.db"), "the last run's data").expect("write");
    let no_wrk = dir.path().join("empty-path");
    std::fs::create_dir(&no_wrk).expect("mkdir");
    let out = std::process::Command::new(support::binary())
        .args(["bench", "web", "--dir"])
        .arg(&scratch)
        .args(["--corpora", "/nonexistent-corpora", "--articles", "1"])
        .arg("--data-dir")
        .arg(dir.path())
        .env("PATH", &no_wrk)
        .env_remove("TIDINGS_DATABASE_URL")
        .output()
        .expect("run tidings");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`wrk` is not on PATH"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(scratch.join("tidings.db")).expect("still there"),
        "the last run's data",
        "a run that cannot measure deletes nothing"
    );
}

#[test]
fn bench_web_refuses_to_empty_a_directory_it_did_not_make() {
    let dir = tempfile::tempdir().expect("tempdir");
    let precious = dir.path().join("precious");
    std::fs::create_dir(&precious).expect("mkdir");
    std::fs::write(precious.join("notes.txt"), "keep me").expect("write");
    let out = cli(
        dir.path(),
        &[
            "bench",
            "web",
            "--dir",
            precious.to_str().expect("utf-8"),
            "--corpora",
            "/nonexistent-corpora",
            "--articles",
            "1",
        ],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to delete"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(precious.join("notes.txt")).expect("still there"),
        "keep me"
    );
}
