//! One entity page for a place named in three languages, on every backend: once "Marovien"
//! (German) and "Marovie" (French) are merged into "Marovia" (English), their pages and
//! feeds redirect permanently to Marovia's (keeping the page number), whose page lists the
//! stories of the three languages, each marked with its `lang`, and is headed with the name
//! of the reader's language (`Accept-Language`), else the entity's own, marked with its
//! language; the page cache keeps one rendering per language and the page says
//! `Vary: Accept-Language`. An entity of one name is headed without `lang`, as before. A
//! reader following or hiding a merged slug follows or hides the entity it is now.

mod support;

use support::{Browser, Site, config, csrf_in, site_on};
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{Follow, FollowKind, HiddenThing, StoredInsight, StoryEntity};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A report of `source` in `language`, alone in a new story of that language.
async fn story(site: &Site, source: SourceId, language: &str, title: &str) -> StoryId {
    let url = format!("https://news.example/{language}");
    let at = now() - 600;
    site.store
        .articles()
        .insert_new(
            source,
            &[NewArticle {
                url: url.clone(),
                title: title.into(),
                published_at: Some(at),
                fetched_at: at,
                language: Some(language.into()),
                body_text: "Rescuers searched the old town.".into(),
                body_html: "<p>Rescuers searched the old town.</p>".into(),
                ..NewArticle::default()
            }],
        )
        .await
        .expect("insert");
    let article: ArticleId = site.article_by_url(&url).await;
    site.place_in_new_story(article, title, language, at).await
}

/// Saves `story`'s insight naming one place, `name`, and the person Ilse Brandt.
async fn names(site: &Site, story: StoryId, name: &str) {
    let entities = [
        StoryEntity {
            slug: name.to_lowercase(),
            name: name.into(),
            kind: "place".into(),
            mentions: 2,
        },
        StoryEntity {
            slug: "ilse-brandt".into(),
            name: "Ilse Brandt".into(),
            kind: "person".into(),
            mentions: 1,
        },
    ];
    let insight = StoredInsight {
        version: 1,
        computed_at: now(),
        json: serde_json::to_string(&tidings_insight::StoryInsight::default()).expect("json"),
    };
    site.store
        .insights()
        .save(story, &insight, &entities)
        .await
        .expect("save");
}

/// A page as a browser asking for `languages` gets it: status, `Location`, `Vary`, body.
async fn get(site: &Site, path: &str, languages: Option<&str>) -> (u16, String, String, String) {
    let page = fetch(site, path, languages).await;
    (page.status, page.location, page.vary, page.body)
}

/// A page as [`fetch`] reads it.
struct Page {
    status: u16,
    location: String,
    /// `Vary`, lowercased.
    vary: String,
    /// How the page cache served it (`x-cache`: `hit`, `miss`).
    cache: String,
    body: String,
}

/// A page as a browser asking for `languages` gets it.
async fn fetch(site: &Site, path: &str, languages: Option<&str>) -> Page {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut request = client.get(format!("{}{path}", site.base));
    if let Some(languages) = languages {
        request = request.header("accept-language", languages);
    }
    let response = request.send().await.expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (location, vary) = (header("location"), header("vary").to_ascii_lowercase());
    let cache = header("x-cache");
    let status = response.status().as_u16();
    Page {
        status,
        location,
        vary,
        cache,
        body: response.text().await.expect("body"),
    }
}

/// The page's heading, as written.
fn heading(html: &str) -> String {
    html.split("<h1 ")
        .nth(1)
        .and_then(|h| h.split("</h1>").next())
        .map(|h| format!("<h1 {h}</h1>"))
        .unwrap_or_default()
}

const EN: &str = "Strong earthquake strikes Marovia";
const DE: &str = "Schweres Erdbeben in Marovien";
const FR: &str = "Séisme en Marovie";

/// Three stories naming the place in their languages, the German and French entities merged
/// into the English one.
async fn three_languages(site: &Site) -> [StoryId; 3] {
    let wire = site.add_outlet("Wire").await;
    let en = story(site, wire, "en", EN).await;
    let de = story(site, wire, "de", DE).await;
    let fr = story(site, wire, "fr", FR).await;
    names(site, en, "Marovia").await;
    names(site, de, "Marovien").await;
    names(site, fr, "Marovie").await;
    // Marovia's slug wins the ties (the smaller).
    let groups = site.store.entity_groups();
    for other in ["marovien", "marovie"] {
        assert_eq!(
            groups.merge(other, "marovia").await.expect("merge"),
            Some("marovia".to_string())
        );
    }
    [en, de, fr]
}

