//! What goes with deleted articles and stories: removing a source takes its articles with the
//! comments on their pages and queues them for the search index, and recomputes the stories
//! they were in, queueing those that keep articles to be understood again; retention takes
//! the comments of what it deletes too, and the copies of a deleted text get a new original.
//! SQLite gives a deleted highest id to the next row, so anything left behind would turn up
//! on a new, unrelated page. On every backend.

use tidings_model::{
    ArticleId, CommentId, CommentState, CommentTarget, NewArticle, Role, SourceId, StoryId, User,
};
use tidings_store::testing::each_backend;
use tidings_store::{
    Follow, NewComment, NewJob, NewSource, NewUser, Placement, Store, StoredInsight,
};

async fn user(store: &Store, name: &str) -> User {
    let new = NewUser {
        name: name.into(),
        display_name: name.into(),
        password_hash: "h".into(),
        role: Role::Reader,
    };
    store.users().create(&new, 1).await.expect("create user")
}

async fn source(store: &Store, name: &str) -> SourceId {
    let new = NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}

/// Stores one article of `source` shown at `at` and returns its id.
async fn article(store: &Store, source: SourceId, path: &str, at: i64) -> ArticleId {
    let new = NewArticle {
        url: format!("https://{path}"),
        title: format!("Report {path}"),
        published_at: Some(at),
        fetched_at: at,
        language: Some("en".into()),
        body_text: "Text.".into(),
        ..NewArticle::default()
    };
    store
        .articles()
        .insert_new(source, &[new])
        .await
        .expect("insert");
    store
        .articles()
        .all_ids()
        .await
        .expect("ids")
        .into_iter()
        .max()
        .expect("an article")
}

/// Places `articles` in one new story, related to `related`, and returns it.
async fn story(
    store: &Store,
    articles: &[ArticleId],
    related: Option<StoryId>,
    now: i64,
) -> StoryId {
    let mut batch = store.stories().begin().await.expect("begin");
    let id = batch
        .create_story("Story", Some("en"), now)
        .await
        .expect("story");
    for article in articles {
        let placement = Placement {
            article: *article,
            story: id,
            duplicate_of: None,
            related: related.map(|r| (r, 0.2)).into_iter().collect(),
        };
        batch.place(&placement).await.expect("place");
    }
    batch.commit(now).await.expect("commit");
    id
}

async fn comment(
    store: &Store,
    by: &User,
    target: CommentTarget,
    parent: Option<CommentId>,
) -> CommentId {
    let new = NewComment {
        target,
        parent_id: parent,
        user_id: by.id,
        body_source: "A thought.".into(),
        body_html: "<p>A thought.</p>".into(),
        state: CommentState::Visible,
    };
    store.comments().insert(&new, 10).await.expect("comment")
}

async fn comments_on(store: &Store, target: CommentTarget) -> usize {
    store
        .comments()
        .for_target(target)
        .await
        .expect("comments")
        .len()
}

