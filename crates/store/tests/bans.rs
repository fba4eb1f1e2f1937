//! Banning an account with its comments and lifting the ban with them, on every backend:
//! which comments a ban hides, which an unban puts back (and in what state), what it leaves
//! alone, the log line, the sessions, the site revision; and a measurement of a ban that
//! hides 10,000 comments.

use tidings_model::{
    AccountState, ArticleId, CommentId, CommentState, CommentTarget, Role, StoryId, User, UserId,
};
use tidings_store::testing::each_backend;
use tidings_store::{BanOutcome, NewComment, NewUser, Store, StoreError};

const ARTICLE: CommentTarget = CommentTarget::Article(ArticleId(7));
const STORY: CommentTarget = CommentTarget::Story(StoryId(3));
const OTHER_ARTICLE: CommentTarget = CommentTarget::Article(ArticleId(9));

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

async fn post(
    store: &Store,
    target: CommentTarget,
    author: &User,
    state: CommentState,
) -> CommentId {
    store
        .comments()
        .insert(
            &NewComment {
                target,
                parent_id: None,
                user_id: author.id,
                body_source: "text".into(),
                body_html: "<p>text</p>".into(),
                state,
            },
            200,
        )
        .await
        .expect("insert comment")
}

async fn state_of(store: &Store, id: CommentId) -> CommentState {
    store
        .comments()
        .get(id)
        .await
        .expect("read")
        .expect("there")
        .state
}

async fn states(store: &Store, ids: &[CommentId]) -> Vec<CommentState> {
    let mut out = Vec::new();
    for &id in ids {
        out.push(state_of(store, id).await);
    }
    out
}

async fn account_state(store: &Store, id: UserId) -> AccountState {
    store
        .users()
        .get(id)
        .await
        .expect("read")
        .expect("there")
        .state
}

/// The latest log line as (action, account, note).
async fn last_log(store: &Store) -> (String, Option<UserId>, String) {
    let entry = store.moderation().log_entries(1).await.expect("log")[0].clone();
    (entry.action, entry.user_id, entry.note)
}

