//! The pipeline's indexer follows placements, not ids: an article whose id is lower than one
//! already indexed — because its insert committed late, as happens with several PostgreSQL
//! writers, or because it was placed later — is still indexed at the next catch-up, and a
//! placement committed behind the cursor is found by the look-back (`PLACED_LOOKBACK`, which
//! spans several of the assigner's 200-article batches). Run on every backend.

use sqlx::Row;
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_search::{
    EngineChoice, SearchEngine, SearchRequest, Sort, catch_up_placed, check, rebuild,
};
use tidings_store::testing::each_backend;
use tidings_store::{Backend, NewSource, Placement, Store};

async fn source(store: &Store) -> SourceId {
    store
        .sources()
        .add(
            &NewSource {
                url: "https://late.example/feed".into(),
                name: "Late Herald".into(),
                ..NewSource::default()
            },
            1_700_000_000,
        )
        .await
        .expect("add source")
        .id
}

fn article(n: usize, word: &str) -> NewArticle {
    NewArticle {
        url: format!("https://late.example/{n}"),
        title: format!("Report {n} on the {word}"),
        fetched_at: 1_750_000_000 + n as i64,
        language: Some("en".into()),
        body_text: format!("A report about the {word}."),
        ..NewArticle::default()
    }
}

async fn insert(store: &Store, source: SourceId, n: usize, word: &str) -> ArticleId {
    store
        .articles()
        .insert_new(source, &[article(n, word)])
        .await
        .expect("insert");
    id_of(store, n).await
}

async fn id_of(store: &Store, n: usize) -> ArticleId {
    let row = sqlx::query("SELECT id FROM articles WHERE url = $1")
        .bind(format!("https://late.example/{n}"))
        .fetch_one(store.pool())
        .await
        .expect("find article");
    ArticleId(row.try_get("id").expect("id"))
}

