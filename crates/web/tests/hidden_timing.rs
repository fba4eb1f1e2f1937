//! How much hiding costs the front page: over a corpus of 3,000 stories (7,500 articles from
//! 30 outlets, tagged with topics, naming people), one signed-in reader who hid 20 things (5
//! outlets, 5 people, 5 topics, 5 words) and one who hid nothing request `/` by turns, one
//! request at a time, timed from this process over loopback; anonymous requests (answered
//! from the page cache) take their turn too, for scale. Run it on a release build:
//!
//! ```sh
//! cargo test --release -p tidings-web --test hidden_timing -- --ignored --nocapture
//! ```
//!
//! With `TIDINGS_TEST_DATABASE_URL` set, it runs on PostgreSQL after SQLite.
//!
//! A second timing, of the search page, fills 8,000 stories (about 20,000 articles) into
//! the search engine and times `/search` for a reader who hid 5 of the 30 outlets, one who
//! hid nothing, and the same hiding reader with `&hidden=show`.

mod support;

use std::collections::HashMap;
use std::time::Instant;
use support::{Browser, Site, config, site_on};
use tidings_model::{NewArticle, Role, SourceId};
use tidings_store::testing::each_backend;
use tidings_store::{ArticleLabels, HiddenThing, NewSource, Placement, StoredInsight, StoryEntity};

const OUTLETS: usize = 30;
const STORIES: usize = 3_000;
/// Stories of the search timing's corpus (about 20,000 articles).
const SEARCH_STORIES: usize = 8_000;
/// Requests of each search page by each browser.
const SEARCH_REQUESTS: usize = 60;
const REQUESTS: usize = 300;
const WARM_UP: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Fills the site: stories of 1 to 4 outlets' reports over the last two days; every 20th
/// headline says "royal", every article has one of 20 topics, every story names one of 50
/// people. Returns the outlets.
async fn corpus(site: &Site) -> Vec<SourceId> {
    corpus_of(site, STORIES).await
}

