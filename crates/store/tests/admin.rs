//! What the administrators' pages write and read, on every backend: role changes that never
//! leave the site without an active admin (also when two admins demote each other at once),
//! the list of accounts with their comment counts, and the log lines about sources.

use tidings_model::{AccountState, ArticleId, CommentState, CommentTarget, Role, SourceId};
use tidings_store::testing::each_backend;
use tidings_store::{NewComment, NewSource, NewUser, Store, StoreError};

async fn user(store: &Store, name: &str, role: Role) -> tidings_model::User {
    store
        .users()
        .create(
            &NewUser {
                name: name.into(),
                display_name: format!("{name} display"),
                password_hash: format!("hash-of-{name}"),
                role,
            },
            100,
        )
        .await
        .expect("create user")
}

async fn role_of(store: &Store, user: &tidings_model::User) -> Role {
    store
        .users()
        .get(user.id)
        .await
        .expect("read")
        .expect("there")
        .role
}

#[tokio::test]
async fn the_last_active_admin_keeps_the_role() {
    each_backend(|store| async move {
        let ana = user(&store, "ana", Role::Admin).await;
        let bob = user(&store, "bob", Role::Admin).await;
        let cem = user(&store, "cem", Role::Reader).await;
        let users = store.users();

        assert!(
            users
                .set_role(bob.id, Role::Moderator)
                .await
                .expect("demote")
        );
        assert_eq!(role_of(&store, &bob).await, Role::Moderator);
        assert!(
            !users.set_role(ana.id, Role::Reader).await.expect("refused"),
            "ana is the last admin"
        );
        assert_eq!(role_of(&store, &ana).await, Role::Admin, "nothing changed");
        assert!(
            users
                .set_role(ana.id, Role::Admin)
                .await
                .expect("same role")
        );

        // A banned admin is no admin to leave the site to.
        assert!(users.set_role(cem.id, Role::Admin).await.expect("promote"));
        users
            .set_state(cem.id, AccountState::Banned)
            .await
            .expect("ban");
        assert!(
            !users
                .set_role(ana.id, Role::Moderator)
                .await
                .expect("refused")
        );
        users
            .set_state(cem.id, AccountState::Active)
            .await
            .expect("unban");
        assert!(
            users
                .set_role(ana.id, Role::Moderator)
                .await
                .expect("now fine")
        );
        assert_eq!(role_of(&store, &ana).await, Role::Moderator);
        // Demoting a reader or a moderator is never refused, admins or not.
        assert!(users.set_role(bob.id, Role::Reader).await.expect("demote"));

        let missing = users
            .set_role(tidings_model::UserId(9_999), Role::Admin)
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{missing:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one() {
    each_backend(|store| async move {
        let users = store.users();
        let mut survivor: Option<tidings_model::User> = None;
        for round in 0..5 {
            let a = user(&store, &format!("a{round}"), Role::Admin).await;
            let b = user(&store, &format!("b{round}"), Role::Admin).await;
            // Only these two are admins this round.
            if let Some(last) = survivor.take() {
                assert!(users.set_role(last.id, Role::Reader).await.expect("demote"));
            }
            let (x, y) = tokio::join!(
                users.set_role(a.id, Role::Reader),
                users.set_role(b.id, Role::Reader)
            );
            let done = [x.expect("a"), y.expect("b")];
            assert_eq!(
                done.iter().filter(|d| **d).count(),
                1,
                "round {round}: exactly one demotion goes through ({done:?})"
            );
            let admins = [role_of(&store, &a).await, role_of(&store, &b).await]
                .into_iter()
                .filter(|r| *r == Role::Admin)
                .count();
            assert_eq!(admins, 1, "round {round}: one admin is left");
            survivor = Some(if done[0] { b } else { a });
        }
    })
    .await;
}

#[tokio::test]
async fn the_accounts_page_counts_comments_and_skips_deleted_accounts() {
    each_backend(|store| async move {
        let ana = user(&store, "ana", Role::Admin).await;
        let bob = user(&store, "bob", Role::Reader).await;
        let gone = user(&store, "gone", Role::Reader).await;
        let cem = user(&store, "cem", Role::Moderator).await;
        let page = CommentTarget::Article(ArticleId(1));
        let mut ids = Vec::new();
        for (who, text) in [(&bob, "one"), (&bob, "two"), (&bob, "three"), (&cem, "x")] {
            ids.push(
                store
                    .comments()
                    .insert(
                        &NewComment {
                            target: page,
                            parent_id: None,
                            user_id: who.id,
                            body_source: text.into(),
                            body_html: format!("<p>{text}</p>"),
                            state: CommentState::Visible,
                        },
                        1_000,
                    )
                    .await
                    .expect("comment"),
            );
        }
        store
            .comments()
            .set_state(ids[2], CommentState::Deleted)
            .await
            .expect("delete one");
        store.users().delete(gone.id).await.expect("delete account");

        let all = store.users().page(10, 0).await.expect("page");
        let lines: Vec<(&str, Role, i64)> = all
            .iter()
            .map(|l| (l.user.name.as_str(), l.user.role, l.comments))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("ana", Role::Admin, 0),
                ("bob", Role::Reader, 2),
                ("cem", Role::Moderator, 1)
            ]
        );
        let second = store.users().page(2, 2).await.expect("page 2");
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].user.id, cem.id);
        assert_eq!(all[0].user.id, ana.id);
    })
    .await;
}

#[tokio::test]
async fn source_actions_are_logged_with_their_source_and_outlive_it() {
    each_backend(|store| async move {
        let ana = user(&store, "ana", Role::Admin).await;
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://outlet.example/feed".into(),
                    ..NewSource::default()
                },
                10,
            )
            .await
            .expect("source");
        let m = store.moderation();
        m.log_source(
            Some(ana.id),
            "source-add",
            source.id,
            "https://outlet.example/feed",
            11,
        )
        .await
        .expect("log");
        assert!(store.sources().remove(source.id, 1).await.expect("remove"));
        m.log_source(Some(ana.id), "source-remove", source.id, "0 articles", 12)
            .await
            .expect("log");
        m.log(None, "ban", None, Some(ana.id), "", 13)
            .await
            .expect("log");
        let log = m.log_entries(10).await.expect("log");
        let lines: Vec<(&str, Option<SourceId>, &str)> = log
            .iter()
            .map(|e| (e.action.as_str(), e.source_id, e.note.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("ban", None, ""),
                ("source-remove", Some(source.id), "0 articles"),
                ("source-add", Some(source.id), "https://outlet.example/feed"),
            ]
        );
        assert_eq!(log[1].moderator, "ana display");
        assert_eq!(log[1].user_id, None);
        assert_eq!(log[1].comment_id, None);
    })
    .await;
}

#[tokio::test]
async fn a_removal_logs_the_address_without_its_credentials() {
    each_backend(|store| async move {
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://reader:hunter2@outlet.example/feed?token=abc".into(),
                    ..NewSource::default()
                },
                10,
            )
            .await
            .expect("source");
        assert!(
            store
                .sources()
                .remove_logged(source.id, None, 11)
                .await
                .expect("remove")
        );
        let log = store.moderation().log_entries(10).await.expect("log");
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].action, "source-remove");
        assert!(!log[0].note.contains("hunter2"), "{}", log[0].note);
        assert!(!log[0].note.contains("abc"), "{}", log[0].note);
        assert!(
            log[0].note.starts_with("https://outlet.example/feed"),
            "{}",
            log[0].note
        );
    })
    .await;
}
