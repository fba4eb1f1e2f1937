//! Sources fetched end to end against a loopback web, on every backend: good feeds become
//! articles once; every kind of bad source gets a clear error of its own and harms no other.

mod support;

use std::time::Duration;
use support::{add, loopback_fetcher};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_pipeline::{Pipeline, PipelineSettings, fetch_article, fetch_source, scheduler};
use tidings_store::Store;
use tidings_store::testing::each_backend;
use tidings_testkit::{FixtureWeb, Reply};
use tokio_util::sync::CancellationToken;

fn rss(items: usize, prefix: &str) -> String {
    let items: String = (0..items)
        .map(|i| {
            format!(
                "<item><title>{prefix} story {i}</title><link>https://news.example/{prefix}/{i}</link>\
                 <pubDate>Tue, 24 Nov 2026 0{}:00:00 GMT</pubDate>\
                 <description>&lt;p&gt;Body of {prefix} {i}.&lt;/p&gt;</description></item>",
                i % 10
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{prefix} News</title>{items}</channel></rss>"
    )
}

fn pipeline(store: Store) -> Pipeline {
    let fetcher = Fetcher::new(FetchConfig {
        allow_private_addresses: true,
        timeout: Duration::from_secs(5),
        max_body_bytes: 512 * 1024,
        per_host_min_delay: Duration::ZERO,
        ..FetchConfig::default()
    })
    .expect("fetcher");
    let settings = PipelineSettings {
        workers: 3,
        tick: Duration::from_millis(100),
        idle_wait: Duration::from_millis(50),
        // The fixtures' article links are not on loopback; page fetches have their own test.
        fetch_pages: false,
        // Tests here work the queue off; icon jobs (a minute out) have their own test.
        fetch_icons: false,
        ..PipelineSettings::default()
    };
    Pipeline::new(store, fetcher, settings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_source_gets_its_own_clear_error() {
    let web = FixtureWeb::start().await;
    web.set("/good.xml", Reply::feed(rss(3, "good")));
    web.set("/missing.xml", Reply::Status(404));
    web.set("/broken.xml", Reply::Status(500));
    web.set(
        "/page.html",
        Reply::html("<!DOCTYPE html><html><body><p>Hello</p></body></html>"),
    );
    web.set(
        "/invalid.xml",
        Reply::feed("<rss version=\"2.0\"><channel><item><title>cut off"),
    );
    web.set("/huge.xml", Reply::Filler(2 * 1024 * 1024));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = format!("http://{}/feed.xml", closed.local_addr().expect("addr"));
    drop(closed);
    let web = &web;
    let unreachable = &unreachable;

    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let good = add(&store, web.url("/good.xml"), "Good").await;
        let cases = [
            (web.url("/missing.xml"), "HTTP 404 Not Found"),
            (web.url("/broken.xml"), "HTTP 500 Internal Server Error"),
            (
                web.url("/page.html"),
                "not a feed: the address returned an HTML page",
            ),
            (web.url("/invalid.xml"), "not a valid feed"),
            (
                web.url("/huge.xml"),
                "response larger than the 524288-byte cap",
            ),
            (unreachable.clone(), "could not connect"),
        ];
        let mut bad = Vec::new();
        for (url, _) in &cases {
            bad.push(add(&store, url.clone(), "Bad").await);
        }

        let report = fetch_source::run(&pipeline, good)
            .await
            .expect("fetch good");
        assert_eq!(
            (report.entries, report.new_articles, report.error),
            (3, 3, None)
        );
        for (id, (url, expected)) in bad.iter().zip(&cases) {
            let report = fetch_source::run(&pipeline, *id)
                .await
                .expect("a bad source completes");
            let error = report.error.unwrap_or_default();
            assert!(
                error.starts_with(expected),
                "{url}: {error:?} should start with {expected:?}"
            );
            let source = store
                .sources()
                .get(*id)
                .await
                .expect("get")
                .expect("exists");
            assert_eq!(source.fetch.status(), "error");
            assert_eq!(source.fetch.last_error.as_deref(), Some(error.as_str()));
            assert_eq!(source.fetch.error_count, 1);
            assert!(
                source.next_fetch_at > source.fetch.last_fetch_at.unwrap_or(0),
                "backs off"
            );
        }

        let good_source = store
            .sources()
            .get(good)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(good_source.fetch.status(), "ok");
        assert_eq!(store.articles().count().await.expect("count"), 3);

        let again = fetch_source::run(&pipeline, good)
            .await
            .expect("fetch again");
        assert!(
            again.not_modified,
            "the second fetch is conditional and answered 304"
        );
        web.set("/good.xml", Reply::feed(rss(4, "good")));
        let changed = fetch_source::run(&pipeline, good)
            .await
            .expect("fetch changed");
        assert_eq!(
            (changed.entries, changed.new_articles),
            (4, 1),
            "only the new item is added"
        );
        assert_eq!(store.articles().count().await.expect("count"), 4);
        web.set("/good.xml", Reply::feed(rss(3, "good")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_pipeline_drains_every_due_source() {
    let web = FixtureWeb::start().await;
    for n in 0..12 {
        web.set(
            &format!("/feed/{n}.xml"),
            Reply::feed(rss(5, &format!("s{n}"))),
        );
    }
    let web = &web;
    each_backend(|store| async move {
        for n in 0..12 {
            add(&store, web.url(&format!("/feed/{n}.xml")), "").await;
        }
        let pipeline = pipeline(store.clone());
        assert_eq!(scheduler::tick(&pipeline).await.expect("tick"), 12);
        assert_eq!(
            scheduler::tick(&pipeline).await.expect("tick"),
            0,
            "keyed: never twice"
        );

        let shutdown = CancellationToken::new();
        let running = tokio::spawn({
            let pipeline = pipeline.clone();
            let shutdown = shutdown.clone();
            async move { pipeline.run(shutdown).await }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while store.articles().count().await.expect("count") < 60 {
            assert!(
                std::time::Instant::now() < deadline,
                "ingest did not finish"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        shutdown.cancel();
        running.await.expect("join").expect("run");

        assert_eq!(store.articles().count_distinct_urls().await.expect("n"), 60);
        let counts = store.jobs().counts().await.expect("counts");
        assert_eq!((counts.running, counts.dead), (0, 0));
        for source in store.sources().list().await.expect("list") {
            assert_eq!(source.fetch.status(), "ok", "{}", source.url);
            assert!(
                source.name.ends_with("News"),
                "named after its feed: {}",
                source.name
            );
        }
    })
    .await;
}

/// Runs one worker until no job is waiting or running.
async fn work_off_the_queue(pipeline: &Pipeline, store: &Store) {
    let shutdown = CancellationToken::new();
    let worker = tokio::spawn(tidings_pipeline::worker::run(
        pipeline.clone(),
        0,
        shutdown.clone(),
    ));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let counts = store.jobs().counts().await.expect("counts");
        if counts.queued == 0 && counts.running == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "jobs left: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    shutdown.cancel();
    worker.await.expect("join worker");
}

/// The scheduler lists due sources, then queues them one by one: a fetch that ends in between
/// leaves a queued job for a source no longer due, which must not fetch it again at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_fetch_of_a_source_fetched_meanwhile_fetches_nothing() {
    let web = FixtureWeb::start().await;
    web.set("/feed.xml", Reply::feed(rss(2, "once")));
    // No validators: a second fetch would download the whole feed again.
    web.ignore_validators(true);
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let id = add(&store, web.url("/feed.xml"), "Once").await;
        let report = fetch_source::run(&pipeline, id).await.expect("fetch");
        assert_eq!(report.new_articles, 2);
        // The feed and, once per host, robots.txt.
        let before = web.hits();

        let job = tidings_pipeline::Task::FetchSource { source_id: id }
            .to_job(0, 3)
            .expect("job");
        store.jobs().enqueue(&job, 0).await.expect("enqueue");
        work_off_the_queue(&pipeline, &store).await;
        assert_eq!(web.hits(), before, "fetched again while not due");

        // Once due again (by time or by hand), the same job fetches.
        store.sources().make_due(Some(id), 0).await.expect("due");
        store.jobs().enqueue(&job, 0).await.expect("enqueue");
        work_off_the_queue(&pipeline, &store).await;
        assert_eq!(web.hits(), before + 1, "a due source is fetched");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_heal_and_follow_the_server_s_word() {
    let web = FixtureWeb::start().await;
    web.set("/flaky.xml", Reply::feed(rss(2, "flaky")));
    web.set(
        "/busy.xml",
        Reply::RetryAfter {
            status: 429,
            seconds: 7200,
        },
    );
    web.set(
        "/old.xml",
        Reply::MovedPermanently("/moved-for-good.xml".into()),
    );
    web.set(
        "/elsewhere.xml",
        Reply::Redirect("/moved-for-good.xml".into()),
    );
    web.set("/moved-for-good.xml", Reply::feed(rss(1, "moved")));
    web.set(
        "/robots.txt",
        Reply::Document {
            content_type: "text/plain".into(),
            body: b"User-agent: Tidings\nDisallow: /members/\n".to_vec(),
        },
    );
    web.set("/members/feed.xml", Reply::feed(rss(1, "members")));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());

        // A feed that flips between valid and invalid: the error is recorded, nothing is
        // lost, and the next good fetch clears it.
        web.set("/flaky.xml", Reply::feed(rss(2, "flaky")));
        let flaky = add(&store, web.url("/flaky.xml"), "Flaky").await;
        let ok = fetch_source::run(&pipeline, flaky).await.expect("fetch");
        assert_eq!(ok.new_articles, 2);
        web.set(
            "/flaky.xml",
            Reply::feed("<rss><channel><item><title>broken"),
        );
        let bad = fetch_source::run(&pipeline, flaky).await.expect("fetch");
        assert!(bad.error.is_some());
        assert_eq!(
            store.articles().count_by_source(flaky).await.expect("n"),
            2,
            "nothing lost"
        );
        web.set("/flaky.xml", Reply::feed(rss(3, "flaky")));
        let healed = fetch_source::run(&pipeline, flaky).await.expect("fetch");
        assert_eq!((healed.new_articles, healed.error), (1, None));
        let source = store
            .sources()
            .get(flaky)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!((source.fetch.status(), source.fetch.error_count), ("ok", 0));

        // A permanent redirect moves the source to its new address.
        let old = add(&store, web.url("/old.xml"), "Old").await;
        let temporary = add(&store, web.url("/elsewhere.xml"), "Elsewhere").await;
        fetch_source::run(&pipeline, old).await.expect("fetch");
        fetch_source::run(&pipeline, temporary)
            .await
            .expect("fetch");
        let moved = store
            .sources()
            .get(old)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(
            moved.url,
            web.url("/moved-for-good.xml"),
            "a 301 moves the source"
        );
        let stayed = store
            .sources()
            .get(temporary)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(stayed.url, web.url("/elsewhere.xml"), "a 302 does not");

        // 429 with Retry-After: the next fetch waits as long as the server asked.
        let busy = add(&store, web.url("/busy.xml"), "Busy").await;
        let report = fetch_source::run(&pipeline, busy).await.expect("fetch");
        assert_eq!(report.error.as_deref(), Some("HTTP 429 Too Many Requests"));
        let source = store
            .sources()
            .get(busy)
            .await
            .expect("get")
            .expect("exists");
        let wait = source.next_fetch_at - source.fetch.last_fetch_at.expect("fetched");
        assert_eq!(wait, 7200, "Retry-After honoured");

        // robots.txt keeps a disallowed feed out, with the reason on the source.
        let members = add(&store, web.url("/members/feed.xml"), "Members").await;
        let report = fetch_source::run(&pipeline, members).await.expect("fetch");
        assert_eq!(
            report.error.as_deref(),
            Some("disallowed by the site's robots.txt")
        );
        assert_eq!(
            store.articles().count_by_source(members).await.expect("n"),
            0
        );
    })
    .await;
}

fn article_page(paragraphs: usize) -> String {
    let body: String = (0..paragraphs)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of the full report on the harbour bridge, which reopened to \
                 traffic on Monday after two years of repairs that cost the city far more than \
                 planned, officials said at a briefing.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Bridge reopens | Harbour Post</title>\
         <meta name=\"description\" content=\"The harbour bridge is open again.\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <article><h1>Bridge reopens</h1><p class=\"byline\">By Ana Ruiz</p>{body}\
         <p>— AFP</p></article><footer>Copyright Harbour Post</footer></body></html>"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teasers_are_completed_from_their_pages_and_never_lose_the_feed_text() {
    let web = FixtureWeb::start().await;
    let item = |path: &str, title: &str, text: &str| {
        format!(
            "<item><title>{title}</title><link>{}</link><description>{text}</description></item>",
            web.url(path)
        )
    };
    let full_text = vec!["word"; 300].join(" ");
    let feed = format!(
        "<rss version=\"2.0\"><channel><title>Harbour Post</title>{}{}{}</channel></rss>",
        item(
            "/news/bridge",
            "Bridge reopens",
            "Bridge open again after two years…"
        ),
        item("/news/gone", "Gone story", "A teaser whose page has gone."),
        item("/news/full", "Full story", &full_text),
    );
    web.set("/feed.xml", Reply::feed(feed));
    web.set("/news/bridge", Reply::html(article_page(8)));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = Pipeline::new(
            store.clone(),
            loopback_fetcher(),
            PipelineSettings {
                fetch_pages: true,
                // The page jobs are counted here; icon jobs have their own test (icons.rs).
                fetch_icons: false,
                ..PipelineSettings::default()
            },
        );
        let source = add(&store, web.url("/feed.xml"), "Harbour Post").await;
        let report = fetch_source::run(&pipeline, source).await.expect("fetch");
        assert_eq!(report.new_articles, 3);
        assert_eq!(
            store.jobs().counts().await.expect("jobs").queued,
            2,
            "a page job for each teaser, none for the full story"
        );
        let listings = store.articles().by_source(source, 10).await.expect("list");
        let id_of = |title: &str| {
            listings
                .iter()
                .find(|l| l.article.content.title == title)
                .map(|l| l.article.id)
                .expect("article")
        };

        let done = fetch_article::run(&pipeline, id_of("Bridge reopens"))
            .await
            .expect("page");
        assert!(done.replaced, "{done:?}");
        let bridge = store
            .articles()
            .get(id_of("Bridge reopens"))
            .await
            .expect("get")
            .expect("exists");
        let c = &bridge.article.content;
        assert!(
            c.body_text.starts_with("Paragraph 0 of the full report"),
            "{}",
            c.body_text
        );
        assert!(c.body_text.contains("Paragraph 7"));
        assert!(!c.body_text.contains("Home"), "boilerplate removed");
        assert_eq!(c.credit.as_deref(), Some("AFP"));
        assert!(!c.body_html.contains("<script"));

        let gone = fetch_article::run(&pipeline, id_of("Gone story"))
            .await
            .expect("page");
        assert_eq!(gone.error.as_deref(), Some("HTTP 404 Not Found"));
        let kept = store
            .articles()
            .get(id_of("Gone story"))
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(
            kept.article.content.body_text,
            "A teaser whose page has gone."
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_s_lead_image_is_kept_only_as_a_web_address() {
    // The page's `og:image` is its own claim, as a feed's image is: an http(s) address is
    // the lead image, a `javascript:` one is none (it reached the article page's <img>).
    let web = FixtureWeb::start().await;
    let item = |path: &str, title: &str| {
        format!(
            "<item><title>{title}</title><link>{}</link><description>A teaser.</description></item>",
            web.url(path)
        )
    };
    let feed = format!(
        "<rss version=\"2.0\"><channel><title>Harbour Post</title>{}{}</channel></rss>",
        item("/news/good", "Good image"),
        item("/news/bad", "Bad image"),
    );
    let with_image = |image: &str| {
        article_page(8).replace(
            "<meta name=\"description\"",
            &format!("<meta property=\"og:image\" content=\"{image}\"><meta name=\"description\""),
        )
    };
    web.set("/feed.xml", Reply::feed(feed));
    web.set(
        "/news/good",
        Reply::html(with_image("/img/bridge.jpg?utm_source=x")),
    );
    web.set("/news/bad", Reply::html(with_image("javascript:alert(1)")));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = Pipeline::new(
            store.clone(),
            loopback_fetcher(),
            PipelineSettings {
                fetch_pages: true,
                ..PipelineSettings::default()
            },
        );
        let source = add(&store, web.url("/feed.xml"), "Harbour Post").await;
        fetch_source::run(&pipeline, source).await.expect("fetch");
        for listing in store.articles().by_source(source, 10).await.expect("list") {
            let id = listing.article.id;
            let done = fetch_article::run(&pipeline, id).await.expect("page");
            assert!(done.replaced, "{done:?}");
            let article = store
                .articles()
                .get(id)
                .await
                .expect("get")
                .expect("exists");
            let c = &article.article.content;
            let expected = (c.title == "Good image").then(|| web.url("/img/bridge.jpg"));
            assert_eq!(c.image_url, expected, "{}", c.title);
        }
    })
    .await;
}

/// A page whose text is a football report, under `headline`.
fn match_report(headline: &str) -> String {
    let body: String = (0..6)
        .map(|i| {
            format!(
                "<p>Part {i}: Rovers won the league match 2-1 at the stadium on Saturday, with \
                 a late header from their striker deciding a tense afternoon of football in \
                 front of 20,000 supporters, the coach said afterwards.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{headline}</title></head><body>\
         <article><h1>{headline}</h1>{body}</article></body></html>"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_names_the_section_its_teaser_could_not_and_a_feed_category_stays() {
    let web = FixtureWeb::start().await;
    let item = |path: &str, title: &str, category: &str| {
        format!(
            "<item><title>{title}</title><link>{}</link>{category}\
             <description>What a night it was.</description></item>",
            web.url(path)
        )
    };
    let feed = format!(
        "<rss version=\"2.0\"><channel><title>Post</title>{}{}</channel></rss>",
        item("/news/night", "A night to remember", ""),
        item(
            "/news/deal",
            "The deal of the season",
            "<category>Business</category>"
        ),
    );
    web.set("/feed.xml", Reply::feed(feed));
    web.set(
        "/news/night",
        Reply::html(match_report("A night to remember")),
    );
    web.set(
        "/news/deal",
        Reply::html(match_report("The deal of the season")),
    );
    let web = &web;
    each_backend(|store| async move {
        let pipeline = Pipeline::new(
            store.clone(),
            loopback_fetcher(),
            PipelineSettings {
                fetch_pages: true,
                // The page jobs are counted here; icon jobs have their own test (icons.rs).
                fetch_icons: false,
                ..PipelineSettings::default()
            },
        );
        let source = add(&store, web.url("/feed.xml"), "Post").await;
        fetch_source::run(&pipeline, source).await.expect("fetch");
        let section_of = |title: &'static str| {
            let store = store.clone();
            async move {
                let listings = store.articles().by_source(source, 10).await.expect("list");
                let listing = listings
                    .into_iter()
                    .find(|l| l.article.content.title == title)
                    .expect("article");
                (listing.article.id, listing.section)
            }
        };
        let (night, before) = section_of("A night to remember").await;
        assert_eq!(before, None, "the teaser names no section");
        let (deal, business) = section_of("The deal of the season").await;
        assert_eq!(business.as_deref(), Some("business"));

        for id in [night, deal] {
            let done = fetch_article::run(&pipeline, id).await.expect("page");
            assert!(done.replaced, "{done:?}");
        }
        assert_eq!(
            section_of("A night to remember").await.1.as_deref(),
            Some("sport")
        );
        assert_eq!(
            section_of("The deal of the season").await.1.as_deref(),
            Some("business"),
            "the feed's category is not overruled by the page's words"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_address_leads_to_its_feed_and_a_sitemap_index_to_its_pages() {
    let web = FixtureWeb::start().await;
    web.set(
        "/site/",
        Reply::html(
            "<!doctype html><html><head><title>Site</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/site/news.rss\">\
             </head><body>Home</body></html>",
        ),
    );
    web.set("/site/news.rss", Reply::feed(rss(2, "site")));
    web.set(
        "/other/",
        Reply::html("<!doctype html><html><body>No links here</body></html>"),
    );
    web.set("/feed", Reply::feed(rss(3, "other")));
    let sitemap = |n: usize| {
        let urls: String = (0..2)
            .map(|i| {
                format!(
                    "<url><loc>https://maps.example/{n}/{i}</loc><news:news>\
                     <news:publication><news:name>Maps</news:name><news:language>en</news:language>\
                     </news:publication><news:publication_date>2026-11-25T10:0{i}:00Z</news:publication_date>\
                     <news:title>Mapped story {n}-{i}</news:title></news:news></url>"
                )
            })
            .collect();
        format!(
            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
             xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">{urls}</urlset>"
        )
    };
    web.set("/maps/news-1.xml", Reply::feed(sitemap(1)));
    web.set("/maps/news-2.xml", Reply::feed(sitemap(2)));
    web.set(
        "/maps/index.xml",
        Reply::feed(format!(
            "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
             <sitemap><loc>{}</loc><lastmod>2026-11-25</lastmod></sitemap>\
             <sitemap><loc>{}</loc><lastmod>2026-11-24</lastmod></sitemap></sitemapindex>",
            web.url("/maps/news-1.xml"),
            web.url("/maps/news-2.xml")
        )),
    );
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());

        let site = add(&store, web.url("/site/"), "Site").await;
        let report = fetch_source::run(&pipeline, site).await.expect("fetch");
        assert_eq!((report.new_articles, report.error), (2, None));
        let moved = store
            .sources()
            .get(site)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(
            moved.url,
            web.url("/site/news.rss"),
            "the source now reads the feed"
        );

        let other = add(&store, web.url("/other/"), "Other").await;
        let report = fetch_source::run(&pipeline, other).await.expect("fetch");
        assert_eq!(
            (report.new_articles, report.error),
            (3, None),
            "found at a common path"
        );
        let moved = store
            .sources()
            .get(other)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(moved.url, web.url("/feed"), "the site root's /feed");

        let maps = add(&store, web.url("/maps/index.xml"), "Maps").await;
        let report = fetch_source::run(&pipeline, maps).await.expect("fetch");
        assert_eq!((report.new_articles, report.error), (4, None));
        let titles: Vec<String> = store
            .articles()
            .by_source(maps, 10)
            .await
            .expect("list")
            .into_iter()
            .map(|l| l.article.content.title)
            .collect();
        assert!(
            titles.contains(&"Mapped story 1-1".to_string()),
            "{titles:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_address_is_a_clear_error_on_its_source_alone() {
    let web = FixtureWeb::start().await;
    web.set("/feed.xml", Reply::feed(rss(2, "inside")));
    let web = &web;
    each_backend(|store| async move {
        let guarded = Pipeline::new(
            store.clone(),
            Fetcher::new(FetchConfig::default()).expect("fetcher"),
            PipelineSettings::default(),
        );
        let inside = add(&store, web.url("/feed.xml"), "Inside").await;
        let report = fetch_source::run(&guarded, inside).await.expect("fetch");
        assert_eq!(
            report.error.as_deref(),
            Some(
                "refused: 127.0.0.1 is a private, loopback or link-local address \
                 (fetched only with allow_private_addresses)"
            )
        );
        let source = store
            .sources()
            .get(inside)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(source.fetch.status(), "error");
        assert_eq!(store.articles().count().await.expect("count"), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_answering_410_gone_is_no_longer_fetched_until_refreshed() {
    let web = FixtureWeb::start().await;
    web.set("/gone.xml", Reply::Status(410));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let id = add(&store, web.url("/gone.xml"), "Gone").await;
        let report = fetch_source::run(&pipeline, id).await.expect("fetch");
        assert!(report.error.is_some());
        let source = store.sources().get(id).await.expect("get").expect("exists");
        assert_eq!(source.fetch.status(), "gone");
        let in_ten_years = 4_000_000_000;
        assert!(
            store
                .sources()
                .due(in_ten_years, 10)
                .await
                .expect("due")
                .is_empty(),
            "a gone source is never due again by itself"
        );
        // A refresh by hand makes it due again.
        store
            .sources()
            .make_due(Some(id), 100)
            .await
            .expect("refresh");
        assert_eq!(store.sources().due(100, 10).await.expect("due"), vec![id]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_with_articles_moved_onto_another_sources_address_defers_to_it() {
    let web = FixtureWeb::start().await;
    web.set("/new.xml", Reply::feed(rss(2, "new")));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        web.set("/old.xml", Reply::feed(rss(1, "old")));
        let reader = add(&store, web.url("/new.xml"), "Reader").await;
        let old = add(&store, web.url("/old.xml"), "Old").await;
        let report = fetch_source::run(&pipeline, old).await.expect("fetch");
        assert_eq!(
            report.new_articles, 1,
            "the old address had a story of its own"
        );
        web.set("/old.xml", Reply::MovedPermanently("/new.xml".into()));
        let report = fetch_source::run(&pipeline, old).await.expect("fetch");
        assert_eq!(
            report.new_articles, 0,
            "the feed is the other source's to store"
        );
        let source = store
            .sources()
            .get(old)
            .await
            .expect("get")
            .expect("kept: it has an article");
        assert_eq!(source.fetch.status(), "gone");
        let error = source.fetch.last_error.unwrap_or_default();
        assert!(error.contains(&format!("source {reader}")), "{error}");
        assert_eq!(
            store.sources().due(4_000_000_000, 10).await.expect("due"),
            vec![reader],
            "only the reader is fetched from now on"
        );
    })
    .await;
}

/// An account for the merge test.
async fn account(store: &Store, name: &str) -> tidings_model::UserId {
    let new = tidings_store::NewUser {
        name: name.to_string(),
        display_name: name.to_string(),
        password_hash: "h".to_string(),
        role: tidings_model::Role::Reader,
    };
    store.users().create(&new, 1).await.expect("create").id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_home_page_whose_feed_another_source_reads_folds_into_that_source() {
    let web = FixtureWeb::start().await;
    web.set(
        "/home/",
        Reply::html(
            "<!doctype html><html><head><title>Home</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/home/feed.xml\">\
             </head><body>Home</body></html>",
        ),
    );
    web.set("/home/feed.xml", Reply::feed(rss(2, "home")));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let feed = add(&store, web.url("/home/feed.xml"), "Home News").await;
        fetch_source::run(&pipeline, feed).await.expect("fetch");
        let home = add(&store, web.url("/home/"), "").await;
        let reading = store.reading();
        // Ana follows only the home page, in her folder, under her own title.
        let ana = account(&store, "ana").await;
        let tech = reading.folder_named(ana, "Tech", 2).await.expect("folder");
        reading
            .subscribe(ana, home, tech.id, 2)
            .await
            .expect("subscribe");
        reading
            .retitle(ana, home, Some("Mine"))
            .await
            .expect("title");
        // Bob follows both: he keeps the one he had, with the title he gave the other.
        let bob = account(&store, "bob").await;
        let news = reading.folder_named(bob, "News", 2).await.expect("folder");
        let misc = reading.folder_named(bob, "Misc", 2).await.expect("folder");
        reading
            .subscribe(bob, feed, news.id, 2)
            .await
            .expect("subscribe");
        reading
            .subscribe(bob, home, misc.id, 2)
            .await
            .expect("subscribe");
        reading
            .retitle(bob, home, Some("Bob's"))
            .await
            .expect("title");

        let report = fetch_source::run(&pipeline, home).await.expect("fetch");
        assert_eq!((report.new_articles, report.error), (0, None));
        assert_eq!(
            store.sources().get(home).await.expect("get"),
            None,
            "the empty duplicate is gone"
        );
        let ana_subs = reading.subscriptions(ana).await.expect("subscriptions");
        assert_eq!(ana_subs.len(), 1);
        assert_eq!(ana_subs[0].source_id, feed);
        assert_eq!(ana_subs[0].folder.title, "Tech");
        assert_eq!(ana_subs[0].title.as_deref(), Some("Mine"));
        let bob_subs = reading.subscriptions(bob).await.expect("subscriptions");
        assert_eq!(bob_subs.len(), 1, "no second subscription to one source");
        assert_eq!(bob_subs[0].source_id, feed);
        assert_eq!(bob_subs[0].folder.title, "News");
        assert_eq!(bob_subs[0].title.as_deref(), Some("Bob's"));
        let log = store.moderation().log_entries(10).await.expect("log");
        let merge = log
            .iter()
            .find(|l| l.action == "source-merge")
            .expect("a source-merge line");
        assert_eq!(merge.source_id, Some(home));
        assert!(
            merge.note.contains("1 subscription moved"),
            "{}",
            merge.note
        );
        assert_eq!(
            store.sources().due(4_000_000_000, 10).await.expect("due"),
            vec![feed],
            "the one feed is fetched once"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_without_a_link_are_counted_on_their_source() {
    let web = FixtureWeb::start().await;
    let linkless = |n: usize| -> String {
        let items: String = (0..n)
            .map(|i| format!("<item><title>No link {i}</title><guid isPermaLink=\"false\">tag:{i}</guid></item>"))
            .collect();
        rss(2, "mixed").replace("</channel>", &format!("{items}</channel>"))
    };
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        web.set("/mixed.xml", Reply::feed(linkless(3)));
        let mixed = add(&store, web.url("/mixed.xml"), "Mixed").await;
        let report = fetch_source::run(&pipeline, mixed).await.expect("fetch");
        assert_eq!((report.new_articles, report.skipped_no_link), (2, 3));
        let skipped = |store: Store| async move {
            let source = store.sources().get(mixed).await.expect("get");
            source.expect("exists").fetch.skipped_no_link
        };
        assert_eq!(skipped(store.clone()).await, 3, "kept on the source");

        // The feed mends its entries: the next fetch's count replaces the last.
        web.set("/mixed.xml", Reply::feed(linkless(0)));
        fetch_source::run(&pipeline, mixed).await.expect("fetch");
        assert_eq!(skipped(store.clone()).await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_names_its_source_s_site_unless_one_is_set() {
    let web = FixtureWeb::start().await;
    let with_link = |link: &str| -> String {
        rss(1, "site").replace(
            "<title>site News</title>",
            &format!("<title>site News</title><link>{link}</link>"),
        )
    };
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let site_of = |store: Store, id| async move {
            let source = store.sources().get(id).await.expect("get");
            source.expect("exists").site_url
        };
        web.set(
            "/site.xml",
            Reply::feed(with_link("https://outlet.example/")),
        );
        let bare = add(&store, web.url("/site.xml"), "Bare").await;
        fetch_source::run(&pipeline, bare).await.expect("fetch");
        assert_eq!(
            site_of(store.clone(), bare).await.as_deref(),
            Some("https://outlet.example/")
        );

        // The feed's link changes: the address the source has stays.
        web.set(
            "/site.xml",
            Reply::feed(with_link("https://elsewhere.example/")),
        );
        let again = fetch_source::run(&pipeline, bare).await.expect("fetch");
        assert!(!again.not_modified, "the feed was read again");
        assert_eq!(
            site_of(store.clone(), bare).await.as_deref(),
            Some("https://outlet.example/")
        );

        // A link that is no web address is no site.
        web.set("/script.xml", Reply::feed(with_link("javascript:alert(1)")));
        let scripted = add(&store, web.url("/script.xml"), "Scripted").await;
        fetch_source::run(&pipeline, scripted).await.expect("fetch");
        assert_eq!(site_of(store.clone(), scripted).await, None);
    })
    .await;
}
