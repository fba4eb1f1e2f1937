//! The replies to an account's comments and its unread count, on every backend: who is told
//! about which reply, the seen mark (by when a reply became readable, so a late approval is
//! new), paging, and what deleting the account leaves.

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

/// Marks seen every reply shown to `user` now, as "Mark all as seen" on a page rendered now
/// does; whether the mark moved.
async fn mark_all_seen(store: &Store, user: UserId) -> bool {
    let up_to = store.replies().newest_shown(user).await.expect("newest");
    store.replies().mark_seen(user, up_to).await.expect("mark")
}

async fn newest_seen(store: &Store, user: UserId) -> Option<CommentId> {
    store.replies().newest_seen(user).await.expect("seen")
}

/// The replies listed to `user` that are unseen.
async fn unseen(store: &Store, user: UserId) -> Vec<CommentId> {
    store
        .replies()
        .list(user, 100, 0)
        .await
        .expect("list")
        .iter()
        .filter(|r| r.unseen)
        .map(|r| r.id)
        .collect()
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

        assert!(reply.unseen);
        assert_eq!(
            newest_seen(&store, ana.id).await,
            None,
            "nothing seen before"
        );
        assert!(mark_all_seen(&store, ana.id).await);
        assert_eq!(unread(&store, ana.id).await, 0, "seen");
        assert_eq!(listed(&store, ana.id).await, vec![first], "still listed");
        assert!(unseen(&store, ana.id).await.is_empty());
        assert_eq!(newest_seen(&store, ana.id).await, Some(first));

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
        assert_eq!(unseen(&store, ana.id).await, vec![later]);
        assert_eq!(newest_seen(&store, ana.id).await, Some(first));
        assert!(mark_all_seen(&store, ana.id).await);
        assert_eq!(unread(&store, ana.id).await, 0);
        assert!(!mark_all_seen(&store, ana.id).await, "nothing more to mark");
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
        assert!(
            !mark_all_seen(&store, ana.id).await,
            "nothing shown, so nothing marked"
        );
        assert_eq!(newest_seen(&store, ana.id).await, None);

        // Once a moderator approves the held reply, it shows and counts.
        store
            .comments()
            .set_state(held, CommentState::Visible)
            .await
            .expect("approve");
        assert_eq!(listed(&store, ana.id).await, vec![held]);
        assert_eq!(unread(&store, ana.id).await, 1);
        assert!(mark_all_seen(&store, ana.id).await);
        // An unbanned author's reply comes back in its place: it became readable before the
        // held one was approved, so ana's mark, set after that approval, covers it.
        store
            .users()
            .set_state(cy.id, AccountState::Active)
            .await
            .expect("unban");
        assert_eq!(listed(&store, ana.id).await, vec![held, by_cy]);
        assert_eq!(unread(&store, ana.id).await, 0);
        // Hiding the newest reply does not move the mark back down.
        store
            .comments()
            .set_state(held, CommentState::Hidden)
            .await
            .expect("hide");
        assert!(!mark_all_seen(&store, ana.id).await);
        assert_eq!(newest_seen(&store, ana.id).await, Some(by_cy));
        assert_eq!(unread(&store, ana.id).await, 0, "by_cy stays seen");
        // Restored, it keeps its first revision, which the mark still covers.
        store
            .comments()
            .set_state(held, CommentState::Visible)
            .await
            .expect("restore");
        assert_eq!(unread(&store, ana.id).await, 0, "seen before it was hidden");
        assert_eq!(newest_seen(&store, ana.id).await, Some(held));
        assert!(!listed(&store, ana.id).await.contains(&own));
    })
    .await;
}

