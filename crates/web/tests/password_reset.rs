//! Password reset links through HTTP, against a site served in this process: an admin makes
//! one on `/admin/users` (readers, moderators, the admin's own account, banned and deleted
//! accounts, foreign and tokenless forms are refused), the page shows it once; the person
//! opens it, sets a new password and logs in with it while the old password and every old
//! session stop working; the link works once and expires; refused forms (wrong token, another
//! site, a weak or mistyped password, too many tries) leave it usable. Answers are never kept
//! and pass no referrer. On SQLite and, when `TIDINGS_TEST_DATABASE_URL` is set, PostgreSQL.

mod support;

use sha2::{Digest, Sha256};
use support::{Answer, Browser, Site, config, csrf_after, site, site_on};
use tidings_model::{AccountState, Role, User};
use tidings_store::testing::each_backend;
use tidings_web::people::password_reset::make_reset_link;
use tidings_web::people::{Clock, PeopleConfig, RateLimitConfig};

const OLD: &str = "the old forgotten password";
const NEW: &str = "a brand new passphrase";

async fn logged_in(site: &Site, name: &str, role: Role) -> (User, Browser) {
    let user = site.user(name, OLD, role).await;
    let mut browser = site.browser();
    let login = browser.login(name, OLD).await;
    assert_eq!(login.status, 303, "{name} logs in: {}", login.body);
    (user, browser)
}

/// Posts "Make a password reset link" for account `id` with the browser's session token.
async fn make_link(browser: &mut Browser, id: i64) -> Answer {
    let token = browser.token().await;
    browser
        .post(
            &format!("/admin/users/{id}/reset-link"),
            &[("csrf", token.as_str())],
        )
        .await
}

