//! `/metrics`: the process's counters and latency histograms (from [`tidings_metrics`]) and
//! the database's figures read at scrape time, in the Prometheus text format; and the layer
//! that times every request by route.
//!
//! Series (all prefixed `tidings_`): `http_request_duration_seconds{route,method}` and
//! `http_requests_total{route,method,status}` here; `fetches_total{source,outcome}`,
//! `articles_stored_total` and `articles_placed_total` from the pipeline of this process;
//! `jobs{kind,state}`, `jobs_oldest_due_seconds`, `articles`, `articles_unplaced`,
//! `clustering_lag_seconds`, `stories`, `sources`, `sources_failing` and `database_up` from
//! the database.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};
use tidings_metrics::{Exposition, LATENCY_BUCKETS};
use tidings_store::Store;

/// How long a scrape waits for the database before it reports it down.
const DATABASE_WAIT: Duration = Duration::from_secs(3);

/// Times a request and counts it under its route pattern (`/story/{id}`, never the raw
/// path, so the label set stays small); requests no route matched count as `unmatched`.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    // Owned without allocating: the matched path is shared, the method a small value.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    record(
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        &method,
        response.status(),
        started.elapsed(),
    );
    response
}

/// Counts one answered request and its time under its route pattern; [`track`] calls it for
/// every routed request, and the page cache for the pages it answers before routing.
pub(crate) fn record(route: &str, method: &Method, status: StatusCode, took: Duration) {
    let registry = tidings_metrics::global();
    let labels = [("route", route), ("method", method.as_str())];
    registry.observe(
        "tidings_http_request_duration_seconds",
        "Time to answer an HTTP request, by route pattern.",
        &labels,
        LATENCY_BUCKETS,
        took.as_secs_f64(),
    );
    registry.add(
        "tidings_http_requests_total",
        "HTTP requests answered, by route pattern and status.",
        &[
            ("route", route),
            ("method", method.as_str()),
            ("status", status.as_str()),
        ],
        1,
    );
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&state.store).await,
    )
        .into_response()
}

/// The whole scrape: the database's figures, then this process's counters and histograms.
/// An unreachable database leaves its figures out and says so in `tidings_database_up`.
pub async fn render(store: &Store) -> String {
    let mut out = Exposition::default();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let stats = tokio::time::timeout(DATABASE_WAIT, store.stats().snapshot(now_ms)).await;
    match stats {
        Ok(Ok(stats)) => {
            out.gauge_one(
                "tidings_database_up",
                "Whether the database answered this scrape.",
                1.0,
            );
            let groups: Vec<[(&str, &str); 2]> = stats
                .jobs
                .iter()
                .map(|g| [("kind", g.kind.as_str()), ("state", g.state.as_str())])
                .collect();
            let samples: Vec<(&[(&str, &str)], f64)> = groups
                .iter()
                .zip(&stats.jobs)
                .map(|(labels, g)| (&labels[..], g.count as f64))
                .collect();
            out.gauge(
                "tidings_jobs",
                "Jobs in the queue, by kind and state.",
                &samples,
            );
            let per_state = |state: &str| -> f64 {
                stats
                    .jobs
                    .iter()
                    .filter(|g| g.state == state)
                    .map(|g| g.count as f64)
                    .sum()
            };
            out.gauge(
                "tidings_jobs_by_state",
                "Jobs in the queue, by state.",
                &[
                    (&[("state", "queued")], per_state("queued")),
                    (&[("state", "running")], per_state("running")),
                    (&[("state", "dead")], per_state("dead")),
                ],
            );
            let oldest_due = stats
                .oldest_due_job_ms
                .map(|at| ((now_ms - at).max(0) as f64) / 1000.0)
                .unwrap_or(0.0);
            out.gauge_one(
                "tidings_jobs_oldest_due_seconds",
                "How long the longest-waiting due job has waited to be claimed.",
                oldest_due,
            );
            out.gauge_one(
                "tidings_articles",
                "Articles stored.",
                stats.articles as f64,
            );
            out.gauge_one(
                "tidings_articles_unplaced",
                "Articles not yet placed in a story.",
                stats.unplaced_articles as f64,
            );
            let lag = stats
                .oldest_unplaced_fetched_at
                .map(|at| (now_ms / 1000 - at).max(0) as f64)
                .unwrap_or(0.0);
            out.gauge_one(
                "tidings_clustering_lag_seconds",
                "Age of the oldest article not yet placed in a story (0 when none waits).",
                lag,
            );
            out.gauge_one("tidings_stories", "Stories.", stats.stories as f64);
            out.gauge_one("tidings_sources", "Sources.", stats.sources as f64);
            out.gauge_one(
                "tidings_sources_failing",
                "Sources whose last fetch failed.",
                stats.failing_sources as f64,
            );
        }
        Ok(Err(err)) => {
            tracing::warn!(%err, "metrics: the database did not answer");
            out.gauge_one(
                "tidings_database_up",
                "Whether the database answered this scrape.",
                0.0,
            );
        }
        Err(_) => {
            tracing::warn!("metrics: the database did not answer in time");
            out.gauge_one(
                "tidings_database_up",
                "Whether the database answered this scrape.",
                0.0,
            );
        }
    }
    tidings_metrics::global().render_into(&mut out);
    out.finish()
}
