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
