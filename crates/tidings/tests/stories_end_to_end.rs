//! Stories end to end through `tidings serve`: three outlets covering two events on a
//! loopback web become exactly two stories on the front page; the story page shows full
//! coverage with the agency copy shown once with both publishers and explains its score; an
//! article page leads to more coverage; a restart keeps the stories as they were.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{
    Server, add_fixture_outlets, fixture_day_web, open_store, wait_until, wait_until_placed,
};

fn story_links(html: &str) -> Vec<String> {
    let mut links: Vec<String> = html
        .split("href=\"/story/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|id| format!("/story/{id}"))
        .collect();
    links.dedup();
    links
}

/// The answer section of a story page asked `question` (`+` for spaces).
async fn answer_to(server: &Server, story: &str, question: &str) -> String {
    let (_, page) = server.get(&format!("{story}?q={question}")).await;
    page.split("class=\"answer\"")
        .nth(1)
        .expect("an answer section")
        .to_string()
}

/// The front page's story whose card mentions `word`.
fn story_about(front: &str, word: &str) -> Option<String> {
    story_links(front).into_iter().find(|s| {
        front
            .split(s.as_str())
            .nth(1)
            .and_then(|rest| rest.split("</article>").next())
            .is_some_and(|card| card.contains(word))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_outlets_and_two_events_make_two_stories_on_the_site() {
    let web = fixture_day_web().await;
    let dir = tempfile::tempdir().expect("tempdir");
    add_fixture_outlets(dir.path(), &web);
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), 5).await;

    let (status, front) = server.get("/").await;
    assert_eq!(status, 200);
    let stories = story_links(&front);
    assert_eq!(stories.len(), 2, "exactly two stories: {stories:?}");
    assert!(
        front.contains("3 sources"),
        "the flood story has three outlets"
    );
    assert!(front.contains("2 sources"), "the rate story has two");

    let flood = &story_about(&front, "Saint-Aurel").expect("the flood story is on the front page");
    let (status, page) = server.get(flood).await;
    assert_eq!(status, 200);
    assert!(page.contains("Full coverage"));
    for outlet in ["Harbour Post", "Daily Ledger", "Metro Wire"] {
        assert!(
            page.contains(&format!(">{outlet}</a></h3>")),
            "{outlet} has its group"
        );
    }
    assert!(
        page.contains("same text as <a href=\"/article/"),
        "the agency copy points at its original"
    );
    assert!(
        page.contains("Also published by Metro Wire"),
        "the original lists its other publisher"
    );
    assert!(
        !page.contains("Why this story ranks"),
        "no explanation unasked"
    );
    let (_, explained) = server.get(&format!("{flood}?explain=1")).await;
    for part in [
        "Outlets",
        "Spread",
        "Velocity",
        "Recency",
        "log2(1 + 3 outlets)",
    ] {
        assert!(explained.contains(part), "the explanation shows {part}");
    }

    // The AI panel: a cited summary, entities linking to their pages, answers from the
    // sources or a plain "the sources don't say". It is computed by a job once the story
    // changed, so wait for it.
    wait_until("the story understood", Duration::from_secs(30), || async {
        server.get(flood).await.1.contains("About this story")
    })
    .await;
    let (_, page) = server.get(flood).await;
    assert!(page.contains("<h3 id=\"ai-summary\">Summary</h3>"));
    assert!(
        page.contains("href=\"#cite-1\""),
        "summary sentences cite their sources"
    );
    assert!(page.contains("id=\"cite-1\""), "footnotes list the sources");
    // The long summary holds every sentence of the two reports that says something new, so
    // no key point is left to add here (the article page, beside the short summary, has
    // them); any there is must not repeat the summary.
    assert_eq!(points_repeating_the_summary(&page), Vec::<String>::new());
    // Both outlets report the breach (on Tuesday) and the dam's overdue 1950s repairs, in
    // other words: the panel says each once.
    for fact in ["Tuesday", "1950s"] {
        assert_eq!(
            panel_sentences_with(&page, fact).len(),
            1,
            "the story page states the fact of {fact:?} once"
        );
    }
    assert!(
        page.contains("href=\"/entity/claire-vautrin\""),
        "people link to entity pages"
    );
    let answer = answer_to(&server, flood, "How+many+residents+were+evacuated").await;
    assert!(answer.contains("1,200"), "the answer quotes the sources");
    let (_, unanswered) = server
        .get(&format!("{flood}?q=What+is+the+price+of+coffee+in+Lima"))
        .await;
    assert!(
        unanswered.contains("The sources don&#39;t say.")
            || unanswered.contains("The sources don't say.")
    );
    let (status, entity) = server.get("/entity/claire-vautrin").await;
    assert_eq!(status, 200);
    assert!(entity.contains("Claire Vautrin"));
    assert!(
        entity.contains(&format!("href=\"{flood}\"")),
        "the entity page lists the story"
    );
    assert_eq!(server.get("/entity/nobody-at-all").await.0, 404);

    // An article of the story offers the rest of its coverage.
    let article = page
        .split("href=\"/article/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|path| format!("/article/{path}"))
        .expect("an article link");
    let (status, article_page) = server.get(&article).await;
    assert_eq!(status, 200);
    assert!(article_page.contains("Key points"));
    assert_eq!(
        points_repeating_the_summary(&article_page),
        Vec::<String>::new()
    );
    for fact in ["Tuesday", "1950s"] {
        assert!(
            panel_sentences_with(&article_page, fact).len() <= 1,
            "the article page states the fact of {fact:?} at most once"
        );
    }
    // Its key points come from the story's other reports: the reader has just read this one.
    let own = format!(
        "{}/",
        article
            .rsplit_once('/')
            .map_or(article.as_str(), |(id, _)| id)
    );
    let cited = key_point_sources(&article_page);
    assert!(!cited.is_empty(), "the points cite their sources");
    assert!(
        cited.iter().all(|href| !href.starts_with(&own)),
        "{own}: {cited:?}"
    );
    assert!(article_page.contains(&format!("href=\"{flood}\">Full coverage: 3 sources")));
    assert!(article_page.contains("Related articles"));
    assert!(
        article_page.contains("About this story"),
        "the article page has the AI panel"
    );

    // The rate story: "The krone strengthened against the euro …" and "The krone rose
    // against the euro and the dollar …" are one fact, shown once.
    let rates = &story_about(&front, "Norland").expect("the rate story is on the front page");
    wait_until(
        "the rate story understood",
        Duration::from_secs(30),
        || async { server.get(rates).await.1.contains("About this story") },
    )
    .await;
    let (_, rates_page) = server.get(rates).await;
    assert_eq!(
        panel_sentences_with(&rates_page, "krone").len(),
        1,
        "the krone's rise is told once"
    );

    // Search finds the story's articles once they are placed, grouped by story.
    wait_until("the articles indexed", Duration::from_secs(30), || async {
        server
            .get("/search?q=Vautrin")
            .await
            .1
            .contains("matching article")
            && !server
                .get("/search?q=Vautrin")
                .await
                .1
                .contains(">0 matching")
    })
    .await;
    let (status, results) = server.get("/search?q=Vautrin").await;
    assert_eq!(status, 200);
    assert!(
        results.contains("<b>Vautrin</b>"),
        "the match is highlighted"
    );
    assert!(
        results.contains(&format!("href=\"{flood}\">full story</a>")),
        "hits lead to their story"
    );
    assert!(
        !results.contains("Norland"),
        "the other story does not match"
    );
    let (_, hostile) = server
        .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(
        !hostile.contains("<script>alert(1)"),
        "the query is shown escaped"
    );
    assert_eq!(server.get("/search").await.0, 200);
    // Fewer than a page have every word: they are counted, and the rest follow them.
    let (_, mixed) = server.get("/search?q=helicopters+schools").await;
    assert!(mixed.contains("(1 with every word, first;"), "{mixed}");
    let full_story = format!("href=\"{flood}\">full story</a>");
    wait_until(
        "entity: finds the story that names her",
        Duration::from_secs(30),
        || async {
            server
                .get("/search?q=entity%3A%22Claire+Vautrin%22")
                .await
                .1
                .contains(&full_story)
        },
    )
    .await;
    let (_, by_entity) = server.get("/search?q=entity%3A%22Claire+Vautrin%22").await;
    assert!(!by_entity.contains("Norland"));

    // A search is a feed too.
    let (status, feed) = server.get("/search/feed.xml?q=Vautrin").await;
    assert_eq!(status, 200);
    let parsed = tidings_feeds::parse_feed(feed.as_bytes(), &server.url("/search/feed.xml"))
        .expect("the search feed parses");
    assert_eq!(
        parsed.entries.len(),
        2,
        "the three reports that name her, the agency copy one item with its original"
    );
    assert!(
        results.contains("href=\"/search/feed.xml?q=Vautrin\""),
        "the page offers it"
    );

    assert_eq!(server.get("/story/999999").await.0, 404);
    assert!(server.stop(), "SIGTERM stops the server cleanly");

    // A restart keeps the stories and makes no new ones.
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, again) = server.get("/").await;
    assert_eq!(story_links(&again).len(), 2);
    let store = open_store(dir.path()).await;
    assert_eq!(store.stories().count().await.expect("stories"), 2);
    store.close().await;
    assert!(server.stop());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_language_model_writes_cited_summaries_and_answers() {
    let web = fixture_day_web().await;
    let (model, calls) = grounded_model().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tidings.toml");
    std::fs::write(
        &config,
        format!("[llm]\nbase_url = \"{model}/v1\"\nmodel = \"test\"\ntimeout_secs = 5\n"),
    )
    .expect("config");
    add_fixture_outlets(dir.path(), &web);
    let config = config.to_string_lossy().to_string();
    let server = Server::start(dir.path(), &["--no-article-pages", "--config", &config]).await;
    wait_until("a written summary", Duration::from_secs(60), || async {
        let (_, front) = server.get("/").await;
        match story_about(&front, "Saint-Aurel") {
            Some(flood) => server.get(&flood).await.1.contains("In brief"),
            None => false,
        }
    })
    .await;
    let (_, front) = server.get("/").await;
    let flood = story_about(&front, "Saint-Aurel").expect("the flood story");
    let (_, page) = server.get(&flood).await;
    let brief = between(&page, "<p class=\"summary written\">", "</p>").expect("In brief");
    assert!(brief.contains("Reportedly, "), "the model's words: {brief}");
    assert!(page.contains("Written by a language model"));
    assert!(
        page.contains("<h3 id=\"ai-summary\">Summary</h3>"),
        "the extractive summary stays"
    );
    let answer = answer_to(&server, &flood, "How+many+residents+were+evacuated").await;
    let written = between(&answer, "<p class=\"written\">", "</p>").expect("a written answer");
    assert!(
        written.contains("Reportedly, "),
        "the model's answer: {answer}"
    );
    assert!(answer.contains("1,200"), "with the evidence it rests on");
    let asked = calls.load(Ordering::SeqCst);
    let (_, again) = server
        .get(&format!("{flood}?q=how+many+residents+were+evacuated"))
        .await;
    assert!(again.contains(written), "the same answer again");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        asked,
        "the same question about the same story is answered from the cache"
    );
    assert!(server.stop());
}

/// The text between the first `from` and the `to` after it.
fn between<'a>(page: &'a str, from: &str, to: &str) -> Option<&'a str> {
    page.split_once(from)
        .and_then(|(_, rest)| rest.split_once(to))
        .map(|(inner, _)| inner)
}

