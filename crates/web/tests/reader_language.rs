//! The front page in the reader's language, on every backend: one event reported in French by
//! two outlets and in English by one makes one card, led by the French story (the better
//! covered) for a browser that names no language or asks for French, and by the English story
//! for one that asks for English, with the other named under "Also in". The page cache keeps
//! one rendering per language list, in any order of requests, and the page says
//! `Vary: Accept-Language`.

mod support;

use support::{Site, config, site_on};
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{KeyedStory, Placement, StoryKey};

const FRENCH: &str = "Séisme en Marovie : au moins 71 morts";
const ENGLISH: &str = "Strong earthquake strikes Marovia, killing at least 41";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A report of `source` in `language`, `ago` seconds old.
async fn report(site: &Site, source: SourceId, language: &str, title: &str, ago: i64) -> ArticleId {
    let url = format!("https://news.example/{}/{ago}", source.0);
    let at = now() - ago;
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
    site.article_by_url(&url).await
}

/// A story in `language` of `articles`.
async fn story(site: &Site, language: &str, articles: &[ArticleId]) -> StoryId {
    let mut batch = site.store.stories().begin().await.expect("batch");
    let story = batch
        .create_story("new", Some(language), now())
        .await
        .expect("story");
    for article in articles {
        batch
            .place(&Placement {
                article: *article,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
    }
    batch.commit(now()).await.expect("commit");
    story
}

/// The headlines of the front page's cards, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.split("class=\"card-title\"")
        .skip(1)
        .filter_map(|card| {
            let link = card.split_once("<a ")?.1;
            let text = link.split_once('>')?.1;
            Some(text.split_once("</a>")?.0.to_string())
        })
        .collect()
}

struct Front {
    titles: Vec<String>,
    also_in: String,
    vary: String,
}

async fn front(site: &Site, accept_language: Option<&str>) -> Front {
    let mut request = reqwest::Client::new().get(format!("{}/", site.base));
    if let Some(languages) = accept_language {
        request = request.header("accept-language", languages);
    }
    let response = request.send().await.expect("front page");
    assert_eq!(response.status().as_u16(), 200);
    let vary = response
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
        .to_ascii_lowercase();
    let html = response.text().await.expect("body");
    let also_in = html
        .split_once("also-in")
        .map(|(_, rest)| rest.split_once("</p>").map_or(rest, |(p, _)| p).to_string())
        .unwrap_or_default();
    Front {
        titles: card_titles(&html),
        also_in,
        vary,
    }
}

/// Where `title` is among the cards, and that no card also shows the other version.
fn lead(front: &Front, title: &str, other: &str) {
    assert!(
        front.titles.iter().any(|t| t == title),
        "{title} leads a card: {:?}",
        front.titles
    );
    assert!(
        !front.titles.iter().any(|t| t == other),
        "one card for the event: {:?}",
        front.titles
    );
}

#[tokio::test]
async fn a_card_folding_languages_leads_in_the_readers_language() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (horizon, matin, ledger) = (
            site.add_outlet("Horizon").await,
            site.add_outlet("Matin").await,
            site.add_outlet("Ledger").await,
        );
        let fr_a = report(&site, horizon, "fr", FRENCH, 600).await;
        let fr_b = report(&site, matin, "fr", FRENCH, 500).await;
        let french = story(&site, "fr", &[fr_a, fr_b]).await;
        let en = report(&site, ledger, "en", ENGLISH, 700).await;
        let english = story(&site, "en", &[en]).await;
        site.store
            .cross_language()
            .save(
                &KeyedStory {
                    story: french,
                    language: "fr".into(),
                    first_at: now(),
                    last_at: now(),
                    keys: vec![StoryKey {
                        key: "e:marovia".into(),
                        weight: 1.0,
                    }],
                },
                &[(english, "en".to_string(), 0.9)],
            )
            .await
            .expect("links");

        // Twice each, in an order that would show a rendering kept for the wrong readers.
        for _ in 0..2 {
            for (header, leads, other, also) in [
                (None, FRENCH, ENGLISH, "English"),
                (Some("en-GB,en;q=0.9"), ENGLISH, FRENCH, "Français"),
                (
                    Some("fr-CH, fr;q=0.9, en;q=0.8"),
                    FRENCH,
                    ENGLISH,
                    "English",
                ),
                (Some("de, en;q=0.5"), ENGLISH, FRENCH, "Français"),
                (Some("de"), FRENCH, ENGLISH, "English"),
            ] {
                let page = front(&site, header).await;
                lead(&page, leads, other);
                assert!(page.also_in.contains(also), "{header:?}: {}", page.also_in);
                assert!(page.vary.contains("accept-language"), "{}", page.vary);
            }
        }

        // An article page is the same for every reader: kept once, whatever the languages.
        let path = format!("{}/article/{}/x", site.base, en);
        let cache_of = |languages: &'static str| {
            let path = path.clone();
            async move {
                let response = reqwest::Client::new()
                    .get(&path)
                    .header("accept-language", languages)
                    .send()
                    .await
                    .expect("article page");
                assert_eq!(response.status().as_u16(), 200);
                let vary = response
                    .headers()
                    .get_all("vary")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .any(|v| v.to_ascii_lowercase().contains("accept-language"));
                assert!(!vary, "an article page does not vary by language");
                response
                    .headers()
                    .get("x-cache")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            }
        };
        assert_eq!(cache_of("de").await, "miss");
        assert_eq!(cache_of("fr, en;q=0.5").await, "hit");
    })
    .await;
}
