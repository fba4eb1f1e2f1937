//! "Download my data" through HTTP: `/account/export` gives a reader everything the site holds
//! about them (account, comments in every state, reports, reading, replies mark) and nothing
//! secret or someone else's; anonymous readers are sent to log in, the download is private,
//! and it is rate limited. On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use serde_json::Value;
use sqlx::Row;
use std::time::{Duration, Instant};
use support::{Browser, Site, comment_id, config, site_on};
use tidings_model::UserId;
use tidings_store::testing::each_backend;
use tidings_store::{Follow, FollowKind};
use tidings_web::people::{Clock, RateLimitConfig};

/// The password of accounts made with [`Site::account_with_key`].
const PASSWORD: &str = "correct horse battery";

async fn user_id(site: &Site, name: &str) -> UserId {
    site.store
        .users()
        .credentials(name)
        .await
        .expect("read")
        .expect("there")
        .user
        .id
}

/// Posts on a page past the burst limits; the new comment's id.
async fn say(site: &Site, who: &mut Browser, page: &str, text: &str, parent: Option<i64>) -> i64 {
    site.clock.advance(Duration::from_secs(61));
    let answer = who.comment(page, text, parent).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    comment_id(&answer)
}

fn now_secs(site: &Site) -> i64 {
    site.clock.now_ms() / 1000
}

fn header(answer: &support::Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The export's list at `path` (`/comments`, `/reading/read`, …).
fn list<'a>(doc: &'a Value, path: &str) -> &'a Vec<Value> {
    doc.pointer(path)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("a list at {path}: {doc}"))
}

fn by_id(items: &[Value], id: i64) -> &Value {
    items
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("item {id} in {items:?}"))
}

