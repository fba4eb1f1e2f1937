//! Pausing, editing and acting on several sources at once, through HTTP against a site served
//! in this process, on SQLite and, when `TIDINGS_TEST_DATABASE_URL` is set, on PostgreSQL:
//! what admins see and do, what readers and forms without a token may not do, an edit to
//! another source's address and a bulk form with an unknown id changing nothing, and the
//! Miniflux API's `disabled`.

mod support;

use serde_json::{Value, json};
use support::{Browser, Site, config, site_on};
use tidings_model::{Role, Source, SourceId};
use tidings_store::FetchSuccess;
use tidings_store::testing::each_backend;
use tidings_web::people::Clock;

const PASSWORD: &str = "a long enough password";

async fn logged_in(site: &Site, name: &str, role: Role) -> Browser {
    site.user(name, PASSWORD, role).await;
    let mut browser = site.browser();
    let login = browser.login(name, PASSWORD).await;
    assert_eq!(login.status, 303, "{name} logs in: {}", login.body);
    browser
}

async fn get(site: &Site, id: SourceId) -> Source {
    site.store
        .sources()
        .get(id)
        .await
        .expect("read")
        .expect("the source")
}

/// The log's actions, oldest first.
async fn actions(site: &Site) -> Vec<String> {
    let mut lines = site.store.moderation().log_entries(100).await.expect("log");
    lines.reverse();
    lines.into_iter().map(|l| l.action).collect()
}

/// Posts `fields` to `path` with the browser's token first.
async fn post(browser: &mut Browser, path: &str, fields: &[(&str, &str)]) -> support::Answer {
    let token = browser.token().await;
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    browser.post(path, &all).await
}

#[tokio::test]
async fn an_admin_pauses_and_resumes_a_source_from_its_page() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let id = site.outlet;
        let mut root = logged_in(&site, "root", Role::Admin).await;
        let page = root.get(&format!("/source/{id}")).await;
        assert!(
            page.body
                .contains(&format!(r#"action="/source/{id}/pause""#))
        );

        let paused = post(&mut root, &format!("/source/{id}/pause"), &[]).await;
        assert_eq!(paused.status, 303, "{}", paused.body);
        let source = get(&site, id).await;
        assert!(source.paused_at.is_some());
        let now = site.clock.now_ms() / 1000;
        let due = site
            .store
            .sources()
            .due(now + 10_000, 100)
            .await
            .expect("due");
        assert!(!due.contains(&id), "a paused source is not due");

        // Everyone sees it paused, with since when; its articles stay.
        let mut anon = site.browser();
        let list = anon.get("/sources").await;
        assert!(list.body.contains("status-paused"), "{}", list.body);
        let own = anon.get(&format!("/source/{id}")).await;
        assert!(own.body.contains("Paused</span> since"), "{}", own.body);
        assert!(own.body.contains("Flood in the valley"), "articles kept");
        let page = root.get(&format!("/source/{id}")).await;
        assert!(
            page.body
                .contains(&format!(r#"action="/source/{id}/resume""#))
        );

        let resumed = post(&mut root, &format!("/source/{id}/resume"), &[]).await;
        assert_eq!(resumed.status, 303, "{}", resumed.body);
        let source = get(&site, id).await;
        assert_eq!(source.paused_at, None);
        assert_eq!(source.next_fetch_at, now, "due at the next tick");
        assert_eq!(actions(&site).await, ["source-pause", "source-resume"]);
    })
    .await;
}

#[tokio::test]
async fn readers_and_tokenless_forms_change_nothing() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let id = site.outlet;
        let other = site.add_outlet("Other").await;
        let mut reader = logged_in(&site, "ana", Role::Reader).await;
        let ids = [("id", id.0.to_string()), ("id", other.0.to_string())];
        let bulk: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let edit = [
            ("name", "Hijacked"),
            ("section", ""),
            ("url", "https://evil.example/"),
        ];
        for (path, fields) in [
            (format!("/source/{id}/pause"), Vec::new()),
            (format!("/source/{id}/edit"), edit.to_vec()),
            (
                "/sources/bulk".to_string(),
                [bulk.clone(), vec![("action", "pause")]].concat(),
            ),
            ("/sources/bulk/remove".to_string(), bulk.clone()),
        ] {
            let answer = post(&mut reader, &path, &fields).await;
            assert_eq!(answer.status, 403, "a reader posts {path}");
        }
        let sources = reader.get("/sources").await;
        assert!(
            !sources.body.contains("/sources/bulk"),
            "no bulk form for readers"
        );

        let mut root = logged_in(&site, "root", Role::Admin).await;
        let tokenless = [
            (format!("/source/{id}/pause"), Vec::new()),
            (format!("/source/{id}/edit"), edit.to_vec()),
            (
                "/sources/bulk".to_string(),
                [bulk.clone(), vec![("action", "pause")]].concat(),
            ),
            ("/sources/bulk/remove".to_string(), bulk),
        ];
        for (path, fields) in tokenless {
            let answer = root.post(&path, &fields).await;
            assert_eq!(
                answer.status, 403,
                "an admin's form without its token: {path}"
            );
        }
        for source in [id, other] {
            let now = get(&site, source).await;
            assert_eq!(now.paused_at, None);
            assert_ne!(now.name, "Hijacked");
        }
        assert!(actions(&site).await.is_empty(), "nothing logged");
    })
    .await;
}

