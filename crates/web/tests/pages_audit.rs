//! What readers and apps saw wrongly on the demo's pages, feeds and API, each seen through the
//! served site: RSS items without the original, German text marked English, pages past the
//! end calling the site empty, API filters silently ignored, the operator's "No jobs yet"
//! after jobs ran, slashed paths answering 404, and a source without a name offering to
//! "Follow " and "Hide " nothing.

mod support;

use support::{Site, config, site};
use tidings_model::{NewArticle, Role, StoryId};
use tidings_store::{ArticleLabels, NewSource};

/// Adds a German sport article of the site's outlet, tagged with the topic "Lokales"
/// (`lokales`), in a German story of its own; returns the story.
async fn german_story(site: &Site) -> StoryId {
    let now = chrono::Utc::now().timestamp();
    site.store
        .articles()
        .insert_labelled(
            site.outlet,
            &[NewArticle {
                url: "https://outlet.example/pokal".into(),
                title: "Lindenbach gewinnt den Pokal".into(),
                published_at: Some(now - 300),
                fetched_at: now - 200,
                language: Some("de".into()),
                body_text: "Die Mannschaft feierte bis in die Nacht.".into(),
                body_html: "<p>Die Mannschaft feierte bis in die Nacht.</p>".into(),
                ..NewArticle::default()
            }],
            &[ArticleLabels {
                section: Some("sport".into()),
                topics: vec![("lokales".into(), "Lokales".into())],
                completed_from_page: false,
            }],
            |_, _| None,
            now * 1000,
        )
        .await
        .expect("insert");
    let article = site.article_by_url("https://outlet.example/pokal").await;
    site.place_in_new_story(article, "Lindenbach gewinnt den Pokal", "de", now)
        .await
}

/// The first `<item>` of an RSS document.
fn first_item(rss: &str) -> &str {
    rss.split("<item>")
        .nth(1)
        .and_then(|item| item.split("</item>").next())
        .expect("an item")
}

#[tokio::test]
async fn rss_items_carry_the_original_and_the_outlets_feed() {
    let site = site(config()).await;
    let mut browser = site.browser();
    let feed = browser.get("/feed.xml").await;
    assert_eq!(feed.status, 200);
    let item = first_item(&feed.body);
    // The headline still leads to the page here and the guid stays the stable permalink.
    let page = format!("{}{}", site.base, site.article_path);
    assert!(item.contains(&format!("<link>{page}</link>")), "{item}");
    assert!(
        item.contains(&format!(
            "<guid isPermaLink=\"true\">{}/article/{}</guid>",
            site.base, site.article
        )),
        "{item}"
    );
    // The original article and the outlet's feed.
    assert!(
        item.contains("<atom:link rel=\"via\" href=\"https://outlet.example/flood\"/>"),
        "{item}"
    );
    assert!(
        item.contains("<source url=\"https://outlet.example/feed\">Outlet</source>"),
        "{item}"
    );
    assert!(
        item.contains("&lt;a href=&quot;https://outlet.example/flood&quot;&gt;Original at Outlet"),
        "{item}"
    );
}

#[tokio::test]
async fn text_in_another_language_is_marked_with_it() {
    let site = site(config()).await;
    let story = german_story(&site).await;
    let mut browser = site.browser();

    // The German story's page is German, its interface marked back as English.
    let page = browser.get(&format!("/story/{story}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"de\">"), "{}", page.body);
    assert!(
        page.body
            .contains("<header class=\"masthead\" lang=\"en\">")
    );
    assert!(
        page.body
            .contains("<h2 id=\"coverage-heading\" lang=\"en\">")
    );
    assert!(
        page.body
            .contains("<h4 class=\"card-title\" lang=\"de\"><a href=\"/article/"),
        "the report's headline"
    );
    // The English story's page stays English, with nothing marked back.
    let english = browser.get(&format!("/story/{}", site.story)).await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(!english.body.contains("lang=\"de\""));
    assert!(!english.body.contains("masthead\" lang"));

    // Lists mark each headline and excerpt with its own language.
    for path in [
        "/",
        "/section/sport".to_string().as_str(),
        &format!("/source/{}", site.outlet),
    ] {
        let list = browser.get(path).await;
        assert_eq!(list.status, 200, "{path}");
        assert!(
            list.body.contains(" lang=\"de\"><a href=\"/article/")
                || list
                    .body
                    .contains("lang=\"de\">Lindenbach gewinnt den Pokal</a>"),
            "{path}: {}",
            list.body
        );
        assert!(list.body.contains("<html lang=\"en\">"), "{path}");
    }
    let source = browser.get(&format!("/source/{}", site.outlet)).await;
    assert!(
        source
            .body
            .contains("<p class=\"excerpt\" lang=\"de\">Die Mannschaft")
    );
    assert!(
        source
            .body
            .contains("<p class=\"excerpt\" lang=\"en\">The river rose.")
    );
}

