//! Personal reading on every backend: folders, subscriptions, follows (stories among them),
//! read and starred marks, copies folded into one item, story-wide marks, API keys, account
//! isolation, and subscription imports as one transaction.

use sqlx::Row;
use tidings_model::{ArticleId, NewArticle, Role, SourceId, StoryId, User};
use tidings_store::testing::each_backend;
use tidings_store::{
    Backend, Exclusions, Follow, FollowKind, ImportedFeed, ItemOrder, ItemQuery, ItemScope,
    NewSource, NewUser, Placement, Store,
};

async fn user(store: &Store, name: &str) -> User {
    store
        .users()
        .create(
            &NewUser {
                name: name.into(),
                display_name: name.into(),
                password_hash: "h".into(),
                role: Role::Reader,
            },
            1,
        )
        .await
        .expect("create user")
}

async fn source(store: &Store, name: &str) -> SourceId {
    store
        .sources()
        .add(
            &NewSource {
                url: format!("https://{name}.example/feed"),
                name: name.into(),
                ..NewSource::default()
            },
            1,
        )
        .await
        .expect("source")
        .id
}

async fn article(store: &Store, source: SourceId, slug: &str, at: i64) -> ArticleId {
    store
        .articles()
        .insert_new(
            source,
            &[NewArticle {
                url: format!("https://x.example/{slug}"),
                title: slug.into(),
                published_at: Some(at),
                fetched_at: at,
                body_text: "text".into(),
                body_html: "<p>text</p>".into(),
                ..NewArticle::default()
            }],
        )
        .await
        .expect("insert");
    let latest = store.articles().latest(100, 0).await.expect("latest");
    latest
        .iter()
        .find(|l| l.article.content.title == slug)
        .expect("inserted article")
        .article
        .id
}

/// Three outlets; `wire` at A is copied at B (`copy_b`) and C (`copy_c`); `own` is A's own
/// article in the same story; `other` is B's in another story.
struct World {
    a: SourceId,
    b: SourceId,
    c: SourceId,
    wire: ArticleId,
    copy_b: ArticleId,
    copy_c: ArticleId,
    own: ArticleId,
    other: ArticleId,
    story: StoryId,
    second: StoryId,
}

async fn world(store: &Store) -> World {
    let (a, b, c) = (
        source(store, "a").await,
        source(store, "b").await,
        source(store, "c").await,
    );
    let wire = article(store, a, "wire", 100).await;
    let copy_b = article(store, b, "copy-b", 110).await;
    let copy_c = article(store, c, "copy-c", 120).await;
    let own = article(store, a, "own", 130).await;
    let other = article(store, b, "other", 140).await;
    let mut batch = store.stories().begin().await.expect("batch");
    let story = batch.create_story("S", None, 1).await.expect("story");
    let second = batch.create_story("T", None, 1).await.expect("story");
    for (article, story, duplicate_of) in [
        (wire, story, None),
        (copy_b, story, Some(wire)),
        (copy_c, story, Some(wire)),
        (own, story, None),
        (other, second, None),
    ] {
        batch
            .place(&Placement {
                article,
                story,
                duplicate_of,
                related: Vec::new(),
            })
            .await
            .expect("place");
    }
    batch.commit(1).await.expect("commit");
    World {
        a,
        b,
        c,
        wire,
        copy_b,
        copy_c,
        own,
        other,
        story,
        second,
    }
}

fn ids(items: &[tidings_store::Item]) -> Vec<ArticleId> {
    items.iter().map(|i| i.listing.article.id).collect()
}

