//! "Hide from my pages", on every backend: a signed-in reader hides an outlet, a person, a
//! topic and a word with the site's own forms, and their front page, topic pages, search and
//! "For you" leave those out (a story only the hidden outlet covers goes, a story with other
//! outlets stays without naming it; stories about the hidden person or topic go; headlines
//! and summaries with the hidden word go) while another reader and anonymous readers still
//! see everything, the anonymous ones from the page cache, which never keeps or serves the
//! hiding reader's page, in either order. The pages stay full, the forms refuse requests
//! without the session's token or from another site, words and the number of hidden things
//! are bounded, and what was hidden is listed, shown again and exported.

mod support;

use support::{Answer, Browser, Site, config, csrf_after, searchable_site, site_on};
use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_search::SearchEngine;
use tidings_store::testing::each_backend;
use tidings_store::{
    ArticleLabels, HiddenThing, KeyedStory, Placement, StoredInsight, StoryEntity, StoryKey,
};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An English article of `source`, published `ago` seconds ago, tagged with `topics`
/// (slug, name), with `body`; returns its id.
async fn report(
    site: &Site,
    source: SourceId,
    title: &str,
    ago: i64,
    topics: &[(&str, &str)],
    body: &str,
) -> ArticleId {
    let url = format!("https://news.example/{}", tidings_web::slugify(title));
    let at = now() - ago;
    site.store
        .articles()
        .insert_labelled(
            source,
            &[NewArticle {
                url: url.clone(),
                title: title.into(),
                published_at: Some(at),
                fetched_at: at,
                language: Some("en".into()),
                body_text: body.into(),
                body_html: format!("<p>{body}</p>"),
                ..NewArticle::default()
            }],
            &[ArticleLabels {
                section: None,
                topics: topics
                    .iter()
                    .map(|(s, n)| ((*s).to_string(), (*n).to_string()))
                    .collect(),
                completed_from_page: false,
            }],
            |_, _| None,
            at * 1000,
        )
        .await
        .expect("insert");
    site.article_by_url(&url).await
}

/// Places `articles` in `story`, or in a new story when `None`; returns the story.
async fn place(site: &Site, story: Option<StoryId>, articles: &[ArticleId]) -> StoryId {
    let mut batch = site.store.stories().begin().await.expect("batch");
    let story = match story {
        Some(story) => story,
        None => batch
            .create_story("new", Some("en"), now())
            .await
            .expect("story"),
    };
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

/// Places `article` in a new story in `language`; returns the story.
async fn story_in(site: &Site, language: &str, article: ArticleId) -> StoryId {
    let mut batch = site.store.stories().begin().await.expect("batch");
    let story = batch
        .create_story("new", Some(language), now())
        .await
        .expect("story");
    batch.commit(now()).await.expect("commit");
    place(site, Some(story), &[article]).await
}

/// Stores the story's understanding of `body`, naming `entities` (slug, name); returns its
/// short summary.
async fn understand(site: &Site, story: StoryId, body: &str, entities: &[(&str, &str)]) -> String {
    let insight = tidings_insight::understand(&[tidings_insight::StoryArticle {
        id: "1".into(),
        outlet: "Herald".into(),
        body: body.into(),
        ..Default::default()
    }]);
    let entities: Vec<StoryEntity> = entities
        .iter()
        .map(|(slug, name)| StoryEntity {
            slug: (*slug).into(),
            name: (*name).into(),
            kind: "person".into(),
            mentions: 3,
        })
        .collect();
    site.store
        .insights()
        .save(
            story,
            &StoredInsight {
                version: 1,
                computed_at: now(),
                json: serde_json::to_string(&insight).expect("json"),
            },
            &entities,
        )
        .await
        .expect("save insight");
    insight.summary.short_text()
}

/// The part of `html` between the start of the element that has class `class` and the end
/// of the `tag` it opens (`section`, `ol`).
fn part<'a>(html: &'a str, class: &str, tag: &str) -> &'a str {
    let Some(start) = html.find(&format!("class=\"{class}\"")) else {
        return "";
    };
    let rest = &html[start..];
    &rest[..rest.find(&format!("</{tag}>")).unwrap_or(rest.len())]
}

/// The card (`<article …>`) in `html` whose text has `title`, or `""`.
fn card_of<'a>(html: &'a str, title: &str) -> &'a str {
    html.split("<article")
        .find(|card| card.contains(title))
        .map_or("", |card| {
            &card[..card.find("</article>").unwrap_or(card.len())]
        })
}

/// The top stories' cards of a list page.
fn top(html: &str) -> &str {
    part(html, "top-stories", "section")
}

/// The latest articles' headlines of a front page.
fn river(html: &str) -> &str {
    part(html, "river", "ol")
}

/// Posts a hide or unhide form as the site's buttons do.
async fn post_hide(
    browser: &mut Browser,
    action: &str,
    token: &str,
    kind: &str,
    target: &str,
    next: &str,
) -> Answer {
    browser
        .post(
            action,
            &[
                ("csrf", token),
                ("kind", kind),
                ("target", target),
                ("next", next),
            ],
        )
        .await
}

/// Posts a hide or unhide form that must go through; returns where it sends the reader.
async fn hide_ok(
    browser: &mut Browser,
    action: &str,
    token: &str,
    kind: &str,
    target: &str,
    next: &str,
) -> String {
    let done = post_hide(browser, action, token, kind, target, next).await;
    assert_eq!(done.status, 303, "{action} {kind} {target}: {}", done.body);
    done.location()
}

fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer.headers.get(name).and_then(|v| v.to_str().ok())
}

/// What the test site holds besides its first story ("Flood in the valley", Outlet).
struct World {
    /// The site's first outlet's.
    outlet: SourceId,
    gazette: SourceId,
    herald: SourceId,
    /// Gazette's report in the flood story, which Outlet covers too.
    gazette_flood: ArticleId,
    /// Only Gazette covers it.
    strike: StoryId,
    /// Its one report.
    strike_report: ArticleId,
    /// Herald's story whose headline has "royal".
    royal: StoryId,
    summary_with_word: String,
}

