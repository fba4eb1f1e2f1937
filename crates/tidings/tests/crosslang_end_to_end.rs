//! One event across languages, end to end through `tidings serve` on the demo corpus
//! (served on loopback): the Marovia earthquake reported in English, German and French, the
//! coastal fund in English and German and the Sorvanian election in English and French
//! become stories linked to their other languages, both ways, on the story page ("In other
//! languages") and in the API (`other_languages`, as the OpenAPI document declares it);
//! stories told in one language only link to nothing. The front page shows each event once,
//! its card naming the other languages ("Also in"). A country the gazetteer does not know,
//! named alike by linked stories, is one entity page listing both languages' stories, its
//! other slug redirecting there.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;
use support::{Server, cli_ok, demo_web, wait_until, wait_until_placed};

/// How many demo items there are.
fn demo_items() -> i64 {
    tidings::demo::bundled_documents(chrono::Utc::now())
        .into_iter()
        .map(|(url, bytes)| {
            tidings_feeds::parse_feed(&bytes, &url)
                .expect("parse")
                .entries
                .len() as i64
        })
        .sum()
}

async fn json(server: &Server, path: &str) -> Value {
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

/// The id of the story whose title starts with `start`.
fn story_id(stories: &Value, start: &str) -> i64 {
    stories["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["title"].as_str().is_some_and(|t| t.starts_with(start)))
        .and_then(|s| s["id"].as_i64())
        .unwrap_or_else(|| panic!("a story titled {start}…: {stories}"))
}

/// The id of the story in `language` with the most articles whose title contains `word`:
/// an event's story whatever report heads it (its newest that makes a headline).
fn largest_story(stories: &Value, language: &str, word: &str) -> i64 {
    stories["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|s| s["language"] == language)
        .filter(|s| s["title"].as_str().is_some_and(|t| t.contains(word)))
        .max_by_key(|s| s["article_count"].as_i64())
        .and_then(|s| s["id"].as_i64())
        .unwrap_or_else(|| panic!("a story in {language} titled with {word}: {stories}"))
}

/// The languages and ids a story's `other_languages` names.
async fn other_languages(server: &Server, id: i64) -> Vec<(String, i64)> {
    let story = json(server, &format!("/api/v1/stories/{id}")).await;
    story["other_languages"]
        .as_array()
        .expect("other_languages is an array")
        .iter()
        .map(|o| {
            (
                o["language"].as_str().expect("language").to_string(),
                o["id"].as_i64().expect("id"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_events_link_their_german_and_french_coverage() {
    let (_web, feeds) = demo_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    for url in &feeds {
        cli_ok(dir.path(), &["sources", "add", url]);
    }
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), demo_items()).await;

    // An English story is headed by its newest report that makes a headline for it, so the
    // events' English stories are found by a word of their reports' headlines.
    let stories = json(&server, "/api/v1/stories?per_page=100").await;
    let quake_en = largest_story(&stories, "en", "quake");
    let quake_de = story_id(&stories, "Schweres Erdbeben in Marovien");
    let quake_fr = story_id(&stories, "Séisme en Marovie");
    let fund_en = largest_story(&stories, "en", "fund");
    let fund_de = story_id(&stories, "Küstenstaaten einigen sich");
    let vote_en = largest_story(&stories, "en", "Sorvania");
    let vote_fr = story_id(&stories, "Sorvanie : l’ancienne procureure");
    let handball = story_id(&stories, "Handball: SG Lindenbach");
    let ship = largest_story(&stories, "en", "Kell");

    // The links appear once the stories are understood (a few seconds after placement).
    wait_until(
        "the earthquake linked to its German and French stories",
        Duration::from_secs(60),
        || async { other_languages(&server, quake_en).await.len() == 2 },
    )
    .await;
    wait_until(
        "every demo story understood",
        Duration::from_secs(60),
        || async {
            other_languages(&server, fund_en).await.len() == 1
                && other_languages(&server, vote_fr).await.len() == 1
        },
    )
    .await;
    let set = |v: Vec<(String, i64)>| v.into_iter().collect::<BTreeSet<_>>();
    let pair = |l: &str, id: i64| (l.to_string(), id);
    assert_eq!(
        set(other_languages(&server, quake_en).await),
        set(vec![pair("de", quake_de), pair("fr", quake_fr)])
    );
    assert_eq!(
        set(other_languages(&server, quake_de).await),
        set(vec![pair("en", quake_en), pair("fr", quake_fr)]),
        "links go both ways"
    );
    assert_eq!(
        set(other_languages(&server, quake_fr).await),
        set(vec![pair("en", quake_en), pair("de", quake_de)])
    );
    assert_eq!(
        other_languages(&server, fund_en).await,
        vec![pair("de", fund_de)]
    );
    assert_eq!(
        other_languages(&server, fund_de).await,
        vec![pair("en", fund_en)]
    );
    assert_eq!(
        other_languages(&server, vote_en).await,
        vec![pair("fr", vote_fr)]
    );
    assert!(
        other_languages(&server, handball).await.is_empty(),
        "German only"
    );
    assert!(
        other_languages(&server, ship).await.is_empty(),
        "English only"
    );

    // The API's entries: the language named in its own tongue, the headline in it, the
    // outlets, and links; exactly the fields the OpenAPI document declares.
    let story = json(&server, &format!("/api/v1/stories/{quake_en}")).await;
    let german = story["other_languages"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["language"] == "de"))
        .expect("the German entry");
    assert_eq!(german["language_name"], "Deutsch");
    assert_eq!(
        german["title"],
        "Schweres Erdbeben in Marovien: Zahl der Toten steigt auf mindestens 63"
    );
    assert_eq!(german["source_count"], 1);
    assert_eq!(german["url"], server.url(&format!("/story/{quake_de}")));
    assert_eq!(
        german["api_url"],
        server.url(&format!("/api/v1/stories/{quake_de}"))
    );
    let doc = json(&server, "/api/v1/openapi.json").await;
    let detail = &doc["components"]["schemas"]["StoryDetail"]["allOf"][1];
    assert_eq!(
        detail["properties"]["other_languages"]["items"]["$ref"],
        "#/components/schemas/OtherLanguageStory"
    );
    assert!(
        detail["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|f| f == "other_languages"))
    );
    let schema = &doc["components"]["schemas"]["OtherLanguageStory"];
    let declared: BTreeSet<&str> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    let answered: BTreeSet<&str> = german
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(answered, declared, "the fields the document declares");
    for (field, kind) in schema["properties"].as_object().expect("properties") {
        let ok = match kind["type"].as_str() {
            Some("integer") => german[field].is_i64(),
            Some("string") => german[field].is_string(),
            other => panic!("{field}: a type the test does not know: {other:?}"),
        };
        assert!(ok, "{field} is a {kind}");
    }

    // The story page: "In other languages", each language by its own name, the headline
    // in its language, its outlets, a link.
    let (status, page) = server.get(&format!("/story/{quake_en}")).await;
    assert_eq!(status, 200);
    let section = page
        .split("<section class=\"other-languages\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("an 'In other languages' section");
    assert!(section.contains(">In other languages</h2>"));
    assert!(section.contains("<span class=\"language\" lang=\"de\">Deutsch</span>"));
    assert!(section.contains("<span class=\"language\" lang=\"fr\">Français</span>"));
    assert!(section.contains(&format!(
        "<a href=\"/story/{quake_de}\" lang=\"de\" hreflang=\"de\">Schweres Erdbeben in Marovien"
    )));
    assert!(section.contains(&format!("<a href=\"/story/{quake_fr}\"")));
    assert!(section.contains("1 source<"));
    let (_, german_page) = server.get(&format!("/story/{quake_de}")).await;
    assert!(
        german_page.contains(&format!("<a href=\"/story/{quake_en}\" lang=\"en\"")),
        "the German page links the English story"
    );
    assert!(german_page.contains(">English</span>"));
    let (_, handball_page) = server.get(&format!("/story/{handball}")).await;
    assert!(
        !handball_page.contains("In other languages"),
        "no section without links"
    );

    // The front page, listing every language, shows each event once: the best-ranked of its
    // stories, with "Also in" naming the others' languages. One language: its own cards,
    // each naming the rest.
    let quake = [quake_en, quake_de, quake_fr];
    wait_until(
        "the front page folds the earthquake's stories into one card",
        Duration::from_secs(10),
        || async {
            let (_, front) = server.get("/").await;
            top_cards(&front)
                .iter()
                .filter(|(id, _)| quake.contains(id))
                .count()
                == 1
        },
    )
    .await;
    let (_, front) = server.get("/").await;
    let cards = top_cards(&front);
    let (shown, also) = cards
        .iter()
        .find(|(id, _)| quake.contains(id))
        .expect("the quake's card");
    let mut others: Vec<i64> = quake.iter().copied().filter(|id| id != shown).collect();
    others.sort_unstable();
    let mut named: Vec<i64> = also.clone();
    named.sort_unstable();
    assert_eq!(
        named, others,
        "the card names the other two languages' stories"
    );
    let fund: Vec<&(i64, Vec<i64>)> = cards
        .iter()
        .filter(|(id, _)| [fund_en, fund_de].contains(id))
        .collect();
    assert_eq!(fund.len(), 1, "the fund once: {cards:?}");
    assert!(
        cards
            .iter()
            .any(|(id, also)| *id == handball && also.is_empty()),
        "a story in one language keeps its card, with no 'Also in': {cards:?}"
    );
    let (_, german) = server.get("/?lang=de").await;
    let german = top_cards(&german);
    assert!(
        german.contains(&(quake_de, vec![quake_en, quake_fr]))
            || german.contains(&(quake_de, vec![quake_fr, quake_en])),
        "{german:?}"
    );
    assert!(german.contains(&(fund_de, vec![fund_en])), "{german:?}");

    // One entity page for a country the gazetteer does not know, named alike by linked
    // stories: the English "Marovia" (typed a place by "off the coast of Marovia" and
    // "Marovia’s coast"), the French "Marovie" and the German "Marovien", and the French
    // "Sorvanie" with the English "Sorvania". Every other slug redirects to one, whose page
    // lists every language's stories, each marked with its language.
    for (slugs, stories) in [
        (
            vec!["marovia", "marovie", "marovien"],
            vec![(quake_en, "en"), (quake_fr, "fr"), (quake_de, "de")],
        ),
        (
            vec!["sorvania", "sorvanie"],
            vec![(vote_en, "en"), (vote_fr, "fr")],
        ),
    ] {
        let slugs: &[&str] = &slugs;
        let answers_of = || async {
            let mut answers = Vec::new();
            for slug in slugs {
                answers.push(status_and_location(&server, &format!("/entity/{slug}")).await);
            }
            answers
        };
        wait_until(
            &format!("{slugs:?} merged into one entity"),
            Duration::from_secs(30),
            || async {
                let answers = answers_of().await;
                answers.iter().filter(|(status, _)| *status == 308).count() == slugs.len() - 1
            },
        )
        .await;
        let answers = answers_of().await;
        let (page, _) = answers
            .iter()
            .zip(slugs)
            .find(|((status, _), _)| *status == 200)
            .map(|(_, slug)| (format!("/entity/{slug}"), slug))
            .expect("one slug is the entity's page");
        assert!(
            answers
                .iter()
                .all(|answer| *answer == (200, String::new()) || *answer == (308, page.clone())),
            "the others redirect to {page}: {answers:?}"
        );
        let (status, html) = server.get(&page).await;
        assert_eq!(status, 200);
        for (id, language) in stories {
            assert!(
                html.contains(&format!(
                    "<h2 class=\"card-title\" lang=\"{language}\"><a href=\"/story/{id}\">"
                )),
                "{page} lists story {id} ({language}): {html}"
            );
        }
    }
}

/// The status of `path` and its `Location`, without following it.
async fn status_and_location(server: &Server, path: &str) -> (u16, String) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(server.url(path))
        .send()
        .await
        .expect("GET");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (response.status().as_u16(), location)
}

/// The top stories' cards of a page: each story's id and the stories its "Also in" names.
fn top_cards(page: &str) -> Vec<(i64, Vec<i64>)> {
    let Some(top) = page
        .split("<section class=\"top-stories\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
    else {
        return Vec::new();
    };
    let story_after = |s: &str| {
        s.split('"')
            .next()
            .and_then(|id| id.parse::<i64>().ok())
            .expect("a story id")
    };
    top.split("<article class=\"card story-card\">")
        .skip(1)
        .map(|card| {
            let id = story_after(card.split("<a href=\"/story/").nth(1).expect("a link"));
            let also = card
                .split("class=\"meta also-in\"")
                .nth(1)
                .map(|p| {
                    p.split("</p>")
                        .next()
                        .unwrap_or("")
                        .split("<a href=\"/story/")
                        .skip(1)
                        .map(story_after)
                        .collect()
                })
                .unwrap_or_default();
            (id, also)
        })
        .collect()
}
