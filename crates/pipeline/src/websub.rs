//! WebSub (W3C, 2018): sources whose feed announces a hub are pushed their new items instead
//! of waiting for the next poll, when the site can be reached from the hub.
//!
//! * After a fetch, [`after_fetch`] reads the hub and the topic (the response's `Link`
//!   headers first, then the document's `rel="hub"`/`rel="self"` links) and, when the source
//!   has no subscription to that hub and topic yet, starts one (a fresh random secret and
//!   callback token) and queues a `websub_subscribe` job.
//! * [`subscribe`] (the job) POSTs `hub.mode=subscribe` with the topic, the callback
//!   `{base}/websub/{source}/{token}`, the secret and the lease asked for, through the
//!   [`tidings_fetch::Fetcher`] (address guard, timeouts). The hub then verifies the intent
//!   at the callback (the web crate answers it). A hub that fails is asked again with the
//!   fetch back-off ([`crate::fetch_source::error_delay`]); one that accepts but never verifies
//!   is asked again after [`VERIFY_WAIT`].
//! * [`schedule`] (each scheduler tick) queues the subscriptions due: renewals before a lease
//!   ends ([`tidings_store::renewal_time`]) and retries.
//! * [`ingest_push`] (the `websub_push` job) reads a signed push the callback kept and stores
//!   its new articles exactly as a fetched feed's ([`crate::fetch_source::store_feed`]).
//!
//! While a source is pushed, polling goes on as a safety net, at most every
//! [`crate::poll_interval::PUSHED_POLL_INTERVAL`].

use crate::feed_document;
use crate::fetch_source::{error_delay, store_feed};
use crate::time::{now_ms, now_secs};
use crate::{Pipeline, PipelineError, Task};
use base64::Engine;
use rand::RngCore;
use std::time::Duration;
use tidings_feeds::{ParsedFeed, links_in_header};
use tidings_fetch::{Document, FetchError, Validators};
use tidings_model::{Source, SourceId};
use tidings_store::{NewPushSubscription, PushState};

/// How long a hub that accepted a request has to verify it before it is asked again.
pub const VERIFY_WAIT: Duration = Duration::from_secs(3600);

/// How many subscriptions one scheduler tick queues at most.
const BATCH: i64 = 200;

/// How the pipeline subscribes, when it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSubSettings {
    /// The site's public base URL, without a trailing slash: callbacks are
    /// `{callback_base}/websub/{source}/{token}`.
    pub callback_base: String,
    /// The lease asked of hubs (they may grant another).
    pub lease: Duration,
}

impl WebSubSettings {
    /// Subscriptions with callbacks under `callback_base` and a lease of ten days.
    pub fn new(callback_base: &str) -> WebSubSettings {
        WebSubSettings {
            callback_base: callback_base.trim_end_matches('/').to_string(),
            lease: Duration::from_secs(10 * 86_400),
        }
    }
}

/// The hub and topic a fetched feed announces: `Link` headers first (the spec's order), then
/// the document; the topic defaults to the address the feed came from.
pub(crate) fn announced(feed: &ParsedFeed, doc: &Document) -> Option<(String, String)> {
    let from_headers = |rel: &str| {
        doc.link_headers
            .iter()
            .flat_map(|h| links_in_header(h, rel, &doc.final_url))
            .next()
    };
    let hub = from_headers("hub").or_else(|| feed.hubs.first().cloned())?;
    let topic = from_headers("self")
        .or_else(|| feed.self_url.clone())
        .unwrap_or_else(|| doc.final_url.clone());
    Some((hub, topic))
}

/// After a successful fetch of `source`: starts a subscription when the feed announces a
/// hub and topic the source is not subscribed to yet. Returns whether the source is pushed
/// now (its poll interval is then stretched).
pub(crate) async fn after_fetch(
    pipeline: &Pipeline,
    source: &Source,
    feed: &ParsedFeed,
    doc: &Document,
) -> Result<bool, PipelineError> {
    if pipeline.settings.websub.is_none() || pipeline.bundled.contains_key(&source.url) {
        return Ok(false);
    }
    let now = now_secs();
    let existing = pipeline.store.websub().get(source.id).await?;
    let Some((hub, topic)) = announced(feed, doc) else {
        return Ok(existing.is_some_and(|s| s.is_pushing(now)));
    };
    if let Some(sub) = &existing
        && sub.hub_url == hub
        && sub.topic == topic
    {
        return Ok(sub.is_pushing(now));
    }
    let new = NewPushSubscription {
        source_id: source.id,
        hub_url: hub,
        topic,
        secret: random_hex(32),
        callback_token: random_hex(16),
    };
    if pipeline.store.websub().start(&new, now).await? {
        tracing::info!(source = %source.id, hub = %new.hub_url, topic = %new.topic, "the feed announces a WebSub hub: subscribing");
        queue_subscribe(pipeline, source.id).await?;
    }
    Ok(false)
}

/// Queues the subscribe job of `source` (keyed: never twice).
async fn queue_subscribe(pipeline: &Pipeline, source_id: SourceId) -> Result<bool, PipelineError> {
    let job =
        Task::WebsubSubscribe { source_id }.to_job(now_ms(), pipeline.settings.max_attempts)?;
    let queued = pipeline
        .store
        .jobs()
        .enqueue(&job, now_ms())
        .await?
        .is_some();
    if queued {
        pipeline.wake.notify_waiters();
    }
    Ok(queued)
}