#[tokio::test]
async fn copies_fold_into_one_item_and_marks_reach_every_copy() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let reading = store.reading();
        let folder = reading
            .folder_named(ana.id, "News", 5)
            .await
            .expect("folder");
        assert_eq!(
            reading
                .folder_named(ana.id, "News", 6)
                .await
                .expect("again"),
            folder,
            "one folder per name"
        );
        reading
            .subscribe(ana.id, w.b, folder.id, 5)
            .await
            .expect("sub b");
        reading
            .subscribe(ana.id, w.c, folder.id, 5)
            .await
            .expect("sub c");
        let all = ItemQuery::default();
        let items = reading.items(ana.id, &all).await.expect("items");
        assert_eq!(
            ids(&items),
            vec![w.other, w.copy_b],
            "the two copies of the wire story are one item, the lower id"
        );
        assert_eq!(reading.count(ana.id, &all).await.expect("count"), 2);

        // Subscribing to the original's outlet makes the original the item.
        reading
            .subscribe(ana.id, w.a, folder.id, 5)
            .await
            .expect("sub a");
        let items = reading.items(ana.id, &all).await.expect("items");
        assert_eq!(ids(&items), vec![w.other, w.own, w.wire]);

        // Reading one copy reads them all, whichever outlet it came from.
        let changed = reading
            .set_read(ana.id, &[w.copy_c], true, 50)
            .await
            .expect("read");
        assert_eq!(changed, 3, "original and both copies");
        let unread = ItemQuery {
            read: Some(false),
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &unread).await.expect("unread")),
            vec![w.other, w.own]
        );
        let by_id = reading
            .items_by_id(ana.id, &[w.copy_b, w.own])
            .await
            .expect("by id");
        assert_eq!(ids(&by_id), vec![w.copy_b, w.own], "asked order");
        assert_eq!(by_id[0].read_at, Some(50));
        assert_eq!(by_id[1].read_at, None);

        // Unread again, everywhere.
        reading
            .set_read(ana.id, &[w.wire], false, 60)
            .await
            .expect("unread");
        assert_eq!(reading.count(ana.id, &unread).await.expect("count"), 3);

        // Stars fold the same way and list without a subscription.
        reading
            .set_starred(ana.id, &[w.copy_b], true, 70)
            .await
            .expect("star");
        let starred = ItemQuery {
            scope: Some(ItemScope::Starred),
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &starred).await.expect("starred")),
            vec![w.wire]
        );

        // A source's unread count is the length of its own unread list, where copies fold
        // within the source only: B's and C's copies of A's wire story count at B and C
        // too, as each is listed there, while the reading list folds them into one item.
        let counts = reading.unread_by_source(ana.id).await.expect("counts");
        assert_eq!(counts, vec![(w.a, 2), (w.b, 2), (w.c, 1)]);
        for (source, n) in &counts {
            let listed = ItemQuery {
                scope: Some(ItemScope::Source(*source)),
                read: Some(false),
                ..ItemQuery::default()
            };
            assert_eq!(
                reading.items(ana.id, &listed).await.expect("list").len() as i64,
                *n,
                "the count of {source:?} is its list's length"
            );
        }
        assert_eq!(reading.count(ana.id, &unread).await.expect("all"), 3);
        let _ = w.copy_c;
    })
    .await;
}

#[tokio::test]
async fn marking_a_story_read_reads_every_article_and_copy() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let reading = store.reading();
        let folder = reading
            .folder_named(ana.id, "All", 5)
            .await
            .expect("folder");
        for s in [w.a, w.b, w.c] {
            reading
                .subscribe(ana.id, s, folder.id, 5)
                .await
                .expect("sub");
        }
        let changed = reading
            .mark_story_read(ana.id, w.story, 9)
            .await
            .expect("story read");
        assert_eq!(changed, 4, "wire, both copies and the own article");
        let unread = ItemQuery {
            read: Some(false),
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &unread).await.expect("unread")),
            vec![w.other]
        );
        let story = ItemQuery {
            scope: Some(ItemScope::Story(w.story)),
            order: ItemOrder::OldestFirst,
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &story).await.expect("story")),
            vec![w.wire, w.own],
            "a story's stream folds its copies too"
        );
        let done = reading
            .mark_all_read(ana.id, ItemScope::Source(w.b), None, 10)
            .await
            .expect("all read");
        assert_eq!(done, 1);
        assert_eq!(reading.count(ana.id, &unread).await.expect("count"), 0);
        let _ = (w.copy_b, w.copy_c);
    })
    .await;
}

#[tokio::test]
async fn pages_follow_their_cursor_and_filters() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let reading = store.reading();
        let folder = reading
            .folder_named(ana.id, "All", 5)
            .await
            .expect("folder");
        for s in [w.a, w.b, w.c] {
            reading
                .subscribe(ana.id, s, folder.id, 5)
                .await
                .expect("sub");
        }
        let first = ItemQuery {
            limit: 2,
            ..ItemQuery::default()
        };
        let page = reading.items(ana.id, &first).await.expect("page 1");
        assert_eq!(ids(&page), vec![w.other, w.own]);
        let last = &page[1];
        let next = ItemQuery {
            limit: 2,
            after_key: Some((last.sort_at, last.listing.article.id.0)),
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &next).await.expect("page 2")),
            vec![w.wire]
        );
        let by_id = ItemQuery {
            after_id: Some(w.wire.0),
            order: ItemOrder::IdAscending,
            limit: 50,
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &by_id).await.expect("since id")),
            vec![w.own, w.other]
        );
        let offset = ItemQuery {
            limit: 1,
            offset: 1,
            order: ItemOrder::OldestFirst,
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &offset).await.expect("offset")),
            vec![w.own]
        );
        let folder_scope = ItemQuery {
            scope: Some(ItemScope::Folder(folder.id)),
            since: Some(130),
            ..ItemQuery::default()
        };
        assert_eq!(
            ids(&reading.items(ana.id, &folder_scope).await.expect("folder")),
            vec![w.other, w.own]
        );
    })
    .await;
}