#[tokio::test]
async fn a_reader_downloads_everything_about_them_and_nothing_secret_or_of_others() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (mut ana, key) = site.account_with_key("ana").await;
        let mut ana_phone = site.browser();
        assert_eq!(ana_phone.login("ana", PASSWORD).await.status, 303);
        let (mut bob, _) = site.account_with_key("bob").await;
        let mut moderator = site.browser();
        site.user("mod", PASSWORD, tidings_model::Role::Moderator)
            .await;
        assert_eq!(moderator.login("mod", PASSWORD).await.status, 303);
        let ana_id = user_id(&site, "ana").await;
        let bob_id = user_id(&site, "bob").await;
        let story_path = format!("/story/{}", site.story);

        // An app uses her key once, so it has a last use.
        let me = reqwest::Client::new()
            .get(format!("{}/v1/me", site.base))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), 200);

        // Her comments: one kept, one deleted, one hidden by a moderator, one reply to bob.
        let hostile = "First *thoughts* </script><b>& more";
        let kept = say(&site, &mut ana, &site.article_path, hostile, None).await;
        let deleted = say(&site, &mut ana, &story_path, "Regret this", None).await;
        let hidden = say(&site, &mut ana, &site.article_path, "Rude words", None).await;
        let bobs = say(&site, &mut bob, &site.article_path, "Bob's own words", None).await;
        let reply = say(
            &site,
            &mut ana,
            &site.article_path,
            "Answer, bob",
            Some(bobs),
        )
        .await;
        let token = ana.token().await;
        let done = ana
            .post(&format!("/comments/{deleted}/delete"), &[("csrf", &token)])
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let mod_token = moderator.token().await;
        let done = moderator
            .post(
                &format!("/moderation/comments/{hidden}/hide"),
                &[("csrf", &mod_token), ("note", "rude")],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        site.clock.advance(Duration::from_secs(120));
        let edited = ana
            .post(
                &format!("/comments/{reply}/edit"),
                &[("csrf", &token), ("body", "Answer, bob (edited)")],
            )
            .await;
        assert_eq!(edited.status, 303, "{}", edited.body);
        // Her report of bob's comment; bob's report of hers is not hers.
        let reported = ana
            .post(
                &format!("/comments/{bobs}/report"),
                &[("csrf", &token), ("reason", "off topic")],
            )
            .await;
        assert_eq!(reported.status, 303);
        let bob_token = bob.token().await;
        bob.post(
            &format!("/comments/{kept}/report"),
            &[("csrf", &bob_token), ("reason", "bob's reason")],
        )
        .await;
        // Bob answers her; she marks his answer seen on /replies.
        let answer = say(&site, &mut bob, &site.article_path, "Bob again", Some(kept)).await;
        assert_eq!(ana.mark_replies_seen().await.status, 303);

        // Her reading, and bob's.
        let now = now_secs(&site);
        let reading = site.store.reading();
        let folder = reading
            .folder_named(ana_id, "Local news", now)
            .await
            .expect("folder");
        let source = site.store.sources().list().await.expect("sources")[0].id;
        reading
            .subscribe(ana_id, source, folder.id, now)
            .await
            .expect("subscribe");
        let entity = Follow {
            kind: FollowKind::Entity,
            target: "the-valley".into(),
        };
        reading.follow(ana_id, &entity, now).await.expect("follow");
        reading
            .follow(ana_id, &Follow::story(site.story), now)
            .await
            .expect("follow story");
        let other = site
            .article_at(
                source,
                "https://outlet.example/dam",
                "The dam held",
                now - 100,
            )
            .await;
        let bobs_only = site
            .article_at(
                source,
                "https://outlet.example/bobs-only",
                "Only bob read this",
                now - 50,
            )
            .await;
        reading
            .set_read(ana_id, &[site.article], true, now)
            .await
            .expect("read");
        reading
            .set_starred(ana_id, &[other], true, now + 5)
            .await
            .expect("star");
        reading
            .set_read(bob_id, &[bobs_only, other], true, now)
            .await
            .expect("bob reads");
        reading
            .follow(
                bob_id,
                &Follow {
                    kind: FollowKind::Search,
                    target: "bob's search".into(),
                },
                now,
            )
            .await
            .expect("bob follows");

        // The operator set her password from the command line; a moderator banned bob.
        let log = site.store.moderation();
        log.log(None, "password", None, Some(ana_id), "", now)
            .await
            .expect("log");
        let mod_id = user_id(&site, "mod").await;
        log.log(
            Some(mod_id),
            "ban",
            None,
            Some(bob_id),
            "bob's ban note",
            now,
        )
        .await
        .expect("log");

        let page = ana.get("/account").await;
        assert!(
            page.body
                .contains("<a href=\"/account/export\" download>Download my data (JSON)</a>"),
            "{}",
            page.body
        );

        let got = ana.get("/account/export").await;
        assert_eq!(got.status, 200, "{}", got.body);
        assert_eq!(header(&got, "content-type"), "application/json");
        let day = chrono::DateTime::from_timestamp(now_secs(&site), 0)
            .expect("a time")
            .format("%Y-%m-%d");
        assert_eq!(
            header(&got, "content-disposition"),
            format!("attachment; filename=\"tidings-ana-{day}.json\"")
        );
        assert_eq!(header(&got, "cache-control"), "private, no-store");
        let raw = &got.body;
        let doc: Value = serde_json::from_str(raw).expect("valid JSON");

        assert_eq!(doc["format"], "tidings-account-export");
        assert_eq!(doc["version"], 1);
        assert_eq!(doc["exported_at"], tidings_web::rfc3339(now_secs(&site)));
        let account = &doc["account"];
        assert_eq!(account["id"], ana_id.0);
        assert_eq!(account["name"], "ana");
        assert_eq!(account["display_name"], "ana");
        assert_eq!(account["role"], "reader");
        assert_eq!(account["state"], "active");
        assert_eq!(account["created_at"], "1970-01-01T00:00:00Z");
        assert_eq!(account["password_changed_at"], "1970-01-01T00:00:00Z");
        assert_eq!(account["active_sessions"], 2, "her two browsers");
        let keys = account["api_keys"].as_array().expect("keys");
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0]["label"], "tests");
        assert!(keys[0]["created_at"].is_string());
        assert!(keys[0]["last_used_at"].is_string(), "used once: {doc}");
        assert_eq!(
            keys[0].as_object().map(|o| o.len()),
            Some(3),
            "a label and two times, nothing else: {}",
            keys[0]
        );
        assert_eq!(doc["replies"]["newest_seen_id"], answer);

        // Her two browsers' sessions and the two devices she logged in from: times only.
        let sessions = list(&doc, "/sessions");
        assert_eq!(sessions.len(), 2, "{sessions:?}");
        assert_eq!(
            sessions.iter().filter(|s| s["current"] == true).count(),
            1,
            "the downloading one is marked: {sessions:?}"
        );
        for s in sessions {
            assert!(s["created_at"].is_string() && s["expires_at"].is_string());
            assert_eq!(s.as_object().map(|o| o.len()), Some(3), "{s}");
        }
        let devices = list(&doc, "/login_devices");
        assert_eq!(devices.len(), 2, "{devices:?}");
        for d in devices {
            assert!(d["first_login_at"].is_string());
            assert_eq!(d.as_object().map(|o| o.len()), Some(1), "{d}");
        }
        // The moderation log's lines about her and her comments, nobody named.
        let lines = list(&doc, "/moderation");
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0]["action"], "hide");
        assert_eq!(lines[0]["comment_id"], hidden);
        assert_eq!(lines[0]["note"], "rude");
        assert_eq!(lines[0]["by"], "site staff");
        assert_eq!(lines[1]["action"], "password");
        assert_eq!(lines[1]["comment_id"], Value::Null);
        assert_eq!(lines[1]["by"], "command line");
        assert_eq!(lines[1]["at"], tidings_web::rfc3339(now));
        for line in lines {
            assert_eq!(line.as_object().map(|o| o.len()), Some(5), "{line}");
        }

        let comments = list(&doc, "/comments");
        assert_eq!(comments.len(), 4, "hers only: {comments:?}");
        let order: Vec<i64> = comments.iter().filter_map(|c| c["id"].as_i64()).collect();
        assert_eq!(order, vec![kept, deleted, hidden, reply], "oldest first");
        let c = by_id(comments, kept);
        assert_eq!(c["markdown"], hostile, "the Markdown as written");
        assert_eq!(c["state"], "visible");
        assert_eq!(c["page"]["kind"], "article");
        assert_eq!(c["page"]["id"], site.article.0);
        assert_eq!(c["page"]["title"], "Flood in the valley");
        assert_eq!(c["page"]["path"], site.article_path);
        assert_eq!(c["parent_id"], Value::Null);
        assert!(c["created_at"].is_string());
        assert_eq!(c["edited_at"], Value::Null);
        let c = by_id(comments, deleted);
        assert_eq!(c["state"], "deleted");
        assert_eq!(c["markdown"], "", "a deleted comment's text is gone");
        assert_eq!(c["page"]["kind"], "story");
        assert_eq!(c["page"]["path"], story_path);
        let c = by_id(comments, hidden);
        assert_eq!(c["state"], "hidden");
        assert_eq!(c["markdown"], "Rude words", "hidden, but hers");
        let c = by_id(comments, reply);
        assert_eq!(c["parent_id"], bobs);
        assert_eq!(c["markdown"], "Answer, bob (edited)");
        assert!(c["edited_at"].is_string());
        assert!(!raw.contains("Regret this"));

        let reports = list(&doc, "/reports");
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert_eq!(reports[0]["comment_id"], bobs);
        assert_eq!(reports[0]["reason"], "off topic");
        assert!(reports[0]["created_at"].is_string());

        assert_eq!(doc["reading"]["folders"], serde_json::json!(["Local news"]));
        let subs = list(&doc, "/reading/subscriptions");
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0]["name"], "Outlet");
        assert_eq!(subs[0]["url"], "https://outlet.example/feed");
        assert_eq!(subs[0]["folder"], "Local news");
        let follows = list(&doc, "/reading/follows");
        assert_eq!(
            follows,
            &vec![
                serde_json::json!({"kind": "entity", "target": "the-valley"}),
                serde_json::json!({"kind": "story", "target": site.story.0.to_string()}),
            ]
        );
        let read = list(&doc, "/reading/read");
        assert_eq!(read.len(), 1, "{read:?}");
        assert_eq!(read[0]["article_id"], site.article.0);
        assert_eq!(read[0]["title"], "Flood in the valley");
        assert_eq!(read[0]["url"], "https://outlet.example/flood");
        assert_eq!(read[0]["path"], site.article_path);
        assert_eq!(read[0]["at"], tidings_web::rfc3339(now));
        let starred = list(&doc, "/reading/starred");
        assert_eq!(starred.len(), 1, "{starred:?}");
        assert_eq!(starred[0]["article_id"], other.0);
        assert_eq!(starred[0]["at"], tidings_web::rfc3339(now + 5));

        // Nothing of bob's.
        for theirs in [
            "Bob's own words",
            "Bob again",
            "bob's reason",
            "bob's search",
            "Only bob read this",
            "bobs-only",
            "bob's ban note",
        ] {
            assert!(!raw.contains(theirs), "{theirs:?} is bob's: {raw}");
        }
        // Hostile text stays inert, as in the API's JSON.
        assert!(!raw.contains('<') && !raw.contains('&'), "{raw}");

        // No secret, in any form.
        let mut secrets = vec![key.clone()];
        let hash = site
            .store
            .users()
            .password_hash(ana_id)
            .await
            .expect("read")
            .expect("a hash");
        secrets.push(hash);
        let pool = site.store.pool();
        for row in sqlx::query("SELECT token_hash, fever_hash FROM api_keys WHERE user_id = $1")
            .bind(ana_id.0)
            .fetch_all(pool)
            .await
            .expect("keys")
        {
            secrets.push(row.try_get("token_hash").expect("hash"));
            secrets.push(row.try_get("fever_hash").expect("hash"));
        }
        for row in sqlx::query("SELECT token_hash, csrf_token FROM sessions WHERE user_id = $1")
            .bind(ana_id.0)
            .fetch_all(pool)
            .await
            .expect("sessions")
        {
            secrets.push(row.try_get("token_hash").expect("hash"));
            secrets.push(row.try_get("csrf_token").expect("csrf"));
        }
        for row in sqlx::query("SELECT token_hash FROM login_devices WHERE user_id = $1")
            .bind(ana_id.0)
            .fetch_all(pool)
            .await
            .expect("devices")
        {
            secrets.push(row.try_get("token_hash").expect("hash"));
        }
        for browser in [&ana, &ana_phone] {
            secrets.extend(browser.cookies.values().cloned());
        }
        assert!(secrets.len() >= 11, "{secrets:?}");
        for secret in &secrets {
            assert!(secret.len() >= 16, "{secret:?}");
            assert!(
                !raw.contains(secret.as_str()),
                "a secret in the export: {secret}"
            );
        }

        // Bob's download has his comments and not hers.
        let his: Value =
            serde_json::from_str(&bob.get("/account/export").await.body).expect("JSON");
        let ids: Vec<i64> = list(&his, "/comments")
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .collect();
        assert_eq!(ids, vec![bobs, answer]);
        assert_eq!(
            his["replies"]["newest_seen_id"],
            Value::Null,
            "he never looked"
        );
        assert_eq!(list(&his, "/reports")[0]["comment_id"], kept);
        assert_eq!(list(&his, "/reading/read").len(), 2);
    })
    .await;
}

