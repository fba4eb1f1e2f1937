//! Replies to a reader's comments through HTTP: the `/replies` page, its "Mark all as seen"
//! button (opening the page marks nothing), the header's unread count, a late approval, the
//! link into the thread, the API, who sees what, and hostile display names; on SQLite and,
//! with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use sqlx::Row;
use std::time::Duration;
use support::{Browser, Site, comment_id, config, csrf_after, field_after, site_on};
use tidings_model::{CommentId, CommentState, Role};
use tidings_store::NewComment;
use tidings_store::testing::each_backend;
use tidings_web::people::Clock;

const PASSWORD: &str = "a long enough password";

/// The header link to `/replies` in a signed-in page, e.g. `Replies · 3` or `Replies`.
fn replies_link(html: &str) -> String {
    let start = html
        .find("<a href=\"/replies\"")
        .unwrap_or_else(|| panic!("a Replies link in the header: {html}"));
    let rest = &html[start..];
    let text_start = rest.find('>').map(|i| i + 1).unwrap_or(0);
    let end = rest.find("</a>").unwrap_or(rest.len());
    rest[text_start..end].to_string()
}

/// A signed-up, logged-in reader.
async fn reader(site: &Site, name: &str, display: &str) -> Browser {
    let mut b = site.browser();
    let answer = b.signup(name, display, PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    b
}

/// Posts on the site's article and returns the new comment's id.
async fn say(site: &Site, who: &mut Browser, text: &str, parent: Option<i64>) -> i64 {
    // Past the burst and per-minute limits.
    site.clock.advance(Duration::from_secs(61));
    let answer = who.comment(&site.article_path, text, parent).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    comment_id(&answer)
}

async fn user_id(site: &Site, name: &str) -> i64 {
    site.store
        .users()
        .credentials(name)
        .await
        .expect("read")
        .expect("there")
        .user
        .id
        .0
}

/// A reply by `author` to comment `parent` on the site's article, held for a moderator (as
/// pre-moderation or the spam rules hold one); its id.
async fn held_reply(site: &Site, author: &str, parent: i64, text: &str) -> i64 {
    site.store
        .comments()
        .insert(
            &NewComment {
                target: tidings_model::CommentTarget::Article(site.article),
                parent_id: Some(CommentId(parent)),
                user_id: tidings_model::UserId(user_id(site, author).await),
                body_source: text.into(),
                body_html: format!("<p>{text}</p>"),
                state: CommentState::Held,
            },
            site.clock.now_ms() / 1000,
        )
        .await
        .expect("held reply")
        .0
}

#[tokio::test]
async fn a_reply_is_listed_and_counted_until_marked_seen_and_a_later_one_counts_again() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mine = say(&site, &mut ana, "The river *rose* overnight.", None).await;
        assert_eq!(
            replies_link(&ana.get("/").await.body),
            "Replies",
            "none yet"
        );
        let empty = ana.get("/replies").await;
        assert_eq!(empty.status, 200);
        assert!(empty.body.contains("No replies yet"), "{}", empty.body);

        let reply = say(&site, &mut bob, "It did, **twice**.", Some(mine)).await;
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 1");
        assert_eq!(
            replies_link(&ana.get(&site.article_path).await.body),
            "Replies · 1",
            "on every page"
        );
        assert_eq!(
            replies_link(&bob.get("/").await.body),
            "Replies",
            "not bob's"
        );

        let page = ana.get("/replies").await;
        assert_eq!(page.status, 200);
        assert_eq!(
            page.headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("private, no-store")
        );
        let body = &page.body;
        assert!(
            body.contains("<span class=\"comment-author\">Bob</span> replied"),
            "{body}"
        );
        assert!(
            body.contains("It did, <strong>twice</strong>."),
            "rendered: {body}"
        );
        assert!(
            body.contains("Your comment:</span> The river rose overnight."),
            "an excerpt of her comment, as text: {body}"
        );
        assert!(
            body.contains("<strong class=\"badge\">new</strong>"),
            "{body}"
        );
        assert!(
            body.contains("1 new since you last marked them seen"),
            "{body}"
        );
        assert!(body.contains(">Mark all as seen</button>"), "{body}");
        assert!(
            body.contains(&format!(
                "<a href=\"{}\">Flood in the valley</a>",
                site.article_path
            )),
            "{body}"
        );
        assert!(body.contains("<time datetime="), "a relative age: {body}");
        assert_eq!(
            replies_link(body),
            "Replies · 1",
            "opening the page marks nothing"
        );
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 1");
        let marked = ana.mark_replies_seen().await;
        assert_eq!(marked.status, 303, "{}", marked.body);
        assert_eq!(marked.location(), "/replies");
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");
        let again = ana.get("/replies").await.body;
        assert!(
            again.contains("It did, <strong>twice</strong>."),
            "still listed"
        );
        assert!(!again.contains("class=\"badge\">new<"), "no longer new");
        assert!(!again.contains("Mark all as seen"), "nothing to mark");

        // The link leads to the reply in its thread.
        let link = format!("/comments/{reply}");
        assert!(body.contains(&format!("<a href=\"{link}\">")), "{body}");
        let go = ana.get(&link).await;
        assert_eq!(go.status, 303);
        assert_eq!(
            go.location(),
            format!("{}#comment-{reply}", site.article_path)
        );
        assert!(
            ana.get(&site.article_path)
                .await
                .body
                .contains(&format!("id=\"comment-{reply}\""))
        );

        // Her answers to her own comment are not news to her; bob's later reply is.
        say(&site, &mut ana, "Adding to myself.", Some(mine)).await;
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");
        assert_eq!(
            replies_link(&bob.get("/").await.body),
            "Replies",
            "an answer to ana's own comment is not bob's"
        );
        let later = say(&site, &mut bob, "And the dam held.", Some(mine)).await;
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 1");
        let page = ana.get("/replies").await.body;
        let at = |id: i64| {
            page.find(&format!("id=\"reply-{id}\""))
                .unwrap_or_else(|| panic!("reply {id} listed: {page}"))
        };
        assert!(at(later) < at(reply), "newest first");
        assert!(!page.contains("Adding to myself"), "not her own: {page}");

        // A reader away for long sees the count stop at the cap.
        let bob_id = tidings_model::UserId(user_id(&site, "bob").await);
        for n in 0..tidings_store::UNREAD_CAP {
            site.store
                .comments()
                .insert(
                    &NewComment {
                        target: tidings_model::CommentTarget::Article(site.article),
                        parent_id: Some(CommentId(mine)),
                        user_id: bob_id,
                        body_source: format!("Reply {n}"),
                        body_html: format!("<p>Reply {n}</p>"),
                        state: CommentState::Visible,
                    },
                    site.clock.now_ms() / 1000,
                )
                .await
                .expect("reply");
        }
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 99+");
        let first = ana.get("/replies").await.body;
        assert!(
            first.contains("99+ new since you last marked them seen"),
            "counted as the header counts: {first}"
        );
        assert_eq!(
            first
                .matches("<strong class=\"badge\">new</strong>")
                .count(),
            20,
            "one page of them: {first}"
        );
        assert!(
            first.contains("href=\"/replies?page=2\" rel=\"next\""),
            "paged: {first}"
        );
        assert_eq!(replies_link(&first), "Replies · 99+");
        let second = ana.get("/replies?page=2").await.body;
        assert!(
            second.contains("href=\"/replies\" rel=\"prev\""),
            "{second}"
        );
        assert!(
            second.contains("Reply 79") && second.contains("Reply 60"),
            "{second}"
        );
        assert!(!second.contains("Reply 80<"), "{second}");
        assert_eq!(ana.mark_replies_seen().await.status, 303);
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");
    })
    .await;
}

