//! Copies on the front page's latest list and in section feeds, on every backend: a wire text
//! is one card (the original's when the page holds it, else one in the place of its newest
//! copy) crediting the outlets that also published it, as the feeds show it once; the copy's
//! own outlet page still lists it. A section's feed keeps to its section: a copy in it whose
//! original is not stays the item, crediting the original's outlet. Paging shows each text on
//! one page only (the page of its newest article in the reader's list), and "Also published
//! by" leaves out the outlets the reader hid, for that reader alone.

mod support;

use tidings_model::{ArticleId, NewArticle};
use tidings_store::testing::each_backend;
use tidings_store::{ArticleLabels, Placement};

#[tokio::test]
async fn a_copy_on_the_same_page_as_its_original_is_not_a_second_card() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let (wire, copy) = site.add_wire_copy().await;
        let mut browser = site.browser();
        let front = browser.get("/").await;
        assert_eq!(front.status, 200);
        let copy_link = format!("/article/{copy}/");
        assert!(
            front.body.contains(&site.article_path),
            "the original's card: {}",
            front.body
        );
        assert!(
            !front.body.contains(&copy_link),
            "no second card for the copy: {}",
            front.body
        );
        assert!(
            front.body.contains("Also published by Wire"),
            "the card credits the copy's outlet: {}",
            front.body
        );
        // The outlet that republished it still shows what it published.
        let outlet = browser.get(&format!("/source/{}", wire.0)).await;
        assert!(outlet.body.contains(&copy_link), "{}", outlet.body);
    })
    .await;
}

#[tokio::test]
async fn copies_of_an_original_on_an_older_page_are_one_card() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        // 45 articles newer than the original (600 s old), older than its copies: the
        // original is on the second page, its two copies on the first.
        let filler = site.add_outlet("Filler").await;
        for n in 0..45 {
            let url = format!("https://filler.example/{n}");
            site.article_at(filler, &url, &format!("Filler {n}"), now - 590 + n)
                .await;
        }
        let (_, wire_copy) = site.add_wire_copy().await;
        let (_, herald_copy) = site
            .add_copy("Herald", "Flood (Herald copy)", now - 300)
            .await;
        let front = site.browser().get("/").await;
        assert_eq!(front.status, 200);
        for copy in [wire_copy, herald_copy] {
            assert!(
                !front.body.contains(&format!("/article/{copy}/")),
                "no card of its own for copy {copy}: {}",
                front.body
            );
        }
        assert_eq!(
            front.body.matches(&site.article_path).count(),
            1,
            "one card for the text, the original's: {}",
            front.body
        );
        assert!(
            front.body.contains("Also published by Wire, Herald"),
            "crediting both copies' outlets, in the order they published: {}",
            front.body
        );
    })
    .await;
}

/// Adds `outlet`'s copy of the site's article, in section `section`, published `at`.
async fn copy_in_section(site: &support::Site, name: &str, section: &str, at: i64) -> ArticleId {
    let outlet = site.add_outlet(name).await;
    let url = format!("https://{}.example/flood", name.to_lowercase());
    site.store
        .articles()
        .insert_labelled(
            outlet,
            &[NewArticle {
                url: url.clone(),
                title: format!("Flood ({name} copy)"),
                published_at: Some(at),
                fetched_at: at,
                body_text: "The river rose.".into(),
                body_html: "<p>The river rose.</p>".into(),
                ..NewArticle::default()
            }],
            &[ArticleLabels {
                section: Some(section.into()),
                ..ArticleLabels::default()
            }],
            |_, _| None,
            at * 1000,
        )
        .await
        .expect("insert");
    let copy = site.article_by_url(&url).await;
    let mut batch = site.store.stories().begin().await.expect("batch");
    batch
        .place(&Placement {
            article: copy,
            story: site.story,
            duplicate_of: Some(site.article),
            related: Vec::new(),
        })
        .await
        .expect("place the copy");
    batch.commit(at).await.expect("commit");
    copy
}

#[tokio::test]
async fn a_section_feed_keeps_a_copy_whose_original_is_outside_the_section() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        let copy = copy_in_section(&site, "Wire", "world", now - 400).await;
        let mut browser = site.browser();
        let feed = browser.get("/section/world/feed.json").await;
        assert_eq!(feed.status, 200);
        let doc: serde_json::Value = serde_json::from_str(&feed.body).expect("JSON Feed");
        let items = doc["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "{}", feed.body);
        let url = items[0]["url"].as_str().unwrap_or_default();
        assert!(
            url.contains(&format!("/article/{copy}/")),
            "the section's own copy, not the original from outside it: {url}"
        );
        let html = items[0]["content_html"].as_str().unwrap_or_default();
        assert!(
            html.contains("Also published by <a") && html.contains(">Outlet</a>"),
            "crediting the original's outlet: {html}"
        );
        // The site's feed, unbounded, still folds the copy into its original.
        let site_feed = browser.get("/feed.json").await;
        assert!(site_feed.body.contains(&site.article_path));
        assert!(!site_feed.body.contains(&format!("/article/{copy}/\"")));
    })
    .await;
}

