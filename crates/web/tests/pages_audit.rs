//! What readers and apps saw wrongly on the demo's pages, feeds and API, each seen through the
//! served site: RSS items without the original, German text marked English, pages past the
//! end calling the site empty, API filters silently ignored, the operator's "No jobs yet"
//! after jobs ran, slashed paths answering 404, and a source without a name offering to
//! "Follow " and "Hide " nothing, feed entries left out for having no link counted in the
//! metrics only. On SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use support::{Site, config, site_on};
use tidings_model::{NewArticle, Role, StoryId};
use tidings_store::FetchSuccess;
use tidings_store::testing::each_backend;
use tidings_store::{ArticleLabels, NewSource, StoryEntity};

/// The German article's text.
const GERMAN_BODY: &str = "Die Mannschaft feierte bis in die Nacht. Der Trainer lobte die \
    Abwehr nach dem Spiel in Lindenbach. Tausende Fans jubelten am Sonntag auf dem Marktplatz.";

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
                body_text: GERMAN_BODY.into(),
                body_html: format!("<p>{GERMAN_BODY}</p>"),
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

/// Stores the German story's understanding (summary, key points, the place Lindenbach), as
/// the pipeline would, so its pages show the AI panel.
async fn understand_german_story(site: &Site, story: StoryId) {
    site.understand(
        story,
        &[StoryEntity {
            slug: "lindenbach".into(),
            name: "Lindenbach".into(),
            kind: "place".into(),
            mentions: 2,
        }],
    )
    .await;
}

/// Everything a screen reader reads out on a page, with the language it reads it in: the
/// title, every text of the body, and the labels, titles, placeholders and alternative texts
/// of its elements; each in the `lang` of its nearest element that has one.
fn read_out(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    for node in doc.tree.nodes() {
        let names: Vec<&str> = std::iter::once(node)
            .chain(node.ancestors())
            .filter_map(|n| n.value().as_element().map(|e| e.name()))
            .collect();
        let in_title = names.contains(&"title");
        if (names.contains(&"head") && !in_title)
            || names.contains(&"script")
            || names.contains(&"style")
        {
            continue;
        }
        let lang = std::iter::once(node)
            .chain(node.ancestors())
            .find_map(|n| n.value().as_element().and_then(|e| e.attr("lang")))
            .unwrap_or_default()
            .to_string();
        if let Some(text) = node.value().as_text() {
            if !text.trim().is_empty() {
                out.push((lang, text.trim().to_string()));
            }
        } else if let Some(element) = node.value().as_element() {
            for attribute in ["aria-label", "title", "placeholder", "alt"] {
                if let Some(text) = element.attr(attribute).filter(|t| !t.trim().is_empty()) {
                    out.push((lang.clone(), text.trim().to_string()));
                }
            }
        }
    }
    out
}

/// The words of a text, lower-cased (numbers and punctuation left out).
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What `page` reads out in German that is not the German story's own text (its words, the
/// site's name): interface text read with a German voice.
fn interface_read_in_german(page: &str) -> Vec<String> {
    let german: Vec<String> = words_of(&format!(
        "Lindenbach gewinnt den Pokal {GERMAN_BODY} Tidings"
    ));
    read_out(page)
        .into_iter()
        .filter(|(lang, text)| {
            lang.starts_with("de") && words_of(text).iter().any(|w| !german.contains(w))
        })
        .map(|(_, text)| text)
        .collect()
}

/// What `page` reads out that holds the German story's words ("Mannschaft", "gewinnt") in
/// another language than German (the page's `<title>` aside, which takes no `lang`).
fn german_read_otherwise(page: &str) -> Vec<String> {
    read_out(page)
        .into_iter()
        .filter(|(lang, text)| {
            !lang.starts_with("de")
                && (text.contains("Mannschaft") || text.contains("gewinnt"))
                && !text.ends_with("· Tidings")
        })
        .map(|(lang, text)| format!("{lang:?}: {text}"))
        .collect()
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
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
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
            item.contains(
                "&lt;a href=&quot;https://outlet.example/flood&quot;&gt;Original at Outlet"
            ),
            "{item}"
        );
    })
    .await;
}

