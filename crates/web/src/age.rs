//! Times as readers like them: "10 hours ago", with the exact time for `<time>` and tooltips.

use chrono::{DateTime, Utc};
use tidings_model::UnixSeconds;

/// How long ago `then` was, seen at `now`: "just now", "5 minutes ago", "10 hours ago",
/// "3 days ago", and past a week the date ("27 Nov 2026").
pub fn relative_age(then: UnixSeconds, now: UnixSeconds) -> String {
    let secs = now.saturating_sub(then);
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match secs {
        s if s < 60 => "just now".to_string(),
        s if s < 3_600 => plural(s / 60, "minute"),
        s if s < 86_400 => plural(s / 3_600, "hour"),
        s if s < 7 * 86_400 => plural(s / 86_400, "day"),
        _ => datetime(then).format("%-d %b %Y").to_string(),
    }
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
    fn exact_times_are_utc() {
        assert_eq!(rfc3339(NOW), "2026-11-27T12:00:00Z");
        assert_eq!(exact_time(NOW + 5 * 60), "27 November 2026, 12:05 UTC");
    }
}
