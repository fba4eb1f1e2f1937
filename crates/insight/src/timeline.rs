//! The timeline of a developing story: when each article appeared, and the dated
//! statements in the text ("on Monday", "on 3 March", "yesterday", "last week", "in
//! 2019"), resolved against the publication time of the article that makes them.
//! Dates are UTC calendar days; no clock is read.

use serde::{Deserialize, Serialize};

use crate::article::{Citation, StoryArticle};
use crate::corpus::Corpus;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// How precise an event's date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// The exact time is known (an article's publication).
    Exact,
    /// A calendar day.
    Day,
    /// A week ("last week": the time is that week's day one week before).
    Week,
    /// A month (the time is its first day).
    Month,
    /// A year (the time is 1 January).
    Year,
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Something the text dates.
    Statement,
    /// An article was published.
    Published,
}

/// One point of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// Seconds since the Unix epoch: the publication time, or the start (UTC) of the
    /// day, week, month or year the text refers to.
    pub time: i64,
    /// How precise [`TimelineEvent::time`] is.
    pub precision: DatePrecision,
    /// What happened.
    pub kind: EventKind,
    /// The headline (for a publication) or the dated sentence.
    pub text: String,
    /// The article (and sentence) it comes from.
    pub citation: Citation,
}

/// Builds the timeline of a story, oldest first. Articles without a publication time
/// contribute nothing (relative dates cannot be resolved without it).
pub fn timeline(articles: &[StoryArticle]) -> Vec<TimelineEvent> {
    let corpus = Corpus::new(articles);
    let mut out: Vec<TimelineEvent> = Vec::new();
    for (a, article) in articles.iter().enumerate() {
        let Some(published) = article.published else {
            continue;
        };
        let first = corpus.spans[a]
            .clone()
            .find(|&i| !corpus.sentences[i].furniture);
        let text = article
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| first.map(|i| corpus.sentences[i].text.clone()))
            .unwrap_or_default();
        out.push(TimelineEvent {
            time: published,
            precision: DatePrecision::Exact,
            kind: EventKind::Published,
            text,
            citation: Citation {
                article: a,
                article_id: article.id.clone(),
                sentence: first.map_or(0, |i| corpus.sentences[i].index),
            },
        });
    }
    let mut statements: Vec<(usize, TimelineEvent)> = Vec::new();
    for (i, s) in corpus.sentences.iter().enumerate() {
        if s.furniture || s.words < 5 {
            continue;
        }
        let Some(published) = articles.get(s.article).and_then(|a| a.published) else {
            continue;
        };
        let Some((time, precision)) = resolve_date(&s.text, published) else {
            continue;
        };
        let repeat = statements
            .iter()
            .any(|(j, e)| e.time == time && corpus.vectors[*j].dot(&corpus.vectors[i]) > 0.5);
        if repeat {
            continue;
        }
        statements.push((
            i,
            TimelineEvent {
                time,
                precision,
                kind: EventKind::Statement,
                text: s.text.clone(),
                citation: corpus.citation(i),
            },
        ));
    }
    out.extend(statements.into_iter().map(|(_, e)| e));
    out.sort_by(|a, b| {
        a.time
            .cmp(&b.time)
            .then(a.kind.cmp(&b.kind))
            .then(a.citation.article.cmp(&b.citation.article))
            .then(a.citation.sentence.cmp(&b.citation.sentence))
    });
    out
}

/// Weekday names, Monday first.
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Month names and their abbreviations, January first.
const MONTHS: [&[&str]; 12] = [
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["may"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// The month (1–12) a word names.
fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|names| names.contains(&w))
        .map(|m| m as u32 + 1)
}

