//! Real reader clients against a Tidings site on 127.0.0.1:
//!
//! - NewsFlash's Google Reader client, the `greader_api` crate (a test dependency only: it is
//!   GPL-3.0): log in, subscribe, list, page through a stream, read, star, mark all read;
//! - the official Miniflux Python client (PyPI `miniflux`): subscribe, list, read, star, mark
//!   a feed read;
//! - a Fever client (PyPI `freshrss-api`, which speaks Fever at FreshRSS's
//!   `/api/fever.php`): feeds, groups, unread items, mark read, save.
//!
//! (`freshrss-api` 2.0.5 imports `loguru` without declaring it, so it is installed too.)
//!
//! Each checks that the wire copy of an article arrives folded into its original, and that a
//! mark on one reaches the other; the Google Reader and Miniflux clients also rename a feed
//! for their reader. The Python packages are installed with pip into
//! `target/tmp/reader-clients` on first use; without Python's venv and pip the Python part
//! says so and passes on a developer's machine, but fails in CI (`CI` set).

mod support;

use greader_api::models::StreamQuery;
use greader_api::{AuthData, AuthInput, GReaderApi, GoogleAuthInput};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use support::{Site, config, site};
use tidings_model::{ArticleId, SourceId};

/// The virtual environment's Python with both clients installed, if pip could install them.
fn python() -> Option<PathBuf> {
    // The tests run in parallel: one installs, the others wait for it.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reader-clients");
    let python = venv.join("bin/python");
    let ready = |python: &PathBuf| {
        Command::new(python)
            .args(["-c", "import miniflux, freshrss_api"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.exists() && ready(&python) {
        return Some(python);
    }
    let installed = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                "miniflux>=1.1,<2",
                "freshrss-api>=2,<3",
                "loguru",
            ])
            .status()
            .is_ok_and(|s| s.success());
    if !installed || !ready(&python) {
        assert!(
            std::env::var_os("CI").is_none(),
            "the Python reader clients could not be installed with pip into {}",
            venv.display()
        );
        eprintln!("Python reader clients not run: pip could not install miniflux and freshrss-api");
        return None;
    }
    Some(python)
}

/// Runs a Python script with `env`; its standard output parsed as JSON.
fn run_python(python: &PathBuf, script: &str, env: &[(&str, &str)]) -> Value {
    let out = Command::new(python)
        .args(["-c", script])
        .envs(env.iter().copied())
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "the client script failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "the script printed no JSON ({err}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The site with a wire outlet whose article copies the site's own article.
struct World {
    site: Site,
    wire: SourceId,
    copy: ArticleId,
}

async fn world() -> World {
    let site = site(config()).await;
    let (wire, copy) = site.add_wire_copy().await;
    World { site, wire, copy }
}

fn long_id(id: ArticleId) -> String {
    format!("tag:google.com,2005:reader/item/{:016x}", id.0)
}

#[tokio::test]
async fn greader_api_crate_subscribes_lists_reads_stars_and_marks_read() {
    let w = world().await;
    let key = w.site.account_with_key("ana").await.1;
    let client = reqwest::Client::new();
    let url = url::Url::parse(&w.site.base).expect("base");
    let api = GReaderApi::new(url, AuthData::Uninitialized);
    let wrong = api
        .login(
            &AuthInput::Google(GoogleAuthInput {
                username: "ana".into(),
                password: "not the key".into(),
            }),
            &client,
        )
        .await;
    assert!(wrong.is_err(), "a wrong key does not log in");
    api.login(
        &AuthInput::Google(GoogleAuthInput {
            username: "ana".into(),
            password: key.clone(),
        }),
        &client,
    )
    .await
    .expect("login");
    let user = api.user_info(&client).await.expect("user info");
    assert_eq!(user.user_name, "ana");

    // The outlet subscribed under a title of the reader's own (`t`).
    for (feed, title) in [
        ("https://outlet.example/feed", Some("My outlet")),
        ("https://wire.example/feed", None),
    ] {
        api.subscription_create(
            &url::Url::parse(feed).expect("url"),
            title,
            Some("user/-/label/News"),
            &client,
        )
        .await
        .expect("subscribe");
    }
    // The wire renamed with `subscription/edit`.
    api.subscription_edit(
        &format!("feed/{}", w.wire.0),
        Some("My wire"),
        None,
        None,
        &client,
    )
    .await
    .expect("rename");
    let feeds = api.subscription_list(&client).await.expect("list");
    assert_eq!(feeds.subscriptions.len(), 2);
    let mut titles: Vec<&str> = feeds
        .subscriptions
        .iter()
        .map(|f| f.title.as_str())
        .collect();
    titles.sort();
    assert_eq!(titles, vec!["My outlet", "My wire"]);
    let outlet = w
        .site
        .store
        .sources()
        .find_by_url("https://outlet.example/feed")
        .await
        .expect("find")
        .expect("outlet");
    assert_eq!(outlet.name, "Outlet", "the outlet keeps its name");
    assert!(
        feeds
            .subscriptions
            .iter()
            .all(|f| f.categories.iter().any(|c| c.label == "News"))
    );
    let tags = api.tag_list(&client).await.expect("tags");
    assert!(tags.tags.iter().any(|t| t.id == "user/-/label/News"));

    let reading_list = "user/-/state/com.google/reading-list";
    let page = api
        .stream_contents(
            &StreamQuery {
                stream_id: Some(reading_list),
                amount: Some(10),
                ..StreamQuery::default()
            },
            &client,
        )
        .await
        .expect("stream");
    let ids: Vec<&str> = page.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![long_id(w.site.article)],
        "the wire copy is folded"
    );
    assert!(page.continuation.is_none());

    let refs = api
        .items_ids(
            &StreamQuery {
                stream_id: Some(reading_list),
                exclude_stream: Some("user/-/state/com.google/read"),
                ..StreamQuery::default()
            },
            &client,
        )
        .await
        .expect("ids");
    let refs = refs.item_refs.unwrap_or_default();
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].id, w.site.article.0.to_string(), "short form");

    // Read the copy (by its long id): the original is read too.
    api.tag_edit(
        &[long_id(w.copy)],
        &["user/-/state/com.google/read"],
        &[],
        &client,
    )
    .await
    .expect("read");
    let unread = api
        .items_ids(
            &StreamQuery {
                stream_id: Some(reading_list),
                exclude_stream: Some("user/-/state/com.google/read"),
                ..StreamQuery::default()
            },
            &client,
        )
        .await
        .expect("unread");
    assert!(unread.item_refs.unwrap_or_default().is_empty());

    // Star, read the contents back by the short id.
    api.tag_edit(
        &[w.site.article.0.to_string()],
        &["user/-/state/com.google/starred"],
        &["user/-/state/com.google/read"],
        &client,
    )
    .await
    .expect("star and unread");
    let items = api
        .items_contents(&[w.site.article.0.to_string()], &client)
        .await
        .expect("contents");
    let cats = &items.items[0].categories;
    assert!(cats.iter().any(|c| c == "user/-/state/com.google/starred"));
    assert!(!cats.iter().any(|c| c == "user/-/state/com.google/read"));

    api.mark_all_as_read(&format!("feed/{}", w.wire.0), None, &client)
        .await
        .expect("mark all read");
    let counts = api.unread_count(&client).await.expect("counts");
    assert!(
        counts.unreadcounts.iter().all(|c| c.count == 0),
        "{counts:?}"
    );
    api.subscription_delete(&format!("feed/{}", w.wire.0), &client)
        .await
        .expect("unsubscribe");
    assert_eq!(
        api.subscription_list(&client)
            .await
            .expect("list")
            .subscriptions
            .len(),
        1
    );
}

