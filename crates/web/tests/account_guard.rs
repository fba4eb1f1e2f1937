//! Account safety through HTTP, against a site served in this process: guesses from an
//! address the account once logged in from are slowed like any others (only the known-device
//! cookie skips the delay). On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use support::{Answer, config, site_on};
use tidings_model::Role;
use tidings_store::testing::each_backend;
use tidings_web::people::{PeopleConfig, RateLimitConfig, ThrottleConfig};

const PASSWORD: &str = "a long enough password";

fn header(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

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
            retry_after.push(header(&answer, "retry-after"));
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
