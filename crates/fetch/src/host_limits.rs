//! Politeness per host: at most N requests at once, and a minimum gap between request starts
//! (raised by a `Crawl-delay` in the host's robots.txt), kept in this process and, when the
//! fetcher has a shared [`HostSchedule`], across every process that shares it.

use crate::HostSchedule;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The longest `Crawl-delay` honoured; a larger one would stall a source for good.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

struct Host {
    permits: Arc<Semaphore>,
    schedule: tokio::sync::Mutex<Schedule>,
}

struct Schedule {
    next_start: Instant,
    min_delay: Duration,
}

/// The per-host limits of one process.
pub(crate) struct HostLimits {
    concurrency: usize,
    min_delay: Duration,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

/// Held while a request to a host is in flight.
pub(crate) struct HostTurn {
    _permit: Option<OwnedSemaphorePermit>,
}

impl HostLimits {
    pub(crate) fn new(concurrency: usize, min_delay: Duration) -> HostLimits {
        HostLimits {
            concurrency: concurrency.max(1),
            min_delay,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    fn host(&self, name: &str) -> Arc<Host> {
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        hosts
            .entry(name.to_string())
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(self.concurrency)),
                    schedule: tokio::sync::Mutex::new(Schedule {
                        next_start: Instant::now(),
                        min_delay: self.min_delay,
                    }),
                })
            })
            .clone()
    }

    /// Waits for a turn at `host`: a free slot, the minimum gap since this process's last
    /// start, then (with a `shared` clock) the start the clock reserves, which keeps the gap
    /// from every other process's starts as well.
    ///
    /// The process's own gap is waited for first and the host's schedule stays locked while
    /// the shared clock is asked, so a process holds at most one reservation per host at a
    /// time. A shared clock that fails is logged and the turn goes ahead on this process's
    /// own limits: politeness then degrades to what one process keeps.
    pub(crate) async fn turn(&self, host: &str, shared: Option<&dyn HostSchedule>) -> HostTurn {
        let entry = self.host(host);
        // The semaphore is never closed, so acquiring only fails in theory.
        let permit = entry.permits.clone().acquire_owned().await.ok();
        let mut schedule = entry.schedule.lock().await;
        let now = Instant::now();
        if schedule.next_start > now {
            tokio::time::sleep_until(schedule.next_start).await;
        }
        if let Some(shared) = shared {
            match shared.reserve(host, schedule.min_delay).await {
                Ok(wait) => tokio::time::sleep(wait).await,
                Err(err) => tracing::warn!(
                    host,
                    %err,
                    "the shared host clock failed; this request keeps only this process's gap"
                ),
            }
        }
        schedule.next_start = Instant::now().max(schedule.next_start) + schedule.min_delay;
        HostTurn { _permit: permit }
    }

    /// Raises a host's minimum gap to its robots.txt `Crawl-delay` (at most a minute).
    pub(crate) async fn apply_crawl_delay(&self, host: &str, delay: Duration) {
        let entry = self.host(host);
        let mut schedule = entry.schedule.lock().await;
        schedule.min_delay = self.min_delay.max(delay.min(MAX_CRAWL_DELAY));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_per_host_and_hosts_are_independent() {
        let limits = HostLimits::new(4, Duration::from_millis(500));
        let t0 = Instant::now();
        drop(limits.turn("a.example", None).await);
        drop(limits.turn("a.example", None).await);
        drop(limits.turn("a.example", None).await);
        assert_eq!(t0.elapsed(), Duration::from_millis(1000));
        let t1 = Instant::now();
        drop(limits.turn("b.example", None).await);
        assert_eq!(t1.elapsed(), Duration::ZERO, "another host does not wait");
        limits
            .apply_crawl_delay("b.example", Duration::from_secs(3600))
            .await;
        drop(limits.turn("b.example", None).await);
        drop(limits.turn("b.example", None).await);
        // The second start keeps the old 0.5 s gap; the third waits the capped minute.
        assert_eq!(
            t1.elapsed(),
            Duration::from_millis(60_500),
            "crawl delay capped at a minute"
        );
    }

    /// The shared clock's rule in memory: starts handed out `gap` apart, whoever asks.
    #[derive(Default)]
    struct MemoryClock {
        next: Mutex<HashMap<String, Instant>>,
        fail: bool,
    }

    impl HostSchedule for MemoryClock {
        fn reserve<'a>(&'a self, host: &'a str, gap: Duration) -> crate::Reservation<'a> {
            Box::pin(async move {
                if self.fail {
                    return Err("no database".into());
                }
                let now = Instant::now();
                let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
                let start = next.get(host).map_or(now, |at| (*at).max(now));
                next.insert(host.to_string(), start + gap);
                Ok(start - now)
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn two_processes_sharing_a_clock_keep_the_gap_between_them() {
        let clock = MemoryClock::default();
        let (one, two) = (
            HostLimits::new(2, Duration::from_millis(500)),
            HostLimits::new(2, Duration::from_millis(500)),
        );
        let t0 = Instant::now();
        drop(one.turn("a.example", Some(&clock)).await);
        drop(two.turn("a.example", Some(&clock)).await);
        assert_eq!(t0.elapsed(), Duration::from_millis(500), "the other's gap");
        drop(one.turn("a.example", Some(&clock)).await);
        assert_eq!(t0.elapsed(), Duration::from_millis(1000));
        // The crawl delay one process learned is the gap it reserves with.
        one.apply_crawl_delay("a.example", Duration::from_secs(2))
            .await;
        two.apply_crawl_delay("a.example", Duration::from_secs(2))
            .await;
        drop(two.turn("a.example", Some(&clock)).await);
        assert_eq!(t0.elapsed(), Duration::from_millis(1500));
        drop(one.turn("a.example", Some(&clock)).await);
        assert_eq!(
            t0.elapsed(),
            Duration::from_millis(3500),
            "two seconds after"
        );
        // Without the clock the processes do not see each other.
        let t1 = Instant::now();
        drop(one.turn("b.example", None).await);
        drop(two.turn("b.example", None).await);
        assert_eq!(t1.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_shared_clock_leaves_the_process_gap() {
        let clock = MemoryClock {
            fail: true,
            ..MemoryClock::default()
        };
        let limits = HostLimits::new(2, Duration::from_millis(500));
        let t0 = Instant::now();
        drop(limits.turn("a.example", Some(&clock)).await);
        drop(limits.turn("a.example", Some(&clock)).await);
        assert_eq!(t0.elapsed(), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_capped_per_host() {
        let limits = Arc::new(HostLimits::new(2, Duration::ZERO));
        let first = limits.turn("a.example", None).await;
        let _second = limits.turn("a.example", None).await;
        let waiting = {
            let limits = limits.clone();
            tokio::spawn(async move { limits.turn("a.example", None).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiting.is_finished(), "a third request waits");
        drop(first);
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("released")
            .expect("join");
    }
}