const FLOOD: &str = "Flood in the valley";
const GAZETTE_FLOOD: &str = "Gazette report from the flooded valley";
const STRIKE: &str = "Port strike enters third day";
const MINISTER: &str = "Minister visits the harbour";
const ROYAL: &str = "Royal wedding date announced";
const CUP: &str = "Cup final tonight in the capital";
const BUDGET: &str = "Council approves the budget";

async fn world(site: &Site) -> World {
    let gazette = site.add_outlet("Gazette").await;
    let herald = site.add_outlet("Herald").await;
    // Before Outlet's report (10 minutes ago), which, the newest, leads the story.
    let gazette_flood = report(site, gazette, GAZETTE_FLOOD, 900, &[], "Water rose.").await;
    place(site, Some(site.story), &[gazette_flood]).await;
    let strike_report = report(site, gazette, STRIKE, 200, &[], "Dockers stayed out.").await;
    let strike = place(site, None, &[strike_report]).await;
    let minister = report(site, herald, MINISTER, 250, &[], "A visit.").await;
    let minister_story = place(site, None, &[minister]).await;
    understand(
        site,
        minister_story,
        "Claire Vautrin visited the harbour on Monday. Claire Vautrin met the dockers.",
        &[("claire-vautrin", "Claire Vautrin")],
    )
    .await;
    let royal = report(site, herald, ROYAL, 150, &[], "A date was set.").await;
    let royal = place(site, None, &[royal]).await;
    let cup = report(
        site,
        herald,
        CUP,
        100,
        &[("football", "Football")],
        "Kick-off at 8.",
    )
    .await;
    place(site, None, &[cup]).await;
    let budget = report(site, herald, BUDGET, 120, &[], "The vote passed.").await;
    let budget_story = place(site, None, &[budget]).await;
    let summary_with_word = understand(
        site,
        budget_story,
        "The royal treasury pays for the new bridge. The council said the royal grant was \
         approved on Monday. Royal officials welcomed the vote.",
        &[],
    )
    .await;
    let outlet = site
        .store
        .articles()
        .get(site.article)
        .await
        .expect("get")
        .expect("the first article")
        .article
        .source_id;
    World {
        outlet,
        gazette,
        herald,
        gazette_flood,
        strike,
        strike_report,
        royal,
        summary_with_word,
    }
}

/// Asserts that a page shows everything: every story and every headline, with both of the
/// flood story's outlets named.
fn shows_everything(html: &str, who: &str) {
    let top = top(html);
    for title in [FLOOD, STRIKE, MINISTER, ROYAL, CUP, BUDGET] {
        assert!(
            top.contains(title),
            "{who}: {title} in the top stories\n{html}"
        );
    }
    let flood = card_of(top, FLOOD);
    assert!(
        flood.contains("2 sources")
            && flood.contains("<span class=\"outlets\">Gazette and Outlet</span>"),
        "{who}: the flood story names both outlets\n{flood}"
    );
    let river = river(html);
    for title in [GAZETTE_FLOOD, STRIKE, MINISTER, ROYAL, CUP, BUDGET] {
        assert!(
            river.contains(title),
            "{who}: {title} in the latest list\n{river}"
        );
    }
    assert!(
        html.contains(">Football</a>"),
        "{who}: the topic is offered"
    );
}