#[tokio::test]
async fn opening_replies_marks_nothing_and_only_a_same_site_post_with_the_token_does() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mine = say(&site, &mut ana, "Mark me.", None).await;
        let first = say(&site, &mut bob, "First answer", Some(mine)).await;
        for _ in 0..2 {
            assert_eq!(ana.get("/replies").await.status, 200);
            assert_eq!(ana.get("/replies?page=1").await.status, 200);
        }
        assert_eq!(
            replies_link(&ana.get("/").await.body),
            "Replies · 1",
            "a GET changes nothing, so a link from another site cannot either"
        );

        let page = ana.get("/replies").await.body;
        let form = "action=\"/replies/seen\"";
        let token = csrf_after(&page, form);
        let up_to = field_after(&page, form, "up_to");
        let fields = [("csrf", token.as_str()), ("up_to", up_to.as_str())];
        let refused = [
            ana.post_with(
                "/replies/seen",
                &fields,
                &[("origin", "https://evil.example")],
            )
            .await,
            ana.post_with(
                "/replies/seen",
                &fields,
                &[("sec-fetch-site", "cross-site")],
            )
            .await,
            ana.post(
                "/replies/seen",
                &[("csrf", "not-the-token"), ("up_to", &up_to)],
            )
            .await,
            ana.post("/replies/seen", &[("up_to", &up_to)]).await,
            bob.post("/replies/seen", &fields).await,
        ];
        for answer in &refused {
            assert_eq!(answer.status, 403, "{}", answer.body);
        }
        let mut anon = site.browser();
        assert_eq!(anon.post("/replies/seen", &fields).await.status, 401);
        for bad in ["", "many", "-1", "1.5"] {
            let answer = ana
                .post("/replies/seen", &[("csrf", &token), ("up_to", bad)])
                .await;
            assert_eq!(answer.status, 400, "up_to {bad:?}: {}", answer.body);
        }
        assert_eq!(
            replies_link(&ana.get("/").await.body),
            "Replies · 1",
            "none of those marked anything"
        );

        // A reply that arrives after the page was rendered stays new after its button.
        let during = say(&site, &mut bob, "Written while she read", Some(mine)).await;
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 2");
        let marked = ana.post("/replies/seen", &fields).await;
        assert_eq!(marked.status, 303, "{}", marked.body);
        assert_eq!(marked.location(), "/replies");
        let page = ana.get("/replies").await.body;
        assert_eq!(replies_link(&page), "Replies · 1");
        let badge = |id: i64| {
            let at = page
                .find(&format!("id=\"reply-{id}\""))
                .unwrap_or_else(|| panic!("reply {id} listed: {page}"));
            page[at..]
                .split("</header>")
                .next()
                .unwrap_or_default()
                .contains("badge\">new<")
        };
        assert!(badge(during), "{page}");
        assert!(!badge(first), "{page}");
        assert_eq!(ana.mark_replies_seen().await.status, 303);
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");
    })
    .await;
}