/// The first date `sentence` states, resolved against `published` (Unix seconds).
pub fn resolve_date(sentence: &str, published: i64) -> Option<(i64, DatePrecision)> {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    let pub_day = published.div_euclid(DAY);
    let future = words.iter().any(|w| {
        matches!(
            *w,
            "will" | "next" | "upcoming" | "scheduled" | "due" | "plans" | "tomorrow"
        )
    });
    let (pub_y, pub_m, _) = civil_from_days(pub_day);
    for (i, w) in words.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| words[p]);
        let next = words.get(i + 1).copied();
        if *w == "yesterday" {
            return Some(((pub_day - 1) * DAY, DatePrecision::Day));
        }
        if *w == "tomorrow" {
            return Some(((pub_day + 1) * DAY, DatePrecision::Day));
        }
        if prev == Some("last") {
            match *w {
                "week" => return Some(((pub_day - 7) * DAY, DatePrecision::Week)),
                "month" => {
                    let (y, m) = if pub_m == 1 {
                        (pub_y - 1, 12)
                    } else {
                        (pub_y, pub_m - 1)
                    };
                    return Some((days_from_civil(y, m, 1) * DAY, DatePrecision::Month));
                }
                "year" => {
                    return Some((days_from_civil(pub_y - 1, 1, 1) * DAY, DatePrecision::Year));
                }
                _ => {}
            }
        }
        if let Some(wd) = WEEKDAYS.iter().position(|d| d == w) {
            // "on Monday", "Monday's vote", "late Monday".
            let pub_wd = (pub_day + 3).rem_euclid(7);
            let back = (pub_wd - wd as i64).rem_euclid(7);
            let day = if future && back != 0 {
                pub_day + 7 - back
            } else {
                pub_day - back
            };
            return Some((day * DAY, DatePrecision::Day));
        }
        if let Some(m) = month_of(w) {
            // "may" is usually the verb: only as a date next to a number.
            let day_before = prev.and_then(day_number);
            let day_after = next.and_then(day_number);
            let year_after = |k: usize| words.get(k).and_then(|y| year_number(y));
            if *w == "may" && day_before.is_none() && day_after.is_none() {
                continue;
            }
            let (day, year) = match (day_before, day_after) {
                (Some(d), _) => (Some(d), year_after(i + 1)),
                (None, Some(d)) => (Some(d), year_after(i + 2)),
                _ => (None, year_after(i + 1)),
            };
            if day.is_none()
                && !matches!(
                    prev,
                    Some("in" | "since" | "until" | "by" | "early" | "late" | "mid")
                )
                && year.is_none()
            {
                continue;
            }
            let year = year.unwrap_or_else(|| {
                // A month after the publication month is last year's, unless the
                // sentence speaks of the future.
                if !future
                    && (m > pub_m
                        || (m == pub_m && day.is_some_and(|d| d > civil_from_days(pub_day).2 + 1)))
                {
                    pub_y - 1
                } else {
                    pub_y
                }
            });
            return Some(match day {
                Some(d) if d <= days_in_month(year, m) => {
                    (days_from_civil(year, m, d) * DAY, DatePrecision::Day)
                }
                _ => (days_from_civil(year, m, 1) * DAY, DatePrecision::Month),
            });
        }
        if matches!(prev, Some("in" | "since" | "until"))
            && let Some(y) = year_number(w)
        {
            return Some((days_from_civil(y, 1, 1) * DAY, DatePrecision::Year));
        }
    }
    None
}

/// A day of the month written as "3", "3rd", "21st".
fn day_number(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = &w[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// A plausible year, 1900–2100.
fn year_number(w: &str) -> Option<i64> {
    if w.len() != 4 {
        return None;
    }
    w.parse().ok().filter(|y| (1900..=2100).contains(y))
}

/// Days in month `m` of year `y`.
fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wednesday 6 March 2024, 12:00 UTC.
    const WED: i64 = 1_709_726_400;

    fn day(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * DAY
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(WED.div_euclid(DAY), days_from_civil(2024, 3, 6));
    }

    #[test]
    fn resolves_relative_and_absolute_dates() {
        let r = |s: &str| resolve_date(s, WED);
        assert_eq!(
            r("The vote took place on Monday in the capital."),
            Some((day(2024, 3, 4), DatePrecision::Day))
        );
        assert_eq!(
            r("Talks will resume on Friday, officials said."),
            Some((day(2024, 3, 8), DatePrecision::Day))
        );
        assert_eq!(
            r("The strike began yesterday."),
            Some((day(2024, 3, 5), DatePrecision::Day))
        );
        assert_eq!(
            r("Protests began on 3 March."),
            Some((day(2024, 3, 3), DatePrecision::Day))
        );
        assert_eq!(
            r("The bridge opened on November 12."),
            Some((day(2023, 11, 12), DatePrecision::Day))
        );
        assert_eq!(
            r("It was signed on May 2, 2016 in Geneva."),
            Some((day(2016, 5, 2), DatePrecision::Day))
        );
        assert_eq!(
            r("The company was founded in 2019 by two students."),
            Some((day(2019, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("Prices rose last week across the region."),
            Some((day(2024, 2, 28), DatePrecision::Week))
        );
        assert_eq!(r("She may resign if the vote fails."), None);
        assert_eq!(r("Nothing is dated here at all."), None);
    }

    #[test]
    fn builds_an_ordered_timeline_with_citations() {
        let a = [
            StoryArticle {
                id: "late".into(),
                title: Some("Dam holds after storm".into()),
                body: "Engineers said on Monday that the dam had held. Residents returned home."
                    .into(),
                published: Some(WED),
                ..Default::default()
            },
            StoryArticle {
                id: "early".into(),
                body: "A storm hit the valley yesterday, forcing thousands to leave their homes."
                    .into(),
                published: Some(WED - 3 * DAY),
                ..Default::default()
            },
        ];
        let t = timeline(&a);
        let order: Vec<(&str, EventKind)> = t
            .iter()
            .map(|e| (e.citation.article_id.as_str(), e.kind))
            .collect();
        assert_eq!(
            order,
            [
                ("early", EventKind::Statement),
                ("early", EventKind::Published),
                ("late", EventKind::Statement),
                ("late", EventKind::Published),
            ]
        );
        assert_eq!(t[0].time, day(2024, 3, 2));
        assert_eq!(t[2].time, day(2024, 3, 4));
        assert_eq!(t[3].text, "Dam holds after storm");
    }
}
