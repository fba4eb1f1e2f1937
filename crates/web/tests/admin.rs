//! The administrators' pages through HTTP, against a site served in this process: adding a
//! feed on `/sources`, fetch now, the display policy and removal on a source's page, the
//! accounts and their roles on `/admin/users`; who may do it (admins; not moderators, readers
//! or anonymous visitors), the CSRF and origin checks, the write limit, the address rules,
//! escaping, the moderation log, and the cached pages anonymous readers get. The tests that
//! write through the store run on SQLite and, when `TIDINGS_TEST_DATABASE_URL` is set, on
//! PostgreSQL.

mod support;

use support::{Browser, Site, config, site, site_on};
use tidings_model::{NewArticle, Role, Source};
use tidings_store::FetchSuccess;
use tidings_store::testing::each_backend;
use tidings_web::people::{Clock, PeopleConfig, RateLimitConfig};

const PASSWORD: &str = "a long enough password";
const OUTLET_URL: &str = "https://outlet.example/feed";

async fn logged_in(site: &Site, name: &str, role: Role) -> Browser {
    site.user(name, PASSWORD, role).await;
    let mut browser = site.browser();
    let login = browser.login(name, PASSWORD).await;
    assert_eq!(login.status, 303, "{name} logs in: {}", login.body);
    browser
}

async fn source_at(site: &Site, url: &str) -> Option<Source> {
    site.store.sources().find_by_url(url).await.expect("read")
}

