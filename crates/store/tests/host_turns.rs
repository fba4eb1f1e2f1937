//! The shared host clock: starts to one host are handed out a gap apart, the gap of each
//! reservation decides the next one, a clock left in the past means "now", hosts are
//! independent, and reservations made at the same moment are all counted.

use std::time::{Duration, Instant};
use tidings_store::Store;
use tidings_store::testing::each_backend;

/// How far a wait may fall short of the exact figure: the time between two statements.
const SLACK: Duration = Duration::from_millis(60);

fn near(wait: Duration, expected: Duration, what: &str) {
    assert!(
        wait <= expected && wait + SLACK >= expected,
        "{what}: waited {wait:?}, expected just under {expected:?}"
    );
}

async fn reserve(store: &Store, host: &str, gap_ms: u64) -> Duration {
    store
        .host_turns()
        .reserve(host, Duration::from_millis(gap_ms))
        .await
        .expect("reserve")
}

#[tokio::test]
async fn starts_to_a_host_are_handed_out_a_gap_apart() {
    each_backend(|store| async move {
        assert_eq!(reserve(&store, "a.example", 300).await, Duration::ZERO);
        near(
            reserve(&store, "a.example", 1000).await,
            Duration::from_millis(300),
            "the first start's gap",
        );
        // The second start's gap (its Crawl-delay) holds for the third.
        near(
            reserve(&store, "a.example", 300).await,
            Duration::from_millis(1300),
            "the second start's gap",
        );
        assert_eq!(
            reserve(&store, "b.example:8080", 300).await,
            Duration::ZERO,
            "another host"
        );

        // A clock in the past: the start is now, and the gap counts from now.
        assert_eq!(reserve(&store, "c.example", 50).await, Duration::ZERO);
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(reserve(&store, "c.example", 200).await, Duration::ZERO);
        near(
            reserve(&store, "c.example", 200).await,
            Duration::from_millis(200),
            "gap from now",
        );
    })
    .await;
}

#[tokio::test]
async fn reservations_made_at_once_are_all_counted() {
    each_backend(|store| async move {
        let asked = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let store = store.clone();
            tasks.spawn(async move { reserve(&store, "d.example", 100).await });
        }
        let mut waits = tasks.join_all().await;
        waits.sort();
        assert_eq!(waits[0], Duration::ZERO, "one starts at once: {waits:?}");
        // Eight starts taken: the ninth comes 800 ms after the first.
        let ninth = reserve(&store, "d.example", 100).await;
        let since = asked.elapsed();
        assert!(
            ninth <= Duration::from_millis(800)
                && ninth + since + SLACK >= Duration::from_millis(800),
            "the ninth waits {ninth:?} {since:?} after the first asked"
        );
    })
    .await;
}