#[tokio::test]
async fn a_hidden_outlet_is_not_named_as_a_publisher_for_the_reader_who_hid_it() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        let (wire, _) = site.add_wire_copy().await;
        site.add_copy("Herald", "Flood (Herald copy)", now - 300)
            .await;
        let mut ana = site.reader("ana").await;
        let ana_id = user_id(&site, "ana").await;
        site.store
            .hidden()
            .hide(ana_id, &tidings_store::HiddenThing::source(wire), now)
            .await
            .expect("hide the wire");
        // Ana first, so that a page made for her could be the one a cache kept.
        let hers = ana.get("/").await;
        assert_eq!(hers.status, 200);
        assert_eq!(
            also_lines(&hers.body),
            vec!["Also published by Herald"],
            "the outlets she did not hide, not the one she hid"
        );
        let mut visitor = site.browser();
        let mut bob = site.reader("bob").await;
        for (who, page) in [
            ("a visitor", visitor.get("/").await),
            ("a visitor, again", visitor.get("/").await),
            ("another reader", bob.get("/").await),
        ] {
            assert_eq!(
                also_lines(&page.body),
                vec!["Also published by Wire, Herald"],
                "{who} sees every publisher"
            );
        }
    })
    .await;
}

/// The "Also published by …" lines of a page, as text.
fn also_lines(html: &str) -> Vec<&str> {
    html.match_indices("Also published by ")
        .filter_map(|(at, _)| html[at..].split('<').next())
        .collect()
}

#[tokio::test]
async fn a_text_whose_copies_straddle_a_page_boundary_is_on_one_page_only() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        // Newest first: the Herald's copy (300 s old), 45 others, the wire's copy (400 s),
        // the original (600 s). A page holds 40: page 1 has the Herald's copy, page 2 the
        // wire's copy and the original.
        let (_, wire_copy) = site.add_wire_copy().await;
        let (_, herald_copy) = site
            .add_copy("Herald", "Flood (Herald copy)", now - 300)
            .await;
        let filler = site.add_outlet("Filler").await;
        for n in 0..45 {
            let url = format!("https://filler.example/{n}");
            site.article_at(filler, &url, &format!("Filler {n}"), now - 390 + n)
                .await;
        }
        // A reader who hides a word no headline has: her pages are read her way (headlines
        // matched one by one), with the same result.
        let mut ana = site.reader("ana").await;
        let hidden = tidings_store::HiddenThing::word("quake").expect("a word");
        site.store
            .hidden()
            .hide(user_id(&site, "ana").await, &hidden, now)
            .await
            .expect("hide a word");
        let mut visitor = site.browser();
        for (who, browser) in [("a visitor", &mut visitor), ("a reader", &mut ana)] {
            let first = browser.get("/").await;
            let second = browser.get("/?page=2").await;
            assert_eq!((first.status, second.status), (200, 200), "{who}");
            assert!(
                second.body.contains("Filler 0<"),
                "{who}: page 2 is the list's second page"
            );
            assert_eq!(
                first.body.matches(&site.article_path).count(),
                1,
                "{who}: the text on page 1, where its newest article is: {}",
                first.body
            );
            assert_eq!(
                also_lines(&first.body),
                vec!["Also published by Wire, Herald"],
                "{who}"
            );
            assert!(
                !second.body.contains(&site.article_path),
                "{who}: not again on page 2: {}",
                second.body
            );
            for copy in [wire_copy, herald_copy] {
                let link = format!("/article/{copy}/");
                assert!(!first.body.contains(&link), "{who}: {}", first.body);
                assert!(!second.body.contains(&link), "{who}: {}", second.body);
            }
            assert!(also_lines(&second.body).is_empty(), "{who}");
        }
    })
    .await;
}

/// The id of the account `name`.
async fn user_id(site: &support::Site, name: &str) -> tidings_model::UserId {
    site.store
        .users()
        .list()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.name == name)
        .expect("the account")
        .id
}

#[tokio::test]
async fn a_text_whose_newest_copy_a_reader_hid_is_on_her_next_page() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        // As above, but the reader hides the word "Herald": her list has no Herald copy, so
        // her page 1 is 40 others and the text is on her page 2, once.
        site.add_wire_copy().await;
        site.add_copy("Herald", "Flood (Herald copy)", now - 300)
            .await;
        let filler = site.add_outlet("Filler").await;
        for n in 0..45 {
            let url = format!("https://filler.example/{n}");
            site.article_at(filler, &url, &format!("Filler {n}"), now - 390 + n)
                .await;
        }
        let mut ana = site.reader("ana").await;
        let hidden = tidings_store::HiddenThing::word("herald").expect("a word");
        site.store
            .hidden()
            .hide(user_id(&site, "ana").await, &hidden, now)
            .await
            .expect("hide a word");
        let first = ana.get("/").await;
        let second = ana.get("/?page=2").await;
        assert!(!first.body.contains(&site.article_path), "{}", first.body);
        assert_eq!(
            second.body.matches(&site.article_path).count(),
            1,
            "the text on her page 2: {}",
            second.body
        );
    })
    .await;
}
