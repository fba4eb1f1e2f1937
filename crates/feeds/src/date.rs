//! A lenient parser for the dates feeds carry: RFC 822/2822 and their wild variants (missing
//! seconds or time, full month names, US and European zone names, `Etc/GMT`), W3CDTF and
//! ISO 8601 (ordinal, compact and truncated forms), asctime, Perforce's `Y/M/D`, and localised
//! month and day names (Greek, Hungarian, Korean, and the main Western European languages).
//! Own rules, no clock: a date without a time is midnight UTC, a zone-less time is UTC.
//! Impossible values (hour 25, day 99, month `zzz`, minute `xx`, year 10000) are rejected.

/// Unix seconds of a civil UTC date-time.
fn unix(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    // Howard Hinnant's days_from_civil.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(mo) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    offset: i64,
}

impl Fields {
    fn to_unix(&self) -> Option<i64> {
        let valid = (1..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60;
        valid.then(|| {
            unix(
                self.year,
                self.month,
                self.day,
                self.hour,
                self.minute,
                self.second,
            ) - self.offset
        })
    }
}

/// Parses a date string into Unix seconds (UTC), or `None` when it is not a date.
pub fn parse_date(input: &str) -> Option<i64> {
    let s = input.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)) {
        return korean(s);
    }
    iso8601(s).or_else(|| rfc822(s))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Option<u32> {
    if digits(s) && s.len() <= 4 {
        s.parse().ok()
    } else {
        None
    }
}

/// W3CDTF / ISO 8601: `YYYY[-MM[-DD]]`, `YYYYMMDD`, `YYYY-DDD`, `YY-MM-DD`, `-YY-MM`, then an
/// optional `T`/space time `hh:mm[:ss[.frac]]` and zone `Z`/`±hh[:]mm`.
fn iso8601(s: &str) -> Option<i64> {
    let sep = s
        .char_indices()
        .zip(s.chars().skip(1))
        .find(|((_, c), next)| c.is_ascii_digit() && matches!(next, 'T' | 't' | ' '))
        .map(|((i, _), _)| i + 1);
    let (date, time) = match sep {
        Some(i) => (&s[..i], Some(s[i + 1..].trim_start())),
        None => (s, None),
    };
    let date = month_name_to_number(date);
    let parts: Vec<&str> = date.split('-').collect();
    let (year, month, day) = match parts.as_slice() {
        [y] if y.len() == 4 && digits(y) => (y.parse().ok()?, 1, 1),
        [y] if y.len() == 8 && digits(y) => (
            y[..4].parse().ok()?,
            y[4..6].parse().ok()?,
            y[6..].parse().ok()?,
        ),
        [y, o] if y.len() == 4 && o.len() == 3 && digits(y) && digits(o) => {
            return ordinal(y.parse().ok()?, o.parse().ok()?)
                .and_then(|(m, d)| finish(y.parse().ok()?, m, d, time));
        }
        [y, m] if y.len() == 4 && m.len() == 2 => (y.parse().ok()?, num(m)?, 1),
        [y, m, d]
            if y.len() == 4
                && (m.len() == 2 || (m.len() == 3 && m.starts_with('0')))
                && d.len() == 2 =>
        {
            (y.parse().ok()?, num(m)?, num(d)?)
        }
        [y, m, d] if y.len() == 2 && m.len() == 2 && d.len() == 2 && digits(y) => {
            (2000 + i64::from(num(y)?), num(m)?, num(d)?)
        }
        ["", ym] if ym.len() == 4 && digits(ym) => {
            (2000 + i64::from(num(&ym[..2])?), num(&ym[2..])?, 1)
        }
        ["", y, m] if y.len() == 2 && m.len() == 2 && digits(y) => {
            (2000 + i64::from(num(y)?), num(m)?, 1)
        }
        _ => return None,
    };
    if !parts.iter().skip(1).all(|p| digits(p)) && parts.len() > 1 {
        return None;
    }
    finish(year, month, day, time)
}

fn ordinal(year: i64, day_of_year: u32) -> Option<(u32, u32)> {
    let mut left = day_of_year;
    for m in 1..=12 {
        let dim = days_in_month(year, m);
        if left >= 1 && left <= dim {
            return Some((m, left));
        }
        left = left.checked_sub(dim)?;
    }
    None
}

fn finish(year: i64, month: u32, day: u32, time: Option<&str>) -> Option<i64> {
    let mut f = Fields {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        offset: 0,
    };
    if let Some(t) = time.filter(|t| !t.is_empty()) {
        let zone_at = t.find(['Z', 'z', '+', '-']).unwrap_or(t.len());
        let (clock, zone) = t.split_at(zone_at);
        let clock = clock.trim();
        let clock = clock.split('.').next()?;
        let hms: Vec<&str> = clock.split(':').collect();
        if hms.len() < 2 || hms.len() > 3 || hms[0].len() > 2 || !hms.iter().all(|p| digits(p)) {
            return None;
        }
        f.hour = num(hms[0])?;
        f.minute = num(hms[1])?;
        f.second = hms.get(2).map_or(Some(0), |s| num(s))?;
        let zone = zone.trim();
        if !zone.is_empty() {
            f.offset = numeric_offset(zone)?;
        }
    }
    f.to_unix()
}