/// Places each article in a story of its own, in one batch, as the assigner does.
async fn place(store: &Store, ids: &[ArticleId]) -> Vec<StoryId> {
    let mut batch = store.stories().begin().await.expect("begin");
    let mut stories = Vec::new();
    for &id in ids {
        let story = batch
            .create_story("story", Some("en"), 1_750_000_000)
            .await
            .expect("story");
        batch
            .place(&Placement {
                article: id,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
        stories.push(story);
    }
    batch
        .commit(1_750_000_000)
        .await
        .expect("commit placements");
    stories
}

async fn found(engine: &SearchEngine, query: &str) -> Vec<ArticleId> {
    let request = SearchRequest::flat(query, Sort::Oldest, 100);
    let mut ids: Vec<ArticleId> = engine
        .search(&request)
        .await
        .expect("search")
        .hits
        .iter()
        .map(|h| h.article.id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn articles_placed_out_of_id_order_are_indexed() {
    each_backend(|store| async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
            .expect("open engine");
        let name = engine.name();
        let src = source(&store).await;
        let low = insert(&store, src, 1, "glacier").await;
        let high = insert(&store, src, 2, "glacier").await;
        // Nothing placed: nothing indexed, and the indexer does not wait on the unplaced one.
        assert_eq!(
            catch_up_placed(&engine, &store)
                .await
                .expect("catch up")
                .indexed,
            0
        );
        place(&store, &[high]).await;
        let done = catch_up_placed(&engine, &store).await.expect("catch up");
        assert_eq!(done.indexed, 1, "{name}");
        assert_eq!(found(&engine, "glacier").await, vec![high], "{name}");
        // The lower id is placed after the higher one was indexed: it is indexed next time,
        // with its story.
        let story = place(&store, &[low]).await[0];
        let done = catch_up_placed(&engine, &store).await.expect("catch up");
        assert_eq!(done.indexed, 1, "{name}");
        assert_eq!(found(&engine, "glacier").await, vec![low, high], "{name}");
        let mut request = SearchRequest::new("glacier", 10);
        request.sort = Sort::Oldest;
        let r = engine.search(&request).await.expect("search");
        assert_eq!(r.hits[0].story_id, Some(story), "{name}");
        // Caught up: nothing again.
        assert_eq!(
            catch_up_placed(&engine, &store)
                .await
                .expect("catch up")
                .indexed,
            0,
            "{name}"
        );

        // A placement committed behind the cursor (two assigners overlapping at a hand-over
        // number their batches from the same point): the look-back finds it.
        let behind = insert(&store, src, 3, "fjord").await;
        let cursor = engine.placed_cursor().await.expect("cursor");
        assert!(cursor >= 2, "{name}: {cursor}");
        sqlx::query("UPDATE articles SET story_id = $1, story_seq = $2 WHERE id = $3")
            .bind(story.0)
            .bind(cursor)
            .bind(behind.0)
            .execute(store.pool())
            .await
            .expect("place behind the cursor");
        let done = catch_up_placed(&engine, &store).await.expect("catch up");
        assert_eq!(done.indexed, 1, "{name}");
        assert_eq!(found(&engine, "fjord").await, vec![behind], "{name}");

        // A rebuild keeps the placement cursor: the next catch-up has nothing to do.
        rebuild(&engine, &store).await.expect("rebuild");
        assert_eq!(
            engine.placed_cursor().await.expect("cursor"),
            cursor,
            "{name}"
        );
        assert_eq!(
            catch_up_placed(&engine, &store)
                .await
                .expect("catch up")
                .indexed,
            0,
            "{name}"
        );
        assert!(
            check(&engine, &store, false)
                .await
                .expect("check")
                .consistent(),
            "{name}"
        );
    })
    .await;
}

/// The case that motivated placement order: two PostgreSQL writers, the first inserting an
/// article whose transaction commits after the second's article (higher id) was placed and
/// indexed.
#[tokio::test]
async fn an_insert_committed_late_on_postgres_is_indexed() {
    each_backend(|store| async move {
        if store.backend() != Backend::Postgres {
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
            .expect("open engine");
        let src = source(&store).await;
        // Writer one takes an id and holds its transaction open.
        let mut slow = store.pool().begin().await.expect("begin");
        let row = sqlx::query(
            "INSERT INTO articles (source_id, url, title, fetched_at, sort_at, language, \
             body_text, body_html) VALUES ($1, $2, $3, $4, $4, 'en', $5, '') RETURNING id",
        )
        .bind(src.0)
        .bind("https://late.example/slow")
        .bind("Slow report on the avalanche")
        .bind(1_750_000_000_i64)
        .bind("The avalanche report committed late.")
        .fetch_one(&mut *slow)
        .await
        .expect("slow insert");
        let slow_id = ArticleId(row.try_get("id").expect("id"));
        // Writer two commits a later id, which is placed and indexed.
        let fast = insert(&store, src, 10, "avalanche").await;
        assert!(fast > slow_id);
        place(&store, &[fast]).await;
        assert_eq!(
            catch_up_placed(&engine, &store)
                .await
                .expect("catch up")
                .indexed,
            1
        );
        // Writer one commits; its article is placed; the indexer finds it.
        slow.commit().await.expect("commit slow insert");
        place(&store, &[slow_id]).await;
        assert_eq!(
            catch_up_placed(&engine, &store)
                .await
                .expect("catch up")
                .indexed,
            1
        );
        assert_eq!(found(&engine, "avalanche").await, vec![slow_id, fast]);
        assert!(
            check(&engine, &store, false)
                .await
                .expect("check")
                .consistent()
        );
    })
    .await;
}

#[tokio::test]
async fn each_article_is_indexed_with_the_entities_of_its_own_story() {
    use tidings_store::{StoredInsight, StoryEntity};
    each_backend(|store| async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = SearchEngine::open(&store, &dir.path().join("search"), EngineChoice::Auto)
            .expect("open engine");
        let name = engine.name();
        let src = source(&store).await;
        let first = insert(&store, src, 1, "harbour").await;
        let second = insert(&store, src, 2, "harbour").await;
        let stories = place(&store, &[first, second]).await;
        // Names the articles' own text never mentions, as a story's understanding finds them
        // across its sources.
        for (story, who) in stories.iter().zip(["Ximena Okonkwo", "Borealis Shipping"]) {
            let entity = StoryEntity {
                slug: who.to_lowercase().replace(' ', "-"),
                name: who.into(),
                kind: "person".into(),
                mentions: 3,
            };
            let insight = StoredInsight {
                version: 1,
                computed_at: 1_750_000_000,
                json: "{}".into(),
            };
            store
                .insights()
                .save(*story, &insight, &[entity])
                .await
                .expect("save insight");
        }
        let done = catch_up_placed(&engine, &store).await.expect("catch up");
        assert_eq!(done.indexed, 2, "{name}");
        assert_eq!(
            found(&engine, "entity:okonkwo").await,
            vec![first],
            "{name}"
        );
        assert_eq!(
            found(&engine, "about:\"Borealis Shipping\"").await,
            vec![second],
            "{name}"
        );
    })
    .await;
}