#[tokio::test]
async fn an_edit_to_another_sources_address_is_refused_and_changes_nothing() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let id = site.outlet;
        let other = site.add_outlet("Other").await;
        let mut root = logged_in(&site, "root", Role::Admin).await;
        let page = root.get(&format!("/source/{id}")).await;
        assert!(
            page.body
                .contains(&format!(r#"action="/source/{id}/edit""#))
        );
        assert!(page.body.contains(r#"value="https://outlet.example/feed""#));

        let taken = post(
            &mut root,
            &format!("/source/{id}/edit"),
            &[
                ("name", "Renamed"),
                ("section", "science"),
                ("url", "https://other.example/feed"),
            ],
        )
        .await;
        assert_eq!(taken.status, 409, "{}", taken.body);
        assert!(
            taken.body.contains("already another source"),
            "{}",
            taken.body
        );
        assert!(taken.body.contains(&format!(r#"href="/source/{other}""#)));
        let source = get(&site, id).await;
        assert_eq!(
            (source.name.as_str(), source.url.as_str(), source.category),
            ("Outlet", "https://outlet.example/feed", None),
            "nothing changed"
        );

        // A private address is refused as it is for a new source.
        let private = post(
            &mut root,
            &format!("/source/{id}/edit"),
            &[
                ("name", "Outlet"),
                ("section", ""),
                ("url", "http://127.0.0.1/feed"),
            ],
        )
        .await;
        assert_eq!(private.status, 422, "{}", private.body);
        assert_eq!(get(&site, id).await.url, "https://outlet.example/feed");
        assert!(actions(&site).await.is_empty(), "nothing logged");
    })
    .await;
}

#[tokio::test]
async fn an_edit_saves_the_fields_and_a_new_address_is_due_without_validators() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let id = site.outlet;
        let fetched = FetchSuccess {
            at: 10,
            next_fetch_at: 4_000_000_000,
            etag: Some("\"v1\"".into()),
            last_modified: Some("Sun, 01 Nov 2026 00:00:00 GMT".into()),
            ..FetchSuccess::default()
        };
        site.store
            .sources()
            .record_success(id, &fetched)
            .await
            .expect("fetched");
        let mut root = logged_in(&site, "root", Role::Admin).await;
        let saved = post(
            &mut root,
            &format!("/source/{id}/edit"),
            &[
                ("name", "Harbour Times"),
                ("section", "science"),
                ("url", "https://harbour.example/rss"),
            ],
        )
        .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(saved.location(), format!("/source/{id}"));
        let source = get(&site, id).await;
        assert_eq!(source.name, "Harbour Times");
        assert_eq!(source.category.as_deref(), Some("Science"));
        assert_eq!(source.url, "https://harbour.example/rss");
        assert_eq!(
            (source.fetch.etag, source.fetch.last_modified),
            (None, None)
        );
        assert_eq!(
            source.next_fetch_at,
            site.clock.now_ms() / 1000,
            "due at once"
        );
        assert_eq!(actions(&site).await, ["source-edit"]);
    })
    .await;
}

#[tokio::test]
async fn several_sources_at_once_and_one_unknown_id_changes_nothing() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (a, b) = (site.outlet, site.add_outlet("Other").await);
        let (a_id, b_id) = (a.0.to_string(), b.0.to_string());
        let unknown = (b.0 + 100).to_string();
        let mut root = logged_in(&site, "root", Role::Admin).await;
        let list = root.get("/sources").await;
        assert!(list.body.contains(r#"action="/sources/bulk""#));
        assert!(list.body.contains(&format!(r#"name="id" value="{a}""#)));

        for action in ["pause", "remove", "refresh"] {
            let refused = post(
                &mut root,
                "/sources/bulk",
                &[
                    ("id", &a_id),
                    ("id", &unknown),
                    ("id", &b_id),
                    ("action", action),
                ],
            )
            .await;
            assert_eq!(refused.status, 400, "{action}: {}", refused.body);
            assert!(
                refused.body.contains("nothing was changed"),
                "{}",
                refused.body
            );
        }
        let refused = post(
            &mut root,
            "/sources/bulk/remove",
            &[("id", &a_id), ("id", &unknown)],
        )
        .await;
        assert_eq!(refused.status, 400);
        for id in [a, b] {
            assert_eq!(
                get(&site, id).await.paused_at,
                None,
                "source {id} untouched"
            );
        }
        assert!(actions(&site).await.is_empty(), "nothing logged");

        let paused = post(
            &mut root,
            "/sources/bulk",
            &[("id", &a_id), ("id", &b_id), ("action", "pause")],
        )
        .await;
        assert_eq!(paused.status, 303, "{}", paused.body);
        for id in [a, b] {
            assert!(
                get(&site, id).await.paused_at.is_some(),
                "source {id} paused"
            );
        }

        // Remove asks first, listing what goes; nothing goes until confirmed.
        let asked = post(
            &mut root,
            "/sources/bulk",
            &[("id", &a_id), ("id", &b_id), ("action", "remove")],
        )
        .await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        assert!(asked.body.contains("Remove 2 sources?"), "{}", asked.body);
        assert!(asked.body.contains("https://outlet.example/feed"));
        assert!(asked.body.contains("https://other.example/feed"));
        assert!(asked.body.contains("1 article</strong>"), "{}", asked.body);
        assert!(site.store.sources().get(a).await.expect("read").is_some());
        let token = support::csrf_in(&asked.body);
        let removed = root
            .post(
                "/sources/bulk/remove",
                &[("csrf", &token), ("id", &a_id), ("id", &b_id)],
            )
            .await;
        assert_eq!(removed.status, 303, "{}", removed.body);
        for id in [a, b] {
            assert!(site.store.sources().get(id).await.expect("read").is_none());
        }
        assert_eq!(
            actions(&site).await,
            [
                "source-pause",
                "source-pause",
                "source-remove",
                "source-remove"
            ]
        );
    })
    .await;
}

/// A Miniflux call with `key`: status and JSON.
async fn miniflux(
    site: &Site,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", site.base))
        .header("x-auth-token", key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("send");
    let status = answer.status().as_u16();
    let text = answer.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn miniflux_shows_a_paused_feed_disabled_and_a_reader_cannot_pause_it() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (_, key) = site.account_with_key("ana").await;
        let (status, _) = miniflux(
            &site,
            reqwest::Method::POST,
            "/v1/feeds",
            &key,
            Some(json!({ "feed_url": "https://outlet.example/feed" })),
        )
        .await;
        assert_eq!(status, 201);
        let path = format!("/v1/feeds/{}", site.outlet);
        let (_, feed) = miniflux(&site, reqwest::Method::GET, &path, &key, None).await;
        assert_eq!(feed["disabled"], false);

        let (status, answer) = miniflux(
            &site,
            reqwest::Method::PUT,
            &path,
            &key,
            Some(json!({ "disabled": true, "title": "Mine" })),
        )
        .await;
        assert_eq!(status, 403, "{answer}");
        assert!(answer["error_message"].is_string());
        let source = get(&site, site.outlet).await;
        assert_eq!(source.paused_at, None, "not paused");
        let (_, feed) = miniflux(&site, reqwest::Method::GET, &path, &key, None).await;
        assert_eq!(feed["title"], "Outlet", "nothing else changed either");

        // The same value sent back with the rest of the feed is fine.
        let (status, _) = miniflux(
            &site,
            reqwest::Method::PUT,
            &path,
            &key,
            Some(json!({ "disabled": false, "title": "Mine" })),
        )
        .await;
        assert_eq!(status, 201);

        site.store
            .sources()
            .pause(&[site.outlet], None, 1)
            .await
            .expect("pause");
        let (_, feed) = miniflux(&site, reqwest::Method::GET, &path, &key, None).await;
        assert_eq!(feed["disabled"], true, "an administrator's pause shows");
    })
    .await;
}
