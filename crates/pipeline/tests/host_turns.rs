//! The per-host gap across processes: two fetchers (two processes' worth: separate
//! connections, separate in-process limits) that share the database's host clock start their
//! requests to one host at least the gap apart, a robots.txt `Crawl-delay` included; without
//! the clock they do not see each other.

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tidings_fetch::{FetchConfig, Fetcher, Validators};
use tidings_pipeline::host_turns::DatabaseHostTurns;
use tidings_store::Store;
use tidings_store::testing::each_backend;

/// The configured gap between request starts to one host.
const GAP: Duration = Duration::from_millis(300);
/// How much shorter than the gap two starts may look from the server. A start is reserved on
/// the database's clock but made by the fetcher after the answer comes back, and timed here
/// when the request arrives: two starts in a row differ by how much those delays differ
/// (database round trip, task scheduling), up to about 15 ms seen on a loaded machine.
/// Without the shared clock the gap is under a millisecond or so.
const SLACK: Duration = Duration::from_millis(30);

/// A loopback server that notes when each request for a page reaches it.
#[derive(Clone)]
struct Site {
    base: String,
    starts: Arc<Mutex<Vec<Instant>>>,
}

impl Site {
    /// Serves `robots` (when given) at `/robots.txt` and "ok" everywhere else.
    async fn start(robots: Option<&'static str>) -> Site {
        let starts: Arc<Mutex<Vec<Instant>>> = Arc::default();
        let noted = starts.clone();
        let app = Router::new().fallback(move |uri: Uri| {
            let noted = noted.clone();
            async move {
                if uri.path() == "/robots.txt" {
                    return match robots {
                        Some(body) => body.into_response(),
                        None => StatusCode::NOT_FOUND.into_response(),
                    };
                }
                noted.lock().expect("starts").push(Instant::now());
                "ok".into_response()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Site { base, starts }
    }

    /// The gaps between the page requests' starts, in order.
    fn gaps(&self) -> Vec<Duration> {
        let mut starts = self.starts.lock().expect("starts").clone();
        starts.sort();
        starts.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

/// A fetcher of its own (its own connections and per-host limits, as in another process),
/// sharing the database's host clock when `store` is given.
fn fetcher(min_delay: Duration, respect_robots: bool, store: Option<&Store>) -> Fetcher {
    let fetcher = Fetcher::new(FetchConfig {
        allow_private_addresses: true,
        per_host_min_delay: min_delay,
        respect_robots,
        ..FetchConfig::default()
    })
    .expect("fetcher");
    match store {
        Some(store) => fetcher.with_host_schedule(Arc::new(DatabaseHostTurns::new(store.clone()))),
        None => fetcher,
    }
}

/// Both fetchers GET `pages` pages of `site` each, at the same time.
async fn fetch_together(site: &Site, fetchers: [Fetcher; 2], pages: usize) {
    let runs = fetchers.map(|fetcher| {
        let base = site.base.clone();
        async move {
            for n in 0..pages {
                fetcher
                    .get(&format!("{base}/page/{n}"), &Validators::default())
                    .await
                    .expect("fetch");
            }
        }
    });
    let [one, two] = runs;
    tokio::join!(one, two);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_fetchers_sharing_the_database_clock_keep_the_gap_between_them() {
    each_backend(|store| async move {
        // Without the shared clock each keeps only its own gap: both start at once.
        let apart = Site::start(None).await;
        let alone = [fetcher(GAP, false, None), fetcher(GAP, false, None)];
        fetch_together(&apart, alone, 1).await;
        let gaps = apart.gaps();
        assert!(gaps[0] < GAP / 2, "without the clock: {gaps:?}");

        let site = Site::start(None).await;
        let shared = [
            fetcher(GAP, false, Some(&store)),
            fetcher(GAP, false, Some(&store)),
        ];
        fetch_together(&site, shared, 3).await;
        let gaps = site.gaps();
        assert_eq!(gaps.len(), 5, "six starts");
        assert!(
            gaps.iter().all(|gap| *gap + SLACK >= GAP),
            "starts at least {GAP:?} apart: {gaps:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crawl_delay_holds_across_fetchers() {
    each_backend(|store| async move {
        let site = Site::start(Some("User-agent: *\nCrawl-delay: 0.4\n")).await;
        let shared = [
            fetcher(Duration::from_millis(20), true, Some(&store)),
            fetcher(Duration::from_millis(20), true, Some(&store)),
        ];
        fetch_together(&site, shared, 2).await;
        let gaps = site.gaps();
        assert_eq!(gaps.len(), 3, "four page starts");
        assert!(
            gaps.iter()
                .all(|gap| *gap + SLACK >= Duration::from_millis(400)),
            "page starts the crawl delay apart: {gaps:?}"
        );
    })
    .await;
}
