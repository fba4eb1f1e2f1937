//! A developing story end to end through `tidings serve`: three outlets on a loopback web
//! report one earthquake two hours apart, the toll rising from 41 to 58 to 71. The story is
//! headed by the latest report ("… rises to 71") on the front page, its page and the API;
//! its summary, key points and card give 71 and no earlier toll; its page still says who
//! reported it first.

mod support;

use std::time::Duration;
use support::{Server, cli_ok, wait_until, wait_until_placed};
use tidings_testkit::news::rfc2822;
use tidings_testkit::{FixtureWeb, Reply};

/// One outlet's report: feed path, outlet name, headline, hours ago, paragraphs.
struct Report {
    feed: &'static str,
    outlet: &'static str,
    title: &'static str,
    hours_ago: i64,
    body: &'static [&'static str],
}

/// The first report is the fullest; the updates open with the new toll and retell the
/// rest, as updates do. Without publication times every toll would be as current as the
/// others, and the summary gives 58 and 41 beside 71.
const REPORTS: [Report; 3] = [
    Report {
        feed: "/wire/feed.xml",
        outlet: "Meridian Wire",
        title: "Strong earthquake strikes Marovia's coast, killing at least 41",
        hours_ago: 5,
        body: &[
            "A magnitude 6.9 earthquake struck the coast of Marovia before dawn on Tuesday, killing \
             at least 41 people, collapsing buildings in the port city of Vessa and sending \
             thousands of residents into the streets, the civil protection agency said.",
            "Rescue teams searched the rubble of Vessa's old town, where many stone houses date \
             from the 19th century, and the agency opened emergency shelters in schools.",
            "Prime Minister Teodor Vasz declared a state of emergency in three coastal provinces \
             and sent the army to help clear the roads into Vessa.",
            "Aftershocks shook the Marovian coast through the morning, and the port of Vessa \
             suspended operations while engineers inspected its quays.",
        ],
    },
    Report {
        feed: "/ledger/feed.xml",
        outlet: "Tasman Ledger",
        title: "Marovia quake toll climbs to 58 as rescuers search Vessa's old town",
        hours_ago: 3,
        body: &[
            "The toll has risen to 58, officials said on Tuesday afternoon.",
            "Rescue teams worked by hand through the rubble of collapsed stone houses in Vessa's \
             old town after the magnitude 6.9 earthquake, and thousands of residents spent the day \
             in emergency shelters.",
            "Prime Minister Teodor Vasz extended the state of emergency in three coastal provinces, \
             and the army sent heavy equipment to Vessa.",
            "Aftershocks kept shaking the Marovian coast, and the port of Vessa stayed closed while \
             engineers inspected its quays.",
        ],
    },
    Report {
        feed: "/gazette/feed.xml",
        outlet: "Aldermoor Gazette",
        title: "Death toll from Marovia earthquake rises to 71",
        hours_ago: 1,
        body: &[
            "Officials now say 71 people died.",
            "Rescue teams kept searching the rubble of collapsed stone houses in Vessa's old town \
             under floodlights after the magnitude 6.9 earthquake, and thousands of residents spent \
             the night in emergency shelters.",
            "Prime Minister Teodor Vasz said the state of emergency would stay in force in the \
             three coastal provinces, and the army set up field hospitals in Vessa.",
            "Aftershocks rattled the Marovian coast into the night, and the port of Vessa remained \
             closed while engineers inspected its quays.",
        ],
    },
];

/// Serves each report as its outlet's RSS feed, full text in the item, dated from `now`.
fn serve_reports(web: &FixtureWeb, now: i64) {
    for r in &REPORTS {
        let html: String = r.body.iter().map(|p| format!("<p>{p}</p>")).collect();
        let link = web.url(&format!("{}/quake", r.feed.trim_end_matches("/feed.xml")));
        web.set(
            r.feed,
            Reply::feed(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title>\
                 <link>{}</link><language>en</language><item><title>{}</title>\
                 <link>{link}</link><pubDate>{}</pubDate>\
                 <description><![CDATA[{html}]]></description></item></channel></rss>",
                r.outlet,
                web.url("/"),
                r.title,
                rfc2822(now - r.hours_ago * 3_600),
            )),
        );
    }
}

/// The text between `from` and the next `to` in `page`, if any.
fn between<'a>(page: &'a str, from: &str, to: &str) -> Option<&'a str> {
    page.split_once(from)
        .and_then(|(_, rest)| rest.split_once(to))
        .map(|(inner, _)| inner)
}

/// The visible text of an HTML fragment: attributes (times, links) may hold any number.
fn text_of(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_developing_story_shows_its_latest_toll() {
    let web = FixtureWeb::start().await;
    serve_reports(&web, chrono::Utc::now().timestamp());
    let dir = tempfile::tempdir().expect("tempdir");
    for r in &REPORTS {
        cli_ok(dir.path(), &["sources", "add", &web.url(r.feed)]);
    }
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), 3).await;

    let (status, body) = server.get("/api/v1/stories").await;
    assert_eq!(status, 200, "{body}");
    let stories: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let items = stories["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "the three reports are one story: {stories}");
    assert_eq!(
        items[0]["title"].as_str(),
        Some(REPORTS[2].title),
        "the latest report heads the story"
    );
    let story = format!("/story/{}", items[0]["id"].as_i64().expect("id"));

    wait_until("the story understood", Duration::from_secs(60), || async {
        server.get(&story).await.1.contains("About this story")
    })
    .await;
    let (status, page) = server.get(&story).await;
    assert_eq!(status, 200);
    let headline = between(&page, "<h1 class=\"headline\">", "</h1>").expect("a headline");
    assert_eq!(headline, REPORTS[2].title);
    let meta = between(&page, "First report", "</p>").expect("the story's times");
    assert!(
        meta.contains("by <span class=\"first-outlet\">Meridian Wire</span>"),
        "the page says who reported first: {meta}"
    );
    let summary = between(&page, "<p class=\"summary\">", "</p>").expect("a summary");
    let points = between(&page, "<ul class=\"key-points\">", "</ul>").unwrap_or_default();
    assert!(summary.contains("71"), "the latest toll: {summary}");
    for told in [text_of(summary), text_of(points)] {
        for earlier in ["41", "58"] {
            assert!(
                !told.contains(earlier),
                "no earlier toll ({earlier}): {told}"
            );
        }
    }

    let (_, front) = server.get("/").await;
    let card = between(&front, &format!("href=\"{story}\""), "</article>").expect("the card");
    assert!(card.contains(REPORTS[2].title), "{card}");
    // The card's title and excerpt, not its attributes: a `datetime` may hold "41" or "58".
    let excerpt = between(card, "<p class=\"excerpt\"", "</p>")
        .and_then(|tag| tag.split_once('>'))
        .map(|(_, text)| text)
        .expect("an excerpt");
    assert!(excerpt.contains("71"), "{card}");
    let title = between(card, ">", "</a>").expect("the card's title");
    for told in [text_of(title), text_of(excerpt)] {
        assert!(!told.contains("41") && !told.contains("58"), "{card}");
    }
    assert!(server.stop());
}
