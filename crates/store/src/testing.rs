//! Test support: run one test body against every backend the machine offers.
//!
//! SQLite always runs, in a fresh temporary file. PostgreSQL runs when
//! `TIDINGS_TEST_DATABASE_URL` is set (`.ci/run` sets it), each run in a fresh schema that is
//! dropped afterwards. In CI (`CI` set) a missing PostgreSQL URL is an error, not a skip.

use crate::{Backend, Store, StoreOptions};
use sqlx::Executor;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable that names the PostgreSQL database tests may use.
pub const TEST_DATABASE_URL: &str = "TIDINGS_TEST_DATABASE_URL";

static NEXT_SCHEMA: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL URL for tests, if any; panics in CI when it is missing.
pub fn postgres_url() -> Option<String> {
    match std::env::var(TEST_DATABASE_URL) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{TEST_DATABASE_URL} must be set in CI: the store tests run on PostgreSQL too")
        }
        _ => {
            eprintln!("note: {TEST_DATABASE_URL} is not set; PostgreSQL part skipped");
            None
        }
    }
}

/// A fresh schema name, unique to this process and call.
pub fn fresh_schema_name() -> String {
    let n = NEXT_SCHEMA.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("tidings_test_{}_{}_{}", std::process::id(), n, nanos)
}

/// Runs `test` once on a fresh SQLite store and once on a fresh PostgreSQL schema (when
/// available), naming the backend in the argument.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let store = Store::open(&url, StoreOptions::default())
        .await
        .expect("open SQLite store");
    assert_eq!(store.backend(), Backend::Sqlite);
    test(store.clone()).await;
    store.close().await;

    if let Some(url) = postgres_url() {
        let schema = fresh_schema_name();
        let options = StoreOptions {
            max_connections: 4,
            postgres_schema: Some(schema.clone()),
        };
        let store = Store::open(&url, options)
            .await
            .expect("open PostgreSQL store");
        assert_eq!(store.backend(), Backend::Postgres);
        test(store.clone()).await;
        store.close().await;
        drop_schema(&url, &schema).await;
    }
}

/// Drops a test schema and everything in it.
pub async fn drop_schema(url: &str, schema: &str) {
    sqlx::any::install_default_drivers();
    if let Ok(pool) = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
    {
        let sql = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        let _ = pool.execute(sqlx::AssertSqlSafe(sql)).await;
        pool.close().await;
    }
}

/// A fresh PostgreSQL database next to the one `url` names, for a test that runs whole
/// processes against it. Returns its URL; [`drop_database`] removes it.
pub async fn create_database(url: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = fresh_schema_name();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("connect to PostgreSQL");
    pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .await
        .expect("create a test database");
    pool.close().await;
    let mut parsed = url::Url::parse(url).expect("a PostgreSQL URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

/// Drops a database made by [`create_database`], ending its sessions first.
pub async fn drop_database(admin_url: &str, database_url: &str) {
    let Some(name) = url::Url::parse(database_url)
        .ok()
        .map(|u| u.path().trim_start_matches('/').to_string())
    else {
        return;
    };
    if let Ok(pool) = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(admin_url)
        .await
    {
        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        let _ = pool.execute(sqlx::AssertSqlSafe(sql)).await;
        pool.close().await;
    }
}

/// The query plan of the unread-replies count for account `user`, one line per row of the
/// backend's `EXPLAIN QUERY PLAN` (SQLite) or `EXPLAIN` (PostgreSQL), to check which index
/// serves it.
pub async fn unread_replies_plan(store: &Store, user: i64) -> Vec<String> {
    let sql = crate::replies::unread_sql();
    plan(store, &sql, &[user, crate::replies::UNREAD_CAP]).await
}

/// The query plan of one page of account `user`'s comments for its data export (the second
/// page of 1,000 after a comment at time `after_at`), as [`unread_replies_plan`] gives it.
pub async fn comments_by_author_plan(store: &Store, user: i64, after_at: i64) -> Vec<String> {
    plan(
        store,
        crate::comments::BY_AUTHOR,
        &[user, after_at, 0, 1_000],
    )
    .await
}

/// The query plan of one page of account `user`'s read marks for its data export (1,000
/// after article `after`), as [`unread_replies_plan`] gives it.
pub async fn read_marks_plan(store: &Store, user: i64, after: i64) -> Vec<String> {
    let sql = crate::reading::marked_sql(crate::MarkKind::Read);
    plan(store, &sql, &[user, after, 1_000]).await
}

/// The query plan of one page of the reports account `user` filed (for its data export, 1,000
/// after report `after`), as [`unread_replies_plan`] gives it.
pub async fn reports_by_plan(store: &Store, user: i64, after: i64) -> Vec<String> {
    plan(store, crate::moderation::REPORTS_BY, &[user, after, 1_000]).await
}

/// The query plan of one page of the audit log's lines about account `user` (for its data
/// export, 1,000 after line `after`), as [`unread_replies_plan`] gives it.
pub async fn log_about_plan(store: &Store, user: i64, after: i64) -> Vec<String> {
    plan(store, crate::moderation::LOG_ABOUT, &[user, after, 1_000]).await
}

/// The query plan of an entity page's lookup of the entity `slug` with the entities merged
/// into it, as [`unread_replies_plan`] gives it.
pub async fn entity_lookup_plan(store: &Store, slug: &str) -> Vec<String> {
    let sql = format!("{} {}", explain(store).0, crate::entity_groups::LOOKUP);
    explained(store, sqlx::query(sqlx::AssertSqlSafe(sql)).bind(slug)).await
}

/// The query plan of the first page of account `user`'s saved articles as `/saved` reads it
/// (starred, most recently starred first, 41 to read 40), as [`unread_replies_plan`] gives
/// it.
pub async fn saved_items_plan(store: &Store, user: i64) -> Vec<String> {
    let query = crate::ItemQuery {
        scope: Some(crate::ItemScope::Starred),
        order: crate::ItemOrder::StarredNewestFirst,
        limit: 41,
        ..crate::ItemQuery::default()
    };
    let (sql, binds) = crate::reading::items_sql(tidings_model::UserId(user), &query);
    plan(store, &sql, &binds).await
}

/// The backend's way to explain a statement, and the column its lines are in.
fn explain(store: &Store) -> (&'static str, &'static str) {
    match store.backend() {
        Backend::Sqlite => ("EXPLAIN QUERY PLAN", "detail"),
        Backend::Postgres => ("EXPLAIN", "QUERY PLAN"),
    }
}

/// The backend's plan of `sql` with `binds`, one line per row.
async fn plan(store: &Store, sql: &str, binds: &[i64]) -> Vec<String> {
    let sql = format!("{} {sql}", explain(store).0);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(*value);
    }
    explained(store, query).await
}

/// The lines of an `EXPLAIN` statement's answer.
async fn explained<'q>(
    store: &Store,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
) -> Vec<String> {
    use sqlx::Row;
    let column = explain(store).1;
    query
        .fetch_all(store.pool())
        .await
        .expect("explain")
        .iter()
        .map(|r| r.try_get::<String, _>(column).expect("a plan line"))
        .collect()
}
