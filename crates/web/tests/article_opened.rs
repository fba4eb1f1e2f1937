//! Opening an article reads it: the article page served to a signed-in reader marks the
//! article read for them (the apps and `/saved` then say so), but not a `HEAD`, not a
//! browser's prefetch, not the way back from the page's own "Mark unread", and never for an
//! anonymous visitor, whose page stays cached. On SQLite and, with
//! `TIDINGS_TEST_DATABASE_URL`, PostgreSQL.

mod support;

use support::{Browser, Site, config, csrf_after, field_after, site_on};
use tidings_store::testing::each_backend;

/// Whether the reader `name` has read the site's article, by the store.
async fn read_by(site: &Site, name: &str) -> bool {
    let user = site
        .store
        .users()
        .list()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.name == name)
        .expect("the reader");
    site.store
        .reading()
        .items_by_id(user.id, &[site.article])
        .await
        .expect("items")
        .first()
        .is_some_and(|item| item.read_at.is_some())
}

/// A request for `path` with the browser's cookies and `headers`: the status.
async fn ask(
    browser: &Browser,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
) -> u16 {
    let cookies: Vec<String> = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut request = browser
        .http
        .request(method, format!("{}{path}", browser.base))
        .header("cookie", cookies.join("; "));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("send").status().as_u16()
}

#[tokio::test]
async fn opening_an_article_reads_it_for_the_signed_in_reader_only() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let path = site.article_path.clone();

        // Anonymous visitors: the page is cached, and stays cached.
        let mut visitor = site.browser();
        assert_eq!(visitor.get(&path).await.status, 200);
        assert_eq!(visitor.get(&path).await.header("x-cache"), "hit");

        let (mut ana, key) = site.account_with_key("ana").await;
        // Not opened: a HEAD, a prefetch, a prerender.
        assert_eq!(ask(&ana, reqwest::Method::HEAD, &path, &[]).await, 200);
        assert!(!read_by(&site, "ana").await, "a HEAD is not an opening");
        for prefetch in [
            ("sec-purpose", "prefetch"),
            ("sec-purpose", "prefetch;prerender"),
            ("purpose", "prefetch"),
        ] {
            assert_eq!(
                ask(&ana, reqwest::Method::GET, &path, &[prefetch]).await,
                200
            );
            assert!(
                !read_by(&site, "ana").await,
                "{prefetch:?} is not an opening"
            );
        }

        // Opened: read, and the apps say so.
        let page = ana.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(read_by(&site, "ana").await, "opening reads it");
        let entry = reqwest::Client::new()
            .get(format!("{}/v1/entries/{}", site.base, site.article))
            .header("x-auth-token", &key)
            .send()
            .await
            .expect("entry")
            .json::<serde_json::Value>()
            .await
            .expect("json");
        assert_eq!(entry["status"], "read");
        assert!(
            page.body.contains(">Mark unread<"),
            "the page's button says so"
        );

        // "Mark unread" on the page returns to it without reading it again.
        let marker = "name=\"mark\" value=\"unread\"";
        let token = csrf_after(&page.body, "/mark\"");
        let next = field_after(&page.body, marker, "next");
        assert!(next.contains("kept=unread"), "{next}");
        let done = ana
            .post(
                &format!("/article/{}/mark", site.article),
                &[("csrf", &token), ("mark", "unread"), ("next", &next)],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let back = done.location();
        assert_eq!(ana.get(&back).await.status, 200);
        assert!(!read_by(&site, "ana").await, "kept unread on the way back");

        // Another reader's opening reads it for them alone; the visitors' page is still the
        // cached one.
        let mut bob = site.reader("bob").await;
        assert_eq!(bob.get(&path).await.status, 200);
        assert!(read_by(&site, "bob").await);
        assert!(!read_by(&site, "ana").await, "not for another reader");
        assert_eq!(visitor.get(&path).await.header("x-cache"), "hit");
    })
    .await;
}

/// Holds what a write of `reader`'s mark on the site's article would wait for, until the
/// transaction is dropped: SQLite's one write lock; on PostgreSQL the mark's row.
async fn hold_the_mark(site: &Site, reader: &str) -> sqlx::Transaction<'static, sqlx::Any> {
    let pool = site.store.pool();
    if site.store.backend() == tidings_store::Backend::Sqlite {
        return pool.begin_with("BEGIN IMMEDIATE").await.expect("lock");
    }
    let user = site
        .store
        .users()
        .list()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.name == reader)
        .expect("the reader");
    let mut tx = pool.begin().await.expect("begin");
    let held = sqlx::query(
        "SELECT read_at FROM article_states WHERE user_id = $1 AND article_id = $2 FOR UPDATE",
    )
    .bind(user.id.0)
    .bind(site.article.0)
    .fetch_all(&mut *tx)
    .await
    .expect("lock the mark");
    assert_eq!(held.len(), 1, "the mark's row");
    tx
}

#[tokio::test]
async fn opening_an_article_already_read_writes_nothing() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let path = site.article_path.clone();
        let mut ana = site.reader("ana").await;
        assert_eq!(ana.get(&path).await.status, 200);
        assert!(read_by(&site, "ana").await);

        // With the mark's write held up elsewhere, opening it again is not held up: it
        // does not write. (Writing would wait for the lock: SQLite's busy timeout is 10 s,
        // PostgreSQL's row lock waits for good.)
        let lock = hold_the_mark(&site, "ana").await;
        let again = tokio::time::timeout(std::time::Duration::from_secs(3), ana.get(&path)).await;
        drop(lock);
        assert_eq!(
            again.expect("served without waiting for a write").status,
            200
        );
        assert!(read_by(&site, "ana").await);

        // "Mark unread" holds until the next opening, which reads it again.
        let page = ana.get(&path).await;
        let token = csrf_after(&page.body, "/mark\"");
        let next = field_after(&page.body, "name=\"mark\" value=\"unread\"", "next");
        let done = ana
            .post(
                &format!("/article/{}/mark", site.article),
                &[("csrf", &token), ("mark", "unread"), ("next", &next)],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(ana.get(&done.location()).await.status, 200);
        assert!(!read_by(&site, "ana").await, "kept unread on the way back");
        assert_eq!(ana.get(&path).await.status, 200);
        assert!(read_by(&site, "ana").await, "the next opening reads it");
    })
    .await;
}