#[tokio::test]
async fn a_held_reply_approved_after_newer_ones_were_seen_is_new_and_listed_first() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = story(&store, "Bridge closed").await;
        let mine = post(&store, page, &ana, None, "Mine.", CommentState::Visible).await;
        let held = post(&store, page, &bob, Some(mine), "held", CommentState::Held).await;
        let newer = post(
            &store,
            page,
            &bob,
            Some(mine),
            "newer",
            CommentState::Visible,
        )
        .await;
        assert!(held < newer, "written first");
        assert_eq!(unread(&store, ana.id).await, 1);
        assert!(mark_all_seen(&store, ana.id).await);
        assert_eq!(unread(&store, ana.id).await, 0);

        store
            .comments()
            .set_state(held, CommentState::Visible)
            .await
            .expect("approve");
        assert_eq!(
            unread(&store, ana.id).await,
            1,
            "approved after ana looked: new to her"
        );
        assert_eq!(unseen(&store, ana.id).await, vec![held]);
        assert_eq!(
            listed(&store, ana.id).await,
            vec![held, newer],
            "by when each became readable"
        );
        assert_eq!(newest_seen(&store, ana.id).await, Some(newer));
        assert!(mark_all_seen(&store, ana.id).await);
        assert_eq!(unread(&store, ana.id).await, 0);
        assert_eq!(newest_seen(&store, ana.id).await, Some(held));

        // A mark passed from a page rendered before a reply came stops short of it.
        let shown_then = store.replies().newest_shown(ana.id).await.expect("newest");
        let late = post(
            &store,
            page,
            &bob,
            Some(mine),
            "while reading",
            CommentState::Visible,
        )
        .await;
        assert!(
            !store
                .replies()
                .mark_seen(ana.id, shown_then)
                .await
                .expect("mark"),
            "nothing new was on that page"
        );
        assert_eq!(unseen(&store, ana.id).await, vec![late]);
        // Nor can a mark run ahead of what is shown.
        assert!(
            store
                .replies()
                .mark_seen(ana.id, i64::MAX)
                .await
                .expect("mark")
        );
        let another = post(
            &store,
            page,
            &bob,
            Some(mine),
            "after that",
            CommentState::Visible,
        )
        .await;
        assert_eq!(unseen(&store, ana.id).await, vec![another]);
        assert_eq!(unread(&store, ana.id).await, 1);
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
async fn the_unread_count_stops_at_the_cap() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = CommentTarget::Story(StoryId(1));
        let mine = post(&store, page, &ana, None, "Mine.", CommentState::Visible).await;
        let cap = tidings_store::UNREAD_CAP;
        for n in 0..cap - 1 {
            post(
                &store,
                page,
                &bob,
                Some(mine),
                &format!("r{n}"),
                CommentState::Visible,
            )
            .await;
        }
        assert_eq!(unread(&store, ana.id).await, cap - 1, "exact below the cap");
        for n in 0..3 {
            post(
                &store,
                page,
                &bob,
                Some(mine),
                &format!("s{n}"),
                CommentState::Visible,
            )
            .await;
        }
        assert_eq!(unread(&store, ana.id).await, cap, "counted to the cap");
        let all = store.replies().list(ana.id, 500, 0).await.expect("list");
        assert_eq!(all.len() as i64, cap + 2, "all listed");
        mark_all_seen(&store, ana.id).await;
        assert_eq!(unread(&store, ana.id).await, 0);
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
        mark_all_seen(&store, ana.id).await;
        assert_eq!(newest_seen(&store, ana.id).await, Some(reply));
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
        let mark: i64 = sqlx::query("SELECT replies_seen_revision FROM users WHERE id = $1")
            .bind(ana.id.0)
            .fetch_one(store.pool())
            .await
            .expect("mark")
            .try_get("replies_seen_revision")
            .expect("mark");
        assert_eq!(mark, 0, "its mark is gone");
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
        let plan = tidings_store::testing::unread_replies_plan(&store, 1).await;
        assert!(
            plan.iter().any(|line| {
                line.contains(
                    "SEARCH c USING INDEX comments_replies_shown \
                     (reply_to_user_id=? AND shown_revision>?)",
                )
            }),
            "{plan:?}"
        );
    })
    .await;
}

