//! Parsing the date-times found in metadata to unix seconds.
//!
//! Accepts ISO 8601 / RFC 3339 as pages write it (`2025-03-01`, `2025-03-01T10:00`,
//! `2025-03-01 10:00:00.123+0100`, `…Z`, `…+01:00`), RFC 2822 (`Tue, 01 Mar 2025 10:00:00 GMT`)
//! and a bare unix timestamp. A time without a zone is taken as UTC; a date without a time
//! as midnight UTC.

/// Parses a date-time to unix seconds.
pub(crate) fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && (9..=13).contains(&s.len()) {
        let n: i64 = s.parse().ok()?;
        return Some(if s.len() == 13 { n / 1000 } else { n });
    }
    iso(s).or_else(|| rfc2822(s))
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn valid(y: i64, m: i64, d: i64, h: i64, mi: i64, sec: i64) -> bool {
    (1900..=2200).contains(&y)
        && (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && (0..=23).contains(&h)
        && (0..=59).contains(&mi)
        && (0..=60).contains(&sec)
}

/// A small cursor over ASCII bytes.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn num(&mut self, max_digits: usize) -> Option<i64> {
        let start = self.i;
        while self.i < self.b.len()
            && self.i - start < max_digits
            && self.b[self.i].is_ascii_digit()
        {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        let mut n = 0i64;
        for &c in &self.b[start..self.i] {
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c == b' ') {
            self.i += 1;
        }
    }
}

/// Parses a zone offset (`Z`, `+01:00`, `+0100`, `+01`, `UTC`, `GMT`) in seconds east.
fn zone(c: &mut Cur<'_>) -> Option<i64> {
    c.skip_ws();
    match c.peek() {
        None => Some(0),
        Some(b'Z' | b'z') => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let start = c.i;
            let h = c.num(2)?;
            let m = if c.i - start == 2 {
                c.eat(b':');
                c.num(2).unwrap_or(0)
            } else {
                0
            };
            let off = h * 3600 + m * 60;
            Some(if sign == b'-' { -off } else { off })
        }
        Some(_) => {
            let rest = std::str::from_utf8(&c.b[c.i..]).ok()?.trim();
            named_zone(rest)
        }
    }
}

fn named_zone(z: &str) -> Option<i64> {
    Some(match z.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => 0,
        "EST" => -5 * 3600,
        "EDT" => -4 * 3600,
        "CST" => -6 * 3600,
        "CDT" => -5 * 3600,
        "MST" => -7 * 3600,
        "MDT" => -6 * 3600,
        "PST" => -8 * 3600,
        "PDT" => -7 * 3600,
        "CET" => 3600,
        "CEST" => 2 * 3600,
        "BST" => 3600,
        "IST" => 19800,
        "JST" | "KST" => 9 * 3600,
        _ => return None,
    })
}

fn iso(s: &str) -> Option<i64> {
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let y = c.num(4)?;
    if !(c.eat(b'-') || c.eat(b'/')) {
        return None;
    }
    let m = c.num(2)?;
    if !(c.eat(b'-') || c.eat(b'/')) {
        return None;
    }
    let d = c.num(2)?;
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    if c.eat(b'T')
        || c.eat(b't')
        || (c.peek() == Some(b' ') && {
            c.skip_ws();
            c.peek().is_some_and(|b| b.is_ascii_digit())
        })
    {
        h = c.num(2)?;
        if c.eat(b':') {
            mi = c.num(2)?;
            if c.eat(b':') {
                sec = c.num(2)?;
                if c.eat(b'.') || c.eat(b',') {
                    c.num(9);
                }
            }
        }
    }
    let off = zone(&mut c)?;
    if !valid(y, m, d, h, mi, sec) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + sec - off)
}

fn month(name: &str) -> Option<i64> {
    let lower = name.get(..3)?.to_ascii_lowercase();
    Some(match lower.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    })
}

fn rfc2822(s: &str) -> Option<i64> {
    let s = s.split_once(',').map_or(s, |(_, rest)| rest).trim();
    let mut parts = s.split_whitespace();
    let d: i64 = parts.next()?.parse().ok()?;
    let m = month(parts.next()?)?;
    let y: i64 = parts.next()?.parse().ok()?;
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    let mut off = 0;
    if let Some(t) = parts.next() {
        let mut hms = t.split(':');
        h = hms.next()?.parse().ok()?;
        mi = hms.next()?.parse().ok()?;
        sec = hms.next().map_or(Some(0), |x| x.parse().ok())?;
        if let Some(z) = parts.next() {
            let mut c = Cur {
                b: z.as_bytes(),
                i: 0,
            };
            off = zone(&mut c)?;
        }
    }
    if !valid(y, m, d, h, mi, sec) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + sec - off)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn iso_forms() {
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2019-11-19T10:00:00Z"), Some(1_574_157_600));
        assert_eq!(parse("2019-11-19T11:00:00+01:00"), Some(1_574_157_600));
        assert_eq!(parse("2019-11-19T05:00:00.000-0500"), Some(1_574_157_600));
        assert_eq!(parse("2019-11-19 10:00:00"), Some(1_574_157_600));
        assert_eq!(parse("2019-11-19T10:00"), Some(1_574_157_600));
    }

    #[test]
    fn rfc2822_forms() {
        assert_eq!(parse("Tue, 19 Nov 2019 10:00:00 GMT"), Some(1_574_157_600));
        assert_eq!(parse("19 Nov 2019 11:00:00 +0100"), Some(1_574_157_600));
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2019-13-45"), None);
        assert_eq!(parse(""), None);
    }
}
