//! `/metrics`: after a fixture day is ingested and a few pages are read, the scrape names the
//! database's figures, the pipeline's counters and the request latency histograms, with the
//! values that activity implies.

mod support;

use std::collections::HashMap;
use support::{Server, add_fixture_outlets, fixture_day_web, wait_until_placed};

/// The samples of a scrape: `name{labels}` → value. Comment lines are checked for shape.
fn samples(text: &str) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for line in text.lines() {
        if line.starts_with('#') {
            assert!(
                line.starts_with("# HELP tidings_") || line.starts_with("# TYPE tidings_"),
                "unexpected comment line {line:?}"
            );
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample line");
        assert!(
            series.starts_with("tidings_"),
            "unprefixed series {series:?}"
        );
        let value = match value {
            "+Inf" => f64::INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        out.insert(series.to_string(), value);
    }
    out
}

fn value(samples: &HashMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("no series {series} in the scrape"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_name_the_ingest_the_queue_and_request_latencies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let web = fixture_day_web().await;
    add_fixture_outlets(dir.path(), &web);
    let server = Server::start(dir.path(), &["--no-article-pages"]).await;
    wait_until_placed(dir.path(), 5).await;
    for _ in 0..3 {
        assert_eq!(server.get("/").await.0, 200);
    }
    assert_eq!(server.get("/no/such/page").await.0, 404);

    let resp = reqwest::get(server.url("/metrics")).await.expect("scrape");
    assert_eq!(resp.status().as_u16(), 200);
    let content_type = resp.headers()["content-type"].to_str().expect("ascii");
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = resp.text().await.expect("body");
    let s = samples(&text);

    // From the database, at scrape time.
    assert_eq!(value(&s, "tidings_database_up"), 1.0);
    assert_eq!(value(&s, "tidings_articles"), 5.0);
    assert_eq!(value(&s, "tidings_articles_unplaced"), 0.0);
    assert_eq!(value(&s, "tidings_clustering_lag_seconds"), 0.0);
    assert_eq!(value(&s, "tidings_stories"), 2.0);
    assert_eq!(value(&s, "tidings_sources"), 3.0);
    assert_eq!(value(&s, "tidings_sources_failing"), 0.0);
    assert_eq!(value(&s, "tidings_jobs_by_state{state=\"dead\"}"), 0.0);
    assert!(value(&s, "tidings_jobs_by_state{state=\"queued\"}") >= 0.0);
    assert!(text.contains("# TYPE tidings_jobs gauge"));

    // From the pipeline of this process.
    let ok_fetches: f64 = s
        .iter()
        .filter(|(k, _)| k.starts_with("tidings_fetches_total{") && k.contains("outcome=\"ok\""))
        .map(|(_, v)| v)
        .sum();
    assert!(
        ok_fetches >= 3.0,
        "one good fetch per outlet at least: {ok_fetches}"
    );
    assert!(
        s.keys()
            .any(|k| k.starts_with("tidings_fetches_total{source=\"1\","))
    );
    assert_eq!(value(&s, "tidings_articles_stored_total"), 5.0);
    assert_eq!(value(&s, "tidings_articles_placed_total"), 5.0);
    assert!(
        value(
            &s,
            "tidings_jobs_finished_total{kind=\"fetch_source\",outcome=\"done\"}"
        ) >= 3.0
    );

    // From the request layer: each route pattern timed on its own.
    let front = "{route=\"/\",method=\"GET\"}";
    let count = value(
        &s,
        &format!("tidings_http_request_duration_seconds_count{front}"),
    );
    assert!(count >= 3.0, "{count}");
    let inf = value(
        &s,
        "tidings_http_request_duration_seconds_bucket{route=\"/\",method=\"GET\",le=\"+Inf\"}",
    );
    assert_eq!(inf, count, "the +Inf bucket holds every observation");
    let sum = value(
        &s,
        &format!("tidings_http_request_duration_seconds_sum{front}"),
    );
    assert!(
        sum > 0.0 && sum / count < 5.0,
        "plausible mean latency: {}",
        sum / count
    );
    assert!(
        value(
            &s,
            "tidings_http_requests_total{route=\"/\",method=\"GET\",status=\"200\"}"
        ) >= 3.0
    );
    assert_eq!(
        value(
            &s,
            "tidings_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"
        ),
        1.0
    );
    assert!(
        value(
            &s,
            "tidings_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"
        ) >= 1.0
    );
    assert!(server.stop());
}