/// The link a result page shows.
fn link_in(body: &str) -> String {
    body.split("<code class=\"reset-link\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("a link on the page: {body}"))
        .to_string()
}

/// Opens the link's form and posts it with `password` and `confirm`.
async fn reset(browser: &mut Browser, path: &str, password: &str, confirm: &str) -> Answer {
    let page = browser.get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = csrf_after(&page.body, "action=\"/reset/");
    browser
        .post(
            path,
            &[
                ("csrf", token.as_str()),
                ("password", password),
                ("confirm", confirm),
            ],
        )
        .await
}

fn header(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A link for `user` made as the command line makes one: its path.
async fn cli_link(site: &Site, user: &User) -> String {
    let now = site.clock.now_ms() / 1000;
    make_reset_link(&site.store, user.id, 24, None, now)
        .await
        .expect("make a link")
        .path
}

#[tokio::test]
async fn an_admin_makes_a_link_that_sets_a_new_password_once() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (ana, mut admin) = logged_in(&site, "ana", Role::Admin).await;
        let (bob, mut bobs_old_browser) = logged_in(&site, "bob", Role::Reader).await;

        let list = admin.get("/admin/users").await;
        assert!(
            list.body
                .contains(&format!(r#"action="/admin/users/{}/reset-link""#, bob.id))
        );
        assert!(
            !list
                .body
                .contains(&format!(r#"action="/admin/users/{}/reset-link""#, ana.id)),
            "no link for the admin's own account"
        );

        let made = make_link(&mut admin, bob.id.0).await;
        assert_eq!(made.status, 200, "{}", made.body);
        assert!(header(&made, "cache-control").contains("no-store"));
        assert!(made.body.contains("shown only once"), "{}", made.body);
        assert!(made.body.contains("privately"));
        assert!(made.body.contains("works once, for 24 hours"));
        let link = link_in(&made.body);
        let token = link
            .strip_prefix(&format!("{}/reset/", site.base))
            .unwrap_or_else(|| panic!("an absolute link on this site: {link}"));
        assert_eq!(token.len(), 64);

        let stored: Vec<(String, i64)> =
            sqlx::query_as("SELECT token_hash, user_id FROM password_resets")
                .fetch_all(site.store.pool())
                .await
                .expect("rows");
        assert_eq!(stored, vec![(sha256_hex(token), bob.id.0)], "only the hash");
        let log = site.store.moderation().log_entries(10).await.expect("log");
        assert_eq!(log[0].action, "reset-link");
        assert_eq!(log[0].moderator_id, Some(ana.id));
        assert_eq!(log[0].user_id, Some(bob.id));

        // The person opens it in a browser of their own.
        let path = format!("/reset/{token}");
        let mut visitor = site.browser();
        let page = visitor.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(header(&page, "cache-control").contains("no-store"));
        assert_eq!(header(&page, "referrer-policy"), "no-referrer");
        assert_eq!(header(&page, "x-cache"), "", "never from the page cache");
        assert!(page.body.contains("<strong>bob</strong>"), "{}", page.body);
        let done = reset(&mut visitor, &path, NEW, NEW).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/login?done=reset");
        assert!(header(&done, "cache-control").contains("no-store"));
        assert_eq!(header(&done, "referrer-policy"), "no-referrer");
        let login = visitor.get("/login?done=reset").await;
        assert!(
            login.body.contains("Your new password is set"),
            "{}",
            login.body
        );

        // Every old session ended; the old password fails, the new one works.
        assert_eq!(bobs_old_browser.get("/account").await.status, 303);
        assert_eq!(site.browser().login("bob", OLD).await.status, 401);
        assert_eq!(visitor.login("bob", NEW).await.status, 303);
        assert_eq!(visitor.get("/account").await.status, 200);
        assert_eq!(admin.get("/account").await.status, 200, "others stay in");

        // A second use fails, with one answer that names no account.
        let again = site.browser().get(&path).await;
        assert_eq!(again.status, 410);
        assert!(again.body.contains("does not work"), "{}", again.body);
        assert!(!again.body.contains("bob"));
        assert!(header(&again, "cache-control").contains("no-store"));
        let token_field = csrf_after(&page.body, "action=\"/reset/");
        let mut replay = site.browser();
        replay.cookies = visitor.cookies.clone();
        replay.cookies.remove("tidings_session");
        let post = replay
            .post(
                &path,
                &[
                    ("csrf", token_field.as_str()),
                    ("password", "yet another passphrase"),
                    ("confirm", "yet another passphrase"),
                ],
            )
            .await;
        assert_eq!(post.status, 410, "{}", post.body);
        assert_eq!(site.browser().login("bob", NEW).await.status, 303);
    })
    .await;
}

#[tokio::test]
async fn only_admins_make_links_and_not_for_themselves_or_banned_accounts() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (ana, mut admin) = logged_in(&site, "ana", Role::Admin).await;
        let (bob, _) = logged_in(&site, "bob", Role::Reader).await;
        for (name, role) in [("rea", Role::Reader), ("mod", Role::Moderator)] {
            let (_, mut who) = logged_in(&site, name, role).await;
            let answer = make_link(&mut who, bob.id.0).await;
            assert_eq!(answer.status, 403, "{name}: {}", answer.body);
        }
        let anonymous = site
            .browser()
            .post(&format!("/admin/users/{}/reset-link", bob.id), &[])
            .await;
        assert_eq!(anonymous.status, 401);

        let own = make_link(&mut admin, ana.id.0).await;
        assert_eq!(own.status, 403);
        assert!(own.body.contains("account page"), "{}", own.body);
        assert_eq!(make_link(&mut admin, 99_999).await.status, 404);

        let token = admin.token().await;
        let path = format!("/admin/users/{}/reset-link", bob.id);
        for fields in [vec![], vec![("csrf", "wrong")]] {
            let answer = admin.post(&path, &fields).await;
            assert_eq!(answer.status, 403, "{fields:?}");
            assert!(answer.body.contains("security token"), "{}", answer.body);
        }
        let foreign = admin
            .post_with(
                &path,
                &[("csrf", token.as_str())],
                &[("origin", "https://evil.example")],
            )
            .await;
        assert_eq!(foreign.status, 403);
        assert!(foreign.body.contains("another site"), "{}", foreign.body);

        site.store
            .users()
            .set_state(bob.id, AccountState::Banned)
            .await
            .expect("ban");
        let banned = make_link(&mut admin, bob.id.0).await;
        assert_eq!(banned.status, 403);
        assert!(banned.body.contains("banned"), "{}", banned.body);
        let cem = site.user("cem", OLD, Role::Reader).await;
        site.store.users().delete(cem.id).await.expect("delete");
        assert_eq!(make_link(&mut admin, cem.id.0).await.status, 404);

        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_resets")
            .fetch_one(site.store.pool())
            .await
            .expect("count");
        assert_eq!(rows, 0, "no link was made");
        let log = site.store.moderation().log_entries(10).await.expect("log");
        assert!(!log.iter().any(|e| e.action == "reset-link"), "{log:?}");
    })
    .await;
}

