//! `/saved`, a signed-in reader's saved (starred) articles, through HTTP: most recently saved
//! first, one card per text (a wire story's copies folded), 40 to a page, "Unsave" back to
//! the same page, the article page's "Save" button and the header's link; a hidden outlet's
//! copy never shown; another reader's
//! saves never shown, anonymous readers sent to log in, forged unsaves refused, never cached;
//! on SQLite and, with `TIDINGS_TEST_DATABASE_URL`, on PostgreSQL.

mod support;

use std::time::Duration;
use support::{Answer, Browser, Site, config, csrf_after, field_after, site_on};
use tidings_model::{ArticleId, Role, UserId};
use tidings_store::testing::each_backend;

const PASSWORD: &str = "correct horse battery";

/// Signs `name` in on the site; returns their browser and account.
async fn reader(site: &Site, name: &str) -> (Browser, UserId) {
    let account = site.user(name, PASSWORD, Role::Reader).await.id;
    let mut browser = site.browser();
    assert_eq!(browser.login(name, PASSWORD).await.status, 303);
    (browser, account)
}

/// An article's page as `who` sees it (through the redirect to its slug).
///
/// Asked as a browser's prefetch: opening an article reads it (`article_opened.rs`), and
/// these tests look at its page for its buttons, not to read it.
async fn article_page(who: &mut Browser, article: ArticleId) -> String {
    let cookies: Vec<String> = who
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut path = format!("/article/{article}");
    for _ in 0..2 {
        let response = who
            .http
            .get(format!("{}{path}", who.base))
            .header("cookie", cookies.join("; "))
            .header("sec-purpose", "prefetch")
            .send()
            .await
            .expect("the article page");
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            path = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("a location")
                .to_string();
            continue;
        }
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "{body}");
        return body;
    }
    panic!("/article/{article} redirects twice")
}