#[tokio::test]
async fn a_reader_hides_an_outlet_a_person_a_topic_and_a_word_and_only_their_pages_change() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let w = world(&site).await;
        assert!(
            w.summary_with_word.to_lowercase().contains("royal")
                && !BUDGET.to_lowercase().contains("royal"),
            "the budget story has the word in its summary only: {}",
            w.summary_with_word
        );
        let mut anon = site.browser();
        let first = anon.get("/").await;
        assert_eq!(header(&first, "x-cache"), Some("miss"));
        shows_everything(&first.body, "anonymous");

        let mut ana = site.reader("ana").await;
        let mut bob = site.reader("bob").await;
        // Nothing hidden yet: her page is everyone's (rendered for her, never from the cache).
        let before = ana.get("/").await;
        shows_everything(&before.body, "ana before hiding");
        assert_eq!(header(&before, "x-cache"), None);

        // Hide the outlet with the button on its page.
        let gazette_page = ana.get(&format!("/source/{}", w.gazette)).await;
        assert!(
            gazette_page.body.contains(">Hide Gazette</button>"),
            "{}",
            gazette_page.body
        );
        let token = csrf_after(&gazette_page.body, "action=\"/hide\"");
        let back = format!("/source/{}", w.gazette);
        assert_eq!(
            hide_ok(
                &mut ana,
                "/hide",
                &token,
                "source",
                &w.gazette.0.to_string(),
                &back,
            )
            .await,
            back
        );
        let gazette_page = ana.get(&back).await;
        assert!(
            gazette_page.body.contains("You hid Gazette")
                && gazette_page.body.contains(">Unhide Gazette</button>"),
            "{}",
            gazette_page.body
        );
        // The person, from their page; the topic, from its page; a word, on the settings page.
        let entity_page = ana.get("/entity/claire-vautrin").await;
        assert!(
            entity_page.body.contains(">Hide Claire Vautrin</button>"),
            "{}",
            entity_page.body
        );
        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "entity",
            "claire-vautrin",
            "/entity/claire-vautrin",
        )
        .await;
        let topic_page = ana.get("/topic/football").await;
        assert!(
            topic_page.body.contains(">Hide Football</button>"),
            "{}",
            topic_page.body
        );
        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "topic",
            "football",
            "/topic/football",
        )
        .await;
        let settings = ana.get("/settings/hidden").await;
        assert_eq!(settings.status, 200);
        let word_token = csrf_after(&settings.body, "name=\"kind\" value=\"word\"");
        assert_eq!(
            hide_ok(
                &mut ana,
                "/hide",
                &word_token,
                "word",
                "  ROYAL ",
                "/settings/hidden",
            )
            .await,
            "/settings/hidden"
        );

        // Her front page without them.
        let page = ana.get("/").await;
        assert_eq!(page.status, 200);
        assert_eq!(header(&page, "x-cache"), None, "never from the cache");
        assert_eq!(
            header(&page, "cache-control"),
            Some("private, no-store"),
            "her page is hers alone"
        );
        let top_html = top(&page.body);
        let flood = card_of(top_html, FLOOD);
        assert!(
            !flood.is_empty(),
            "a story with another outlet stays\n{top_html}"
        );
        assert!(
            flood.contains("1 source<") && flood.contains("<span class=\"outlets\">Outlet</span>"),
            "without naming the hidden outlet\n{flood}"
        );
        for (gone, why) in [
            (STRIKE, "only the hidden outlet covers it"),
            (MINISTER, "it names the hidden person"),
            (CUP, "it is tagged with the hidden topic"),
            (ROYAL, "its headline has the hidden word"),
            (BUDGET, "its summary has the hidden word"),
        ] {
            assert!(!top_html.contains(gone), "{gone}: {why}\n{top_html}");
        }
        let river_html = river(&page.body);
        assert!(
            river_html.contains(FLOOD) && river_html.contains(BUDGET),
            "{river_html}"
        );
        for gone in [GAZETTE_FLOOD, STRIKE, MINISTER, CUP, ROYAL] {
            assert!(
                !river_html.contains(gone),
                "{gone} left the latest list\n{river_html}"
            );
        }
        assert!(
            !page.body.contains("Gazette"),
            "the outlet is named nowhere"
        );
        assert!(
            !page.body.contains(">Football</a>"),
            "the hidden topic is not offered"
        );

        // The cache, in this order: anonymous (from memory), bob, ana, anonymous again.
        let again = anon.get("/").await;
        assert_eq!(header(&again, "x-cache"), Some("hit"));
        shows_everything(&again.body, "anonymous after ana");
        shows_everything(&bob.get("/").await.body, "bob");
        assert!(
            !top(&ana.get("/").await.body).contains(STRIKE),
            "ana after bob"
        );
        // And the other way round: ana renders a page first; anonymous readers do not get it.
        let ana_first = ana.get("/?page=1").await;
        assert!(!top(&ana_first.body).contains(STRIKE));
        let after_ana = anon.get("/?page=1").await;
        assert_eq!(
            header(&after_ana, "x-cache"),
            Some("miss"),
            "ana's rendering was not kept"
        );
        shows_everything(&after_ana.body, "anonymous after ana's first rendering");
        let kept = anon.get("/?page=1").await;
        assert_eq!(header(&kept, "x-cache"), Some("hit"));
        shows_everything(&kept.body, "anonymous from memory");

        // Story and article pages stay open to her; the hidden outlet's says so.
        let strike = ana.get(&format!("/story/{}", w.strike)).await;
        assert_eq!(strike.status, 200);
        assert!(strike.body.contains(STRIKE));
        let gazette_path = format!(
            "/article/{}/{}",
            w.gazette_flood,
            tidings_web::slugify(GAZETTE_FLOOD)
        );
        let article = ana.get(&gazette_path).await;
        assert_eq!(article.status, 200);
        assert!(
            article.body.contains("You hid Gazette")
                && article.body.contains("action=\"/unhide\"")
                && article.body.contains(">Unhide Gazette</button>"),
            "{}",
            article.body
        );
        let anon_article = anon.get(&gazette_path).await;
        assert_eq!(anon_article.status, 200);
        assert!(!anon_article.body.contains("You hid"));
        // The topic's own page still lists the topic's articles, saying she hid it.
        let topic_page = ana.get("/topic/football").await;
        assert!(topic_page.body.contains(CUP), "{}", topic_page.body);
        assert!(topic_page.body.contains("You hid Football"));

        // The settings page lists all four; unhiding the outlet brings its story back.
        let settings = ana.get("/settings/hidden").await;
        for name in [
            "Gazette",
            "Claire Vautrin",
            "Football",
            "“royal”",
            "You hide 4 of at most 200",
        ] {
            assert!(settings.body.contains(name), "{name}\n{}", settings.body);
        }
        assert_eq!(
            hide_ok(
                &mut ana,
                "/unhide",
                &token,
                "source",
                &w.gazette.0.to_string(),
                "",
            )
            .await,
            "/settings/hidden"
        );
        let page = ana.get("/").await;
        assert!(top(&page.body).contains(STRIKE));
        assert!(
            card_of(top(&page.body), FLOOD)
                .contains("<span class=\"outlets\">Gazette and Outlet</span>")
        );
        assert!(!top(&page.body).contains(MINISTER), "the rest stays hidden");

        // Her data export carries what she hides.
        let export = ana.get("/account/export").await;
        let doc: serde_json::Value = serde_json::from_str(&export.body).expect("json");
        let hidden: Vec<(String, String)> = doc["reading"]["hidden"]
            .as_array()
            .expect("a hidden list")
            .iter()
            .map(|h| {
                (
                    h["kind"].as_str().unwrap_or_default().to_string(),
                    h["target"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        assert_eq!(
            hidden,
            [
                ("entity".to_string(), "claire-vautrin".to_string()),
                ("topic".into(), "football".into()),
                ("word".into(), "royal".into()),
            ]
        );
        assert_eq!(doc["version"], 1, "a field was added, none changed");
    })
    .await;
}

#[tokio::test]
async fn the_forms_refuse_strangers_bad_targets_long_words_and_a_two_hundred_and_first() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let w = world(&site).await;
        let mut ana = site.reader("ana").await;
        let ana_id = site
            .store
            .users()
            .credentials("ana")
            .await
            .expect("credentials")
            .expect("ana")
            .user
            .id;
        let token = ana.token().await;
        let gazette = w.gazette.0.to_string();

        // No token, someone else's token, another site's form, no session.
        let no_token = ana
            .post("/hide", &[("kind", "source"), ("target", &gazette)])
            .await;
        assert_eq!(no_token.status, 403, "{}", no_token.body);
        assert_eq!(
            post_hide(&mut ana, "/hide", "forged", "source", &gazette, "/")
                .await
                .status,
            403
        );
        let foreign = ana
            .post_with(
                "/hide",
                &[("csrf", &token), ("kind", "source"), ("target", &gazette)],
                &[("origin", "https://evil.example")],
            )
            .await;
        assert_eq!(foreign.status, 403, "{}", foreign.body);
        let mut anon = site.browser();
        let to_login = anon.get("/settings/hidden").await;
        assert_eq!(
            (to_login.status, to_login.location().as_str()),
            (303, "/login?next=/settings/hidden")
        );
        let anonymous = post_hide(&mut anon, "/hide", &token, "source", &gazette, "/").await;
        assert_eq!(anonymous.status, 401);
        // What is not there to hide.
        for (kind, target, status) in [
            ("source", "abc", 400),
            ("source", "999999", 404),
            ("entity", "nobody-at-all", 404),
            ("topic", "no-such-topic", 404),
            ("colour", "red", 400),
        ] {
            let refused = post_hide(&mut ana, "/hide", &token, kind, target, "/").await;
            assert_eq!(refused.status, status, "{kind} {target}: {}", refused.body);
        }
        // Words: at most 100 characters, with a letter or digit; the page says why.
        let long = "a".repeat(101);
        let refused = post_hide(&mut ana, "/hide", &token, "word", &long, "/settings/hidden").await;
        assert_eq!(refused.status, 400);
        assert!(
            refused.body.contains("at most 100 characters"),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("action=\"/hide\""),
            "the settings page, to try again"
        );
        let refused = post_hide(
            &mut ana,
            "/hide",
            &token,
            "word",
            " ?! ",
            "/settings/hidden",
        )
        .await;
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains("at least one letter or digit"));
        // A word in its markup is text: escaped on the settings page, matched as its words.
        hide_ok(&mut ana, "/hide", &token, "word", "<b>Strike</b>", "").await;
        let settings = ana.get("/settings/hidden").await;
        assert!(settings.body.contains("“b strike b”"), "{}", settings.body);
        assert!(!settings.body.contains("<b>Strike"));
        assert!(
            site.store.hidden().list(ana_id).await.expect("list").len() == 1,
            "nothing refused was stored"
        );

        // The two hundred and first thing is refused, with the way out named.
        for i in 0..199 {
            let word = HiddenThing::word(&format!("filler{i}")).expect("word");
            site.store
                .hidden()
                .hide(ana_id, &word, 1)
                .await
                .expect("hide");
        }
        let refused = post_hide(&mut ana, "/hide", &token, "source", &gazette, "/").await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(
            refused.body.contains("You hide 200 things already") && refused.body.contains("Unhide"),
            "{}",
            refused.body
        );
        assert!(
            !site
                .store
                .hidden()
                .hides(ana_id, &HiddenThing::source(w.gazette))
                .await
                .expect("hides")
        );
        // Unhiding one makes room.
        hide_ok(&mut ana, "/unhide", &token, "word", "FILLER7", "").await;
        hide_ok(&mut ana, "/hide", &token, "source", &gazette, "/").await;
    })
    .await;
}

