//! What goes with deleted articles and stories: removing a source takes its articles with the
//! comments on their pages and queues them for the search index, and recomputes the stories
//! they were in; retention takes the comments of what it deletes too. SQLite gives a deleted
//! highest id to the next row, so anything left behind would turn up on a new, unrelated
//! page. On every backend.

use tidings_model::{
    ArticleId, CommentId, CommentState, CommentTarget, NewArticle, Role, SourceId, StoryId, User,
};
use tidings_store::testing::each_backend;
use tidings_store::{Follow, NewComment, NewSource, NewUser, Placement, Store, StoredInsight};

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
            retention.delete_articles(50_000, 10).await.expect("delete"),
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
