//! Retention: old articles lose their full text, then (optionally) go entirely, batch by
//! batch, oldest first; stories left empty go with them, and so do the readers' follows of
//! those stories. On every backend.

use tidings_model::{ArticleId, NewArticle, Role, SourceId, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{Follow, FollowKind, NewSource, NewUser, Placement, Store, StoredInsight};

fn article(url: &str, published: i64) -> NewArticle {
    NewArticle {
        url: url.to_string(),
        title: format!("Title of {url}"),
        standfirst: Some("Standfirst".into()),
        published_at: Some(published),
        fetched_at: published + 60,
        language: Some("en".into()),
        body_text: "Full text.".into(),
        body_html: "<p>Full text.</p>".into(),
        ..NewArticle::default()
    }
}

async fn source(store: &Store) -> SourceId {
    let new = NewSource {
        url: "https://old.example/feed".into(),
        name: "Old".into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}

/// Six articles: three old ones (shown at 1,000-1,200) in one story, three recent ones
/// (100,000-100,200) in another.
async fn populate(store: &Store) -> Vec<ArticleId> {
    let source = source(store).await;
    let articles: Vec<NewArticle> = [1_000, 1_100, 1_200, 100_000, 100_100, 100_200]
        .iter()
        .map(|&t| article(&format!("https://old.example/{t}"), t))
        .collect();
    store
        .articles()
        .insert_new(source, &articles)
        .await
        .expect("insert");
    let mut ids: Vec<ArticleId> = store.articles().all_ids().await.expect("ids");
    ids.sort();
    let mut batch = store.stories().begin().await.expect("begin");
    let old = batch
        .create_story("Old", Some("en"), 1_300)
        .await
        .expect("story");
    let new = batch
        .create_story("New", Some("en"), 100_300)
        .await
        .expect("story");
    for (i, id) in ids.iter().enumerate() {
        let placement = Placement {
            article: *id,
            story: if i < 3 { old } else { new },
            duplicate_of: None,
            related: vec![],
        };
        batch.place(&placement).await.expect("place");
    }
    batch.commit(100_300).await.expect("commit");
    ids
}

#[tokio::test]
async fn old_text_goes_first_then_old_articles_and_their_empty_stories_in_batches() {
    each_backend(|store| async move {
        let ids = populate(&store).await;
        let retention = store.retention();

        // Full text older than 50,000: two per batch, oldest first; pages change.
        let before = store.revision().await.expect("revision");
        assert_eq!(
            retention.strip_text(50_000, 2).await.expect("strip").len(),
            2
        );
        let stripped = store.revision().await.expect("revision");
        assert!(stripped > before, "stripped pages change");
        let first = store
            .articles()
            .get(ids[0])
            .await
            .expect("get")
            .expect("kept");
        assert_eq!(first.article.content.body_text, "");
        assert_eq!(first.article.content.body_html, "");
        assert_eq!(
            first.article.content.title,
            "Title of https://old.example/1000"
        );
        assert_eq!(
            first.article.content.standfirst.as_deref(),
            Some("Standfirst")
        );
        let third = store
            .articles()
            .get(ids[2])
            .await
            .expect("get")
            .expect("kept");
        assert_eq!(
            third.article.content.body_text, "Full text.",
            "not in the first batch"
        );
        assert_eq!(
            retention.strip_text(50_000, 2).await.expect("strip").len(),
            1
        );
        let stripping = store.revision().await.expect("revision");
        assert_eq!(
            retention.strip_text(50_000, 2).await.expect("strip").len(),
            0,
            "done"
        );
        assert_eq!(
            store.revision().await.expect("revision"),
            stripping,
            "nothing stripped, nothing changes"
        );
        for id in &ids[3..] {
            let recent = store.articles().get(*id).await.expect("get").expect("kept");
            assert_eq!(recent.article.content.body_text, "Full text.");
        }
        assert_eq!(store.articles().count().await.expect("count"), 6);

        // Articles older than 50,000 go, two per batch, and report their ids; pages change.
        let kept = store.revision().await.expect("revision");
        assert_eq!(
            retention
                .delete_articles(50_000, 2, 200_000)
                .await
                .expect("delete"),
            vec![ids[0], ids[1]]
        );
        assert!(store.revision().await.expect("revision") > kept);
        // The old story still has an article: it stays.
        assert_eq!(
            retention
                .delete_empty_stories(50_000, 10)
                .await
                .expect("stories"),
            0
        );
        assert_eq!(
            retention
                .delete_articles(50_000, 2, 200_000)
                .await
                .expect("delete"),
            vec![ids[2]]
        );
        assert!(
            retention
                .delete_articles(50_000, 2, 200_000)
                .await
                .expect("delete")
                .is_empty()
        );
        assert_eq!(store.articles().count().await.expect("count"), 3);
        assert_eq!(
            store.stories().count().await.expect("stories"),
            1,
            "the emptied story is recounted at once, and no longer listed"
        );
        assert_eq!(
            retention
                .delete_empty_stories(50_000, 10)
                .await
                .expect("stories"),
            1
        );
        assert_eq!(store.stories().count().await.expect("stories"), 1);
        assert_eq!(
            retention
                .delete_empty_stories(200_000, 10)
                .await
                .expect("stories"),
            0
        );
    })
    .await;
}

/// The story an article is placed in.
async fn story_of(store: &Store, id: ArticleId) -> StoryId {
    store
        .articles()
        .get(id)
        .await
        .expect("get")
        .expect("article")
        .article
        .story_id
        .expect("placed")
}

#[tokio::test]
async fn a_deleted_story_takes_its_follows_with_it() {
    each_backend(|store| async move {
        let ids = populate(&store).await;
        let (old, new) = (
            story_of(&store, ids[0]).await,
            story_of(&store, ids[3]).await,
        );
        let ana = store
            .users()
            .create(
                &NewUser {
                    name: "ana".into(),
                    display_name: "Ana".into(),
                    password_hash: "h".into(),
                    role: Role::Reader,
                },
                1,
            )
            .await
            .expect("user");
        let reading = store.reading();
        let retention = store.retention();
        // A search for the old story's id as text is not a follow of that story.
        let search = Follow {
            kind: FollowKind::Search,
            target: old.0.to_string(),
        };
        let follows = [Follow::story(old), Follow::story(new), search.clone()];
        for (at, follow) in (2..).zip(&follows) {
            reading.follow(ana.id, follow, at).await.expect("follow");
        }
        assert_eq!(
            retention
                .delete_articles(50_000, 10, 200_000)
                .await
                .expect("delete")
                .len(),
            3
        );
        assert_eq!(
            retention
                .delete_empty_stories(50_000, 10)
                .await
                .expect("stories"),
            1
        );
        assert_eq!(
            reading.follows(ana.id).await.expect("follows"),
            vec![Follow::story(new), search],
            "the deleted story's follow went with it, nothing else did"
        );
        let followed = reading
            .followed_stories(ana.id, 20)
            .await
            .expect("followed");
        assert_eq!(followed.iter().map(|s| s.id).collect::<Vec<_>>(), vec![new]);
    })
    .await;
}

/// Places `articles` in one new story and returns it.
async fn story_of_articles(store: &Store, articles: &[ArticleId], now: i64) -> StoryId {
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
            related: vec![],
        };
        batch.place(&placement).await.expect("place");
    }
    batch.commit(now).await.expect("commit");
    id
}

