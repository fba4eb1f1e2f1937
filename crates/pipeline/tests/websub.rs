//! WebSub subscriptions driven by the pipeline against a loopback hub, on every backend: a
//! feed announcing a hub (in the document or a `Link` header) is subscribed to with the right
//! fields; without WebSub settings nothing is; a hub on a private address is refused unless
//! private addresses are allowed; a failing hub is backed off; a lease near its end is
//! renewed; a pushed source is polled every six hours. A plain-http hub gets no request (and
//! no secret) unless allowed; a hub's 307/308 is followed with the same form and a 303 is a
//! failure; a removed source, or a feed that stops naming its hub, is unsubscribed at the hub
//! (retried with back-off, then given up).

mod support;

use std::time::Duration;
use support::{add, loopback_fetcher};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_model::SourceId;
use tidings_pipeline::websub::{self, WebSubSettings};
use tidings_pipeline::{Pipeline, PipelineSettings, fetch_source, scheduler};
use tidings_store::testing::each_backend;
use tidings_store::{NewPushSubscription, PushState, Store};
use tidings_testkit::{FixtureWeb, Reply};

const CALLBACK_BASE: &str = "https://news.example";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn atom(hub: Option<&str>, self_url: &str, n: usize) -> String {
    let hub = hub
        .map(|h| format!("<link rel=\"hub\" href=\"{h}\"/>"))
        .unwrap_or_default();
    let entries: String = (0..n)
        .map(|i| {
            format!(
                "<entry><title>Item {i}</title><id>urn:item:{i}</id>\
                 <link href=\"{self_url}/item/{i}\"/>\
                 <content type=\"html\">&lt;p&gt;Text of item {i}, long enough to stand.&lt;/p&gt;</content></entry>"
            )
        })
        .collect();
    format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Pushed</title>{hub}\
         <link rel=\"self\" href=\"{self_url}\"/>{entries}</feed>"
    )
}

fn fetcher(allow_private: bool) -> Fetcher {
    if allow_private {
        return loopback_fetcher();
    }
    Fetcher::new(FetchConfig {
        per_host_min_delay: Duration::ZERO,
        timeout: Duration::from_secs(5),
        ..FetchConfig::default()
    })
    .expect("fetcher")
}

/// A pipeline; the fixture hubs are plain http, which WebSub is allowed to use here.
fn pipeline(store: Store, allow_private: bool, websub: bool) -> Pipeline {
    pipeline_with(store, allow_private, websub.then(|| insecure(true)))
}

fn insecure(allowed: bool) -> WebSubSettings {
    WebSubSettings {
        allow_insecure_hubs: allowed,
        ..WebSubSettings::new(CALLBACK_BASE)
    }
}

fn pipeline_with(store: Store, allow_private: bool, websub: Option<WebSubSettings>) -> Pipeline {
    let settings = PipelineSettings {
        fetch_pages: false,
        // The queue is counted here; icon jobs have their own test (icons.rs).
        fetch_icons: false,
        websub,
        ..PipelineSettings::default()
    };
    Pipeline::new(store, fetcher(allow_private), settings)
}

/// The kinds and keys of the jobs waiting in the queue (claimed and completed to read
/// them), sorted.
async fn queued_jobs(store: &Store) -> Vec<(String, String)> {
    let mut jobs = Vec::new();
    while let Some(job) = store
        .jobs()
        .claim("test", Duration::from_secs(60), i64::MAX / 4)
        .await
        .expect("claim")
    {
        jobs.push((job.kind.clone(), job.key.clone().unwrap_or_default()));
        store.jobs().complete(&job).await.expect("complete");
    }
    jobs.sort();
    jobs
}

