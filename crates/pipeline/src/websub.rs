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
//!   A hub on plain `http://` is not subscribed to unless
//!   [`WebSubSettings::allow_insecure_hubs`]: the spec sends `hub.secret` over HTTPS only, and
//!   without a secret no push can be trusted; the source is polled as usual and its
//!   subscription shows as failed with the reason. A hub that answers the request with `307`
//!   or `308` is followed there (the same form, through the address guard); `301`, `302` or
//!   `303` is a failure that says so.
//! * [`schedule`] (each scheduler tick) queues the subscriptions due: renewals before a lease
//!   ends ([`tidings_store::renewal_time`]) and retries; and the unsubscribe requests due.
//! * [`unsubscribe`] (the `websub_unsubscribe` job) POSTs `hub.mode=unsubscribe` for each
//!   subscription ended at a hub that may still hold it: its source was removed, its feed
//!   stopped naming a hub ([`after_fetch`] ends it) or names another. The store recorded
//!   that in the same transaction as the change. A failing hub is asked again with the fetch
//!   back-off, one that never verifies after [`VERIFY_WAIT`], up to
//!   [`tidings_store::UNSUBSCRIBE_ATTEMPTS`] requests; then the lease ends it.
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
use tidings_store::{NewPushSubscription, PushState, UNSUBSCRIBE_ATTEMPTS};

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
    /// Whether hubs on plain `http://` are subscribed to, their secret sent in clear (off by
    /// default: a test's loopback hub, or a hub on a trusted network).
    pub allow_insecure_hubs: bool,
}

impl WebSubSettings {
    /// Subscriptions with callbacks under `callback_base`, a lease of ten days, and only to
    /// `https://` hubs.
    pub fn new(callback_base: &str) -> WebSubSettings {
        WebSubSettings {
            callback_base: callback_base.trim_end_matches('/').to_string(),
            lease: Duration::from_secs(10 * 86_400),
            allow_insecure_hubs: false,
        }
    }

    /// Why `hub` is not subscribed to, when it is not: a plain `http://` hub (unless
    /// allowed) could not be given a secret.
    pub fn refusal(&self, hub: &str) -> Option<String> {
        let insecure = hub
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
        (insecure && !self.allow_insecure_hubs).then(|| {
            format!(
                "the hub {hub} is plain http, and a secret is only sent over https \
                 (unsigned pushes are ignored): not subscribed, polled instead \
                 ([websub] allow_insecure_hubs allows it)"
            )
        })
    }