#[tokio::test]
async fn a_held_reply_approved_after_newer_ones_were_seen_counts_as_new() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        site.user("mod", PASSWORD, Role::Moderator).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mine = say(&site, &mut ana, "Approve me later.", None).await;
        let held = held_reply(&site, "bob", mine, "Held for a while").await;
        let newer = say(&site, &mut bob, "Newer and visible", Some(mine)).await;
        assert!(held < newer);
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 1");
        assert_eq!(ana.mark_replies_seen().await.status, 303);
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");

        let mut m = site.browser();
        assert_eq!(m.login("mod", PASSWORD).await.status, 303);
        let token = m.token().await;
        let approved = m
            .post(
                &format!("/moderation/comments/{held}/approve"),
                &[("csrf", &token)],
            )
            .await;
        assert_eq!(approved.status, 303, "{}", approved.body);

        assert_eq!(
            replies_link(&ana.get("/").await.body),
            "Replies · 1",
            "approved after she looked: new to her"
        );
        let page = ana.get("/replies").await.body;
        let held_at = page
            .find(&format!("id=\"reply-{held}\""))
            .unwrap_or_else(|| panic!("listed: {page}"));
        let newer_at = page
            .find(&format!("id=\"reply-{newer}\""))
            .unwrap_or_else(|| panic!("listed: {page}"));
        assert!(held_at < newer_at, "the latest to arrive comes first");
        assert_eq!(
            page.matches("<strong class=\"badge\">new</strong>").count(),
            1
        );
        assert!(page[held_at..newer_at].contains("badge\">new<"), "{page}");
        let api: serde_json::Value =
            serde_json::from_str(&ana.get("/api/v1/me/replies").await.body).expect("JSON");
        assert_eq!(api["unread"], 1);
        assert_eq!(api["items"][0]["id"], held);
        assert_eq!(api["items"][0]["unread"], true);
        assert_eq!(api["items"][1]["unread"], false);
        assert_eq!(ana.mark_replies_seen().await.status, 303);
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");
    })
    .await;
}

