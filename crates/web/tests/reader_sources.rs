//! Sources readers add through an app's API: under `reader_sources = "review"` (the
//! default) a new address waits, unlisted and unfetched, with an explanation in the app,
//! until an administrator approves it on `/sources` (or rejects it, which ends the
//! subscription); under `"open"` it is public at once. Either way the moderation log names
//! the reader.

mod support;

use serde_json::Value;
use support::{Site, config, csrf_after, site};
use tidings_model::{Role, SourceId};
use tidings_web::people::{PeopleConfig, ReaderSources};

const FAR: i64 = 4_000_000_000;
const FRESH: &str = "https://fresh.example/feed";

/// Ana, a reader, subscribes to a new address through the Miniflux API: its id.
async fn ana_adds_fresh(site: &Site) -> (String, SourceId) {
    let (_, key) = site.account_with_key("ana").await;
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/feeds", site.base))
        .header("x-auth-token", &key)
        .json(&serde_json::json!({ "feed_url": FRESH }))
        .send()
        .await
        .expect("create");
    assert_eq!(answer.status(), 201);
    let made: Value = answer.json().await.expect("json");
    let id = made["feed_id"].as_i64().expect("feed_id");
    (key, SourceId(id))
}

/// Ana's account id.
async fn ana_id(site: &Site) -> i64 {
    let users = site.store.users().list().await.expect("users");
    users.iter().find(|u| u.name == "ana").expect("ana").id.0
}

/// Ana's feed `id` as the Miniflux API lists it.
async fn feed_as_listed(site: &Site, key: &str, id: SourceId) -> Value {
    let feeds: Value = reqwest::Client::new()
        .get(format!("{}/v1/feeds", site.base))
        .header("x-auth-token", key)
        .send()
        .await
        .expect("feeds")
        .json()
        .await
        .expect("json");
    feeds
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"].as_i64() == Some(id.0)))
        .cloned()
        .expect("the feed is listed")
}

/// Whether the anonymous `/sources` page lists the fresh address.
async fn publicly_listed(site: &Site) -> bool {
    let page = site.browser().get("/sources").await;
    assert_eq!(page.status, 200);
    page.body.contains("fresh.example")
}

/// The statuses anonymous visitors get for the source's page, its API entry and its feed.
async fn public_statuses(site: &Site, source: SourceId) -> Vec<u16> {
    let mut out = Vec::new();
    for path in ["", "/feed.xml"] {
        out.push(
            site.browser()
                .get(&format!("/source/{}{path}", source.0))
                .await
                .status,
        );
    }
    out.push(
        site.browser()
            .get(&format!("/api/v1/sources/{}", source.0))
            .await
            .status,
    );
    out
}

/// The moderation log's lines about `source` as (action, who).
async fn log_about(site: &Site, source: SourceId) -> Vec<(String, Option<i64>)> {
    let mut lines = site.store.moderation().log_entries(50).await.expect("log");
    lines.reverse();
    lines
        .into_iter()
        .filter(|l| l.source_id == Some(source))
        .map(|l| (l.action, l.moderator_id.map(|m| m.0)))
        .collect()
}

#[tokio::test]
async fn a_readers_new_source_waits_for_an_administrator() {
    let site = site(config()).await;
    let (key, fresh) = ana_adds_fresh(&site).await;
    let ana = ana_id(&site).await;

    assert!(!publicly_listed(&site).await, "not public while it waits");
    assert_eq!(
        public_statuses(&site, fresh).await,
        [404, 404, 404],
        "no page, feed or API entry while it waits"
    );
    let due = site.store.sources().due(FAR, 50).await.expect("due");
    assert!(!due.contains(&fresh), "not fetched while it waits");
    let listed = feed_as_listed(&site, &key, fresh).await;
    let why = listed["parsing_error_message"].as_str().unwrap_or_default();
    assert!(why.contains("review"), "the app says why: {why:?}");
    assert_eq!(
        log_about(&site, fresh).await,
        vec![("source-request".to_string(), Some(ana))]
    );

    let mut admin = site
        .logged_in("root", "correct horse battery", Role::Admin)
        .await;
    let page = admin.get("/sources").await;
    assert!(page.body.contains("Awaiting review"), "{}", page.body);
    let approve = format!("/source/{}/approve", fresh.0);
    assert!(page.body.contains(&approve));
    // A reader's browser has no such button, and its post is refused.
    let mut reader = site.reader("bob").await;
    let token = reader.token().await;
    assert_eq!(reader.post(&approve, &[("csrf", &token)]).await.status, 403);
    let token = csrf_after(&page.body, &approve);
    assert_eq!(admin.post(&approve, &[("csrf", &token)]).await.status, 303);

    assert!(publicly_listed(&site).await, "public once approved");
    assert_eq!(public_statuses(&site, fresh).await, [200, 200, 200]);
    let due = site.store.sources().due(FAR, 50).await.expect("due");
    assert!(due.contains(&fresh), "fetched once approved");
    let listed = feed_as_listed(&site, &key, fresh).await;
    assert_eq!(listed["parsing_error_message"], "");
    let lines = log_about(&site, fresh).await;
    assert_eq!(lines.last().map(|l| l.0.as_str()), Some("source-approve"));
}

