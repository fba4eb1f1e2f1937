//! A private instance (`[people] private = true`): anonymous visitors reach only the sign-in
//! form, the assets and the probes; pages send them to sign in and back, the API and feeds
//! answer 401; a signed-in reader sees everything; a banned one does not.

mod support;

use support::{config, site};
use tidings_model::{AccountState, Role};
use tidings_web::people::PeopleConfig;

const PASSWORD: &str = "a long enough password";

fn private() -> PeopleConfig {
    PeopleConfig {
        private: true,
        ..config()
    }
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_come_back() {
    let site = site(private()).await;
    let mut anon = site.browser();
    for path in [
        "/",
        site.article_path.as_str(),
        "/search?q=flood",
        "/sources",
    ] {
        let answer = anon.get(path).await;
        assert_eq!(answer.status, 303, "{path}");
        let location = answer.headers["location"].to_str().expect("location");
        let next = url::form_urlencoded::parse(
            location
                .strip_prefix("/login?")
                .expect("to the sign-in form")
                .as_bytes(),
        )
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned());
        assert_eq!(next.as_deref(), Some(path), "back to {path} afterwards");
        assert_eq!(answer.headers["x-robots-tag"], "noindex, nofollow");
        assert!(!answer.body.contains("Flood in the valley"), "{path} leaks");
    }
    for path in [
        "/api/v1/stories",
        "/api/v1/articles",
        "/feed.xml",
        "/feed.json",
        "/section/world/feed.atom",
    ] {
        let answer = anon.get(path).await;
        assert_eq!(answer.status, 401, "{path}");
        assert!(!answer.body.contains("Flood"), "{path} leaks");
    }
    for path in ["/login", "/signup", "/healthz", "/static/style.css"] {
        assert_eq!(anon.get(path).await.status, 200, "{path} stays open");
    }
    // A cookie that is no session is no way in.
    anon.cookies
        .insert("tidings_session".into(), "forged-token-value".into());
    assert_eq!(anon.get("/").await.status, 303);
}

#[tokio::test]
async fn signed_in_readers_read_and_banned_ones_do_not() {
    let site = site(private()).await;
    let user = site.user("ana", PASSWORD, Role::Reader).await;
    let mut ana = site.browser();
    assert_eq!(ana.login("ana", PASSWORD).await.status, 303);
    let front = ana.get("/").await;
    assert_eq!(front.status, 200);
    assert!(front.body.contains("Flood in the valley"));
    assert_eq!(front.headers["x-robots-tag"], "noindex, nofollow");
    let article = ana.get(&site.article_path).await;
    assert_eq!(article.status, 200);
    assert!(article.body.contains("The river rose."));
    assert_eq!(ana.get("/api/v1/stories").await.status, 200);
    assert_eq!(ana.get("/feed.xml").await.status, 200);

    site.store
        .users()
        .set_state(user.id, AccountState::Banned)
        .await
        .expect("ban");
    assert_eq!(
        ana.get("/").await.status,
        303,
        "a banned account reads no more"
    );
}

#[tokio::test]
async fn a_public_instance_lets_everyone_read() {
    let site = site(config()).await;
    let mut anon = site.browser();
    let front = anon.get("/").await;
    assert_eq!(front.status, 200);
    assert!(front.headers.get("x-robots-tag").is_none());
    assert_eq!(anon.get("/api/v1/stories").await.status, 200);
}
