//! The languages a reader's browser asks for (`Accept-Language`), as the primary language
//! codes the stories store (`en`, `de`, `fr`), most wanted first. A front-page card that
//! folds one event's stories in several languages leads with the reader's language; the
//! page cache keeps one rendering per such list ([`crate::page_cache`]), and those pages say
//! `Vary: Accept-Language`.
//!
//! Parsed by hand: the `accept-language` crate sorts by quality with an ordering that is not
//! total when a quality is `NaN` (`q=nan` parses as a float), which the standard library's
//! sort may answer with a panic, and a header is outside input.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use std::convert::Infallible;

/// At most this many languages are read from a header: what a browser sends, and a bound on
/// the page cache's renderings per page.
pub const MAX_LANGUAGES: usize = 4;

/// At most this many entries of a header are looked at (a hostile header can list thousands).
const MAX_ENTRIES: usize = 32;

/// The reader's languages, most wanted first: primary codes of two or three lowercase
/// letters, each once, at most [`MAX_LANGUAGES`]; empty without a usable header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ReaderLanguages(pub Vec<String>);

impl ReaderLanguages {
    /// The languages `headers` ask for.
    pub(crate) fn of(headers: &HeaderMap) -> ReaderLanguages {
        let mut wanted: Vec<(u16, usize, String)> = Vec::new();
        let entries = headers
            .get_all(ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .take(MAX_ENTRIES);
        for (position, entry) in entries.enumerate() {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            // Parameter names are case-insensitive (RFC 9110): `q=` or `Q=`.
            let quality = parts
                .find_map(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=").or_else(|| p.strip_prefix("Q="))
                })
                .map_or(Some(1000), thousandths);
            let (Some(quality), Some(code)) = (quality, primary_code(tag)) else {
                continue;
            };
            if quality > 0 {
                wanted.push((quality, position, code));
            }
        }
        // Highest quality first; equal ones in the header's order.
        wanted.sort_by_key(|&(quality, position, _)| (std::cmp::Reverse(quality), position));
        let mut codes: Vec<String> = Vec::new();
        for (_, _, code) in wanted {
            if !codes.contains(&code) && codes.len() < MAX_LANGUAGES {
                codes.push(code);
            }
        }
        ReaderLanguages(codes)
    }

    /// The list as the page cache keys on it: the codes joined by commas (empty when none).
    pub(crate) fn key(&self) -> String {
        self.0.join(",")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReaderLanguages {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ReaderLanguages::of(&parts.headers))
    }
}

/// A tag's primary language (`en` of `en-GB`), lowercased, when it is two or three ASCII
/// letters; `*` and anything else is none.
fn primary_code(tag: &str) -> Option<String> {
    let primary = tag.split(['-', '_']).next()?;
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

/// A quality value (`0`, `0.8`, `1.000`) in thousandths; none when it is not one (RFC 9110
/// allows a digit, a point and at most three decimals, from 0 to 1).
fn thousandths(q: &str) -> Option<u16> {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: u16 = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    for (digit, scale) in fraction.bytes().zip([100u16, 10, 1]) {
        value += u16::from(digit - b'0') * scale;
    }
    (value <= 1000).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn of(header: &str) -> Vec<String> {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT_LANGUAGE,
            HeaderValue::from_str(header).expect("header"),
        );
        ReaderLanguages::of(&headers).0
    }

    #[test]
    fn languages_come_most_wanted_first_as_primary_codes_each_once() {
        assert_eq!(of("en-GB,en;q=0.9,de;q=0.8"), ["en", "de"]);
        assert_eq!(of("de;q=0.5, fr-CH, en;q=0.7"), ["fr", "en", "de"]);
        assert_eq!(
            of("pt-BR;q=0.8, es;q=0.8"),
            ["pt", "es"],
            "ties keep their order"
        );
        assert_eq!(of("*, en;q=0.1"), ["en"], "a wildcard names no language");
        assert_eq!(of("fr;q=0, de"), ["de"], "q=0 means not wanted");
        assert_eq!(of("a,b;q=1,c"), Vec::<String>::new());
        assert!(of("").is_empty());
        assert!(ReaderLanguages::of(&HeaderMap::new()).0.is_empty());
        assert_eq!(of("EN-us"), ["en"]);
        assert_eq!(
            of("en,de,fr,es,it,nl"),
            ["en", "de", "fr", "es"],
            "at most four"
        );
    }

    #[test]
    fn malformed_qualities_are_skipped_and_never_panic() {
        assert_eq!(of("en;q=nan, de;q=1, fr;q=0.5"), ["de", "fr"]);
        assert_eq!(of("en;q=1.5, de;q=-1, fr;q=0.5555, it;q=0.25"), ["it"]);
        assert_eq!(of("en;q=, de;q=1."), ["de"]);
        assert_eq!(of("en;Q=0, de"), ["de"], "Q is q");
        // Thousands of valid entries: the first ones only are read, best first, four kept.
        let letters = |i: usize| {
            let b = |k: usize| char::from(b'a' + (k % 26) as u8);
            format!("{}{}", b(i / 26), b(i))
        };
        let hostile: String = (0..5_000)
            .map(|i| format!("{};q=0.{:03}", letters(i), 999 - i % 1000))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(of(&hostile), ["aa", "ab", "ac", "ad"]);
        // Only the first entries are read: a language named past them does not count.
        let late = format!("{},en", vec!["*"; MAX_ENTRIES].join(","));
        assert!(of(&late).is_empty());
    }

    #[test]
    fn the_cache_key_joins_the_codes() {
        assert_eq!(
            ReaderLanguages(vec!["en".into(), "de".into()]).key(),
            "en,de"
        );
        assert_eq!(ReaderLanguages::default().key(), "");
    }
}