async fn the_outlet(site: &Site) -> Source {
    source_at(site, OUTLET_URL)
        .await
        .expect("the site's source")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn x_cache(answer: &support::Answer) -> String {
    answer
        .headers
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The log's lines as (action, source, account, note), newest first.
async fn log_lines(site: &Site) -> Vec<(String, Option<i64>, Option<i64>, String)> {
    site.store
        .moderation()
        .log_entries(100)
        .await
        .expect("log")
        .into_iter()
        .map(|e| {
            (
                e.action,
                e.source_id.map(|s| s.0),
                e.user_id.map(|u| u.0),
                e.note,
            )
        })
        .collect()
}

/// Posts the "Add a feed" form with the browser's session token.
async fn add_feed(browser: &mut Browser, url: &str, name: &str, section: &str) -> support::Answer {
    let token = browser.token().await;
    browser
        .post(
            "/sources/add",
            &[
                ("csrf", &token),
                ("url", url),
                ("name", name),
                ("section", section),
            ],
        )
        .await
}

#[tokio::test]
async fn an_admin_adds_a_feed_that_is_listed_due_and_logged() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut anon = site.browser();
        // An anonymous reader's front page, kept in the cache.
        anon.get("/").await;
        assert_eq!(x_cache(&anon.get("/").await), "hit");
        let revision = site.store.revision().await.expect("revision");

        let mut ana = logged_in(&site, "ana", Role::Admin).await;
        let page = ana.get("/sources").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Add a feed"), "{}", page.body);
        assert!(page.body.contains(r#"action="/sources/add""#));
        assert!(
            page.body
                .contains(r#"<option value="science">Science</option>"#)
        );

        let added = add_feed(
            &mut ana,
            " https://New.example/rss ",
            "New Outlet",
            "science",
        )
        .await;
        assert_eq!(added.status, 303, "{}", added.body);
        let source = source_at(&site, "https://new.example/rss")
            .await
            .expect("stored as the address parses");
        assert_eq!(added.location(), format!("/source/{}", source.id));
        assert_eq!(source.name, "New Outlet");
        assert_eq!(source.category.as_deref(), Some("Science"));
        assert_eq!(
            source.next_fetch_at,
            site.clock.now_ms() / 1000,
            "due at once, by the site's clock"
        );
        let due = site.store.sources().due(now() + 1, 100).await.expect("due");
        assert!(due.contains(&source.id), "the scheduler picks it up");

        // A page address is fine too: the pipeline follows a page to its feed.
        let page_url = add_feed(&mut ana, "https://blog.example/", "", "").await;
        assert_eq!(page_url.status, 303, "{}", page_url.body);
        let blog = source_at(&site, "https://blog.example/")
            .await
            .expect("added");
        assert_eq!(blog.category, None);

        // Everyone sees it on /sources; anonymous readers' cached pages were dropped.
        let listed = anon.get("/sources").await;
        assert!(listed.body.contains("New Outlet"));
        assert!(
            listed
                .body
                .contains(&format!("href=\"/source/{}\"", source.id))
        );
        assert!(
            !listed.body.contains("Add a feed"),
            "no form for anonymous readers"
        );
        assert!(!listed.body.contains("name=\"csrf\""));
        assert!(site.store.revision().await.expect("revision") > revision);
        assert_eq!(
            x_cache(&anon.get("/").await),
            "miss",
            "the front page renders anew"
        );

        let log = log_lines(&site).await;
        assert_eq!(
            log[..2],
            [
                (
                    "source-add".to_string(),
                    Some(blog.id.0),
                    None,
                    "https://blog.example/".to_string()
                ),
                (
                    "source-add".to_string(),
                    Some(source.id.0),
                    None,
                    "https://new.example/rss".to_string()
                ),
            ]
        );
        let moderation = ana.get("/moderation").await.body;
        assert!(moderation.contains("<td>source-add</td>"));
        assert!(moderation.contains(&format!("<td>source {}</td>", source.id)));
        assert!(moderation.contains("<td>ana</td>"), "who did it");
    })
    .await;
}

#[tokio::test]
async fn readers_and_moderators_get_403_and_nothing_is_written() {
    let site = site(config()).await;
    let outlet = the_outlet(&site).await;
    let revision = site.store.revision().await.expect("revision");
    let ana = site.user("ana", PASSWORD, Role::Admin).await;
    let admin_page = format!("/source/{}", outlet.id);
    for (name, role) in [("rita", Role::Reader), ("moe", Role::Moderator)] {
        let mut who = logged_in(&site, name, role).await;
        let token = who.token().await;
        let sources = who.get("/sources").await;
        assert_eq!(sources.status, 200);
        assert!(!sources.body.contains("Add a feed"), "{name} sees no form");
        let page = who.get(&admin_page).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("Fetch now"), "{name} sees no controls");
        assert!(
            !page.body.contains(r#"href="/operator""#),
            "no Operator link"
        );
        for path in ["/admin/users".to_string(), format!("{admin_page}/remove")] {
            assert_eq!(who.get(&path).await.status, 403, "{name} GET {path}");
        }
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/sources/add".into(),
                vec![("csrf", &token), ("url", "https://x.example/feed")],
            ),
            (format!("{admin_page}/refresh"), vec![("csrf", &token)]),
            (
                format!("{admin_page}/display"),
                vec![("csrf", &token), ("policy", "excerpt")],
            ),
            (format!("{admin_page}/remove"), vec![("csrf", &token)]),
            (
                format!("/admin/users/{}/role", ana.id),
                vec![("csrf", &token), ("role", "reader")],
            ),
        ];
        for (path, fields) in &posts {
            let answer = who.post(path, fields).await;
            assert_eq!(answer.status, 403, "{name} POST {path}: {}", answer.body);
        }
    }
    // Anonymous visitors are sent to log in (pages) or refused (forms).
    let mut anon = site.browser();
    let users = anon.get("/admin/users").await;
    assert_eq!(users.status, 303);
    assert!(
        users.location().starts_with("/login?next="),
        "{}",
        users.location()
    );
    assert_eq!(anon.get(&format!("{admin_page}/remove")).await.status, 303);
    let post = anon
        .post("/sources/add", &[("url", "https://x.example/feed")])
        .await;
    assert_eq!(post.status, 401);

    assert_eq!(site.store.sources().count().await.expect("count"), 1);
    assert!(source_at(&site, "https://x.example/feed").await.is_none());
    let after = the_outlet(&site).await;
    assert_eq!(after.display, None);
    assert_eq!(after.next_fetch_at, outlet.next_fetch_at);
    let role = site
        .store
        .users()
        .get(ana.id)
        .await
        .expect("read")
        .expect("there")
        .role;
    assert_eq!(role, Role::Admin);
    assert!(log_lines(&site).await.is_empty(), "nothing logged");
    assert_eq!(site.store.revision().await.expect("revision"), revision);
}

