//! Account safety through HTTP, against a site served in this process: guesses from an
//! address the account once logged in from are slowed like any others (only the known-device
//! cookie skips the delay); behind a trusted proxy cookies are `Secure` when it says https,
//! and an ignored `X-Forwarded-For` is logged once; a password change gives the browser that
//! made it a new session. On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{Answer, Browser, config, csrf_after, site, site_on};
use tidings_model::Role;
use tidings_store::testing::each_backend;
use tidings_web::people::Clock;
use tidings_web::people::{PeopleConfig, RateLimitConfig, ThrottleConfig};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn guesses_from_a_known_address_are_throttled_but_the_known_device_gets_in() {
    each_backend(|store| async move {
        let site = site_on(
            store,
            PeopleConfig {
                limits: RateLimitConfig {
                    logins_per_minute_per_ip: 0,
                    ..RateLimitConfig::default()
                },
                login_throttle: ThrottleConfig {
                    free_failures: 5,
                    base_delay_ms: 1_000,
                    max_delay_secs: 600,
                    account_failures_per_hour: 100,
                },
                ..config()
            },
            |_| {},
        )
        .await;
        // The owner logs in once from this address: it and her browser become known.
        let mut owner = site.logged_in("ana", PASSWORD, Role::Reader).await;
        // Someone else at the same address (a shared household, office or NAT), without her
        // device cookie, guesses her password.
        let mut guesser = site.browser();
        let mut statuses = Vec::new();
        let mut retry_after = Vec::new();
        for i in 0..9 {
            let answer = guesser.login("ana", &format!("guess number {i}")).await;
            statuses.push(answer.status);
            retry_after.push(answer.header("retry-after"));
        }
        assert_eq!(
            statuses,
            [401, 401, 401, 401, 401, 429, 429, 429, 429],
            "after five wrong passwords the address waits"
        );
        assert_eq!(retry_after[5], "1", "the first wait is a second");
        assert!(retry_after[..5].iter().all(String::is_empty));
        // Her own browser, with its device cookie, is not held up by the guessing.
        let back = owner.login("ana", PASSWORD).await;
        assert_eq!(back.status, 303, "{}", back.body);
        assert_eq!(owner.get("/account").await.status, 200);
    })
    .await;
}

/// Logs `browser` in with extra request headers; returns the POST's answer.
async fn login_with(
    browser: &mut Browser,
    name: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let page = browser.get("/login").await;
    let token = csrf_after(&page.body, "action=\"/login\"");
    browser
        .post_with(
            "/login",
            &[
                ("csrf", &token),
                ("name", name),
                ("password", password),
                ("next", "/"),
            ],
            headers,
        )
        .await
}

/// The `Set-Cookie` header that sets cookie `name`.
fn set_cookie(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} is set ({})", answer.status))
        .to_string()
}

#[tokio::test]
async fn cookies_are_secure_when_a_trusted_proxy_says_https_and_only_then() {
    // Cookies are made in memory: one backend shows it.
    let https = [("x-forwarded-proto", "https")];
    for trusted in [true, false] {
        let site = site(PeopleConfig {
            trust_forwarded_for: trusted,
            ..config()
        })
        .await;
        let name = if trusted { "ana" } else { "bob" };
        site.user(name, PASSWORD, Role::Reader).await;
        let mut browser = site.browser();
        let login = login_with(&mut browser, name, PASSWORD, &https).await;
        assert_eq!(login.status, 303, "{}", login.body);
        for cookie in ["tidings_session", "tidings_device"] {
            let set = set_cookie(&login, cookie);
            assert_eq!(
                set.contains("; Secure"),
                trusted,
                "trusted proxy {trusted}: {set}"
            );
        }
        let plain = login_with(&mut site.browser(), name, PASSWORD, &[]).await;
        assert!(
            !set_cookie(&plain, "tidings_session").contains("Secure"),
            "plain http, no proxy header"
        );
    }
}

/// Counts the warnings logged about an ignored `X-Forwarded-For`.
struct IgnoredForwardedFor(Arc<AtomicUsize>);

/// The message of a logged event.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for IgnoredForwardedFor {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut message = Message::default();
        event.record(&mut message);
        if *event.metadata().level() == tracing::Level::WARN
            && message.0.contains("X-Forwarded-For")
            && message.0.contains("trust_forwarded_for")
        {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[tokio::test]
async fn an_ignored_forwarded_for_is_logged_once() {
    let warnings = Arc::new(AtomicUsize::new(0));
    // The site runs on this test's thread (a current-thread runtime), so this thread's
    // subscriber sees its events.
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::registry().with(IgnoredForwardedFor(warnings.clone())),
    );
    // The flag is in memory: one backend shows it.
    let ignoring = site(config()).await;
    ignoring.user("ana", PASSWORD, Role::Reader).await;
    let mut browser = ignoring.browser();
    assert_eq!(browser.login("ana", "a wrong password").await.status, 401);
    assert_eq!(
        warnings.load(Ordering::SeqCst),
        0,
        "no X-Forwarded-For, no warning"
    );
    browser.forwarded_for = Some("198.51.100.7".into());
    for _ in 0..3 {
        assert_eq!(browser.login("ana", "a wrong password").await.status, 401);
    }
    assert_eq!(
        warnings.load(Ordering::SeqCst),
        1,
        "three ignored headers, one warning"
    );

    let trusting = site(PeopleConfig {
        trust_forwarded_for: true,
        ..config()
    })
    .await;
    trusting.user("ana", PASSWORD, Role::Reader).await;
    let mut proxied = trusting.browser();
    proxied.forwarded_for = Some("198.51.100.8".into());
    assert_eq!(proxied.login("ana", "a wrong password").await.status, 401);
    assert_eq!(
        warnings.load(Ordering::SeqCst),
        1,
        "a trusted header is no cause for a warning"
    );
}

#[tokio::test]
async fn changing_the_password_gives_this_browser_a_new_session() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let ana = site.user("ana", PASSWORD, Role::Reader).await.id;
        let mut laptop = site.browser();
        assert_eq!(laptop.login("ana", PASSWORD).await.status, 303);
        let mut phone = site.browser();
        assert_eq!(phone.login("ana", PASSWORD).await.status, 303);
        let old_cookie = laptop.cookies["tidings_session"].clone();
        let old_csrf = laptop.token().await;
        site.clock.advance(Duration::from_secs(3_600));
        let changed = laptop
            .post(
                "/account/password",
                &[
                    ("csrf", &old_csrf),
                    ("current", PASSWORD),
                    ("new", "another long password"),
                ],
            )
            .await;
        assert_eq!(changed.status, 303, "{}", changed.body);
        let new_cookie = laptop.cookies["tidings_session"].clone();
        assert_ne!(new_cookie, old_cookie, "a new token");
        assert_eq!(laptop.get("/account").await.status, 200, "still signed in");
        assert_ne!(laptop.token().await, old_csrf, "a new form token too");
        let mut copy = site.browser();
        copy.cookies.insert("tidings_session".into(), old_cookie);
        assert_eq!(
            copy.get("/account").await.status,
            303,
            "a copy of the old cookie is worth nothing"
        );
        assert_eq!(phone.get("/account").await.status, 303, "others end");
        let now = site.clock.now_ms().div_euclid(1000);
        let (sessions, _) = site
            .store
            .sessions()
            .page_for_user(ana, "", now, None, 10)
            .await
            .expect("sessions");
        assert_eq!(sessions.len(), 1, "only the new session is live");
        assert_eq!(sessions[0].created_at, now, "begun at the change");
    })
    .await;
}