/// A loopback endpoint that speaks the OpenAI chat protocol as a careful model would: it
/// writes its first evidence sentence again, in the evidence's words, and cites it. Returns
/// its address and how many calls it had.
async fn grounded_model() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(move |axum::Json(request): axum::Json<serde_json::Value>| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                let prompt = request["messages"]
                    .as_array()
                    .and_then(|m| m.last())
                    .and_then(|m| m["content"].as_str())
                    .unwrap_or_default()
                    .to_string();
                let first = prompt
                    .lines()
                    .find_map(|l| l.strip_prefix("[1] "))
                    .unwrap_or_default();
                // The outlet the evidence names in front of it is not part of the sentence.
                let sentence = match first.strip_prefix('(') {
                    Some(rest) => rest.split_once(") ").map_or(first, |(_, s)| s),
                    None => first,
                };
                let reply = format!("Reportedly, {} [1].", sentence.trim_end_matches('.'));
                axum::Json(serde_json::json!({
                    "choices": [{"message": {"role": "assistant", "content": reply}}]
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), calls)
}

/// The sentences of the AI panel's summary and key points that contain `word`.
fn panel_sentences_with(page: &str, word: &str) -> Vec<String> {
    let section = |from: &str, to: &str| {
        page.split_once(from)
            .and_then(|(_, rest)| rest.split_once(to))
            .map(|(inner, _)| inner.to_string())
            .unwrap_or_default()
    };
    let summary = section("<p class=\"summary\">", "</p>");
    let points = section("<ul class=\"key-points\">", "</ul>");
    // Each sentence ends with its citation marks; the points are list items.
    summary
        .split("</sup>")
        .chain(points.split("</li>"))
        .map(|part| part.split("<sup>").next().unwrap_or_default())
        .map(|text| text.trim().trim_start_matches("<li>").trim())
        .filter(|text| text.contains(word))
        .map(String::from)
        .collect()
}

/// The AI panel's key points that its summary already says (each point's text, without its
/// citation marks, found in the summary paragraph).
fn points_repeating_the_summary(page: &str) -> Vec<String> {
    let between = |from: &str, to: &str| {
        page.split_once(from)
            .and_then(|(_, rest)| rest.split_once(to))
            .map(|(inner, _)| inner.to_string())
            .unwrap_or_default()
    };
    let summary = between("<p class=\"summary\">", "</p>");
    let points = between("<ul class=\"key-points\">", "</ul>");
    points
        .split("<li>")
        .skip(1)
        .filter_map(|li| li.split(['<']).next())
        .map(str::trim)
        .filter(|text| !text.is_empty() && summary.contains(*text))
        .map(String::from)
        .collect()
}

/// The footnote link of every source the AI panel's key points cite.
fn key_point_sources(page: &str) -> Vec<String> {
    let points = page
        .split_once("<ul class=\"key-points\">")
        .and_then(|(_, rest)| rest.split_once("</ul>"))
        .map_or("", |(inner, _)| inner);
    points
        .split("href=\"#cite-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|n| {
            let note = page.split_once(&format!("id=\"cite-{n}\""))?.1;
            let href = note.split_once("href=\"")?.1;
            Some(href.split('"').next()?.to_string())
        })
        .collect()
}