#[tokio::test]
async fn held_hidden_deleted_and_banned_authors_replies_are_neither_listed_nor_counted() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        site.user("mod", PASSWORD, Role::Moderator).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mut troll = reader(&site, "troll", "Troll").await;
        let mine = say(&site, &mut ana, "My view.", None).await;

        held_reply(&site, "bob", mine, "Held reply").await;
        // Hidden by a moderator.
        let rude = say(&site, &mut bob, "Rude reply", Some(mine)).await;
        let mut m = site.browser();
        assert_eq!(m.login("mod", PASSWORD).await.status, 303);
        let mod_token = m.token().await;
        let hide = m
            .post(
                &format!("/moderation/comments/{rude}/hide"),
                &[("csrf", &mod_token)],
            )
            .await;
        assert_eq!(hide.status, 303);
        // Deleted by its author.
        let regret = say(&site, &mut bob, "Regretted reply", Some(mine)).await;
        let token = bob.token().await;
        let deleted = bob
            .post(&format!("/comments/{regret}/delete"), &[("csrf", &token)])
            .await;
        assert_eq!(deleted.status, 303);
        // From an account the moderators ban.
        say(&site, &mut troll, "Troll reply", Some(mine)).await;
        assert_eq!(
            replies_link(&ana.get("/").await.body),
            "Replies · 1",
            "the troll's, so far"
        );
        let troll_id = user_id(&site, "troll").await;
        let ban = m
            .post(
                &format!("/moderation/users/{troll_id}/ban"),
                &[("csrf", &mod_token)],
            )
            .await;
        assert_eq!(ban.status, 303);

        assert_eq!(replies_link(&ana.get("/").await.body), "Replies");
        let page = ana.get("/replies").await.body;
        for text in ["Held reply", "Rude reply", "Regretted reply", "Troll reply"] {
            assert!(!page.contains(text), "{text} is not listed: {page}");
        }
        assert!(page.contains("No replies yet"), "{page}");
        let api = ana.get("/api/v1/me/replies").await;
        let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
        assert_eq!(json["unread"], 0);
        assert_eq!(json["items"].as_array().map(Vec::len), Some(0), "{json}");
    })
    .await;
}

