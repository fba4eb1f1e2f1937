//! The `fetch_source` job: fetch a source's feed, parse it, store its new articles, and record
//! how it went on the source.
//!
//! A source's own failures (unreachable, HTTP errors, not a feed, too large) are recorded on the
//! source with a clear message and a back-off; they complete the job. Only the pipeline's own
//! failures (the database) fail the job, so it is retried.

use crate::feed_document::{self, ReadFeed};
use crate::labels::labels_for;
use crate::poll_interval::{next_poll, while_pushed};
use crate::teaser::is_teaser;
use crate::time::{now_ms, now_secs};
use crate::{Pipeline, PipelineError, Task};
use std::time::Duration;
use tidings_fetch::{Document, FetchError, Fetched, Validators};
use tidings_model::{GONE_ERROR_PREFIX, NewArticle, Source, SourceId, UnixSeconds};
use tidings_store::{ArticleLabels, FetchSuccess};
use tidings_text::without_direction_controls;

/// What one fetch of a source did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Entries the feed held.
    pub entries: usize,
    /// Articles that were new.
    pub new_articles: u64,
    /// Entries left out because they had no usable link (no address to key or open them by).
    pub skipped_no_link: usize,
    /// Entries left out because the document held more than
    /// [`PipelineSettings::max_entries_per_feed`](crate::PipelineSettings) (the oldest).
    pub left_out_over_max: usize,
    /// Whether the server said the feed had not changed.
    pub not_modified: bool,
    /// The error recorded on the source, if the fetch failed.
    pub error: Option<String>,
}

/// How far a source's next fetch may lie ahead of this process's clock for a queued fetch of
/// it still to run: another process's scheduler, whose clock may differ by seconds, found it
/// due. Far below the shortest poll interval, so a source fetched since is never fetched again.
const DUE_CLOCK_SLACK_SECS: UnixSeconds = 30;

/// The queued job's entry point: fetches the source as [`run`] does, but only while it is
/// still due and not paused (an administrator may pause it after the scheduler queued it).
/// The scheduler lists due sources and then queues them one by one; a fetch that finished in
/// between deleted its job and moved the source's next fetch on, so the queued one would
/// fetch it again at once, which a publisher without validators would serve twice.
pub async fn run_when_due(
    pipeline: &Pipeline,
    source_id: SourceId,
) -> Result<FetchReport, PipelineError> {
    let Some(source) = pipeline.store.sources().get(source_id).await? else {
        return Ok(FetchReport::default());
    };
    if source.paused_at.is_some() {
        tracing::debug!(
            source = source.id.0,
            "paused since it was queued; not fetched"
        );
        return Ok(FetchReport::default());
    }
    if source.next_fetch_at > now_secs() + DUE_CLOCK_SLACK_SECS {
        tracing::debug!(source = source.id.0, "fetched meanwhile; not due again yet");
        return Ok(FetchReport::default());
    }
    fetch(pipeline, source).await
}

/// Fetches one source and stores what is new, due or not. A source removed meanwhile is
/// skipped.
pub async fn run(pipeline: &Pipeline, source_id: SourceId) -> Result<FetchReport, PipelineError> {
    let Some(source) = pipeline.store.sources().get(source_id).await? else {
        return Ok(FetchReport::default());
    };
    fetch(pipeline, source).await
}

