//! The replies to an account's comments and its unread count, on every backend: who is told
//! about which reply, the high-water mark, paging, and what deleting the account leaves.

use sqlx::Row;
use tidings_model::{
    AccountState, CommentId, CommentState, CommentTarget, Role, StoryId, User, UserId,
};
use tidings_store::testing::each_backend;
use tidings_store::{NewComment, NewUser, Store};

async fn user(store: &Store, name: &str) -> User {
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

/// A story to comment on, titled `title`.
async fn story(store: &Store, title: &str) -> CommentTarget {
    let mut batch = store.stories().begin().await.expect("batch");
    let id = batch
        .create_story(title, Some("en"), 1_000)
        .await
        .expect("story");
    batch.commit(1_000).await.expect("commit");
    CommentTarget::Story(id)
}

async fn post(
    store: &Store,
    target: CommentTarget,
    author: &User,
    parent: Option<CommentId>,
    text: &str,
    state: CommentState,
) -> CommentId {
    store
        .comments()
        .insert(
            &NewComment {
                target,
                parent_id: parent,
                user_id: author.id,
                body_source: text.into(),
                body_html: format!("<p>{text}</p>"),
                state,
            },
            2_000,
        )
        .await
        .expect("insert comment")
}

async fn listed(store: &Store, user: UserId) -> Vec<CommentId> {
    store
        .replies()
        .list(user, 100, 0)
        .await
        .expect("list")
        .iter()
        .map(|r| r.id)
        .collect()
}

async fn unread(store: &Store, user: UserId) -> i64 {
    store.replies().unread(user).await.expect("unread")
}

#[tokio::test]
async fn a_reply_is_listed_and_counted_until_seen_and_a_later_one_counts_again() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = story(&store, "Flood in the valley").await;
        let mine = post(
            &store,
            page,
            &ana,
            None,
            "The river *rose*.",
            CommentState::Visible,
        )
        .await;
        assert_eq!(unread(&store, ana.id).await, 0);
        assert!(listed(&store, ana.id).await.is_empty());

        let first = post(
            &store,
            page,
            &bob,
            Some(mine),
            "It did.",
            CommentState::Visible,
        )
        .await;
        assert_eq!(unread(&store, ana.id).await, 1);
        assert_eq!(unread(&store, bob.id).await, 0, "bob wrote it");
        let replies = store.replies().list(ana.id, 10, 0).await.expect("list");
        assert_eq!(replies.len(), 1);
        let reply = &replies[0];
        assert_eq!(reply.id, first);
        assert_eq!(reply.target, page);
        assert_eq!(reply.target_title.as_deref(), Some("Flood in the valley"));
        assert_eq!(reply.author, "bob display");
        assert_eq!(reply.body_html, "<p>It did.</p>");
        assert_eq!(reply.created_at, 2_000);
        assert_eq!(reply.parent_id, mine);
        assert_eq!(reply.parent_source, "The river *rose*.");
        assert_eq!(reply.parent_state, CommentState::Visible);

        let before = store.replies().mark_seen(ana.id).await.expect("mark");
        assert_eq!(before, CommentId(0), "nothing was seen before");
        assert_eq!(unread(&store, ana.id).await, 0, "seen");
        assert_eq!(listed(&store, ana.id).await, vec![first], "still listed");
        assert_eq!(store.replies().seen(ana.id).await.expect("seen"), first);

        // A reply to a reply to ana is bob's, not ana's.
        let deeper = post(
            &store,
            page,
            &ana,
            Some(first),
            "Twice.",
            CommentState::Visible,
        )
        .await;
        assert_eq!(unread(&store, bob.id).await, 1);
        assert_eq!(listed(&store, bob.id).await, vec![deeper]);
        assert_eq!(unread(&store, ana.id).await, 0, "ana's own reply");

        let later = post(
            &store,
            page,
            &bob,
            Some(mine),
            "Again.",
            CommentState::Visible,
        )
        .await;
        assert_eq!(unread(&store, ana.id).await, 1, "a later reply counts");
        assert_eq!(
            listed(&store, ana.id).await,
            vec![later, first],
            "newest first"
        );
        assert_eq!(
            store.replies().mark_seen(ana.id).await.expect("mark"),
            first
        );
        assert_eq!(unread(&store, ana.id).await, 0);
    })
    .await;
}

