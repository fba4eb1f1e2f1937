//! The site revision moves with every write that changes a page, in the write's own
//! transaction, and stays put for writes that change no page, on every backend.

use tidings_model::{CommentState, CommentTarget, NewArticle, Role, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{
    FetchSuccess, NewComment, NewSource, NewUser, PageContent, Placement, Store, StoredInsight,
    StoryEntity,
};

fn article(url: &str, title: &str) -> NewArticle {
    NewArticle {
        url: url.to_string(),
        title: title.to_string(),
        published_at: Some(1_000),
        fetched_at: 1_060,
        body_text: format!("{title} body."),
        body_html: format!("<p>{title} body.</p>"),
        ..NewArticle::default()
    }
}

async fn revision(store: &Store) -> i64 {
    store.revision().await.expect("revision")
}

/// Runs `write` and returns by how much it moved the revision.
async fn moved<F: std::future::Future<Output = ()>>(store: &Store, write: F) -> i64 {
    let before = revision(store).await;
    write.await;
    revision(store).await - before
}

#[tokio::test]
async fn page_changing_writes_bump_the_revision_and_others_do_not() {
    each_backend(|store| async move {
        let new_source = NewSource {
            url: "https://dw.example/feed".into(),
            ..NewSource::default()
        };
        let mut source = None;
        assert!(
            moved(&store, async {
                source = Some(store.sources().add(&new_source, 0).await.expect("add"));
            })
            .await
                > 0,
            "adding a source"
        );
        let source = source.expect("source").id;

        // A fetch's health shows on no cached page; a feed's title naming the source does.
        let ok = FetchSuccess {
            at: 10,
            next_fetch_at: 100,
            ..FetchSuccess::default()
        };
        let quiet = moved(&store, async {
            store
                .sources()
                .record_success(source, &ok)
                .await
                .expect("ok");
            store
                .sources()
                .record_failure(source, 20, "timeout", 200)
                .await
                .expect("failure");
        })
        .await;
        assert_eq!(quiet, 0, "fetch health alone");
        let named = FetchSuccess {
            feed_title: Some("DW".into()),
            ..ok.clone()
        };
        assert!(
            moved(&store, async {
                store
                    .sources()
                    .record_success(source, &named)
                    .await
                    .expect("ok");
            })
            .await
                > 0,
            "a source named after its feed"
        );
        assert_eq!(
            store
                .sources()
                .get(source)
                .await
                .expect("get")
                .map(|s| s.name),
            Some("DW".to_string())
        );

        let one = [article("https://dw.example/1", "Quake hits")];
        assert!(
            moved(&store, async {
                store
                    .articles()
                    .insert_new(source, &one)
                    .await
                    .expect("insert");
            })
            .await
                > 0,
            "a new article"
        );
        assert_eq!(
            moved(&store, async {
                store
                    .articles()
                    .insert_new(source, &one)
                    .await
                    .expect("again");
            })
            .await,
            0,
            "the same article again adds nothing"
        );
        let id = store.articles().latest(1, 0).await.expect("latest")[0]
            .article
            .id;
        assert!(
            moved(&store, async {
                let page = PageContent {
                    body_text: "Full text.".into(),
                    body_html: "<p>Full text.</p>".into(),
                    ..PageContent::default()
                };
                assert!(
                    store
                        .articles()
                        .update_from_page(id, &page, 0)
                        .await
                        .expect("page")
                );
            })
            .await
                > 0,
            "an article completed from its page"
        );

        // A dropped batch records nothing, its bump included; a committed one bumps.
        assert_eq!(
            moved(&store, async {
                let mut batch = store.stories().begin().await.expect("begin");
                let story = batch.create_story("Quake", None, 5).await.expect("story");
                batch
                    .place(&Placement {
                        article: id,
                        story,
                        duplicate_of: None,
                        related: Vec::new(),
                    })
                    .await
                    .expect("place");
                drop(batch);
            })
            .await,
            0,
            "a dropped placement batch"
        );
        let mut story = StoryId(0);
        assert!(
            moved(&store, async {
                let mut batch = store.stories().begin().await.expect("begin");
                story = batch.create_story("Quake", None, 5).await.expect("story");
                batch
                    .place(&Placement {
                        article: id,
                        story,
                        duplicate_of: None,
                        related: Vec::new(),
                    })
                    .await
                    .expect("place");
                batch.commit(6).await.expect("commit");
            })
            .await
                > 0,
            "a committed placement batch"
        );

        assert!(
            moved(&store, async {
                let insight = StoredInsight {
                    version: 1,
                    computed_at: 7,
                    json: "{}".into(),
                };
                let entity = StoryEntity {
                    slug: "dw".into(),
                    name: "DW".into(),
                    kind: "organisation".into(),
                    mentions: 1,
                };
                store
                    .insights()
                    .save(story, &insight, &[entity])
                    .await
                    .expect("save");
            })
            .await
                > 0,
            "a story's insight saved"
        );
        // Comments: a visible one shows on its page at once, a held one does not.
        let user = store
            .users()
            .create(
                &NewUser {
                    name: "ana".into(),
                    display_name: "Ana".into(),
                    password_hash: "$argon2id$x".into(),
                    role: Role::Reader,
                },
                8,
            )
            .await
            .expect("user")
            .id;
        let comment = |state| NewComment {
            target: CommentTarget::Story(story),
            parent_id: None,
            user_id: user,
            body_source: "Well reported.".into(),
            body_html: "<p>Well reported.</p>".into(),
            state,
        };
        let mut visible = None;
        assert!(
            moved(&store, async {
                visible = Some(
                    store
                        .comments()
                        .insert(&comment(CommentState::Visible), 9)
                        .await
                        .expect("comment"),
                );
            })
            .await
                > 0,
            "a visible comment"
        );
        let visible = visible.expect("comment");
        assert_eq!(
            moved(&store, async {
                store
                    .comments()
                    .insert(&comment(CommentState::Held), 9)
                    .await
                    .expect("comment");
            })
            .await,
            0,
            "a held comment"
        );
        assert!(
            moved(&store, async {
                store
                    .comments()
                    .edit(visible, "Edited.", "<p>Edited.</p>", 10)
                    .await
                    .expect("edit");
            })
            .await
                > 0,
            "an edited comment"
        );
        assert!(
            moved(&store, async {
                store
                    .comments()
                    .set_state(visible, CommentState::Hidden)
                    .await
                    .expect("hide");
            })
            .await
                > 0,
            "a hidden comment"
        );
        assert!(
            moved(&store, async {
                store.users().delete(user).await.expect("delete");
            })
            .await
                > 0,
            "a deleted account, whose comments now read as deleted"
        );

        assert!(
            moved(&store, async {
                store.bump_revision().await.expect("bump");
            })
            .await
                > 0,
            "a write from another crate"
        );
        assert!(
            moved(&store, async {
                assert!(store.sources().remove(source, 1).await.expect("remove"));
            })
            .await
                > 0,
            "removing a source"
        );
        assert_eq!(
            moved(&store, async {
                assert!(!store.sources().remove(source, 1).await.expect("remove"));
            })
            .await,
            0,
            "removing nothing"
        );
    })
    .await;
}
