//! A backup restored under the embedded index: the database goes back in time, SQLite hands
//! the ids the index still holds to new articles, and the index must notice rather than
//! answer with other articles than the ids now name.

use std::path::Path;
use tidings_model::{ArticleId, NewArticle, SourceId};
use tidings_search::{
    IndexOptions, SearchEngine, SearchIndex, SearchRequest, Sort, catch_up, check,
    rebuild_if_stale, stale_reason,
};
use tidings_store::{NewSource, Store, StoreOptions};

async fn open_store(dir: &Path) -> Store {
    let url = format!("sqlite://{}?mode=rwc", dir.join("tidings.db").display());
    Store::open(&url, StoreOptions::default())
        .await
        .expect("open store")
}

fn open_index(dir: &Path) -> SearchEngine {
    let (index, _) =
        SearchIndex::open_or_recreate(&dir.join("search"), IndexOptions::default()).expect("open");
    SearchEngine::Tantivy(Box::new(index))
}

/// Stores one article per title (`https://outlet.example/{slug}`); returns their ids.
async fn add(store: &Store, source: SourceId, slug: &str, titles: &[&str]) -> Vec<ArticleId> {
    let news: Vec<NewArticle> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| NewArticle {
            url: format!("https://outlet.example/{slug}-{i}"),
            title: (*title).into(),
            fetched_at: 1_760_000_000 + i as i64,
            language: Some("en".into()),
            body_text: format!("{title}."),
            ..NewArticle::default()
        })
        .collect();
    store
        .articles()
        .insert_new(source, &news)
        .await
        .expect("insert");
    let mut ids: Vec<ArticleId> = store
        .articles()
        .latest(1_000, 0)
        .await
        .expect("latest")
        .into_iter()
        .filter(|l| l.article.content.url.contains(&format!("/{slug}-")))
        .map(|l| l.article.id)
        .collect();
    ids.sort();
    ids
}

async fn hits(engine: &SearchEngine, query: &str) -> Vec<ArticleId> {
    let request = SearchRequest::flat(query, Sort::Newest, 100);
    let mut ids: Vec<ArticleId> = engine
        .search(&request)
        .await
        .expect("search")
        .hits
        .iter()
        .flat_map(|h| std::iter::once(h.article.id).chain(h.others.iter().map(|o| o.id)))
        .collect();
    ids.sort();
    ids
}

/// Copies the database file (closed, so without a write-ahead log) from `from` to `to`.
fn copy_database(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(to.join(format!("tidings.db{suffix}")));
    }
    std::fs::copy(from.join("tidings.db"), to.join("tidings.db")).expect("copy");
}

#[tokio::test]
async fn a_restored_backup_is_noticed_and_the_index_rebuilt() {
    let data = tempfile::tempdir().expect("tempdir");
    let backup = tempfile::tempdir().expect("tempdir");
    let store = open_store(data.path()).await;
    let source = store
        .sources()
        .add(
            &NewSource {
                url: "https://outlet.example/feed".into(),
                name: "Outlet".into(),
                ..NewSource::default()
            },
            0,
        )
        .await
        .expect("source")
        .id;
    add(
        &store,
        source,
        "flood",
        &["Flood in the valley", "Flood water recedes"],
    )
    .await;
    let engine = open_index(data.path());
    catch_up(&engine, &store).await.expect("catch up");
    store.close().await;
    copy_database(data.path(), backup.path()); // the backup

    // Articles added after the backup, and indexed.
    let store = open_store(data.path()).await;
    let zeppelins = add(
        &store,
        source,
        "zeppelin",
        &["Zeppelin lands", "Zeppelin takes off"],
    )
    .await;
    catch_up(&engine, &store).await.expect("catch up");
    assert_eq!(hits(&engine, "zeppelin").await, zeppelins);
    assert_eq!(stale_reason(&engine, &store).await.expect("check"), None);
    store.close().await;

    // The backup restored: the index is ahead of the database.
    copy_database(backup.path(), data.path());
    let store = open_store(data.path()).await;
    let reason = stale_reason(&engine, &store).await.expect("check");
    assert!(
        reason
            .as_deref()
            .is_some_and(|r| r.contains("caught up to article")),
        "{reason:?}"
    );

    // Left alone, new articles take the ids the index holds for the zeppelins.
    let avalanches = add(
        &store,
        source,
        "avalanche",
        &["Avalanche closes pass", "Avalanche warning"],
    )
    .await;
    assert_eq!(avalanches, zeppelins, "SQLite gives the restored ids again");
    let report = check(&engine, &store, false).await.expect("check");
    assert!(
        report.missing.is_empty() && report.extra.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        report.mismatched, avalanches,
        "search check sees other articles"
    );
    assert!(!report.consistent());
    assert!(
        stale_reason(&engine, &store)
            .await
            .expect("check")
            .is_some_and(|r| r.contains("another article")),
        "the newest ids are compared with their documents"
    );

    // At start: rebuilt, and the search answers with the database's articles.
    let rebuilt = rebuild_if_stale(&engine, &store).await.expect("rebuild");
    assert!(rebuilt.is_some());
    assert_eq!(hits(&engine, "zeppelin").await, Vec::<ArticleId>::new());
    assert_eq!(hits(&engine, "avalanche").await, avalanches);
    assert!(
        check(&engine, &store, false)
            .await
            .expect("check")
            .consistent()
    );
    assert_eq!(
        rebuild_if_stale(&engine, &store).await.expect("again"),
        None
    );
    store.close().await;
}