#[tokio::test]
async fn anonymous_readers_are_sent_to_log_in_and_downloads_are_rate_limited() {
    each_backend(|store| async move {
        let mut people = config();
        people.limits = RateLimitConfig {
            exports_per_minute_per_account: 2,
            ..RateLimitConfig::default()
        };
        let site = site_on(store, people, |_| {}).await;
        let anon = site.browser().get("/account/export").await;
        assert_eq!(anon.status, 303);
        assert_eq!(anon.location(), "/login?next=/account/export");
        let (mut ana, _) = site.account_with_key("ana").await;
        let (mut bob, _) = site.account_with_key("bob").await;
        for _ in 0..2 {
            assert_eq!(ana.get("/account/export").await.status, 200);
        }
        let refused = ana.get("/account/export").await;
        assert_eq!(refused.status, 429, "{}", refused.body);
        let wait: u64 = header(&refused, "retry-after").parse().expect("seconds");
        assert!((1..=30).contains(&wait), "{wait}");
        assert_eq!(
            bob.get("/account/export").await.status,
            200,
            "another account is not held back"
        );
        site.clock.advance(Duration::from_secs(wait));
        assert_eq!(ana.get("/account/export").await.status, 200);
    })
    .await;
}

/// `WITH RECURSIVE n(i)`: the numbers 1 to `n`, for filling tables in one statement.
fn numbers(n: i64) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})")
}

