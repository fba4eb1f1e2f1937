//! What an account's data export reads, on every backend: its own comments in every state,
//! its reports and its read and starred marks, each paged by a keyset that neither skips nor
//! repeats a row at a page boundary (ties in time included), and never another account's;
//! the reports are read from the index by reporter.

use tidings_model::{ArticleId, CommentId, CommentState, CommentTarget, NewArticle, Role, User};
use tidings_store::testing::each_backend;
use tidings_store::{MarkKind, NewComment, NewSource, NewUser, Store};

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

/// Articles titled `slug-0`, `slug-1`, … at one outlet; their ids in that order.
async fn articles(store: &Store, slug: &str, n: usize) -> Vec<ArticleId> {
    let source = store
        .sources()
        .add(
            &NewSource {
                url: format!("https://{slug}.example/feed"),
                name: slug.into(),
                ..NewSource::default()
            },
            1,
        )
        .await
        .expect("source")
        .id;
    let new: Vec<NewArticle> = (0..n)
        .map(|i| NewArticle {
            url: format!("https://{slug}.example/{i}"),
            title: format!("{slug}-{i}"),
            published_at: Some(1_000 + i as i64),
            fetched_at: 1_000,
            body_text: "text".into(),
            body_html: "<p>text</p>".into(),
            ..NewArticle::default()
        })
        .collect();
    store
        .articles()
        .insert_new(source, &new)
        .await
        .expect("insert");
    let listed = store.articles().latest(1_000, 0).await.expect("latest");
    (0..n)
        .map(|i| {
            listed
                .iter()
                .find(|l| l.article.content.title == format!("{slug}-{i}"))
                .expect("inserted")
                .article
                .id
        })
        .collect()
}

async fn post(
    store: &Store,
    target: CommentTarget,
    author: &User,
    parent: Option<CommentId>,
    text: &str,
    at: i64,
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
                state: CommentState::Visible,
            },
            at,
        )
        .await
        .expect("insert comment")
}

#[tokio::test]
async fn an_accounts_comments_come_in_every_state_page_by_page_oldest_first() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let page = CommentTarget::Article(articles(&store, "news", 1).await[0]);
        let mut batch = store.stories().begin().await.expect("batch");
        let story = batch
            .create_story("A story", Some("en"), 1_000)
            .await
            .expect("story");
        batch.commit(1_000).await.expect("commit");
        let on_story = CommentTarget::Story(story);

        // Five at one second (ties broken by id), one earlier, one later; bob's between.
        let mut expected = Vec::new();
        let early = post(&store, page, &ana, None, "early", 1_000).await;
        for n in 0..5 {
            if n == 2 {
                post(&store, page, &bob, None, "bob's", 2_000).await;
            }
            expected.push(post(&store, page, &ana, None, &format!("tie {n}"), 2_000).await);
        }
        let late = post(&store, on_story, &ana, None, "late", 3_000).await;
        let reply = post(&store, page, &ana, Some(expected[0]), "a reply", 2_500).await;
        expected.insert(0, early);
        expected.push(reply);
        expected.push(late);
        store
            .comments()
            .set_state(expected[1], CommentState::Deleted)
            .await
            .expect("delete");
        store
            .comments()
            .set_state(expected[2], CommentState::Hidden)
            .await
            .expect("hide");

        let mut read = Vec::new();
        let mut after = None;
        for pages in 0.. {
            assert!(pages < 20, "paging never ends ({} read)", read.len());
            let got = store
                .comments()
                .by_author(ana.id, after, 2)
                .await
                .expect("page");
            assert!(got.len() <= 2);
            let Some(last) = got.last() else { break };
            after = Some((last.created_at, last.id));
            read.extend(got);
        }
        let ids: Vec<CommentId> = read.iter().map(|c| c.id).collect();
        assert_eq!(ids, expected, "all of hers, oldest first, none twice");
        let deleted = &read[1];
        assert_eq!(deleted.state, CommentState::Deleted);
        assert_eq!(deleted.body_source, "", "a deleted comment keeps no text");
        assert_eq!(read[2].state, CommentState::Hidden);
        assert_eq!(read[2].body_source, "tie 1", "a hidden one keeps its text");
        assert_eq!(read[0].target, page);
        assert_eq!(read[0].target_title.as_deref(), Some("news-0"));
        assert_eq!(read[0].parent_id, None);
        let r = read.iter().find(|c| c.id == reply).expect("the reply");
        assert_eq!(r.parent_id, Some(expected[1]));
        assert_eq!(r.created_at, 2_500);
        let s = read.last().expect("the story's");
        assert_eq!(s.target, on_story);
        assert_eq!(s.target_title.as_deref(), Some("A story"));

        store
            .comments()
            .edit(early, "early, edited", "<p>early, edited</p>", 4_000)
            .await
            .expect("edit");
        let first = store
            .comments()
            .by_author(ana.id, None, 1)
            .await
            .expect("first");
        assert_eq!(first[0].body_source, "early, edited");
        assert_eq!(first[0].edited_at, Some(4_000));
        let bobs = store
            .comments()
            .by_author(bob.id, None, 100)
            .await
            .expect("bob's");
        assert_eq!(bobs.len(), 1);
        assert_eq!(bobs[0].body_source, "bob's");
    })
    .await;
}