    /// The callback URL of a subscription.
    fn callback(&self, source: SourceId, token: &str) -> String {
        format!("{}/websub/{source}/{token}", self.callback_base)
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
/// hub and topic the source is not subscribed to yet (or records why not, for a plain
/// `http://` hub), and ends the subscription of a feed that no longer announces one. Returns
/// whether the source is pushed now (its poll interval is then stretched).
pub(crate) async fn after_fetch(
    pipeline: &Pipeline,
    source: &Source,
    feed: &ParsedFeed,
    doc: &Document,
) -> Result<bool, PipelineError> {
    let Some(settings) = &pipeline.settings.websub else {
        return Ok(false);
    };
    if pipeline.bundled.contains_key(&source.url) {
        return Ok(false);
    }
    let now = now_secs();
    let existing = pipeline.store.websub().get(source.id).await?;
    let Some((hub, topic)) = announced(feed, doc) else {
        if existing.is_some() && pipeline.store.websub().end(source.id, now).await? {
            tracing::info!(source = %source.id, "the feed no longer announces a WebSub hub: unsubscribing");
        }
        return Ok(false);
    };
    let refusal = settings.refusal(&hub);
    if let Some(sub) = &existing
        && sub.hub_url == hub
        && sub.topic == topic
        // A refusal stands while the hub is refused; one allowed now is subscribed to.
        && (refusal.is_some() || !sub.is_refused())
    {
        return Ok(sub.is_pushing(now));
    }
    let new = fresh_subscription(source.id, hub, topic);
    if let Some(reason) = refusal {
        if pipeline.store.websub().refuse(&new, &reason, now).await? {
            tracing::info!(source = %source.id, hub = %new.hub_url, "the feed announces a plain-http WebSub hub: not subscribing, polling");
        }
        return Ok(false);
    }
    if pipeline.store.websub().start(&new, now).await? {
        tracing::info!(source = %source.id, hub = %new.hub_url, topic = %new.topic, "the feed announces a WebSub hub: subscribing");
        queue_subscribe(pipeline, source.id).await?;
    }
    Ok(false)
}

/// A subscription of `source_id` to `hub_url` for `topic` with a new random secret and
/// callback token.
fn fresh_subscription(source_id: SourceId, hub_url: String, topic: String) -> NewPushSubscription {
    NewPushSubscription {
        source_id,
        hub_url,
        topic,
        secret: random_hex(32),
        callback_token: random_hex(16),
    }
}

/// Queues the subscribe job of `source` (keyed: never twice).
async fn queue_subscribe(pipeline: &Pipeline, source_id: SourceId) -> Result<bool, PipelineError> {
    queue_task(pipeline, Task::WebsubSubscribe { source_id }).await
}

/// Queues `task` (keyed: never twice).
async fn queue_task(pipeline: &Pipeline, task: Task) -> Result<bool, PipelineError> {
    let job = task.to_job(now_ms(), pipeline.settings.max_attempts)?;
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

/// Queues the subscriptions due for a request (renewals, retries) and the unsubscribe
/// requests due. Returns how many jobs.
pub async fn schedule(pipeline: &Pipeline) -> Result<usize, PipelineError> {
    if pipeline.settings.websub.is_none() {
        return Ok(0);
    }
    let now = now_secs();
    let mut queued = lift_refusals(pipeline, now).await?;
    let due = pipeline.store.websub().due(now, BATCH).await?;
    for source_id in due {
        if queue_subscribe(pipeline, source_id).await? {
            queued += 1;
        }
    }
    let ending = pipeline.store.websub().due_unsubscribes(now, BATCH).await?;
    for source_id in ending {
        if queue_task(pipeline, Task::WebsubUnsubscribe { source_id }).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Starts over the refused subscriptions whose hub the settings allow now (an operator who
/// set `allow_insecure_hubs` after the refusal), with a new secret and token, and queues
/// their subscribe jobs. Without this, a source whose feed stays unchanged (answered `304`)
/// would never be looked at again. Returns how many jobs.
async fn lift_refusals(pipeline: &Pipeline, now: i64) -> Result<usize, PipelineError> {
    // A plain-http hub is the only refusal: with those refused, there is nothing to lift.
    let Some(settings) = pipeline
        .settings
        .websub
        .as_ref()
        .filter(|s| s.allow_insecure_hubs)
    else {
        return Ok(0);
    };
    let mut queued = 0;
    for sub in pipeline.store.websub().refused(BATCH).await? {
        if settings.refusal(&sub.hub_url).is_some() {
            continue;
        }
        let new = fresh_subscription(sub.source_id, sub.hub_url, sub.topic);
        if pipeline.store.websub().lift_refusal(&new, now).await? {
            tracing::info!(source = %new.source_id, hub = %new.hub_url, "a refused WebSub hub is allowed now: subscribing");
            if queue_subscribe(pipeline, new.source_id).await? {
                queued += 1;
            }
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
    if sub.state == PushState::Unsubscribed || sub.is_refused() {
        return Ok(());
    }
    if let Some(reason) = settings.refusal(&sub.hub_url) {
        // Started while such hubs were allowed: refused before any secret leaves.
        let again = NewPushSubscription {
            source_id,
            hub_url: sub.hub_url.clone(),
            topic: sub.topic.clone(),
            secret: sub.secret.clone(),
            callback_token: sub.callback_token.clone(),
        };
        websub.refuse(&again, &reason, now_secs()).await?;
        return Ok(());
    }
    let callback = settings.callback(source_id, &sub.callback_token);
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

/// The `websub_unsubscribe` job: asks the hubs of `source_id`'s ended subscriptions that are
/// due to stop pushing (`hub.mode=unsubscribe`, the topic and the old callback, no secret),
/// through the fetcher like a subscription request. One asked [`UNSUBSCRIBE_ATTEMPTS`] times
/// is given up.
pub async fn unsubscribe(pipeline: &Pipeline, source_id: SourceId) -> Result<(), PipelineError> {
    let Some(settings) = &pipeline.settings.websub else {
        return Ok(());
    };
    let websub = pipeline.store.websub();
    let now = now_secs();
    for ended in websub.unsubscribes(source_id).await? {
        if ended.next_attempt_at > now {
            continue;
        }
        let token = ended.callback_token.as_str();
        if ended.attempts >= UNSUBSCRIBE_ATTEMPTS {
            websub.give_up_unsubscribe(source_id, token).await?;
            tracing::warn!(source = %source_id, hub = %ended.hub_url, attempts = ended.attempts, last_error = ?ended.last_error, "giving up unsubscribing from the WebSub hub; its lease will end the subscription");
            count_unsubscribe("given_up");
            continue;
        }
        let callback = settings.callback(source_id, token);
        let fields = [
            ("hub.mode", "unsubscribe"),
            ("hub.topic", ended.topic.as_str()),
            ("hub.callback", callback.as_str()),
        ];
        match pipeline.fetcher.post_form(&ended.hub_url, &fields).await {
            Ok(_) => {
                websub
                    .unsubscribe_requested(source_id, token, now + secs(VERIFY_WAIT))
                    .await?;
                tracing::info!(source = %source_id, hub = %ended.hub_url, "the hub accepted the unsubscribe request");
                count_unsubscribe("accepted");
            }
            Err(err) => {
                let delay = error_delay(
                    pipeline.settings.error_delay,
                    pipeline.settings.max_error_delay,
                    ended.attempts,
                );
                let error = format!("hub {}: {err}", ended.hub_url);
                websub
                    .unsubscribe_failed(source_id, token, &error, now + secs(delay))
                    .await?;
                tracing::warn!(source = %source_id, %error, retry_in = ?delay, "WebSub unsubscribe request failed");
                count_unsubscribe("error");
            }
        }
    }
    Ok(())
}

fn count_unsubscribe(outcome: &str) {
    tidings_metrics::global().add(
        "tidings_websub_unsubscribes_total",
        "WebSub unsubscribe requests for ended subscriptions, by outcome: accepted, error, \
         given_up (after the last attempt).",
        &[("outcome", outcome)],
        1,
    );
}

/// The `websub_push` job: ingests the signed push the callback kept for `source_id`, the
/// way a fetched feed is (same parsing, sanitising, dedupe and follow-up jobs). A push that
/// is not a readable feed is logged and dropped; the next poll reads the feed anyway. A push
/// for a paused source is dropped too: a paused source takes in nothing until resumed.
pub async fn ingest_push(pipeline: &Pipeline, source_id: SourceId) -> Result<(), PipelineError> {
    let Some((body, content_type)) = pipeline.store.websub().take_push(source_id).await? else {
        return Ok(());
    };
    let Some(source) = pipeline.store.sources().get(source_id).await? else {
        return Ok(());
    };
    if source.paused_at.is_some() {
        tracing::debug!(source = %source_id, "a push for a paused source; dropped");
        return Ok(());
    }
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
    match feed_document::read_pushed(doc, pipeline.settings.max_entries_per_feed).await {
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
