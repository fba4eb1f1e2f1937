//! The cross-language linking lock: a second linker waits until the first lets go, in one
//! process and (PostgreSQL) across processes sharing a schema; installations in other schemas
//! do not wait on each other; a holder that dies without letting go frees the lock.

use std::time::Duration;
use tidings_store::testing::{drop_schema, each_backend, fresh_schema_name, postgres_url};
use tidings_store::{LinkingLock, Store, StoreOptions};
use tokio::task::JoinHandle;

/// How long a waiter is watched to see that it waits.
const WATCH: Duration = Duration::from_millis(300);
/// How long a waiter may take once the lock is free.
const GRANT: Duration = Duration::from_secs(5);

fn wait_for_lock(store: &Store) -> JoinHandle<LinkingLock> {
    let store = store.clone();
    tokio::spawn(async move { store.lock_linking().await.expect("lock") })
}

/// `waiter` does not get the lock while `holder` is held, and gets it once `let_go` runs.
async fn waits_until_let_go<F, Fut>(waiter: &Store, let_go: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let waiting = wait_for_lock(waiter);
    tokio::time::sleep(WATCH).await;
    assert!(
        !waiting.is_finished(),
        "a second linker waits for the first"
    );
    let_go().await;
    let second = tokio::time::timeout(GRANT, waiting)
        .await
        .expect("the waiter gets the lock once it is let go")
        .expect("task");
    second.release().await.expect("release");
}

#[tokio::test]
async fn one_linker_at_a_time_in_a_process() {
    each_backend(|store| async move {
        let first = store.lock_linking().await.expect("lock");
        waits_until_let_go(
            &store,
            || async move { first.release().await.expect("release") },
        )
        .await;
        // Dropped without release (a failed link): the next linker still gets in.
        let dropped = store.lock_linking().await.expect("lock");
        waits_until_let_go(&store, || async move { drop(dropped) }).await;
    })
    .await;
}

async fn open(url: &str, schema: &str) -> Store {
    let options = StoreOptions {
        max_connections: 4,
        postgres_schema: Some(schema.to_string()),
    };
    Store::open(url, options)
        .await
        .expect("open PostgreSQL store")
}

#[tokio::test]
async fn one_linker_at_a_time_across_processes_on_postgres() {
    let Some(url) = postgres_url() else {
        return;
    };
    let schema = fresh_schema_name();
    let other_schema = fresh_schema_name();
    // Two pools on one schema stand for two processes of one installation.
    let one = open(&url, &schema).await;
    let two = open(&url, &schema).await;
    let elsewhere = open(&url, &other_schema).await;

    let first = one.lock_linking().await.expect("lock");
    let unrelated = tokio::time::timeout(GRANT, elsewhere.lock_linking())
        .await
        .expect("another installation's linker does not wait")
        .expect("lock");
    unrelated.release().await.expect("release");
    waits_until_let_go(
        &two,
        || async move { first.release().await.expect("release") },
    )
    .await;

    // A process that dies holding the lock: its connection closes and the lock goes with it.
    let holder = one.lock_linking().await.expect("lock");
    let waiting = wait_for_lock(&two);
    tokio::time::sleep(WATCH).await;
    assert!(!waiting.is_finished(), "the other process waits");
    drop(holder);
    one.close().await;
    let got = tokio::time::timeout(GRANT, waiting)
        .await
        .expect("the lock is free once its holder's connections are gone")
        .expect("task");
    got.release().await.expect("release");

    two.close().await;
    elsewhere.close().await;
    drop_schema(&url, &schema).await;
    drop_schema(&url, &other_schema).await;
}
