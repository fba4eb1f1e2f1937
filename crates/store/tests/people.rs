//! Accounts, sessions, comments and moderation, on every backend.

use tidings_model::{
    AccountState, ArticleId, CommentId, CommentState, CommentTarget, Role, StoryId,
};
use tidings_store::testing::each_backend;
use tidings_store::{NewComment, NewUser, Store, StoreError};

async fn user(store: &Store, name: &str) -> tidings_model::User {
    store
        .users()
        .create(
            &NewUser {
                name: name.into(),
                display_name: format!("{name} display"),
                password_hash: format!("hash-of-{name}"),
                role: Role::Reader,
            },
            100,
        )
        .await
        .expect("create user")
}

fn comment(target: CommentTarget, user: &tidings_model::User, text: &str) -> NewComment {
    NewComment {
        target,
        parent_id: None,
        user_id: user.id,
        body_source: text.into(),
        body_html: format!("<p>{text}</p>"),
        state: CommentState::Visible,
    }
}

#[tokio::test]
async fn accounts_are_unique_without_case_and_keep_their_roles_and_states() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana").await;
        assert_eq!(ana.role, Role::Reader);
        assert_eq!(ana.state, AccountState::Active);
        let again = store
            .users()
            .create(
                &NewUser {
                    name: "ana".into(),
                    display_name: "x".into(),
                    password_hash: "h".into(),
                    role: Role::Admin,
                },
                1,
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::AlreadyExists(_))),
            "{again:?}"
        );
        let creds = store
            .users()
            .credentials("ANA")
            .await
            .expect("read")
            .expect("found");
        assert_eq!(creds.user.id, ana.id);
        assert_eq!(creds.password_hash, "hash-of-Ana");
        store
            .users()
            .set_role(ana.id, Role::Moderator)
            .await
            .expect("role");
        store
            .users()
            .set_state(ana.id, AccountState::Banned)
            .await
            .expect("ban");
        store
            .users()
            .set_trusted(ana.id, true)
            .await
            .expect("trust");
        let ana = store
            .users()
            .get(ana.id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(
            (ana.role, ana.state, ana.trusted),
            (Role::Moderator, AccountState::Banned, true)
        );
        assert_eq!(store.users().list().await.expect("list").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_a_password_change_ends_the_others() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let sessions = store.sessions();
        sessions
            .create("h1", ana.id, "csrf1", 100, 200)
            .await
            .expect("s1");
        sessions
            .create("h2", ana.id, "csrf2", 100, 200)
            .await
            .expect("s2");
        let live = sessions.get("h1", 150).await.expect("get").expect("live");
        assert_eq!(live.user.id, ana.id);
        assert_eq!(live.csrf_token, "csrf1");
        assert!(
            sessions.get("h1", 200).await.expect("get").is_none(),
            "expired"
        );
        assert!(sessions.get("nope", 150).await.expect("get").is_none());
        store
            .users()
            .set_password(ana.id, "new-hash", Some("h1"), 160)
            .await
            .expect("password");
        assert!(
            sessions.get("h1", 170).await.expect("get").is_some(),
            "kept"
        );
        assert!(
            sessions.get("h2", 170).await.expect("get").is_none(),
            "ended"
        );
        assert_eq!(
            store
                .users()
                .password_hash(ana.id)
                .await
                .expect("hash")
                .as_deref(),
            Some("new-hash")
        );
        sessions.delete("h1").await.expect("logout");
        assert!(sessions.get("h1", 170).await.expect("get").is_none());
        assert_eq!(sessions.purge_expired(1_000).await.expect("purge"), 0);
        sessions
            .add_device("d1", ana.id, 100)
            .await
            .expect("device");
        sessions
            .add_device("d1", ana.id, 100)
            .await
            .expect("device twice");
        assert!(sessions.is_known_device("d1", ana.id).await.expect("known"));
        let bob = user(&store, "bob").await;
        assert!(
            !sessions
                .is_known_device("d1", bob.id)
                .await
                .expect("not bob's")
        );
    })
    .await;
}

#[tokio::test]
async fn logging_out_everywhere_else_keeps_only_the_callers_session() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let sessions = store.sessions();
        for (hash, who) in [
            ("a1", ana.id),
            ("a2", ana.id),
            ("a3", ana.id),
            ("b1", bob.id),
        ] {
            sessions
                .create(hash, who, "csrf", 100, 1_000)
                .await
                .expect("session");
        }
        assert_eq!(sessions.count_for_user(ana.id, 150).await.expect("n"), 3);
        assert_eq!(sessions.delete_others(ana.id, "a2").await.expect("end"), 2);
        assert!(
            sessions.get("a2", 150).await.expect("get").is_some(),
            "kept"
        );
        for gone in ["a1", "a3"] {
            assert!(
                sessions.get(gone, 150).await.expect("get").is_none(),
                "{gone}"
            );
        }
        assert!(
            sessions.get("b1", 150).await.expect("get").is_some(),
            "another account's session stays"
        );
        assert_eq!(
            sessions.delete_others(ana.id, "b1").await.expect("end"),
            1,
            "a token of another account keeps none of this one's"
        );
        assert!(sessions.get("b1", 150).await.expect("get").is_some());
    })
    .await;
}

