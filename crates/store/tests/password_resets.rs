//! Password reset links, on every backend: a link works once and until it expires, a newer
//! link (or a new password) ends the older ones, of two simultaneous uses only one sets the
//! password, using one ends the account's sessions, and deleted or banned accounts are
//! refused.

use std::collections::HashSet;
use tidings_model::{AccountState, Role, User};
use tidings_store::testing::each_backend;
use tidings_store::{NewUser, Store, StoreError};

async fn user(store: &Store, name: &str) -> User {
    store
        .users()
        .create(
            &NewUser {
                name: name.into(),
                display_name: name.into(),
                password_hash: format!("old-hash-of-{name}"),
                role: Role::Reader,
            },
            100,
        )
        .await
        .expect("create user")
}

async fn password_of(store: &Store, user: &User) -> String {
    store
        .users()
        .password_hash(user.id)
        .await
        .expect("read")
        .expect("an account")
}

#[tokio::test]
async fn a_link_works_once_ends_the_sessions_and_is_logged() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let admin = user(&store, "root").await;
        let links = store.password_resets();
        links
            .create(ana.id, "hash-1", 1_000, 1_000 + 86_400, Some(admin.id))
            .await
            .expect("make a link");
        let found = links
            .find("hash-1", 1_001)
            .await
            .expect("find")
            .expect("the link works");
        assert_eq!(found.user.id, ana.id);
        assert_eq!((found.created_at, found.expires_at), (1_000, 87_400));
        assert!(links.find("hash-2", 1_001).await.expect("find").is_none());

        store
            .sessions()
            .create("s1", ana.id, "c1", 1_000, 999_999)
            .await
            .expect("session");
        store
            .sessions()
            .create("s2", admin.id, "c2", 1_000, 999_999)
            .await
            .expect("admin's session");
        let used = links
            .use_link("hash-1", "new-hash", 2_000)
            .await
            .expect("use");
        assert_eq!(used, Some(ana.id));
        assert_eq!(password_of(&store, &ana).await, "new-hash");
        assert_eq!(
            store
                .sessions()
                .count_for_user(ana.id, 2_001)
                .await
                .expect("count"),
            0,
            "every session of the account ended"
        );
        assert_eq!(
            store
                .sessions()
                .count_for_user(admin.id, 2_001)
                .await
                .expect("count"),
            1,
            "other accounts keep theirs"
        );

        assert!(links.find("hash-1", 2_001).await.expect("find").is_none());
        let again = links
            .use_link("hash-1", "attacker-hash", 2_002)
            .await
            .expect("use again");
        assert_eq!(again, None, "a link works once");
        assert_eq!(password_of(&store, &ana).await, "new-hash");
        assert_eq!(
            links.use_link("never-made", "x", 2_003).await.expect("use"),
            None
        );

        let log = store.moderation().log_entries(10).await.expect("log");
        let line = log
            .iter()
            .find(|e| e.action == "reset-link")
            .expect("a reset-link line");
        assert_eq!(line.moderator_id, Some(admin.id));
        assert_eq!(line.user_id, Some(ana.id));
        assert_eq!(line.note, "works for 24 h");
        assert!(
            !log.iter().any(|e| e.note.contains("hash-1")),
            "the log never holds the token's hash"
        );
    })
    .await;
}

#[tokio::test]
async fn a_link_expires() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let links = store.password_resets();
        links
            .create(ana.id, "hash-1", 1_000, 1_100, None)
            .await
            .expect("make a link");
        assert!(links.find("hash-1", 1_099).await.expect("find").is_some());
        assert!(links.find("hash-1", 1_100).await.expect("find").is_none());
        assert_eq!(
            links.use_link("hash-1", "new", 1_100).await.expect("use"),
            None
        );
        assert_eq!(password_of(&store, &ana).await, "old-hash-of-ana");
        assert_eq!(
            links.use_link("hash-1", "new", 1_099).await.expect("use"),
            Some(ana.id),
            "still works a second before"
        );
    })
    .await;
}

#[tokio::test]
async fn a_newer_link_or_a_new_password_ends_the_older_links() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let links = store.password_resets();
        links
            .create(ana.id, "ana-1", 1_000, 90_000, None)
            .await
            .expect("first");
        links
            .create(bob.id, "bob-1", 1_000, 90_000, None)
            .await
            .expect("bob's");
        links
            .create(ana.id, "ana-2", 1_010, 90_000, None)
            .await
            .expect("second");
        assert!(links.find("ana-1", 1_020).await.expect("find").is_none());
        assert_eq!(
            links.use_link("ana-1", "x", 1_020).await.expect("use"),
            None
        );
        assert!(links.find("ana-2", 1_020).await.expect("find").is_some());
        assert!(
            links.find("bob-1", 1_020).await.expect("find").is_some(),
            "another account's link stays"
        );

        store
            .users()
            .set_password(ana.id, "changed", None, 1_030)
            .await
            .expect("password");
        assert!(
            links.find("ana-2", 1_040).await.expect("find").is_none(),
            "a new password ends the links not used"
        );
        assert!(links.find("bob-1", 1_040).await.expect("find").is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_simultaneous_uses_one_succeeds() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        for round in 0..10 {
            let token = format!("hash-{round}");
            store
                .password_resets()
                .create(ana.id, &token, 1_000, 90_000, None)
                .await
                .expect("make a link");
            let racers: Vec<_> = ["first", "second"]
                .into_iter()
                .map(|who| {
                    let (store, token) = (store.clone(), token.clone());
                    let hash = format!("{who}-{round}");
                    tokio::spawn(async move {
                        store
                            .password_resets()
                            .use_link(&token, &hash, 2_000)
                            .await
                            .expect("use")
                            .map(|_| hash)
                    })
                })
                .collect();
            let mut winners = Vec::new();
            for racer in racers {
                winners.extend(racer.await.expect("join"));
            }
            assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
            assert_eq!(password_of(&store, &ana).await, winners[0]);
        }
    })
    .await;
}

#[tokio::test]
async fn deleted_and_banned_accounts_are_refused() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let links = store.password_resets();
        links
            .create(ana.id, "ana-1", 1_000, 90_000, None)
            .await
            .expect("ana's");
        links
            .create(bob.id, "bob-1", 1_000, 90_000, None)
            .await
            .expect("bob's");

        store.users().delete(ana.id).await.expect("delete");
        assert!(links.find("ana-1", 1_001).await.expect("find").is_none());
        assert_eq!(
            links.use_link("ana-1", "x", 1_001).await.expect("use"),
            None
        );
        let left: HashSet<i64> = sqlx::query_scalar("SELECT user_id FROM password_resets")
            .fetch_all(store.pool())
            .await
            .expect("rows")
            .into_iter()
            .collect();
        assert_eq!(
            left,
            HashSet::from([bob.id.0]),
            "the deleted account's links went"
        );
        let made = links.create(ana.id, "ana-2", 1_002, 90_000, None).await;
        assert!(matches!(made, Err(StoreError::NotFound(_))), "{made:?}");

        store
            .users()
            .set_state(bob.id, AccountState::Banned)
            .await
            .expect("ban");
        let found = links.find("bob-1", 1_003).await.expect("find");
        assert_eq!(
            found.map(|l| l.user.state),
            Some(AccountState::Banned),
            "found, so the page can say why it refuses"
        );
        assert_eq!(
            links.use_link("bob-1", "x", 1_003).await.expect("use"),
            None
        );
        assert_eq!(password_of(&store, &bob).await, "old-hash-of-bob");
    })
    .await;
}