#[tokio::test]
async fn held_hidden_deleted_banned_and_own_replies_are_neither_listed_nor_counted() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let cy = user(&store, "cy").await;
        let page = story(&store, "Dam holds").await;
        let mine = post(&store, page, &ana, None, "Mine.", CommentState::Visible).await;

        let held = post(&store, page, &bob, Some(mine), "held", CommentState::Held).await;
        let hidden = post(
            &store,
            page,
            &bob,
            Some(mine),
            "hidden",
            CommentState::Visible,
        )
        .await;
        store
            .comments()
            .set_state(hidden, CommentState::Hidden)
            .await
            .expect("hide");
        let deleted = post(
            &store,
            page,
            &bob,
            Some(mine),
            "deleted",
            CommentState::Visible,
        )
        .await;
        store
            .comments()
            .set_state(deleted, CommentState::Deleted)
            .await
            .expect("delete");
        let own = post(
            &store,
            page,
            &ana,
            Some(mine),
            "to myself",
            CommentState::Visible,
        )
        .await;
        assert_eq!(listed(&store, bob.id).await, Vec::new(), "not bob's either");
        let by_cy = post(
            &store,
            page,
            &cy,
            Some(mine),
            "from cy",
            CommentState::Visible,
        )
        .await;
        assert_eq!(unread(&store, ana.id).await, 1, "only cy's");
        assert_eq!(listed(&store, ana.id).await, vec![by_cy]);
        store
            .users()
            .set_state(cy.id, AccountState::Banned)
            .await
            .expect("ban");
        assert_eq!(unread(&store, ana.id).await, 0, "cy is banned");
        assert!(listed(&store, ana.id).await.is_empty());
        assert_eq!(
            store.replies().mark_seen(ana.id).await.expect("mark"),
            CommentId(0)
        );
        assert_eq!(
            store.replies().seen(ana.id).await.expect("seen"),
            CommentId(0),
            "nothing shown, so nothing marked"
        );

        // Once a moderator approves the held reply, it shows and counts.
        store
            .comments()
            .set_state(held, CommentState::Visible)
            .await
            .expect("approve");
        assert_eq!(listed(&store, ana.id).await, vec![held]);
        assert_eq!(unread(&store, ana.id).await, 1);
        // An unbanned author's reply comes back, above the mark.
        store.replies().mark_seen(ana.id).await.expect("mark");
        store
            .users()
            .set_state(cy.id, AccountState::Active)
            .await
            .expect("unban");
        assert_eq!(listed(&store, ana.id).await, vec![by_cy, held]);
        assert_eq!(unread(&store, ana.id).await, 1);
        store.replies().mark_seen(ana.id).await.expect("mark");
        // Hiding the newest reply again does not move the mark back down.
        store
            .comments()
            .set_state(by_cy, CommentState::Hidden)
            .await
            .expect("hide");
        store.replies().mark_seen(ana.id).await.expect("mark");
        assert_eq!(store.replies().seen(ana.id).await.expect("seen"), by_cy);
        assert!(!listed(&store, ana.id).await.contains(&own));
    })
    .await;
}

#[tokio::test]
async fn replies_page_newest_first() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = CommentTarget::Story(StoryId(404));
        let mine = post(&store, page, &ana, None, "Mine.", CommentState::Visible).await;
        let mut replies = Vec::new();
        for n in 0..5 {
            replies.push(
                post(
                    &store,
                    page,
                    &bob,
                    Some(mine),
                    &format!("r{n}"),
                    CommentState::Visible,
                )
                .await,
            );
        }
        replies.reverse();
        let page_of = |limit, offset| {
            let store = store.clone();
            async move {
                store
                    .replies()
                    .list(ana.id, limit, offset)
                    .await
                    .expect("list")
                    .iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(page_of(2, 0).await, replies[0..2]);
        assert_eq!(page_of(2, 2).await, replies[2..4]);
        assert_eq!(page_of(2, 4).await, replies[4..5]);
        assert!(page_of(2, 6).await.is_empty());
        assert_eq!(unread(&store, ana.id).await, 5);
        let gone = store.replies().list(ana.id, 1, 0).await.expect("list");
        assert_eq!(gone[0].target_title, None, "the page does not exist");
    })
    .await;
}

#[tokio::test]
async fn deleting_an_account_leaves_no_reply_rows_filed_under_it() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = story(&store, "Storm").await;
        let mine = post(&store, page, &ana, None, "Mine.", CommentState::Visible).await;
        let reply = post(
            &store,
            page,
            &bob,
            Some(mine),
            "Yours.",
            CommentState::Visible,
        )
        .await;
        let bobs = post(&store, page, &bob, None, "Bob's.", CommentState::Visible).await;
        let answer = post(
            &store,
            page,
            &ana,
            Some(bobs),
            "Ana's.",
            CommentState::Visible,
        )
        .await;
        store.replies().mark_seen(ana.id).await.expect("mark");
        assert_eq!(store.replies().seen(ana.id).await.expect("seen"), reply);
        assert_eq!(unread(&store, bob.id).await, 1);

        store.users().delete(ana.id).await.expect("delete ana");
        let filed: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM comments WHERE reply_to_user_id = $1")
                .bind(ana.id.0)
                .fetch_one(store.pool())
                .await
                .expect("count")
                .try_get("n")
                .expect("n");
        assert_eq!(filed, 0, "no reply is filed under the deleted account");
        assert_eq!(
            store.replies().seen(ana.id).await.expect("seen"),
            CommentId(0),
            "its mark is gone"
        );
        assert!(listed(&store, ana.id).await.is_empty());
        assert_eq!(unread(&store, ana.id).await, 0);
        // Ana's reply to bob is deleted with her account: bob is no longer told about it.
        assert_eq!(unread(&store, bob.id).await, 0);
        assert!(listed(&store, bob.id).await.is_empty());
        // The thread keeps its shape.
        let kept = store
            .comments()
            .get(reply)
            .await
            .expect("get")
            .expect("kept");
        assert_eq!(kept.parent_id, Some(mine));
        assert!(store.comments().get(answer).await.expect("get").is_some());
    })
    .await;
}

#[tokio::test]
async fn the_unread_count_reads_the_replies_index_on_sqlite() {
    each_backend(|store| async move {
        // PostgreSQL picks its plan by its statistics; see the README for its plan on
        // 100,000 comments.
        if store.backend() == tidings_store::Backend::Postgres {
            return;
        }
        let plan = tidings_store::testing::unread_replies_plan(&store).await;
        assert!(
            plan.iter().any(|line| {
                line.contains(
                    "SEARCH c USING INDEX comments_replies_to (reply_to_user_id=? AND id>?)",
                )
            }),
            "{plan:?}"
        );
    })
    .await;
}