const MINIFLUX_SCRIPT: &str = r#"
import json, os, miniflux
base, key = os.environ["BASE"], os.environ["KEY"]
out = {}
try:
    miniflux.Client(base, api_key="0" * 64).me()
    out["bad_key"] = "accepted"
except miniflux.AccessUnauthorized:
    out["bad_key"] = "unauthorized"
c = miniflux.Client(base, api_key=key)
out["me"] = c.me()["username"]
basic = miniflux.Client(base, username="ana", password=key)
out["basic_me"] = basic.me()["username"]
out["outlet_feed"] = c.create_feed("https://outlet.example/feed")
out["wire_feed"] = c.create_feed("https://wire.example/feed")
c.update_feed(out["wire_feed"], title="My wire")
out["renamed"] = c.get_feed(out["wire_feed"])["title"]
out["listed_titles"] = sorted(f["title"] for f in c.get_feeds())
out["feeds"] = sorted(f["feed_url"] for f in c.get_feeds())
out["categories"] = [cat["title"] for cat in c.get_categories()]
entries = c.get_entries(status="unread", limit=10, order="published_at", direction="desc")
out["unread_total"] = entries["total"]
out["unread_ids"] = [e["id"] for e in entries["entries"]]
out["story_ids"] = [e["story_id"] for e in entries["entries"]]
first = entries["entries"][0]["id"]
c.update_entries([int(os.environ["COPY"])], status="read")
out["original_after_copy_read"] = c.get_entry(first)["status"]
c.toggle_bookmark(first)
out["starred_total"] = c.get_entries(starred=True)["total"]
c.update_entries([first], status="unread")
c.mark_feed_entries_as_read(out["outlet_feed"])
out["unread_after_feed_read"] = c.get_entries(status="unread")["total"]
out["counters"] = c.get_feed_counters()
c.delete_feed(out["wire_feed"])
out["feeds_after_delete"] = len(c.get_feeds())
print(json.dumps(out))
"#;

