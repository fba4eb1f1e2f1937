//! Data lifecycle from the command line: `tidings backup` while the server runs, and
//! `tidings migrate --to postgres://…` round-tripping the fixture day's installation with
//! identical row counts and checksums, table by table.

mod support;

use support::{Server, add_fixture_outlets, cli, cli_ok, fixture_day_web, wait_until_placed};
use tidings_store::copy::checksums;
use tidings_store::testing::{create_database, drop_database, postgres_url};
use tidings_store::{Store, StoreOptions};

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_serving_and_migrate_to_postgres_losslessly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let web = fixture_day_web().await;
    add_fixture_outlets(dir.path(), &web);
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), 5).await;

    // An online backup, taken while the server runs.
    let backup = dir.path().join("backup.db");
    let backup_arg = backup.to_str().expect("utf-8 path");
    let out = cli_ok(dir.path(), &["backup", backup_arg]);
    assert!(out.contains("backup written to"), "{out}");
    assert_eq!(server.get("/").await.0, 200, "the server went on serving");
    let copy = Store::open(&sqlite_url(&backup), StoreOptions::default())
        .await
        .expect("open the backup");
    assert_eq!(copy.articles().count().await.expect("count"), 5);
    assert_eq!(copy.stories().count().await.expect("stories"), 2);
    let integrity: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(copy.pool())
        .await
        .expect("integrity check");
    assert_eq!(integrity.0, "ok");
    copy.close().await;
    let again = cli(dir.path(), &["backup", backup_arg]);
    assert!(
        !again.status.success(),
        "an existing file is not overwritten"
    );
    let pg = cli(
        dir.path(),
        &[
            "backup",
            "x.db",
            "--database-url",
            "postgres://db.invalid/tidings",
        ],
    );
    assert!(!pg.status.success());
    assert!(
        String::from_utf8_lossy(&pg.stderr).contains("pg_dump"),
        "PostgreSQL is pointed at pg_dump: {}",
        String::from_utf8_lossy(&pg.stderr)
    );
    assert!(server.stop());

    // The installation moves to PostgreSQL.
    let Some(admin) = postgres_url() else { return };
    let database = create_database(&admin).await;
    let out = cli_ok(dir.path(), &["migrate", "--to", &database]);
    assert!(
        out.contains("articles") && !out.contains("DIFFERS"),
        "{out}"
    );
    let from = Store::open(
        &sqlite_url(&dir.path().join("tidings.db")),
        StoreOptions::default(),
    )
    .await
    .expect("open SQLite");
    let to = Store::open(&database, StoreOptions::default())
        .await
        .expect("open PostgreSQL");
    let before = checksums(&from, &from).await.expect("SQLite checksums");
    let after = checksums(&from, &to).await.expect("PostgreSQL checksums");
    assert_eq!(before, after, "every table has the same rows");
    let rows = |table: &str| {
        before
            .iter()
            .find(|t| t.table == table)
            .unwrap_or_else(|| panic!("no table {table}"))
            .rows
    };
    for table in ["sources", "articles", "stories", "story_links", "jobs"] {
        assert!(before.iter().any(|t| t.table == table), "{table} is copied");
    }
    assert_eq!(rows("sources"), 3);
    assert_eq!(rows("articles"), 5);
    assert_eq!(rows("stories"), 2);
    // A different value in one row changes the checksum.
    sqlx::query(
        "UPDATE articles SET title = title || '.' WHERE id = (SELECT MIN(id) FROM articles)",
    )
    .execute(to.pool())
    .await
    .expect("touch a row");
    let touched = checksums(&from, &to).await.expect("checksums");
    assert_ne!(before, touched, "the checksum sees a changed title");
    // Ids go on after the highest one copied.
    let next = to
        .sources()
        .add(
            &tidings_store::NewSource {
                url: "https://after.example/feed".into(),
                ..Default::default()
            },
            0,
        )
        .await
        .expect("a new source");
    assert_eq!(next.id.0, 4);
    // A second migration into the same database is refused: it is not empty.
    let twice = cli(dir.path(), &["migrate", "--to", &database]);
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("not empty"));

    // The site runs on the migrated database.
    let server = Server::start(dir.path(), &["--database-url", &database, "--no-workers"]).await;
    let (status, front) = server.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(front.matches("class=\"card story-card\"").count(), 2);
    assert!(server.stop());
    from.close().await;
    to.close().await;
    drop_database(&admin, &database).await;
}
