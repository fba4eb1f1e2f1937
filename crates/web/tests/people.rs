//! Accounts, comments and moderation through HTTP, against a site served in this process:
//! CSRF, other people's comments, SQL injection, session fixation, password guessing,
//! closed sign-up, pre-moderation, moderation with its log, the edit window, size and rate
//! limits, the comment API.

mod support;

use std::time::Duration;
use support::{comment_id, config, csrf_in, site};
use tidings_model::{CommentId, CommentState, Role};
use tidings_web::people::{PeopleConfig, RateLimitConfig, ThrottleConfig};

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn readers_sign_up_comment_reply_and_log_out() {
    let site = site(config()).await;
    let mut anon = site.browser();
    let page = anon.get(&site.article_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No comments yet"), "empty section");
    assert!(page.body.contains("Log in to comment"));
    assert!(
        !page.body.contains("name=\"csrf\""),
        "nothing per visitor for anonymous readers"
    );
    assert!(page.body.contains(r#"<a href="/login">Log in</a>"#));
    assert_eq!(
        anon.get(&site.article_path).await.body,
        page.body,
        "the same for everyone"
    );

    let mut ana = site.browser();
    let signed = ana.signup("ana", "Ana B.", PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert!(ana.cookies.contains_key("tidings_session"));
    let front = ana.get("/").await;
    assert!(
        front.body.contains(r#"<a href="/account">Ana B.</a>"#),
        "the header names her"
    );
    assert!(front.body.contains("action=\"/logout\""));
    assert_eq!(
        front
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );

    let first = ana
        .comment(&site.article_path, "First *thoughts*", None)
        .await;
    assert_eq!(first.status, 303);
    let first_id = comment_id(&first);
    let mut bob = site.browser();
    assert_eq!(bob.signup("bob", "", PASSWORD).await.status, 303);
    let reply = bob
        .comment(&site.article_path, "A reply", Some(first_id))
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let second = bob
        .comment(&site.article_path, "Another top comment", None)
        .await;
    let second_id = comment_id(&second);

    let page = anon.get(&site.article_path).await.body;
    assert!(
        page.contains("Comments <span class=\"comment-count\">(3)</span>"),
        "count"
    );
    assert!(page.contains("<em>thoughts</em>"), "Markdown rendered");
    let at = |id: i64| page.find(&format!("id=\"comment-{id}\"")).expect("shown");
    let reply_id = comment_id(&reply);
    assert!(
        at(first_id) < at(reply_id) && at(reply_id) < at(second_id),
        "oldest first, replies under their parent"
    );
    assert!(page.contains(&format!(
        "class=\"comment depth-1\" id=\"comment-{reply_id}\""
    )));
    let newest = anon
        .get(&format!("{}?comments=newest", site.article_path))
        .await
        .body;
    let at = |id: i64| newest.find(&format!("id=\"comment-{id}\"")).expect("shown");
    assert!(
        at(second_id) < at(first_id) && at(first_id) < at(reply_id),
        "newest first"
    );

    // Story pages have their own threads.
    let story_path = format!("/story/{}", site.story);
    assert!(anon.get(&story_path).await.body.contains("No comments yet"));
    let on_story = ana.comment(&story_path, "On the story", None).await;
    assert_eq!(on_story.status, 303);
    assert!(on_story.location().starts_with(&story_path));
    assert!(anon.get(&story_path).await.body.contains("On the story"));

    // The front page's cards say how many comments each page has, and link to them.
    let front = anon.get("/").await.body;
    assert!(
        front.contains(&format!(
            "href=\"{}#comments\">3 comments</a>",
            site.article_path
        )),
        "{front}"
    );
    assert!(
        front.contains(&format!("href=\"{story_path}#comments\">1 comment</a>")),
        "{front}"
    );

    // So do the story page's coverage, and an article page's related list and "More from":
    // a second report of the outlet, in a story related to the first.
    let article_link = format!("href=\"{}#comments\">3 comments</a>", site.article_path);
    let story_page = anon.get(&story_path).await.body;
    assert!(story_page.contains(&article_link), "{story_page}");
    let outlet = site.store.sources().list().await.expect("sources")[0].id;
    let now = chrono::Utc::now().timestamp();
    let second_report = site
        .article_at(outlet, "https://outlet.example/dam", "Dam holds", now - 300)
        .await;
    let mut batch = site.store.stories().begin().await.expect("batch");
    let dam = batch
        .create_story("Dam holds", Some("en"), now)
        .await
        .expect("story");
    batch
        .place(&tidings_store::Placement {
            article: second_report,
            story: dam,
            duplicate_of: None,
            related: vec![(site.story, 0.5)],
        })
        .await
        .expect("place");
    batch.commit(now).await.expect("commit");
    let dam_page = anon.get(&format!("/story/{dam}")).await.body;
    assert!(
        dam_page.contains(&format!("href=\"{story_path}#comments\">1 comment</a>")),
        "the related story's card: {dam_page}"
    );
    let second_page = anon
        .get(&format!("/article/{second_report}/dam-holds"))
        .await
        .body;
    assert_eq!(
        second_page.matches(&article_link).count(),
        2,
        "in the related list and under More from Outlet: {second_page}"
    );

    let token = ana.token().await;
    let out = ana.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(out.status, 303);
    assert!(!ana.cookies.contains_key("tidings_session"));
    assert_eq!(
        ana.get("/account").await.status,
        303,
        "logged out: sent to log in"
    );
}

#[tokio::test]
async fn missing_or_wrong_csrf_tokens_and_foreign_origins_are_403() {
    let site = site(config()).await;
    let mut ana = site.browser();
    assert_eq!(ana.signup("ana", "", PASSWORD).await.status, 303);
    let path = format!("{}/comments", site.article_path);
    let token = ana.token().await;
    assert_eq!(ana.post(&path, &[("body", "no token")]).await.status, 403);
    assert_eq!(
        ana.post(&path, &[("csrf", "wrong"), ("body", "x")])
            .await
            .status,
        403
    );
    assert_eq!(
        ana.post(&path, &[("csrf", &"0".repeat(64)), ("body", "x")])
            .await
            .status,
        403
    );
    assert_eq!(ana.post("/logout", &[]).await.status, 403);
    let foreign = ana
        .post_with(
            &path,
            &[("csrf", &token), ("body", "x")],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(foreign.status, 403);
    let cross = ana
        .post_with(
            &path,
            &[("csrf", &token), ("body", "x")],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, 403);
    let same = ana
        .post_with(
            &path,
            &[("csrf", &token), ("body", "same origin")],
            &[
                ("origin", &site.base.clone()),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(same.status, 303, "the real form works");
    assert_eq!(site.store.comments().count().await.expect("count"), 1);

    // Anonymous forms: the signed token must match the nonce cookie.
    let mut anon = site.browser();
    let login = anon
        .post("/login", &[("name", "ana"), ("password", PASSWORD)])
        .await;
    assert_eq!(login.status, 403);
    let page = anon.get("/login").await;
    let token = csrf_in(&page.body);
    anon.cookies.insert("tidings_csrf".into(), "1".repeat(64));
    let swapped = anon
        .post(
            "/login",
            &[("csrf", &token), ("name", "ana"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(swapped.status, 403, "a token from another nonce");
    let signup = site
        .browser()
        .post("/signup", &[("name", "eve"), ("password", PASSWORD)])
        .await;
    assert_eq!(signup.status, 403);

    // API writes need the header token.
    let api = format!("/api/v1/articles/{}/comments", site.article);
    let no_token = ana.post_json(&api, r#"{"body":"x"}"#, &[]).await;
    assert_eq!(no_token.status, 403);
    assert!(no_token.body.contains("\"error\""));
}

#[tokio::test]
async fn other_peoples_comments_cannot_be_edited_or_deleted() {
    let site = site(config()).await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let mut bob = site.browser();
    bob.signup("bob", "", PASSWORD).await;
    let id = comment_id(&ana.comment(&site.article_path, "Ana's words", None).await);
    let token = bob.token().await;
    let edit = bob
        .post(
            &format!("/comments/{id}/edit"),
            &[("csrf", &token), ("body", "Bob's now")],
        )
        .await;
    assert_eq!(edit.status, 403);
    let delete = bob
        .post(&format!("/comments/{id}/delete"), &[("csrf", &token)])
        .await;
    assert_eq!(delete.status, 403);
    let stored = site
        .store
        .comments()
        .get(CommentId(id))
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(stored.body_source, "Ana's words");
    assert_eq!(stored.state, CommentState::Visible);
    // Her own delete works, and leaves the thread a placeholder.
    let token = ana.token().await;
    assert_eq!(
        ana.post(&format!("/comments/{id}/delete"), &[("csrf", &token)])
            .await
            .status,
        303
    );
    let page = site.browser().get(&site.article_path).await.body;
    assert!(page.contains("This comment was deleted."));
    assert!(!page.contains("Ana&#39;s words") && !page.contains("Ana's words"));
}

#[tokio::test]
async fn sql_injection_strings_are_stored_and_shown_literally() {
    let site = site(config()).await;
    let mut eve = site.browser();
    let name = "x'); DROP TABLE users;--";
    assert_eq!(eve.signup("eve", name, PASSWORD).await.status, 303);
    let body = "1' OR '1'='1'; DELETE FROM comments WHERE 'a'='a";
    let id = comment_id(&eve.comment(&site.article_path, body, None).await);
    let page = site.browser().get(&site.article_path).await.body;
    assert!(
        page.contains("<p>1' OR '1'='1'; DELETE FROM comments WHERE 'a'='a</p>"),
        "the comment, as text"
    );
    assert!(page.contains("x&#39;); DROP TABLE users;--"));
    let stored = site
        .store
        .comments()
        .get(CommentId(id))
        .await
        .expect("get")
        .expect("there");
    assert_eq!(stored.body_source, body);
    assert_eq!(stored.author, name);
    assert_eq!(
        site.store
            .users()
            .count()
            .await
            .expect("users table intact"),
        1
    );
    // A login name made of SQL finds nothing and breaks nothing.
    let attempt = site.browser().login("' OR 1=1 --", "anything at all").await;
    assert_eq!(attempt.status, 401);
}

#[tokio::test]
async fn a_session_id_planted_before_login_is_not_the_one_after() {
    let site = site(config()).await;
    site.user("ana", PASSWORD, Role::Reader).await;
    let mut victim = site.browser();
    let planted = "ab".repeat(32);
    victim
        .cookies
        .insert("tidings_session".into(), planted.clone());
    assert_eq!(victim.login("ana", PASSWORD).await.status, 303);
    let issued = victim
        .cookies
        .get("tidings_session")
        .cloned()
        .expect("a session");
    assert_ne!(issued, planted, "the server chose a new token");
    let mut attacker = site.browser();
    attacker.cookies.insert("tidings_session".into(), planted);
    assert_eq!(
        attacker.get("/account").await.status,
        303,
        "the planted id is worth nothing"
    );
    // Logging in again rotates the token; the old one ends.
    assert_eq!(victim.login("ana", PASSWORD).await.status, 303);
    let rotated = victim
        .cookies
        .get("tidings_session")
        .cloned()
        .expect("a session");
    assert_ne!(rotated, issued);
    let mut stale = site.browser();
    stale.cookies.insert("tidings_session".into(), issued);
    assert_eq!(stale.get("/account").await.status, 303);
    assert_eq!(victim.get("/account").await.status, 200);
    let cookie = victim.login("ana", PASSWORD).await;
    let set = cookie
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("tidings_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Max-Age="),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http here");
}

#[tokio::test]
async fn a_thousand_wrong_passwords_are_throttled_and_the_owner_still_gets_in() {
    let site = site(PeopleConfig {
        trust_forwarded_for: true,
        limits: RateLimitConfig {
            logins_per_minute_per_ip: 0,
            ..RateLimitConfig::default()
        },
        login_throttle: ThrottleConfig {
            free_failures: 5,
            base_delay_ms: 1_000,
            max_delay_secs: 600,
            account_failures_per_hour: 50,
        },
        ..config()
    })
    .await;
    site.user("ana", PASSWORD, Role::Reader).await;
    // The owner logged in once from home: her browser and address are known.
    let mut owner = site.browser();
    owner.forwarded_for = Some("198.51.100.7".into());
    assert_eq!(owner.login("ana", PASSWORD).await.status, 303);
    let token = owner.token().await;
    owner.post("/logout", &[("csrf", &token)]).await;

    // 1,000 wrong passwords from one address, one attempt per simulated second.
    let mut attacker = site.browser();
    attacker.forwarded_for = Some("203.0.113.5".into());
    let page = attacker.get("/login").await;
    let csrf = csrf_in(&page.body);
    let (mut refused, mut checked) = (0, 0);
    for i in 0..1000 {
        let guess = format!("guess number {i}");
        let answer = attacker
            .post(
                "/login",
                &[("csrf", &csrf), ("name", "ana"), ("password", &guess)],
            )
            .await;
        match answer.status {
            429 => {
                refused += 1;
                assert!(answer.headers.get("retry-after").is_some(), "429 says when");
            }
            401 => checked += 1,
            other => panic!("unexpected {other}"),
        }
        site.clock.advance(Duration::from_secs(1));
    }
    assert_eq!(refused + checked, 1000);
    assert!(
        checked <= 15,
        "only {checked} guesses reached the password check"
    );
    assert!(refused >= 985, "{refused} refused");

    // The same attack spread over 1,000 addresses trips the per-account cap.
    let mut refused_spread = 0;
    for i in 0..1000 {
        attacker.forwarded_for = Some(format!("10.{}.{}.9", i / 250, i % 250));
        let answer = attacker
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("name", "ana"),
                    ("password", "wrong guess 1"),
                ],
            )
            .await;
        if answer.status == 429 {
            refused_spread += 1;
        }
    }
    assert!(
        refused_spread >= 900,
        "{refused_spread} refused across addresses"
    );

    // The owner, from her known browser, still gets in with the right password.
    let back = owner.login("ana", PASSWORD).await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(owner.get("/account").await.status, 200);
    // So does she from her known address in a fresh browser.
    let mut fresh = site.browser();
    fresh.forwarded_for = Some("198.51.100.7".into());
    assert_eq!(fresh.login("ana", PASSWORD).await.status, 303);
    // And a wrong password from the owner's browser is still just wrong.
    assert_eq!(owner.login("ana", "not her password").await.status, 401);
}

#[tokio::test]
async fn forwarded_addresses_are_ignored_unless_trusted() {
    let site = site(PeopleConfig {
        limits: RateLimitConfig {
            logins_per_minute_per_ip: 3,
            ..RateLimitConfig::default()
        },
        ..config()
    })
    .await;
    let mut b = site.browser();
    let mut statuses = Vec::new();
    for i in 0..5 {
        b.forwarded_for = Some(format!("192.0.2.{i}"));
        statuses.push(b.login("nobody", "wrong password").await.status);
    }
    assert_eq!(
        statuses,
        vec![401, 401, 401, 429, 429],
        "one peer, one bucket"
    );
}

#[tokio::test]
async fn closed_sign_up_is_refused_but_operator_accounts_log_in() {
    let site = site(PeopleConfig {
        signup_open: false,
        ..config()
    })
    .await;
    let mut b = site.browser();
    let page = b.get("/signup").await;
    assert!(page.body.contains("Sign-up is closed"));
    let token = csrf_in(&b.get("/login").await.body);
    let refused = b
        .post(
            "/signup",
            &[("csrf", &token), ("name", "eve"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(site.store.users().count().await.expect("count"), 0);
    site.user("ana", PASSWORD, Role::Reader).await;
    assert_eq!(b.login("ana", PASSWORD).await.status, 303);
}

#[tokio::test]
async fn pre_moderation_holds_new_accounts_until_a_moderator_approves() {
    let site = site(PeopleConfig {
        premoderate_new_accounts: true,
        ..config()
    })
    .await;
    site.user("mod", PASSWORD, Role::Moderator).await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let id = comment_id(
        &ana.comment(&site.article_path, "My first comment", None)
            .await,
    );
    let anon = site.browser().get(&site.article_path).await.body;
    assert!(!anon.contains("My first comment"), "held from readers");
    assert!(anon.contains("No comments yet"));
    let own = ana.get(&site.article_path).await.body;
    assert!(
        own.contains("My first comment") && own.contains("awaiting approval"),
        "its author sees it"
    );

    let mut moderator = site.browser();
    moderator.login("mod", PASSWORD).await;
    let queue = moderator.get("/moderation").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("My first comment"));
    let token = moderator.token().await;
    let approved = moderator
        .post(
            &format!("/moderation/comments/{id}/approve"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(approved.status, 303);
    assert!(
        site.browser()
            .get(&site.article_path)
            .await
            .body
            .contains("My first comment")
    );
    // Approved once, trusted since: the next comment shows at once.
    ana.comment(&site.article_path, "And a second", None).await;
    assert!(
        site.browser()
            .get(&site.article_path)
            .await
            .body
            .contains("And a second")
    );
}

#[tokio::test]
async fn moderators_hide_restore_and_ban_and_the_log_remembers() {
    let site = site(config()).await;
    site.user("mod", PASSWORD, Role::Moderator).await;
    let mut troll = site.browser();
    troll.signup("troll", "", PASSWORD).await;
    let id = comment_id(
        &troll
            .comment(&site.article_path, "Something rude", None)
            .await,
    );
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let token = ana.token().await;
    assert_eq!(
        ana.post(
            &format!("/comments/{id}/report"),
            &[("csrf", &token), ("reason", "insults")]
        )
        .await
        .status,
        303
    );
    assert_eq!(
        ana.get("/moderation").await.status,
        403,
        "readers do not moderate"
    );
    assert_eq!(
        ana.post(
            &format!("/moderation/comments/{id}/hide"),
            &[("csrf", &token)]
        )
        .await
        .status,
        403
    );

    let mut m = site.browser();
    m.login("mod", PASSWORD).await;
    let queue = m.get("/moderation").await.body;
    assert!(queue.contains("Something rude") && queue.contains("insults"));
    let token = m.token().await;
    let hide = m
        .post(
            &format!("/moderation/comments/{id}/hide"),
            &[("csrf", &token), ("note", "rude")],
        )
        .await;
    assert_eq!(hide.status, 303);
    let page = site.browser().get(&site.article_path).await.body;
    assert!(page.contains("hidden by a moderator") && !page.contains("Something rude"));
    let restore = m
        .post(
            &format!("/moderation/comments/{id}/restore"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(restore.status, 303);
    assert!(
        site.browser()
            .get(&site.article_path)
            .await
            .body
            .contains("Something rude")
    );

    let troll_id = site
        .store
        .users()
        .credentials("troll")
        .await
        .expect("read")
        .expect("there")
        .user
        .id;
    let ban = m
        .post(
            &format!("/moderation/users/{troll_id}/ban"),
            &[("csrf", &token), ("note", "repeat")],
        )
        .await;
    assert_eq!(ban.status, 303);
    assert_eq!(
        troll.get("/account").await.status,
        303,
        "the ban ended its session"
    );
    assert_eq!(
        troll.login("troll", PASSWORD).await.status,
        403,
        "and it may not log in"
    );
    let mod_id = site
        .store
        .users()
        .credentials("mod")
        .await
        .expect("read")
        .expect("there")
        .user
        .id;
    let self_ban = m
        .post(
            &format!("/moderation/users/{mod_id}/ban"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(self_ban.status, 403);

    let log = site.store.moderation().log_entries(10).await.expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["ban", "restore", "hide"]);
    assert_eq!(log[2].note, "rude");
    assert_eq!(log[2].moderator, "mod");
    let page = m.get("/moderation").await.body;
    assert!(page.contains("<td>ban</td>") && page.contains("<td>hide</td>"));
}

#[tokio::test]
async fn the_edit_window_closes() {
    let site = site(PeopleConfig {
        edit_window_secs: 600,
        ..config()
    })
    .await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let id = comment_id(&ana.comment(&site.article_path, "Frist", None).await);
    let token = ana.token().await;
    let edit = ana
        .post(
            &format!("/comments/{id}/edit"),
            &[("csrf", &token), ("body", "First")],
        )
        .await;
    assert_eq!(edit.status, 303);
    let page = site.browser().get(&site.article_path).await.body;
    assert!(page.contains("<p>First</p>") && page.contains("edited"));
    site.clock.advance(Duration::from_secs(601));
    let late = ana
        .post(
            &format!("/comments/{id}/edit"),
            &[("csrf", &token), ("body", "Too late")],
        )
        .await;
    assert_eq!(late.status, 403);
    let stored = site
        .store
        .comments()
        .get(CommentId(id))
        .await
        .expect("get")
        .expect("there");
    assert_eq!(stored.body_source, "First");
}

#[tokio::test]
async fn every_field_has_a_size_limit() {
    let site = site(config()).await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let long = "x".repeat(5_001);
    assert_eq!(
        ana.comment(&site.article_path, &long, None).await.status,
        413
    );
    assert_eq!(
        ana.comment(&site.article_path, &"y".repeat(5_000), None)
            .await
            .status,
        303
    );
    assert_eq!(
        ana.comment(&site.article_path, "   ", None).await.status,
        400
    );
    let token = ana.token().await;
    let huge = ana
        .post(
            &format!("{}/comments", site.article_path),
            &[("csrf", &token), ("body", &"z".repeat(100_000))],
        )
        .await;
    assert_eq!(huge.status, 413, "the body limit stops it before parsing");
    let name = ana
        .post(
            "/account/name",
            &[("csrf", &token), ("display_name", &"n".repeat(65))],
        )
        .await;
    assert_eq!(name.status, 400);
    // A direction override left open would reorder the line the name prints on.
    let turned = ana
        .post(
            "/account/name",
            &[("csrf", &token), ("display_name", "Ana \u{202E}nimda")],
        )
        .await;
    assert_eq!(turned.status, 400);
    assert!(turned.body.contains("text-direction"), "{}", turned.body);
    let id = site
        .store
        .comments()
        .for_target(tidings_model::CommentTarget::Article(site.article))
        .await
        .expect("list")[0]
        .id;
    let reason = ana
        .post(
            &format!("/comments/{id}/report"),
            &[("csrf", &token), ("reason", &"r".repeat(501))],
        )
        .await;
    assert_eq!(reason.status, 413);
    let mut b = site.browser();
    let short = b.signup("x", "", PASSWORD).await;
    assert_eq!(short.status, 400, "names have 3 to 32 characters");
    let weak = b.signup("bobby", "", "short").await;
    assert_eq!(weak.status, 400);
    let bad = b.signup("bob<script>", "", PASSWORD).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn control_characters_in_a_comment_are_not_stored() {
    let site = site(config()).await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let posted = ana
        .comment(
            &site.article_path,
            "Pasted\u{0}text\u{1}here\n\nsecond",
            None,
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let only_controls = ana.comment(&site.article_path, "\u{0}\u{2}", None).await;
    assert_eq!(only_controls.status, 400, "nothing left to post");
    let stored = site
        .store
        .comments()
        .get(CommentId(comment_id(&posted)))
        .await
        .expect("read")
        .expect("stored");
    // PostgreSQL refuses a NUL in text: none may reach the store.
    assert_eq!(stored.body_source, "Pasted text here\n\nsecond");
    assert!(!stored.body_html.contains(['\u{0}', '\u{1}', '\u{fffd}']));
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_and_spam_is_caught() {
    let site = site(PeopleConfig {
        limits: RateLimitConfig {
            comments_per_minute_per_account: 3,
            ..RateLimitConfig::default()
        },
        ..config()
    })
    .await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    for i in 0..3 {
        assert_eq!(
            ana.comment(&site.article_path, &format!("comment {i}"), None)
                .await
                .status,
            303
        );
    }
    let limited = ana.comment(&site.article_path, "one more", None).await;
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    site.clock.advance(Duration::from_secs(retry));
    assert_eq!(
        ana.comment(&site.article_path, "one more", None)
            .await
            .status,
        303
    );
    // The same text again is refused; many links from a new account are held.
    site.clock.advance(Duration::from_secs(60));
    assert_eq!(
        ana.comment(&site.article_path, "One more!", None)
            .await
            .status,
        400
    );
    let links = "see https://a.example and https://b.example and https://c.example";
    let held = comment_id(&ana.comment(&site.article_path, links, None).await);
    let stored = site
        .store
        .comments()
        .get(CommentId(held))
        .await
        .expect("get")
        .expect("there");
    assert_eq!(stored.state, CommentState::Held);
    // Sign-ups per address are limited too.
    let site = support::site(PeopleConfig {
        limits: RateLimitConfig {
            signups_per_hour_per_ip: 2,
            ..RateLimitConfig::default()
        },
        ..config()
    })
    .await;
    let statuses = [
        site.browser().signup("one", "", PASSWORD).await.status,
        site.browser().signup("two", "", PASSWORD).await.status,
        site.browser().signup("three", "", PASSWORD).await.status,
    ];
    assert_eq!(statuses, [303, 303, 429]);
}

#[tokio::test]
async fn the_comment_api_reads_and_writes_by_the_same_rules() {
    let site = site(config()).await;
    let api = format!("/api/v1/articles/{}/comments", site.article);
    let mut anon = site.browser();
    let empty = anon.get(&api).await;
    assert_eq!(empty.status, 200);
    let value: serde_json::Value = serde_json::from_str(&empty.body).expect("json");
    assert_eq!(value["count"], 0);
    assert_eq!(value["kind"], "article");
    assert_eq!(
        anon.get("/api/v1/articles/999999/comments").await.status,
        404
    );
    assert_eq!(
        anon.post_json(&api, r#"{"body":"x"}"#, &[]).await.status,
        401
    );

    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    let read = ana.get(&api).await;
    let token = read.headers["x-csrf-token"]
        .to_str()
        .expect("token")
        .to_string();
    assert_eq!(read.headers["cache-control"], "private, no-store");
    let posted = ana
        .post_json(
            &api,
            r#"{"body":"From the **API**"}"#,
            &[("x-csrf-token", &token)],
        )
        .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let comment: serde_json::Value = serde_json::from_str(&posted.body).expect("json");
    assert_eq!(
        comment["body_html"],
        "<p>From the <strong>API</strong></p>\n"
    );
    let reply = format!(r#"{{"body":"Answer","parent_id":{}}}"#, comment["id"]);
    assert_eq!(
        ana.post_json(&api, &reply, &[("x-csrf-token", &token)])
            .await
            .status,
        201
    );
    let wrong = ana
        .post_json(&api, r#"{"body":"x"}"#, &[("x-csrf-token", "nope")])
        .await;
    assert_eq!(wrong.status, 403);
    let long = format!(r#"{{"body":"{}"}}"#, "x".repeat(5_001));
    assert_eq!(
        ana.post_json(&api, &long, &[("x-csrf-token", &token)])
            .await
            .status,
        413
    );
    let story_api = format!("/api/v1/stories/{}/comments", site.story);
    let foreign_parent = format!(r#"{{"body":"Elsewhere","parent_id":{}}}"#, comment["id"]);
    assert_eq!(
        ana.post_json(&story_api, &foreign_parent, &[("x-csrf-token", &token)])
            .await
            .status,
        400,
        "a reply stays on its parent's page"
    );
    let list: serde_json::Value = serde_json::from_str(&anon.get(&api).await.body).expect("json");
    assert_eq!(list["count"], 2);
    assert_eq!(list["comments"][1]["parent_id"], comment["id"]);
    assert_eq!(list["comments"][0]["author"], "ana");
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_deleting_the_account_keeps_threads() {
    let site = site(config()).await;
    let mut laptop = site.browser();
    laptop.signup("ana", "Ana", PASSWORD).await;
    let mut phone = site.browser();
    assert_eq!(phone.login("ana", PASSWORD).await.status, 303);
    let token = laptop.token().await;
    let wrong = laptop
        .post(
            "/account/password",
            &[
                ("csrf", &token),
                ("current", "not it at all"),
                ("new", "another long password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    let changed = laptop
        .post(
            "/account/password",
            &[
                ("csrf", &token),
                ("current", PASSWORD),
                ("new", "another long password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(
        laptop.get("/account").await.status,
        200,
        "this session goes on"
    );
    assert_eq!(
        phone.get("/account").await.status,
        303,
        "the other one ended"
    );
    assert_eq!(phone.login("ana", PASSWORD).await.status, 401);
    assert_eq!(
        phone.login("ana", "another long password").await.status,
        303
    );

    let mine = comment_id(&laptop.comment(&site.article_path, "Ana's view", None).await);
    let mut bob = site.browser();
    bob.signup("bob", "Bob", PASSWORD).await;
    bob.comment(&site.article_path, "Bob answers", Some(mine))
        .await;
    let token = laptop.token().await;
    let gone = laptop
        .post(
            "/account/delete",
            &[("csrf", &token), ("password", "another long password")],
        )
        .await;
    assert_eq!(gone.status, 303);
    let page = site.browser().get(&site.article_path).await.body;
    assert!(page.contains("[deleted]") && page.contains("This comment was deleted."));
    assert!(page.contains("Bob answers"), "the reply keeps its place");
    assert!(!page.contains("Ana&#39;s view"));
    assert_eq!(
        phone.get("/account").await.status,
        303,
        "every session ended"
    );
    assert_eq!(
        site.browser()
            .login("ana", "another long password")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_reader_logs_out_every_other_browser_and_keeps_this_one() {
    let site = site(config()).await;
    let mut laptop = site.browser();
    laptop.signup("ana", "Ana", PASSWORD).await;
    let mut phone = site.browser();
    assert_eq!(phone.login("ana", PASSWORD).await.status, 303);
    let mut tablet = site.browser();
    assert_eq!(tablet.login("ana", PASSWORD).await.status, 303);
    let mut bob = site.browser();
    bob.signup("bob", "Bob", PASSWORD).await;

    let page = laptop.get("/account").await;
    assert!(
        page.body
            .contains("This browser and 2 others are logged in"),
        "{}",
        page.body
    );
    let token = laptop.token().await;
    assert_eq!(
        laptop
            .post("/account/sessions", &[("csrf", "not the token")])
            .await
            .status,
        403,
        "a forged form ends nothing"
    );
    assert_eq!(phone.get("/account").await.status, 200);
    let done = laptop.post("/account/sessions", &[("csrf", &token)]).await;
    assert_eq!(done.status, 303);
    let page = laptop.get("/account?done=sessions").await;
    assert_eq!(page.status, 200, "this browser stays logged in");
    assert!(page.body.contains("Every other browser is logged out."));
    assert!(page.body.contains("Only this browser is logged in"));
    assert_eq!(phone.get("/account").await.status, 303, "logged out");
    assert_eq!(tablet.get("/account").await.status, 303, "logged out");
    assert_eq!(
        bob.get("/account").await.status,
        200,
        "another account is untouched"
    );
    assert_eq!(
        phone.login("ana", PASSWORD).await.status,
        303,
        "the password still works"
    );
}

#[tokio::test]
async fn sessions_expire() {
    let site = site(PeopleConfig {
        session_days: 2,
        ..config()
    })
    .await;
    let mut ana = site.browser();
    ana.signup("ana", "", PASSWORD).await;
    site.clock.advance(Duration::from_secs(86_400));
    assert_eq!(ana.get("/account").await.status, 200);
    site.clock.advance(Duration::from_secs(86_401));
    assert_eq!(
        ana.get("/account").await.status,
        303,
        "expired after two days"
    );
}

#[tokio::test]
async fn long_comment_sections_are_paged_by_thread() {
    let site = site(config()).await;
    let author = site.user("talker", PASSWORD, Role::Reader).await;
    let target = tidings_model::CommentTarget::Article(site.article);
    for n in 0..55 {
        let id = site
            .store
            .comments()
            .insert(
                &tidings_store::NewComment {
                    target,
                    parent_id: None,
                    user_id: author.id,
                    body_source: format!("thread number {n}"),
                    body_html: format!("<p>thread number {n}</p>"),
                    state: CommentState::Visible,
                },
                1_000 + n,
            )
            .await
            .expect("comment");
        if n == 49 {
            site.store
                .comments()
                .insert(
                    &tidings_store::NewComment {
                        target,
                        parent_id: Some(id),
                        user_id: author.id,
                        body_source: "a reply to the fiftieth".into(),
                        body_html: "<p>a reply to the fiftieth</p>".into(),
                        state: CommentState::Visible,
                    },
                    2_000,
                )
                .await
                .expect("reply");
        }
    }
    let mut anon = site.browser();
    let first = anon.get(&site.article_path).await.body;
    assert!(first.contains("(56)"), "the count covers every page");
    assert!(first.contains("thread number 0<") && first.contains("thread number 49<"));
    assert!(
        first.contains("a reply to the fiftieth"),
        "replies stay with their thread"
    );
    assert!(
        !first.contains("thread number 50<"),
        "the 51st thread is on page 2"
    );
    let next = format!(
        "{}?comments=oldest&#38;comment_page=2#comments",
        site.article_path
    );
    assert!(first.contains(&next), "a link to the next page");
    let second = anon
        .get(&format!(
            "{}?comments=oldest&comment_page=2",
            site.article_path
        ))
        .await
        .body;
    assert!(second.contains("thread number 50<") && second.contains("thread number 54<"));
    assert!(!second.contains("thread number 49<"));
    assert!(second.contains("rel=\"prev\""), "and back");
    assert!(!second.contains("More threads"), "the last page");
    let newest = anon
        .get(&format!("{}?comments=newest", site.article_path))
        .await
        .body;
    assert!(newest.contains("thread number 54<") && !newest.contains("thread number 4<"));
}