#[tokio::test]
async fn refused_forms_leave_the_link_usable_and_an_expired_link_fails() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let bob = site.user("bob", OLD, Role::Reader).await;
        let path = cli_link(&site, &bob).await;
        let mut visitor = site.browser();

        let weak = reset(&mut visitor, &path, "short", "short").await;
        assert_eq!(weak.status, 400);
        assert!(
            weak.body.contains("at least 10 characters"),
            "{}",
            weak.body
        );
        assert!(header(&weak, "cache-control").contains("no-store"));
        let named = reset(&mut visitor, &path, "bob", "bob").await;
        assert_eq!(named.status, 400);
        let mistyped = reset(&mut visitor, &path, NEW, "a brand new passphrasf").await;
        assert_eq!(mistyped.status, 400);
        assert!(mistyped.body.contains("differ"), "{}", mistyped.body);

        let page = visitor.get(&path).await;
        let token = csrf_after(&page.body, "action=\"/reset/");
        let fields = [
            ("csrf", token.as_str()),
            ("password", NEW),
            ("confirm", NEW),
        ];
        let wrong = [("csrf", "0123"), ("password", NEW), ("confirm", NEW)];
        let answer = visitor.post(&path, &wrong).await;
        assert_eq!(answer.status, 403);
        assert!(answer.body.contains("security token"), "{}", answer.body);
        let mut cookieless = site.browser();
        assert_eq!(
            cookieless.post(&path, &fields).await.status,
            403,
            "the form's token needs its nonce cookie"
        );
        let foreign = visitor
            .post_with(&path, &fields, &[("origin", "https://evil.example")])
            .await;
        assert_eq!(foreign.status, 403);
        assert!(foreign.body.contains("another site"), "{}", foreign.body);
        assert_eq!(site.browser().login("bob", OLD).await.status, 303);

        assert_eq!(
            visitor.post(&path, &fields).await.status,
            303,
            "still usable"
        );
        assert_eq!(site.browser().login("bob", NEW).await.status, 303);

        // A link a day old no longer works.
        let late = cli_link(&site, &bob).await;
        assert_eq!(site.browser().get(&late).await.status, 200);
        site.clock
            .advance(std::time::Duration::from_secs(24 * 3_600));
        let expired = site.browser().get(&late).await;
        assert_eq!(expired.status, 410);
        assert!(expired.body.contains("does not work"));
        let token = csrf_after(&visitor.get("/login").await.body, "action=\"/login\"");
        let post = visitor
            .post(
                &late,
                &[
                    ("csrf", token.as_str()),
                    ("password", OLD),
                    ("confirm", OLD),
                ],
            )
            .await;
        assert_eq!(post.status, 410);
        assert_eq!(site.browser().login("bob", NEW).await.status, 303);
        for bad in [
            "/reset/nothing",
            "/reset/0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert_eq!(site.browser().get(bad).await.status, 410, "{bad}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_banned_account_s_link_is_refused() {
    let site = site(config()).await;
    let bob = site.user("bob", OLD, Role::Reader).await;
    let path = cli_link(&site, &bob).await;
    let mut visitor = site.browser();
    let page = visitor.get(&path).await;
    assert_eq!(page.status, 200);
    site.store
        .users()
        .set_state(bob.id, AccountState::Banned)
        .await
        .expect("ban");
    let token = csrf_after(&page.body, "action=\"/reset/");
    let post = visitor
        .post(
            &path,
            &[
                ("csrf", token.as_str()),
                ("password", NEW),
                ("confirm", NEW),
            ],
        )
        .await;
    assert_eq!(post.status, 403);
    assert!(post.body.contains("banned"), "{}", post.body);
    assert_eq!(visitor.get(&path).await.status, 403);
    let hash = site
        .store
        .users()
        .password_hash(bob.id)
        .await
        .expect("read");
    assert!(
        !hash.unwrap_or_default().is_empty(),
        "the password is what it was"
    );
}

#[tokio::test]
async fn tries_count_against_the_login_limit_and_private_sites_let_links_through() {
    let site = site(PeopleConfig {
        private: true,
        limits: RateLimitConfig {
            logins_per_minute_per_ip: 2,
            ..RateLimitConfig::default()
        },
        ..config()
    })
    .await;
    let bob = site.user("bob", OLD, Role::Reader).await;
    let path = cli_link(&site, &bob).await;
    let mut visitor = site.browser();
    let page = visitor.get(&path).await;
    assert_eq!(page.status, 200, "a private site lets the link's holder in");
    let token = csrf_after(&page.body, "action=\"/reset/");
    let weak = [
        ("csrf", token.as_str()),
        ("password", "x"),
        ("confirm", "x"),
    ];
    assert_eq!(visitor.post(&path, &weak).await.status, 400);
    assert_eq!(visitor.post(&path, &weak).await.status, 400);
    let limited = visitor.post(&path, &weak).await;
    assert_eq!(limited.status, 429);
    assert!(!header(&limited, "retry-after").is_empty());
}
