//! WebSub end to end, on every backend, all on 127.0.0.1: the web site and the pipeline run in
//! this process, the fixture web is the publisher and the hub, and the test speaks for the
//! hub. A feed announcing the hub is subscribed to; the hub's verification gets its
//! challenge back only with the right token, topic and mode; a push without a valid
//! signature is answered 2xx and ingests nothing; a signed push's new item becomes an article
//! through the workers without a poll (the feed on the publisher never holds it); the source
//! page shows the subscription and `/metrics` counts the pushes; removing the source removes
//! the subscription, a push for it is then answered 410 Gone, the hub is sent an unsubscribe
//! request, and its verification of that (only that, once) gets the challenge back.

use hmac::{Hmac, KeyInit, Mac};
use std::time::{Duration, Instant};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_pipeline::websub::WebSubSettings;
use tidings_pipeline::{Pipeline, PipelineSettings};
use tidings_store::testing::each_backend;
use tidings_store::{NewSource, PushState, Store};
use tidings_testkit::{FixtureWeb, Received, Reply};
use tidings_web::AppState;
use tokio_util::sync::CancellationToken;

fn atom(self_url: &str, hub: &str, items: &[&str]) -> String {
    let entries: String = items
        .iter()
        .map(|slug| {
            format!(
                "<entry><title>Report {slug}</title><id>urn:{slug}</id>\
                 <link href=\"https://pushed.example/{slug}\"/>\
                 <updated>2026-11-24T08:00:00Z</updated>\
                 <content type=\"html\">&lt;p&gt;The whole report {slug}, with enough words \
                 in it to be an article of its own.&lt;/p&gt;</content></entry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Pushed \
         News</title><link rel=\"hub\" href=\"{hub}\"/><link rel=\"self\" href=\"{self_url}\"/>\
         {entries}</feed>"
    )
}

fn sign(secret: &str, body: &str) -> String {
    let mut mac =
        <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn articles(store: &Store, source: tidings_model::SourceId) -> i64 {
    store
        .articles()
        .count_by_source(source)
        .await
        .expect("count")
}

/// The subscription request whose callback starts with `prefix`.
fn request_for(web: &FixtureWeb, prefix: &str) -> Option<Received> {
    web.received("/hub").into_iter().find(|r| {
        r.form_field("hub.callback")
            .is_some_and(|c| c.starts_with(prefix))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_verifies_and_pushes_and_the_article_appears_without_a_poll() {
    let web = FixtureWeb::start().await;
    let topic = web.url("/feed.atom");
    let hub = web.url("/hub");
    web.set("/feed.atom", Reply::feed(atom(&topic, &hub, &["first"])));
    web.set("/hub", Reply::Status(202));
    let (web, topic, hub) = (&web, &topic, &hub);

    each_backend(|store| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let fetcher = Fetcher::new(FetchConfig {
            allow_private_addresses: true,
            per_host_min_delay: Duration::ZERO,
            ..FetchConfig::default()
        })
        .expect("fetcher");
        let settings = PipelineSettings {
            tick: Duration::from_millis(100),
            idle_wait: Duration::from_millis(50),
            poll_interval: Duration::from_secs(3600),
            fetch_pages: false,
            // The loopback hub is plain http.
            websub: Some(WebSubSettings {
                allow_insecure_hubs: true,
                ..WebSubSettings::new(&base)
            }),
            ..PipelineSettings::default()
        };
        let pipeline = Pipeline::new(store.clone(), fetcher, settings);
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: topic.clone(),
                    name: "Pushed News".into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("add")
            .id;
        let shutdown = CancellationToken::new();
        let running = tokio::spawn({
            let (pipeline, shutdown) = (pipeline.clone(), shutdown.clone());
            async move { pipeline.run(shutdown).await }
        });
        let mut state = AppState::new(store.clone());
        state.fetch_with(
            Fetcher::new(FetchConfig {
                allow_private_addresses: true,
                ..FetchConfig::default()
            })
            .expect("fetcher"),
        );
        let serving = tokio::spawn(tidings_web::serve(
            listener,
            state,
            shutdown.clone().cancelled_owned(),
        ));
        let http = reqwest::Client::new();

        // 1. The first fetch finds the hub; the subscription request reaches it.
        let prefix = format!("/websub/{}/", source.0);
        let callback_prefix = format!("{base}{prefix}");
        wait_for("the subscription request", || async {
            request_for(web, &callback_prefix).is_some()
        })
        .await;
        let request = request_for(web, &callback_prefix).expect("request");
        assert_eq!(request.method, "POST");
        assert_eq!(request.form_field("hub.mode").as_deref(), Some("subscribe"));
        assert_eq!(
            request.form_field("hub.topic").as_deref(),
            Some(topic.as_str())
        );
        let callback = request.form_field("hub.callback").expect("callback");
        assert!(
            callback.starts_with(&format!("{base}{prefix}")),
            "{callback}"
        );
        let secret = request.form_field("hub.secret").expect("secret");
        assert!(secret.len() >= 32 && secret.len() < 200);
        assert_eq!(articles(&store, source).await, 1);

        // 2. Verifications that are not ours: 404, and nothing becomes active.
        let token = callback.rsplit('/').next().expect("token").to_string();
        let wrong_token = format!("{base}{prefix}{}", "0".repeat(token.len()));
        let verify = |url: String, mode: &str, topic: &str| {
            let http = http.clone();
            let query = vec![
                ("hub.mode", mode.to_string()),
                ("hub.topic", topic.to_string()),
                ("hub.challenge", "challenge-4711".to_string()),
                ("hub.lease_seconds", "3600".to_string()),
            ];
            async move {
                let url = url::Url::parse_with_params(&url, &query).expect("URL");
                let resp = http.get(url).send().await.expect("GET");
                (resp.status().as_u16(), resp.text().await.expect("body"))
            }
        };
        assert_eq!(verify(wrong_token, "subscribe", topic).await.0, 404);
        let other_topic = format!("{topic}?other");
        assert_eq!(
            verify(callback.clone(), "subscribe", &other_topic).await.0,
            404
        );
        assert_eq!(verify(callback.clone(), "unsubscribe", topic).await.0, 404);
        let other_source = callback.replace(&prefix, &format!("/websub/{}/", source.0 + 1000));
        assert_eq!(verify(other_source, "subscribe", topic).await.0, 404);
        let sub = store.websub().get(source).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Pending, "still not verified");

        // 3. The hub's real verification gets its challenge back.
        let (status, body) = verify(callback.clone(), "subscribe", topic).await;
        assert_eq!((status, body.as_str()), (200, "challenge-4711"));
        let sub = store.websub().get(source).await.expect("get").expect("row");
        assert_eq!(sub.state, PushState::Active);
        assert!(sub.lease_expires_at.is_some_and(|t| t > 0));
        let page = http
            .get(format!("{base}/source/{}", source.0))
            .send()
            .await
            .expect("source page")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("active until"),
            "the source page shows the push"
        );

        // 4. Pushes without a valid signature: 2xx, nothing ingested.
        let pushed = atom(topic, hub, &["pushed-news"]);
        let post = |signature: Option<String>, body: String| {
            let (http, callback) = (http.clone(), callback.clone());
            async move {
                let mut request = http
                    .post(callback)
                    .header("content-type", "application/atom+xml")
                    .body(body);
                if let Some(signature) = signature {
                    request = request.header("x-hub-signature", signature);
                }
                request.send().await.expect("POST").status().as_u16()
            }
        };
        let unsigned = post(None, pushed.clone()).await;
        assert!((200..300).contains(&unsigned), "{unsigned}");
        let forged = post(Some(sign("not the secret", &pushed)), pushed.clone()).await;
        assert!((200..300).contains(&forged), "{forged}");
        let altered = post(
            Some(sign(&secret, &pushed)),
            pushed.replace("pushed-news", "x"),
        )
        .await;
        assert!((200..300).contains(&altered), "{altered}");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            articles(&store, source).await,
            1,
            "nothing unsigned was ingested"
        );

        // 5. A signed push: the new article appears through the workers, without a poll
        //    (the publisher's feed still holds only the first item).
        let signed = post(Some(sign(&secret, &pushed)), pushed.clone()).await;
        assert!((200..300).contains(&signed), "{signed}");
        wait_for("the pushed article", || async {
            articles(&store, source).await == 2
        })
        .await;
        let metrics = http
            .get(format!("{base}/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("body");
        for outcome in ["accepted", "rejected"] {
            assert!(
                metrics.contains(&format!(
                    "tidings_websub_pushes_total{{outcome=\"{outcome}\"}}"
                )),
                "{outcome} pushes are counted"
            );
        }

        // 6. Removing the source removes its subscription; the hub's next push is told 410,
        //    and the hub is asked to unsubscribe, which it verifies at the callback.
        assert!(store.sources().remove(source, 0).await.expect("remove"));
        assert!(store.websub().get(source).await.expect("get").is_none());
        assert_eq!(
            post(Some(sign(&secret, &pushed)), pushed.clone()).await,
            410
        );
        let unsubscribe_for = |web: &FixtureWeb| {
            web.received("/hub").into_iter().find(|r| {
                r.form_field("hub.mode").as_deref() == Some("unsubscribe")
                    && r.form_field("hub.callback").as_deref() == Some(callback.as_str())
            })
        };
        wait_for("the unsubscribe request", || async {
            unsubscribe_for(web).is_some()
        })
        .await;
        let request = unsubscribe_for(web).expect("request");
        assert_eq!(
            request.form_field("hub.topic").as_deref(),
            Some(topic.as_str())
        );
        assert_eq!(request.form_field("hub.secret"), None);
        assert_eq!(
            verify(callback.clone(), "unsubscribe", &other_topic)
                .await
                .0,
            404
        );
        assert_eq!(
            verify(callback.clone(), "subscribe", topic).await.0,
            404,
            "the removed source's subscription is not verified again"
        );
        let (status, body) = verify(callback.clone(), "unsubscribe", topic).await;
        assert_eq!((status, body.as_str()), (200, "challenge-4711"));
        assert!(
            store
                .websub()
                .unsubscribes(source)
                .await
                .expect("unsubscribes")
                .is_empty(),
            "done"
        );
        assert_eq!(
            verify(callback.clone(), "unsubscribe", topic).await.0,
            404,
            "only once"
        );

        shutdown.cancel();
        running.await.expect("pipeline task").expect("pipeline");
        serving.await.expect("web task").expect("web");
    })
    .await;
}
