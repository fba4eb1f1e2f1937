//! The reader's site cut by section, topic and language, and the display policy: the demo
//! corpus served on loopback (its feeds carry categories and three languages).

mod support;

use std::time::Duration;
use support::{
    Server, article_links, cli_ok, create_admin, demo_web, get_as, log_in, wait_until,
    wait_until_placed,
};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sections_topics_languages_and_the_display_policy() {
    let (_web, feeds) = demo_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    for url in &feeds {
        cli_ok(dir.path(), &["sources", "add", url]);
    }
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), demo_items()).await;

    // Every page offers the sections; the front page lists the topics feeds tagged.
    let (status, front) = server.get("/").await;
    assert_eq!(status, 200);
    for section in ["World", "Business", "Science", "Sport", "Culture"] {
        let href = format!("href=\"/section/{}\"", section.to_lowercase());
        assert!(front.contains(&href), "{section} in the section bar");
    }
    assert!(front.contains("href=\"/topic/local\""), "a topic link");

    // A section lists its articles and none of another's, with its own feeds.
    let (status, sport) = server.get("/section/sport").await;
    assert_eq!(status, 200);
    assert!(
        sport.contains("Southern Stags end 31-year wait"),
        "a Sport item"
    );
    assert!(
        sport.contains("Handball: SG Lindenbach"),
        "a German Sport item"
    );
    assert!(
        !sport.contains("Copper hits record high"),
        "no Business item"
    );
    assert!(sport.contains("href=\"/section/sport/feed.xml\""));
    assert!(sport.contains("aria-current=\"page\">Sport<"));
    let (status, feed) = server.get("/section/sport/feed.atom").await;
    assert_eq!(status, 200);
    assert!(feed.contains("Southern Stags") && !feed.contains("Copper hits"));
    let (status, business) = server.get("/section/business").await;
    assert_eq!(status, 200);
    assert!(business.contains("Copper hits record high"));
    assert_eq!(server.get("/section/weather").await.0, 404);

    // A topic page, and its feed.
    let (status, local) = server.get("/topic/local").await;
    assert_eq!(status, 200);
    assert!(local.contains("We stayed up all night"), "{local}");
    assert!(!local.contains("Copper hits record high"));
    assert_eq!(server.get("/topic/local/feed.json").await.0, 200);
    assert_eq!(server.get("/topic/no-such-topic").await.0, 404);

    // The language choice: German only, in the whole site and within a section.
    assert!(front.contains("href=\"/?lang=de\""), "the language choice");
    assert!(front.contains(">Deutsch<"));
    let (_, german) = server.get("/?lang=de").await;
    assert!(german.contains("Handball: SG Lindenbach"));
    assert!(
        !german.contains("Container ship runs aground"),
        "no English"
    );
    assert!(!german.contains("Séisme en Marovie"), "no French");
    let (_, german_sport) = server.get("/section/sport?lang=de").await;
    assert!(german_sport.contains("Handball: SG Lindenbach"));
    assert!(!german_sport.contains("Southern Stags"));
    // Whatever is asked for, only a language code is used: no error, no injection.
    assert_eq!(server.get("/?lang=de%27%20OR%201%3D1").await.0, 200);

    // Pages: the latest list continues on page 2.
    let (status, page2) = server.get("/?page=2&lang=en").await;
    assert_eq!(status, 200);
    assert!(page2.contains("rel=\"prev\""), "a link back to page 1");

    // Under the top stories, whose cards carry the summaries, the latest articles are a
    // compact list of headlines with outlet and age; a page without top stories keeps cards.
    let river_at = front
        .find("<ol class=\"river\">")
        .expect("the latest headlines");
    let river = &front[river_at..];
    let river = &river[..river.find("</ol>").expect("the list's end")];
    assert!(
        river.contains("class=\"headline-link\" href=\"/article/"),
        "{river}"
    );
    assert!(river.contains("class=\"outlet\"") && river.contains("<time datetime="));
    assert!(
        !river.contains("class=\"excerpt\""),
        "no excerpts in the list"
    );
    assert!(
        !page2.contains("class=\"river\""),
        "page 2 has no top stories above it"
    );

    // The operator's page, for an admin: counts, queues, backlog.
    create_admin(dir.path(), "operator", "a long enough password");
    let session = log_in(&server, "operator", "a long enough password").await;
    let (status, operator) = get_as(&server, &session, "/operator").await;
    assert_eq!(status, 200);
    assert!(
        operator.contains("<th scope=\"row\">understand_story</th>"),
        "{operator}"
    );
    assert!(operator.contains("Waiting for a story</dt><dd>0 articles"));
    assert!(operator.contains("Every source's last fetch worked."));

    // The display policy: a public instance shows excerpts of loopback (third-party) sources…
    let link = article_links(&front)
        .into_iter()
        .find(|l| l.contains("container-ship-runs-aground"))
        .expect("the ship story is linked");
    let (_, page) = server.get(&link).await;
    assert!(page.contains("This is an excerpt. Read the whole article at"));
    assert!(
        !page.contains("All 23 crew members are safe"),
        "a later paragraph"
    );
    assert!(
        page.contains("href=\"/section/world\""),
        "the article's section"
    );
    let id = link.split('/').nth(2).expect("id");
    let (_, api) = server.get(&format!("/api/v1/articles/{id}")).await;
    assert!(api.contains("\"display\":\"excerpt\""), "{api}");
    assert!(!api.contains("All 23 crew members are safe"));

    // …until the operator says a source may show in full.
    let meridian = feeds
        .iter()
        .find(|f| f.contains("meridian-wire"))
        .expect("meridian feed");
    let out = cli_ok(dir.path(), &["sources", "display", meridian, "full"]);
    assert!(out.contains("articles in full"), "{out}");
    // The cached page goes when the web process sees the site revision move (a poll).
    wait_until("the page in full", Duration::from_secs(10), || async {
        server
            .get(&link)
            .await
            .1
            .contains("All 23 crew members are safe")
    })
    .await;
    let (_, page) = server.get(&link).await;
    assert!(!page.contains("This is an excerpt"));
    let (_, api) = server.get(&format!("/api/v1/articles/{id}")).await;
    assert!(api.contains("\"display\":\"full\""));
    assert!(
        !support::cli(dir.path(), &["sources", "display", meridian, "most"])
            .status
            .success()
    );
    assert!(server.stop());
}
