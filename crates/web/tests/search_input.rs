//! The search page, its feeds and the search API on input the index cannot use as it stands:
//! none of it lists the whole site; what was left out is shown; a page past the last says so.
//! A hit's headline and snippet say their language.

mod support;

use support::Site;
use tidings_store::Store;
use tidings_store::testing::each_backend;

/// A site over `store` with a search engine over its one article ("Flood in the valley", "The
/// river rose."), indexed; the engine's directory is returned to keep it.
async fn searchable_site(store: Store) -> (Site, tempfile::TempDir) {
    let (site, engine, dir) = support::searchable_site(store).await;
    tidings_search::catch_up(&engine, &site.store)
        .await
        .expect("index");
    (site, dir)
}

/// How many items a JSON Feed lists.
fn feed_items(body: &str) -> usize {
    let feed: serde_json::Value = serde_json::from_str(body).expect("a JSON feed");
    feed["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn input_with_nothing_to_look_for_lists_nothing_anywhere() {
    each_backend(|store| async move {
        let (site, _dir) = searchable_site(store).await;
        let mut browser = site.browser();
        let long = "q".repeat(45);
        for q in [long.as_str(), "OR", "-", "*", "(((", "source:"] {
            let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
            let page = browser.get(&format!("/search?q={encoded}")).await;
            assert_eq!(page.status, 200, "{q}");
            assert!(
                !page.body.contains("matching article"),
                "{q}: {}",
                page.body
            );
            assert!(page.body.contains("Nothing to search for"), "{q}");
            assert!(!page.body.contains("Flood in the valley"), "{q}");
            assert!(
                !page.body.contains("/search/feed."),
                "{q}: no feed of it offered"
            );
            let feed = browser.get(&format!("/search/feed.json?q={encoded}")).await;
            assert_eq!(feed.status, 200, "{q}");
            assert_eq!(feed_items(&feed.body), 0, "{q}: {}", feed.body);
            let api = browser.get(&format!("/api/v1/search?q={encoded}")).await;
            assert_eq!(api.status, 400, "{q}: {}", api.body);
            assert!(
                api.body.contains("nothing to search for"),
                "{q}: {}",
                api.body
            );
        }
        // The empty query's feed lists nothing either; a word finds the article everywhere.
        assert_eq!(
            feed_items(&browser.get("/search/feed.json?q=").await.body),
            0
        );
        assert_eq!(
            feed_items(&browser.get("/search/feed.json?q=river").await.body),
            1
        );
        let page = browser.get("/search?q=river").await;
        assert!(page.body.contains("1 matching article"), "{}", page.body);
        // The long word is said to be left out, on the page and in the API.
        let page = browser.get(&format!("/search?q={long}")).await;
        assert!(
            page.body.contains(&format!("<code>{long}</code>")),
            "{}",
            page.body
        );
        assert!(page.body.contains("too long to be in any article"));
        let api = browser.get(&format!("/api/v1/search?q={long}")).await;
        assert!(
            api.body.contains("too long to be in any article"),
            "{}",
            api.body
        );
        let with_a_word = browser.get(&format!("/api/v1/search?q=river+{long}")).await;
        let answer: serde_json::Value = serde_json::from_str(&with_a_word.body).expect("json");
        assert_eq!(answer["total_articles"], 1, "{answer}");
        assert_eq!(answer["relaxed"], false, "{answer}");
        assert_eq!(answer["ignored"], serde_json::json!([long]), "{answer}");
    })
    .await;
}

#[tokio::test]
async fn the_page_shows_what_it_left_out_and_where_the_pages_end() {
    each_backend(|store| async move {
        let (site, _dir) = searchable_site(store).await;
        let mut browser = site.browser();
        let page = browser.get("/search?q=after%3Anotadate+river").await;
        assert!(
            page.body.contains("Left out of this search"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("<code>after:notadate</code>: not a date")
        );
        assert!(page.body.contains("1 matching article"));
        // Only a bad date: nothing to search for, and still said.
        let page = browser.get("/search?q=after%3Anotadate").await;
        assert!(page.body.contains("Nothing to search for"), "{}", page.body);
        assert!(page.body.contains("<code>after:notadate</code>"));
        // Past the last page: said, with the first page's address, not "nothing matches".
        let page = browser.get("/search?q=river&page=99999").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("Nothing matches"), "{}", page.body);
        assert!(
            page.body.contains("past the last page of results"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("href=\"/search?q=river\""),
            "{}",
            page.body
        );
        assert!(!page.body.contains("page=99998"), "{}", page.body);
        // A query that matches nothing still says so.
        let page = browser.get("/search?q=volcano").await;
        assert!(page.body.contains("Nothing matches"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn a_hit_says_its_language() {
    each_backend(|store| async move {
        let (site, _dir) = searchable_site(store).await;
        let page = site.browser().get("/search?q=flood").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("<h2 class=\"card-title\" lang=\"en\">"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("<p class=\"excerpt\" lang=\"en\">"),
            "{}",
            page.body
        );
    })
    .await;
}