#[tokio::test]
async fn only_the_reader_sees_their_replies_and_anonymous_readers_are_sent_to_log_in() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mut cy = reader(&site, "cyd", "Cyd").await;
        let mine = say(&site, &mut ana, "Mine to answer.", None).await;
        say(&site, &mut bob, "A private-ish answer", Some(mine)).await;

        let theirs = cy.get("/replies").await;
        assert_eq!(theirs.status, 200);
        assert!(
            !theirs.body.contains("A private-ish answer"),
            "{}",
            theirs.body
        );
        assert!(theirs.body.contains("No replies yet"));
        let theirs = cy.get("/api/v1/me/replies").await;
        assert!(!theirs.body.contains("private-ish"), "{}", theirs.body);
        // Cy looking does not mark ana's seen.
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 1");

        let mut anon = site.browser();
        let page = anon.get("/replies").await;
        assert_eq!(page.status, 303);
        assert_eq!(page.location(), "/login?next=/replies");
        let page = anon.get("/replies?page=2").await;
        assert_eq!(page.location(), "/login?next=/replies");
        let api = anon.get("/api/v1/me/replies").await;
        assert_eq!(api.status, 401);
        let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON error");
        assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()));
        // A forged or expired cookie is no one.
        let mut forged = site.browser();
        forged
            .cookies
            .insert("tidings_session".into(), "A".repeat(43));
        assert_eq!(forged.get("/replies").await.status, 303);
        assert_eq!(forged.get("/api/v1/me/replies").await.status, 401);
    })
    .await;
}

#[tokio::test]
async fn anonymous_pages_carry_no_replies_link_and_stay_the_same_for_everyone() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mine = say(&site, &mut ana, "Cache me.", None).await;
        say(&site, &mut bob, "Answered.", Some(mine)).await;
        let mut anon = site.browser();
        for path in [
            "/",
            site.article_path.as_str(),
            &format!("/story/{}", site.story),
        ] {
            let first = anon.get(path).await;
            assert_eq!(first.status, 200, "{path}");
            assert!(
                !first.body.contains("/replies"),
                "{path}: nothing per reader"
            );
            assert!(
                first.body.contains(r#"<a href="/login">Log in</a>"#),
                "{path}"
            );
            let second = anon.get(path).await;
            assert_eq!(second.body, first.body, "{path}: the same for everyone");
            assert_ne!(
                second
                    .headers
                    .get("cache-control")
                    .and_then(|v| v.to_str().ok()),
                Some("private, no-store"),
                "{path}: cacheable"
            );
        }
        let article = anon.get(&site.article_path).await;
        assert_eq!(
            article.headers.get("x-cache").and_then(|v| v.to_str().ok()),
            Some("hit"),
            "served from the page cache"
        );
        // Ana's signed-in view of the same page has her count, and never reaches the cache.
        assert_eq!(
            replies_link(&ana.get(&site.article_path).await.body),
            "Replies · 1"
        );
        assert!(!anon.get(&site.article_path).await.body.contains("Replies"));
    })
    .await;
}