/// The kinds of the jobs waiting in the queue.
async fn queued_kinds(store: &Store) -> Vec<String> {
    queued_jobs(store)
        .await
        .into_iter()
        .map(|(kind, _)| kind)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_announcing_a_hub_is_subscribed_to_with_the_right_fields() {
    let web = FixtureWeb::start().await;
    let hub = web.url("/hub");
    let topic = "https://news.example/topic.atom";
    web.set("/feed.atom", Reply::feed(atom(Some(&hub), topic, 2)));
    web.set("/hub", Reply::Status(202));
    let web = &web;
    each_backend(|store| async move {
        let before = web.received("/hub").len();
        let pipeline = pipeline(store.clone(), true, true);
        let id = add(&store, web.url("/feed.atom"), "Pushed").await;
        let report = fetch_source::run(&pipeline, id).await.expect("fetch");
        assert_eq!(report.new_articles, 2);
        let sub = store.websub().get(id).await.expect("get").expect("started");
        assert_eq!(sub.state, PushState::Pending);
        assert_eq!(sub.hub_url, web.url("/hub"));
        assert_eq!(sub.topic, topic);
        assert_eq!(queued_kinds(&store).await, ["websub_subscribe"]);

        websub::subscribe(&pipeline, id).await.expect("subscribe");
        let requests = web.received("/hub");
        assert_eq!(requests.len(), before + 1, "one request reached the hub");
        let request = &requests[before];
        assert_eq!(request.method, "POST");
        assert_eq!(request.form_field("hub.mode").as_deref(), Some("subscribe"));
        assert_eq!(request.form_field("hub.topic").as_deref(), Some(topic));
        assert_eq!(
            request.form_field("hub.callback"),
            Some(format!(
                "{CALLBACK_BASE}/websub/{}/{}",
                id.0, sub.callback_token
            ))
        );
        assert_eq!(request.form_field("hub.secret"), Some(sub.secret.clone()));
        assert_eq!(
            request.form_field("hub.lease_seconds").as_deref(),
            Some("864000")
        );
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Pending, "until the hub verifies");
        assert_eq!(sub.last_error, None);
        assert!(
            sub.next_attempt_at
                .is_some_and(|t| (now() + 3500..=now() + 3700).contains(&t)),
            "asked again in an hour if the hub never verifies: {:?}",
            sub.next_attempt_at
        );

        // A second fetch of the same feed starts nothing new.
        store.sources().make_due(Some(id), 0).await.expect("due");
        fetch_source::run(&pipeline, id).await.expect("fetch again");
        let again = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(again.callback_token, sub.callback_token);
        assert!(queued_kinds(&store).await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_header_names_the_hub_and_without_settings_nothing_subscribes() {
    let web = FixtureWeb::start().await;
    web.set(
        "/plain.atom",
        Reply::feed(atom(None, "https://news.example/plain", 1)),
    );
    web.add_header(
        "/plain.atom",
        "link",
        &format!(
            "<{}>; rel=\"hub\", <https://news.example/t>; rel=\"self\"",
            web.url("/hub")
        ),
    );
    web.set(
        "/doc-hub.atom",
        Reply::feed(atom(
            Some("https://hub.example/"),
            "https://news.example/d",
            1,
        )),
    );
    let web = &web;
    each_backend(|store| async move {
        let with = pipeline(store.clone(), true, true);
        let headed = add(&store, web.url("/plain.atom"), "Headed").await;
        fetch_source::run(&with, headed).await.expect("fetch");
        let sub = store.websub().get(headed).await.expect("get").expect("row");
        assert_eq!(sub.hub_url, web.url("/hub"));
        assert_eq!(sub.topic, "https://news.example/t");

        let without = pipeline(store.clone(), true, false);
        let polled = add(&store, web.url("/doc-hub.atom"), "Polled").await;
        let report = fetch_source::run(&without, polled).await.expect("fetch");
        assert_eq!(report.new_articles, 1);
        assert!(
            store.websub().get(polled).await.expect("get").is_none(),
            "without WebSub settings a hub changes nothing"
        );
        assert_eq!(queued_kinds(&store).await, ["websub_subscribe"]);
    })
    .await;
}

async fn started(store: &Store, id: SourceId, hub: String) {
    let new = NewPushSubscription {
        source_id: id,
        hub_url: hub,
        topic: "https://news.example/feed".into(),
        secret: "secret".into(),
        callback_token: "token".into(),
    };
    assert!(store.websub().start(&new, now()).await.expect("start"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_on_a_private_address_is_refused_without_the_allow_flag() {
    let web = FixtureWeb::start().await;
    web.set("/hub", Reply::Status(202));
    let web = &web;
    each_backend(|store| async move {
        let before = web.received("/hub").len();
        let id = add(&store, "https://news.example/feed".into(), "Guarded").await;
        started(&store, id, web.url("/hub")).await;
        let guarded = pipeline(store.clone(), false, true);
        websub::subscribe(&guarded, id).await.expect("job");
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Failed);
        let error = sub.last_error.unwrap_or_default();
        assert!(error.contains("127.0.0.1"), "{error}");
        assert!(error.contains("private"), "{error}");
        assert_eq!(
            web.received("/hub").len(),
            before,
            "nothing reached the hub"
        );

        let allowed = pipeline(store.clone(), true, true);
        websub::subscribe(&allowed, id).await.expect("job");
        assert_eq!(web.received("/hub").len(), before + 1);
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(sub.last_error, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_hub_is_asked_again_later_and_later() {
    let web = FixtureWeb::start().await;
    web.set("/broken-hub", Reply::Status(503));
    let web = &web;
    each_backend(|store| async move {
        let id = add(&store, "https://news.example/feed".into(), "Backed off").await;
        started(&store, id, web.url("/broken-hub")).await;
        let pipeline = pipeline(store.clone(), true, true);
        let mut waits = Vec::new();
        for _ in 0..3 {
            let t = now();
            websub::subscribe(&pipeline, id).await.expect("job");
            let sub = store.websub().get(id).await.expect("get").expect("row");
            assert_eq!(sub.state, PushState::Failed);
            assert!(
                sub.last_error.as_deref().is_some_and(|e| e.contains("503")),
                "{:?}",
                sub.last_error
            );
            waits.push(sub.next_attempt_at.unwrap_or(0) - t);
        }
        assert!(
            (60..=61).contains(&waits[0])
                && (120..=121).contains(&waits[1])
                && (240..=241).contains(&waits[2]),
            "{waits:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_near_its_end_is_renewed_and_a_pushed_source_is_polled_less() {
    let web = FixtureWeb::start().await;
    // The feed names the hub the subscriptions are started with (a feed that names none
    // would have its subscription ended).
    web.set(
        "/feed.atom",
        Reply::feed(atom(
            Some("https://hub.example/"),
            "https://news.example/feed",
            3,
        )),
    );
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone(), true, true);
        let ending = add(&store, web.url("/feed.atom"), "Ending").await;
        let fresh = add(&store, "https://fresh.example/feed".into(), "Fresh").await;
        store
            .sources()
            .make_due(Some(fresh), now() + 86_400)
            .await
            .expect("later");
        for id in [ending, fresh] {
            started(&store, id, "https://hub.example/".into()).await;
        }
        let ws = store.websub();
        let topic = "https://news.example/feed";
        // Verified 3,300 s ago for an hour: 300 s left, less than a tenth.
        assert!(
            ws.verify(ending, "token", topic, 3600, now() - 3300)
                .await
                .expect("v")
        );
        assert!(
            ws.verify(fresh, "token", topic, 3600, now())
                .await
                .expect("v")
        );

        // The pushed source's poll: at most every six hours.
        let report = fetch_source::run(&pipeline, ending).await.expect("fetch");
        assert_eq!(report.new_articles, 3);
        let source = store
            .sources()
            .get(ending)
            .await
            .expect("get")
            .expect("row");
        assert!(
            source.next_fetch_at >= now() + 6 * 3600 - 5,
            "next fetch in {} s",
            source.next_fetch_at - now()
        );

        scheduler::tick(&pipeline).await.expect("tick");
        let renewals: Vec<String> = queued_jobs(&store)
            .await
            .into_iter()
            .filter(|(kind, _)| kind == "websub_subscribe")
            .map(|(_, key)| key)
            .collect();
        assert_eq!(
            renewals,
            [format!("websub_subscribe:{}", ending.0)],
            "only the lease near its end is renewed"
        );
    })
    .await;
}

/// The requests that reached `path` after the first `before`, with `hub.mode` `mode`.
fn hub_requests(
    web: &FixtureWeb,
    path: &str,
    before: usize,
    mode: &str,
) -> Vec<tidings_testkit::Received> {
    web.received(path)
        .into_iter()
        .skip(before)
        .filter(|r| r.form_field("hub.mode").as_deref() == Some(mode))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_http_hub_is_sent_no_secret_unless_allowed() {
    let web = FixtureWeb::start().await;
    let hub = web.url("/hub");
    assert!(hub.starts_with("http://"), "{hub}");
    web.set("/hub", Reply::Status(202));
    let (web, hub) = (&web, &hub);
    each_backend(|store| async move {
        web.set(
            "/feed.atom",
            Reply::feed(atom(Some(hub), "https://news.example/plain-hub", 1)),
        );
        let before = web.received("/hub").len();
        let strict = pipeline_with(store.clone(), true, Some(insecure(false)));
        let id = add(&store, web.url("/feed.atom"), "Plain hub").await;
        let report = fetch_source::run(&strict, id).await.expect("fetch");
        assert_eq!(report.new_articles, 1, "the source is polled as usual");
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Failed);
        let why = sub.last_error.clone().unwrap_or_default();
        assert!(
            why.contains("plain http") && why.contains("allow_insecure_hubs"),
            "{why}"
        );
        assert_eq!(sub.next_attempt_at, None, "never asked");
        assert!(queued_kinds(&store).await.is_empty(), "no subscribe job");
        // Even a job that runs (started while such hubs were allowed) sends nothing.
        websub::subscribe(&strict, id).await.expect("job");
        let pending = NewPushSubscription {
            source_id: id,
            hub_url: hub.to_string(),
            topic: "https://news.example/plain-hub".into(),
            secret: "secret".into(),
            callback_token: "token".into(),
        };
        assert!(store.websub().start(&pending, now()).await.expect("start"));
        websub::subscribe(&strict, id).await.expect("job");
        assert_eq!(
            web.received("/hub").len(),
            before,
            "nothing reached the hub"
        );
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(
            sub.state,
            PushState::Failed,
            "refused before any secret left"
        );
        store.sources().make_due(Some(id), 0).await.expect("due");
        fetch_source::run(&strict, id).await.expect("fetch again");
        assert!(queued_kinds(&store).await.is_empty(), "still refused");

        // Allowed: the next fetch of a new document subscribes, and the hub gets the secret.
        let lax = pipeline_with(store.clone(), true, Some(insecure(true)));
        web.set(
            "/feed.atom",
            Reply::feed(atom(Some(hub), "https://news.example/plain-hub", 2)),
        );
        store.sources().make_due(Some(id), 0).await.expect("due");
        fetch_source::run(&lax, id).await.expect("fetch");
        assert_eq!(queued_kinds(&store).await, ["websub_subscribe"]);
        websub::subscribe(&lax, id).await.expect("job");
        let sub = store.websub().get(id).await.expect("get").expect("row");
        let sent = hub_requests(web, "/hub", before, "subscribe");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].form_field("hub.secret"), Some(sub.secret));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowing_plain_http_hubs_lifts_a_refusal_without_waiting_for_a_new_feed() {
    let web = FixtureWeb::start().await;
    let hub = web.url("/hub");
    web.set("/hub", Reply::Status(202));
    let (web, hub) = (&web, &hub);
    each_backend(|store| async move {
        web.set(
            "/feed.atom",
            Reply::feed(atom(Some(hub), "https://news.example/lifted", 1)),
        );
        let before = web.received("/hub").len();
        let strict = pipeline_with(store.clone(), true, Some(insecure(false)));
        let id = add(&store, web.url("/feed.atom"), "Plain hub").await;
        fetch_source::run(&strict, id).await.expect("fetch");
        let refused = store.websub().get(id).await.expect("get").expect("row");
        assert!(refused.is_refused(), "{refused:?}");
        assert_eq!(websub::schedule(&strict).await.expect("schedule"), 0);
        assert!(queued_kinds(&store).await.is_empty(), "still refused");

        // The feed never changes again (every later fetch is a 304), so only the scheduler
        // can notice that the operator now allows such hubs.
        let lax = pipeline_with(store.clone(), true, Some(insecure(true)));
        assert_eq!(websub::schedule(&lax).await.expect("schedule"), 1);
        assert_eq!(queued_kinds(&store).await, ["websub_subscribe"]);
        websub::subscribe(&lax, id).await.expect("job");
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Pending, "{sub:?}");
        assert_ne!(sub.secret, refused.secret, "a new secret");
        assert_ne!(sub.callback_token, refused.callback_token, "a new callback");
        let sent = hub_requests(web, "/hub", before, "subscribe");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].form_field("hub.secret"), Some(sub.secret));
        assert_eq!(
            websub::schedule(&lax).await.expect("schedule"),
            0,
            "lifted once"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_moved_by_307_or_308_is_followed_and_a_303_is_a_failure() {
    let web = FixtureWeb::start().await;
    web.set("/hub", Reply::Status(202));
    for (path, status) in [("/hub-307", 307), ("/hub-308", 308), ("/hub-303", 303)] {
        web.set(
            path,
            Reply::RedirectWith {
                status,
                to: "/hub".into(),
            },
        );
    }
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone(), true, true);
        for path in ["/hub-307", "/hub-308"] {
            let before = web.received("/hub").len();
            let id = add(&store, format!("https://news.example{path}"), path).await;
            started(&store, id, web.url(path)).await;
            websub::subscribe(&pipeline, id).await.expect("job");
            let sub = store.websub().get(id).await.expect("get").expect("row");
            assert_eq!(sub.last_error, None, "{path}");
            assert_eq!(sub.state, PushState::Pending, "{path}");
            let sent = hub_requests(web, "/hub", before, "subscribe");
            assert_eq!(sent.len(), 1, "{path}: the form reached the hub");
            assert_eq!(sent[0].method, "POST", "{path}");
            assert_eq!(sent[0].form_field("hub.secret").as_deref(), Some("secret"));
            assert_eq!(
                sent[0].form_field("hub.callback"),
                Some(format!("{CALLBACK_BASE}/websub/{}/token", id.0))
            );
        }
        let before = web.received("/hub").len();
        let id = add(&store, "https://news.example/see-other".into(), "303").await;
        started(&store, id, web.url("/hub-303")).await;
        websub::subscribe(&pipeline, id).await.expect("job");
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Failed);
        let error = sub.last_error.unwrap_or_default();
        assert!(
            error.contains("303") && error.contains("307 or 308"),
            "{error}"
        );
        assert_eq!(
            web.received("/hub").len(),
            before,
            "no GET or POST followed it"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_source_is_unsubscribed_at_its_hub_and_a_failing_hub_is_given_up() {
    let web = FixtureWeb::start().await;
    web.set("/hub", Reply::Status(202));
    web.set("/broken-hub", Reply::Status(503));
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone(), true, true);
        let ws = store.websub();
        let topic = "https://news.example/feed";
        let gone = add(&store, "https://gone.example/feed".into(), "Gone").await;
        let broken = add(&store, "https://broken.example/feed".into(), "Broken").await;
        started(&store, gone, web.url("/hub")).await;
        started(&store, broken, web.url("/broken-hub")).await;
        assert!(
            ws.verify(gone, "token", topic, 86_400, now())
                .await
                .expect("v")
        );
        assert!(
            ws.verify(broken, "token", topic, 86_400, now())
                .await
                .expect("v")
        );
        assert!(store.sources().remove(gone, now()).await.expect("remove"));
        assert!(store.sources().remove(broken, now()).await.expect("remove"));

        scheduler::tick(&pipeline).await.expect("tick");
        let mut jobs: Vec<String> = queued_jobs(&store)
            .await
            .into_iter()
            .filter(|(kind, _)| kind == "websub_unsubscribe")
            .map(|(_, key)| key)
            .collect();
        jobs.sort();
        let mut expected = vec![
            format!("websub_unsubscribe:{}", gone.0),
            format!("websub_unsubscribe:{}", broken.0),
        ];
        expected.sort();
        assert_eq!(jobs, expected);

        let before = web.received("/hub").len();
        websub::unsubscribe(&pipeline, gone).await.expect("job");
        let sent = hub_requests(web, "/hub", before, "unsubscribe");
        assert_eq!(sent.len(), 1, "the hub was asked to stop");
        assert_eq!(sent[0].form_field("hub.topic").as_deref(), Some(topic));
        assert_eq!(
            sent[0].form_field("hub.callback"),
            Some(format!("{CALLBACK_BASE}/websub/{}/token", gone.0))
        );
        assert_eq!(sent[0].form_field("hub.secret"), None);
        let waiting = ws.unsubscribes(gone).await.expect("u");
        assert_eq!(waiting.len(), 1, "kept for the hub's verification");
        assert_eq!(waiting[0].attempts, 1);
        assert!(
            (now() + 3500..=now() + 3700).contains(&waiting[0].next_attempt_at),
            "asked again in an hour if the hub never verifies"
        );
        websub::unsubscribe(&pipeline, gone).await.expect("not due");
        assert_eq!(hub_requests(web, "/hub", before, "unsubscribe").len(), 1);

        // A failing hub: backed off, then given up after the last attempt.
        let before = web.received("/broken-hub").len();
        websub::unsubscribe(&pipeline, broken).await.expect("job");
        let failing = ws.unsubscribes(broken).await.expect("u");
        assert_eq!(failing[0].attempts, 1);
        assert!(
            failing[0]
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("503")),
            "{:?}",
            failing[0].last_error
        );
        assert!(
            (now() + 55..=now() + 65).contains(&failing[0].next_attempt_at),
            "backed off a minute: {}",
            failing[0].next_attempt_at - now()
        );
        let mut rounds = 0;
        while let Some(row) = ws.unsubscribes(broken).await.expect("u").first().cloned() {
            rounds += 1;
            assert!(rounds < 10, "never given up");
            // Time passes: the row is due again.
            ws.unsubscribe_failed(broken, "token", "waited", now() - 1)
                .await
                .expect("due");
            assert!(row.attempts < tidings_store::UNSUBSCRIBE_ATTEMPTS + 1);
            websub::unsubscribe(&pipeline, broken).await.expect("job");
        }
        let asked = web.received("/broken-hub").len() - before;
        assert!(
            (2..=tidings_store::UNSUBSCRIBE_ATTEMPTS as usize).contains(&asked),
            "{asked} requests, then given up"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_that_stops_naming_its_hub_is_unsubscribed() {
    let web = FixtureWeb::start().await;
    let hub = web.url("/hub");
    let topic = "https://news.example/dropped";
    web.set("/feed.atom", Reply::feed(atom(Some(&hub), topic, 1)));
    web.set("/hub", Reply::Status(202));
    let (web, hub) = (&web, &hub);
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone(), true, true);
        let id = add(&store, web.url("/feed.atom"), "Dropped").await;
        fetch_source::run(&pipeline, id).await.expect("fetch");
        let sub = store.websub().get(id).await.expect("get").expect("row");
        assert!(
            store
                .websub()
                .verify(id, &sub.callback_token, topic, 86_400, now())
                .await
                .expect("v")
        );

        web.set("/feed.atom", Reply::feed(atom(None, topic, 2)));
        store.sources().make_due(Some(id), 0).await.expect("due");
        fetch_source::run(&pipeline, id).await.expect("fetch again");
        assert!(store.websub().get(id).await.expect("get").is_none());
        let ended = store.websub().unsubscribes(id).await.expect("u");
        assert_eq!(ended.len(), 1);
        assert_eq!(ended[0].hub_url, *hub);
        assert_eq!(ended[0].callback_token, sub.callback_token);
        let source = store.sources().get(id).await.expect("get").expect("row");
        assert!(
            source.next_fetch_at < now() + 6 * 3600 - 60,
            "polled as an unpushed source again"
        );
        // Restore the feed for the next backend.
        web.set("/feed.atom", Reply::feed(atom(Some(hub), topic, 1)));
    })
    .await;
}
