//! Dates a sentence states ("on Monday", "am 3. März", "il y a deux jours", "in 2019"),
//! resolved against the publication time of the article that states them, in English,
//! German and French (other languages are read with the English words), and the
//! civil-calendar arithmetic they need. Dates are UTC calendar days; no clock is read.
//!
//! Written by hand: the date crates parse whole date strings in known formats, not the
//! relative, inflected expressions inside running news text.

use serde::{Deserialize, Serialize};

use tidings_text::calendar::{self, Calendar};

use crate::quotes::Quotations;
use crate::tense::{Tense, tense_of};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

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

/// The words one language dates with, lowercase.
struct DateWords {
    /// Its weekday and month names.
    calendar: &'static Calendar,
    /// One day before and after the publication, and two.
    yesterday: &'static [&'static str],
    tomorrow: &'static [&'static str],
    two_days_ago: &'static [&'static str],
    in_two_days: &'static [&'static str],
    /// Words before which a "tomorrow" word means the morning instead ("heute Morgen").
    not_tomorrow_after: &'static [&'static str],
    /// Words that put a sentence in the future ("will", "next").
    future: &'static [&'static str],
    /// "last" before a unit ("last week", "letzte Woche").
    last_before: &'static [&'static str],
    /// "last" after a unit ("la semaine dernière").
    last_after: &'static [&'static str],
    /// Unit nouns, singular and plural forms.
    day_units: &'static [&'static str],
    week_units: &'static [&'static str],
    month_units: &'static [&'static str],
    year_units: &'static [&'static str],
    /// How "N units ago" is written.
    ago: Ago,
    /// Number words one to twelve ("a", "two", …) with their values.
    numbers: &'static [(&'static str, i64)],
    /// Words that date a bare month ("in March", "Anfang März", "début mars").
    month_prepositions: &'static [&'static str],
    /// Words that date a bare year ("in 2019", "seit 2019", "en 2019").
    year_prepositions: &'static [&'static str],
    /// Suffixes of day numbers ("3rd", "1er").
    day_suffixes: &'static [&'static str],
}