/// Presses the article page's save (or unsave) button, a little later than the last press;
/// it must lead back to `/saved`.
async fn press_save(site: &Site, who: &mut Browser, article: ArticleId, mark: &str) -> Answer {
    site.clock.advance(Duration::from_secs(10));
    let page = article_page(who, article).await;
    let action = format!("action=\"/article/{article}/mark\"");
    assert!(page.contains(&action), "{page}");
    let token = csrf_after(&page, &action);
    let answer = who
        .post(
            &format!("/article/{article}/mark"),
            &[("csrf", &token), ("mark", mark), ("next", "/saved")],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    answer
}

/// The cards of a list page, in order.
fn cards(html: &str) -> Vec<&str> {
    html.split("<article class=\"card")
        .skip(1)
        .map(|rest| rest.split("</article>").next().unwrap_or_default())
        .collect()
}

/// The headline of a card.
fn title(card: &str) -> &str {
    card.split("class=\"card-title\"")
        .nth(1)
        .and_then(|rest| rest.split("<a href=\"").nth(1))
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
}

fn titles(html: &str) -> Vec<&str> {
    cards(html).into_iter().map(title).collect()
}

fn cache_control(answer: &Answer) -> &str {
    answer
        .headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn saved_articles_list_most_recently_saved_first_one_card_per_text() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (_, copy) = site.add_wire_copy().await;
        let outlet = site.outlet;
        let now = chrono::Utc::now().timestamp();
        let dam = site
            .article_at(
                outlet,
                "https://outlet.example/dam",
                "The dam held",
                now - 50,
            )
            .await;
        let storm = site
            .article_at(
                outlet,
                "https://outlet.example/storm",
                "Storm <b>ahead</b>",
                now - 9_000,
            )
            .await;
        let (mut ana, _) = reader(&site, "ana").await;

        let article = article_page(&mut ana, dam).await;
        assert!(article.contains(">Save</button>"), "{article}");
        assert!(!article.contains(">Star</button>"), "{article}");
        assert!(
            article.contains("<a href=\"/saved\">Saved</a>"),
            "in the header"
        );
        press_save(&site, &mut ana, dam, "star").await;
        // The wire copy, saved from its own page, is the text the site's article carries.
        press_save(&site, &mut ana, copy, "star").await;
        let saved = press_save(&site, &mut ana, storm, "star").await;
        assert_eq!(saved.location(), "/saved");
        let article = article_page(&mut ana, dam).await;
        assert!(article.contains(">Unsave</button>"), "{article}");
        assert!(
            article.contains("Unread · <a href=\"/saved\">saved</a>"),
            "{article}"
        );

        let page = ana.get("/saved").await;
        assert_eq!(page.status, 200);
        assert_eq!(cache_control(&page), "private, no-store");
        let body = &page.body;
        assert!(body.contains("Saved articles (3)</h1>"), "{body}");
        assert_eq!(
            titles(body),
            vec![
                "Storm &#60;b&#62;ahead&#60;/b&#62;",
                "Flood in the valley",
                "The dam held"
            ],
            "newest save first, whenever published; the copy folded into its text: {body}"
        );
        assert!(!body.contains("Flood (wire copy)"), "{body}");
        let flood = cards(body)[1];
        assert!(
            flood.contains(&format!("href=\"{}\"", site.article_path)),
            "{flood}"
        );
        assert!(
            flood.contains("<a class=\"outlet\" href=\"/source/"),
            "{flood}"
        );
        assert!(flood.contains(">Outlet</a>"), "{flood}");
        assert!(flood.contains("<time datetime="), "{flood}");
        assert!(flood.contains("<p class=\"excerpt\" lang=\"en\">The river rose.</p>"));
        assert!(flood.contains("<strong class=\"reading-state\">Unread</strong>"));
        assert!(
            flood.contains(&format!(
                "action=\"/article/{}/mark\"><input type=\"hidden\" name=\"csrf\"",
                site.article
            )),
            "{flood}"
        );
        assert!(flood.contains("name=\"mark\" value=\"unstar\""));
        assert!(flood.contains("name=\"next\" value=\"/saved\""));
        assert!(flood.contains(">Unsave</button>"));
        assert!(
            !body.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Saved")
        );

        // Reading one takes its Unread mark away; the copy's read reaches the card.
        let token = ana.token().await;
        let read = ana
            .post(
                &format!("/article/{copy}/mark"),
                &[("csrf", &token), ("mark", "read"), ("next", "/saved")],
            )
            .await;
        assert_eq!(read.status, 303);
        let body = ana.get("/saved").await.body;
        let cards = cards(&body);
        assert!(!cards[1].contains("Unread"), "{}", cards[1]);
        assert!(cards[0].contains("Unread") && cards[2].contains("Unread"));

        // Hiding the outlet that carried the text first shows it from the wire's copy; the
        // outlet's own saves wait, still saved, until it is shown again.
        let token = ana.token().await;
        let hide = ana
            .post(
                "/hide",
                &[
                    ("csrf", &token),
                    ("kind", "source"),
                    ("target", &outlet.0.to_string()),
                    ("next", "/saved"),
                ],
            )
            .await;
        assert_eq!(hide.status, 303, "{}", hide.body);
        let body = ana.get("/saved").await.body;
        assert_eq!(titles(&body), vec!["Flood (wire copy)"], "{body}");
        assert!(!body.contains(">Outlet</a>"), "{body}");
        let token = ana.token().await;
        let unhide = ana
            .post(
                "/unhide",
                &[
                    ("csrf", &token),
                    ("kind", "source"),
                    ("target", &outlet.0.to_string()),
                    ("next", "/saved"),
                ],
            )
            .await;
        assert_eq!(unhide.status, 303, "{}", unhide.body);
        assert_eq!(titles(&ana.get("/saved").await.body).len(), 3);

        // "For you" marks saved items the same way.
        let token = ana.token().await;
        let follow = ana
            .post(
                "/follow",
                &[
                    ("csrf", &token),
                    ("kind", "source"),
                    ("target", &outlet.0.to_string()),
                ],
            )
            .await;
        assert_eq!(follow.status, 303);
        let for_you = ana.get("/for-you").await.body;
        assert!(
            for_you.contains("<span class=\"reading-state\">Saved</span>"),
            "{for_you}"
        );
    })
    .await;
}