#[tokio::test]
async fn comments_thread_edit_and_count_what_everyone_sees() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = CommentTarget::Article(ArticleId(7));
        let other = CommentTarget::Story(StoryId(7));
        let first = store
            .comments()
            .insert(&comment(page, &ana, "first"), 1_000)
            .await
            .expect("insert");
        let reply = store
            .comments()
            .insert(
                &NewComment {
                    parent_id: Some(first),
                    ..comment(page, &bob, "reply")
                },
                1_001,
            )
            .await
            .expect("reply");
        let elsewhere = store
            .comments()
            .insert(
                &NewComment {
                    parent_id: Some(first),
                    ..comment(other, &bob, "wrong page")
                },
                1_002,
            )
            .await;
        assert!(
            matches!(elsewhere, Err(StoreError::NotFound(_))),
            "{elsewhere:?}"
        );
        let held = store
            .comments()
            .insert(
                &NewComment {
                    state: CommentState::Held,
                    ..comment(page, &bob, "held")
                },
                1_003,
            )
            .await
            .expect("held");
        let all = store.comments().for_target(page).await.expect("list");
        assert_eq!(
            all.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![first, reply, held]
        );
        assert_eq!(all[1].parent_id, Some(first));
        assert_eq!(all[1].author, "bob display");
        assert_eq!(
            store.comments().count_visible(page).await.expect("count"),
            2
        );
        assert_eq!(
            store.comments().count_visible(other).await.expect("count"),
            0
        );
        // The counts of a page of cards, in one call: held comments are not counted, a story
        // and an article with the same id are told apart, and a target without any is absent.
        let story = CommentTarget::Story(StoryId(8));
        store
            .comments()
            .insert(&comment(story, &ana, "on the story"), 1_004)
            .await
            .expect("story comment");
        let quiet = CommentTarget::Article(ArticleId(9));
        let counts = store
            .comments()
            .count_visible_on(&[page, other, story, quiet])
            .await
            .expect("counts");
        assert_eq!(counts.get(&page), Some(&2));
        assert_eq!(counts.get(&story), Some(&1));
        assert_eq!((counts.get(&other), counts.get(&quiet)), (None, None));
        assert_eq!(counts.len(), 2);

        store
            .comments()
            .edit(first, "first, edited", "<p>first, edited</p>", 1_100)
            .await
            .expect("edit");
        let edited = store
            .comments()
            .get(first)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(edited.body_source, "first, edited");
        assert_eq!(edited.edited_at, Some(1_100));

        store
            .comments()
            .set_state(reply, CommentState::Deleted)
            .await
            .expect("delete");
        let deleted = store
            .comments()
            .get(reply)
            .await
            .expect("get")
            .expect("kept");
        assert_eq!(deleted.state, CommentState::Deleted);
        assert_eq!(deleted.body_source, "");
        assert!(store.comments().edit(reply, "x", "x", 1_200).await.is_err());
        let recent = store
            .comments()
            .recent_by_user(bob.id, 1_000, 10)
            .await
            .expect("recent");
        assert_eq!(recent.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn sql_injection_strings_are_stored_literally() {
    each_backend(|store| async move {
        let nasty = "Robert'); DROP TABLE comments;-- \" OR 1=1 --";
        let ana = store
            .users()
            .create(
                &NewUser {
                    name: "x' OR '1'='1".into(),
                    display_name: nasty.into(),
                    password_hash: "h".into(),
                    role: Role::Reader,
                },
                1,
            )
            .await
            .expect("create");
        let page = CommentTarget::Article(ArticleId(1));
        let id = store
            .comments()
            .insert(&comment(page, &ana, nasty), 2)
            .await
            .expect("insert");
        let back = store.comments().get(id).await.expect("get").expect("found");
        assert_eq!(back.body_source, nasty);
        assert_eq!(back.author, nasty);
        assert!(
            store
                .users()
                .credentials("admin' --")
                .await
                .expect("read")
                .is_none()
        );
        assert_eq!(
            store.comments().count().await.expect("table still there"),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn deleting_an_account_keeps_its_comments_in_place_as_deleted() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = CommentTarget::Article(ArticleId(3));
        let first = store
            .comments()
            .insert(&comment(page, &ana, "mine"), 10)
            .await
            .expect("insert");
        store
            .comments()
            .insert(
                &NewComment {
                    parent_id: Some(first),
                    ..comment(page, &bob, "an answer")
                },
                11,
            )
            .await
            .expect("reply");
        store
            .sessions()
            .create("s", ana.id, "c", 10, 1_000)
            .await
            .expect("session");
        store.users().delete(ana.id).await.expect("delete");
        assert!(store.users().delete(ana.id).await.is_err(), "only once");
        let thread = store.comments().for_target(page).await.expect("thread");
        assert_eq!(thread.len(), 2);
        assert_eq!(thread[0].state, CommentState::Deleted);
        assert_eq!(thread[0].body_source, "");
        assert_eq!(thread[0].author, "");
        assert_eq!(thread[1].state, CommentState::Visible);
        assert!(store.sessions().get("s", 20).await.expect("get").is_none());
        assert!(
            store
                .users()
                .credentials("ana")
                .await
                .expect("read")
                .is_none()
        );
        // The name is free again.
        user(&store, "ana").await;
    })
    .await;
}

#[tokio::test]
async fn reports_fill_the_queue_and_moderators_leave_a_log() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = CommentTarget::Story(StoryId(2));
        let c = store
            .comments()
            .insert(&comment(page, &ana, "rude"), 10)
            .await
            .expect("insert");
        let held = store
            .comments()
            .insert(
                &NewComment {
                    state: CommentState::Held,
                    ..comment(page, &bob, "new here")
                },
                11,
            )
            .await
            .expect("insert");
        let m = store.moderation();
        assert!(m.report(c, bob.id, "abuse", 12).await.expect("report"));
        assert!(
            !m.report(c, bob.id, "again", 13)
                .await
                .expect("report twice")
        );
        let queue = m.queue(10).await.expect("queue");
        assert_eq!(
            queue.iter().map(|q| q.comment.id).collect::<Vec<_>>(),
            vec![c, held]
        );
        assert_eq!(queue[0].reasons, vec!["abuse".to_string()]);
        assert_eq!(queue[0].comment.reports, 1);
        store
            .comments()
            .set_state(c, CommentState::Hidden)
            .await
            .expect("hide");
        m.resolve_reports(c, 14).await.expect("resolve");
        m.log(Some(bob.id), "hide", Some(c), Some(ana.id), "abuse", 14)
            .await
            .expect("log");
        m.log(None, "ban", None, Some(ana.id), "", 15)
            .await
            .expect("log");
        let queue = m.queue(10).await.expect("queue");
        assert_eq!(queue.len(), 1, "only the held one is left");
        let hidden = store
            .comments()
            .in_state(CommentState::Hidden, 10)
            .await
            .expect("hidden");
        assert_eq!(hidden.iter().map(|c| c.id).collect::<Vec<_>>(), vec![c]);
        let log = m.log_entries(10).await.expect("log");
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].action, "ban");
        assert_eq!(log[1].action, "hide");
        assert_eq!(log[1].moderator, "bob display");
        assert_eq!(log[1].comment_id, Some(c));
        assert_eq!(log[1].comment_id.map(|c: CommentId| c.0 > 0), Some(true));
    })
    .await;
}

