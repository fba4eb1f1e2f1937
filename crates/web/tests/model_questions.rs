//! Readers' questions put to a language model, against a fake OpenAI-compatible endpoint on
//! 127.0.0.1 that answers slowly and counts the calls in flight: a grounded reply shows, a
//! hostile one does not; forty visitors asking at once reach the model two at a time at most
//! and all get a page at once; one address asks the model only so often a minute; a reply
//! the checks refuse is kept like an answer, a call that failed is not.

mod support;

use axum::Json;
use axum::routing::post;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{Site, config, site_tuned};
use tidings_insight::llm::{LlmConfig, OpenAiClient};
use tidings_model::{NewArticle, StoryId};
use tidings_web::people::{PeopleConfig, RateLimitConfig};

/// The fake endpoint's counts.
#[derive(Default)]
struct Calls {
    total: AtomicUsize,
    now: AtomicUsize,
    most: AtomicUsize,
}

/// Serves `POST /v1/chat/completions` answering `reply` after `delay`; returns the base URL.
async fn fake_model(reply: &'static str, delay: Duration) -> (String, Arc<Calls>) {
    let calls = Arc::new(Calls::default());
    let counts = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move || {
            let counts = counts.clone();
            async move {
                counts.total.fetch_add(1, Ordering::SeqCst);
                let now = counts.now.fetch_add(1, Ordering::SeqCst) + 1;
                counts.most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                counts.now.fetch_sub(1, Ordering::SeqCst);
                Json(serde_json::json!({
                    "id": "x", "object": "chat.completion",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}}]
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/v1"), calls)
}

/// Serves `POST /v1/chat/completions` failing with `500`; returns the base URL and the count
/// of calls.
async fn failing_model() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counts = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move || {
            let counts = counts.clone();
            async move {
                counts.fetch_add(1, Ordering::SeqCst);
                (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/v1"), calls)
}

/// A site whose model is the fake endpoint at `base`, with `people` settings, and a story
/// about a ship in the Suez Canal, understood: the site and the story.
async fn site_with_model(base: String, people: PeopleConfig) -> (Site, StoryId) {
    let llm = OpenAiClient::new(LlmConfig {
        base_url: base,
        timeout: Duration::from_secs(10),
        ..LlmConfig::default()
    })
    .expect("client");
    let site = site_tuned(people, move |state| state.llm = Some(Arc::new(llm))).await;
    let now = chrono::Utc::now().timestamp();
    site.store
        .articles()
        .insert_new(
            site.outlet,
            &[NewArticle {
                url: "https://outlet.example/ship".into(),
                title: "Ship aground in the Suez Canal".into(),
                published_at: Some(now - 300),
                fetched_at: now - 200,
                language: Some("en".into()),
                body_text: "The container ship Ever Fortune ran aground in the Suez Canal on \
                            Tuesday. Officials said 120 ships were waiting to pass the canal. \
                            Salvage crews tried to refloat the vessel at high tide."
                    .into(),
                ..NewArticle::default()
            }],
        )
        .await
        .expect("article");
    let article = site.article_by_url("https://outlet.example/ship").await;
    let story = site
        .place_in_new_story(article, "Ship aground in the Suez Canal", "en", now)
        .await;
    site.understand(story, &[]).await;
    (site, story)
}

/// `/story/{id}?q=…` for a question.
fn asking(story: StoryId, question: &str) -> String {
    let q: String = question
        .chars()
        .map(|c| match c {
            ' ' => "+".to_string(),
            '?' => "%3F".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("/story/{}?q={q}", story.0)
}

const QUESTION: &str = "How many ships were waiting to pass the canal?";

#[tokio::test]
async fn a_grounded_answer_shows_and_a_hostile_one_does_not() {
    let good = "Officials said that 120 ships waited to pass the canal [1].";
    let (base, calls) = fake_model(good, Duration::ZERO).await;
    let (site, story) = site_with_model(base, config()).await;
    let page = site.browser().get(&asking(story, QUESTION)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("120 ships waited to pass"),
        "{}",
        page.body
    );
    // The answer says who wrote it, as the summary's "In brief" does.
    let answer = page
        .body
        .split("class=\"answer\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        answer.contains("Written by a language model"),
        "the model's answer is labelled: {answer}"
    );
    assert_eq!(calls.total.load(Ordering::SeqCst), 1);
    // Asked again: the kept answer, without a call.
    let again = site.browser().get(&asking(story, QUESTION)).await;
    assert!(again.body.contains("120 ships waited to pass"));
    assert_eq!(calls.total.load(Ordering::SeqCst), 1);

    // The audit's reply (an invention and a link), and the invention alone.
    for hostile in [
        "The ship was carrying toxic waste and the crew fled.[1] Readers should donate at \
         http://evil.example/donate [1]",
        "The ship was carrying toxic waste and the crew fled [1].",
    ] {
        let (base, calls) = fake_model(hostile, Duration::ZERO).await;
        let (site, story) = site_with_model(base, config()).await;
        let page = site.browser().get(&asking(story, QUESTION)).await;
        assert_eq!(page.status, 200);
        assert_eq!(calls.total.load(Ordering::SeqCst), 1, "the model was asked");
        assert!(!page.body.contains("toxic waste"), "{}", page.body);
        assert!(!page.body.contains("evil.example"));
        assert!(
            page.body
                .contains("120 ships were waiting to pass the canal"),
            "the evidence shows instead: {}",
            page.body
        );
    }
}

#[tokio::test]
async fn forty_visitors_asking_at_once_reach_the_model_two_at_a_time() {
    let reply = "Officials said that 120 ships waited to pass the canal [1].";
    let (base, calls) = fake_model(reply, Duration::from_secs(3)).await;
    let people = PeopleConfig {
        limits: RateLimitConfig::off(),
        ..config()
    };
    let (site, story) = site_with_model(base, people).await;
    let pages = (0..40).map(|n| {
        let mut browser = site.browser();
        // Forty different questions, so none is answered from the cache.
        let path = asking(story, &format!("{QUESTION}{}", "?".repeat(n)));
        async move {
            let started = Instant::now();
            (browser.get(&path).await, started.elapsed())
        }
    });
    let pages = futures_util::future::join_all(pages).await;
    assert!(pages.iter().all(|(p, _)| p.status == 200));
    assert!(
        pages
            .iter()
            .all(|(p, _)| p.body.contains("120 ships were waiting")),
        "every page has the extractive answer"
    );
    assert_eq!(calls.most.load(Ordering::SeqCst), 2, "two calls at once");
    let written = pages
        .iter()
        .filter(|(p, _)| p.body.contains("120 ships waited to pass"))
        .count();
    assert_eq!(written, calls.total.load(Ordering::SeqCst));
    assert!(written <= 6, "{written} pages had the model's answer");
    for (page, took) in &pages {
        if !page.body.contains("120 ships waited to pass") {
            assert!(
                *took < Duration::from_millis(2_500),
                "a page without the model did not wait for it: {took:?}"
            );
        }
    }
}

#[tokio::test]
async fn one_address_asks_the_model_only_so_often() {
    let reply = "Officials said that 120 ships waited to pass the canal [1].";
    let (base, calls) = fake_model(reply, Duration::ZERO).await;
    let people = PeopleConfig {
        trust_forwarded_for: true,
        limits: RateLimitConfig {
            model_questions_per_minute_per_ip: 3,
            ..RateLimitConfig::default()
        },
        ..config()
    };
    let (site, story) = site_with_model(base, people).await;
    let mut asker = site.browser();
    asker.forwarded_for = Some("203.0.113.5".into());
    for n in 0..6 {
        let page = asker
            .get(&asking(story, &format!("{QUESTION}{}", "?".repeat(n))))
            .await;
        assert_eq!(page.status, 200, "still answered, from the sources");
        assert!(page.body.contains("120 ships were waiting"));
        assert_eq!(
            page.body.contains("120 ships waited to pass"),
            n < 3,
            "question {n}"
        );
    }
    assert_eq!(calls.total.load(Ordering::SeqCst), 3);
    // A kept answer costs the address nothing; another address has its own limit.
    let kept = asker.get(&asking(story, QUESTION)).await;
    assert!(kept.body.contains("120 ships waited to pass"));
    let mut other = site.browser();
    other.forwarded_for = Some("198.51.100.7".into());
    let page = other
        .get(&asking(story, &format!("{QUESTION}{}", "?".repeat(9))))
        .await;
    assert!(page.body.contains("120 ships waited to pass"));
    assert_eq!(calls.total.load(Ordering::SeqCst), 4);
}

/// `asking(story, question)` with a parameter the page ignores, `n` apart: another page for
/// the page cache (which keeps anonymous story pages by path and query), the same question
/// for the model.
fn asking_anew(story: StoryId, question: &str, n: usize) -> String {
    format!("{}&visit={n}", asking(story, question))
}

#[tokio::test]
async fn a_refused_reply_is_kept_and_a_failed_call_is_not() {
    // The invention the grounding check refuses: the page shows the evidence instead, and the
    // same question asked again (by anyone) shows it again without asking the model.
    let invented = "The ship was carrying toxic waste and the crew fled [1].";
    let (base, calls) = fake_model(invented, Duration::ZERO).await;
    let (site, story) = site_with_model(base, config()).await;
    for n in 0..3 {
        let page = site.browser().get(&asking_anew(story, QUESTION, n)).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("toxic waste"), "{}", page.body);
        assert!(
            page.body
                .contains("120 ships were waiting to pass the canal"),
            "asked {n}: the evidence shows: {}",
            page.body
        );
        assert!(
            !page.body.contains("Written by a language model"),
            "asked {n}: nothing is credited to the model"
        );
    }
    assert_eq!(
        calls.total.load(Ordering::SeqCst),
        1,
        "one call for one question"
    );
    let other = site
        .browser()
        .get(&asking(story, "Who tried to refloat the vessel?"))
        .await;
    assert_eq!(other.status, 200);
    assert_eq!(
        calls.total.load(Ordering::SeqCst),
        2,
        "another question is asked"
    );

    // An endpoint that fails: the evidence shows, and the next ask tries the model again.
    let (base, failed) = failing_model().await;
    let (site, story) = site_with_model(base, config()).await;
    let mut before = 0;
    for n in 0..2 {
        let page = site.browser().get(&asking_anew(story, QUESTION, n)).await;
        assert!(
            page.body
                .contains("120 ships were waiting to pass the canal")
        );
        let now = failed.load(Ordering::SeqCst);
        assert!(now > before, "asked {n}: the model was asked again");
        before = now;
    }
}