/// [`corpus`] with `stories` stories.
async fn corpus_of(site: &Site, stories: usize) -> Vec<SourceId> {
    let store = &site.store;
    let now = chrono::Utc::now().timestamp();
    let mut outlets = Vec::new();
    for o in 0..OUTLETS {
        let id = store
            .sources()
            .add(
                &NewSource {
                    url: format!("https://outlet{o}.example/feed"),
                    name: format!("Outlet {o}"),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("source")
            .id;
        outlets.push(id);
    }
    // Each outlet's reports, inserted in one go; (story, url) to place them after.
    let mut by_outlet: Vec<(Vec<NewArticle>, Vec<ArticleLabels>)> =
        vec![(Vec::new(), Vec::new()); OUTLETS];
    let mut placements: Vec<(usize, String)> = Vec::new();
    for s in 0..stories {
        for k in 0..(s % 4 + 1) {
            let o = (s * 7 + k * 11) % OUTLETS;
            let word = if s % 20 == 0 { "royal " } else { "" };
            let url = format!("https://outlet{o}.example/story-{s}-{k}");
            let at = now - (s as i64) * 55 - k as i64 * 5;
            by_outlet[o].0.push(NewArticle {
                url: url.clone(),
                title: format!("The {word}council of town {s} votes on plan {k}"),
                published_at: Some(at),
                fetched_at: at,
                language: Some("en".into()),
                body_text: format!("The council of town {s} voted on Tuesday."),
                body_html: format!("<p>The council of town {s} voted on Tuesday.</p>"),
                ..NewArticle::default()
            });
            by_outlet[o].1.push(ArticleLabels {
                section: Some("world".into()),
                topics: vec![(format!("topic-{}", s % 20), format!("Topic {}", s % 20))],
                completed_from_page: false,
            });
            placements.push((s, url));
        }
    }
    let mut ids: HashMap<String, tidings_model::ArticleId> = HashMap::new();
    for (o, (articles, labels)) in by_outlet.iter().enumerate() {
        store
            .articles()
            .insert_labelled(outlets[o], articles, labels, |_, _| None, now * 1000)
            .await
            .expect("insert");
        for l in store
            .articles()
            .by_source(outlets[o], 100_000)
            .await
            .expect("by source")
        {
            ids.insert(l.article.content.url.clone(), l.article.id);
        }
    }
    let insight = tidings_insight::understand(&[tidings_insight::StoryArticle {
        id: "1".into(),
        outlet: "Outlet 0".into(),
        body: "The council voted on the plan on Tuesday. The mayor said the vote was close. \
               Residents will see the new plan next year."
            .into(),
        ..Default::default()
    }]);
    let json = serde_json::to_string(&insight).expect("json");
    let count = stories;
    let mut stories = Vec::with_capacity(count);
    for chunk in placements.chunk_by(|a, b| a.0 / 500 == b.0 / 500) {
        let mut batch = store.stories().begin().await.expect("batch");
        let mut current = (usize::MAX, None);
        for (s, url) in chunk {
            if current.0 != *s {
                let story = batch
                    .create_story("story", Some("en"), now)
                    .await
                    .expect("story");
                stories.push(story);
                current = (*s, Some(story));
            }
            let Some(story) = current.1 else { continue };
            batch
                .place(&Placement {
                    article: ids[url],
                    story,
                    duplicate_of: None,
                    related: Vec::new(),
                })
                .await
                .expect("place");
        }
        batch.commit(now).await.expect("commit");
    }
    for (s, story) in stories.iter().enumerate() {
        store
            .insights()
            .save(
                *story,
                &StoredInsight {
                    version: 1,
                    computed_at: now,
                    json: json.clone(),
                },
                &[StoryEntity {
                    slug: format!("person-{}", s % 50),
                    name: format!("Person {}", s % 50),
                    kind: "person".into(),
                    mentions: 2,
                }],
            )
            .await
            .expect("insight");
    }
    outlets
}

/// Times `REQUESTS` requests of `/` by each browser (after `WARM_UP` each), taking turns so
/// that both meet the same load on the machine; returns each one's milliseconds, sorted,
/// and its last page.
async fn time_front(browsers: &mut [&mut Browser]) -> Vec<(Vec<f64>, String)> {
    let mut out: Vec<(Vec<f64>, String)> = browsers
        .iter()
        .map(|_| (Vec::with_capacity(REQUESTS), String::new()))
        .collect();
    for round in 0..WARM_UP + REQUESTS {
        for (browser, (ms, last)) in browsers.iter_mut().zip(out.iter_mut()) {
            let started = Instant::now();
            let page = browser.get("/").await;
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(page.status, 200);
            if round >= WARM_UP {
                ms.push(elapsed);
            }
            *last = page.body;
        }
    }
    for (ms, _) in &mut out {
        ms.sort_by(f64::total_cmp);
    }
    out
}

#[tokio::test]
#[ignore = "a timing: run it on a release build with --ignored --nocapture"]
async fn front_page_with_twenty_hidden_things_against_none() {
    each_backend(|store| async move {
        let backend = store.backend_name();
        let site = site_on(store, config(), |_| {}).await;
        let built = Instant::now();
        let outlets = corpus(&site).await;
        eprintln!(
            "{backend}: corpus built in {:.1} s",
            built.elapsed().as_secs_f64()
        );
        let hider = site
            .user("hider", "correct horse battery", Role::Reader)
            .await;
        site.user("plain", "correct horse battery", Role::Reader)
            .await;
        let mut things: Vec<HiddenThing> = Vec::new();
        things.extend(outlets.iter().take(5).map(|o| HiddenThing::source(*o)));
        things.extend((0..5).map(|i| HiddenThing::entity(&format!("person-{}", i * 7))));
        things.extend((0..5).map(|i| HiddenThing::topic(&format!("topic-{}", i * 2))));
        for word in ["royal", "election", "budget", "strike", "minister"] {
            things.push(HiddenThing::word(word).expect("word"));
        }
        for thing in &things {
            site.store
                .hidden()
                .hide(hider.id, thing, 1)
                .await
                .expect("hide");
        }
        assert_eq!(things.len(), 20);
        let mut hiding = site.browser();
        assert_eq!(
            hiding.login("hider", "correct horse battery").await.status,
            303
        );
        let mut plain = site.browser();
        assert_eq!(
            plain.login("plain", "correct horse battery").await.status,
            303
        );
        let mut anon = site.browser();

        let mut timed = time_front(&mut [&mut plain, &mut hiding, &mut anon]).await;
        let (anon_ms, _) = timed.pop().expect("anonymous");
        let (hidden_ms, hidden_page) = timed.pop().expect("hiding");
        let (none_ms, none_page) = timed.pop().expect("plain");
        // The pages are what they should be: full, and without what was hidden.
        let cards = |html: &str| html.matches("class=\"card story-card\"").count();
        let headlines = |html: &str| html.matches("class=\"headline-link\"").count();
        assert_eq!((cards(&none_page), headlines(&none_page)), (12, 40));
        assert_eq!((cards(&hidden_page), headlines(&hidden_page)), (12, 40));
        assert!(!hidden_page.contains("royal"));
        for i in 0..5 {
            for after in ["<", ",", " and"] {
                let named = format!("Outlet {i}{after}");
                assert!(!hidden_page.contains(&named), "{named}");
            }
        }
        for (who, ms) in [
            ("signed in, nothing hidden", &none_ms),
            ("signed in, 20 things hidden", &hidden_ms),
            ("anonymous (page cache)", &anon_ms),
        ] {
            eprintln!(
                "{backend}: {who}: median {:.2} ms, p99 {:.2} ms over {} requests",
                percentile(ms, 50.0),
                percentile(ms, 99.0),
                ms.len()
            );
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "a timing: run it on a release build with --ignored --nocapture"]
async fn search_page_of_a_reader_who_hid_outlets() {
    each_backend(|store| async move {
        let backend = store.backend_name();
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = std::sync::Arc::new(
            tidings_search::SearchEngine::open(
                &store,
                &dir.path().join("search"),
                tidings_search::EngineChoice::Auto,
            )
            .expect("search engine"),
        );
        let in_site = engine.clone();
        let site = site_on(store, config(), move |state| state.search = Some(in_site)).await;
        let built = Instant::now();
        let outlets = corpus_of(&site, SEARCH_STORIES).await;
        tidings_search::catch_up(&engine, &site.store)
            .await
            .expect("index");
        tidings_search::catch_up_placed(&engine, &site.store)
            .await
            .expect("index stories");
        eprintln!(
            "{backend}: search corpus built and indexed in {:.1} s",
            built.elapsed().as_secs_f64()
        );
        let hider = site
            .user("hider", "correct horse battery", Role::Reader)
            .await;
        site.user("plain", "correct horse battery", Role::Reader)
            .await;
        for o in outlets.iter().take(5) {
            site.store
                .hidden()
                .hide(hider.id, &HiddenThing::source(*o), 1)
                .await
                .expect("hide");
        }
        let mut hiding = site.browser();
        assert_eq!(
            hiding.login("hider", "correct horse battery").await.status,
            303
        );
        let mut plain = site.browser();
        assert_eq!(
            plain.login("plain", "correct horse battery").await.status,
            303
        );
        for path in [
            "/search?q=council",
            "/search?q=council&page=5",
            "/search?q=royal&sort=newest",
        ] {
            let shown = format!("{path}&hidden=show");
            let mut ms: Vec<Vec<f64>> = vec![Vec::new(); 3];
            for round in 0..5 + SEARCH_REQUESTS {
                for (i, path) in [path, path, shown.as_str()].into_iter().enumerate() {
                    let browser = if i == 0 { &mut plain } else { &mut hiding };
                    let started = Instant::now();
                    let page = browser.get(path).await;
                    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                    assert_eq!(page.status, 200);
                    if round >= 5 {
                        ms[i].push(elapsed);
                    }
                }
            }
            for (who, mut ms) in ["nothing hidden", "5 outlets hidden", "5 hidden, shown"]
                .into_iter()
                .zip(ms)
            {
                ms.sort_by(f64::total_cmp);
                eprintln!(
                    "{backend}: {path}: {who}: median {:.2} ms, p90 {:.2} ms over {} requests",
                    percentile(&ms, 50.0),
                    percentile(&ms, 90.0),
                    ms.len()
                );
            }
        }
        drop(dir);
    })
    .await;
}