/// Where a language puts its "ago".
#[derive(Clone, Copy)]
enum Ago {
    /// "three days ago": the word after the unit.
    After(&'static str),
    /// "vor drei Tagen": the word before the number.
    Before(&'static str),
    /// "il y a trois jours": these words before the number.
    BeforeWords(&'static [&'static str]),
}

const ENGLISH: DateWords = DateWords {
    calendar: &calendar::ENGLISH,
    yesterday: &["yesterday"],
    tomorrow: &["tomorrow"],
    two_days_ago: &[],
    in_two_days: &[],
    not_tomorrow_after: &[],
    future: &[
        "will",
        "next",
        "upcoming",
        "scheduled",
        "due",
        "plans",
        "tomorrow",
    ],
    last_before: &["last"],
    last_after: &[],
    day_units: &["day", "days"],
    week_units: &["week", "weeks"],
    month_units: &["month", "months"],
    year_units: &["year", "years"],
    ago: Ago::After("ago"),
    numbers: &[
        ("a", 1),
        ("an", 1),
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
    ],
    month_prepositions: &["in", "since", "until", "by", "early", "late", "mid"],
    year_prepositions: &["in", "since", "until"],
    day_suffixes: &["st", "nd", "rd", "th"],
};

const GERMAN: DateWords = DateWords {
    calendar: &calendar::GERMAN,
    yesterday: &["gestern"],
    tomorrow: &["morgen"],
    two_days_ago: &["vorgestern"],
    in_two_days: &["übermorgen"],
    not_tomorrow_after: &["heute", "am", "jeden", "diesen", "früh", "gestern", "guten"],
    future: &[
        "wird",
        "werden",
        "soll",
        "sollen",
        "nächste",
        "nächsten",
        "nächster",
        "kommende",
        "kommenden",
        "morgen",
        "übermorgen",
        "geplant",
        "bevorstehenden",
    ],
    last_before: &[
        "letzte",
        "letzten",
        "letztes",
        "vergangene",
        "vergangenen",
        "vergangenes",
        "vorige",
        "vorigen",
        "voriges",
    ],
    last_after: &[],
    day_units: &["tag", "tagen", "tage"],
    week_units: &["woche", "wochen"],
    month_units: &["monat", "monaten", "monate"],
    year_units: &["jahr", "jahren", "jahre"],
    ago: Ago::Before("vor"),
    numbers: &[
        ("ein", 1),
        ("eine", 1),
        ("einem", 1),
        ("einer", 1),
        ("einen", 1),
        ("zwei", 2),
        ("drei", 3),
        ("vier", 4),
        ("fünf", 5),
        ("sechs", 6),
        ("sieben", 7),
        ("acht", 8),
        ("neun", 9),
        ("zehn", 10),
        ("elf", 11),
        ("zwölf", 12),
    ],
    month_prepositions: &["im", "seit", "bis", "ab", "anfang", "ende", "mitte"],
    year_prepositions: &["im", "seit", "bis", "jahr"],
    day_suffixes: &[],
};

const FRENCH: DateWords = DateWords {
    calendar: &calendar::FRENCH,
    yesterday: &["hier"],
    tomorrow: &["demain"],
    // "avant-hier" and "après-demain" are read as two words: see `resolve_date`.
    two_days_ago: &[],
    in_two_days: &[],
    not_tomorrow_after: &[],
    future: &[
        "prochain",
        "prochaine",
        "demain",
        "sera",
        "seront",
        "va",
        "vont",
        "doit",
        "doivent",
        "prévu",
        "prévue",
    ],
    last_before: &[],
    last_after: &["dernier", "dernière", "passé", "passée"],
    day_units: &["jour", "jours"],
    week_units: &["semaine", "semaines"],
    month_units: &["mois"],
    year_units: &["an", "ans", "année", "années"],
    ago: Ago::BeforeWords(&["il", "y", "a"]),
    numbers: &[
        ("un", 1),
        ("une", 1),
        ("deux", 2),
        ("trois", 3),
        ("quatre", 4),
        ("cinq", 5),
        ("six", 6),
        ("sept", 7),
        ("huit", 8),
        ("neuf", 9),
        ("dix", 10),
        ("onze", 11),
        ("douze", 12),
    ],
    month_prepositions: &["en", "depuis", "jusqu", "début", "fin", "mi", "courant"],
    year_prepositions: &["en", "depuis", "jusqu"],
    day_suffixes: &["er"],
};

/// The date words of a language tag (`de`, `fr-CA`); English for any other.
fn words_of(language: Option<&str>) -> &'static DateWords {
    let primary = language
        .and_then(|l| l.split(['-', '_']).next())
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "de" => &GERMAN,
        "fr" => &FRENCH,
        _ => &ENGLISH,
    }
}

/// The unit a word names, as a precision, in `lang`.
fn unit_of(lang: &DateWords, w: &str) -> Option<DatePrecision> {
    if lang.day_units.contains(&w) {
        Some(DatePrecision::Day)
    } else if lang.week_units.contains(&w) {
        Some(DatePrecision::Week)
    } else if lang.month_units.contains(&w) {
        Some(DatePrecision::Month)
    } else if lang.year_units.contains(&w) {
        Some(DatePrecision::Year)
    } else {
        None
    }
}

/// A count written as digits (1–99) or as a word of `lang`.
fn count_of(lang: &DateWords, w: &str) -> Option<i64> {
    if let Ok(n) = w.parse::<i64>() {
        return (1..100).contains(&n).then_some(n);
    }
    lang.numbers
        .iter()
        .find(|(word, _)| *word == w)
        .map(|e| e.1)
}

