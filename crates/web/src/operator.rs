//! `/operator`: how the installation is doing, for the person who runs it — counts, the
//! pipeline's queues and backlog, the jobs that ran, failing sources and jobs that ran out of
//! attempts. Only admins see it; anyone else is sent to log in, or refused.
//!
//! The store deletes a job when it finishes, so the queue table shows only what is queued,
//! running or dead. What ran comes from the metrics registry's
//! `tidings_jobs_finished_total{kind,outcome}`, the same counter `/metrics` exposes: the jobs
//! this process finished since it started (workers in other processes count their own).

use crate::pages::{Age, PageError, SourceView, now, respond};
use crate::people::PeopleError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

/// Jobs out of attempts listed.
const DEAD_JOBS: i64 = 20;

/// One kind of job in the queue table.
struct QueueLine {
    kind: String,
    queued: i64,
    running: i64,
    dead: i64,
    /// How long the longest-waiting due job has waited.
    waiting: Option<String>,
}

/// One kind of job this process finished, by outcome.
#[derive(Debug, Default, PartialEq, Eq)]
struct FinishedLine {
    kind: String,
    done: u64,
    failed: u64,
}

/// The counter the workers count finished jobs in.
const FINISHED: &str = "tidings_jobs_finished_total";

/// The jobs this process finished, by kind (in kind order), from the metrics registry.
fn finished_by_kind(registry: &tidings_metrics::Registry) -> Vec<FinishedLine> {
    let mut lines: Vec<FinishedLine> = Vec::new();
    for (labels, n) in registry.counter_series(FINISHED) {
        let label = |name: &str| {
            labels
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v.as_str())
        };
        let kind = label("kind");
        let line = match lines.iter_mut().position(|l| l.kind == kind) {
            Some(i) => &mut lines[i],
            None => {
                lines.push(FinishedLine {
                    kind: kind.to_string(),
                    ..FinishedLine::default()
                });
                let last = lines.len() - 1;
                &mut lines[last]
            }
        };
        if label("outcome") == "done" {
            line.done += n;
        } else {
            line.failed += n;
        }
    }
    lines.sort_by(|a, b| a.kind.cmp(&b.kind));
    lines
}

#[derive(Template, WebTemplate)]
#[template(path = "operator.html")]
struct OperatorPage {
    site_name: String,
    articles: i64,
    stories: i64,
    sources: usize,
    failing: Vec<SourceView>,
    queues: Vec<QueueLine>,
    finished: Vec<FinishedLine>,
    unplaced: i64,
    oldest_unplaced: Option<Age>,
    dead: Vec<(String, String, String)>,
    search: Option<String>,
}

/// "3 min", "2 h 5 min": a wait, short.
fn wait(secs: i64) -> String {
    match secs.max(0) {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

pub(crate) async fn operator(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match crate::people::require_admin(&state, &headers).await {
        Ok(_) => {}
        Err(PeopleError::LoginRequired) => {
            return Redirect::to("/login?next=/operator").into_response();
        }
        Err(err) => return err.page(&state.site_name),
    }
    let result: Result<OperatorPage, PageError> = async {
        let store = &state.store;
        let now = now();
        let sources = store.sources().list().await?;
        let failing = sources
            .iter()
            .filter(|s| s.status() == "error")
            .map(|s| SourceView::of(s, now))
            .collect();
        let queues = store
            .jobs()
            .counts_by_kind(now * 1000)
            .await?
            .into_iter()
            .map(|k| QueueLine {
                waiting: k.oldest_due_ms.map(|due| wait(now - due / 1000)),
                kind: k.kind,
                queued: k.counts.queued,
                running: k.counts.running,
                dead: k.counts.dead,
            })
            .collect();
        let (unplaced, oldest) = store.stories().backlog().await?;
        let dead = store
            .jobs()
            .dead(DEAD_JOBS)
            .await?
            .into_iter()
            .map(|(kind, key, error)| (kind, key.unwrap_or_default(), error.unwrap_or_default()))
            .collect();
        let search = state
            .search
            .as_ref()
            .map(|engine| engine.name().to_string());
        Ok(OperatorPage {
            site_name: state.site_name.clone(),
            articles: store.articles().count().await?,
            stories: store.stories().count().await?,
            sources: sources.len(),
            failing,
            queues,
            finished: finished_by_kind(tidings_metrics::global()),
            unplaced,
            oldest_unplaced: oldest.map(|t| Age::of(t, now)),
            dead,
            search,
        })
    }
    .await;
    respond(result, &state.site_name)
}

#[cfg(test)]
mod tests {
    use super::{FINISHED, FinishedLine, finished_by_kind};

    #[test]
    fn finished_jobs_are_counted_by_kind() {
        let registry = tidings_metrics::Registry::default();
        assert!(finished_by_kind(&registry).is_empty());
        let add = |kind: &str, outcome: &str, n: u64| {
            registry.add(
                FINISHED,
                "Jobs.",
                &[("kind", kind), ("outcome", outcome)],
                n,
            );
        };
        add("place", "done", 40);
        add("fetch", "done", 7);
        add("fetch", "failed", 2);
        let line = |kind: &str, done: u64, failed: u64| FinishedLine {
            kind: kind.to_string(),
            done,
            failed,
        };
        assert_eq!(
            finished_by_kind(&registry),
            vec![line("fetch", 7, 2), line("place", 40, 0)]
        );
    }

    #[test]
    fn waits_read_short() {
        assert_eq!(super::wait(42), "42 s");
        assert_eq!(super::wait(600), "10 min");
        assert_eq!(super::wait(7_500), "2 h 5 min");
        assert_eq!(super::wait(-5), "0 s");
    }
}