#[tokio::test]
async fn one_account_never_sees_or_changes_anothers_state() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let reading = store.reading();
        let ana_folder = reading
            .folder_named(ana.id, "Mine", 5)
            .await
            .expect("folder");
        reading
            .subscribe(ana.id, w.a, ana_folder.id, 5)
            .await
            .expect("sub");
        reading
            .set_read(ana.id, &[w.own], true, 5)
            .await
            .expect("read");
        reading
            .set_starred(ana.id, &[w.wire], true, 5)
            .await
            .expect("star");

        assert!(reading.folders(bob.id).await.expect("folders").is_empty());
        assert!(
            reading
                .subscriptions(bob.id)
                .await
                .expect("subs")
                .is_empty()
        );
        assert!(
            reading
                .items(bob.id, &ItemQuery::default())
                .await
                .expect("items")
                .is_empty(),
            "bob subscribes to nothing"
        );
        let starred = ItemQuery {
            scope: Some(ItemScope::Starred),
            ..ItemQuery::default()
        };
        assert!(
            reading
                .items(bob.id, &starred)
                .await
                .expect("stars")
                .is_empty()
        );
        let seen = reading.items_by_id(bob.id, &[w.own]).await.expect("by id");
        assert_eq!(seen[0].read_at, None, "ana's read mark is hers");
        assert!(
            reading
                .subscribe(bob.id, w.a, ana_folder.id, 5)
                .await
                .is_err(),
            "bob cannot file into ana's folder"
        );
        assert!(
            reading
                .rename_folder(bob.id, ana_folder.id, "x")
                .await
                .is_err(),
            "nor rename it"
        );
        assert!(
            !reading
                .delete_folder(bob.id, ana_folder.id)
                .await
                .expect("delete")
        );
        reading
            .set_read(bob.id, &[w.own], false, 6)
            .await
            .expect("bob unread");
        let ana_view = reading.items_by_id(ana.id, &[w.own]).await.expect("by id");
        assert_eq!(
            ana_view[0].read_at,
            Some(5),
            "bob's mark does not touch ana's"
        );

        // Follows of sections, entities and searches.
        let follow = Follow {
            kind: FollowKind::Entity,
            target: "berlin".into(),
        };
        reading.follow(ana.id, &follow, 5).await.expect("follow");
        reading
            .follow(ana.id, &follow, 6)
            .await
            .expect("follow again");
        assert_eq!(
            reading.follows(ana.id).await.expect("follows"),
            vec![follow.clone()]
        );
        assert!(reading.follows(bob.id).await.expect("follows").is_empty());
        assert!(
            !reading
                .unfollow(bob.id, &follow)
                .await
                .expect("bob unfollow")
        );
        assert!(reading.unfollow(ana.id, &follow).await.expect("unfollow"));

        // Deleting an account takes its reading state and keys with it.
        store
            .api_keys()
            .create(ana.id, "phone", "th", "fh", 5)
            .await
            .expect("key");
        store.users().delete(ana.id).await.expect("delete");
        assert!(
            store
                .api_keys()
                .user_by_token("th", 6)
                .await
                .expect("by token")
                .is_none()
        );
        assert!(
            reading
                .subscriptions(ana.id)
                .await
                .expect("subs")
                .is_empty()
        );
        let _ = (w.b, w.c, w.copy_b, w.copy_c, w.other, w.story);
    })
    .await;
}

#[test]
fn every_follow_kind_parses_from_its_stored_name() {
    for kind in FollowKind::ALL {
        assert_eq!(FollowKind::parse(kind.as_str()), Some(kind), "{kind:?}");
    }
    assert_eq!(FollowKind::parse("story"), Some(FollowKind::Story));
    assert_eq!(FollowKind::parse("Story"), None);
    assert_eq!(
        FollowKind::parse("source"),
        None,
        "sources are subscriptions"
    );
    assert_eq!(
        Follow::story(StoryId(42)),
        Follow {
            kind: FollowKind::Story,
            target: "42".into()
        }
    );
}