/// Indexes the site's articles and their stories.
async fn index(engine: &SearchEngine, site: &Site) {
    tidings_search::catch_up(engine, &site.store)
        .await
        .expect("index");
    tidings_search::catch_up_placed(engine, &site.store)
        .await
        .expect("index stories");
}

#[tokio::test]
async fn search_leaves_out_hidden_outlets_says_how_many_and_shows_them_on_asking() {
    each_backend(|store| async move {
        let (site, engine, dir) = searchable_site(store).await;
        let w = world(&site).await;
        index(&engine, &site).await;
        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "source",
            &w.gazette.0.to_string(),
            "/",
        )
        .await;
        let mut bob = site.reader("bob").await;

        let link = |id: ArticleId, title: &str| {
            format!("href=\"/article/{id}/{}\"", tidings_web::slugify(title))
        };
        let strike_link = link(w.strike_report, STRIKE);
        let flood_link = link(site.article, FLOOD);
        let gazette_flood_link = link(w.gazette_flood, GAZETTE_FLOOD);
        // "strike": Gazette's story alone. It is left out, counted and offered.
        let page = ana.get("/search?q=strike").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains(&strike_link), "{}", page.body);
        assert!(
            page.body
                .contains("Every result here is from an outlet you hid.")
        );
        assert!(
            page.body.contains("1 result hidden by your settings"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("href=\"/search?q=strike&#38;hidden=show\""),
            "{}",
            page.body
        );
        let shown = ana.get("/search?q=strike&hidden=show").await;
        assert!(shown.body.contains(&strike_link), "{}", shown.body);
        assert!(!shown.body.contains("hidden by your settings"));
        assert!(shown.body.contains("Showing results from outlets you hid"));
        assert!(
            shown.body.contains("href=\"/search?q=strike\""),
            "the way back"
        );

        // "valley": the flood story, found in Outlet's and Gazette's reports; it stays, led
        // by Outlet's, without Gazette's.
        let page = ana.get("/search?q=valley").await;
        assert!(page.body.contains(&flood_link), "{}", page.body);
        assert!(!page.body.contains(&gazette_flood_link), "{}", page.body);
        assert!(page.body.contains("1 result hidden by your settings"));
        let everything = bob.get("/search?q=valley").await;
        assert!(
            everything.body.contains(&flood_link) && everything.body.contains(&gazette_flood_link),
            "{}",
            everything.body
        );
        assert!(!everything.body.contains("hidden by your settings"));
        // A reader who hid nothing is not offered hidden results.
        let bob_asks = bob.get("/search?q=strike&hidden=show").await;
        assert!(bob_asks.body.contains(&strike_link) && !bob_asks.body.contains("outlets you hid"));
        let anonymous = site.browser().get("/search?q=strike").await;
        assert!(anonymous.body.contains(&strike_link));
        drop(dir);
    })
    .await;
}