#[tokio::test]
async fn text_in_another_language_is_marked_with_it() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
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
        assert!(page.body.contains(
            "<section class=\"coverage\" lang=\"en\" aria-labelledby=\"coverage-heading\">"
        ));
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
    })
    .await;
}

#[tokio::test]
async fn interface_text_is_read_in_the_interface_s_language_and_story_text_in_its_own() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let story = german_story(&site).await;
        understand_german_story(&site, story).await;
        let article = site.article_by_url("https://outlet.example/pokal").await;
        // A signed-in reader sees the most interface: the comment form, a thread with its
        // buttons, the personal buttons in the header.
        let mut ana = site.reader("ana").await;
        let story_path = format!("/story/{story}");
        let posted = ana.comment(&story_path, "Well played.", None).await;
        assert_eq!(posted.status, 303, "{}", posted.body);
        let article_path = ana.get(&format!("/article/{article}")).await.location();
        assert!(article_path.starts_with("/article/"), "{article_path}");
        let posted = ana.comment(&article_path, "Nicely done.", None).await;
        assert_eq!(posted.status, 303, "{}", posted.body);

        for path in [
            format!("{story_path}?q=Mannschaft"),
            format!("{article_path}?q=Mannschaft"),
            "/".to_string(),
            format!("/source/{}", site.outlet),
        ] {
            let page = ana.get(&path).await;
            assert_eq!(page.status, 200, "{path}: {}", page.body);
            for part in [
                "class=\"ai-panel\"",
                "class=\"comment-form\"",
                "personal-controls",
            ] {
                assert!(
                    !path.contains("?q=") || page.body.contains(part),
                    "{path} shows {part}"
                );
            }
            assert_eq!(
                interface_read_in_german(&page.body),
                Vec::<String>::new(),
                "{path}: interface text read as German"
            );
            assert_eq!(
                german_read_otherwise(&page.body),
                Vec::<String>::new(),
                "{path}: the story's German read as another language"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn empty_lists_say_why() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
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
    })
    .await;
}

#[tokio::test]
async fn the_api_tells_languages_and_filters_as_the_pages_do() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
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
    })
    .await;
}

#[tokio::test]
async fn the_operator_page_shows_the_jobs_that_ran() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        site.user("root", "correct horse battery", Role::Admin)
            .await;
        let mut admin = site.browser();
        assert_eq!(
            admin.login("root", "correct horse battery").await.status,
            303
        );

        // The counter is the process's: on the second backend it holds the first one's jobs.
        let registry = tidings_metrics::global();
        let finished = |outcome: &str| {
            registry
                .counter(
                    "tidings_jobs_finished_total",
                    &[("kind", "place"), ("outcome", outcome)],
                )
                .unwrap_or(0)
        };
        let (done, failed) = (finished("done"), finished("failed"));
        let before = admin.get("/operator").await;
        assert_eq!(before.status, 200, "{}", before.body);
        assert!(!before.body.contains("No jobs yet"), "{}", before.body);
        if done + failed == 0 {
            assert!(
                before
                    .body
                    .contains("This process has finished no jobs since it started")
            );
        }

        // A worker in this process finishes jobs (as `tidings_pipeline::worker` counts them) and
        // the store deletes them: the queue is empty, the jobs ran.
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
            after.body.contains(&format!(
                "<tr><th scope=\"row\">place</th><td>{}</td><td>{}</td></tr>",
                done + 12,
                failed + 1
            )),
            "{}",
            after.body
        );
        assert!(
            after
                .body
                .contains("Nothing queued, running or out of attempts")
        );
    })
    .await;
}

#[tokio::test]
async fn slashed_paths_lead_to_the_page() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
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
    })
    .await;
}