async fn fetch(pipeline: &Pipeline, source: Source) -> Result<FetchReport, PipelineError> {
    let started = now_secs();
    let fetched = match pipeline.bundled.get(&source.url) {
        Some(bytes) => Ok(Fetched::Document(Document {
            final_url: source.url.clone(),
            permanent_redirect: None,
            content_type: None,
            validators: Validators::default(),
            max_age: None,
            link_headers: Vec::new(),
            body: bytes.clone().into(),
        })),
        None => {
            let validators = Validators {
                etag: source.fetch.etag.clone(),
                last_modified: source.fetch.last_modified.clone(),
            };
            pipeline.fetcher.get(&source.url, &validators).await
        }
    };
    let report = match fetched {
        Err(FetchError::Status { status: 410, .. }) => gone(pipeline, &source, started).await?,
        Err(err) => {
            let retry_after = match &err {
                FetchError::Status { retry_after, .. } => *retry_after,
                _ => None,
            };
            fail(pipeline, &source, started, &err.to_string(), retry_after).await?
        }
        Ok(Fetched::NotModified) => {
            // Nothing new: the interval the last full fetch chose still holds.
            let last = source.fetch.last_fetch_at.unwrap_or(started);
            let interval =
                Duration::from_secs(u64::try_from(source.next_fetch_at - last).unwrap_or(0)).clamp(
                    pipeline.settings.min_poll_interval,
                    pipeline.settings.max_poll_interval,
                );
            // With WebSub off (the default), no subscription is read for a poll.
            let pushed = pipeline.settings.websub.is_some()
                && pipeline
                    .store
                    .websub()
                    .get(source.id)
                    .await?
                    .is_some_and(|sub| sub.is_pushing(started));
            let interval = while_pushed(interval, pushed);
            let validators = (
                source.fetch.etag.clone(),
                source.fetch.last_modified.clone(),
            );
            // The feed was not read: the last count of linkless entries stands.
            succeed(pipeline, &source, started, interval, validators, None, None).await?;
            FetchReport {
                not_modified: true,
                ..FetchReport::default()
            }
        }
        Ok(Fetched::Document(doc)) => match feed_document::read(pipeline, doc).await {
            Err(err) => fail(pipeline, &source, started, &err, None).await?,
            Ok(read) => {
                if let Some(moved) = read
                    .discovered
                    .as_ref()
                    .or(read.doc.permanent_redirect.as_ref())
                    && let Some(reader) = move_source(pipeline, &source, moved).await?
                {
                    // The same feed is not fetched twice: an empty duplicate folds into the
                    // source that reads it already; one with articles of its own defers to it.
                    let report = match merge(pipeline, &source, moved, reader).await? {
                        Some(report) => report,
                        None => defer(pipeline, &source, started, moved, reader).await?,
                    };
                    count(source.id, &report);
                    return Ok(report);
                }
                let new_articles = store_feed(pipeline, &source, &read).await?;
                let pushed =
                    crate::websub::after_fetch(pipeline, &source, &read.feed, &read.doc).await?;
                let ReadFeed {
                    feed,
                    doc,
                    skipped_no_link,
                    left_out_over_max,
                    ..
                } = read;
                let published: Vec<UnixSeconds> = feed
                    .entries
                    .iter()
                    .filter_map(|e| e.published.or(e.updated))
                    .collect();
                let interval = while_pushed(
                    next_poll(
                        &published,
                        started,
                        pipeline.settings.poll_bounds(),
                        doc.max_age,
                    ),
                    pushed,
                );
                if source.site_url.is_none()
                    && let Some(site_url) = feed.site_url.as_deref()
                    && site_url.len() <= MAX_SITE_URL_BYTES
                {
                    pipeline
                        .store
                        .sources()
                        .fill_site_url(source.id, site_url)
                        .await?;
                }
                let validators = (doc.validators.etag, doc.validators.last_modified);
                let skipped = Some(skipped_no_link);
                succeed(
                    pipeline, &source, started, interval, validators, feed.title, skipped,
                )
                .await?;
                crate::fetch_icon::queue_if_due(pipeline, &source, &feed.images).await;
                FetchReport {
                    entries: feed.entries.len(),
                    new_articles,
                    skipped_no_link,
                    left_out_over_max,
                    ..FetchReport::default()
                }
            }
        },
    };
    count(source.id, &report);
    match &report.error {
        None => tracing::info!(
            source = %source.id, name = %source.name, entries = report.entries,
            new = report.new_articles, skipped_no_link = report.skipped_no_link,
            left_out_over_max = report.left_out_over_max,
            not_modified = report.not_modified, "fetched"
        ),
        Some(error) => tracing::warn!(
            source = %source.id, name = %source.name, url = %source.url, %error, "fetch failed"
        ),
    }
    Ok(report)
}