#[tokio::test]
async fn a_place_named_in_three_languages_has_one_page() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let [en, de, fr] = three_languages(&site).await;

        // The other slugs redirect, their feeds too; the page number is kept.
        for (path, to) in [
            ("/entity/marovien", "/entity/marovia"),
            ("/entity/marovie?page=2", "/entity/marovia?page=2"),
            ("/entity/marovien/feed.xml", "/entity/marovia/feed.xml"),
            ("/entity/marovie/feed.json", "/entity/marovia/feed.json"),
        ] {
            let (status, location, _, _) = get(&site, path, None).await;
            assert_eq!((status, location.as_str()), (308, to), "{path}");
        }
        let (status, _, _, _) = get(&site, "/entity/nowhere", None).await;
        assert_eq!(status, 404);

        // One page, every language's story, each in its own language. The German rendering
        // first, so a page cache keyed on the path alone would answer it to everyone.
        let (status, _, vary, german) = get(&site, "/entity/marovia", Some("de-DE,de;q=0.9")).await;
        assert_eq!(status, 200);
        assert!(vary.contains("accept-language"), "{vary}");
        assert_eq!(
            heading(&german),
            "<h1 class=\"page-title\" lang=\"de\">Marovien</h1>"
        );
        for (id, language, title) in [(en, "en", EN), (de, "de", DE), (fr, "fr", FR)] {
            let card = format!(
                "<h2 class=\"card-title\" lang=\"{language}\"><a href=\"/story/{id}\">{title}</a>"
            );
            assert!(german.contains(&card), "{card} in {german}");
        }
        let (_, _, _, french) = get(&site, "/entity/marovia", Some("es, fr;q=0.5")).await;
        assert_eq!(
            heading(&french),
            "<h1 class=\"page-title\" lang=\"fr\">Marovie</h1>"
        );
        // No language of its names: the entity's own.
        for languages in [None, Some("es")] {
            let (status, _, _, page) = get(&site, "/entity/marovia", languages).await;
            assert_eq!(status, 200);
            assert_eq!(
                heading(&page),
                "<h1 class=\"page-title\" lang=\"en\">Marovia</h1>",
                "{languages:?}"
            );
        }
        // The feed lists the three languages' reports.
        let (status, _, _, feed) = get(&site, "/entity/marovia/feed.xml", None).await;
        assert_eq!(status, 200);
        for title in [EN, DE, FR] {
            assert!(feed.contains(title), "{title} in {feed}");
        }
        // An entity of one name is headed as before.
        let (_, _, _, person) = get(&site, "/entity/ilse-brandt", Some("de")).await;
        assert_eq!(
            heading(&person),
            "<h1 class=\"page-title\">Ilse Brandt</h1>"
        );
        // The German story's page names the place as the story does, linking to the page.
        let (_, _, _, story_page) = get(&site, &format!("/story/{de}"), None).await;
        assert!(
            story_page.contains("href=\"/entity/marovia\"") && story_page.contains(">Marovien<"),
            "{story_page}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_entity_of_one_name_is_one_page_for_every_language() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        three_languages(&site).await;
        // Ilse Brandt is named alike in the three languages' stories: one page for all, kept
        // once, which says it does not vary by language.
        let german = fetch(&site, "/entity/ilse-brandt", Some("de-DE,de;q=0.9")).await;
        assert_eq!((german.status, german.cache.as_str()), (200, "miss"));
        assert!(!german.vary.contains("accept-language"), "{}", german.vary);
        for languages in [Some("fr"), None, Some("en-GB, es;q=0.5")] {
            let other = fetch(&site, "/entity/ilse-brandt", languages).await;
            assert_eq!(
                other.cache, "hit",
                "{languages:?}: one rendering for everyone"
            );
            assert!(!other.vary.contains("accept-language"), "{}", other.vary);
            assert_eq!(other.body, german.body, "{languages:?}");
        }
        // Marovia has three names: one rendering per language list, each saying so.
        let first = fetch(&site, "/entity/marovia", Some("de")).await;
        assert_eq!(first.cache, "miss");
        assert!(first.vary.contains("accept-language"), "{}", first.vary);
        let french = fetch(&site, "/entity/marovia", Some("fr")).await;
        assert_eq!(french.cache, "miss", "the French rendering is another");
        assert!(french.vary.contains("accept-language"), "{}", french.vary);
        assert!(
            heading(&french.body).contains(">Marovie<"),
            "{}",
            french.body
        );
        let again = fetch(&site, "/entity/marovia", Some("de")).await;
        assert_eq!(again.cache, "hit");
        assert!(
            heading(&again.body).contains(">Marovien<"),
            "{}",
            again.body
        );
    })
    .await;
}

/// The `csrf` token of `browser`'s session, read from a page with a form.
async fn token(browser: &mut Browser) -> String {
    csrf_in(&browser.get("/settings/hidden").await.body)
}

#[tokio::test]
async fn following_or_hiding_a_merged_slug_follows_or_hides_the_entity() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        three_languages(&site).await;
        let mut ana = site.reader("ana").await;
        let csrf = token(&mut ana).await;
        for (action, kind) in [("/follow", "entity"), ("/hide", "entity")] {
            let done = ana
                .post(
                    action,
                    &[
                        ("csrf", &csrf),
                        ("kind", kind),
                        ("target", "marovien"),
                        ("next", "/entity/marovia"),
                    ],
                )
                .await;
            assert_eq!(done.status, 303, "{action}: {}", done.body);
        }
        let user = site
            .store
            .users()
            .credentials("ana")
            .await
            .expect("credentials")
            .expect("ana")
            .user
            .id;
        assert_eq!(
            site.store.reading().follows(user).await.expect("follows"),
            vec![Follow {
                kind: FollowKind::Entity,
                target: "marovia".into()
            }]
        );
        let hidden = site.store.hidden();
        assert!(
            hidden
                .hides(user, &HiddenThing::entity("marovia"))
                .await
                .expect("hides")
        );
        assert!(
            !hidden
                .hides(user, &HiddenThing::entity("marovien"))
                .await
                .expect("hides")
        );
    })
    .await;
}
