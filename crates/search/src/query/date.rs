//! Calendar dates for `after:` and `before:`: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, UTC, to epoch
//! seconds, and back for date facets. Pure arithmetic (Howard Hinnant's civil-day algorithms).

/// Days since 1970-01-01 of a proleptic Gregorian date; `None` when the date does not exist.
pub fn civil_to_days(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The date `(year, month, day)` of a day number since 1970-01-01.
pub fn days_to_civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The first second of the day, month or year `text` names (`2025-07-01`, `2025-07`, `2025`),
/// with the first second after it: `[start, end)`. `None` for anything else.
pub(crate) fn parse_period(text: &str) -> Option<(i64, i64)> {
    let mut parts = text.split('-');
    let year: i64 = parse_digits(parts.next()?, 4)?;
    let month = match parts.next() {
        Some(m) => Some(parse_digits(m, 2)?),
        None => None,
    };
    let day = match parts.next() {
        Some(d) => Some(parse_digits(d, 2)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    let (start, end) = match (month, day) {
        (None, _) => (civil_to_days(year, 1, 1)?, civil_to_days(year + 1, 1, 1)?),
        (Some(m), None) => {
            let m = u32::try_from(m).ok()?;
            let start = civil_to_days(year, m, 1)?;
            let end = if m == 12 {
                civil_to_days(year + 1, 1, 1)?
            } else {
                civil_to_days(year, m + 1, 1)?
            };
            (start, end)
        }
        (Some(m), Some(d)) => {
            let start = civil_to_days(year, u32::try_from(m).ok()?, u32::try_from(d).ok()?)?;
            (start, start + 1)
        }
    };
    Some((start * 86_400, end * 86_400))
}

fn parse_digits(text: &str, max_len: usize) -> Option<i64> {
    if text.is_empty() || text.len() > max_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(civil_to_days(1970, 1, 1), Some(0));
        assert_eq!(civil_to_days(2025, 7, 1), Some(20_270));
        assert_eq!(days_to_civil(20_270), (2025, 7, 1));
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, day) = days_to_civil(d);
            assert_eq!(civil_to_days(y, m, day), Some(d));
        }
    }

    #[test]
    fn periods() {
        let day = parse_period("2025-07-01");
        assert_eq!(day, Some((20_270 * 86_400, 20_271 * 86_400)));
        let month = parse_period("2025-07");
        assert_eq!(month, Some((20_270 * 86_400, (20_270 + 31) * 86_400)));
        assert!(parse_period("2025").is_some());
        assert_eq!(parse_period("2025-02-30"), None);
        assert_eq!(parse_period("2025-13"), None);
        assert_eq!(parse_period("yesterday"), None);
        assert_eq!(parse_period("2025-07-01-02"), None);
        assert_eq!(parse_period(""), None);
    }
}