#[tokio::test]
async fn a_story_that_keeps_articles_is_recounted_and_queued_to_be_understood_again() {
    each_backend(|store| async move {
        let source = source(&store).await;
        let articles: Vec<NewArticle> = [1_000, 1_100, 100_000, 100_100]
            .iter()
            .map(|&t| article(&format!("https://old.example/{t}"), t))
            .collect();
        store
            .articles()
            .insert_new(source, &articles)
            .await
            .expect("insert");
        let mut ids = store.articles().all_ids().await.expect("ids");
        ids.sort();
        // A story of an old and a recent report, a story of an old one alone, and a recent
        // story retention does not touch.
        let spanning = story_of_articles(&store, &[ids[0], ids[2]], 100_300).await;
        let old = story_of_articles(&store, &[ids[1]], 100_300).await;
        let recent = story_of_articles(&store, &[ids[3]], 100_300).await;
        let insight = StoredInsight {
            version: 2,
            computed_at: 100_300,
            json: "{}".into(),
        };
        store
            .insights()
            .save(spanning, &insight, &[])
            .await
            .expect("insight");

        let deleted = store
            .retention()
            .delete_articles(50_000, 10, 200_000)
            .await
            .expect("delete");
        assert_eq!(deleted, vec![ids[0], ids[1]]);

        let kept = store
            .stories()
            .get(spanning)
            .await
            .expect("get")
            .expect("kept");
        assert_eq!(
            (kept.article_count, kept.first_at, kept.lead_article_id),
            (1, 100_000, Some(ids[2])),
            "recounted from the article it keeps"
        );
        assert_eq!(
            store
                .stories_to_understand()
                .pending(10)
                .await
                .expect("queue"),
            vec![spanning],
            "queued to be understood again; not the emptied story, nor the untouched one"
        );
        assert_eq!(
            store.insights().get(spanning).await.expect("insight"),
            Some(insight),
            "its summary shows until it is understood again"
        );
        let emptied = store.stories().get(old).await.expect("get").expect("kept");
        assert_eq!(emptied.article_count, 0);
        let untouched = store
            .stories()
            .get(recent)
            .await
            .expect("get")
            .expect("kept");
        assert_eq!(untouched.article_count, 1);
        assert_eq!(untouched.updated_at, 100_300, "not recounted");
    })
    .await;
}