#[tokio::test]
async fn miniflux_python_client_subscribes_lists_reads_stars_and_marks_read() {
    let Some(python) = python() else {
        return;
    };
    let w = world().await;
    let key = w.site.account_with_key("ana").await.1;
    let base = w.site.base.clone();
    let copy = w.copy.0.to_string();
    let out = tokio::task::spawn_blocking(move || {
        run_python(
            &python,
            MINIFLUX_SCRIPT,
            &[("BASE", &base), ("KEY", &key), ("COPY", &copy)],
        )
    })
    .await
    .expect("script");
    assert_eq!(out["bad_key"], "unauthorized");
    assert_eq!(out["me"], "ana");
    assert_eq!(out["basic_me"], "ana");
    assert_eq!(out["wire_feed"], w.wire.0);
    assert_eq!(out["renamed"], "My wire", "{out}");
    assert_eq!(
        out["listed_titles"],
        serde_json::json!(["My wire", "Outlet"]),
        "{out}"
    );
    assert_eq!(
        out["feeds"],
        serde_json::json!(["https://outlet.example/feed", "https://wire.example/feed"])
    );
    assert_eq!(out["categories"], serde_json::json!(["All"]));
    assert_eq!(out["unread_total"], 1, "the wire copy is folded: {out}");
    assert_eq!(out["unread_ids"], serde_json::json!([w.site.article.0]));
    assert_eq!(out["story_ids"], serde_json::json!([w.site.story.0]));
    assert_eq!(out["original_after_copy_read"], "read");
    assert_eq!(out["starred_total"], 1);
    assert_eq!(out["unread_after_feed_read"], 0);
    assert_eq!(out["feeds_after_delete"], 1);
}

const FEVER_SCRIPT: &str = r#"
import json, os
from freshrss_api import FreshRSSAPI
base, key = os.environ["BASE"], os.environ["KEY"]
out = {}
try:
    FreshRSSAPI(host=base, username="ana", password="wrong")
    out["bad_key"] = "accepted"
except Exception as e:
    out["bad_key"] = type(e).__name__
api = FreshRSSAPI(host=base, username="ana", password=key)
out["feeds"] = sorted(f["url"] for f in api.get_feeds()["feeds"])
out["groups"] = [g["title"] for g in api.get_groups()["groups"]]
unread = api.get_unreads()
out["unread_ids"] = [i.id for i in unread]
api.set_mark(as_="read", id=int(os.environ["COPY"]))
out["unread_after"] = [i.id for i in api.get_unreads()]
api.set_mark(as_="saved", id=unread[0].id)
out["saved_ids"] = [i.id for i in api.get_saved()]
api.set_mark(as_="unsaved", id=unread[0].id)
out["saved_after"] = [i.id for i in api.get_saved()]
print(json.dumps(out))
"#;

#[tokio::test]
async fn fever_client_lists_reads_and_saves() {
    let Some(python) = python() else {
        return;
    };
    let w = world().await;
    let key = w.site.account_with_key("ana").await.1;
    // Subscribe through the Miniflux API (Fever has no call for it).
    let c = reqwest::Client::new();
    for feed in ["https://outlet.example/feed", "https://wire.example/feed"] {
        let made = c
            .post(format!("{}/v1/feeds", w.site.base))
            .header("x-auth-token", &key)
            .json(&serde_json::json!({ "feed_url": feed }))
            .send()
            .await
            .expect("subscribe");
        assert_eq!(made.status(), 201);
    }
    let base = w.site.base.clone();
    let copy = w.copy.0.to_string();
    let out = tokio::task::spawn_blocking(move || {
        run_python(
            &python,
            FEVER_SCRIPT,
            &[("BASE", &base), ("KEY", &key), ("COPY", &copy)],
        )
    })
    .await
    .expect("script");
    assert_eq!(out["bad_key"], "AuthenticationError");
    assert_eq!(
        out["feeds"],
        serde_json::json!(["https://outlet.example/feed", "https://wire.example/feed"])
    );
    assert_eq!(out["groups"], serde_json::json!(["All"]));
    assert_eq!(
        out["unread_ids"],
        serde_json::json!([w.site.article.0]),
        "the wire copy is folded"
    );
    assert_eq!(
        out["unread_after"],
        serde_json::json!([]),
        "reading the copy read the original"
    );
    assert_eq!(out["saved_ids"], serde_json::json!([w.site.article.0]));
    assert_eq!(out["saved_after"], serde_json::json!([]));
}
