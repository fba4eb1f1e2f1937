//! Comments under load, on loopback only: N concurrent logged-in clients, each posting a
//! comment then reading a page (the article page, or the comment API), over and over for a
//! while; then every comment a client was told was stored must be there, with its text.
//!
//! The suite runs it for 3 seconds with 50 clients; the benchmark for 60 seconds:
//!
//! ```sh
//! cargo test --release -p tidings-web --test people_load -- --ignored --nocapture
//! ```

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{Browser, comment_id, config, site};
use tidings_model::{ArticleId, CommentTarget, NewArticle, Role};
use tidings_web::people::{PeopleConfig, RateLimitConfig};

/// Pages the clients spread over.
const PAGES: usize = 20;

struct Report {
    posts: usize,
    reads: usize,
    errors: Vec<String>,
    post_ms: Vec<f64>,
    read_ms: Vec<f64>,
    elapsed: Duration,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn load(clients: usize, duration: Duration) -> Report {
    let site = site(PeopleConfig {
        limits: RateLimitConfig::off(),
        burst_comments_per_minute: 0,
        ..config()
    })
    .await;
    // More pages, so the clients spread as readers do.
    let source = site
        .store
        .articles()
        .get(site.article)
        .await
        .expect("get")
        .expect("there")
        .article
        .source_id;
    let now = chrono::Utc::now().timestamp();
    let extra: Vec<NewArticle> = (1..PAGES)
        .map(|i| NewArticle {
            url: format!("https://outlet.example/report-{i}"),
            title: format!("Report number {i}"),
            published_at: Some(now - 60 * i as i64),
            fetched_at: now,
            body_text: "Text.".into(),
            body_html: "<p>Text.</p>".into(),
            ..NewArticle::default()
        })
        .collect();
    site.store
        .articles()
        .insert_new(source, &extra)
        .await
        .expect("articles");
    let pages: Vec<(ArticleId, String)> = site
        .store
        .articles()
        .latest(PAGES as i64, 0)
        .await
        .expect("latest")
        .into_iter()
        .map(|l| {
            let a = l.article;
            let path = format!(
                "/article/{}/{}",
                a.id,
                tidings_web::slugify(&a.content.title)
            );
            (a.id, path)
        })
        .collect();
    assert_eq!(pages.len(), PAGES);

    let mut browsers: Vec<(Browser, String)> = Vec::new();
    for c in 0..clients {
        let name = format!("reader{c}");
        site.user(&name, "a long enough password", Role::Reader)
            .await;
        let mut b = site.browser();
        assert_eq!(b.login(&name, "a long enough password").await.status, 303);
        let token = b.token().await;
        browsers.push((b, token));
    }

    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for (c, (mut browser, token)) in browsers.into_iter().enumerate() {
        let pages = pages.clone();
        tasks.push(tokio::spawn(async move {
            let mut posted: Vec<(i64, ArticleId, String)> = Vec::new();
            let (mut post_ms, mut read_ms, mut errors) = (Vec::new(), Vec::new(), Vec::new());
            let mut n = 0usize;
            while Instant::now() < deadline {
                let (article, path) = &pages[(c + n) % pages.len()];
                let body = format!("Client {c} says thing {n}: *load*.");
                let t = Instant::now();
                let answer = browser
                    .post(
                        &format!("{path}/comments"),
                        &[("csrf", &token), ("body", &body), ("parent", "")],
                    )
                    .await;
                post_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                if answer.status == 303 {
                    posted.push((comment_id(&answer), *article, body));
                } else {
                    errors.push(format!(
                        "post {}: {}",
                        answer.status,
                        answer.body.chars().take(200).collect::<String>()
                    ));
                }
                let t = Instant::now();
                let read = if n.is_multiple_of(2) {
                    browser.get(path).await
                } else {
                    browser
                        .get(&format!("/api/v1/articles/{article}/comments"))
                        .await
                };
                read_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                if read.status != 200 {
                    errors.push(format!("read {}", read.status));
                }
                n += 1;
            }
            (posted, post_ms, read_ms, errors)
        }));
    }
    let mut report = Report {
        posts: 0,
        reads: 0,
        errors: Vec::new(),
        post_ms: Vec::new(),
        read_ms: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let mut posted_all = Vec::new();
    for task in tasks {
        let (posted, post_ms, read_ms, errors) = task.await.expect("client task");
        report.posts += post_ms.len();
        report.reads += read_ms.len();
        report.post_ms.extend(post_ms);
        report.read_ms.extend(read_ms);
        report.errors.extend(errors);
        posted_all.extend(posted);
    }
    report.elapsed = started.elapsed();

    // No lost comment: every acknowledged comment is stored, on its page, with its text.
    let mut stored: HashMap<i64, (ArticleId, String)> = HashMap::new();
    for (id, _) in &pages {
        for c in site
            .store
            .comments()
            .for_target(CommentTarget::Article(*id))
            .await
            .expect("list")
        {
            stored.insert(c.id.0, (*id, c.body_source));
        }
    }
    for (id, article, body) in &posted_all {
        match stored.get(id) {
            Some((a, b)) if a == article && b == body => {}
            other => report
                .errors
                .push(format!("comment {id} lost or changed: {other:?}")),
        }
    }
    assert_eq!(
        stored.len(),
        posted_all.len(),
        "no comment stored twice or unacknowledged"
    );
    report.post_ms.sort_by(f64::total_cmp);
    report.read_ms.sort_by(f64::total_cmp);
    println!(
        "{clients} clients, {:.1} s: {} comments posted ({:.0}/s), {} reads ({:.0}/s); \
         post p50 {:.1} ms p99 {:.1} ms max {:.1} ms; read p50 {:.1} ms p99 {:.1} ms max {:.1} ms; \
         {} errors; {} comments stored",
        report.elapsed.as_secs_f64(),
        report.posts,
        report.posts as f64 / report.elapsed.as_secs_f64(),
        report.reads,
        report.reads as f64 / report.elapsed.as_secs_f64(),
        percentile(&report.post_ms, 50.0),
        percentile(&report.post_ms, 99.0),
        report.post_ms.last().copied().unwrap_or(0.0),
        percentile(&report.read_ms, 50.0),
        percentile(&report.read_ms, 99.0),
        report.read_ms.last().copied().unwrap_or(0.0),
        report.errors.len(),
        stored.len(),
    );
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_post_and_read_for_three_seconds_without_error_or_loss() {
    let report = load(50, Duration::from_secs(3)).await;
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..report.errors.len().min(5)]
    );
    assert!(report.posts >= 50, "every client posted: {}", report.posts);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a 60-second benchmark; run with --ignored --nocapture (release)"]
async fn fifty_clients_post_and_read_for_sixty_seconds() {
    let report = load(50, Duration::from_secs(60)).await;
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..report.errors.len().min(5)]
    );
}
