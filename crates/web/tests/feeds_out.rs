//! The site's own feeds (RSS, Atom, JSON Feed) on every backend: a feed with no items still
//! has a title and a date a reader can show (never " · Tidings", never 1970), and a wire
//! text and its copies are one item, the original, naming the outlets that republished it.

mod support;

use support::{Site, searchable_site};
use tidings_model::{ArticleId, StoryId, UnixSeconds};
use tidings_store::testing::each_backend;
use tidings_store::{StoredInsight, StoryEntity};

/// The feed files of every route.
const FILES: [&str; 3] = ["feed.xml", "feed.atom", "feed.json"];

/// A feed's title and, for the XML formats, its update time as written (RSS's
/// `lastBuildDate`, Atom's feed-level `updated`; JSON Feed has none).
fn title_and_updated(file: &str, body: &str) -> (String, Option<String>) {
    let between = |open: &str, close: &str| {
        body.split(open)
            .nth(1)
            .and_then(|rest| rest.split(close).next())
            .map(str::to_string)
    };
    match file {
        "feed.xml" => (
            between("<title>", "</title>").unwrap_or_default(),
            between("<lastBuildDate>", "</lastBuildDate>"),
        ),
        "feed.atom" => (
            between("<title type=\"text\">", "</title>").unwrap_or_default(),
            between("<updated>", "</updated>"),
        ),
        _ => {
            let feed: serde_json::Value = serde_json::from_str(body).expect("a JSON feed");
            (feed["title"].as_str().unwrap_or_default().to_string(), None)
        }
    }
}

/// `t` as each XML format writes a time.
fn written(file: &str, t: UnixSeconds) -> String {
    let time = chrono::DateTime::from_timestamp(t, 0).expect("a time");
    match file {
        "feed.xml" => time.to_rfc2822(),
        _ => tidings_web::rfc3339(t),
    }
}

/// The items of a feed, as Tidings' own parser reads them.
fn entries(body: &str, file: &str) -> Vec<tidings_model::Entry> {
    match tidings_feeds::parse_feed(body.as_bytes(), &format!("https://feed.example/{file}")) {
        Ok(feed) => feed.entries,
        Err(tidings_feeds::FeedError::Empty) => Vec::new(),
        Err(err) => panic!("{file}: {err}: {body}"),
    }
}

/// Asserts every format of `dir` (`/search/`, `/story/7/`) with `query` is a feed with no
/// items, titled `title`, updated at `updated`.
async fn empty_feeds(site: &Site, dir: &str, query: &str, title: &str, updated: UnixSeconds) {
    let mut browser = site.browser();
    for file in FILES {
        let feed = browser.get(&format!("{dir}{file}{query}")).await;
        assert_eq!(feed.status, 200, "{dir}{file}{query}: {}", feed.body);
        assert!(entries(&feed.body, file).is_empty(), "{dir}{file}{query}");
        let (shown, when) = title_and_updated(file, &feed.body);
        assert_eq!(shown, title, "{dir}{file}{query}");
        if file != "feed.json" {
            assert_eq!(
                when.as_deref(),
                Some(written(file, updated).as_str()),
                "{dir}{file}{query}: {}",
                feed.body
            );
        }
    }
}