#[tokio::test]
async fn the_api_lists_replies_with_the_unread_count_as_the_document_declares() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mine = say(&site, &mut ana, "Read *this*.", None).await;
        let mut replies = Vec::new();
        for n in 0..3 {
            replies.push(say(&site, &mut bob, &format!("Answer number {n}"), Some(mine)).await);
        }
        let answer = ana.get("/api/v1/me/replies?per_page=2").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            answer
                .headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("private, no-store")
        );
        let json: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        assert_eq!(json["unread"], 3);
        assert_eq!(
            (json["page"].clone(), json["per_page"].clone()),
            (1.into(), 2.into())
        );
        assert_eq!(json["has_more"], true);
        let items = json["items"].as_array().expect("items");
        assert_eq!(
            items
                .iter()
                .map(|i| i["id"].as_i64().unwrap_or(0))
                .collect::<Vec<_>>(),
            vec![replies[2], replies[1]],
            "newest first"
        );
        let first = &items[0];
        assert_eq!(first["author"], "Bob");
        assert_eq!(first["body_html"], "<p>Answer number 2</p>\n");
        assert_eq!(first["unread"], true);
        assert_eq!(first["in_reply_to"]["id"], mine);
        assert_eq!(first["in_reply_to"]["excerpt"], "Read this.");
        assert_eq!(first["in_reply_to"]["state"], "visible");
        assert_eq!(first["page"]["kind"], "article");
        assert_eq!(first["page"]["id"], site.article.0);
        assert_eq!(first["page"]["title"], "Flood in the valley");
        assert_eq!(
            first["page"]["url"],
            format!("{}{}", site.base, site.article_path)
        );
        assert_eq!(
            first["url"],
            format!("{}/comments/{}", site.base, replies[2])
        );
        let rest: serde_json::Value =
            serde_json::from_str(&ana.get("/api/v1/me/replies?per_page=2&page=2").await.body)
                .expect("JSON");
        assert_eq!(rest["has_more"], false);
        assert_eq!(rest["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            ana.get("/api/v1/me/replies?page=two").await.status,
            400,
            "a malformed page"
        );

        // The answer has exactly the fields the OpenAPI document declares, down into its items.
        let doc: serde_json::Value =
            serde_json::from_str(&ana.get("/api/v1/openapi.json").await.body).expect("document");
        let op = &doc["paths"]["/api/v1/me/replies"]["get"];
        assert!(op["responses"]["401"].is_object());
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert_declared(&doc, schema, &json, "ReplyList");

        // Reading the API or opening the page marks nothing seen; the page's button does.
        assert_eq!(replies_link(&ana.get("/").await.body), "Replies · 3");
        assert_eq!(ana.get("/replies").await.status, 200);
        let still: serde_json::Value =
            serde_json::from_str(&ana.get("/api/v1/me/replies").await.body).expect("JSON");
        assert_eq!(still["unread"], 3);
        assert_eq!(ana.mark_replies_seen().await.status, 303);
        let after: serde_json::Value =
            serde_json::from_str(&ana.get("/api/v1/me/replies").await.body).expect("JSON");
        assert_eq!(after["unread"], 0);
        assert_eq!(after["items"][0]["unread"], false);
    })
    .await;
}

/// Follows a `$ref` to its schema.
fn resolve<'a>(doc: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
    match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => schema,
    }
}

/// Checks `value` against `schema`: the JSON types, exactly the declared properties (all
/// required ones present), enums, and so on into objects and array items.
fn assert_declared(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) {
    let schema = resolve(doc, schema);
    let types: Vec<&str> = match &schema["type"] {
        serde_json::Value::String(t) => vec![t.as_str()],
        serde_json::Value::Array(ts) => ts.iter().filter_map(|t| t.as_str()).collect(),
        _ => Vec::new(),
    };
    let kind = match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    };
    assert!(
        types.contains(&kind),
        "{at}: {kind} where the document says {types:?}"
    );
    if let Some(allowed) = schema["enum"].as_array() {
        assert!(
            allowed.contains(value),
            "{at}: {value} is not one of {allowed:?}"
        );
    }
    if let Some(object) = value.as_object() {
        let declared = schema["properties"]
            .as_object()
            .expect("declared properties");
        let mut keys: Vec<&String> = object.keys().collect();
        let mut names: Vec<&String> = declared.keys().collect();
        keys.sort();
        names.sort();
        assert_eq!(keys, names, "{at}: the fields the document declares");
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            assert!(object.contains_key(name), "{at}: {name} is required");
        }
        for (name, inner) in object {
            assert_declared(doc, &declared[name], inner, &format!("{at}.{name}"));
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            assert_declared(doc, &schema["items"], item, &format!("{at}[{i}]"));
        }
    }
}