#[tokio::test]
async fn a_followed_story_round_trips_and_lists_newest_first_skipping_the_gone() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let reading = store.reading();
        let followed = |user| async move {
            reading
                .followed_stories(user, 20)
                .await
                .expect("followed stories")
                .iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        };
        assert!(followed(ana.id).await.is_empty());

        let s = Follow::story(w.story);
        let t = Follow::story(w.second);
        reading.follow(ana.id, &s, 5).await.expect("follow S");
        reading.follow(ana.id, &t, 6).await.expect("follow T");
        reading.follow(ana.id, &s, 7).await.expect("follow S again");
        // Targets no story answers to: one gone (or never made), one not an id at all.
        let gone = Follow::story(StoryId(w.second.0 + 1000));
        reading.follow(ana.id, &gone, 8).await.expect("follow gone");
        let junk = Follow {
            kind: FollowKind::Story,
            target: "not a number".into(),
        };
        reading.follow(ana.id, &junk, 9).await.expect("follow junk");
        assert_eq!(
            reading.follows(ana.id).await.expect("follows"),
            vec![s.clone(), t.clone(), gone.clone(), junk.clone()],
            "stored and read back as story follows, oldest first, once each"
        );

        // T's latest report (140) is newer than S's (130).
        assert_eq!(followed(ana.id).await, vec![w.second, w.story]);
        assert_eq!(
            reading
                .followed_stories(ana.id, 1)
                .await
                .expect("one")
                .iter()
                .map(|s| s.id)
                .collect::<Vec<_>>(),
            vec![w.second],
            "bounded"
        );
        // Hundreds of follows are read a chunk at a time, and still come latest first.
        for k in 0..600 {
            let many = Follow::story(StoryId(w.second.0 + 2_000 + k));
            reading.follow(ana.id, &many, 10).await.expect("follow");
        }
        assert_eq!(followed(ana.id).await, vec![w.second, w.story]);
        // A new report in S makes it the most recently updated.
        let fresh = article(&store, w.a, "fresh", 200).await;
        let mut batch = store.stories().begin().await.expect("batch");
        batch
            .place(&Placement {
                article: fresh,
                story: w.story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
        batch.commit(2).await.expect("commit");
        assert_eq!(followed(ana.id).await, vec![w.story, w.second]);

        // Another account sees nothing of it and cannot undo it.
        assert!(reading.follows(bob.id).await.expect("bob").is_empty());
        assert!(followed(bob.id).await.is_empty());
        assert!(!reading.unfollow(bob.id, &s).await.expect("bob unfollow"));
        assert_eq!(followed(ana.id).await, vec![w.story, w.second]);

        assert!(reading.unfollow(ana.id, &s).await.expect("unfollow S"));
        assert!(!reading.unfollow(ana.id, &s).await.expect("again"));
        assert_eq!(followed(ana.id).await, vec![w.second]);

        // Deleting the account takes its story follows with it.
        store.users().delete(ana.id).await.expect("delete");
        assert!(reading.follows(ana.id).await.expect("follows").is_empty());
        assert!(followed(ana.id).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn api_keys_find_their_active_account_by_hash_only() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let keys = store.api_keys();
        let key = keys
            .create(ana.id, "phone", "token-hash", "fever-hash", 10)
            .await
            .expect("create");
        assert_eq!(
            keys.user_by_token("token-hash", 20)
                .await
                .expect("token")
                .map(|u| u.id),
            Some(ana.id)
        );
        assert_eq!(
            keys.user_by_fever("fever-hash", 20)
                .await
                .expect("fever")
                .map(|u| u.id),
            Some(ana.id)
        );
        assert!(
            keys.user_by_token("fever-hash", 20)
                .await
                .expect("wrong")
                .is_none()
        );
        let listed = keys.list(ana.id).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].last_used_at, Some(20));
        assert!(
            !keys.revoke(bob.id, key.id).await.expect("bob revokes"),
            "not bob's"
        );
        store
            .users()
            .set_state(ana.id, tidings_model::AccountState::Banned)
            .await
            .expect("ban");
        assert!(
            keys.user_by_token("token-hash", 30)
                .await
                .expect("banned")
                .is_none(),
            "a banned account's keys do not log in"
        );
        assert!(keys.revoke(ana.id, key.id).await.expect("revoke"));
        assert!(keys.list(ana.id).await.expect("list").is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_copy_placed_after_its_original_was_read_arrives_read() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let reading = store.reading();
        reading
            .set_read(ana.id, &[w.wire], true, 50)
            .await
            .expect("read");
        reading
            .set_starred(ana.id, &[w.copy_b], true, 51)
            .await
            .expect("star");
        let late = article(&store, w.c, "late-copy", 150).await;
        let mut batch = store.stories().begin().await.expect("batch");
        batch
            .place(&Placement {
                article: late,
                story: w.story,
                duplicate_of: Some(w.copy_b),
                related: Vec::new(),
            })
            .await
            .expect("place the late copy");
        batch.commit(2).await.expect("commit");
        let seen = reading.items_by_id(ana.id, &[late]).await.expect("ana");
        assert_eq!(seen[0].read_at, Some(50), "read with its group");
        assert_eq!(seen[0].starred_at, Some(51), "starred with its group");
        let bobs = reading.items_by_id(bob.id, &[late]).await.expect("bob");
        assert_eq!(bobs[0].read_at, None, "only for the reader who read it");
        // A copy published before the group's original becomes its root: it arrives with
        // the group's marks too.
        let early = article(&store, w.b, "early-copy", 90).await;
        let mut batch = store.stories().begin().await.expect("batch");
        batch
            .place(&Placement {
                article: early,
                story: w.story,
                duplicate_of: Some(w.copy_c),
                related: Vec::new(),
            })
            .await
            .expect("place the early copy");
        batch.commit(3).await.expect("commit");
        let seen = reading.items_by_id(ana.id, &[early]).await.expect("ana");
        assert_eq!(seen[0].read_at, Some(50), "the new root arrives read");
        assert_eq!(seen[0].starred_at, Some(51), "and starred");
        let _ = (w.a, w.copy_c, w.own, w.other);
    })
    .await;
}