#[tokio::test]
async fn pages_stay_full_and_page_through_everything_left() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let gazette = site.add_outlet("Gazette").await;
        let herald = site.add_outlet("Herald").await;
        // 60 stories of Herald's (10 with the word in their headline) between 60 of
        // Gazette's, newer than the site's first story.
        let mut kept_titles = Vec::new();
        for i in 0..60 {
            let title = if i % 6 == 0 {
                format!("Royal visit number {i}")
            } else {
                format!("Herald item {i}")
            };
            let h = report(&site, herald, &title, 2 * i + 10, &[], "Text.").await;
            place(&site, None, &[h]).await;
            let g = report(
                &site,
                gazette,
                &format!("Gazette item {i}"),
                2 * i + 11,
                &[],
                "Text.",
            )
            .await;
            place(&site, None, &[g]).await;
            if i % 6 != 0 {
                kept_titles.push(title);
            }
        }
        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        for (kind, target) in [
            ("source", gazette.0.to_string()),
            ("word", "royal".to_string()),
        ] {
            hide_ok(&mut ana, "/hide", &token, kind, &target, "/").await;
        }
        let first = ana.get("/").await;
        let cards = top(&first.body)
            .matches("class=\"card story-card\"")
            .count();
        assert_eq!(
            cards, 12,
            "the top stories fill from the stories after the hidden ones"
        );
        assert!(
            !top(&first.body).contains("Gazette") && !top(&first.body).contains("Royal"),
            "{}",
            top(&first.body)
        );
        let headlines = |html: &str| -> Vec<String> {
            river(html)
                .split("class=\"headline-link\"")
                .skip(1)
                .filter_map(|s| s.split('>').nth(1)?.split('<').next().map(str::to_string))
                .collect()
        };
        let page1 = headlines(&first.body);
        assert_eq!(page1.len(), 40, "the latest list fills: {page1:?}");
        assert!(
            first.body.contains("href=\"/?page=2\""),
            "another page follows"
        );
        let second = ana.get("/?page=2").await;
        let cards2: Vec<String> = second
            .body
            .split("class=\"card-title\"")
            .skip(1)
            .filter_map(|s| {
                let link = s.split("<a href=\"").nth(1)?;
                link.split('>')
                    .nth(1)?
                    .split('<')
                    .next()
                    .map(str::to_string)
            })
            .collect();
        // Page 2: the 10 of Herald's left and the site's first story, each once.
        let mut all: Vec<String> = page1.iter().chain(cards2.iter()).cloned().collect();
        assert_eq!(all.len(), 51, "{cards2:?}");
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 51, "no article on two pages");
        let mut expected = kept_titles.clone();
        expected.push(FLOOD.to_string());
        expected.sort();
        assert_eq!(all, expected);
        assert!(!second.body.contains("href=\"/?page=3\""));
        // Everyone else pages through all 121.
        let anon = site.browser().get("/").await;
        assert!(
            headlines(&anon.body)
                .iter()
                .any(|t| t.starts_with("Gazette"))
        );
        assert_eq!(headlines(&anon.body).len(), 40);
    })
    .await;
}

#[tokio::test]
async fn for_you_leaves_out_what_the_reader_hid_and_links_the_settings() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let w = world(&site).await;
        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        // She follows the three outlets.
        for source in [w.outlet, w.gazette, w.herald] {
            let done = ana
                .post(
                    "/follow",
                    &[
                        ("csrf", &token),
                        ("kind", "source"),
                        ("target", &source.0.to_string()),
                    ],
                )
                .await;
            assert_eq!(done.status, 303);
        }
        let before = ana.get("/for-you").await;
        assert!(before.body.contains("href=\"/settings/hidden\""));
        assert!(
            before.body.contains(">7 unread items from your sources"),
            "{}",
            before.body
        );
        for title in [STRIKE, GAZETTE_FLOOD, ROYAL, CUP] {
            assert!(
                before.body.contains(title),
                "{title} before\n{}",
                before.body
            );
        }
        for (kind, target) in [
            ("source", w.gazette.0.to_string()),
            ("word", "royal".into()),
            ("topic", "football".into()),
        ] {
            hide_ok(&mut ana, "/hide", &token, kind, &target, "/for-you").await;
        }
        let after = ana.get("/for-you").await;
        assert_eq!(after.status, 200);
        for title in [STRIKE, GAZETTE_FLOOD, ROYAL, CUP] {
            assert!(!after.body.contains(title), "{title} after\n{}", after.body);
        }
        assert!(after.body.contains(FLOOD) && after.body.contains(MINISTER));
        // The unread count is of what the page shows: Gazette's two, the royal wedding and
        // the cup final are not counted.
        assert!(
            after.body.contains(">3 unread items from your sources"),
            "{}",
            after.body
        );
        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "entity",
            "claire-vautrin",
            "/for-you",
        )
        .await;
        let fewer = ana.get("/for-you").await;
        assert!(!fewer.body.contains(MINISTER));
        assert!(
            fewer.body.contains(">2 unread items from your sources"),
            "{}",
            fewer.body
        );
        assert!(
            ana.get("/account")
                .await
                .body
                .contains("href=\"/settings/hidden\"")
        );
    })
    .await;
}

/// The story cards (`<article …>`) of a page, each as its HTML.
fn story_cards(html: &str) -> Vec<&str> {
    html.split("<article class=\"card story-card\">")
        .skip(1)
        .map(|card| &card[..card.find("</article>").unwrap_or(card.len())])
        .collect()
}