#[tokio::test]
async fn admin_forms_without_the_token_or_from_another_site_are_refused() {
    let site = site(config()).await;
    let outlet = the_outlet(&site).await;
    let mut ana = logged_in(&site, "ana", Role::Admin).await;
    let bob = site.user("bob", PASSWORD, Role::Reader).await;
    let token = ana.token().await;
    let remove = format!("/source/{}/remove", outlet.id);
    let role = format!("/admin/users/{}/role", bob.id);
    let url = ("url", "https://x.example/feed");
    for (path, fields) in [
        ("/sources/add", vec![url]),
        ("/sources/add", vec![("csrf", "wrong"), url]),
        (remove.as_str(), vec![]),
        (remove.as_str(), vec![("csrf", "0000")]),
        (role.as_str(), vec![("role", "admin")]),
        (role.as_str(), vec![("csrf", ""), ("role", "admin")]),
    ] {
        let answer = ana.post(path, &fields).await;
        assert_eq!(answer.status, 403, "{path} {fields:?}");
        assert!(answer.body.contains("security token"), "{}", answer.body);
    }
    for header in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let answer = ana
            .post_with("/sources/add", &[("csrf", &token), url], &[header])
            .await;
        assert_eq!(answer.status, 403, "{header:?}");
        assert!(answer.body.contains("another site"), "{}", answer.body);
        let answer = ana.post_with(&remove, &[("csrf", &token)], &[header]).await;
        assert_eq!(answer.status, 403, "{header:?}");
    }
    assert_eq!(site.store.sources().count().await.expect("count"), 1);
    assert!(source_at(&site, OUTLET_URL).await.is_some(), "not removed");
    let bob = site
        .store
        .users()
        .get(bob.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(bob.role, Role::Reader);
    assert!(log_lines(&site).await.is_empty());
}