/// The unread count over 100,000 comments on each backend (run with `cargo test --release -p
/// tidings-store --test replies -- --ignored --nocapture`): 1,000 accounts, 40,000 top-level
/// comments and 60,000 replies to random earlier comments, one account ("heavy") the author
/// of a tenth of all top-level comments. Prints each backend's plan and the time per count
/// for a reader with nothing unread, one with a few, and the heavy one with thousands
/// unread (counted to the cap).
#[tokio::test]
#[ignore = "a measurement: about a minute"]
async fn unread_count_over_100k_comments() {
    each_backend(|store| async move {
        const USERS: i64 = 1_000;
        const COMMENTS: i64 = 100_000;
        let mut seed: u64 = 42;
        let mut next = move |n: i64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) % n as u64) as i64
        };
        let mut tx = store.pool().begin().await.expect("begin");
        for chunk in (1..=USERS).collect::<Vec<_>>().chunks(500) {
            let values: Vec<String> = chunk
                .iter()
                .map(|id| {
                    format!("({id}, 'u{id}', 'u{id}', 'User {id}', 'h', 'reader', 'active', 0, 0)")
                })
                .collect();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO users (id, name, name_key, display_name, password_hash, role, \
                 state, created_at, password_changed_at) VALUES {}",
                values.join(", ")
            )))
            .execute(&mut *tx)
            .await
            .expect("users");
        }
        // Comment ids from 1; authors[id] is the author of comment id.
        let mut authors: Vec<i64> = vec![0];
        let mut rows = Vec::new();
        for id in 1..=COMMENTS {
            let author = if next(10) == 0 {
                1
            } else {
                2 + next(USERS - 1)
            };
            let parent = (id > 1000 && next(10) < 6).then(|| 1 + next(id - 1));
            let state = match next(50) {
                0 => "hidden",
                1 => "deleted",
                _ => "visible",
            };
            let (parent_sql, to_sql) = match parent {
                Some(p) => (p.to_string(), authors[p as usize].to_string()),
                None => ("NULL".into(), "NULL".into()),
            };
            let author = if parent.is_none() && next(4) == 0 {
                1
            } else {
                author
            };
            authors.push(author);
            rows.push(format!(
                "({id}, 'story', {}, {parent_sql}, {author}, 'text', '<p>text</p>', '{state}', \
                 {id}, {to_sql}, {id})",
                1 + id / 100
            ));
            if rows.len() == 1_000 {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO comments (id, target_kind, target_id, parent_id, user_id, \
                     body_source, body_html, state, created_at, reply_to_user_id, \
                     shown_revision) VALUES {}",
                    rows.join(", ")
                )))
                .execute(&mut *tx)
                .await
                .expect("comments");
                rows.clear();
            }
        }
        tx.commit().await.expect("commit");
        // A settled table, as autovacuum leaves one (PostgreSQL: hint bits and visibility
        // map set; both: statistics).
        let settle = match store.backend() {
            tidings_store::Backend::Sqlite => "ANALYZE",
            tidings_store::Backend::Postgres => "VACUUM ANALYZE",
        };
        sqlx::query(settle)
            .execute(store.pool())
            .await
            .expect("analyze");
        let replies = store.replies();
        // Reader 1 ("heavy") has seen nothing; reader 2 saw all but the last ~2,000 comments;
        // reader 3 has seen everything.
        sqlx::query("UPDATE users SET replies_seen_revision = 98000 WHERE id = 2")
            .execute(store.pool())
            .await
            .expect("mark 2");
        let newest = replies.newest_shown(UserId(3)).await.expect("newest");
        replies.mark_seen(UserId(3), newest).await.expect("mark 3");
        for (who, user) in [
            ("heavy, nothing seen", 1),
            ("a few unread", 2),
            ("all seen", 3),
        ] {
            println!("{:?}, {who}: plan of the unread count:", store.backend());
            for line in tidings_store::testing::unread_replies_plan(&store, user).await {
                println!("    {line}");
            }
            let n = replies.unread(UserId(user)).await.expect("count");
            // Warm up first: the pool opens its connections (a PostgreSQL connection takes
            // about 100 ms to start here) and each prepares the statement.
            for _ in 0..20 {
                replies.unread(UserId(user)).await.expect("count");
            }
            let mut times = Vec::new();
            for _ in 0..200 {
                let start = std::time::Instant::now();
                let again = replies.unread(UserId(user)).await.expect("count");
                times.push(start.elapsed());
                assert_eq!(again, n);
            }
            times.sort();
            println!(
                "    {who}: {n} unread; median {:?}, p99 {:?} per count",
                times[times.len() / 2],
                times[times.len() * 99 / 100]
            );
        }
    })
    .await;
}