#[tokio::test]
async fn removing_a_source_takes_its_articles_comments_and_search_documents() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let (gone, kept) = (source(&store, "gone").await, source(&store, "kept").await);
        let shared_gone = article(&store, gone, "gone.example/1", 1_000).await;
        let shared_kept = article(&store, kept, "kept.example/1", 1_100).await;
        let alone = article(&store, gone, "gone.example/2", 1_200).await;
        let shared = story(&store, &[shared_gone, shared_kept], None, 2_000).await;
        let lonely = story(&store, &[alone], Some(shared), 2_000).await;
        assert_eq!(
            store.stories().related(shared, 5).await.expect("related"),
            vec![(lonely, 0.2)]
        );
        let insight = StoredInsight {
            version: 2,
            computed_at: 2_000,
            json: "{}".into(),
        };
        store
            .insights()
            .save(shared, &insight, &[])
            .await
            .expect("insight");
        let first = comment(&store, &ana, CommentTarget::Article(alone), None).await;
        comment(&store, &ana, CommentTarget::Article(alone), Some(first)).await;
        comment(&store, &ana, CommentTarget::Article(shared_gone), None).await;
        comment(&store, &ana, CommentTarget::Article(shared_kept), None).await;
        comment(&store, &ana, CommentTarget::Story(shared), None).await;
        store
            .reading()
            .follow(ana.id, &Follow::story(lonely), 10)
            .await
            .expect("follow");
        let revision = store.revision().await.expect("revision");

        assert!(store.sources().remove(gone, 3_000).await.expect("remove"));

        assert_eq!(store.articles().count().await.expect("count"), 1);
        for target in [
            CommentTarget::Article(alone),
            CommentTarget::Article(shared_gone),
        ] {
            assert_eq!(comments_on(&store, target).await, 0, "{target:?}");
        }
        assert_eq!(
            comments_on(&store, CommentTarget::Article(shared_kept)).await,
            1,
            "the other outlet's article keeps its comments"
        );
        assert_eq!(
            comments_on(&store, CommentTarget::Story(shared)).await,
            1,
            "the story goes on, with its comments"
        );
        let mut queued = store.forgotten_articles().pending(10).await.expect("queue");
        queued.sort();
        let mut expected = vec![shared_gone, alone];
        expected.sort();
        assert_eq!(queued, expected, "queued for the search index");

        let shared_now = store
            .stories()
            .get(shared)
            .await
            .expect("get")
            .expect("kept");
        assert_eq!((shared_now.article_count, shared_now.source_count), (1, 1));
        assert_eq!(
            shared_now.title, "Report kept.example/1",
            "led by what is left"
        );
        assert!(
            store
                .insights()
                .get(shared)
                .await
                .expect("insight")
                .is_none(),
            "its summary quoted the removed articles"
        );
        let lonely_now = store
            .stories()
            .get(lonely)
            .await
            .expect("get")
            .expect("an empty story stays");
        assert_eq!(lonely_now.article_count, 0);
        assert_eq!(
            store.stories().count().await.expect("count"),
            1,
            "not listed"
        );
        assert!(
            store
                .stories()
                .related(shared, 5)
                .await
                .expect("related")
                .is_empty(),
            "nor offered as related"
        );
        assert!(
            store
                .reading()
                .followed_stories(ana.id, 10)
                .await
                .expect("followed")
                .is_empty(),
            "an empty story is not offered as followed"
        );
        assert!(store.revision().await.expect("revision") > revision);

        // A new article (SQLite may give it a removed one's id) has no comments of the old.
        let fresh = article(&store, kept, "kept.example/2", 4_000).await;
        assert_eq!(comments_on(&store, CommentTarget::Article(fresh)).await, 0);

        store
            .forgotten_articles()
            .done(&[alone])
            .await
            .expect("done");
        assert_eq!(
            store.forgotten_articles().pending(10).await.expect("queue"),
            vec![shared_gone]
        );
    })
    .await;
}