/// `Z`, `±hh`, `±hhmm`, `±hh:mm` → seconds east of UTC.
fn numeric_offset(z: &str) -> Option<i64> {
    if z.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match z.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body: String = z[1..].chars().filter(|c| *c != ':').collect();
    if !digits(&body) {
        return None;
    }
    let (h, m) = match body.len() {
        1 | 2 => (body.parse::<i64>().ok()?, 0),
        4 => (
            body[..2].parse::<i64>().ok()?,
            body[2..].parse::<i64>().ok()?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 || (z[1..].contains(':') && z[1..].find(':') != Some(2)) {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    // German, French, Spanish, Italian, Dutch, Portuguese (full names; prefixes match too).
    ("januar", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("dezembro", 12),
    // Hungarian.
    ("január", 1),
    ("február", 2),
    ("március", 3),
    ("április", 4),
    ("május", 5),
    ("június", 6),
    ("július", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("október", 10),
    // Greek abbreviations.
    ("ιαν", 1),
    ("φεβ", 2),
    ("μάώ", 3),
    ("μαρ", 3),
    ("μάρ", 3),
    ("απρ", 4),
    ("άπρ", 4),
    ("μάι", 5),
    ("μαϊ", 5),
    ("μαι", 5),
    ("μάϊ", 5),
    ("ιούν", 6),
    ("ιον", 6),
    ("ιουν", 6),
    ("ιούλ", 7),
    ("ιολ", 7),
    ("ιουλ", 7),
    ("αύγ", 8),
    ("αυγ", 8),
    ("σεπ", 9),
    ("οκτ", 10),
    ("νοέ", 11),
    ("νοε", 11),
    ("δεκ", 12),
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "κυρ",
    "δευ",
    "τρι",
    "τετ",
    "πεμ",
    "παρ",
    "σαβ",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    let n = w.chars().count();
    if n < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| *name == w)
        .map(|(_, m)| *m)
        .or_else(|| {
            MONTHS
                .iter()
                .find(|(name, _)| name.starts_with(w.as_str()))
                .map(|(_, m)| *m)
        })
}

fn weekday(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    w.chars().count() >= 2
        && WEEKDAYS
            .iter()
            .any(|d| d.starts_with(w.as_str()) && (w.chars().count() >= 3 || d.starts_with("κ")))
}

/// A `2004-július-13` style date with its month name replaced by the month number.
fn month_name_to_number(date: &str) -> std::borrow::Cow<'_, str> {
    let mut parts = date.splitn(3, '-');
    if let (Some(y), Some(m)) = (parts.next(), parts.next())
        && y.len() == 4
        && m.chars().any(char::is_alphabetic)
        && let Some(n) = month(m)
    {
        let rest = parts.next().map(|r| format!("-{r}")).unwrap_or_default();
        return std::borrow::Cow::Owned(format!("{y}-{n:02}{rest}"));
    }
    std::borrow::Cow::Borrowed(date)
}

fn zone_name(z: &str) -> Option<i64> {
    let z = z.to_ascii_lowercase();
    let z = z.strip_prefix("etc/").unwrap_or(&z);
    let hours: i64 = match z {
        "ut" | "utc" | "gmt" | "z" | "wet" | "zulu" => 0,
        "est" | "et" | "cdt" => -5,
        "edt" | "ast" | "at" => -4,
        "cst" | "ct" | "mdt" => -6,
        "mst" | "mt" | "pdt" => -7,
        "pst" | "pt" => -8,
        "adt" => -3,
        "akst" => -9,
        "akdt" => -8,
        "hst" => -10,
        "bst" | "cet" | "met" | "mez" | "west" | "ist" => 1,
        "cest" | "mest" | "mesz" | "eet" | "sast" => 2,
        "eest" | "msk" => 3,
        "hkt" | "sgt" | "awst" => 8,
        "jst" | "kst" => 9,
        "aest" => 10,
        "aedt" => 11,
        "nzst" => 12,
        "nzdt" => 13,
        _ => return None,
    };
    Some(hours * 3600)
}

/// RFC 822 and its relatives, by classifying whitespace/comma-separated tokens.
fn rfc822(s: &str) -> Option<i64> {
    let mut day = None;
    let mut mon = None;
    let mut year: Option<i64> = None;
    let mut clock: Option<(u32, u32, u32)> = None;
    let mut offset: Option<i64> = None;
    let mut pm: Option<bool> = None;
    for tok in s.split([' ', ',', '\t']).filter(|t| !t.is_empty()) {
        let lower = tok.to_ascii_lowercase();
        if tok.contains(':') && tok.starts_with(|c: char| c.is_ascii_digit()) && clock.is_none() {
            // hh:mm[:ss] possibly glued to a zone: 10:00:00+0100 or 10:00Z.
            let cut = tok.find(['+', '-', 'Z', 'z']).unwrap_or(tok.len());
            let (c, z) = tok.split_at(cut);
            let hms: Vec<&str> = c.split('.').next()?.split(':').collect();
            if hms.len() < 2 || hms.len() > 3 || !hms.iter().all(|p| digits(p) && p.len() <= 2) {
                return None;
            }
            clock = Some((
                num(hms[0])?,
                num(hms[1])?,
                hms.get(2).map_or(Some(0), |x| num(x))?,
            ));
            if !z.is_empty() {
                offset = Some(numeric_offset(z)?);
            }
        } else if (tok.contains('/') || tok.contains('-'))
            && tok.starts_with(|c: char| c.is_ascii_digit())
            && day.is_none()
        {
            let p: Vec<&str> = tok.split(['/', '-']).collect();
            let [y, m, d] = p.as_slice() else { return None };
            if y.len() == 4 {
                year = Some(i64::from(num(y)?));
                mon = Some(num(m)?);
                day = Some(num(d)?);
            } else {
                return None;
            }
        } else if tok.starts_with(['+', '-']) {
            if clock.is_none() || offset.is_some() {
                return None;
            }
            offset = Some(numeric_offset(tok)?);
        } else if digits(tok) {
            match tok.len() {
                4 if year.is_none() => year = Some(tok.parse().ok()?),
                1 | 2 if day.is_none() => day = Some(num(tok)?),
                2 if year.is_none() => year = Some(2000 + i64::from(num(tok)?)),
                _ => return None,
            }
        } else if lower == "am" || lower == "pm" {
            pm = Some(lower == "pm");
        } else if let Some(m) = month(tok).filter(|_| mon.is_none()) {
            mon = Some(m);
        } else if weekday(tok) && mon.is_none() && clock.is_none() {
        } else if clock.is_some() && offset.is_none() {
            let z = lower.strip_prefix("gmt").filter(|r| !r.is_empty());
            offset = Some(match z {
                Some(rest) => numeric_offset(rest)?,
                None => zone_name(&lower).unwrap_or(0),
            });
        } else {
            return None;
        }
    }
    let (mut h, mi, sec) = clock.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    Fields {
        year: year?,
        month: mon?,
        day: day?,
        hour: h,
        minute: mi,
        second: sec,
        offset: offset.unwrap_or(0),
    }
    .to_unix()
}

/// Korean dates (`2004-05-25 오후 11:23:17`, `2004년 05월 28일 01:31:15`): numbers in order,
/// 오후 = PM, Korea Standard Time.
fn korean(s: &str) -> Option<i64> {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if nums.len() < 3 || nums.len() > 6 {
        return None;
    }
    let mut hour = nums.get(3).copied().unwrap_or(0);
    if s.contains("오후") && hour < 12 {
        hour += 12;
    }
    Fields {
        year: i64::from(nums[0]),
        month: nums[1],
        day: nums[2],
        hour,
        minute: nums.get(4).copied().unwrap_or(0),
        second: nums.get(5).copied().unwrap_or(0),
        offset: 9 * 3600,
    }
    .to_unix()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<i64> {
        parse_date(s)
    }

    #[test]
    fn rfc822_variants() {
        assert_eq!(p("Sat, 07 Sep 2002 00:00:01 GMT"), Some(1_031_356_801));
        assert_eq!(p("07 Sep 2002"), Some(1_031_356_800));
        assert_eq!(p("Sat,07 Sep 2002 02:00 +0200"), Some(1_031_356_800));
        assert_eq!(
            p("Sat, 07 September 2002 00:00:01 ET"),
            Some(1_031_356_801 + 5 * 3600)
        );
        assert_eq!(p("Sat Sep  7 00:00:01 2002"), Some(1_031_356_801));
    }

    #[test]
    fn w3cdtf_and_iso8601() {
        assert_eq!(p("2002-09-07T00:00:01Z"), Some(1_031_356_801));
        assert_eq!(p("2002-09-07T02:00:01.5+02:00"), Some(1_031_356_801));
        assert_eq!(p("2002-09"), Some(1_030_838_400));
        assert_eq!(p("20020907"), Some(1_031_356_800));
        assert_eq!(p("2002-250"), Some(1_031_356_800));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for bad in [
            "2002-09-07T25:00:00Z",
            "Sat, 99 Sep 2002 00:00:00 GMT",
            "Sat, 07 zzz 2002",
            "2002-09-07T00:xx:00Z",
            "10000-01-01",
            "hello",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn localised_names() {
        assert_eq!(p("Σαβ, 07 Σεπ 2002 00:00:01 GMT"), Some(1_031_356_801));
        assert_eq!(p("2002-szeptember-07T00:00:01Z"), Some(1_031_356_801));
    }
}
