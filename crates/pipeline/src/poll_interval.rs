//! How often to poll a source: from how often it publishes, within bounds, never sooner than
//! the server's `Cache-Control: max-age` allows.
//!
//! A wire that publishes every few minutes is polled every few minutes; a weekly blog a few
//! times a day at most. The interval is half the mean gap between the feed's recent items (so
//! a new item waits half a gap on average), stretched when the source has gone quiet for longer
//! than its usual gap.

use std::time::Duration;
use tidings_model::UnixSeconds;

/// The bounds and fallback of the adaptive interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollBounds {
    /// The interval when the feed gives too few dates to judge.
    pub fallback: Duration,
    /// The shortest interval.
    pub min: Duration,
    /// The longest interval.
    pub max: Duration,
}

/// The interval of a source a WebSub hub pushes: polling goes on as a safety net (a hub may
/// drop a subscription or miss an item), every six hours unless the adaptive interval is
/// longer still.
pub const PUSHED_POLL_INTERVAL: Duration = Duration::from_secs(6 * 3600);

/// `interval`, stretched to [`PUSHED_POLL_INTERVAL`] when the source is `pushed`.
pub fn while_pushed(interval: Duration, pushed: bool) -> Duration {
    if pushed {
        interval.max(PUSHED_POLL_INTERVAL)
    } else {
        interval
    }
}

/// How many of the newest items the publishing rate is judged on.
const RECENT: usize = 20;

/// The interval until the next poll, from the publication times of the feed's items.
pub fn next_poll(
    published: &[UnixSeconds],
    now: UnixSeconds,
    bounds: PollBounds,
    max_age: Option<Duration>,
) -> Duration {
    let mut times: Vec<UnixSeconds> = published.iter().copied().filter(|t| *t <= now).collect();
    times.sort_unstable_by(|a, b| b.cmp(a));
    times.dedup();
    times.truncate(RECENT);
    let adaptive = match (times.first(), times.last()) {
        (Some(&newest), Some(&oldest)) if times.len() >= 2 && newest > oldest => {
            let mean_gap = (newest - oldest) as f64 / (times.len() - 1) as f64;
            let quiet_for = (now - newest) as f64;
            let expected_gap = mean_gap.max(quiet_for);
            Duration::from_secs_f64(expected_gap / 2.0)
        }
        _ => bounds.fallback,
    };
    let interval = adaptive.clamp(bounds.min, bounds.max.max(bounds.min));
    match max_age {
        Some(age) => interval.max(age.min(bounds.max)),
        None => interval,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;
    const MIN: u64 = 60;
    const HOUR: i64 = 3600;

    fn bounds() -> PollBounds {
        PollBounds {
            fallback: Duration::from_secs(15 * MIN),
            min: Duration::from_secs(5 * MIN),
            max: Duration::from_secs(12 * 3600),
        }
    }

    fn every(gap: i64, n: i64) -> Vec<i64> {
        (0..n).map(|i| NOW - 60 - i * gap).collect()
    }

    #[test]
    fn busy_wires_are_polled_often_weekly_blogs_rarely() {
        assert_eq!(
            next_poll(&every(4 * 60, 20), NOW, bounds(), None),
            Duration::from_secs(5 * MIN)
        );
        assert_eq!(
            next_poll(&every(HOUR, 20), NOW, bounds(), None),
            Duration::from_secs(30 * MIN)
        );
        assert_eq!(
            next_poll(&every(7 * 24 * HOUR, 10), NOW, bounds(), None),
            Duration::from_secs(12 * 3600)
        );
    }

    #[test]
    fn a_source_gone_quiet_is_polled_less() {
        let quiet: Vec<i64> = every(HOUR, 10).iter().map(|t| t - 10 * HOUR).collect();
        assert_eq!(
            next_poll(&quiet, NOW, bounds(), None),
            Duration::from_secs(5 * 3600 + 30)
        );
    }

    #[test]
    fn too_few_dates_use_the_fallback() {
        assert_eq!(
            next_poll(&[], NOW, bounds(), None),
            Duration::from_secs(15 * MIN)
        );
        assert_eq!(
            next_poll(&[NOW - 100], NOW, bounds(), None),
            Duration::from_secs(15 * MIN)
        );
        assert_eq!(
            next_poll(&[NOW + 10_000, NOW + 20_000], NOW, bounds(), None),
            Duration::from_secs(15 * MIN),
            "future dates are ignored"
        );
    }

    #[test]
    fn a_pushed_source_is_polled_every_six_hours_at_most() {
        let busy = next_poll(&every(4 * 60, 20), NOW, bounds(), None);
        assert_eq!(while_pushed(busy, false), Duration::from_secs(5 * MIN));
        assert_eq!(while_pushed(busy, true), Duration::from_secs(6 * 3600));
        let weekly = next_poll(&every(7 * 24 * HOUR, 10), NOW, bounds(), None);
        assert_eq!(while_pushed(weekly, true), Duration::from_secs(12 * 3600));
    }

    #[test]
    fn max_age_is_a_floor_within_the_bounds() {
        let busy = every(60, 20);
        assert_eq!(
            next_poll(&busy, NOW, bounds(), Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
        assert_eq!(
            next_poll(
                &busy,
                NOW,
                bounds(),
                Some(Duration::from_secs(365 * 86_400))
            ),
            Duration::from_secs(12 * 3600)
        );
    }
}