#[tokio::test]
async fn entity_pages_leave_out_what_the_reader_hid_and_page_through_the_rest() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let w = world(&site).await;
        let claire = ("claire-vautrin", "Claire Vautrin");
        let kim = ("kim-jong-un", "Kim Jong Un");
        // Claire Vautrin is in the minister's story (Herald), and now in the flood (Outlet
        // and Gazette), the strike (Gazette alone), the royal wedding (a hidden word) and a
        // story that also names Kim Jong Un.
        let body = "Claire Vautrin spoke on Monday. Claire Vautrin said more would follow.";
        for story in [site.story, w.strike, w.royal] {
            understand(&site, story, body, &[claire]).await;
        }
        const SUMMIT: &str = "Two leaders meet at the harbour";
        let summit = report(&site, w.herald, SUMMIT, 50, &[], "They met.").await;
        let summit = place(&site, None, &[summit]).await;
        understand(&site, summit, body, &[claire, kim]).await;
        let path = "/entity/claire-vautrin";
        let mut anon = site.browser();
        let first = anon.get(path).await;
        for title in [MINISTER, FLOOD, STRIKE, ROYAL, SUMMIT] {
            assert!(first.body.contains(title), "{title}\n{}", first.body);
        }

        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        for (kind, target) in [
            ("source", w.gazette.0.to_string()),
            ("word", "royal".to_string()),
            ("entity", "kim-jong-un".to_string()),
        ] {
            hide_ok(&mut ana, "/hide", &token, kind, &target, "/").await;
        }
        let page = ana.get(path).await;
        assert_eq!(page.status, 200);
        assert_eq!(header(&page, "cache-control"), Some("private, no-store"));
        assert!(page.body.contains(MINISTER), "{}", page.body);
        let flood = card_of(&page.body, FLOOD);
        assert!(
            flood.contains("1 source<"),
            "a story with another outlet stays, without counting the hidden one\n{flood}"
        );
        for (gone, why) in [
            (STRIKE, "only the hidden outlet covers it"),
            (ROYAL, "its headline has the hidden word"),
            (SUMMIT, "it names another hidden person"),
        ] {
            assert!(!page.body.contains(gone), "{gone}: {why}\n{}", page.body);
        }
        // Everyone else sees them all, anonymous readers from the cache.
        let bob = site.reader("bob").await.get(path).await;
        assert!(card_of(&bob.body, FLOOD).contains("2 sources<"));
        for title in [STRIKE, ROYAL, SUMMIT] {
            assert!(bob.body.contains(title), "bob: {title}");
        }
        let again = anon.get(path).await;
        assert_eq!(header(&again, "x-cache"), Some("hit"));
        assert!(again.body.contains(STRIKE) && again.body.contains(SUMMIT));

        // Hiding the person herself: her page still lists her stories, and says so.
        hide_ok(&mut ana, "/hide", &token, "entity", "claire-vautrin", path).await;
        let own = ana.get(path).await;
        assert!(
            own.body.contains(MINISTER) && own.body.contains(FLOOD),
            "{}",
            own.body
        );
        assert!(!own.body.contains(STRIKE) && !own.body.contains(SUMMIT));
        assert!(
            own.body.contains("You hid Claire Vautrin")
                && own.body.contains(">Unhide Claire Vautrin</button>"),
            "{}",
            own.body
        );
        assert!(
            !top(&ana.get("/").await.body).contains(MINISTER),
            "elsewhere her stories are hidden"
        );

        // Pages stay full: 55 stories of the harbour board, every fifth Gazette's alone.
        let mut kept = Vec::new();
        for i in 0..55 {
            let title = format!("Harbour board meeting {i}");
            let outlet = if i % 5 == 0 { w.gazette } else { w.herald };
            let a = report(&site, outlet, &title, 1000 + 10 * i, &[], "Minutes.").await;
            let story = place(&site, None, &[a]).await;
            understand(
                &site,
                story,
                "The board met.",
                &[("harbour-board", "Harbour board")],
            )
            .await;
            if i % 5 != 0 {
                kept.push(title);
            }
        }
        let titles = |html: &str| -> Vec<String> {
            story_cards(html)
                .iter()
                .filter_map(|c| {
                    let heading = c.split("class=\"card-title\"").nth(1)?;
                    let link = heading.split("<a href=\"").nth(1)?;
                    link.split("\">").nth(1)?.split('<').next()
                })
                .map(str::to_string)
                .collect()
        };
        let page1 = ana.get("/entity/harbour-board").await;
        let first_titles = titles(&page1.body);
        assert_eq!(first_titles.len(), 40, "{first_titles:?}");
        assert!(page1.body.contains("href=\"/entity/harbour-board?page=2\""));
        let page2 = ana.get("/entity/harbour-board?page=2").await;
        let second_titles = titles(&page2.body);
        assert!(!page2.body.contains("page=3"));
        let mut all: Vec<String> = first_titles.into_iter().chain(second_titles).collect();
        all.sort();
        kept.sort();
        assert_eq!(all, kept, "every story left, each once");
    })
    .await;
}

#[tokio::test]
async fn a_story_led_by_a_hidden_outlet_shows_another_outlet_s_headline() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let w = world(&site).await;
        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        let follow = ana
            .post(
                "/follow",
                &[
                    ("csrf", token.as_str()),
                    ("kind", "story"),
                    ("target", &site.story.0.to_string()),
                ],
            )
            .await;
        assert_eq!(follow.status, 303);
        // Outlet's report is the newest: it leads the flood story, and its headline is the
        // story's.
        let before = top(&ana.get("/").await.body).to_string();
        let card = card_of(&before, "The river rose.");
        assert!(
            card.contains(FLOOD) && !card.contains(GAZETTE_FLOOD),
            "{card}"
        );

        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "source",
            &w.outlet.0.to_string(),
            "/",
        )
        .await;
        let page = ana.get("/").await;
        let top_html = top(&page.body);
        let card = card_of(top_html, GAZETTE_FLOOD);
        assert!(
            card.contains(&format!("href=\"/story/{}\"", site.story))
                && card.contains("Water rose.")
                && card.contains("1 source<")
                && card.contains("<span class=\"outlets\">Gazette</span>"),
            "led by Gazette's report: its headline and opening\n{card}"
        );
        assert!(
            !top_html.contains(FLOOD) && !top_html.contains("The river rose."),
            "{top_html}"
        );
        let for_you = ana.get("/for-you").await;
        let followed = part(&for_you.body, "top-stories followed-stories", "section");
        assert!(
            followed.contains(GAZETTE_FLOOD) && !followed.contains(FLOOD),
            "{followed}"
        );
        // Everyone else: Outlet's.
        let anon = top(&site.browser().get("/").await.body).to_string();
        assert!(card_of(&anon, FLOOD).contains("The river rose."), "{anon}");
    })
    .await;
}