#[tokio::test]
async fn feeds_with_no_items_have_a_title_and_a_recent_date() {
    each_backend(|store| async move {
        let (site, engine, _dir) = searchable_site(store).await;
        tidings_search::catch_up(&engine, &site.store)
            .await
            .expect("index");
        let newest = site
            .store
            .articles()
            .newest_time()
            .await
            .expect("newest")
            .expect("the site has an article");
        // A search with nothing to look for, and one that matches nothing.
        empty_feeds(&site, "/search/", "?q=", "Search · Tidings", newest).await;
        empty_feeds(&site, "/search/", "", "Search · Tidings", newest).await;
        empty_feeds(&site, "/search/", "?q=volcano", "volcano · Tidings", newest).await;
        // A section nothing is filed in.
        empty_feeds(&site, "/section/sport/", "", "Sport · Tidings", newest).await;
        // An outlet with no article yet (added at time 0 by the fixture: not a date to show).
        let quiet = site.add_outlet("Quiet").await;
        empty_feeds(
            &site,
            &format!("/source/{quiet}/"),
            "",
            "Quiet · Tidings",
            newest,
        )
        .await;
        // A story with no report left: its own last update.
        let at = newest - 5_000;
        let mut batch = site.store.stories().begin().await.expect("batch");
        let story = batch
            .create_story("Lull", Some("en"), at)
            .await
            .expect("story");
        batch.commit(at).await.expect("commit");
        let updated = site
            .store
            .stories()
            .get(story)
            .await
            .expect("get")
            .expect("the story")
            .updated_at;
        assert!(updated > 0);
        empty_feeds(
            &site,
            &format!("/story/{story}/"),
            "",
            "Lull · Tidings",
            updated,
        )
        .await;
        // An entity named only by that story.
        names(&site, story, "Nowhere Bay", at).await;
        empty_feeds(
            &site,
            "/entity/nowhere-bay/",
            "",
            "Nowhere Bay · Tidings",
            newest,
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_site_with_no_article_dates_its_feeds_now() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        site.store
            .sources()
            .remove(site.outlet, 0)
            .await
            .expect("remove the only outlet and its article");
        let before = chrono::Utc::now().timestamp();
        let feed = site.browser().get("/feed.atom").await;
        let after = chrono::Utc::now().timestamp();
        assert_eq!(feed.status, 200, "{}", feed.body);
        assert!(entries(&feed.body, "feed.atom").is_empty());
        let (title, updated) = title_and_updated("feed.atom", &feed.body);
        assert_eq!(title, "Tidings");
        let updated = updated.expect("an updated time");
        assert!(
            (before..=after).any(|t| tidings_web::rfc3339(t) == updated),
            "{updated}: {}",
            feed.body
        );
    })
    .await;
}

/// Saves `story`'s insight naming one place, `name` (its slug the name in lower case, with
/// hyphens).
async fn names(site: &Site, story: StoryId, name: &str, at: UnixSeconds) {
    site.store
        .insights()
        .save(
            story,
            &StoredInsight {
                version: 1,
                computed_at: at,
                json: "{}".into(),
            },
            &[StoryEntity {
                slug: name.to_lowercase().replace(' ', "-"),
                name: name.into(),
                kind: "place".into(),
                mentions: 1,
            }],
        )
        .await
        .expect("save");
}

/// An item's HTML as a reader shows it: its content, else its summary.
fn shown(entry: &tidings_model::Entry) -> String {
    entry
        .content_html
        .clone()
        .or_else(|| entry.summary_html.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_wire_text_and_its_copies_are_one_item_naming_every_publisher() {
    each_backend(|store| async move {
        let (site, engine, _dir) = searchable_site(store).await;
        let (wire, wire_copy) = site.add_wire_copy().await;
        let now = chrono::Utc::now().timestamp();
        let (_, herald_copy) = site
            .add_copy("Herald", "Flood (Herald copy)", now - 300)
            .await;
        names(&site, site.story, "Valley", now).await;
        tidings_search::catch_up(&engine, &site.store)
            .await
            .expect("index");
        let original = format!("{}{}", site.base, site.article_path);
        let copy_page = |id: ArticleId, title: &str| {
            format!("{}/article/{id}/{}", site.base, tidings_web::slugify(title))
        };
        let mut browser = site.browser();
        for dir in [
            "/".to_string(),
            format!("/story/{}/", site.story),
            "/entity/valley/".to_string(),
        ] {
            for (file, query) in FILES
                .iter()
                .map(|f| (*f, ""))
                .chain(FILES.iter().map(|f| (*f, "?q=river")))
            {
                // The search feed is the one with a query.
                let path = if query.is_empty() {
                    format!("{dir}{file}")
                } else if dir == "/" {
                    format!("/search/{file}{query}")
                } else {
                    continue;
                };
                let feed = browser.get(&path).await;
                assert_eq!(feed.status, 200, "{path}: {}", feed.body);
                let items = entries(&feed.body, file);
                let urls: Vec<&str> = items.iter().filter_map(|e| e.url.as_deref()).collect();
                assert_eq!(
                    urls,
                    vec![original.as_str()],
                    "{path}: one item, the original"
                );
                let html = shown(&items[0]);
                for (id, title, name) in [
                    (wire_copy, "Flood (wire copy)", "Wire"),
                    (herald_copy, "Flood (Herald copy)", "Herald"),
                ] {
                    let link = format!("<a href=\"{}\">{name}</a>", copy_page(id, title));
                    assert!(html.contains(&link), "{path}: {link} in {html}");
                }
                assert!(
                    html.contains("Also published by <a"),
                    "{path}: in the order they published: {html}"
                );
                let wire_at = html.find(">Wire<").expect("wire");
                let herald_at = html.find(">Herald<").expect("herald");
                assert!(wire_at < herald_at, "{path}: in the order they published");
            }
        }
        // The wire's own feed keeps its copy: it is what the wire published.
        for file in FILES {
            let feed = browser.get(&format!("/source/{wire}/{file}")).await;
            let items = entries(&feed.body, file);
            let urls: Vec<&str> = items.iter().filter_map(|e| e.url.as_deref()).collect();
            let copy = copy_page(wire_copy, "Flood (wire copy)");
            assert_eq!(urls, vec![copy.as_str()], "{file}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_copy_whose_original_left_the_list_brings_the_original_back() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        // 60 articles newer than the original (600 s old), older than the copy (400 s).
        let filler = site.add_outlet("Filler").await;
        for n in 0..60 {
            let url = format!("https://filler.example/{n}");
            site.article_at(filler, &url, &format!("Filler {n}"), now - 590 + n)
                .await;
        }
        let (_, copy) = site.add_wire_copy().await;
        let original = format!("{}{}", site.base, site.article_path);
        let mut browser = site.browser();
        for file in FILES {
            let feed = browser.get(&format!("/{file}")).await;
            let items = entries(&feed.body, file);
            let urls: Vec<&str> = items.iter().filter_map(|e| e.url.as_deref()).collect();
            assert_eq!(urls.first(), Some(&original.as_str()), "{file}: {urls:?}");
            assert!(
                !urls
                    .iter()
                    .any(|u| u.contains(&format!("/article/{copy}/"))),
                "{file}: the copy is not an item of its own: {urls:?}"
            );
            assert!(shown(&items[0]).contains(">Wire</a>"), "{file}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_search_feed_keeps_the_copy_that_matched() {
    each_backend(|store| async move {
        let (site, engine, _dir) = searchable_site(store).await;
        let now = chrono::Utc::now().timestamp();
        // The Herald's copy of the site's article under a headline of its own: a search for
        // "harbour" matches the copy, not the original ("Flood in the valley").
        let title = "Harbour shut as the flood rises";
        let (_, copy) = site.add_copy("Herald", title, now - 300).await;
        tidings_search::catch_up(&engine, &site.store)
            .await
            .expect("index");
        let copy_page = format!(
            "{}/article/{copy}/{}",
            site.base,
            tidings_web::slugify(title)
        );
        let mut browser = site.browser();
        for file in FILES {
            let path = format!("/search/{file}?q=harbour");
            let feed = browser.get(&path).await;
            assert_eq!(feed.status, 200, "{path}: {}", feed.body);
            let items = entries(&feed.body, file);
            let urls: Vec<&str> = items.iter().filter_map(|e| e.url.as_deref()).collect();
            assert_eq!(
                urls,
                vec![copy_page.as_str()],
                "{path}: the copy that matched"
            );
            assert!(
                shown(&items[0]).contains(">Outlet</a>"),
                "{path}: crediting the original's outlet: {}",
                shown(&items[0])
            );
        }
        // A search both match lists the text once, as the original.
        let feed = browser.get("/search/feed.json?q=flood").await;
        let items = entries(&feed.body, "feed.json");
        let urls: Vec<&str> = items.iter().filter_map(|e| e.url.as_deref()).collect();
        let original = format!("{}{}", site.base, site.article_path);
        assert_eq!(urls, vec![original.as_str()]);
    })
    .await;
}
