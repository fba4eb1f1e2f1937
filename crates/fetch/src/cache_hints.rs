//! What a response says about when to come back: `Cache-Control: max-age` and `Retry-After`.

use reqwest::header::{CACHE_CONTROL, HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// `max-age` from `Cache-Control`, unless the response says not to cache at all.
pub(crate) fn max_age(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(CACHE_CONTROL)?.to_str().ok()?;
    let mut age = None;
    for directive in value.split(',') {
        let directive = directive.trim().to_ascii_lowercase();
        if directive == "no-store" || directive == "no-cache" {
            return None;
        }
        if let Some(secs) = directive.strip_prefix("max-age=") {
            age = secs
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

/// `Retry-After`, as seconds or an HTTP date, measured from `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: reqwest::header::HeaderName, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn max_age_is_read_unless_caching_is_forbidden() {
        assert_eq!(
            max_age(&headers(CACHE_CONTROL, "public, max-age=600")),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            max_age(&headers(CACHE_CONTROL, "no-cache, max-age=600")),
            None
        );
        assert_eq!(max_age(&headers(CACHE_CONTROL, "private")), None);
        assert_eq!(max_age(&HeaderMap::new()), None);
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = httpdate::parse_http_date("Wed, 25 Nov 2026 10:00:00 GMT").expect("date");
        assert_eq!(
            retry_after(&headers(RETRY_AFTER, "120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers(RETRY_AFTER, "Wed, 25 Nov 2026 10:05:00 GMT"), now),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            retry_after(&headers(RETRY_AFTER, "Wed, 25 Nov 2026 09:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(RETRY_AFTER, "soon"), now), None);
    }
}
