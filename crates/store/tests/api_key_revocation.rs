//! Revoking an account's API keys with its sessions, on every backend: a password change, a
//! password reset link and "log out every other browser" each revoke every key of the
//! account (and no other account's) in their own transaction when asked, and leave them
//! all when not.

use tidings_model::{Role, User};
use tidings_store::testing::each_backend;
use tidings_store::{Ended, NewUser, Store};

async fn user(store: &Store, name: &str) -> User {
    store
        .users()
        .create(
            &NewUser {
                name: name.into(),
                display_name: name.into(),
                password_hash: format!("hash-of-{name}"),
                role: Role::Reader,
            },
            100,
        )
        .await
        .expect("create user")
}

/// Two keys for `ana`, one for `bob`, and a session each besides `ana`'s `keep`.
async fn keys_and_sessions(store: &Store, ana: &User, bob: &User) {
    for (who, label) in [(ana, "phone"), (ana, "laptop"), (bob, "bob's")] {
        store
            .api_keys()
            .create(
                who.id,
                label,
                &format!("t-{}-{label}", who.name),
                &format!("f-{}-{label}", who.name),
                200,
            )
            .await
            .expect("key");
    }
    for (hash, who) in [("keep", ana), ("other", ana), ("bobs", bob)] {
        store
            .sessions()
            .create(hash, who.id, "csrf", 200, 99_999)
            .await
            .expect("session");
    }
}

async fn keys(store: &Store, who: &User) -> i64 {
    store.api_keys().count(who.id).await.expect("count")
}

#[tokio::test]
async fn ending_other_sessions_revokes_the_keys_only_when_asked() {
    each_backend(|store| async move {
        let (ana, bob) = (user(&store, "ana").await, user(&store, "bob").await);
        keys_and_sessions(&store, &ana, &bob).await;
        assert_eq!(keys(&store, &ana).await, 2);
        let ended = store
            .sessions()
            .end_others(ana.id, "keep", false)
            .await
            .expect("end");
        assert_eq!(
            ended,
            Ended {
                sessions: 1,
                api_keys: 0
            }
        );
        assert_eq!(keys(&store, &ana).await, 2, "unchecked: the keys stay");
        assert!(
            store
                .api_keys()
                .user_by_token("t-ana-phone", 300)
                .await
                .expect("auth")
                .is_some()
        );

        let ended = store
            .sessions()
            .end_others(ana.id, "keep", true)
            .await
            .expect("end");
        assert_eq!(ended.api_keys, 2);
        assert_eq!(keys(&store, &ana).await, 0);
        assert!(
            store
                .api_keys()
                .user_by_token("t-ana-phone", 300)
                .await
                .expect("auth")
                .is_none(),
            "a revoked key logs nothing in"
        );
        assert_eq!(keys(&store, &bob).await, 1, "another account's key stays");
        assert!(
            store
                .sessions()
                .get("keep", 300)
                .await
                .expect("get")
                .is_some()
        );
    })
    .await;
}

#[tokio::test]
async fn a_password_change_revokes_the_keys_only_when_asked() {
    each_backend(|store| async move {
        let (ana, bob) = (user(&store, "ana").await, user(&store, "bob").await);
        keys_and_sessions(&store, &ana, &bob).await;
        let ended = store
            .users()
            .set_password_revoking(ana.id, "new-1", Some("keep"), 300, false)
            .await
            .expect("set");
        assert_eq!(
            ended,
            Ended {
                sessions: 1,
                api_keys: 0
            }
        );
        assert_eq!(keys(&store, &ana).await, 2, "unchecked: the keys stay");
        let ended = store
            .users()
            .set_password_revoking(ana.id, "new-2", Some("keep"), 301, true)
            .await
            .expect("set");
        assert_eq!(ended.api_keys, 2);
        assert_eq!(keys(&store, &ana).await, 0);
        assert_eq!(keys(&store, &bob).await, 1);
        assert_eq!(
            store
                .users()
                .password_hash(ana.id)
                .await
                .expect("read")
                .as_deref(),
            Some("new-2")
        );
    })
    .await;
}

#[tokio::test]
async fn a_reset_link_revokes_the_keys_only_when_asked_and_a_used_link_revokes_nothing() {
    each_backend(|store| async move {
        let (ana, bob) = (user(&store, "ana").await, user(&store, "bob").await);
        keys_and_sessions(&store, &ana, &bob).await;
        let links = store.password_resets();
        links
            .create(ana.id, "link-1", 300, 90_000, None)
            .await
            .expect("link");
        assert_eq!(
            links
                .use_link_revoking("link-1", "new-1", 301, false)
                .await
                .expect("use"),
            Some((ana.id, 0))
        );
        assert_eq!(keys(&store, &ana).await, 2, "unchecked: the keys stay");
        assert_eq!(
            links
                .use_link_revoking("link-1", "new-2", 302, true)
                .await
                .expect("use again"),
            None
        );
        assert_eq!(keys(&store, &ana).await, 2, "a used link revokes nothing");

        links
            .create(ana.id, "link-2", 400, 90_000, None)
            .await
            .expect("link");
        assert_eq!(
            links
                .use_link_revoking("link-2", "new-3", 401, true)
                .await
                .expect("use"),
            Some((ana.id, 2))
        );
        assert_eq!(keys(&store, &ana).await, 0);
        assert_eq!(keys(&store, &bob).await, 1, "another account's key stays");
        assert_eq!(
            store
                .sessions()
                .count_for_user(ana.id, 402)
                .await
                .expect("n"),
            0
        );
    })
    .await;
}