#[tokio::test]
async fn a_source_without_a_name_is_called_by_its_feeds_address() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
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
    })
    .await;
}

#[tokio::test]
async fn entries_left_out_for_having_no_link_show_with_the_source_s_health() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let outlet = site.add_outlet("Linkless Daily").await;
        let at = chrono::Utc::now().timestamp();
        site.store
            .sources()
            .record_success(
                outlet,
                &FetchSuccess {
                    at,
                    next_fetch_at: at + 3_600,
                    skipped_no_link: Some(3),
                    ..FetchSuccess::default()
                },
            )
            .await
            .expect("fetched");
        let mut anon = site.browser();
        for path in ["/sources".to_string(), format!("/source/{outlet}")] {
            let page = anon.get(&path).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(
                page.body
                    .contains("3 entries without a link left out at the last fetch"),
                "{path}: {}",
                page.body
            );
        }
        let api = anon.get(&format!("/api/v1/sources/{outlet}")).await;
        let source: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
        assert_eq!(source["skipped_no_link"], 3, "{}", api.body);
    })
    .await;
}

/// The levels of a page's headings (`<h1>` … `<h6>`), in the order they come.
fn heading_levels(html: &str) -> Vec<u8> {
    html.match_indices("<h")
        .filter_map(|(at, _)| {
            let rest = &html.as_bytes()[at + 2..];
            match (rest.first(), rest.get(1)) {
                (Some(level @ b'1'..=b'6'), Some(b' ' | b'>')) => Some(level - b'0'),
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn headings_never_skip_a_level() {
    // A screen reader's list of headings is the page's outline: one `<h1>`, and no heading
    // deeper than one level below the one before it (axe-core's heading-order found the
    // front page's story cards at `<h3>` right under its `<h1>`, and the entity page's too).
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let story = german_story(&site).await;
        understand_german_story(&site, story).await;
        let mut reader = site.browser();
        for path in [
            "/".to_string(),
            "/section/sport".to_string(),
            format!("/story/{story}"),
            format!("/story/{}", site.story),
            "/entity/lindenbach".to_string(),
            format!("/source/{}", site.outlet),
        ] {
            let page = reader.get(&path).await;
            assert_eq!(page.status, 200, "{path}");
            let levels = heading_levels(&page.body);
            assert_eq!(levels.first(), Some(&1), "{path}: {levels:?}");
            assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "{path}");
            for pair in levels.windows(2) {
                assert!(pair[1] <= pair[0] + 1, "{path}: {levels:?}");
            }
            assert!(levels.len() >= 2, "{path} has its cards: {levels:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_stored_lead_image_shows_only_from_a_web_address() {
    // Articles stored before the pipeline kept pages' images to http(s) may hold a
    // `javascript:` one: the page leaves it out, as its meta tags and the API do.
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let now = chrono::Utc::now().timestamp();
        let mut browser = site.browser();
        for (path, image, shown) in [
            ("bad", "javascript:alert(1)", false),
            ("good", "https://outlet.example/bridge.jpg", true),
        ] {
            let url = format!("https://outlet.example/{path}");
            site.store
                .articles()
                .insert_new(
                    site.outlet,
                    &[NewArticle {
                        url: url.clone(),
                        title: format!("Lead image {path}"),
                        published_at: Some(now),
                        fetched_at: now,
                        body_text: "The river rose.".into(),
                        body_html: "<p>The river rose.</p>".into(),
                        image_url: Some(image.into()),
                        ..NewArticle::default()
                    }],
                )
                .await
                .expect("insert");
            let id = site.article_by_url(&url).await;
            let moved = browser.get(&format!("/article/{id}")).await;
            let page = browser.get(&moved.location()).await;
            assert_eq!(page.status, 200, "{path}");
            assert_eq!(
                page.body.contains("<figure class=\"lead\">"),
                shown,
                "{path}"
            );
            assert!(!page.body.contains("javascript:"), "{path}");
        }
    })
    .await;
}