/// The start of the day, week, month or year `n` units before `pub_day`.
fn units_before(pub_day: i64, n: i64, unit: DatePrecision) -> i64 {
    let (y, m, _) = civil_from_days(pub_day);
    let day = match unit {
        DatePrecision::Week => pub_day - 7 * n,
        DatePrecision::Month => {
            let months = y * 12 + i64::from(m) - 1 - n;
            days_from_civil(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
        }
        DatePrecision::Year => days_from_civil(y - n, 1, 1),
        DatePrecision::Day | DatePrecision::Exact => pub_day - n,
    };
    day * DAY
}

/// The first date `sentence` states, resolved against `published` (Unix seconds), reading
/// it in `language` (a tag such as `de` or `fr-CA`; English words for any other).
pub fn resolve_date(
    sentence: &str,
    published: i64,
    language: Option<&str>,
) -> Option<(i64, DatePrecision)> {
    resolve_narrated_date(sentence, published, language, &Quotations::default())
}

/// [`resolve_date`] for the story's narration: a date relative to when it was said ("five
/// years ago", "yesterday", "on Monday", "in March") inside `quoted` (the sentence's
/// [`Quotations`]) is the speaker's, not the story's, and is passed over; a stated year
/// ("in 1979", "March 2019") counts wherever it stands.
pub fn resolve_narrated_date(
    sentence: &str,
    published: i64,
    language: Option<&str>,
    quoted: &Quotations,
) -> Option<(i64, DatePrecision)> {
    let lang = words_of(language);
    let base = sentence.as_ptr() as usize;
    let breaks = clause_breaks(sentence);
    let mut clauses: Vec<usize> = Vec::new();
    let (lowered, in_quote): (Vec<String>, Vec<bool>) = sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter_map(|w| {
            let at = w.as_ptr() as usize - base;
            let w = w.trim_matches('.');
            (!w.is_empty()).then(|| {
                clauses.push(breaks.iter().filter(|&&b| b < at).count());
                (w.to_lowercase(), quoted.contains(at))
            })
        })
        .unzip();
    let words: Vec<&str> = lowered.iter().map(String::as_str).collect();
    let pub_day = published.div_euclid(DAY);
    let future = words.iter().any(|w| lang.future.contains(w));
    let (pub_y, pub_m, pub_d) = civil_from_days(pub_day);
    let day_of = |n: i64| Some((n * DAY, DatePrecision::Day));
    for (i, w) in words.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| words[p]);
        let next = words.get(i + 1).copied();
        let after = |k: usize| words.get(i + k).copied();
        // Only a stated year dates what a speaker says.
        let relative_ok = !in_quote[i];
        if lang.yesterday.contains(w) && relative_ok {
            // "avant-hier": the day before yesterday.
            return day_of(pub_day - 1 - i64::from(prev == Some("avant")));
        }
        if lang.tomorrow.contains(w)
            && relative_ok
            && !prev.is_some_and(|p| lang.not_tomorrow_after.contains(&p))
        {
            // "après-demain": the day after tomorrow.
            return day_of(pub_day + 1 + i64::from(prev == Some("après")));
        }
        if lang.two_days_ago.contains(w) && relative_ok {
            return day_of(pub_day - 2);
        }
        if lang.in_two_days.contains(w) && relative_ok {
            return day_of(pub_day + 2);
        }
        // "last week", "letzte Woche", "la semaine dernière".
        let last = prev.is_some_and(|p| lang.last_before.contains(&p))
            || next.is_some_and(|n| lang.last_after.contains(&n));
        if last
            && relative_ok
            && let Some(unit) = unit_of(lang, w)
        {
            return Some((units_before(pub_day, 1, unit), unit));
        }
        // "three days ago", "vor drei Tagen", "il y a trois jours".
        let ago = match lang.ago {
            Ago::After(word) => (after(2) == Some(word)).then(|| (count_of(lang, w), next)),
            Ago::Before(word) => {
                (*w == word).then(|| (next.and_then(|n| count_of(lang, n)), after(2)))
            }
            Ago::BeforeWords(seq) => words[i..].starts_with(seq).then(|| {
                (
                    after(seq.len()).and_then(|n| count_of(lang, n)),
                    after(seq.len() + 1),
                )
            }),
        };
        if let Some((Some(n), Some(unit_word))) = ago
            && relative_ok
            && let Some(unit) = unit_of(lang, unit_word)
        {
            return Some((units_before(pub_day, n, unit), unit));
        }
        if let Some(wd) = lang.calendar.weekday(w)
            && relative_ok
        {
            // "on Monday", "Monday's vote", "late Monday".
            let pub_wd = (pub_day + 3).rem_euclid(7);
            let back = (pub_wd - wd as i64).rem_euclid(7);
            let ahead = ahead_in_clause(lang, language, &words, &clauses, i).unwrap_or(future);
            let day = if ahead && back != 0 {
                pub_day + 7 - back
            } else {
                pub_day - back
            };
            return day_of(day);
        }
        if let Some(m) = month_of(lang, w) {
            let day_number = |x: &str| day_number(lang, x);
            // "may" is usually the verb: only as a date next to a number.
            let day_before = prev.and_then(day_number);
            let day_after = next.and_then(day_number);
            let year_after = |k: usize| words.get(k).and_then(|y| year_number(y));
            if lang.calendar.ambiguous_months.contains(w)
                && day_before.is_none()
                && day_after.is_none()
            {
                continue;
            }
            let (day, year) = match (day_before, day_after) {
                (Some(d), _) => (Some(d), year_after(i + 1)),
                (None, Some(d)) => (Some(d), year_after(i + 2)),
                _ => (None, year_after(i + 1)),
            };
            if day.is_none()
                && !prev.is_some_and(|p| lang.month_prepositions.contains(&p))
                && year.is_none()
            {
                continue;
            }
            if year.is_none() && !relative_ok {
                continue;
            }
            let year = year.unwrap_or_else(|| {
                // Read with the tense of its own clause, as a weekday is ("will vote on
                // January 4, the party said on December 30"): ahead, a month before the
                // publication month is next year's; behind, a date after the publication
                // is last year's.
                let ahead = ahead_in_clause(lang, language, &words, &clauses, i).unwrap_or(future);
                if ahead {
                    if m < pub_m { pub_y + 1 } else { pub_y }
                } else if m > pub_m || (m == pub_m && day.is_some_and(|d| d > pub_d + 1)) {
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
        if prev.is_some_and(|p| lang.year_prepositions.contains(&p))
            && let Some(y) = year_number(w)
        {
            return Some((days_from_civil(y, 1, 1) * DAY, DatePrecision::Year));
        }
    }
    None
}

/// Byte offsets in `sentence` where a clause ends: a comma or colon before a space, a
/// semicolon, a dash or a bracket ("will invest …, the company announced on Friday").
fn clause_breaks(sentence: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = sentence.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let spaced = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        if matches!(c, ';' | '—' | '–' | '(' | ')') || (matches!(c, ',' | ':') && spaced) {
            out.push(at);
        }
    }
    out
}

/// Whether the weekday or month date at `i` of `words` lies ahead of the publication, read
/// in its own clause (`clauses` numbers each word's clause): "next Friday" or "vendredi prochain"
/// (ahead), "last Friday" or "letzten Freitag" (behind), else the tense of the nearest verb
/// of the clause, before the weekday first ("will meet on Friday", "the company announced
/// on Friday"), then after it ("on Friday announced"); in a clause without one ("On
/// Friday, the company said …") the nearest verb of the sentence. `None` when the sentence
/// has no tense word.
fn ahead_in_clause(
    lang: &DateWords,
    language: Option<&str>,
    words: &[&str],
    clauses: &[usize],
    i: usize,
) -> Option<bool> {
    let prev = i.checked_sub(1).map(|p| words[p]);
    let next = words.get(i + 1).copied();
    if prev.is_some_and(|p| lang.last_before.contains(&p))
        || next.is_some_and(|n| lang.last_after.contains(&n))
    {
        return Some(false);
    }
    if prev.is_some_and(|p| lang.future.contains(&p))
        || next.is_some_and(|n| lang.future.contains(&n))
    {
        return Some(true);
    }
    let clause = clauses.get(i)?;
    let same_clause = |j: &usize| clauses.get(*j) == Some(clause);
    let tense_at = |j: usize| tense_of(language, words[j]);
    let own = (0..i)
        .rev()
        .take_while(same_clause)
        .find_map(tense_at)
        .or_else(|| {
            (i + 1..words.len())
                .take_while(same_clause)
                .find_map(tense_at)
        });
    let nearest = || {
        (1..words.len()).find_map(|d| {
            let before = i.checked_sub(d).and_then(tense_at);
            before.or_else(|| (i + d < words.len()).then(|| tense_at(i + d)).flatten())
        })
    };
    own.or_else(nearest).map(|t| t == Tense::Future)
}

/// Whether lowercase `word` names a month in English, German or French, in full or
/// abbreviated ("march", "märz", "mars", "sept", "janv."). English "may" is one too: callers
/// that meet the verb tell them apart.
pub(crate) fn is_month_name(word: &str) -> bool {
    calendar::CALENDARS.iter().any(|c| c.month(word).is_some())
}

/// The value of lowercase `word` as a number word from two to twelve in English, German or
/// French ("eight", "acht", "huit"). "One" and its kin are left out: they are also articles
/// ("a", "ein", "une").
pub fn number_word(word: &str) -> Option<i64> {
    [&ENGLISH, &GERMAN, &FRENCH].iter().find_map(|lang| {
        lang.numbers
            .iter()
            .find(|(w, v)| *w == word && *v > 1)
            .map(|(_, v)| *v)
    })
}

/// The month (1–12) a word names in `lang`.
fn month_of(lang: &DateWords, word: &str) -> Option<u32> {
    lang.calendar.month(word)
}

/// A day of the month written as "3", "3rd", "1er".
fn day_number(lang: &DateWords, w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = &w[digits.len()..];
    if !suffix.is_empty() && !lang.day_suffixes.contains(&suffix) {
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
pub(crate) mod tests {
    use super::*;

    /// Wednesday 6 March 2024, 12:00 UTC.
    pub(crate) const WED: i64 = 1_709_726_400;

    /// The start (UTC) of a calendar day, in seconds.
    pub(crate) fn day(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * DAY
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(WED.div_euclid(DAY), days_from_civil(2024, 3, 6));
    }

    #[test]
    fn resolves_english_relative_and_absolute_dates() {
        let r = |s: &str| resolve_date(s, WED, Some("en"));
        let on = |y, m, d| Some((day(y, m, d), DatePrecision::Day));
        assert_eq!(
            r("The vote took place on Monday in the capital."),
            on(2024, 3, 4)
        );
        assert_eq!(
            r("Talks will resume on Friday, officials said."),
            on(2024, 3, 8)
        );
        assert_eq!(r("The strike began yesterday."), on(2024, 3, 5));
        assert_eq!(r("Protests began on 3 March."), on(2024, 3, 3));
        assert_eq!(r("The bridge opened on November 12."), on(2023, 11, 12));
        assert_eq!(r("It was signed on May 2, 2016 in Geneva."), on(2016, 5, 2));
        assert_eq!(
            r("The company was founded in 2019 by two students."),
            Some((day(2019, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("Prices rose last week across the region."),
            Some((day(2024, 2, 28), DatePrecision::Week))
        );
        assert_eq!(r("The ship left port nine days ago."), on(2024, 2, 26));
        assert_eq!(
            r("A similar flood struck two years ago."),
            Some((day(2022, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("The plant closed three months ago."),
            Some((day(2023, 12, 1), DatePrecision::Month))
        );
        assert_eq!(r("She may resign if the vote fails."), None);
        assert_eq!(r("Nothing is dated here at all."), None);
        assert_eq!(r("Thousands march in the capital."), None);
        // Other and unknown languages are read with the English words, as before.
        assert_eq!(
            resolve_date("It ended yesterday.", WED, None),
            on(2024, 3, 5)
        );
    }

    /// Sunday 29 November 2026, 09:00 UTC.
    const SUN: i64 = 1_795_942_800;

    #[test]
    fn a_weekday_takes_the_tense_of_its_own_clause() {
        let on = |y, m, d| Some((day(y, m, d), DatePrecision::Day));
        let (past, ahead) = (on(2026, 11, 27), on(2026, 12, 4));
        for (language, sentence, want) in [
            // The future elsewhere in the sentence does not move a past weekday.
            (
                "en",
                "Norsk Halvleder will invest 2 billion euros in the plant, the company announced on Friday.",
                past,
            ),
            (
                "en",
                "Norsk Halvleder will invest in the plant the company announced on Friday.",
                past,
            ),
            (
                "en",
                "The company on Friday announced it will invest 2 billion euros.",
                past,
            ),
            (
                "en",
                "The firm will hire 500 engineers; on Friday its board approved the plan.",
                past,
            ),
            (
                "en",
                "On Friday, the company said it will invest 2 billion euros.",
                past,
            ),
            (
                "en",
                "The company said on Friday it would hire 500 engineers.",
                past,
            ),
            ("en", "The ministers will meet on Friday in Oslo.", ahead),
            (
                "en",
                "The company said it would close the plant on Friday.",
                ahead,
            ),
            ("en", "Talks will resume on Friday, officials said.", ahead),
            ("en", "On Friday, the ministers will meet in Oslo.", ahead),
            ("en", "The board votes next Friday.", ahead),
            (
                "en",
                "The plant, which will employ 500 people, opened last Friday.",
                past,
            ),
            (
                "de",
                "Norsk Halvleder wird zwei Milliarden investieren, teilte das Unternehmen am Freitag mit.",
                past,
            ),
            ("de", "Die Minister werden sich am Freitag treffen.", ahead),
            (
                "fr",
                "Norsk Halvleder investira deux milliards, a annoncé l'entreprise vendredi.",
                past,
            ),
            ("fr", "Les ministres se réuniront vendredi à Oslo.", ahead),
        ] {
            assert_eq!(
                resolve_date(sentence, SUN, Some(language)),
                want,
                "{sentence}"
            );
        }
    }

    #[test]
    fn a_month_date_takes_the_tense_of_its_own_clause() {
        let on = |y, m, d| Some((day(y, m, d), DatePrecision::Day));
        // Tuesday 29 December 2026 and Saturday 2 January 2027, at noon UTC.
        let dec29 = day(2026, 12, 29) + 12 * 3600;
        let jan2 = day(2027, 1, 2) + 12 * 3600;
        for (published, language, sentence, want) in [
            (
                dec29,
                "en",
                "The party will vote on January 4, officials said.",
                on(2027, 1, 4),
            ),
            (
                dec29,
                "en",
                "The party will vote on May 4, the party said on December 28.",
                on(2027, 5, 4),
            ),
            (
                jan2,
                "en",
                "The party said on December 30 that it will vote on January 4.",
                on(2026, 12, 30),
            ),
            (
                SUN,
                "en",
                "The plant, which opened on December 3, will employ 500 people.",
                on(2025, 12, 3),
            ),
            (
                dec29,
                "de",
                "Die Partei wird am 4. Januar abstimmen, teilte sie mit.",
                on(2027, 1, 4),
            ),
            (
                jan2,
                "de",
                "Die Partei teilte am 30. Dezember mit, dass sie am 4. Januar abstimmen werde.",
                on(2026, 12, 30),
            ),
            (
                dec29,
                "fr",
                "Le parti votera le 4 janvier, a indiqué son porte-parole.",
                on(2027, 1, 4),
            ),
            (
                jan2,
                "fr",
                "Le parti a annoncé le 30 décembre qu'il votera le 4 janvier.",
                on(2026, 12, 30),
            ),
        ] {
            assert_eq!(
                resolve_date(sentence, published, Some(language)),
                want,
                "{sentence}"
            );
        }
    }

    #[test]
    fn resolves_german_dates() {
        let r = |s: &str| resolve_date(s, WED, Some("de-AT"));
        let on = |y, m, d| Some((day(y, m, d), DatePrecision::Day));
        assert_eq!(r("Die Abstimmung fand am Montag statt."), on(2024, 3, 4));
        assert_eq!(
            r("Die Gespräche sollen am Freitag weitergehen."),
            on(2024, 3, 8)
        );
        assert_eq!(r("Der Streik begann gestern."), on(2024, 3, 5));
        assert_eq!(r("Vorgestern brach das Feuer aus."), on(2024, 3, 4));
        assert_eq!(r("Morgen wird das Urteil erwartet."), on(2024, 3, 7));
        assert_eq!(r("Heute Morgen kamen die Helfer an."), None);
        assert_eq!(
            r("Die Brücke wurde am 12. November eröffnet."),
            on(2023, 11, 12)
        );
        assert_eq!(
            r("Der Vertrag wurde am 2. Mai 2016 unterzeichnet."),
            on(2016, 5, 2)
        );
        assert_eq!(
            r("Die Firma wurde im Jahr 2019 gegründet."),
            Some((day(2019, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("Die Preise stiegen letzte Woche."),
            Some((day(2024, 2, 28), DatePrecision::Week))
        );
        assert_eq!(
            r("Im vergangenen Monat sank die Zahl."),
            Some((day(2024, 2, 1), DatePrecision::Month))
        );
        assert_eq!(r("Das Schiff lief vor neun Tagen aus."), on(2024, 2, 26));
        assert_eq!(
            r("Vor zwei Jahren gab es ein ähnliches Hochwasser."),
            Some((day(2022, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("Anfang Februar begannen die Arbeiten."),
            Some((day(2024, 2, 1), DatePrecision::Month))
        );
        assert_eq!(r("Sie stand vor dem Rathaus."), None);
    }

    #[test]
    fn resolves_french_dates() {
        let r = |s: &str| resolve_date(s, WED, Some("fr"));
        let on = |y, m, d| Some((day(y, m, d), DatePrecision::Day));
        assert_eq!(
            r("Le vote a eu lieu lundi dans la capitale."),
            on(2024, 3, 4)
        );
        assert_eq!(
            r("Les discussions reprendront vendredi prochain."),
            on(2024, 3, 8)
        );
        assert_eq!(r("La grève a commencé hier."), on(2024, 3, 5));
        assert_eq!(r("L'incendie a éclaté avant-hier."), on(2024, 3, 4));
        assert_eq!(r("Le verdict est attendu demain."), on(2024, 3, 7));
        assert_eq!(
            r("Le pont a été inauguré le 12 novembre."),
            on(2023, 11, 12)
        );
        assert_eq!(r("L'accord a été signé le 1er mai 2016."), on(2016, 5, 1));
        assert_eq!(
            r("L'entreprise a été fondée en 2019."),
            Some((day(2019, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("Les prix ont augmenté la semaine dernière."),
            Some((day(2024, 2, 28), DatePrecision::Week))
        );
        assert_eq!(
            r("L'an dernier, la région a connu une sécheresse."),
            Some((day(2023, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            r("Le navire a quitté le port il y a neuf jours."),
            on(2024, 2, 26)
        );
        assert_eq!(
            r("Début février, les travaux ont commencé."),
            Some((day(2024, 2, 1), DatePrecision::Month))
        );
        assert_eq!(r("Il y a beaucoup de monde."), None);
    }
}