#[tokio::test]
async fn a_text_first_carried_by_a_hidden_outlet_is_listed_from_another() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let reading = store.reading();
        reading
            .set_starred(ana.id, &[w.copy_b], true, 51)
            .await
            .expect("star");
        let saved = |sources: Vec<SourceId>| ItemQuery {
            scope: Some(ItemScope::Starred),
            order: ItemOrder::StarredNewestFirst,
            excluded: Exclusions {
                sources,
                ..Exclusions::default()
            },
            ..ItemQuery::default()
        };
        let listed = |items: Vec<tidings_store::Item>| -> Vec<ArticleId> {
            items.iter().map(|i| i.listing.article.id).collect()
        };
        let all = reading
            .items(ana.id, &saved(Vec::new()))
            .await
            .expect("all");
        assert_eq!(listed(all), [w.wire], "one card, from the original");
        let without_a = reading
            .items(ana.id, &saved(vec![w.a]))
            .await
            .expect("without a");
        assert_eq!(
            listed(without_a),
            [w.copy_b],
            "from the first outlet not hidden"
        );
        assert_eq!(
            reading
                .count(ana.id, &saved(vec![w.a]))
                .await
                .expect("count"),
            1
        );
        let without_a_b = reading
            .items(ana.id, &saved(vec![w.a, w.b]))
            .await
            .expect("without a and b");
        assert_eq!(listed(without_a_b), [w.copy_c]);
        let none = reading
            .items(ana.id, &saved(vec![w.a, w.b, w.c]))
            .await
            .expect("none");
        assert!(none.is_empty(), "every outlet of the text hidden");
        let _ = (w.own, w.other, w.story, w.second);
    })
    .await;
}

#[tokio::test]
async fn dissolving_a_folder_refiles_its_subscriptions_and_keeps_them() {
    each_backend(|store| async move {
        let (a, b, c) = (
            source(&store, "a").await,
            source(&store, "b").await,
            source(&store, "c").await,
        );
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let reading = store.reading();
        let tech = reading.folder_named(ana.id, "Tech", 1).await.expect("tech");
        let all = reading.folder_named(ana.id, "All", 1).await.expect("all");
        let news = reading.folder_named(ana.id, "News", 1).await.expect("news");
        for (source, folder) in [(a, tech.id), (b, tech.id), (c, news.id)] {
            reading
                .subscribe(ana.id, source, folder, 1)
                .await
                .expect("sub");
        }
        let bobs = reading
            .folder_named(bob.id, "Tech", 1)
            .await
            .expect("bob's");
        reading
            .subscribe(bob.id, a, bobs.id, 1)
            .await
            .expect("bob's sub");

        assert!(
            reading
                .dissolve_folder(ana.id, tech.id, bobs.id)
                .await
                .is_err(),
            "ana cannot refile into bob's folder"
        );
        assert!(
            reading
                .dissolve_folder(ana.id, tech.id, tech.id)
                .await
                .is_err(),
            "nor into the folder itself"
        );
        assert!(
            !reading
                .dissolve_folder(bob.id, tech.id, bobs.id)
                .await
                .expect("bob"),
            "bob cannot dissolve ana's folder"
        );
        assert!(
            reading
                .dissolve_folder(ana.id, tech.id, all.id)
                .await
                .expect("dissolve")
        );
        let folders: Vec<String> = reading
            .folders(ana.id)
            .await
            .expect("folders")
            .into_iter()
            .map(|f| f.title)
            .collect();
        assert_eq!(folders, ["All", "News"]);
        let filed: Vec<(SourceId, String)> = reading
            .subscriptions(ana.id)
            .await
            .expect("subs")
            .into_iter()
            .map(|s| (s.source_id, s.folder.title))
            .collect();
        assert_eq!(
            filed,
            [
                (a, "All".to_string()),
                (b, "All".into()),
                (c, "News".into())
            ],
            "the folder's feeds moved to All, nothing unsubscribed"
        );
        let bob_subs = reading.subscriptions(bob.id).await.expect("bob subs");
        assert_eq!(bob_subs.len(), 1);
        assert_eq!(bob_subs[0].folder, bobs, "bob's folder is untouched");
    })
    .await;
}

/// A feed to import: a new source at `https://{name}.example/feed` named `name`, in `folder`.
fn imported(name: &str, folder: &str) -> ImportedFeed {
    ImportedFeed {
        source: NewSource {
            url: format!("https://{name}.example/feed"),
            name: name.to_uppercase(),
            site_url: Some(format!("https://{name}.example/")),
            ..NewSource::default()
        },
        folder: folder.into(),
    }
}

/// An account's subscriptions as (feed address, folder name), sorted.
async fn filed(store: &Store, user: &User) -> Vec<(String, String)> {
    let mut found: Vec<_> = store
        .reading()
        .subscriptions(user.id)
        .await
        .expect("subscriptions")
        .into_iter()
        .map(|s| (s.url, s.folder.title))
        .collect();
    found.sort();
    found
}

/// An account's folders as (id, name), by name.
async fn folders(store: &Store, user: &User) -> Vec<(i64, String)> {
    store
        .reading()
        .folders(user.id)
        .await
        .expect("folders")
        .into_iter()
        .map(|f| (f.id, f.title))
        .collect()
}