/// Stores the articles of a feed read for `source` (fetched or pushed) in one transaction,
/// with their labels and, for teasers, a job to fetch their pages; wakes the workers when any
/// was new. Returns how many were new. Bundled (demo) sources are offline by design: their
/// pages are not fetched.
pub(crate) async fn store_feed(
    pipeline: &Pipeline,
    source: &Source,
    read: &ReadFeed,
) -> Result<u64, PipelineError> {
    let fetch_pages = pipeline.settings.fetch_pages && !pipeline.bundled.contains_key(&source.url);
    let attempts = pipeline.settings.max_attempts;
    let follow_up = |article_id, article: &NewArticle| {
        (fetch_pages && is_teaser(&article.body_text))
            .then(|| {
                Task::FetchArticle { article_id }
                    .to_job(now_ms(), attempts)
                    .ok()
            })
            .flatten()
    };
    let labels: Vec<_> = read
        .articles
        .iter()
        .zip(&read.categories)
        .map(|(a, c)| ArticleLabels {
            completed_from_page: fetch_pages && is_teaser(&a.body_text),
            ..labels_for(a, c, source.category.as_deref())
        })
        .collect();
    let stored = pipeline
        .store
        .articles()
        .store_entries(source.id, &read.articles, &labels, follow_up, now_ms())
        .await?;
    if stored.updated > 0 {
        tracing::info!(source = %source.id, updated = stored.updated, "corrected entries updated");
    }
    let new_articles = stored.new;
    if new_articles > 0 {
        pipeline.wake.notify_waiters();
    }
    Ok(new_articles)
}

/// Counts the fetch by source and outcome (`ok`, `not_modified`, `error`), and the articles
/// it stored.
fn count(source: SourceId, report: &FetchReport) {
    let outcome = match (&report.error, report.not_modified) {
        (Some(_), _) => "error",
        (None, true) => "not_modified",
        (None, false) => "ok",
    };
    let registry = tidings_metrics::global();
    let source = source.0.to_string();
    registry.add(
        "tidings_fetches_total",
        "Feed fetches by this process, by source id and outcome.",
        &[("source", source.as_str()), ("outcome", outcome)],
        1,
    );
    registry.add(
        "tidings_articles_stored_total",
        "New articles stored by this process (rate() of it is the ingest rate).",
        &[],
        report.new_articles,
    );
    if report.skipped_no_link > 0 {
        registry.add(
            "tidings_entries_skipped_no_link_total",
            "Feed entries left out for having no usable link, by source id.",
            &[("source", source.as_str())],
            report.skipped_no_link as u64,
        );
    }
    if report.left_out_over_max > 0 {
        registry.add(
            "tidings_entries_over_max_total",
            "Feed entries left out because their document held more than max_entries_per_feed \
             (the oldest go), by source id.",
            &[("source", source.as_str())],
            report.left_out_over_max as u64,
        );
    }
}

/// The longest site address taken from a feed; a longer one is not a home page.
const MAX_SITE_URL_BYTES: usize = 2048;

/// Records a successful fetch at `at`: the next one after `interval`, the server's
/// validators (`ETag`, `Last-Modified`) for a conditional GET, the feed's title for a nameless
/// source, and how many entries were left out for having no link (`None`: the feed was not
/// read, and the last count stands).
async fn succeed(
    pipeline: &Pipeline,
    source: &Source,
    at: UnixSeconds,
    interval: Duration,
    (etag, last_modified): (Option<String>, Option<String>),
    feed_title: Option<String>,
    skipped_no_link: Option<usize>,
) -> Result<(), PipelineError> {
    let ok = FetchSuccess {
        at,
        next_fetch_at: at + secs(interval),
        etag,
        last_modified,
        // The source's name, when it has none, prints inline on every card.
        feed_title: feed_title.map(|t| without_direction_controls(&t).into_owned()),
        skipped_no_link: skipped_no_link.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
    };
    Ok(pipeline
        .store
        .sources()
        .record_success(source.id, &ok)
        .await?)
}

async fn fail(
    pipeline: &Pipeline,
    source: &Source,
    at: UnixSeconds,
    error: &str,
    retry_after: Option<Duration>,
) -> Result<FetchReport, PipelineError> {
    let delay = match retry_after {
        // The server said when to come back: do, within reason.
        Some(wait) => wait.clamp(Duration::from_secs(60), Duration::from_secs(24 * 3600)),
        None => error_delay(
            pipeline.settings.error_delay,
            pipeline.settings.max_error_delay,
            source.fetch.error_count,
        ),
    };
    record_stop(pipeline, source, at, error, at + secs(delay)).await
}