#[tokio::test]
async fn a_ban_hides_the_accounts_visible_and_held_comments_and_the_unban_puts_them_back() {
    use CommentState::{Deleted, Held, Hidden, Visible};
    each_backend(|store| async move {
        let spam = user(&store, "spam").await;
        let ana = user(&store, "ana").await;
        let moderator = user(&store, "mod").await;
        let on_article = post(&store, ARTICLE, &spam, Visible).await;
        let held = post(&store, STORY, &spam, Held).await;
        let on_story = post(&store, STORY, &spam, Visible).await;
        let hid_before = post(&store, OTHER_ARTICLE, &spam, Visible).await;
        store
            .comments()
            .set_state(hid_before, Hidden)
            .await
            .expect("a moderator hides one on its own");
        let deleted = post(&store, ARTICLE, &spam, Visible).await;
        store
            .comments()
            .set_state(deleted, Deleted)
            .await
            .expect("its author deletes one");
        let anas = post(&store, ARTICLE, &ana, Visible).await;
        store
            .sessions()
            .create("token-of-spam", spam.id, "csrf", 300, 10_000)
            .await
            .expect("a session");
        let revision = store.revision().await.expect("revision");

        let outcome = store
            .bans()
            .ban(spam.id, true, Some(moderator.id), "spam", 400)
            .await
            .expect("ban and hide");
        assert_eq!(
            outcome,
            BanOutcome {
                comments: 3,
                targets: vec![ARTICLE, STORY],
            },
            "the visible and held ones, on the pages they are on, each page once"
        );
        let ids = [on_article, held, on_story, hid_before, deleted, anas];
        assert_eq!(
            states(&store, &ids).await,
            vec![Hidden, Hidden, Hidden, Hidden, Deleted, Visible]
        );
        assert_eq!(account_state(&store, spam.id).await, AccountState::Banned);
        assert!(
            store
                .sessions()
                .get("token-of-spam", 300)
                .await
                .expect("read")
                .is_none(),
            "its sessions ended"
        );
        assert_eq!(
            store
                .comments()
                .count_visible(ARTICLE)
                .await
                .expect("count"),
            1,
            "only ana's is left on the article"
        );
        assert_eq!(
            store.comments().count_visible(STORY).await.expect("count"),
            0
        );
        assert!(store.revision().await.expect("revision") > revision);
        assert_eq!(
            last_log(&store).await,
            (
                "ban-hide".into(),
                Some(spam.id),
                "spam (hid 3 comments)".into()
            )
        );
        let banned = store.bans().banned(10).await.expect("banned");
        assert_eq!(banned.len(), 1);
        assert_eq!(banned[0].user.id, spam.id);
        assert_eq!(
            banned[0].hidden_by_ban, 3,
            "the one hidden before is not the ban's"
        );

        let revision = store.revision().await.expect("revision");
        let outcome = store
            .bans()
            .unban(spam.id, true, Some(moderator.id), "", 500)
            .await
            .expect("unban and restore");
        assert_eq!(
            outcome,
            BanOutcome {
                comments: 3,
                targets: vec![ARTICLE, STORY],
            }
        );
        assert_eq!(
            states(&store, &ids).await,
            vec![Visible, Held, Visible, Hidden, Deleted, Visible],
            "each as it was: the held one back in the queue, the one hidden on its own and \
             the deleted one left alone"
        );
        assert_eq!(account_state(&store, spam.id).await, AccountState::Active);
        assert!(store.revision().await.expect("revision") > revision);
        assert_eq!(
            last_log(&store).await,
            (
                "unban-restore".into(),
                Some(spam.id),
                "restored 3 comments".into()
            )
        );
        assert!(store.bans().banned(10).await.expect("banned").is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_comment_a_moderator_acted_on_after_the_ban_is_no_longer_the_bans_to_restore() {
    use CommentState::{Hidden, Visible};
    each_backend(|store| async move {
        let spam = user(&store, "spam").await;
        let hidden_again = post(&store, ARTICLE, &spam, Visible).await;
        let restored_then_hidden = post(&store, ARTICLE, &spam, Visible).await;
        let left = post(&store, STORY, &spam, Visible).await;
        store
            .bans()
            .ban(spam.id, true, None, "", 400)
            .await
            .expect("ban and hide");
        let comments = store.comments();
        comments
            .set_state(hidden_again, Hidden)
            .await
            .expect("a moderator hides it on its own");
        comments
            .set_state(restored_then_hidden, Visible)
            .await
            .expect("restores it");
        comments
            .set_state(restored_then_hidden, Hidden)
            .await
            .expect("and hides it again");
        let outcome = store
            .bans()
            .unban(spam.id, true, None, "", 500)
            .await
            .expect("unban and restore");
        assert_eq!(outcome.comments, 1);
        assert_eq!(outcome.targets, vec![STORY]);
        assert_eq!(
            states(&store, &[hidden_again, restored_then_hidden, left]).await,
            vec![Hidden, Hidden, Visible]
        );
    })
    .await;
}

#[tokio::test]
async fn a_plain_ban_hides_nothing_and_a_plain_unban_keeps_what_a_ban_hid() {
    use CommentState::{Hidden, Visible};
    each_backend(|store| async move {
        let spam = user(&store, "spam").await;
        let visible = post(&store, ARTICLE, &spam, Visible).await;
        let revision = store.revision().await.expect("revision");
        let outcome = store
            .bans()
            .ban(spam.id, false, None, "rude", 400)
            .await
            .expect("plain ban");
        assert_eq!(outcome, BanOutcome::default());
        assert_eq!(state_of(&store, visible).await, Visible);
        assert_eq!(account_state(&store, spam.id).await, AccountState::Banned);
        assert_eq!(
            store.revision().await.expect("revision"),
            revision,
            "no page changed"
        );
        assert_eq!(
            last_log(&store).await,
            ("ban".into(), Some(spam.id), "rude".into())
        );
        let outcome = store
            .bans()
            .unban(spam.id, true, None, "", 500)
            .await
            .expect("unban and restore after a plain ban");
        assert_eq!(outcome, BanOutcome::default(), "nothing to restore");
        assert_eq!(state_of(&store, visible).await, Visible);
        assert_eq!(
            last_log(&store).await,
            (
                "unban-restore".into(),
                Some(spam.id),
                "restored 0 comments".into()
            )
        );

        // Ban and hide, lift the ban without the comments: they stay hidden, and a later
        // ban and unban with its comments does not bring them back.
        store
            .bans()
            .ban(spam.id, true, None, "", 600)
            .await
            .expect("ban and hide");
        store
            .bans()
            .unban(spam.id, false, None, "", 700)
            .await
            .expect("plain unban");
        assert_eq!(state_of(&store, visible).await, Hidden);
        assert_eq!(account_state(&store, spam.id).await, AccountState::Active);
        assert_eq!(last_log(&store).await.0, "unban");
        store
            .bans()
            .ban(spam.id, true, None, "", 800)
            .await
            .expect("ban and hide again");
        let outcome = store
            .bans()
            .unban(spam.id, true, None, "", 900)
            .await
            .expect("unban and restore");
        assert_eq!(outcome.comments, 0);
        assert_eq!(state_of(&store, visible).await, Hidden);
    })
    .await;
}

#[tokio::test]
async fn a_banned_account_cannot_comment_even_past_the_sites_check() {
    each_backend(|store| async move {
        let spam = user(&store, "spam").await;
        post(&store, ARTICLE, &spam, CommentState::Visible).await;
        store
            .bans()
            .ban(spam.id, true, None, "", 300)
            .await
            .expect("ban and hide");
        // A request that passed the site's session check just before the ban.
        let late = store
            .comments()
            .insert(
                &NewComment {
                    target: ARTICLE,
                    parent_id: None,
                    user_id: spam.id,
                    body_source: "more".into(),
                    body_html: "<p>more</p>".into(),
                    state: CommentState::Visible,
                },
                301,
            )
            .await;
        assert!(matches!(late, Err(StoreError::NotFound(_))), "{late:?}");
        assert_eq!(
            store
                .comments()
                .count_visible(ARTICLE)
                .await
                .expect("count"),
            0,
            "nothing of the account shows"
        );
        assert_eq!(store.comments().count().await.expect("count"), 1);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_or_missing_account_is_not_found() {
    each_backend(|store| async move {
        let gone = user(&store, "gone").await;
        post(&store, ARTICLE, &gone, CommentState::Visible).await;
        store.users().delete(gone.id).await.expect("delete");
        for id in [gone.id, UserId(999)] {
            assert!(matches!(
                store.bans().ban(id, true, None, "", 1).await,
                Err(StoreError::NotFound(_))
            ));
            assert!(matches!(
                store.bans().unban(id, true, None, "", 1).await,
                Err(StoreError::NotFound(_))
            ));
        }
        assert!(
            store
                .moderation()
                .log_entries(10)
                .await
                .expect("log")
                .is_empty(),
            "nothing logged"
        );
    })
    .await;
}

/// The measurement (`cargo test --release -p tidings-store --test bans -- --ignored
/// --nocapture`): 100,000 comments by 1,000 accounts, 10,000 of them (500 held) by one
/// account, on 2,000 pages; bans that account with its comments, then lifts the ban with
/// them, five times, and prints how long each took on each backend.
#[tokio::test]
#[ignore = "a measurement: about half a minute"]
async fn ban_hiding_10k_comments() {
    each_backend(|store| async move {
        const USERS: i64 = 1_000;
        const COMMENTS: i64 = 100_000;
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
        // Every tenth comment is account 1's; a twentieth of its comments are held.
        let mut rows = Vec::new();
        for id in 1..=COMMENTS {
            let author = if id % 10 == 0 {
                1
            } else {
                2 + id % (USERS - 1)
            };
            let state = if id % 200 == 0 { "held" } else { "visible" };
            let kind = if (id / 10) % 2 == 0 {
                "article"
            } else {
                "story"
            };
            let target = (id / 20) % 1_000;
            rows.push(format!(
                "({id}, '{kind}', {target}, {author}, 'text', '<p>text</p>', '{state}', {id})"
            ));
            if rows.len() == 1_000 {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO comments (id, target_kind, target_id, user_id, body_source, \
                     body_html, state, created_at) VALUES {}",
                    rows.join(", ")
                )))
                .execute(&mut *tx)
                .await
                .expect("comments");
                rows.clear();
            }
        }
        tx.commit().await.expect("commit");
        let settle = match store.backend() {
            tidings_store::Backend::Sqlite => "ANALYZE",
            tidings_store::Backend::Postgres => "VACUUM ANALYZE",
        };
        sqlx::query(settle)
            .execute(store.pool())
            .await
            .expect("analyze");

        // Five rounds: the first pays for opening connections and preparing statements.
        for round in 1..=5 {
            let start = std::time::Instant::now();
            let hidden = store
                .bans()
                .ban(UserId(1), true, None, "spam", round)
                .await
                .expect("ban and hide");
            let ban_took = start.elapsed();
            assert_eq!(hidden.comments, 10_000);
            let start = std::time::Instant::now();
            let restored = store
                .bans()
                .unban(UserId(1), true, None, "", round)
                .await
                .expect("unban and restore");
            let unban_took = start.elapsed();
            assert_eq!(restored.comments, 10_000);
            assert_eq!(restored.targets, hidden.targets);
            println!(
                "{:?} round {round}: ban hiding {} comments on {} pages: {ban_took:.1?}; \
                 unban restoring them: {unban_took:.1?}",
                store.backend(),
                hidden.comments,
                hidden.targets.len(),
            );
        }
    })
    .await;
}