#[tokio::test]
async fn an_import_follows_every_feed_in_its_folder_and_reuses_sources() {
    each_backend(|store| async move {
        let known = source(&store, "known").await;
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let reading = store.reading();
        let news = reading.folder_named(ana.id, "News", 1).await.expect("news");
        let before = store.revision().await.expect("revision");

        let feeds = [
            // The known source under another name: reused, keeps its own name.
            imported("known", "News"),
            imported("fresh", "Tech"),
            imported("other", "News"),
            // Listed twice: followed once, filed in the last folder named.
            imported("fresh", "Later"),
        ];
        assert_eq!(
            reading
                .import_subscriptions(ana.id, &feeds, false, 50)
                .await
                .expect("import"),
            4
        );
        assert_eq!(store.sources().count().await.expect("count"), 3, "no copy");
        let kept = store
            .sources()
            .get(known)
            .await
            .expect("get")
            .expect("known");
        assert_eq!(kept.name, "known", "an existing source keeps its name");
        let fresh = store
            .sources()
            .find_by_url("https://fresh.example/feed")
            .await
            .expect("find")
            .expect("fresh added");
        assert_eq!(fresh.name, "FRESH");
        assert_eq!(fresh.site_url.as_deref(), Some("https://fresh.example/"));
        assert_eq!(
            (fresh.created_at, fresh.next_fetch_at),
            (50, 50),
            "due at once"
        );
        assert_eq!(fresh.fetch.error_count, 0);
        assert!(
            store.revision().await.expect("revision") > before,
            "pages learn"
        );

        let found = folders(&store, &ana).await;
        let titles: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(titles, ["Later", "News", "Tech"]);
        assert!(
            found.contains(&(news.id, "News".into())),
            "the folder reused"
        );
        assert_eq!(
            filed(&store, &ana).await,
            [
                (
                    "https://fresh.example/feed".to_string(),
                    "Later".to_string()
                ),
                ("https://known.example/feed".into(), "News".into()),
                ("https://other.example/feed".into(), "News".into()),
            ]
        );

        // The same file again changes nothing and adds no source; bob's import is his own.
        let revision = store.revision().await.expect("revision");
        reading
            .import_subscriptions(ana.id, &feeds, false, 60)
            .await
            .expect("again");
        assert_eq!(store.sources().count().await.expect("count"), 3);
        assert_eq!(store.revision().await.expect("revision"), revision);
        assert_eq!(folders(&store, &ana).await, found);
        reading
            .import_subscriptions(bob.id, &[imported("other", "Bob's")], false, 70)
            .await
            .expect("bob");
        assert_eq!(
            filed(&store, &bob).await,
            [(
                "https://other.example/feed".to_string(),
                "Bob's".to_string()
            )]
        );
        assert_eq!(filed(&store, &ana).await.len(), 3, "ana's untouched");
        assert_eq!(
            reading
                .import_subscriptions(bob.id, &[], false, 80)
                .await
                .expect("empty"),
            0
        );
    })
    .await;
}

/// Makes the database refuse to add a source at `https://refused.example/feed`, as a failing
/// disk or a broken constraint would: a trigger, made by the test on its own database.
async fn refuse_one_feed(store: &Store) {
    let statements: &[&str] = match store.backend() {
        Backend::Sqlite => &["CREATE TRIGGER refuse_feed BEFORE INSERT ON sources \
             WHEN NEW.url = 'https://refused.example/feed' \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_feed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.url = 'https://refused.example/feed' THEN \
             RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse_feed BEFORE INSERT ON sources FOR EACH ROW \
             EXECUTE FUNCTION refuse_feed()",
        ],
    };
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(*sql))
            .execute(store.pool())
            .await
            .expect("install the trigger");
    }
}

#[tokio::test]
async fn an_import_that_fails_midway_leaves_nothing() {
    each_backend(|store| async move {
        source(&store, "known").await;
        let ana = user(&store, "ana").await;
        let reading = store.reading();
        let mine = reading.folder_named(ana.id, "Mine", 1).await.expect("mine");
        let known = store
            .sources()
            .find_by_url("https://known.example/feed")
            .await
            .expect("find")
            .expect("known");
        reading
            .subscribe(ana.id, known.id, mine.id, 1)
            .await
            .expect("subscribe");
        refuse_one_feed(&store).await;
        let (sources, revision) = (
            store.sources().count().await.expect("count"),
            store.revision().await.expect("revision"),
        );
        let (was_filed, had_folders) = (filed(&store, &ana).await, folders(&store, &ana).await);

        // Two feeds go through (a new source, a new folder, the known source moved), then the
        // third fails: none of it stays.
        let feeds = [
            imported("fresh", "Tech"),
            imported("known", "News"),
            imported("refused", "News"),
            imported("after", "Tech"),
        ];
        assert!(
            reading
                .import_subscriptions(ana.id, &feeds, false, 50)
                .await
                .is_err(),
            "the refused feed fails the import"
        );
        assert_eq!(store.sources().count().await.expect("count"), sources);
        assert!(
            store
                .sources()
                .find_by_url("https://fresh.example/feed")
                .await
                .expect("find")
                .is_none(),
            "the source added before the failure is gone"
        );
        assert_eq!(folders(&store, &ana).await, had_folders, "no folder made");
        assert_eq!(filed(&store, &ana).await, was_filed, "still filed in Mine");
        assert_eq!(store.revision().await.expect("revision"), revision);

        // An account that does not exist: its folder breaks a foreign key after the feed's
        // new source was written, and that source goes too.
        let ghost = tidings_model::UserId(ana.id.0 + 1_000);
        assert!(
            reading
                .import_subscriptions(ghost, &[imported("lonely", "Tech")], false, 50)
                .await
                .is_err()
        );
        assert!(
            store
                .sources()
                .find_by_url("https://lonely.example/feed")
                .await
                .expect("find")
                .is_none(),
            "no source stays from a failed import"
        );
        assert_eq!(store.revision().await.expect("revision"), revision);
    })
    .await;
}

