//! Crash recovery of the embedded index: whatever state the index directory is left in — an
//! uncommitted writer, a damaged or deleted directory — reopening it and catching up from the
//! database gives the right results.

mod common;

use std::path::Path;
use tidings_model::NewArticle;
use tidings_search::{
    IndexOptions, SearchEngine, SearchIndex, SearchRequest, Sort, catch_up, check,
};
use tidings_store::{Store, StoreOptions};

async fn sqlite_store(dir: &Path) -> Store {
    let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    Store::open(&url, StoreOptions::default())
        .await
        .expect("open store")
}

async fn count(engine: &SearchEngine, query: &str) -> usize {
    let request = SearchRequest::flat(query, Sort::Newest, 1_000);
    engine.search(&request).await.expect("search").hits.len()
}

fn open(dir: &Path) -> SearchEngine {
    let (index, _) = SearchIndex::open_or_recreate(dir, IndexOptions::default()).expect("open");
    SearchEngine::Tantivy(Box::new(index))
}

#[tokio::test]
async fn reopening_after_any_crash_and_catching_up_gives_correct_results() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = sqlite_store(tmp.path()).await;
    let fx = common::load(store).await;
    let store = fx.store.clone();
    let dir = tmp.path().join("index");
    let source = store.sources().list().await.expect("sources")[0].id;

    // A first index, caught up and committed.
    let engine = open(&dir);
    assert_eq!(
        catch_up(&engine, &store).await.expect("catch up").indexed,
        155
    );
    assert_eq!(count(&engine, "").await, 155);

    // 1. Crash between the database insert and the index commit: the article is stored, the
    //    writer added it but never committed.
    let new = NewArticle {
        url: "https://late.example/zeppelin".into(),
        title: "Zeppelin lands in Friedrichshafen".into(),
        fetched_at: 1_760_000_000,
        language: Some("en".into()),
        body_text: "An airship landed.".into(),
        ..NewArticle::default()
    };
    store
        .articles()
        .insert_new(source, &[new])
        .await
        .expect("insert");
    let added = store.articles().latest(1, 0).await.expect("latest")[0].clone();
    engine
        .index(&[tidings_search::SearchDoc::from_listing(
            &added,
            "late.example",
        )])
        .await
        .expect("index");
    drop(engine); // no commit: the process "died"
    let engine = open(&dir);
    assert_eq!(
        count(&engine, "zeppelin").await,
        0,
        "uncommitted work is gone"
    );
    assert_eq!(
        catch_up(&engine, &store).await.expect("catch up").indexed,
        1
    );
    assert_eq!(count(&engine, "zeppelin").await, 1);
    assert!(
        check(&engine, &store, false)
            .await
            .expect("check")
            .consistent()
    );
    drop(engine);

    // 2. A damaged index: its meta file is garbage. It is recreated empty and refilled.
    std::fs::write(dir.join("meta.json"), b"{ not json").expect("damage meta.json");
    let (index, recreated) =
        SearchIndex::open_or_recreate(&dir, IndexOptions::default()).expect("reopen");
    assert!(recreated);
    assert_eq!(index.cursor().0, 0);
    let engine = SearchEngine::Tantivy(Box::new(index));
    assert_eq!(
        catch_up(&engine, &store).await.expect("catch up").indexed,
        156
    );
    assert_eq!(count(&engine, "").await, 156);
    assert_eq!(count(&engine, "zeppelin").await, 1);
    drop(engine);

    // 3. Segment files lost: every file but meta.json deleted.
    for entry in std::fs::read_dir(&dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e != "json") {
            std::fs::remove_file(&path).expect("remove");
        }
    }
    // The start-up routine: open (recreating what cannot be opened), catch up, check and fix.
    let engine = open(&dir);
    catch_up(&engine, &store).await.expect("catch up");
    check(&engine, &store, true).await.expect("check and fix");
    assert_eq!(count(&engine, "").await, 156);
    assert_eq!(count(&engine, "zeppelin").await, 1);
    drop(engine);

    // 4. The directory deleted outright.
    std::fs::remove_dir_all(&dir).expect("remove index");
    let engine = open(&dir);
    assert_eq!(
        catch_up(&engine, &store).await.expect("catch up").indexed,
        156
    );
    assert_eq!(count(&engine, "zeppelin").await, 1);
    assert!(
        check(&engine, &store, false)
            .await
            .expect("check")
            .consistent()
    );
}