/// Records a failed fetch with `error`, the source next due at `next_fetch`. The error is
/// shown on public pages, so the addresses it quotes (the feed's, a redirect's) lose their
/// credentials first ([`tidings_model::public_addresses_in`]).
async fn record_stop(
    pipeline: &Pipeline,
    source: &Source,
    at: UnixSeconds,
    error: &str,
    next_fetch: UnixSeconds,
) -> Result<FetchReport, PipelineError> {
    let error = tidings_model::public_addresses_in(error).into_owned();
    pipeline
        .store
        .sources()
        .record_failure(source.id, at, &error, next_fetch)
        .await?;
    Ok(FetchReport {
        error: Some(error),
        ..FetchReport::default()
    })
}

/// Records that the source's feed answered `410 Gone`: the server says it is gone for good,
/// so the source is no longer fetched (status `gone`) until someone refreshes it by hand.
async fn gone(
    pipeline: &Pipeline,
    source: &Source,
    at: UnixSeconds,
) -> Result<FetchReport, PipelineError> {
    let error = format!(
        "{GONE_ERROR_PREFIX}the feed answered HTTP 410 Gone and is no longer fetched; \
         refresh the source to try it again"
    );
    record_stop(pipeline, source, at, &error, NEVER).await
}

/// The `next_fetch_at` of a source that is not fetched again unless made due by hand: far
/// beyond any clock, far below overflow.
const NEVER: UnixSeconds = i64::MAX / 4;

/// Follows a permanent redirect: the source's URL becomes the new address, unless another
/// source already reads it; then that source's id is returned.
async fn move_source(
    pipeline: &Pipeline,
    source: &Source,
    to: &str,
) -> Result<Option<SourceId>, PipelineError> {
    let sources = pipeline.store.sources();
    if sources.update_url(source.id, to).await? {
        tracing::info!(source = %source.id, from = %source.url, %to, "source moved permanently");
        return Ok(None);
    }
    let reader = sources
        .find_by_url(to)
        .await?
        .map(|s| s.id)
        .filter(|&id| id != source.id);
    if let Some(reader) = reader {
        tracing::warn!(source = %source.id, %to, %reader, "source moved to an address another source reads");
    }
    Ok(reader)
}

/// Folds the source into `reader`, which reads the feed it turned out to be (see
/// [`tidings_store::Sources::merge_into`]): its readers follow `reader` instead and it is
/// removed. `None` when it has articles of its own, and so stays.
async fn merge(
    pipeline: &Pipeline,
    source: &Source,
    to: &str,
    reader: SourceId,
) -> Result<Option<FetchReport>, PipelineError> {
    let sources = pipeline.store.sources();
    let Some(moved) = sources.merge_into(source.id, reader, now_secs()).await? else {
        return Ok(None);
    };
    tracing::info!(
        source = %source.id, %to, %reader, subscriptions = moved,
        "source merged into the source that reads its feed"
    );
    Ok(Some(FetchReport::default()))
}

/// Records that the source moved to the address `reader` reads: it is no longer fetched
/// (status `gone`, naming the other source), so the one feed is fetched once. A refresh by
/// hand makes it due again.
async fn defer(
    pipeline: &Pipeline,
    source: &Source,
    at: UnixSeconds,
    to: &str,
    reader: SourceId,
) -> Result<FetchReport, PipelineError> {
    let error = format!(
        "{GONE_ERROR_PREFIX}the feed moved permanently to {to}, which source {reader} already \
         reads; this one is no longer fetched"
    );
    record_stop(pipeline, source, at, &error, NEVER).await
}

/// The wait before the next fetch of a source that has failed `earlier_failures` times in a
/// row before this one: `first × 2^earlier_failures`, at most `max`.
pub fn error_delay(first: Duration, max: Duration, earlier_failures: i64) -> Duration {
    let exponent = earlier_failures.clamp(0, 30) as u32;
    first.checked_mul(1 << exponent).unwrap_or(max).min(max)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_sources_back_off_exponentially() {
        let first = Duration::from_secs(60);
        let max = Duration::from_secs(600);
        let waits: Vec<u64> = (0..6)
            .map(|n| error_delay(first, max, n).as_secs())
            .collect();
        assert_eq!(waits, vec![60, 120, 240, 480, 600, 600]);
    }
}