#[tokio::test]
async fn an_accounts_reports_and_marks_come_page_by_page_and_only_its_own() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let ids = articles(&store, "wire", 7).await;
        let page = CommentTarget::Article(ids[0]);
        let mut reported = Vec::new();
        for n in 0..5 {
            let c = post(&store, page, &bob, None, &format!("c{n}"), 2_000).await;
            assert!(
                store
                    .moderation()
                    .report(c, ana.id, &format!("reason {n}"), 3_000 + n)
                    .await
                    .expect("report")
            );
            if n % 2 == 0 {
                store
                    .moderation()
                    .report(c, bob.id, "bob's own", 3_000)
                    .await
                    .expect("bob reports");
            }
            reported.push(c);
        }
        let mut got = Vec::new();
        let mut after = 0;
        for pages in 0.. {
            assert!(pages < 20, "paging never ends ({} read)", got.len());
            let page = store
                .moderation()
                .reports_by(ana.id, after, 2)
                .await
                .expect("reports");
            let Some(last) = page.last() else { break };
            after = last.id;
            got.extend(page);
        }
        assert_eq!(
            got.iter().map(|r| r.comment_id).collect::<Vec<_>>(),
            reported
        );
        assert_eq!(got[3].reason, "reason 3");
        assert_eq!(got[3].created_at, 3_003);

        let reading = store.reading();
        reading
            .set_read(ana.id, &ids[0..5], true, 5_000)
            .await
            .expect("read");
        reading
            .set_starred(ana.id, &ids[3..7], true, 6_000)
            .await
            .expect("star");
        reading
            .set_read(ana.id, &ids[1..2], false, 7_000)
            .await
            .expect("unread one");
        reading
            .set_read(bob.id, &ids[5..7], true, 5_000)
            .await
            .expect("bob reads");
        let all = |kind| {
            let reading = store.reading();
            async move {
                let mut got = Vec::new();
                let mut after = ArticleId(0);
                for pages in 0.. {
                    assert!(pages < 20, "paging never ends ({} read)", got.len());
                    let page = reading.marked(ana.id, kind, after, 2).await.expect("marks");
                    let Some(last) = page.last() else { break };
                    after = last.article_id;
                    got.extend(page);
                }
                got
            }
        };
        let read = all(MarkKind::Read).await;
        assert_eq!(
            read.iter().map(|m| m.article_id).collect::<Vec<_>>(),
            vec![ids[0], ids[2], ids[3], ids[4]],
            "an unread article is no longer listed; bob's are not hers"
        );
        assert_eq!(read[1].title, "wire-2");
        assert_eq!(read[1].url, "https://wire.example/2");
        assert_eq!(read[1].at, 5_000);
        let starred = all(MarkKind::Starred).await;
        assert_eq!(
            starred.iter().map(|m| m.article_id).collect::<Vec<_>>(),
            ids[3..7].to_vec()
        );
        assert!(starred.iter().all(|m| m.at == 6_000));
    })
    .await;
}