/// The operator's import (`tidings import-opml`, the bundled sources) adds what is new in one
/// transaction, and a failure midway leaves the sources as they were.
#[tokio::test]
async fn adding_many_sources_is_all_or_nothing() {
    each_backend(|store| async move {
        source(&store, "known").await;
        let feeds = |names: &[&str]| -> Vec<NewSource> {
            names.iter().map(|n| imported(n, "").source).collect()
        };
        let revision = store.revision().await.expect("revision");
        let added = store
            .sources()
            .add_all(&feeds(&["fresh", "known", "fresh", "other"]), 5)
            .await
            .expect("add");
        assert_eq!(
            added, 2,
            "fresh once and other; known and the repeat were present"
        );
        assert_eq!(store.sources().count().await.expect("count"), 3);
        assert!(store.revision().await.expect("revision") > revision);

        let revision = store.revision().await.expect("revision");
        assert_eq!(
            store
                .sources()
                .add_all(&feeds(&["known"]), 6)
                .await
                .expect("again"),
            0
        );
        assert_eq!(
            store.revision().await.expect("revision"),
            revision,
            "nothing new, no page changed"
        );

        refuse_one_feed(&store).await;
        assert!(
            store
                .sources()
                .add_all(&feeds(&["before", "refused", "after"]), 7)
                .await
                .is_err(),
            "the refused feed fails the import"
        );
        assert_eq!(store.sources().count().await.expect("count"), 3);
        assert!(
            store
                .sources()
                .find_by_url("https://before.example/feed")
                .await
                .expect("find")
                .is_none(),
            "the source added before the failure is gone"
        );
    })
    .await;
}

/// The starred articles as `/saved` lists them: most recently starred first.
fn saved(limit: i64, offset: i64, after_key: Option<(i64, i64)>) -> ItemQuery {
    ItemQuery {
        scope: Some(ItemScope::Starred),
        order: ItemOrder::StarredNewestFirst,
        limit,
        offset,
        after_key,
        ..ItemQuery::default()
    }
}

#[tokio::test]
async fn starred_items_list_most_recently_starred_first_with_copies_folded() {
    each_backend(|store| async move {
        let w = world(&store).await;
        let ana = user(&store, "ana").await;
        let bob = user(&store, "bob").await;
        let reading = store.reading();
        let bobs = article(&store, w.c, "bobs-own", 150).await;
        reading
            .set_starred(ana.id, &[w.other], true, 1_000)
            .await
            .expect("star");
        // A copy: the star reaches the wire text and every copy of it.
        reading
            .set_starred(ana.id, &[w.copy_c], true, 2_000)
            .await
            .expect("star");
        reading
            .set_starred(ana.id, &[w.own], true, 3_000)
            .await
            .expect("star");
        reading
            .set_starred(bob.id, &[bobs, w.own], true, 4_000)
            .await
            .expect("star");

        let all = reading
            .items(ana.id, &saved(0, 0, None))
            .await
            .expect("all");
        assert_eq!(
            ids(&all),
            vec![w.own, w.wire, w.other],
            "the wire text once, by its lowest id; not by publishing time"
        );
        assert_eq!(
            all.iter().map(|i| i.starred_at).collect::<Vec<_>>(),
            vec![Some(3_000), Some(2_000), Some(1_000)]
        );
        let by_published = ItemQuery {
            order: ItemOrder::NewestFirst,
            ..saved(0, 0, None)
        };
        assert_eq!(
            ids(&reading.items(ana.id, &by_published).await.expect("items")),
            vec![w.other, w.own, w.wire],
            "the other order differs, so the one above is the star's"
        );
        assert_eq!(
            reading
                .count(ana.id, &saved(0, 0, None))
                .await
                .expect("count"),
            3
        );

        // Pages, by offset and by keyset, agree.
        let first = reading
            .items(ana.id, &saved(2, 0, None))
            .await
            .expect("page");
        assert_eq!(ids(&first), vec![w.own, w.wire]);
        let second = reading
            .items(ana.id, &saved(2, 2, None))
            .await
            .expect("page");
        assert_eq!(ids(&second), vec![w.other]);
        let after = reading
            .items(ana.id, &saved(2, 0, Some((2_000, w.wire.0))))
            .await
            .expect("page");
        assert_eq!(ids(&after), vec![w.other]);

        // Bob's stars are his (starred together: the higher id first).
        assert_eq!(
            ids(&reading
                .items(bob.id, &saved(0, 0, None))
                .await
                .expect("bob")),
            vec![bobs, w.own]
        );
        assert!(!ids(&all).contains(&bobs));

        // Unstarring a copy unstars the text; starring it again puts it first.
        reading
            .set_starred(ana.id, &[w.copy_b], false, 5_000)
            .await
            .expect("unstar");
        assert_eq!(
            ids(&reading
                .items(ana.id, &saved(0, 0, None))
                .await
                .expect("all")),
            vec![w.own, w.other]
        );
        assert_eq!(
            reading
                .count(ana.id, &saved(0, 0, None))
                .await
                .expect("count"),
            2
        );
        reading
            .set_starred(ana.id, &[w.copy_b], true, 6_000)
            .await
            .expect("star again");
        assert_eq!(
            ids(&reading
                .items(ana.id, &saved(0, 0, None))
                .await
                .expect("all")),
            vec![w.wire, w.own, w.other]
        );
        if store.backend() == Backend::Sqlite {
            let plan = tidings_store::testing::saved_items_plan(&store, ana.id.0).await;
            assert!(
                plan.iter()
                    .any(|line| line.contains("SEARCH st USING INDEX article_states_starred")),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|line| line.contains("TEMP B-TREE")),
                "in the index's order, no sort: {plan:?}"
            );
        }
    })
    .await;
}