#[tokio::test]
async fn empty_lists_say_why() {
    let site = site(config()).await;
    german_story(&site).await;
    let mut browser = site.browser();

    let past = browser.get("/?page=2").await;
    assert_eq!(past.status, 200);
    assert!(!past.body.contains("Nothing here yet"), "{}", past.body);
    assert!(past.body.contains("There is no page 2"), "{}", past.body);
    assert!(
        past.body
            .contains("<a href=\"/\">Back to the first page</a>")
    );
    let past = browser.get("/section/sport?lang=de&page=3").await;
    assert!(past.body.contains("There is no page 3"), "{}", past.body);
    assert!(
        past.body
            .contains("<a href=\"/section/sport?lang=de\">Back to the first page</a>")
    );

    // A topic with German articles only, asked for in English.
    let none = browser.get("/topic/lokales?lang=en").await;
    assert_eq!(none.status, 200);
    assert!(
        !none.body.contains("No Lokales articles yet"),
        "{}",
        none.body
    );
    assert!(
        none.body
            .contains("No Lokales articles in <span lang=\"en\">English</span> yet."),
        "{}",
        none.body
    );
    assert!(
        none.body
            .contains("<a href=\"/topic/lokales\">See Lokales in all languages</a>")
    );
}

#[tokio::test]
async fn the_api_tells_languages_and_filters_as_the_pages_do() {
    let site = site(config()).await;
    let german = german_story(&site).await;
    let mut browser = site.browser();
    let json = |body: &str| -> serde_json::Value { serde_json::from_str(body).expect("json") };

    let all = browser.get("/api/v1/stories").await;
    assert_eq!(all.status, 200, "{}", all.body);
    let all = json(&all.body);
    let languages: Vec<&str> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["language"].as_str().expect("a language"))
        .collect();
    assert_eq!(languages.len(), 2, "{all}");
    assert!(
        languages.contains(&"de") && languages.contains(&"en"),
        "{all}"
    );

    let de = json(&browser.get("/api/v1/stories?lang=de").await.body);
    let items = de["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{de}");
    assert_eq!(items[0]["id"].as_i64(), Some(german.0));

    let sport = json(&browser.get("/api/v1/articles?section=sport").await.body);
    let titles: Vec<&str> = sport["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["title"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(titles, vec!["Lindenbach gewinnt den Pokal"]);
    let en = json(
        &browser
            .get("/api/v1/articles?lang=en&topic=lokales")
            .await
            .body,
    );
    assert_eq!(en["items"].as_array().map(Vec::len), Some(0), "{en}");

    // What the API cannot read is said, not ignored.
    for bad in [
        "/api/v1/stories?language=de",
        "/api/v1/articles?sections=sport",
        "/api/v1/stories?section=weather",
        "/api/v1/articles?lang=german",
    ] {
        let answer = browser.get(bad).await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.body);
        assert!(json(&answer.body)["error"].is_string(), "{bad}");
    }

    // The API's roots answer with an index.
    for root in ["/api", "/api/v1"] {
        let index = browser.get(root).await;
        assert_eq!(index.status, 200, "{root}: {}", index.body);
        let index = json(&index.body);
        assert_eq!(
            index["openapi_url"].as_str(),
            Some(format!("{}/api/v1/openapi.json", site.base).as_str()),
            "{root}"
        );
        assert!(index["resources"]["stories"].is_string(), "{root}");
    }
}