#[tokio::test]
async fn an_accounts_reports_are_read_from_the_reporters_index_on_sqlite() {
    each_backend(|store| async move {
        // PostgreSQL picks its plan by its statistics, which a test's few rows do not make.
        if store.backend() == tidings_store::Backend::Postgres {
            return;
        }
        let plan = tidings_store::testing::reports_by_plan(&store, 1, 0).await;
        assert!(
            plan.iter().any(|line| {
                line.contains("USING INDEX comment_reports_by_reporter (user_id=? AND id>?)")
            }),
            "{plan:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_log_lines_about_an_account_are_read_from_their_indexes_on_sqlite() {
    each_backend(|store| async move {
        // PostgreSQL picks its plan by its statistics, which a test's few rows do not make.
        if store.backend() == tidings_store::Backend::Postgres {
            return;
        }
        let plan = tidings_store::testing::log_about_plan(&store, 1, 0).await;
        for index in [
            "USING COVERING INDEX moderation_log_by_user (user_id=? AND id>?)",
            "USING COVERING INDEX moderation_log_by_comment (comment_id=? AND id>?)",
        ] {
            assert!(
                plan.iter().any(|line| line.contains(index)),
                "{index}: {plan:?}"
            );
        }
        assert!(
            !plan.iter().any(|line| line.contains("SCAN moderation_log")),
            "{plan:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_accounts_sessions_and_devices_come_page_by_page_without_any_token() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let sessions = store.sessions();
        // Three at the same second (a tie the keyset must cross), one later, one expired,
        // and bob's.
        for (hash, who, at, until) in [
            ("s-c", ana.id, 1_000, 90_000),
            ("s-a", ana.id, 1_000, 90_000),
            ("s-b", ana.id, 1_000, 90_000),
            ("s-d", ana.id, 2_000, 95_000),
            ("s-old", ana.id, 500, 1_500),
            ("s-bob", bob.id, 1_000, 90_000),
        ] {
            sessions
                .create(hash, who, "csrf", at, until)
                .await
                .expect("session");
        }
        let mut got = Vec::new();
        let mut after = None;
        for pages in 0.. {
            assert!(pages < 20, "paging never ends ({} read)", got.len());
            let (page, next) = sessions
                .page_for_user(ana.id, "s-b", 3_000, after.as_ref(), 2)
                .await
                .expect("sessions");
            got.extend(page);
            match next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let seen: Vec<(i64, i64, bool)> = got
            .iter()
            .map(|s| (s.created_at, s.expires_at, s.current))
            .collect();
        assert_eq!(
            seen,
            vec![
                (1_000, 90_000, false),
                (1_000, 90_000, true),
                (1_000, 90_000, false),
                (2_000, 95_000, false),
            ],
            "live ones only, oldest first, the asking one marked, none of bob's"
        );
        let debug = format!("{got:?}");
        assert!(
            !debug.contains("s-") && !debug.contains("csrf"),
            "no token hash or CSRF token leaves the store: {debug}"
        );

        for (hash, who, at) in [
            ("d-2", ana.id, 1_000),
            ("d-1", ana.id, 1_000),
            ("d-3", ana.id, 4_000),
            ("d-bob", bob.id, 1_000),
        ] {
            sessions.add_device(hash, who, at).await.expect("device");
        }
        let mut devices = Vec::new();
        let mut after = None;
        for pages in 0.. {
            assert!(pages < 20, "paging never ends");
            let (page, next) = sessions
                .devices_for_user(ana.id, after.as_ref(), 1)
                .await
                .expect("devices");
            devices.extend(page);
            match next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(devices, vec![1_000, 1_000, 4_000]);
    })
    .await;
}

#[tokio::test]
async fn the_moderation_log_lines_about_an_account_come_page_by_page_and_only_its_own() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let moderator = user(&store, "mod").await;
        let page = CommentTarget::Article(articles(&store, "log", 1).await[0]);
        let anas = post(&store, page, &ana, None, "mine", 2_000).await;
        let bobs = post(&store, page, &bob, None, "his", 2_000).await;
        let m = store.moderation();
        let log = [
            (Some(moderator.id), "hide", Some(anas), None, "spam"),
            (Some(moderator.id), "hide", Some(bobs), None, "bob's"),
            (Some(moderator.id), "ban", None, Some(ana.id), "rude"),
            (None, "password", None, Some(ana.id), ""),
            (
                Some(ana.id),
                "hide",
                Some(bobs),
                None,
                "ana acts as a moderator",
            ),
            (Some(moderator.id), "restore", Some(anas), None, "not spam"),
            (None, "role", None, Some(bob.id), "moderator"),
        ];
        for (i, (who, action, comment, account, note)) in log.into_iter().enumerate() {
            m.log(who, action, comment, account, note, 3_000 + i as i64)
                .await
                .expect("log");
        }
        let mut got = Vec::new();
        let mut after = 0;
        for pages in 0.. {
            assert!(pages < 20, "paging never ends ({} read)", got.len());
            let lines = m.log_about(ana.id, after, 2).await.expect("lines");
            let Some(last) = lines.last() else { break };
            after = last.id;
            got.extend(lines);
        }
        let seen: Vec<(i64, &str, Option<CommentId>, &str, bool)> = got
            .iter()
            .map(|l| {
                (
                    l.at,
                    l.action.as_str(),
                    l.comment_id,
                    l.note.as_str(),
                    l.by_command_line,
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (3_000, "hide", Some(anas), "spam", false),
                (3_002, "ban", None, "rude", false),
                (3_003, "password", None, "", true),
                (3_005, "restore", Some(anas), "not spam", false),
            ]
        );
    })
    .await;
}