#[tokio::test]
async fn a_name_that_passes_for_anothers_is_refused_by_its_stored_key() {
    each_backend(|store| async move {
        let new = |name: &str, display: &str| NewUser {
            name: name.into(),
            display_name: display.into(),
            password_hash: "x".into(),
            role: Role::Reader,
        };
        let users = store.users();
        let alice = users
            .create(&new("alice", "Alice"), 1)
            .await
            .expect("alice");
        let fake = users.create(&new("carol", "ALlCE"), 2).await;
        assert!(matches!(fake, Err(StoreError::NameTaken(_))), "{fake:?}");
        let carol = users
            .create(&new("carol", "Carol"), 2)
            .await
            .expect("carol");
        let renamed = users.set_display_name(carol.id, "a l i c e").await;
        assert!(
            matches!(renamed, Err(StoreError::NameTaken(_))),
            "{renamed:?}"
        );
        users
            .set_display_name(carol.id, "Carol K.")
            .await
            .expect("own name");
        // A login name may not pass for another's display name either.
        let login = users.create(&new("carolk", "Somebody"), 3).await;
        assert!(matches!(login, Err(StoreError::NameTaken(_))), "{login:?}");

        // Accounts made before the keys were stored have none until the store fills them:
        // without keys nothing is compared, with them the clash is found again.
        sqlx::query("UPDATE users SET login_lookalike = NULL, display_lookalike = NULL")
            .execute(store.pool())
            .await
            .expect("forget the keys");
        let dave = users.create(&new("dave", "Dave"), 4).await.expect("dave");
        assert!(users.set_display_name(dave.id, "Alice").await.is_ok());
        users.set_display_name(dave.id, "Dave").await.expect("back");
        users.fill_lookalike_keys().await.expect("fill");
        let again = users.set_display_name(dave.id, "Alice").await;
        assert!(matches!(again, Err(StoreError::NameTaken(_))), "{again:?}");
        // A deleted account's names pass for nobody's any more.
        users.delete(alice.id).await.expect("delete");
        users
            .set_display_name(dave.id, "Alice")
            .await
            .expect("free again");
    })
    .await;
}