/// Fills `n` articles at `source` (`https://outlet.example/a/{i}`).
async fn fill_articles(site: &Site, n: i64) {
    let source = site.store.sources().list().await.expect("sources")[0].id;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO articles (source_id, url, title, fetched_at, sort_at, body_text, \
         body_html) {} SELECT $1, 'https://outlet.example/a/' || i, \
         'A headline of ordinary length, number ' || i, 1000, 1000, '', '' FROM n",
        numbers(n)
    )))
    .bind(source.0)
    .execute(site.store.pool())
    .await
    .expect("articles");
}

/// Gives `user` a read mark on every article and `n` comments on the site's article (at
/// times `3001…`, `tie` of them at one time, so batches end inside a tie).
async fn fill_account(site: &Site, user: UserId, n: i64, tie: i64) {
    let pool = site.store.pool();
    sqlx::query(
        "INSERT INTO article_states (user_id, article_id, read_at) \
         SELECT $1, id, 2000 FROM articles",
    )
    .bind(user.0)
    .execute(pool)
    .await
    .expect("marks");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO comments (target_kind, target_id, user_id, body_source, body_html, \
         state, created_at) {} SELECT 'article', $2, $1, \
         'A comment of a few sentences. It says something about the story, then \
         a little more, with a *word* in emphasis and a [link](https://x.example/). ' \
         || i, '<p>…</p>', 'visible', CASE WHEN i <= $3 THEN 3000 ELSE 3000 + i END FROM n",
        numbers(n)
    )))
    .bind(user.0)
    .bind(site.article.0)
    .bind(tie)
    .execute(pool)
    .await
    .expect("comments");
}

