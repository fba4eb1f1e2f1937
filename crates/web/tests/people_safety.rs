//! Abuse and security defaults on the people side, through HTTP against a site served in
//! this process: nobody may show up in a thread under another account's name and staff
//! comments say who is staff; the moderation queue offers only the bans the moderator may
//! make; every answer carries the security headers (cached pages too); and signing up while
//! signed in does not quietly make a second account. On SQLite and, with
//! `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use std::time::Duration;
use support::{Answer, Browser, Site, comment_id, config, csrf_after, site_on};
use tidings_model::Role;
use tidings_store::testing::each_backend;
use tidings_web::people::{PeopleConfig, RateLimitConfig};

const PASSWORD: &str = "a long enough password";

async fn logged_in(site: &Site, name: &str, role: Role) -> Browser {
    site.logged_in(name, PASSWORD, role).await
}

/// Posts on a page and returns the new comment's id.
async fn say(site: &Site, who: &mut Browser, page: &str, text: &str) -> i64 {
    // Past the burst and per-minute limits.
    site.clock.advance(Duration::from_secs(61));
    let answer = who.comment(page, text, None).await;
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

fn header(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The header of comment `id` on a page: its author and badges.
fn comment_meta(html: &str, id: i64) -> String {
    let start = html
        .find(&format!("id=\"comment-{id}\""))
        .unwrap_or_else(|| panic!("comment {id} on the page"));
    html[start..]
        .split("</header>")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_display_name_may_not_pass_for_another_accounts_name() {
    each_backend(|store| async move {
        // Many sign-ups from one address.
        let config = PeopleConfig {
            limits: RateLimitConfig::off(),
            ..config()
        };
        let site = site_on(store, config, |_| {}).await;
        site.user("alice", PASSWORD, Role::Admin).await;
        let mut bob = site.browser();
        assert_eq!(bob.signup("bob", "Bob Baker", PASSWORD).await.status, 303);

        // The admin's login name, however it is dressed up: case, spaces and punctuation,
        // full-width letters, a Cyrillic "а", a capital I for the l, a zero for the o.
        for (i, shown) in [
            "alice",
            "ALICE",
            " A.l-i c_e ",
            "ａｌｉｃｅ",
            "\u{430}lice",
            "AIice",
            // Another account's display name, too.
            "bob baker",
            "B0B-BAKER",
        ]
        .into_iter()
        .enumerate()
        {
            let mut carol = site.browser();
            let refused = carol.signup(&format!("carol{i}"), shown, PASSWORD).await;
            assert_eq!(refused.status, 409, "{shown:?}: {}", refused.body);
            assert!(
                refused.body.contains("passes for another account"),
                "{shown:?}: {}",
                refused.body
            );
            assert!(!carol.cookies.contains_key("tidings_session"), "{shown:?}");
            let made = site.store.users().credentials(&format!("carol{i}")).await;
            assert!(made.expect("read").is_none(), "{shown:?}: no account made");
        }

        // Without a display name the login name is shown, so it may not pass for another
        // account's display name either.
        let mut baker = site.browser();
        let refused = baker.signup("bobbaker", "", PASSWORD).await;
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert!(
            refused.body.contains("give a display name of your own"),
            "{}",
            refused.body
        );
        // Nor may a login name pass for another account's display name, whatever display
        // name it gives.
        let refused = baker.signup("bobbaker", "The Baker", PASSWORD).await;
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert!(
            refused
                .body
                .contains("That name passes for another account"),
            "{}",
            refused.body
        );

        // A name of one's own is fine, and so is one that only contains another's.
        let mut carol = site.browser();
        let made = carol.signup("carol", "Alice Cooper", PASSWORD).await;
        assert_eq!(made.status, 303, "{}", made.body);

        // The account page refuses the same names, and keeps one's own login name free.
        for shown in ["Alice", "bob", "Bob Baker"] {
            let token = carol.token().await;
            let refused = carol
                .post(
                    "/account/name",
                    &[("csrf", &token), ("display_name", shown)],
                )
                .await;
            assert_eq!(refused.status, 409, "{shown:?}: {}", refused.body);
            assert!(
                refused.body.contains("passes for another account"),
                "{}",
                refused.body
            );
        }
        let token = carol.token().await;
        let own = carol
            .post(
                "/account/name",
                &[("csrf", &token), ("display_name", "Carol")],
            )
            .await;
        assert_eq!(own.status, 303, "{}", own.body);
        let carols = site.store.users().credentials("carol").await;
        assert_eq!(
            carols.expect("read").expect("there").user.display_name,
            "Carol"
        );

        // The command line's `users create` goes through the store, which refuses it too.
        let hash = tidings_web::people::hash_password("dave", PASSWORD, 1024)
            .await
            .expect("hash");
        let cli = site
            .store
            .users()
            .create(
                &tidings_store::NewUser {
                    name: "dave".into(),
                    display_name: "Alice".into(),
                    password_hash: hash,
                    role: Role::Reader,
                },
                0,
            )
            .await;
        assert!(
            matches!(cli, Err(tidings_store::StoreError::NameTaken(_))),
            "{cli:?}"
        );
    })
    .await;
}

/// The header of the element whose id is `anchor` (`reply-7`, `queue-7`) on a page.
fn header_of(html: &str, anchor: &str) -> String {
    let start = html
        .find(&format!("id=\"{anchor}\""))
        .unwrap_or_else(|| panic!("{anchor} on the page: {html}"));
    html[start..]
        .split("</header>")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The `staff` of the item with `id` in a JSON list of comments or replies.
fn staff_in(list: &serde_json::Value, id: i64) -> serde_json::Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|c| c["id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("{id} in {list}"))
        .get("staff")
        .cloned()
        .unwrap_or_else(|| panic!("{id} has a staff field: {list}"))
}

#[tokio::test]
async fn staff_comments_say_who_is_staff() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut alice = logged_in(&site, "alice", Role::Admin).await;
        let mut mo = logged_in(&site, "moe", Role::Moderator).await;
        let mut rita = logged_in(&site, "rita", Role::Reader).await;
        let mut rob = logged_in(&site, "rob", Role::Reader).await;
        let path = site.article_path.clone();
        let by_reader = say(&site, &mut rita, &path, "From a reader").await;
        // Answers to the reader's comment, so they are her replies too.
        let answer = async |who: &mut Browser, text: &str| {
            site.clock.advance(Duration::from_secs(61));
            let posted = who.comment(&path, text, Some(by_reader)).await;
            assert_eq!(posted.status, 303, "{}", posted.body);
            comment_id(&posted)
        };
        let by_admin = answer(&mut alice, "From the admin").await;
        let by_moderator = answer(&mut mo, "From a moderator").await;
        let by_other_reader = answer(&mut rob, "From another reader").await;
        let badge = |role: &str| format!(r#"<span class="badge staff">{role}</span>"#);

        // The thread.
        let page = site.browser().get(&path).await.body;
        assert!(
            comment_meta(&page, by_admin).contains(&badge("admin")),
            "{}",
            comment_meta(&page, by_admin)
        );
        assert!(
            comment_meta(&page, by_moderator).contains(&badge("moderator")),
            "{}",
            comment_meta(&page, by_moderator)
        );
        for id in [by_reader, by_other_reader] {
            assert!(!comment_meta(&page, id).contains("staff"), "{page}");
        }

        // The comment API.
        let api = site
            .browser()
            .get(&format!("/api/v1/articles/{}/comments", site.article))
            .await;
        assert_eq!(api.status, 200, "{}", api.body);
        let api: serde_json::Value = serde_json::from_str(&api.body).expect("json");
        assert_eq!(staff_in(&api["comments"], by_admin), "admin");
        assert_eq!(staff_in(&api["comments"], by_moderator), "moderator");
        assert_eq!(
            staff_in(&api["comments"], by_reader),
            serde_json::Value::Null
        );
        assert_eq!(
            staff_in(&api["comments"], by_other_reader),
            serde_json::Value::Null
        );

        // The reader's replies, on the page and in the API.
        let replies = rita.get("/replies").await.body;
        assert!(
            header_of(&replies, &format!("reply-{by_admin}")).contains(&badge("admin")),
            "{replies}"
        );
        assert!(
            header_of(&replies, &format!("reply-{by_moderator}")).contains(&badge("moderator")),
            "{replies}"
        );
        assert!(
            !header_of(&replies, &format!("reply-{by_other_reader}")).contains("staff"),
            "{replies}"
        );
        let api = rita.get("/api/v1/me/replies").await;
        assert_eq!(api.status, 200, "{}", api.body);
        let api: serde_json::Value = serde_json::from_str(&api.body).expect("json");
        assert_eq!(staff_in(&api["items"], by_admin), "admin");
        assert_eq!(staff_in(&api["items"], by_moderator), "moderator");
        assert_eq!(
            staff_in(&api["items"], by_other_reader),
            serde_json::Value::Null
        );

        // The moderation queue, once they are reported.
        for id in [by_admin, by_moderator, by_other_reader] {
            let token = rita.token().await;
            let filed = rita
                .post(
                    &format!("/comments/{id}/report"),
                    &[("csrf", &token), ("reason", "rude")],
                )
                .await;
            assert_eq!(filed.status, 303, "{}", filed.body);
        }
        let queue = alice.get("/moderation").await.body;
        assert!(
            header_of(&queue, &format!("queue-{by_admin}")).contains(&badge("admin")),
            "{queue}"
        );
        assert!(
            header_of(&queue, &format!("queue-{by_moderator}")).contains(&badge("moderator")),
            "{queue}"
        );
        assert!(
            !header_of(&queue, &format!("queue-{by_other_reader}")).contains("staff"),
            "{queue}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_queue_offers_only_the_bans_the_moderator_may_make() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut alice = logged_in(&site, "alice", Role::Admin).await;
        let mut ada = logged_in(&site, "ada", Role::Admin).await;
        let mut mo = logged_in(&site, "moe", Role::Moderator).await;
        let mut rita = logged_in(&site, "rita", Role::Reader).await;
        let mut reporter = logged_in(&site, "reporter", Role::Reader).await;
        let path = site.article_path.clone();
        let mut ids = Vec::new();
        for (who, text) in [
            (&mut alice, "An admin's comment"),
            (&mut ada, "Another admin's comment"),
            (&mut mo, "A moderator's comment"),
            (&mut rita, "A reader's comment"),
        ] {
            ids.push(say(&site, who, &path, text).await);
        }
        for id in &ids {
            let token = reporter.token().await;
            let filed = reporter
                .post(
                    &format!("/comments/{id}/report"),
                    &[("csrf", &token), ("reason", "rude")],
                )
                .await;
            assert_eq!(filed.status, 303, "{}", filed.body);
        }
        let ban_form = |user: i64| format!("action=\"/moderation/users/{user}/ban\"");
        let hide_form = |comment: i64| format!("action=\"/moderation/comments/{comment}/hide\"");
        let (alice_id, ada_id, mo_id, rita_id) = (
            user_id(&site, "alice").await,
            user_id(&site, "ada").await,
            user_id(&site, "moe").await,
            user_id(&site, "rita").await,
        );

        // A moderator bans readers only; every reported comment may still be hidden.
        let queue = mo.get("/moderation").await;
        assert_eq!(queue.status, 200);
        for id in &ids {
            assert!(queue.body.contains(&hide_form(*id)), "hide {id}");
        }
        assert!(queue.body.contains(&ban_form(rita_id)), "{}", queue.body);
        for staff in [alice_id, ada_id, mo_id] {
            assert!(!queue.body.contains(&ban_form(staff)), "{}", queue.body);
            assert!(
                !queue
                    .body
                    .contains(&format!("/moderation/users/{staff}/ban-hide")),
                "{}",
                queue.body
            );
        }
        assert!(!queue.body.contains("Ban alice"), "{}", queue.body);

        // An admin bans readers and moderators, not admins, and not themselves.
        let queue = alice.get("/moderation").await.body;
        assert!(queue.contains(&ban_form(rita_id)), "{queue}");
        assert!(queue.contains(&ban_form(mo_id)), "{queue}");
        assert!(!queue.contains(&ban_form(ada_id)), "{queue}");
        assert!(!queue.contains(&ban_form(alice_id)), "{queue}");

        // What is offered works; what is not stays refused.
        let token = csrf_after(&queue, &ban_form(mo_id));
        let banned = alice
            .post(
                &format!("/moderation/users/{mo_id}/ban"),
                &[("csrf", &token), ("note", "")],
            )
            .await;
        assert_eq!(banned.status, 303, "{}", banned.body);
        let token = alice.token().await;
        let refused = alice
            .post(
                &format!("/moderation/users/{ada_id}/ban"),
                &[("csrf", &token), ("note", "")],
            )
            .await;
        assert_eq!(refused.status, 403, "{}", refused.body);
    })
    .await;
}

#[tokio::test]
async fn signing_up_while_signed_in_makes_no_second_account() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut ana = site.browser();
        // A sign-up form opened before signing in, in another tab.
        let stale = ana.get("/signup").await;
        let stale_token = csrf_after(&stale.body, "action=\"/signup\"");
        assert_eq!(ana.signup("ana", "Ana B.", PASSWORD).await.status, 303);
        let session = ana.cookies.get("tidings_session").cloned();
        assert!(session.is_some());

        let page = ana.get("/signup").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("You are signed in as <strong>Ana B.</strong>"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("action=\"/signup\""), "{}", page.body);

        let again = ana
            .post(
                "/signup",
                &[
                    ("csrf", &stale_token),
                    ("name", "second"),
                    ("display_name", ""),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(again.status, 409, "{}", again.body);
        assert!(
            again
                .body
                .contains("You are signed in as <strong>Ana B.</strong>"),
            "{}",
            again.body
        );
        let second = site.store.users().credentials("second").await;
        assert!(second.expect("read").is_none(), "no second account");
        assert_eq!(ana.cookies.get("tidings_session").cloned(), session);
        let front = ana.get("/").await.body;
        assert!(
            front.contains(r#"<a href="/account">Ana B.</a>"#),
            "still Ana"
        );

        // Signed out, the same browser may sign up again.
        let token = ana.token().await;
        assert_eq!(ana.post("/logout", &[("csrf", &token)]).await.status, 303);
        assert_eq!(ana.signup("second", "", PASSWORD).await.status, 303);
    })
    .await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_cached_pages_too() {
    let site = support::site(config()).await;
    let mut anon = site.browser();
    let html_headers = |answer: &Answer, what: &str| {
        let csp = header(answer, "content-security-policy");
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https: http:",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{what}: {directive} in {csp:?}");
        }
        assert_eq!(
            header(answer, "x-content-type-options"),
            "nosniff",
            "{what}"
        );
        assert_eq!(header(answer, "x-frame-options"), "DENY", "{what}");
        assert_eq!(header(answer, "referrer-policy"), "same-origin", "{what}");
    };
    let first = anon.get(&site.article_path).await;
    assert_eq!(first.status, 200);
    assert_eq!(header(&first, "x-cache"), "miss");
    html_headers(&first, "a page rendered now");
    let again = anon.get(&site.article_path).await;
    assert_eq!(header(&again, "x-cache"), "hit");
    html_headers(&again, "a page from the cache");
    html_headers(&anon.get("/").await, "the front page");
    html_headers(&anon.get("/login").await, "/login");
    html_headers(&anon.get("/no-such-page").await, "a 404 page");

    let mut mo = logged_in(&site, "moe", Role::Moderator).await;
    html_headers(&mo.get("/moderation").await, "/moderation");

    // Whatever is not a page is at least never sniffed into one; a reset page keeps its own
    // stricter referrer policy.
    for path in ["/static/style.css", "/healthz", "/feed.xml"] {
        let answer = anon.get(path).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(
            header(&answer, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(header(&answer, "content-security-policy"), "", "{path}");
    }
    let reset = anon.get("/reset/not-a-token").await;
    assert_eq!(header(&reset, "referrer-policy"), "no-referrer");
    assert_eq!(header(&reset, "x-content-type-options"), "nosniff");
}
