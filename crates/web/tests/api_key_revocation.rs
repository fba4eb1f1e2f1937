//! "Also revoke my N API keys" through HTTP, against a site served in this process: the
//! password reset form offers it ticked, the password change and "Log out every other
//! browser" forms unticked; ticked, every key of the account stops working for reader apps
//! (and no other account's), unticked they all keep working; the pages say which was done.
//! On SQLite and, when `TIDINGS_TEST_DATABASE_URL` is set, PostgreSQL.

mod support;

use support::{Browser, Site, config, csrf_after, site_on};
use tidings_store::testing::each_backend;
use tidings_web::people::Clock;
use tidings_web::people::password_reset::make_reset_link;

const PASSWORD: &str = "correct horse battery";
const NEW: &str = "a brand new passphrase";

/// Makes another API key on the browser's settings page; returns it.
async fn another_key(browser: &mut Browser, label: &str) -> String {
    let page = browser.get("/settings/apps").await;
    let csrf = csrf_after(&page.body, "action=\"/settings/apps/keys\"");
    let made = browser
        .post("/settings/apps/keys", &[("csrf", &csrf), ("label", label)])
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.body
        .split("<code class=\"api-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new key on the page")
        .to_string()
}

/// Whether a reader app logs in with `key` (Miniflux's `/v1/me`).
async fn key_works(site: &Site, key: &str) -> bool {
    let status = reqwest::Client::new()
        .get(format!("{}/v1/me", site.base))
        .header("x-auth-token", key)
        .send()
        .await
        .expect("me")
        .status()
        .as_u16();
    assert!(matches!(status, 200 | 401), "{status}");
    status == 200
}

/// The "Also revoke" checkbox as a page shows it, if it does.
fn revoke_box(body: &str) -> Option<&str> {
    let at = body.find("name=\"revoke_api_keys\"")?;
    let start = body[..at].rfind("<label")?;
    let end = at + body[at..].find("</label>")?;
    Some(&body[start..end])
}