/// An administrator who adds, with the "Add a feed" form, an address a reader's request
/// waits with approves that source (the page says so, and the log says `source-approve` by
/// the administrator); an address that is a public source keeps its 409.
#[tokio::test]
async fn an_admin_adding_a_waiting_address_approves_it() {
    let site = site(config()).await;
    let (_, fresh) = ana_adds_fresh(&site).await;
    let mut admin = site
        .logged_in("root", "correct horse battery", Role::Admin)
        .await;
    let root = site.store.users().list().await.expect("users");
    let root = root.iter().find(|u| u.name == "root").expect("root").id.0;
    let fields = |token: &str| {
        [
            ("csrf", token.to_string()),
            ("url", FRESH.to_string()),
            ("name", "Fresh News".to_string()),
            ("section", String::new()),
        ]
    };
    let token = admin.token().await;
    let form = fields(&token);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let added = admin.post("/sources/add", &form).await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(
        added.body.contains(&format!(
            "{FRESH} was awaiting review, asked for by ana: adding it approved it"
        )),
        "{}",
        added.body
    );
    assert!(
        added
            .body
            .contains(&format!("href=\"/source/{}\"", fresh.0))
    );
    assert!(!added.body.contains("Awaiting review"), "no longer waits");
    assert!(publicly_listed(&site).await, "public once approved");
    let due = site.store.sources().due(FAR, 50).await.expect("due");
    assert!(due.contains(&fresh), "fetched once approved");
    let lines = log_about(&site, fresh).await;
    assert_eq!(
        lines.last(),
        Some(&("source-approve".to_string(), Some(root)))
    );

    let token = admin.token().await;
    let form = fields(&token);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let again = admin.post("/sources/add", &form).await;
    assert_eq!(again.status, 409, "a public source stays one");
    assert!(again.body.contains("is already a source"), "{}", again.body);
    assert_eq!(
        log_about(&site, fresh).await.len(),
        lines.len(),
        "nothing more logged"
    );
}

#[tokio::test]
async fn a_rejected_source_ends_the_readers_subscription() {
    let site = site(config()).await;
    let (key, fresh) = ana_adds_fresh(&site).await;
    let mut admin = site
        .logged_in("root", "correct horse battery", Role::Admin)
        .await;
    let page = admin.get("/sources").await;
    let reject = format!("/source/{}/reject", fresh.0);
    let token = csrf_after(&page.body, &reject);
    assert_eq!(admin.post(&reject, &[("csrf", &token)]).await.status, 303);
    assert_eq!(site.store.sources().get(fresh).await.expect("get"), None);
    let feeds: Value = reqwest::Client::new()
        .get(format!("{}/v1/feeds", site.base))
        .header("x-auth-token", &key)
        .send()
        .await
        .expect("feeds")
        .json()
        .await
        .expect("json");
    assert_eq!(feeds.as_array().map(Vec::len), Some(0));
    let lines = log_about(&site, fresh).await;
    assert_eq!(lines.last().map(|l| l.0.as_str()), Some("source-reject"));
}

#[tokio::test]
async fn open_reader_sources_are_public_at_once_and_logged() {
    let site = site(PeopleConfig {
        reader_sources: ReaderSources::Open,
        ..config()
    })
    .await;
    let (key, fresh) = ana_adds_fresh(&site).await;
    let ana = ana_id(&site).await;
    assert!(publicly_listed(&site).await);
    let due = site.store.sources().due(FAR, 50).await.expect("due");
    assert!(due.contains(&fresh));
    let listed = feed_as_listed(&site, &key, fresh).await;
    assert_eq!(listed["parsing_error_message"], "");
    assert_eq!(
        log_about(&site, fresh).await,
        vec![("source-add".to_string(), Some(ana))]
    );
}