/// Queues the subscriptions due for a request (renewals, retries). Returns how many.
pub async fn schedule(pipeline: &Pipeline) -> Result<usize, PipelineError> {
    if pipeline.settings.websub.is_none() {
        return Ok(0);
    }
    let due = pipeline.store.websub().due(now_secs(), BATCH).await?;
    let mut queued = 0;
    for source_id in due {
        if queue_subscribe(pipeline, source_id).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// The `websub_subscribe` job: asks the hub for (or to renew) `source_id`'s subscription.
pub async fn subscribe(pipeline: &Pipeline, source_id: SourceId) -> Result<(), PipelineError> {
    let Some(settings) = &pipeline.settings.websub else {
        return Ok(());
    };
    let websub = pipeline.store.websub();
    let Some(sub) = websub.get(source_id).await? else {
        return Ok(());
    };
    if sub.state == PushState::Unsubscribed {
        return Ok(());
    }
    let callback = format!(
        "{}/websub/{}/{}",
        settings.callback_base, source_id, sub.callback_token
    );
    let lease = settings.lease.as_secs().to_string();
    let fields = [
        ("hub.mode", "subscribe"),
        ("hub.topic", sub.topic.as_str()),
        ("hub.callback", callback.as_str()),
        ("hub.secret", sub.secret.as_str()),
        ("hub.lease_seconds", lease.as_str()),
    ];
    let now = now_secs();
    let outcome = match pipeline.fetcher.post_form(&sub.hub_url, &fields).await {
        Ok(_) => {
            websub
                .requested(source_id, now, now + secs(VERIFY_WAIT))
                .await?;
            tracing::info!(source = %source_id, hub = %sub.hub_url, "the hub accepted the subscription request; waiting for its verification");
            "accepted"
        }
        Err(err) => {
            let delay = match &err {
                FetchError::Status {
                    retry_after: Some(wait),
                    ..
                } => (*wait).clamp(Duration::from_secs(60), Duration::from_secs(24 * 3600)),
                _ => error_delay(
                    pipeline.settings.error_delay,
                    pipeline.settings.max_error_delay,
                    sub.error_count,
                ),
            };
            let error = format!("hub {}: {err}", sub.hub_url);
            websub
                .fail(source_id, &error, now, now + secs(delay))
                .await?;
            tracing::warn!(source = %source_id, %error, retry_in = ?delay, "WebSub subscription request failed");
            "error"
        }
    };
    tidings_metrics::global().add(
        "tidings_websub_requests_total",
        "WebSub subscription requests this process sent to hubs, by outcome.",
        &[("outcome", outcome)],
        1,
    );
    Ok(())
}

/// The `websub_push` job: ingests the signed push the callback kept for `source_id`, the
/// way a fetched feed is (same parsing, sanitising, dedupe and follow-up jobs). A push that
/// is not a readable feed is logged and dropped; the next poll reads the feed anyway.
pub async fn ingest_push(pipeline: &Pipeline, source_id: SourceId) -> Result<(), PipelineError> {
    let Some((body, content_type)) = pipeline.store.websub().take_push(source_id).await? else {
        return Ok(());
    };
    let Some(source) = pipeline.store.sources().get(source_id).await? else {
        return Ok(());
    };
    let topic = pipeline
        .store
        .websub()
        .get(source_id)
        .await?
        .map(|s| s.topic)
        .unwrap_or_else(|| source.url.clone());
    let body = match base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
        Ok(body) => body,
        Err(err) => {
            tracing::warn!(source = %source_id, %err, "a kept push is not base64; dropped");
            return Ok(());
        }
    };
    let doc = Document {
        final_url: topic,
        permanent_redirect: None,
        content_type,
        validators: Validators::default(),
        max_age: None,
        link_headers: Vec::new(),
        body: body.into(),
    };
    match feed_document::read_pushed(doc) {
        Ok(read) => {
            let new_articles = store_feed(pipeline, &source, &read).await?;
            tidings_metrics::global().add(
                "tidings_articles_stored_total",
                "New articles stored by this process (rate() of it is the ingest rate).",
                &[],
                new_articles,
            );
            tracing::info!(source = %source_id, name = %source.name, entries = read.feed.entries.len(), new = new_articles, "WebSub push ingested");
        }
        Err(error) => {
            tracing::warn!(source = %source_id, %error, "a WebSub push is not a readable feed; dropped");
        }
    }
    Ok(())
}

/// `bytes` random bytes as hex.
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(links: &[&str]) -> Document {
        Document {
            final_url: "https://news.example/feed".into(),
            permanent_redirect: None,
            content_type: None,
            validators: Validators::default(),
            max_age: None,
            link_headers: links.iter().map(|l| l.to_string()).collect(),
            body: Vec::new().into(),
        }
    }

    #[test]
    fn headers_come_before_the_document_and_the_topic_defaults_to_the_address() {
        let feed = ParsedFeed {
            hubs: vec!["https://doc-hub.example/".into()],
            self_url: Some("https://news.example/self".into()),
            ..ParsedFeed::default()
        };
        assert_eq!(
            announced(&feed, &doc(&[])),
            Some((
                "https://doc-hub.example/".into(),
                "https://news.example/self".into()
            ))
        );
        assert_eq!(
            announced(
                &feed,
                &doc(&["<https://header-hub.example/>; rel=hub, </topic>; rel=self"])
            ),
            Some((
                "https://header-hub.example/".into(),
                "https://news.example/topic".into()
            ))
        );
        let bare = ParsedFeed {
            hubs: vec!["https://doc-hub.example/".into()],
            ..ParsedFeed::default()
        };
        assert_eq!(
            announced(&bare, &doc(&[]))
                .map(|(_, topic)| topic)
                .as_deref(),
            Some("https://news.example/feed")
        );
        assert_eq!(announced(&ParsedFeed::default(), &doc(&[])), None);
    }

    #[test]
    fn secrets_are_random_hex_of_the_asked_length() {
        let (a, b) = (random_hex(32), random_hex(32));
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
