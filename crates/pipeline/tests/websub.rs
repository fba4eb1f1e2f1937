//! WebSub subscriptions driven by the pipeline against a loopback hub, on every backend: a
//! feed announcing a hub (in the document or a `Link` header) is subscribed to with the right
//! fields; without WebSub settings nothing is; a hub on a private address is refused unless
//! private addresses are allowed; a failing hub is backed off; a lease near its end is
//! renewed; a pushed source is polled every six hours.

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

fn pipeline(store: Store, allow_private: bool, websub: bool) -> Pipeline {
    let settings = PipelineSettings {
        fetch_pages: false,
        websub: websub.then(|| WebSubSettings::new(CALLBACK_BASE)),
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
    web.set(
        "/feed.atom",
        Reply::feed(atom(None, "https://news.example/feed", 3)),
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