#[tokio::test]
async fn the_operator_page_shows_the_jobs_that_ran() {
    let site = site(config()).await;
    site.user("root", "correct horse battery", Role::Admin)
        .await;
    let mut admin = site.browser();
    assert_eq!(
        admin.login("root", "correct horse battery").await.status,
        303
    );

    let before = admin.get("/operator").await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(!before.body.contains("No jobs yet"), "{}", before.body);
    assert!(
        before
            .body
            .contains("This process has finished no jobs since it started")
    );

    // A worker in this process finishes jobs (as `tidings_pipeline::worker` counts them) and
    // the store deletes them: the queue is empty, the jobs ran.
    let registry = tidings_metrics::global();
    let help = "Jobs this process finished, by kind and outcome (done or failed).";
    registry.add(
        "tidings_jobs_finished_total",
        help,
        &[("kind", "place"), ("outcome", "done")],
        12,
    );
    registry.add(
        "tidings_jobs_finished_total",
        help,
        &[("kind", "place"), ("outcome", "failed")],
        1,
    );
    let after = admin.get("/operator").await;
    assert!(
        after
            .body
            .contains("<tr><th scope=\"row\">place</th><td>12</td><td>1</td></tr>"),
        "{}",
        after.body
    );
    assert!(
        after
            .body
            .contains("Nothing queued, running or out of attempts")
    );
}

#[tokio::test]
async fn slashed_paths_lead_to_the_page() {
    let site = site(config()).await;
    let mut browser = site.browser();
    for (from, to) in [
        (
            format!("/article/{}/", site.article),
            format!("/article/{}", site.article),
        ),
        (format!("{}/", site.article_path), site.article_path.clone()),
        (
            "/topic/local/?lang=de".to_string(),
            "/topic/local?lang=de".to_string(),
        ),
        ("/sources/".to_string(), "/sources".to_string()),
        (
            "/api/v1/stories/".to_string(),
            "/api/v1/stories".to_string(),
        ),
        ("/api/v1/".to_string(), "/api/v1".to_string()),
    ] {
        let answer = browser.get(&from).await;
        assert_eq!(answer.status, 308, "{from}: {}", answer.body);
        assert_eq!(answer.location(), to, "{from}");
    }
    // Twice, so a cached answer would show.
    for _ in 0..2 {
        let followed = browser.get(&site.article_path).await;
        assert_eq!(followed.status, 200);
        let slashed = browser.get(&format!("{}/", site.article_path)).await;
        assert_eq!(slashed.status, 308);
    }
    // A form posted to a slashed path keeps its method through a 308.
    let posted = browser.post("/login/", &[("name", "x")]).await;
    assert_eq!(posted.status, 308);
    assert_eq!(posted.location(), "/login");
    // The root and the routes written with a slash are themselves.
    assert_eq!(browser.get("/").await.status, 200);
    assert_ne!(browser.get("/fever/").await.status, 308);
    // Never to another host.
    let sneaky = browser.get("//evil.example/").await;
    assert_eq!(sneaky.status, 308);
    assert_eq!(sneaky.location(), "/evil.example");
}

#[tokio::test]
async fn a_source_without_a_name_is_called_by_its_feeds_address() {
    let site = site(config()).await;
    let url = "https://nameless.example/feed.xml";
    let nameless = site
        .store
        .sources()
        .add(
            &NewSource {
                url: url.into(),
                ..NewSource::default()
            },
            0,
        )
        .await
        .expect("source")
        .id;
    let mut ana = site.reader("ana").await;
    let page = ana.get(&format!("/source/{nameless}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(&format!(">Follow {url}</button>")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!(">Hide {url}</button>")),
        "{}",
        page.body
    );
    assert!(!page.body.contains(">Follow </button>"), "{}", page.body);
}