#[tokio::test]
async fn hostile_display_names_and_comments_come_out_escaped() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut mallory = reader(&site, "mallory", evil).await;
        let mine = say(
            &site,
            &mut ana,
            "<img src=x onerror=alert(3)> my *view*",
            None,
        )
        .await;
        say(
            &site,
            &mut mallory,
            "<script>alert(4)</script> answer",
            Some(mine),
        )
        .await;
        let page = ana.get("/replies").await.body;
        for active in [
            "<script>alert",
            "<img src=x",
            "onerror=alert(2)>",
            "\"'><img",
        ] {
            assert!(
                !page.contains(active),
                "{active} must not reach the page: {page}"
            );
        }
        assert!(
            page.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#62;&#60;img"),
            "the name, escaped: {page}"
        );
        assert!(
            page.contains("&#60;img src=x onerror=alert(3)&#62; my view"),
            "the excerpt, escaped: {page}"
        );
        assert!(
            page.contains("&lt;script&gt;alert(4)&lt;/script&gt; answer"),
            "the reply, as text: {page}"
        );
        let api = ana.get("/api/v1/me/replies").await.body;
        assert!(
            !api.contains('<'),
            "the JSON carries no markup characters: {api}"
        );
        let json: serde_json::Value = serde_json::from_str(&api).expect("JSON");
        assert_eq!(json["items"][0]["author"], evil);
        // The header's count sits beside the hostile name's escaped form too.
        let header = mallory.get("/").await.body;
        assert!(!header.contains("<script>alert(1)"), "{header}");
    })
    .await;
}

#[tokio::test]
async fn deleting_my_account_leaves_no_rows_filed_under_it() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let mine = say(&site, &mut ana, "Soon gone.", None).await;
        let reply = say(&site, &mut bob, "Answer to a leaver", Some(mine)).await;
        assert_eq!(ana.mark_replies_seen().await.status, 303);
        let ana_id = user_id(&site, "ana").await;
        let token = ana.token().await;
        let gone = ana
            .post(
                "/account/delete",
                &[("csrf", &token), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(gone.status, 303, "{}", gone.body);
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM comments WHERE reply_to_user_id = $1) AS filed, \
             (SELECT replies_seen_revision FROM users WHERE id = $1) AS seen",
        )
        .bind(ana_id)
        .fetch_one(site.store.pool())
        .await
        .expect("read");
        assert_eq!(row.try_get::<i64, _>("filed").expect("filed"), 0);
        assert_eq!(row.try_get::<i64, _>("seen").expect("seen"), 0);
        // Bob's reply keeps its place in the thread, and its link still leads there.
        let mut anon = site.browser();
        let go = anon.get(&format!("/comments/{reply}")).await;
        assert_eq!(go.status, 303);
        assert!(
            anon.get(&site.article_path)
                .await
                .body
                .contains("Answer to a leaver")
        );
        assert_eq!(ana.get("/replies").await.status, 303, "logged out");
    })
    .await;
}

#[tokio::test]
async fn the_thread_link_finds_a_reply_on_a_later_page_of_threads() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = reader(&site, "ana", "Ana").await;
        let mut bob = reader(&site, "bob", "Bob").await;
        let user = tidings_model::UserId(user_id(&site, "bob").await);
        let target = tidings_model::CommentTarget::Article(site.article);
        // 55 threads before ana's comment.
        for n in 0..55 {
            site.store
                .comments()
                .insert(
                    &NewComment {
                        target,
                        parent_id: None,
                        user_id: user,
                        body_source: format!("Thread {n}"),
                        body_html: format!("<p>Thread {n}</p>"),
                        state: CommentState::Visible,
                    },
                    site.clock.now_ms() / 1000,
                )
                .await
                .expect("thread");
        }
        let mine = say(&site, &mut ana, "Late to the thread.", None).await;
        let reply = say(&site, &mut bob, "Found you.", Some(mine)).await;
        let go = ana.get(&format!("/comments/{reply}")).await;
        assert_eq!(go.status, 303);
        let location = go.location();
        assert_eq!(
            location,
            format!(
                "{}?comments=oldest&comment_page=2#comment-{reply}",
                site.article_path
            )
        );
        let page = ana
            .get(location.split('#').next().unwrap_or_default())
            .await
            .body;
        assert!(page.contains(&format!("id=\"comment-{reply}\"")), "{page}");
        assert_eq!(site.browser().get("/comments/999999").await.status, 404);
        assert_eq!(site.browser().get("/comments/nope").await.status, 404);
    })
    .await;
}