#[tokio::test]
async fn other_languages_leave_out_the_stories_the_reader_hid() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let w = world(&site).await;
        // The flood in four more languages: German by Gazette alone, French naming Claire
        // Vautrin, Italian with "royal" in its headline, Spanish plain.
        let de = report(&site, w.gazette, "Hochwasser im Tal", 400, &[], "Wasser.").await;
        let de = story_in(&site, "de", de).await;
        let fr = report(&site, w.herald, "Crue dans la vallée", 400, &[], "Eau.").await;
        let fr = story_in(&site, "fr", fr).await;
        understand(
            &site,
            fr,
            "Claire Vautrin a visité la vallée. Claire Vautrin a parlé.",
            &[("claire-vautrin", "Claire Vautrin")],
        )
        .await;
        let it = report(
            &site,
            w.herald,
            "Royal alluvione nella valle",
            400,
            &[],
            "Acqua.",
        )
        .await;
        let it = story_in(&site, "it", it).await;
        let es = report(&site, w.herald, "Inundación en el valle", 400, &[], "Agua.").await;
        let es = story_in(&site, "es", es).await;
        let links: Vec<(StoryId, String, f64)> = [(de, "de"), (fr, "fr"), (it, "it"), (es, "es")]
            .into_iter()
            .map(|(s, l)| (s, l.to_string(), 0.9))
            .collect();
        site.store
            .cross_language()
            .save(
                &KeyedStory {
                    story: site.story,
                    language: "en".into(),
                    first_at: now(),
                    last_at: now(),
                    keys: vec![StoryKey {
                        key: "e:valley".into(),
                        weight: 1.0,
                    }],
                },
                &links,
            )
            .await
            .expect("links");
        let all = ["Deutsch", "Français", "Italiano", "Español"];
        let also_in = |html: &str| part(html, "meta also-in", "p").to_string();
        let other_languages = |html: &str| part(html, "other-languages", "section").to_string();
        let story_path = format!("/story/{}", site.story);
        let mut bob = site.reader("bob").await;
        let front = also_in(&bob.get("/").await.body);
        let story = other_languages(&bob.get(&story_path).await.body);
        for name in all {
            assert!(front.contains(name), "bob's card: {name}\n{front}");
            assert!(story.contains(name), "bob's story page: {name}\n{story}");
        }

        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        for (kind, target) in [
            ("source", w.gazette.0.to_string()),
            ("entity", "claire-vautrin".to_string()),
            ("word", "royal".to_string()),
        ] {
            hide_ok(&mut ana, "/hide", &token, kind, &target, "/").await;
        }
        let page = ana.get("/").await;
        let front = also_in(&page.body);
        let answer = ana.get(&story_path).await;
        assert_eq!(header(&answer, "cache-control"), Some("private, no-store"));
        let story = other_languages(&answer.body);
        for (html, what) in [(&front, "her card"), (&story, "her story page")] {
            assert!(html.contains("Español"), "{what}\n{html}");
            for gone in ["Deutsch", "Français", "Italiano"] {
                assert!(!html.contains(gone), "{what}: {gone}\n{html}");
            }
        }
        for gone in ["Hochwasser", "Crue dans", "Royal alluvione"] {
            assert!(!page.body.contains(gone), "{gone}");
        }
        // Anonymous readers still get every language, on the cached pages too.
        let mut anon = site.browser();
        for _ in 0..2 {
            let story = other_languages(&anon.get(&story_path).await.body);
            let front = also_in(&anon.get("/").await.body);
            for name in all {
                assert!(
                    story.contains(name) && front.contains(name),
                    "anonymous: {name}"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn search_leaves_hidden_outlets_out_in_the_engine_with_exact_counts_and_pages() {
    each_backend(|store| async move {
        let (site, engine, dir) = searchable_site(store).await;
        let gazette = site.add_outlet("Gazette").await;
        let herald = site.add_outlet("Herald").await;
        // 50 reports, newest first Herald's, Gazette's, Herald's…: 25 each.
        for i in 0..50 {
            let source = if i % 2 == 0 { herald } else { gazette };
            let a = report(
                &site,
                source,
                &format!("Harbour report {i}"),
                10 * i + 10,
                &[],
                "Ships.",
            )
            .await;
            place(&site, None, &[a]).await;
        }
        index(&engine, &site).await;
        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "source",
            &gazette.0.to_string(),
            "/",
        )
        .await;
        let shown = |html: &str| -> Vec<i64> {
            (0..50)
                .filter(|i| html.contains(&format!("report {i}</a>")))
                .collect()
        };
        // The engine leaves Gazette's out: page 1 is full with 20 of Herald's, and the
        // total, the outlets and the hidden count are exact from the first page on.
        let page1 = ana.get("/search?q=harbour&sort=newest").await;
        let first = shown(&page1.body);
        assert_eq!(
            first,
            (0..40).step_by(2).collect::<Vec<_>>(),
            "{}",
            page1.body
        );
        assert!(
            page1.body.contains(">25 results hidden by your settings"),
            "{}",
            page1.body
        );
        assert!(
            page1.body.contains("25 matching articles"),
            "{}",
            page1.body
        );
        let facets = part(&page1.body, "facets", "aside");
        assert!(facets.contains(">Herald</a> 25<"), "{facets}");
        assert!(!facets.contains("Gazette"), "{facets}");
        assert!(
            page1.body.contains("sort=newest&#38;page=2"),
            "{}",
            page1.body
        );
        // Page 2: the five left, the same counts.
        let page2 = ana.get("/search?q=harbour&sort=newest&page=2").await;
        assert_eq!(shown(&page2.body), (40..50).step_by(2).collect::<Vec<_>>());
        assert!(
            page2.body.contains(">25 results hidden by your settings"),
            "{}",
            page2.body
        );
        assert!(
            page2.body.contains("25 matching articles"),
            "{}",
            page2.body
        );
        assert!(!page2.body.contains("page=3"));
        // With them shown, and for anyone else, the pages are the engine's.
        let all = ana.get("/search?q=harbour&sort=newest&hidden=show").await;
        assert_eq!(shown(&all.body), (0..20).collect::<Vec<_>>());
        let bob = site
            .reader("bob")
            .await
            .get("/search?q=harbour&sort=newest")
            .await;
        assert_eq!(shown(&bob.body), (0..20).collect::<Vec<_>>());
        assert!(!bob.body.contains("hidden by your settings"));
        assert!(bob.body.contains("50 matching articles"), "{}", bob.body);
        assert!(all.body.contains("50 matching articles"), "{}", all.body);
        let anonymous = site.browser().get("/search?q=harbour&sort=newest").await;
        assert_eq!(shown(&anonymous.body), (0..20).collect::<Vec<_>>());
        assert!(anonymous.body.contains("50 matching articles"));
        assert!(part(&anonymous.body, "facets", "aside").contains(">Gazette</a> 25<"));
        drop(dir);
    })
    .await;
}

/// Places `articles` in a new story related to `to` by `score`; returns the story.
async fn place_related(site: &Site, articles: &[ArticleId], to: StoryId, score: f64) -> StoryId {
    let mut batch = site.store.stories().begin().await.expect("batch");
    let story = batch
        .create_story("new", Some("en"), now())
        .await
        .expect("story");
    for article in articles {
        batch
            .place(&Placement {
                article: *article,
                story,
                duplicate_of: None,
                related: vec![(to, score)],
            })
            .await
            .expect("place");
    }
    batch.commit(now()).await.expect("commit");
    story
}

#[tokio::test]
async fn related_lists_leave_out_hidden_stories_and_fill_up() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let herald = site.add_outlet("Herald").await;
        let gazette = site.add_outlet("Gazette").await;
        // The story read: Herald's report and Gazette's.
        let opens = report(&site, herald, "Harbour opens to ships", 50, &[], "Ships.").await;
        let gazette_harbour =
            report(&site, gazette, "Gazette on the harbour", 60, &[], "Ships.").await;
        let story = place(&site, None, &[opens, gazette_harbour]).await;
        // Related, best first: Gazette's alone; one about a topic; one led by Gazette with
        // Herald's report too; then seven ferry stories of Herald's.
        let dredging = report(&site, gazette, "Gazette dredging exclusive", 100, &[], "D.").await;
        place_related(&site, &[dredging], story, 0.9).await;
        let royal = report(
            &site,
            herald,
            "Royal yacht docks",
            101,
            &[("royals", "Royals")],
            "Y.",
        )
        .await;
        place_related(&site, &[royal], story, 0.85).await;
        // Gazette's report is the newer: it leads.
        let canal_lead = report(&site, gazette, "Gazette leads the canal", 200, &[], "C.").await;
        let canal = report(&site, herald, "Herald on the canal", 300, &[], "C.").await;
        let canal_story = place_related(&site, &[canal_lead, canal], story, 0.8).await;
        for i in 1..=7 {
            let ferry = report(
                &site,
                herald,
                &format!("Ferry timetable {i}"),
                110 + i,
                &[],
                "F.",
            )
            .await;
            place_related(&site, &[ferry], story, 0.8 - 0.05 * i as f64).await;
        }
        let mut ana = site.reader("ana").await;
        let token = ana.token().await;
        hide_ok(
            &mut ana,
            "/hide",
            &token,
            "source",
            &gazette.0.to_string(),
            "/",
        )
        .await;
        hide_ok(&mut ana, "/hide", &token, "topic", "royals", "/").await;
        let mut bob = site.reader("bob").await;
        let related = |html: &str| part(html, "related", "section").to_string();

        // The story page: five related stories.
        let story_path = format!("/story/{story}");
        let anonymous = related(&site.browser().get(&story_path).await.body);
        for title in [
            "Gazette dredging exclusive",
            "Royal yacht docks",
            "Gazette leads the canal",
            "Ferry timetable 1",
            "Ferry timetable 2",
        ] {
            assert!(anonymous.contains(title), "{title}: {anonymous}");
        }
        assert!(!anonymous.contains("Ferry timetable 3"), "{anonymous}");
        assert_eq!(related(&bob.get(&story_path).await.body), anonymous);
        let page = ana.get(&story_path).await;
        let hidden = related(&page.body);
        for title in [
            "Herald on the canal",
            "Ferry timetable 1",
            "Ferry timetable 4",
        ] {
            assert!(hidden.contains(title), "{title}: {hidden}");
        }
        for title in [
            "Gazette dredging exclusive",
            "Royal yacht docks",
            "Gazette leads the canal",
            "Ferry timetable 5",
        ] {
            assert!(!hidden.contains(title), "{title}: {hidden}");
        }
        assert!(hidden.contains(&format!("/story/{canal_story}")));

        // The article page: more coverage, then one article of each related story, eight.
        let article_path = format!(
            "/article/{opens}/{}",
            tidings_web::slugify("Harbour opens to ships")
        );
        let anonymous = related(&site.browser().get(&article_path).await.body);
        for title in [
            "Gazette on the harbour",
            "Gazette dredging exclusive",
            "Royal yacht docks",
            "Gazette leads the canal",
            "Ferry timetable 4",
        ] {
            assert!(anonymous.contains(title), "{title}: {anonymous}");
        }
        assert!(!anonymous.contains("Ferry timetable 5"), "{anonymous}");
        assert_eq!(related(&bob.get(&article_path).await.body), anonymous);
        let page = ana.get(&article_path).await;
        assert_eq!(header(&page, "cache-control"), Some("private, no-store"));
        let hidden = related(&page.body);
        for title in [
            "Herald on the canal",
            "Ferry timetable 1",
            "Ferry timetable 7",
        ] {
            assert!(hidden.contains(title), "{title}: {hidden}");
        }
        for title in [
            "Gazette on the harbour",
            "Gazette dredging exclusive",
            "Royal yacht docks",
        ] {
            assert!(!hidden.contains(title), "{title}: {hidden}");
        }
    })
    .await;
}