/// The ids under `key` in each item of a list, checked to be distinct.
fn distinct_ids(items: &[Value], key: &str) -> usize {
    let ids: std::collections::BTreeSet<i64> =
        items.iter().filter_map(|i| i[key].as_i64()).collect();
    assert_eq!(ids.len(), items.len(), "no item twice, none without {key}");
    ids.len()
}

#[tokio::test]
async fn lists_longer_than_a_batch_come_whole_and_once() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (mut ana, _) = site.account_with_key("ana").await;
        let (_bob, _) = site.account_with_key("bob").await;
        let ana_id = user_id(&site, "ana").await;
        let bob_id = user_id(&site, "bob").await;
        fill_articles(&site, 2_400).await;
        fill_account(&site, ana_id, 2_100, 1_500).await;
        fill_account(&site, bob_id, 1_100, 0).await;
        // She reports 1,001 of bob's comments; he reports some of hers.
        let pool = site.store.pool();
        for (reporter, author, n) in [(ana_id, bob_id, 1_001), (bob_id, ana_id, 10)] {
            sqlx::query(
                "INSERT INTO comment_reports (comment_id, user_id, reason, created_at) \
                 SELECT id, $1, 'spam', 4000 FROM comments WHERE user_id = $2 \
                 ORDER BY id LIMIT $3",
            )
            .bind(reporter.0)
            .bind(author.0)
            .bind(n)
            .execute(pool)
            .await
            .expect("reports");
        }
        let got = ana.get("/account/export").await;
        assert_eq!(got.status, 200);
        let doc: Value = serde_json::from_str(&got.body).expect("JSON");
        let comments = list(&doc, "/comments");
        assert_eq!(distinct_ids(comments, "id"), 2_100);
        let key = |c: &Value| {
            (
                c["created_at"].as_str().map(str::to_string),
                c["id"].as_i64(),
            )
        };
        assert!(
            comments.windows(2).all(|w| key(&w[0]) < key(&w[1])),
            "oldest first"
        );
        assert_eq!(distinct_ids(list(&doc, "/reports"), "comment_id"), 1_001);
        assert_eq!(
            distinct_ids(list(&doc, "/reading/read"), "article_id"),
            2_401
        );
        assert!(list(&doc, "/reading/starred").is_empty());
    })
    .await;
}

