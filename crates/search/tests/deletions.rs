//! Deleted articles leave the embedded index: a source removed from the database (by the CLI
//! or a web process, which cannot reach the index) queues its articles, and the indexer's
//! `forget_deleted` drops them, without dropping a new article that took a deleted one's id.

use std::path::Path;
use tidings_model::{ArticleId, NewArticle, SourceId};
use tidings_search::{
    IndexOptions, SearchEngine, SearchIndex, SearchRequest, Sort, catch_up, forget_deleted,
};
use tidings_store::{NewSource, Store, StoreOptions};

async fn sqlite_store(dir: &Path) -> Store {
    let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    Store::open(&url, StoreOptions::default())
        .await
        .expect("open store")
}

async fn titles(engine: &SearchEngine, query: &str) -> Vec<String> {
    let request = SearchRequest::flat(query, Sort::Newest, 100);
    let mut titles: Vec<String> = engine
        .search(&request)
        .await
        .expect("search")
        .hits
        .iter()
        .map(|h| h.article.title.clone())
        .collect();
    titles.sort();
    titles
}

async fn source(store: &Store, name: &str) -> SourceId {
    let new = NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("source").id
}

async fn article(store: &Store, source: SourceId, slug: &str, title: &str) -> ArticleId {
    let new = NewArticle {
        url: format!("https://news.example/{slug}"),
        title: title.into(),
        fetched_at: 1_760_000_000,
        language: Some("en".into()),
        body_text: format!("{title}. More about it."),
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

#[tokio::test]
async fn removed_articles_leave_the_index_and_a_reused_id_keeps_its_new_article() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = sqlite_store(tmp.path()).await;
    let (index, _) =
        SearchIndex::open_or_recreate(&tmp.path().join("index"), IndexOptions::default())
            .expect("index");
    let engine = SearchEngine::Tantivy(Box::new(index));
    let (kept, gone) = (source(&store, "kept").await, source(&store, "gone").await);
    article(&store, kept, "harbour", "Harbour reopens").await;
    let volcano = article(&store, gone, "volcano", "Volcano erupts").await;
    article(&store, gone, "glacier", "Glacier retreats").await;
    catch_up(&engine, &store).await.expect("index");
    assert_eq!(titles(&engine, "").await.len(), 3);

    assert!(store.sources().remove(gone, 10).await.expect("remove"));
    assert_eq!(
        titles(&engine, "").await.len(),
        3,
        "the index has not been told yet"
    );
    // Before the indexer's next tick, a new article arrives; SQLite gives it the next id
    // after the highest left, which the removed volcano report had.
    let fresh = article(&store, kept, "bridge", "Bridge opens").await;
    assert_eq!(fresh, volcano, "SQLite reuses a deleted id");

    assert_eq!(forget_deleted(&engine, &store).await.expect("forget"), 2);
    assert_eq!(
        titles(&engine, "").await,
        vec!["Bridge opens".to_string(), "Harbour reopens".to_string()],
        "the removed reports are gone; the new article under the reused id is found"
    );
    assert!(titles(&engine, "volcano").await.is_empty());
    assert!(
        store
            .forgotten_articles()
            .pending(10)
            .await
            .expect("queue")
            .is_empty(),
        "the queue is drained"
    );
    assert_eq!(forget_deleted(&engine, &store).await.expect("again"), 0);
}