#[tokio::test]
async fn forty_to_a_page_and_unsave_returns_to_the_same_page() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let outlet = site.outlet;
        let (mut ana, ana_id) = reader(&site, "ana").await;
        let now = chrono::Utc::now().timestamp();
        for n in 0..45 {
            let id = site
                .article_at(
                    outlet,
                    &format!("https://outlet.example/n{n}"),
                    &format!("Number {n}"),
                    now - 100 + n,
                )
                .await;
            site.store
                .reading()
                .set_starred(ana_id, &[id], true, now + n)
                .await
                .expect("star");
        }
        let first = ana.get("/saved").await.body;
        assert!(first.contains("Saved articles (45)</h1>"), "{first}");
        let first_titles = titles(&first);
        assert_eq!(first_titles.len(), 40);
        assert_eq!(first_titles[0], "Number 44");
        assert_eq!(first_titles[39], "Number 5");
        assert!(
            first.contains("href=\"/saved?page=2\" rel=\"next\""),
            "{first}"
        );
        assert!(!first.contains("rel=\"prev\""));
        let second = ana.get("/saved?page=2").await.body;
        assert_eq!(
            titles(&second),
            vec!["Number 4", "Number 3", "Number 2", "Number 1", "Number 0"]
        );
        assert!(second.contains("href=\"/saved\" rel=\"prev\""), "{second}");
        assert!(second.contains("Saved articles (45)</h1>"), "{second}");
        assert!(!second.contains("rel=\"next\""));
        assert!(second.contains("name=\"next\" value=\"/saved?page=2\""));

        // "Unsave" on page 2 goes back to page 2, one card fewer.
        let card = cards(&second)[1];
        let action = card
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an unsave form")
            .to_string();
        let token = csrf_after(card, "action=");
        let next = field_after(card, "action=", "next");
        let answer = ana
            .post(
                &action,
                &[("csrf", &token), ("mark", "unstar"), ("next", &next)],
            )
            .await;
        assert_eq!(answer.status, 303, "{}", answer.body);
        assert_eq!(answer.location(), "/saved?page=2");
        let second = ana.get("/saved?page=2").await.body;
        assert_eq!(
            titles(&second),
            vec!["Number 4", "Number 2", "Number 1", "Number 0"]
        );
        assert!(second.contains("Saved articles (44)</h1>"), "{second}");
        assert!(
            ana.get("/saved")
                .await
                .body
                .contains("Saved articles (44)</h1>")
        );
        let beyond = ana.get("/saved?page=3").await.body;
        assert!(titles(&beyond).is_empty());
        assert!(beyond.contains("Saved articles (44)</h1>"), "{beyond}");
        assert!(beyond.contains("No more saved articles"), "{beyond}");
    })
    .await;
}

#[tokio::test]
async fn another_readers_saves_are_not_shown_and_nothing_saved_explains_how() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let (mut ana, _) = reader(&site, "ana").await;
        let (mut bob, _) = reader(&site, "bob").await;
        let empty = bob.get("/saved").await;
        assert_eq!(empty.status, 200);
        assert!(empty.body.contains("Nothing saved yet"), "{}", empty.body);
        assert!(empty.body.contains("Press “Save” on an article’s page"));
        assert!(
            !empty.body.contains("Saved articles ("),
            "no count of nothing"
        );

        press_save(&site, &mut ana, site.article, "star").await;
        assert_eq!(
            titles(&ana.get("/saved").await.body),
            vec!["Flood in the valley"]
        );
        let bobs = bob.get("/saved").await.body;
        assert!(titles(&bobs).is_empty(), "{bobs}");
        assert!(bobs.contains("Nothing saved yet"));
        // Bob's own save and unsave leave ana's alone.
        press_save(&site, &mut bob, site.article, "star").await;
        press_save(&site, &mut bob, site.article, "unstar").await;
        assert_eq!(
            titles(&ana.get("/saved").await.body),
            vec!["Flood in the valley"]
        );
    })
    .await;
}

#[tokio::test]
async fn anonymous_readers_log_in_first_and_forged_unsaves_are_refused() {
    each_backend(|store| async move {
        let site = site_on(store, config(), |_| {}).await;
        let mut anon = site.browser();
        for path in ["/saved", "/saved?page=2"] {
            let answer = anon.get(path).await;
            assert_eq!(answer.status, 303, "{path}");
            assert_eq!(answer.location(), "/login?next=/saved");
        }

        let (mut ana, _) = reader(&site, "ana").await;
        press_save(&site, &mut ana, site.article, "star").await;
        let page = ana.get("/saved").await.body;
        let card = cards(&page)[0].to_string();
        let token = csrf_after(&card, "action=");
        let path = format!("/article/{}/mark", site.article);
        let unsave = [
            ("csrf", token.as_str()),
            ("mark", "unstar"),
            ("next", "/saved"),
        ];
        let refused = [
            ana.post_with(&path, &unsave, &[("origin", "https://evil.example")])
                .await,
            ana.post_with(&path, &unsave, &[("sec-fetch-site", "cross-site")])
                .await,
            ana.post(
                &path,
                &[("csrf", "forged"), ("mark", "unstar"), ("next", "/saved")],
            )
            .await,
            ana.post(&path, &[("mark", "unstar"), ("next", "/saved")])
                .await,
        ];
        for answer in &refused {
            assert_eq!(answer.status, 403, "{}", answer.body);
        }
        assert_eq!(anon.post(&path, &unsave).await.status, 401);
        assert_eq!(
            titles(&ana.get("/saved").await.body),
            vec!["Flood in the valley"],
            "still saved"
        );
        let done = ana.post(&path, &unsave).await;
        assert_eq!(done.status, 303);
        assert!(titles(&ana.get("/saved").await.body).is_empty());
    })
    .await;
}