/// `/saved`'s reads over 100,000 articles on each backend (run with `cargo test --release -p
/// tidings-store --test reading -- --ignored --nocapture`): one reader with read marks on
/// the first 50,000 articles and 4,000 of them saved (1,000 a copy saved with its original,
/// so 3,000 cards), and 100 other readers with 200 saved each. Prints each backend's plan of
/// the first page and the median time of the first page, the 25th page and the count.
#[tokio::test]
#[ignore = "a measurement: about a minute"]
async fn saved_page_over_100k_articles() {
    each_backend(|store| async move {
        const ARTICLES: i64 = 100_000;
        let numbers = |n: i64| {
            format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})")
        };
        let bulk = source(&store, "bulk").await;
        let heavy = user(&store, "heavy").await;
        let mut others = Vec::new();
        for n in 0..100 {
            others.push(user(&store, &format!("other{n}")).await);
        }
        let run = |sql: String, bind: i64| {
            let store = store.clone();
            async move {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(bind)
                    .execute(store.pool())
                    .await
                    .expect("fill");
            }
        };
        run(
            format!(
                "INSERT INTO articles (source_id, url, title, fetched_at, sort_at, body_text, \
                 body_html) {} SELECT $1, 'https://bulk.example/' || i, 'Headline ' || i, i, \
                 i, 'text', '<p>text</p>' FROM n",
                numbers(ARTICLES)
            ),
            bulk.0,
        )
        .await;
        // Every tenth article copies the one before it.
        run(
            "UPDATE articles SET duplicate_of = id - 1 WHERE id % 10 = 0 AND source_id = $1".into(),
            bulk.0,
        )
        .await;
        let first: i64 = sqlx::query("SELECT MIN(id) AS id FROM articles")
            .fetch_one(store.pool())
            .await
            .expect("first")
            .try_get("id")
            .expect("id");
        run(
            format!(
                "INSERT INTO article_states (user_id, article_id, read_at, starred_at) {} \
                 SELECT $1, {first} - 1 + i, 1, CASE WHEN i % 25 IN (0, 24) THEN i END FROM n",
                numbers(ARTICLES / 2)
            ),
            heavy.id.0,
        )
        .await;
        for other in &others {
            run(
                format!(
                    "INSERT INTO article_states (user_id, article_id, read_at, starred_at) {} \
                     SELECT $1, {first} + (($1 * 997 + i * 13) % {ARTICLES}), NULL, i FROM n",
                    numbers(200)
                ),
                other.id.0,
            )
            .await;
        }
        let settle = match store.backend() {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM ANALYZE",
        };
        sqlx::query(settle)
            .execute(store.pool())
            .await
            .expect("analyze");
        let reading = store.reading();
        println!("{:?}: plan of the first page of /saved:", store.backend());
        for line in tidings_store::testing::saved_items_plan(&store, heavy.id.0).await {
            println!("    {line}");
        }
        let cards = reading
            .count(heavy.id, &saved(0, 0, None))
            .await
            .expect("count");
        assert_eq!(cards, 3_000);
        for (what, page) in [("first page", 0), ("25th page", 24)] {
            let query = saved(41, page * 40, None);
            let shown = reading.items(heavy.id, &query).await.expect("page");
            assert_eq!(shown.len(), 41, "{what}");
            let mut times = Vec::new();
            for _ in 0..50 {
                let start = std::time::Instant::now();
                reading.items(heavy.id, &query).await.expect("page");
                times.push(start.elapsed());
            }
            times.sort();
            println!(
                "    {what}: median {:?}, p99 {:?}",
                times[times.len() / 2],
                times[times.len() * 99 / 100]
            );
        }
        let mut times = Vec::new();
        for _ in 0..50 {
            let start = std::time::Instant::now();
            reading
                .count(heavy.id, &saved(0, 0, None))
                .await
                .expect("count");
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "    count ({cards}): median {:?}, p99 {:?}",
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
    })
    .await;
}