#[tokio::test]
async fn only_web_addresses_become_sources_and_private_ones_where_allowed() {
    let site = site(config()).await;
    let mut ana = logged_in(&site, "ana", Role::Admin).await;
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://files.example/feed",
        "not an address",
    ] {
        let answer = add_feed(&mut ana, bad, "Mine", "world").await;
        assert_eq!(answer.status, 422, "{bad}");
        assert!(
            answer.body.contains("is not an http or https URL")
                || answer.body.contains("is not a URL"),
            "{bad}: {}",
            answer.body
        );
        assert!(answer.body.contains("Add a feed"), "the form again");
        assert!(answer.body.contains(r#"value="Mine""#), "as it was sent");
        assert!(answer.body.contains(r#"<option value="world" selected>"#));
    }
    // The fetcher refuses private addresses on this instance, so the form does at once.
    for private in [
        "http://127.0.0.1:8080/feed",
        "http://localhost/rss",
        "http://10.1.2.3/feed",
        "http://[::1]/feed",
        "http://169.254.169.254/latest/meta-data",
        // IPv6 prefixes that carry an IPv4 address, and special-purpose ranges (audit S3).
        "http://[64:ff9b::7f00:1]:18090/evil.xml",
        "http://[2002:7f00:1::]/evil.xml",
        "http://[::ffff:0:7f00:1]/evil.xml",
        "http://[64:ff9b:1::7f00:1]/evil.xml",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/evil.xml",
        "http://[fec0::1]/evil.xml",
        "http://[100::1]/evil.xml",
        "http://192.0.0.1/evil.xml",
        "http://192.88.99.1/evil.xml",
    ] {
        let answer = add_feed(&mut ana, private, "", "").await;
        assert_eq!(answer.status, 422, "{private}");
        assert!(
            answer.body.contains("private, loopback or link-local"),
            "{private}: {}",
            answer.body
        );
    }
    let section = add_feed(&mut ana, "https://ok.example/feed", "", "nonsense").await;
    assert_eq!(section.status, 422);
    assert!(section.body.contains("Choose one of the sections"));
    let long = "n".repeat(201);
    let name = add_feed(&mut ana, "https://ok.example/feed", &long, "").await;
    assert_eq!(name.status, 422);
    assert_eq!(
        site.store.sources().count().await.expect("count"),
        1,
        "nothing added"
    );
    assert!(log_lines(&site).await.is_empty());

    // An instance that allows private addresses (`allow_private_addresses`) takes them.
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = tidings_store::Store::open(&url, tidings_store::StoreOptions::default())
        .await
        .expect("store");
    let fetcher = tidings_fetch::Fetcher::new(tidings_fetch::FetchConfig {
        allow_private_addresses: true,
        ..tidings_fetch::FetchConfig::default()
    })
    .expect("fetcher");
    let open = site_on(store, config(), |state| state.fetch_with(fetcher)).await;
    let mut ana = logged_in(&open, "ana", Role::Admin).await;
    let answer = add_feed(&mut ana, "http://127.0.0.1:8080/feed", "Intranet", "").await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(
        source_at(&open, "http://127.0.0.1:8080/feed")
            .await
            .is_some()
    );
    let answer = add_feed(&mut ana, "javascript:alert(1)", "", "").await;
    assert_eq!(answer.status, 422, "still only web addresses");
}

#[tokio::test]
async fn a_duplicate_address_gets_a_clear_message() {
    let site = site(config()).await;
    let outlet = the_outlet(&site).await;
    let mut ana = logged_in(&site, "ana", Role::Admin).await;
    for same in [OUTLET_URL, " HTTPS://Outlet.Example/feed"] {
        let answer = add_feed(&mut ana, same, "Again", "").await;
        assert_eq!(answer.status, 409, "{same}: {}", answer.body);
        assert!(
            answer
                .body
                .contains("https://outlet.example/feed is already a source."),
            "{}",
            answer.body
        );
        assert!(
            answer.body.contains(&format!(
                r#"See <a href="/source/{}">Outlet</a>."#,
                outlet.id
            )),
            "links the source it already is"
        );
    }
    assert_eq!(site.store.sources().count().await.expect("count"), 1);
    assert_eq!(the_outlet(&site).await.name, "Outlet", "unchanged");
    assert!(log_lines(&site).await.is_empty());
}

#[tokio::test]
async fn removing_asks_first_then_takes_the_articles_with_it() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let outlet = the_outlet(&site).await;
        site.article_at(
            outlet.id,
            "https://outlet.example/second",
            "Second",
            now() - 60,
        )
        .await;
        let (wire, _copy) = site.add_wire_copy().await;
        let mut anon = site.browser();
        anon.get(&site.article_path).await;
        assert_eq!(x_cache(&anon.get(&site.article_path).await), "hit");

        let mut ana = logged_in(&site, "ana", Role::Admin).await;
        let page = ana.get(&format!("/source/{}", outlet.id)).await;
        let ask = format!("/source/{}/remove", outlet.id);
        assert!(
            page.body.contains(&format!(r#"href="{ask}""#)),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains(&format!(r#"action="{ask}""#)),
            "the source page only links to the question"
        );
        let question = ana.get(&ask).await;
        assert_eq!(question.status, 200);
        assert!(question.body.contains("Remove Outlet?"));
        assert!(
            question.body.contains("<strong>2 articles</strong>"),
            "{}",
            question.body
        );
        assert!(question.body.contains(&format!(r#"action="{ask}""#)));
        assert_eq!(
            site.store.sources().count().await.expect("count"),
            2,
            "asking removes nothing"
        );

        let token = support::csrf_after(&question.body, "action=\"/source/");
        let removed = ana.post(&ask, &[("csrf", &token)]).await;
        assert_eq!(
            (removed.status, removed.location().as_str()),
            (303, "/sources")
        );
        assert!(
            site.store
                .sources()
                .get(outlet.id)
                .await
                .expect("read")
                .is_none()
        );
        assert_eq!(
            site.store
                .articles()
                .count_by_source(outlet.id)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            site.store
                .articles()
                .count_by_source(wire)
                .await
                .expect("count"),
            1,
            "other sources keep theirs"
        );
        let listed = anon.get("/sources").await.body;
        assert!(!listed.contains(&format!("href=\"/source/{}\"", outlet.id)));
        assert!(listed.contains("Wire"));
        assert_eq!(
            anon.get(&site.article_path).await.status,
            404,
            "the cached article page went with it"
        );
        assert_eq!(ana.get(&ask).await.status, 404);
        assert_eq!(ana.post(&ask, &[("csrf", &token)]).await.status, 404);

        let log = log_lines(&site).await;
        assert_eq!(
            log[0],
            (
                "source-remove".to_string(),
                Some(outlet.id.0),
                None,
                format!("{OUTLET_URL} (2 articles)")
            )
        );
        assert_eq!(log.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn fetch_now_makes_a_source_due() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let outlet = the_outlet(&site).await;
        let later = now() + 3_600;
        site.store
            .sources()
            .record_success(
                outlet.id,
                &FetchSuccess {
                    at: now(),
                    next_fetch_at: later,
                    ..FetchSuccess::default()
                },
            )
            .await
            .expect("fetched");
        let due = |store: tidings_store::Store| async move {
            store.sources().due(now() + 1, 100).await.expect("due")
        };
        assert!(!due(site.store.clone()).await.contains(&outlet.id));

        let mut ana = logged_in(&site, "ana", Role::Admin).await;
        let page = ana.get(&format!("/source/{}", outlet.id)).await;
        assert!(page.body.contains("Fetch now"));
        let token = support::csrf_after(&page.body, "/refresh\"");
        let done = ana
            .post(
                &format!("/source/{}/refresh", outlet.id),
                &[("csrf", &token)],
            )
            .await;
        assert_eq!(done.status, 303);
        assert_eq!(done.location(), format!("/source/{}", outlet.id));
        assert!(
            due(site.store.clone()).await.contains(&outlet.id),
            "due now"
        );
        assert!(the_outlet(&site).await.next_fetch_at <= now());
        assert_eq!(
            log_lines(&site).await[0],
            (
                "source-refresh".to_string(),
                Some(outlet.id.0),
                None,
                String::new()
            )
        );
        let missing = ana.post("/source/9999/refresh", &[("csrf", &token)]).await;
        assert_eq!(missing.status, 404);
    })
    .await;
}

#[tokio::test]
async fn the_display_policy_changes_what_the_article_page_shows() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let outlet = the_outlet(&site).await;
        let opening = "The council met on Monday to discuss the flood defences along the river.";
        let filler =
            "Engineers described the work planned for the coming months in detail. ".repeat(8);
        let closing = "The closing paragraph only the full text carries.";
        site.store
            .articles()
            .insert_new(
                outlet.id,
                &[NewArticle {
                    url: "https://outlet.example/council".into(),
                    title: "Council meets".into(),
                    published_at: Some(now() - 60),
                    fetched_at: now() - 50,
                    language: Some("en".into()),
                    body_text: format!("{opening}\n\n{filler}\n\n{closing}"),
                    body_html: format!("<p>{opening}</p><p>{filler}</p><p>{closing}</p>"),
                    ..NewArticle::default()
                }],
            )
            .await
            .expect("article");
        let article = site
            .store
            .articles()
            .latest(10, 0)
            .await
            .expect("latest")
            .into_iter()
            .find(|l| l.article.content.url == "https://outlet.example/council")
            .expect("stored")
            .article
            .id;
        let mut anon = site.browser();
        let canonical = full_path(&mut anon, &format!("/article/{article}")).await;
        let full = anon.get(&canonical).await;
        assert_eq!(full.status, 200);
        assert!(
            full.body.contains(closing),
            "the site shows articles in full"
        );

        let mut ana = logged_in(&site, "ana", Role::Admin).await;
        let page = ana.get(&format!("/source/{}", outlet.id)).await;
        assert!(page.body.contains(r#"<option value="default" selected>"#));
        let token = support::csrf_after(&page.body, "/display\"");
        let display = format!("/source/{}/display", outlet.id);
        let set = ana
            .post(&display, &[("csrf", &token), ("policy", "excerpt")])
            .await;
        assert_eq!(set.status, 303);
        assert_eq!(the_outlet(&site).await.display.as_deref(), Some("excerpt"));
        let page = ana.get(&format!("/source/{}", outlet.id)).await;
        assert!(page.body.contains(r#"<option value="excerpt" selected>"#));

        let excerpt = anon.get(&canonical).await;
        assert_eq!(excerpt.status, 200);
        assert_eq!(
            x_cache(&excerpt),
            "miss",
            "rendered anew, not the page before"
        );
        assert!(excerpt.body.contains(opening));
        assert!(!excerpt.body.contains(closing), "an excerpt now");
        assert!(excerpt.body.contains("excerpt-only"));

        let bad = ana
            .post(&display, &[("csrf", &token), ("policy", "all")])
            .await;
        assert_eq!(bad.status, 400);
        let back = ana
            .post(&display, &[("csrf", &token), ("policy", "default")])
            .await;
        assert_eq!(back.status, 303);
        assert_eq!(the_outlet(&site).await.display, None);
        assert!(
            anon.get(&canonical).await.body.contains(closing),
            "full again"
        );
        let notes: Vec<String> = log_lines(&site)
            .await
            .into_iter()
            .filter(|l| l.0 == "source-display")
            .map(|l| l.3)
            .collect();
        assert_eq!(notes, vec!["default".to_string(), "excerpt".to_string()]);
    })
    .await;
}

/// The article page's canonical path (`/article/{id}` redirects to it).
async fn full_path(browser: &mut Browser, path: &str) -> String {
    let answer = browser.get(path).await;
    if (300..400).contains(&answer.status) {
        answer.location()
    } else {
        path.to_string()
    }
}

#[tokio::test]
async fn roles_change_by_the_rules_and_the_log_remembers() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = logged_in(&site, "ana", Role::Admin).await;
        let bob = site.user("bob", PASSWORD, Role::Reader).await;
        let cem = site.user("cem", PASSWORD, Role::Moderator).await;
        let gone = site.user("gone", PASSWORD, Role::Reader).await;
        site.store.users().delete(gone.id).await.expect("delete");
        let mut bob_browser = site.browser();
        assert_eq!(bob_browser.login("bob", PASSWORD).await.status, 303);
        assert_eq!(
            bob_browser
                .comment(&site.article_path, "Hello", None)
                .await
                .status,
            303
        );
        let ana_id = site
            .store
            .users()
            .credentials("ana")
            .await
            .expect("read")
            .expect("there")
            .user
            .id;

        let front = ana.get("/").await;
        assert!(front.body.contains(r#"<a href="/operator">Operator</a>"#));
        let operator = ana.get("/operator").await;
        assert!(operator.body.contains(r#"href="/admin/users""#));
        let list = ana.get("/admin/users").await;
        assert_eq!(list.status, 200, "{}", list.body);
        let body = &list.body;
        assert!(body.contains(&format!(r#"<tr id="account-{}">"#, bob.id)));
        assert!(body.contains(&format!(r#"action="/admin/users/{}/role""#, cem.id)));
        assert!(
            !body.contains(&format!(r#"action="/admin/users/{ana_id}/role""#)),
            "no form for her own role"
        );
        assert!(body.contains("admin (you)"));
        assert!(
            !body.contains(&format!("account-{}", gone.id)),
            "deleted accounts are not listed"
        );
        let bob_line = body
            .split(&format!(r#"<tr id="account-{}">"#, bob.id))
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("bob's line");
        assert!(bob_line.contains("<td>1</td>"), "one comment: {bob_line}");
        assert!(bob_line.contains(r#"<option value="reader" selected>"#));

        let token = ana.token().await;
        let role_of = |id| {
            let store = site.store.clone();
            async move {
                store
                    .users()
                    .get(id)
                    .await
                    .expect("read")
                    .expect("there")
                    .role
            }
        };
        let change = format!("/admin/users/{}/role", bob.id);
        let done = ana
            .post(
                &change,
                &[("csrf", &token), ("role", "moderator"), ("page", "1")],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), format!("/admin/users#account-{}", bob.id));
        assert_eq!(role_of(bob.id).await, Role::Moderator);
        assert_eq!(
            bob_browser.get("/moderation").await.status,
            200,
            "the new role works at once"
        );

        let bad = ana
            .post(&change, &[("csrf", &token), ("role", "root")])
            .await;
        assert_eq!(bad.status, 400);
        let own = ana
            .post(
                &format!("/admin/users/{ana_id}/role"),
                &[("csrf", &token), ("role", "reader")],
            )
            .await;
        assert_eq!(own.status, 403);
        assert!(own.body.contains("your own role"), "{}", own.body);
        assert_eq!(role_of(ana_id).await, Role::Admin);
        let deleted = ana
            .post(
                &format!("/admin/users/{}/role", gone.id),
                &[("csrf", &token), ("role", "admin")],
            )
            .await;
        assert_eq!(deleted.status, 404);
        let missing = ana
            .post(
                "/admin/users/99999/role",
                &[("csrf", &token), ("role", "admin")],
            )
            .await;
        assert_eq!(missing.status, 404);

        // Another admin may demote her; then she is out of these pages.
        let promote = ana
            .post(&change, &[("csrf", &token), ("role", "admin")])
            .await;
        assert_eq!(promote.status, 303);
        let bob_token = bob_browser.token().await;
        let demote = bob_browser
            .post(
                &format!("/admin/users/{ana_id}/role"),
                &[("csrf", &bob_token), ("role", "moderator")],
            )
            .await;
        assert_eq!(demote.status, 303, "{}", demote.body);
        assert_eq!(role_of(ana_id).await, Role::Moderator);
        assert_eq!(ana.get("/admin/users").await.status, 403);
        let again = ana
            .post(&change, &[("csrf", &token), ("role", "reader")])
            .await;
        assert_eq!(again.status, 403, "no longer an admin");
        assert_eq!(
            role_of(bob.id).await,
            Role::Admin,
            "bob, the last admin, stays one"
        );

        let log = log_lines(&site).await;
        let roles: Vec<(Option<i64>, String)> = log
            .iter()
            .filter(|l| l.0 == "role")
            .map(|l| (l.2, l.3.clone()))
            .collect();
        assert_eq!(
            roles,
            vec![
                (Some(ana_id.0), "moderator".to_string()),
                (Some(bob.id.0), "admin".to_string()),
                (Some(bob.id.0), "moderator".to_string()),
            ]
        );
        let moderation = bob_browser.get("/moderation").await.body;
        assert!(moderation.contains("<td>role</td>"));
        assert!(moderation.contains(&format!("<td>account {ana_id}</td>")));
    })
    .await;
}

#[tokio::test]
async fn admin_actions_count_against_the_write_limit() {
    let site = site(PeopleConfig {
        limits: RateLimitConfig {
            writes_per_minute_per_account: 2,
            ..RateLimitConfig::default()
        },
        ..config()
    })
    .await;
    let outlet = the_outlet(&site).await;
    let mut ana = logged_in(&site, "ana", Role::Admin).await;
    let token = ana.token().await;
    let refresh = format!("/source/{}/refresh", outlet.id);
    assert_eq!(ana.post(&refresh, &[("csrf", &token)]).await.status, 303);
    assert_eq!(ana.post(&refresh, &[("csrf", &token)]).await.status, 303);
    let limited = add_feed(&mut ana, "https://late.example/feed", "", "").await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(
        source_at(&site, "https://late.example/feed")
            .await
            .is_none()
    );
    assert_eq!(log_lines(&site).await.len(), 2);
}

/// The name below as the templates escape it.
const ESCAPED_NAME: &str =
    "&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=&#34;alert(2)&#34;&#62;";

#[tokio::test]
async fn markup_in_a_submitted_name_or_address_is_escaped() {
    let site = site(config()).await;
    let mut ana = logged_in(&site, "ana", Role::Admin).await;
    let name = r#"<script>alert(1)</script><img src=x onerror="alert(2)">"#;
    let added = add_feed(&mut ana, "https://xss.example/feed", name, "").await;
    assert_eq!(added.status, 303);
    let stored = source_at(&site, "https://xss.example/feed")
        .await
        .expect("added");
    assert_eq!(stored.name, name, "stored as written");
    let mut anon = site.browser();
    for page in [
        anon.get("/sources").await.body,
        anon.get(&format!("/source/{}", stored.id)).await.body,
        ana.get(&format!("/source/{}/remove", stored.id)).await.body,
    ] {
        assert!(!page.contains("<script>alert(1)"), "{page}");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(page.contains(ESCAPED_NAME), "{page}");
    }
    // A refused form comes back with what was sent, escaped too.
    let sneaky = r#"javascript:alert(1)"><script>alert(3)</script>"#;
    let refused = add_feed(&mut ana, sneaky, name, "").await;
    assert_eq!(refused.status, 422);
    assert!(!refused.body.contains("<script>alert(3)"));
    assert!(!refused.body.contains("<script>alert(1)"));
    assert!(
        refused
            .body
            .contains("&#60;script&#62;alert(3)&#60;/script&#62;")
    );
    assert!(refused.body.contains(ESCAPED_NAME));
}