#[tokio::test]
async fn retention_takes_the_comments_of_what_it_deletes() {
    each_backend(|store| async move {
        let ana = user(&store, "ana").await;
        let outlet = source(&store, "outlet").await;
        let old = article(&store, outlet, "outlet.example/old", 1_000).await;
        let new = article(&store, outlet, "outlet.example/new", 90_000).await;
        let old_story = story(&store, &[old], None, 1_000).await;
        story(&store, &[new], None, 90_000).await;
        comment(&store, &ana, CommentTarget::Article(old), None).await;
        comment(&store, &ana, CommentTarget::Story(old_story), None).await;
        comment(&store, &ana, CommentTarget::Article(new), None).await;

        let retention = store.retention();
        assert_eq!(
            retention
                .delete_articles(50_000, 10, 200_000)
                .await
                .expect("delete"),
            vec![old]
        );
        assert_eq!(comments_on(&store, CommentTarget::Article(old)).await, 0);
        assert_eq!(comments_on(&store, CommentTarget::Article(new)).await, 1);
        assert_eq!(
            store.forgotten_articles().pending(10).await.expect("queue"),
            vec![old]
        );
        assert_eq!(
            retention
                .delete_empty_stories(50_000, 10)
                .await
                .expect("stories"),
            1
        );
        assert_eq!(
            comments_on(&store, CommentTarget::Story(old_story)).await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn removal_queues_the_stories_that_keep_articles_to_be_understood_again() {
    each_backend(|store| async move {
        let (gone, also_gone) = (source(&store, "gone").await, source(&store, "also").await);
        let (kept, other) = (source(&store, "kept").await, source(&store, "other").await);
        let g1 = article(&store, gone, "gone.example/1", 1_000).await;
        let k1 = article(&store, kept, "kept.example/1", 1_100).await;
        let g2 = article(&store, gone, "gone.example/2", 1_200).await;
        let a1 = article(&store, also_gone, "also.example/1", 1_300).await;
        let k2 = article(&store, kept, "kept.example/2", 1_400).await;
        let g3 = article(&store, gone, "gone.example/3", 1_500).await;
        let o1 = article(&store, other, "other.example/1", 1_600).await;
        let shared = story(&store, &[g1, k1], None, 2_000).await;
        let crowded = story(&store, &[g2, a1, k2], None, 2_000).await;
        let lonely = story(&store, &[g3], None, 2_000).await;
        let untouched = story(&store, &[o1], None, 2_000).await;
        let queue = store.stories_to_understand();
        assert!(queue.pending(10).await.expect("queue").is_empty());

        assert!(store.sources().remove(gone, 3_000).await.expect("remove"));
        let mut expected = vec![shared, crowded];
        expected.sort();
        assert_eq!(
            queue.pending(10).await.expect("queue"),
            expected,
            "the stories that keep articles; not the emptied one, nor the untouched one"
        );
        assert!(!expected.contains(&lonely) && !expected.contains(&untouched));

        // A second removal touching a queued story leaves it queued once.
        assert!(
            store
                .sources()
                .remove(also_gone, 3_100)
                .await
                .expect("remove")
        );
        assert_eq!(queue.pending(10).await.expect("queue"), expected);

        // A queued story that a removal empties leaves the queue: nothing is left to read.
        assert!(store.sources().remove(kept, 3_200).await.expect("remove"));
        assert!(queue.pending(10).await.expect("queue").is_empty());
    })
    .await;
}

#[tokio::test]
async fn queued_stories_leave_the_queue_with_their_jobs_and_wait_for_a_running_one() {
    each_backend(|store| async move {
        let (gone, kept) = (source(&store, "gone").await, source(&store, "kept").await);
        let mut stories = Vec::new();
        for n in 0..3 {
            let g = article(&store, gone, &format!("gone.example/{n}"), 1_000 + n).await;
            let k = article(&store, kept, &format!("kept.example/{n}"), 1_100 + n).await;
            stories.push(story(&store, &[g, k], None, 2_000).await);
        }
        assert!(store.sources().remove(gone, 3_000).await.expect("remove"));
        let queue = store.stories_to_understand();
        assert_eq!(queue.pending(10).await.expect("queue"), stories);
        let job = |story: StoryId| NewJob {
            kind: "understand_story".into(),
            key: Some(format!("understand:{story}")),
            payload: "{}".into(),
            run_at_ms: 0,
            max_attempts: 3,
        };

        // Taken but not committed: still queued.
        let taken = queue.take("understand:", 10).await.expect("take");
        assert_eq!(taken.stories(), stories.as_slice());
        drop(taken);
        assert_eq!(queue.pending(10).await.expect("queue"), stories);

        // The first story's job is running: it may have read the story before the loss, so
        // the story waits for it to end. A batch is bounded.
        store
            .jobs()
            .enqueue(&job(stories[0]), 0)
            .await
            .expect("job");
        let running = store
            .jobs()
            .claim("w", std::time::Duration::from_secs(60), 1)
            .await
            .expect("claim")
            .expect("a job");
        let taken = queue.take("understand:", 1).await.expect("take");
        assert_eq!(taken.stories(), &[stories[1]]);
        taken
            .commit_with_jobs(&[job(stories[1])], 2)
            .await
            .expect("commit");
        assert_eq!(
            queue.pending(10).await.expect("queue"),
            vec![stories[0], stories[2]]
        );
        assert_eq!(store.jobs().counts().await.expect("counts").queued, 1);

        // Once the running job ends, its story is taken; a story whose job is queued already
        // gets no second job.
        assert!(store.jobs().complete(&running).await.expect("complete"));
        store
            .jobs()
            .enqueue(&job(stories[2]), 3)
            .await
            .expect("job");
        let taken = queue.take("understand:", 10).await.expect("take");
        assert_eq!(taken.stories(), &[stories[0], stories[2]]);
        let jobs: Vec<NewJob> = taken.stories().iter().map(|&s| job(s)).collect();
        taken.commit_with_jobs(&jobs, 4).await.expect("commit");
        assert!(queue.pending(10).await.expect("queue").is_empty());
        assert_eq!(
            store.jobs().counts().await.expect("counts").queued,
            3,
            "one job per story"
        );
        assert!(
            queue
                .take("understand:", 10)
                .await
                .expect("take")
                .stories()
                .is_empty()
        );
    })
    .await;
}

/// The text an article copies, as stored.
async fn copy_of(store: &Store, article: ArticleId) -> Option<ArticleId> {
    store
        .articles()
        .get(article)
        .await
        .expect("get")
        .expect("the article")
        .article
        .duplicate_of
}

/// Places `copies` in `story` as copies of `original`, in one batch.
async fn place_copies(store: &Store, story: StoryId, original: ArticleId, copies: &[ArticleId]) {
    let mut batch = store.stories().begin().await.expect("begin");
    for copy in copies {
        let placement = Placement {
            article: *copy,
            story,
            duplicate_of: Some(original),
            related: vec![],
        };
        batch.place(&placement).await.expect("place");
    }
    batch.commit(3_000).await.expect("commit");
}

#[tokio::test]
async fn copies_outlive_their_deleted_original() {
    each_backend(|store| async move {
        let (wire, a, b) = (
            source(&store, "wire").await,
            source(&store, "a").await,
            source(&store, "b").await,
        );
        // An agency's text, run by two outlets, and an outlet's own report.
        let original = article(&store, wire, "wire.example/1", 1_000).await;
        let later = article(&store, b, "b.example/1", 1_200).await;
        let earlier = article(&store, a, "a.example/1", 1_100).await;
        let own = article(&store, a, "a.example/2", 1_050).await;
        let event = story(&store, &[original, own], None, 2_000).await;
        place_copies(&store, event, original, &[later, earlier]).await;
        assert_eq!(copy_of(&store, earlier).await, Some(original));

        // The agency's source goes: its text's earliest run is the original now.
        assert!(store.sources().remove(wire, 4_000).await.expect("remove"));
        assert_eq!(copy_of(&store, earlier).await, None);
        assert_eq!(copy_of(&store, later).await, Some(earlier));
        assert_eq!(copy_of(&store, own).await, None, "not a copy, untouched");
        let shown = store
            .stories()
            .get(event)
            .await
            .expect("get")
            .expect("story");
        assert_eq!(
            shown.lead_article_id,
            Some(earlier),
            "the newest original leads: the copy that is an original now"
        );

        // The assigner may still remember the deleted text: a copy of it placed later is an
        // original, and so is a copy of an article that is in another story.
        let another = article(&store, b, "b.example/2", 5_000).await;
        let elsewhere = story(&store, &[another], None, 5_000).await;
        let (late, stray) = (
            article(&store, a, "a.example/3", 5_100).await,
            article(&store, a, "a.example/4", 5_200).await,
        );
        place_copies(&store, event, original, &[late]).await;
        assert_eq!(copy_of(&store, late).await, None, "its original is gone");
        place_copies(&store, event, another, &[stray]).await;
        assert_eq!(
            copy_of(&store, stray).await,
            None,
            "its original is in {elsewhere}"
        );

        // Retention deletes an original before its copies: the same.
        let old = article(&store, b, "b.example/old", 100).await;
        let (c1, c2) = (
            article(&store, a, "a.example/c1", 700).await,
            article(&store, source(&store, "w2").await, "w2.example/c2", 900).await,
        );
        let aged = story(&store, &[old], None, 1_000).await;
        place_copies(&store, aged, old, &[c2, c1]).await;
        let deleted = store
            .retention()
            .delete_articles(500, 100, 6_000)
            .await
            .expect("purge");
        assert_eq!(deleted, vec![old]);
        assert_eq!(copy_of(&store, c1).await, None);
        assert_eq!(copy_of(&store, c2).await, Some(c1));
    })
    .await;
}