#[tokio::test]
async fn a_reset_link_revokes_the_api_keys_unless_the_box_is_cleared() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (mut ana_browser, ana_key) = site.account_with_key("ana").await;
        let ana_key2 = another_key(&mut ana_browser, "tablet").await;
        let (mut cleo_browser, cleo_key) = site.account_with_key("cleo").await;
        let cleo_key2 = another_key(&mut cleo_browser, "tablet").await;
        let (_, bob_key) = site.account_with_key("bob").await;
        let now = site.clock.now_ms() / 1000;
        let id = |name: &'static str| {
            let store = site.store.clone();
            async move {
                store
                    .users()
                    .credentials(name)
                    .await
                    .expect("read")
                    .expect("account")
                    .user
                    .id
            }
        };

        // Ana resets because someone else got in: the box is ticked, she leaves it.
        let link = make_reset_link(&site.store, id("ana").await, 24, None, now)
            .await
            .expect("link")
            .path;
        let mut browser = site.browser();
        let page = browser.get(&link).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let checkbox = revoke_box(&page.body).expect("the reset form offers to revoke");
        assert!(checkbox.contains("Also revoke my 2 API keys"), "{checkbox}");
        assert!(
            checkbox.contains(" checked"),
            "ticked by default: {checkbox}"
        );
        let csrf = csrf_after(&page.body, "action=\"/reset/");
        let done = browser
            .post(
                &link,
                &[
                    ("csrf", csrf.as_str()),
                    ("password", NEW),
                    ("confirm", NEW),
                    ("revoke_api_keys", "yes"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/login?done=reset-keys");
        let login = browser.get(&done.location()).await;
        assert!(
            login.body.contains("every API key revoked"),
            "{}",
            login.body
        );
        assert!(!key_works(&site, &ana_key).await, "the key is revoked");
        assert!(!key_works(&site, &ana_key2).await, "every key is revoked");
        assert!(key_works(&site, &bob_key).await, "another account's stays");
        assert_eq!(browser.login("ana", NEW).await.status, 303);

        // Cleo clears the box (a cleared checkbox sends nothing): her keys stay.
        let link = make_reset_link(&site.store, id("cleo").await, 24, None, now)
            .await
            .expect("link")
            .path;
        let mut browser = site.browser();
        let page = browser.get(&link).await;
        let csrf = csrf_after(&page.body, "action=\"/reset/");
        let done = browser
            .post(
                &link,
                &[("csrf", csrf.as_str()), ("password", NEW), ("confirm", NEW)],
            )
            .await;
        assert_eq!(done.location(), "/login?done=reset");
        assert!(key_works(&site, &cleo_key).await, "unticked: the keys stay");
        assert!(key_works(&site, &cleo_key2).await);
        assert_eq!(
            cleo_browser.get("/account").await.status,
            303,
            "her sessions ended all the same"
        );

        // An account without keys is offered nothing to revoke.
        site.user("dan", PASSWORD, tidings_model::Role::Reader)
            .await;
        let link = make_reset_link(&site.store, id("dan").await, 24, None, now)
            .await
            .expect("link")
            .path;
        let page = site.browser().get(&link).await;
        assert_eq!(page.status, 200);
        assert!(revoke_box(&page.body).is_none(), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn a_password_change_revokes_the_api_keys_only_when_ticked() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (mut laptop, key) = site.account_with_key("ana").await;
        let (_, bob_key) = site.account_with_key("bob").await;
        let page = laptop.get("/account").await;
        let form = &page.body[page
            .body
            .find("action=\"/account/password\"")
            .expect("the password form")..];
        let checkbox = revoke_box(form).expect("the password form offers to revoke");
        assert!(checkbox.ends_with("Also revoke my 1 API key"), "{checkbox}");
        assert!(!checkbox.contains(" checked"), "unticked: {checkbox}");

        let csrf = laptop.token().await;
        let changed = laptop
            .post(
                "/account/password",
                &[("csrf", &csrf), ("current", PASSWORD), ("new", NEW)],
            )
            .await;
        assert_eq!(changed.location(), "/account?done=password");
        assert!(key_works(&site, &key).await, "unticked: the key stays");
        // The change gave this browser a new session, with a new form token.
        let csrf = laptop.token().await;

        let changed = laptop
            .post(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", NEW),
                    ("new", "yet another passphrase"),
                    ("revoke_api_keys", "yes"),
                ],
            )
            .await;
        assert_eq!(changed.location(), "/account?done=password-keys");
        let page = laptop.get(&changed.location()).await;
        assert!(
            page.body.contains("every API key is revoked"),
            "{}",
            page.body
        );
        assert!(!key_works(&site, &key).await, "ticked: the key is revoked");
        assert!(key_works(&site, &bob_key).await, "another account's stays");
        assert!(
            revoke_box(&page.body).is_none(),
            "no keys left, nothing offered"
        );

        // A refused change (wrong current password) revokes nothing.
        let third = another_key(&mut laptop, "phone").await;
        let csrf = laptop.token().await;
        let refused = laptop
            .post(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", "not the password"),
                    ("new", "one more passphrase"),
                    ("revoke_api_keys", "yes"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403);
        assert!(
            refused.body.contains("The current password is wrong."),
            "refused for the password, not the form token: {}",
            refused.body
        );
        assert!(key_works(&site, &third).await);
    })
    .await;
}

#[tokio::test]
async fn logging_out_every_other_browser_revokes_the_api_keys_only_when_ticked() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (mut laptop, key) = site.account_with_key("ana").await;
        let key2 = another_key(&mut laptop, "tablet").await;
        let (_, bob_key) = site.account_with_key("bob").await;
        let mut phone = site.browser();
        assert_eq!(phone.login("ana", PASSWORD).await.status, 303);

        let page = laptop.get("/account").await;
        let form = &page.body[page
            .body
            .find("action=\"/account/sessions\"")
            .expect("the sessions form")..];
        let checkbox = revoke_box(form).expect("the sessions form offers to revoke");
        assert!(checkbox.contains("Also revoke my 2 API keys"), "{checkbox}");
        assert!(!checkbox.contains(" checked"), "unticked: {checkbox}");
        let csrf = laptop.token().await;
        let done = laptop.post("/account/sessions", &[("csrf", &csrf)]).await;
        assert_eq!(done.location(), "/account?done=sessions");
        assert_eq!(phone.get("/account").await.status, 303, "logged out");
        assert!(key_works(&site, &key).await, "unticked: the keys stay");
        assert!(key_works(&site, &key2).await);

        assert_eq!(phone.login("ana", PASSWORD).await.status, 303);
        let done = laptop
            .post(
                "/account/sessions",
                &[("csrf", &csrf), ("revoke_api_keys", "yes")],
            )
            .await;
        assert_eq!(done.location(), "/account?done=sessions-keys");
        let page = laptop.get(&done.location()).await;
        assert!(
            page.body
                .contains("Every other browser is logged out and every API key is revoked."),
            "{}",
            page.body
        );
        assert_eq!(phone.get("/account").await.status, 303, "logged out");
        assert!(!key_works(&site, &key).await, "ticked: revoked");
        assert!(!key_works(&site, &key2).await, "ticked: revoked");
        assert!(key_works(&site, &bob_key).await, "another account's stays");

        // A forged form revokes nothing.
        let key3 = another_key(&mut laptop, "phone").await;
        let forged = laptop
            .post(
                "/account/sessions",
                &[("csrf", "not the token"), ("revoke_api_keys", "yes")],
            )
            .await;
        assert_eq!(forged.status, 403);
        assert!(key_works(&site, &key3).await);
    })
    .await;
}