/// How long an export of a big account takes (not a timed test: it prints). Run with
/// `cargo test --release -p tidings-web --test account_export -- --ignored --nocapture`.
#[tokio::test]
#[ignore]
async fn measure_an_export_of_10_000_comments_and_100_000_read_marks() {
    each_backend(|store| async move {
        let mut people = config();
        people.limits = RateLimitConfig::off();
        let site = site_on(store, people, |_| {}).await;
        let (mut ana, _) = site.account_with_key("ana").await;
        let (_bob, _) = site.account_with_key("bob").await;
        let ana_id = user_id(&site, "ana").await;
        let bob_id = user_id(&site, "bob").await;
        let started = Instant::now();
        fill_articles(&site, 100_000).await;
        fill_account(&site, ana_id, 10_000, 0).await;
        fill_account(&site, bob_id, 10_000, 0).await;
        let pool = site.store.pool();
        if site.store.backend() == tidings_store::Backend::Postgres {
            sqlx::query("ANALYZE").execute(pool).await.expect("analyze");
        }
        println!(
            "{}: filled in {:.1} s",
            site.store.backend_name(),
            started.elapsed().as_secs_f64()
        );
        for line in
            tidings_store::testing::comments_by_author_plan(&site.store, ana_id.0, 3_000).await
        {
            println!(
                "{}: plan of a page of comments: {line}",
                site.store.backend_name()
            );
        }
        for line in tidings_store::testing::read_marks_plan(&site.store, ana_id.0, 50_000).await {
            println!(
                "{}: plan of a page of read marks: {line}",
                site.store.backend_name()
            );
        }
        let mut times = Vec::new();
        let mut body = String::new();
        for _ in 0..5 {
            let t = Instant::now();
            let got = ana.get("/account/export").await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(got.status, 200);
            body = got.body;
        }
        let bytes = body.len();
        let doc: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(list(&doc, "/comments").len(), 10_000);
        assert_eq!(list(&doc, "/reading/read").len(), 100_001);
        times.sort_by(f64::total_cmp);
        println!(
            "{}: export of 10,000 comments and 100,000 read marks: {:.1} MB, median {:.0} ms \
             (min {:.0}, max {:.0}; 5 runs)",
            site.store.backend_name(),
            bytes as f64 / 1e6,
            times[2],
            times[0],
            times[4]
        );
    })
    .await;
}
