//! Times as readers like them: "10 hours ago", with the exact time for `<time>` and tooltips.

use chrono::{DateTime, Utc};
use tidings_model::UnixSeconds;

/// How long ago `then` was, seen at `now`: "just now", "5 minutes ago", "10 hours ago",
/// "3 days ago", and from a week the date ("27 Nov 2026").
///
/// Each unit is rounded to the nearest whole one, as people say it: 1 h 59 min is "2 hours
/// ago" and 46 hours "2 days ago", not the "1 hour" and "1 day" that flooring would give. A
/// count that rounds up to the next unit is said in that unit (59 min 40 s is "1 hour ago",
/// 23 h 40 min "1 day ago"); under a minute is "just now".
pub fn relative_age(then: UnixSeconds, now: UnixSeconds) -> String {
    let secs = now.saturating_sub(then);
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    // Seconds per unit, and how many of it are said before the next unit takes over.
    const UNITS: [(i64, i64, &str); 3] =
        [(60, 60, "minute"), (3_600, 24, "hour"), (86_400, 7, "day")];
    if secs < 60 {
        return "just now".to_string();
    }
    for (size, limit, unit) in UNITS {
        let n = nearest(secs, size);
        if n < limit {
            return plural(n, unit);
        }
    }
    datetime(then).format("%-d %b %Y").to_string()
}

/// `secs` in whole `size`s, halves rounded up.
fn nearest(secs: i64, size: i64) -> i64 {
    (secs + size / 2) / size
}

/// The machine-readable time for `<time datetime>`: RFC 3339 in UTC.
pub fn rfc3339(t: UnixSeconds) -> String {
    datetime(t).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The exact time for people: "27 November 2026, 10:05 UTC".
pub fn exact_time(t: UnixSeconds) -> String {
    datetime(t).format("%-d %B %Y, %H:%M UTC").to_string()
}

fn datetime(t: UnixSeconds) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_780_800; // 27 Nov 2026 12:00 UTC

    #[test]
    fn ages_read_naturally() {
        assert_eq!(relative_age(NOW, NOW), "just now");
        assert_eq!(
            relative_age(NOW + 30, NOW),
            "just now",
            "clock skew is not the future"
        );
        assert_eq!(relative_age(NOW - 59, NOW), "just now");
        assert_eq!(relative_age(NOW - 60, NOW), "1 minute ago");
        assert_eq!(relative_age(NOW - 45 * 60, NOW), "45 minutes ago");
        assert_eq!(relative_age(NOW - 3_600, NOW), "1 hour ago");
        assert_eq!(relative_age(NOW - 10 * 3_600 - 59, NOW), "10 hours ago");
        assert_eq!(relative_age(NOW - 86_400, NOW), "1 day ago");
        assert_eq!(relative_age(NOW - 6 * 86_400, NOW), "6 days ago");
        assert_eq!(relative_age(NOW - 30 * 86_400, NOW), "28 Oct 2026");
    }

    #[test]
    fn ages_round_to_the_nearest_unit() {
        let min = 60;
        let hour = 3_600;
        let day = 86_400;
        // The audit's two: 1 h 59 min and 46.3 hours.
        assert_eq!(relative_age(NOW - (hour + 59 * min), NOW), "2 hours ago");
        assert_eq!(
            relative_age(NOW - (46 * hour + 18 * min), NOW),
            "2 days ago"
        );
        // Each side of a half.
        assert_eq!(relative_age(NOW - (90 + 29), NOW), "2 minutes ago");
        assert_eq!(relative_age(NOW - 89, NOW), "1 minute ago");
        assert_eq!(relative_age(NOW - (hour + 29 * min), NOW), "1 hour ago");
        assert_eq!(relative_age(NOW - (hour + 30 * min), NOW), "2 hours ago");
        assert_eq!(relative_age(NOW - (day + 11 * hour), NOW), "1 day ago");
        assert_eq!(relative_age(NOW - (day + 12 * hour), NOW), "2 days ago");
        // A count that rounds up to the next unit is said in that unit.
        assert_eq!(relative_age(NOW - (59 * min + 40), NOW), "1 hour ago");
        assert_eq!(relative_age(NOW - (23 * hour + 40 * min), NOW), "1 day ago");
        assert_eq!(
            relative_age(NOW - (22 * hour + 20 * min), NOW),
            "22 hours ago"
        );
        // Nearly a week is the date, as a week is.
        assert_eq!(relative_age(NOW - (6 * day + 11 * hour), NOW), "6 days ago");
        assert_eq!(
            relative_age(NOW - (6 * day + 12 * hour), NOW),
            "21 Nov 2026"
        );
    }

    #[test]
    fn exact_times_are_utc() {
        assert_eq!(rfc3339(NOW), "2026-11-27T12:00:00Z");
        assert_eq!(exact_time(NOW + 5 * 60), "27 November 2026, 12:05 UTC");
    }
}
