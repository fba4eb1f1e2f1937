//! Numbers as a story states them, read the same in every language: "1.5 million",
//! "1,5 Millionen" and "1,5 million" are one value; "12,000", "12.000" and "12 000" too;
//! "44.8%", "44,8 Prozent" and "44,8 %" one share; "3:40 a.m.", "3.40 Uhr" and "3 h 40"
//! one time of day; "A321" and "Solaris-2" codes. Numbers spelled in words ("sixty-three")
//! are not read.
//!
//! A value is kept as its significant digits and a power of ten (`15e5` for 1.5 million),
//! so no float rounding decides whether two reports agree.

use super::Lang;
use std::ops::Range;

/// One quantity found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quantity {
    /// A value: its significant digits (no leading or trailing zeros) times ten to `exp`;
    /// `percent` when it is a share ("%", "Prozent", "pour cent").
    Number {
        /// Significant digits.
        digits: String,
        /// Power of ten.
        exp: i32,
        /// Stated as a percentage.
        percent: bool,
    },
    /// A year, 1900–2100, written as four digits.
    Year(i32),
    /// A time of day, 24-hour clock.
    Time(u32, u32),
    /// A code of letters and digits ("A321", "Solaris-2"), lowercase without hyphens.
    Code(String),
}

impl Quantity {
    /// The number of significant digits of a value (0 for anything else).
    pub fn significant_digits(&self) -> usize {
        match self {
            Quantity::Number { digits, .. } => digits.len(),
            _ => 0,
        }
    }

    /// Whether this is a whole number below ten (too common to tell events apart).
    pub fn is_small(&self) -> bool {
        match self {
            Quantity::Number { digits, exp, .. } => *exp == 0 && digits.len() == 1,
            _ => false,
        }
    }
}

/// Characters that separate digit groups ("12,000", "12.000", "12 000", "12'000").
fn is_group_separator(c: char) -> bool {
    matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’')
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Multiplier words after a number, lowercase, per language ("billion" is 10^9 in English
/// and 10^12 in German and French).
fn multiplier(word: &str, lang: Lang) -> Option<i32> {
    let w = word.trim_end_matches('.');
    let exp = match lang {
        Lang::English => match w {
            "thousand" => 3,
            "million" | "millions" | "mn" | "mln" => 6,
            "billion" | "billions" | "bn" => 9,
            "trillion" | "trillions" | "tn" => 12,
            _ => return None,
        },
        Lang::German => match w {
            "tausend" => 3,
            "million" | "millionen" | "mio" => 6,
            "milliarde" | "milliarden" | "mrd" => 9,
            "billion" | "billionen" => 12,
            _ => return None,
        },
        Lang::French => match w {
            "mille" => 3,
            "million" | "millions" => 6,
            "milliard" | "milliards" | "md" | "mds" | "mrd" => 9,
            "billion" | "billions" => 12,
            _ => return None,
        },
    };
    Some(exp)
}

/// Whether the words at the start of `rest` (lowercase) state a percentage.
fn is_percent(rest: &str) -> bool {
    let mut words = rest.split(|c: char| is_space(c) || c == '-');
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    first.starts_with('%')
        || matches!(
            first,
            "percent" | "pct" | "percentage" | "prozent" | "prozentpunkte"
        )
        || first.starts_with("prozent")
        || (matches!(first, "per" | "pour") && second.starts_with("cent"))
}

/// Reads every quantity of `text` written in `lang`.
pub fn quantities(text: &str, lang: Lang) -> Vec<Quantity> {
    quantities_at(text, lang)
        .into_iter()
        .map(|(q, _)| q)
        .collect()
}

/// [`quantities`] with where each was read: the range of `text`'s characters (not bytes)
/// it was read from, a multiplier or unit glued to it included ("1.5 million", "14bn").
pub fn quantities_at(text: &str, lang: Lang) -> Vec<(Quantity, Range<usize>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() {
            // A word: a code when it mixes letters and digits ("A321", "Solaris-2").
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '-') {
                i += 1;
            }
            if let Some(code) = code(&chars[start..i]) {
                out.push((Quantity::Code(code), start..i));
            }
            continue;
        }
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let (quantity, next) = number_at(&chars, i, lang);
        let next = next.max(i + 1);
        out.extend(quantity.map(|q| (q, i..next)));
        i = next;
    }
    out
}

/// A code from a word of letters, digits and hyphens: its first part of letters and the
/// digits that follow it ("Solaris-2" → "solaris2", "A321" → "a321", "Ariane-6-Rakete" →
/// "ariane6"); `None` for a word without both, or that is a plain word after a number.
fn code(word: &[char]) -> Option<String> {
    let letters: String = word
        .iter()
        .take_while(|c| c.is_alphabetic())
        .flat_map(|c| c.to_lowercase())
        .collect();
    let rest = &word[word.iter().take_while(|c| c.is_alphabetic()).count()..];
    let rest = rest.strip_prefix(&['-']).unwrap_or(rest);
    let digits: String = rest.iter().take_while(|c| c.is_ascii_digit()).collect();
    if letters.is_empty() || digits.is_empty() {
        return None;
    }
    // "A321" or "Kite-3"; not "x2" alone, which says little.
    (letters.chars().count() + digits.len() >= 3).then(|| format!("{letters}{digits}"))
}

/// The word starting at `i` (letters and dots), lowercase, and where it ends.
fn word_at(chars: &[char], mut i: usize) -> (String, usize) {
    let start = i;
    while i < chars.len() && (chars[i].is_alphabetic() || chars[i] == '.') {
        i += 1;
    }
    (
        chars[start..i]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect(),
        i,
    )
}

/// Skips spaces from `i`.
fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && is_space(chars[i]) {
        i += 1;
    }
    i
}

/// The digits starting at `i` and where they end.
fn digits_at(chars: &[char], mut i: usize) -> (String, usize) {
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    (chars[start..i].iter().collect(), i)
}

/// A time after the hour `hour` ending at `i`: ":40", ".40 Uhr", ".40am", " h 40", "h40".
fn time_after(chars: &[char], hour: &str, i: usize, lang: Lang) -> Option<(Quantity, usize)> {
    let h: u32 = hour.parse().ok().filter(|h| *h <= 24 && hour.len() <= 2)?;
    let minutes = |at: usize| -> Option<(u32, usize)> {
        let (m, end) = digits_at(chars, at);
        let value: u32 = m.parse().ok()?;
        (m.len() == 2 && value < 60 && !chars.get(end).is_some_and(char::is_ascii_digit))
            .then_some((value, end))
    };
    let sep = chars.get(i).copied()?;
    // "3 h 40", "22h14" (French).
    let h_at = skip_spaces(chars, i);
    if lang == Lang::French && chars.get(h_at) == Some(&'h') {
        let at = skip_spaces(chars, h_at + 1);
        let (m, end) = minutes(at)?;
        return Some((Quantity::Time(h % 24, m), end));
    }
    if sep != ':' && sep != '.' {
        return None;
    }
    let (m, end) = minutes(i + 1)?;
    let (word, word_end) = word_at(chars, skip_spaces(chars, end));
    let hour = match word.as_str() {
        "uhr" => h,
        "am" | "a.m." | "a.m" => h % 12,
        "pm" | "p.m." | "p.m" => h % 12 + 12,
        _ if sep == ':' => h,
        _ => return None,
    };
    let end = if word.is_empty() { end } else { word_end };
    Some((Quantity::Time(hour % 24, m), end))
}

/// The number starting at digit `start`, and where reading stops.
fn number_at(chars: &[char], start: usize, lang: Lang) -> (Option<Quantity>, usize) {
    // A digit glued to a letter before it belongs to a code ("A321"), read with the word.
    if start > 0 && (chars[start - 1].is_alphabetic() || chars[start - 1] == '-') {
        let before_hyphen = start >= 2 && chars[start - 2].is_alphanumeric();
        if chars[start - 1] != '-' || before_hyphen {
            let (_, end) = digits_at(chars, start);
            return (None, end);
        }
    }
    let (first, mut i) = digits_at(chars, start);
    if let Some((time, end)) = time_after(chars, &first, i, lang) {
        return (Some(time), end);
    }
    // Digit groups and the separators between them.
    let mut groups = vec![first];
    let mut seps: Vec<char> = Vec::new();
    while i + 1 < chars.len() && is_group_separator(chars[i]) && chars[i + 1].is_ascii_digit() {
        let sep = chars[i];
        let (group, end) = digits_at(chars, i + 1);
        // A space separates thousands only before exactly three digits ("12 000").
        if is_space(sep) && (group.len() != 3 || groups.iter().any(|g| g.len() > 3)) {
            break;
        }
        seps.push(sep);
        groups.push(group);
        i = end;
    }
    let decimal = match lang {
        Lang::English => '.',
        Lang::German | Lang::French => ',',
    };
    // Every separator but the last must be a thousands separator before three digits.
    let mut integer = groups[0].clone();
    let mut fraction = String::new();
    let mut valid = true;
    for (k, sep) in seps.iter().enumerate() {
        let group = &groups[k + 1];
        let last = k + 1 == seps.len();
        let thousands = group.len() == 3 && *sep != decimal && groups[0].len() <= 3;
        if thousands {
            integer.push_str(group);
        } else if last && (*sep == '.' || *sep == ',') {
            // The decimal separator, or the other mark used as one ("49.3" in French).
            fraction = group.clone();
        } else {
            valid = false;
            break;
        }
    }
    if !valid {
        // Something else ("1,2,3"): only the first group is read.
        integer = groups[0].clone();
        fraction.clear();
        seps.clear();
    }
    // What follows: a percentage, a multiplier, an ordinal or unit suffix.
    let currency_before = start > 0 && matches!(chars[start - 1], '$' | '€' | '£');
    let (glued, glued_end) = match chars.get(i) {
        Some(c) if c.is_alphabetic() => word_at(chars, i),
        _ => (String::new(), i),
    };
    let after = skip_spaces(chars, i);
    let rest: String = chars[after..chars.len().min(after + 24)]
        .iter()
        .flat_map(|c| c.to_lowercase())
        .collect();
    let mut exp_shift = 0;
    let mut percent = false;
    let mut end = i;
    if !glued.is_empty() {
        // "14bn", "$300m", "87th", "12e".
        exp_shift = match glued.trim_end_matches('.') {
            "bn" => 9,
            "mn" => 6,
            "m" if currency_before => 6,
            "k" if currency_before => 3,
            _ => 0,
        };
        end = glued_end;
    } else if is_percent(&rest) {
        percent = true;
    } else {
        let (word, word_end) = word_at(chars, after);
        if let Some(e) = multiplier(&word, lang) {
            exp_shift = e;
            end = word_end;
        }
    }
    let plain = seps.is_empty() && exp_shift == 0 && !percent && fraction.is_empty();
    if plain
        && integer.len() == 4
        && let Ok(year) = integer.parse::<i32>()
        && (1900..=2100).contains(&year)
    {
        return (Some(Quantity::Year(year)), end);
    }
    (
        Some(normalise(&integer, &fraction, exp_shift, percent)),
        end,
    )
}

/// A whole number written in digits, as a value.
pub fn value(digits: &str) -> Quantity {
    normalise(digits, "", 0, false)
}

/// A value from its integer and fraction digits and a power of ten.
fn normalise(integer: &str, fraction: &str, shift: i32, percent: bool) -> Quantity {
    let mut digits: String = format!("{integer}{fraction}");
    let mut exp = shift - fraction.len() as i32;
    let leading = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..leading);
    while digits.ends_with('0') {
        digits.pop();
        exp += 1;
    }
    if digits.is_empty() {
        exp = 0;
        digits.push('0');
    }
    Quantity::Number {
        digits,
        exp,
        percent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(digits: &str, exp: i32) -> Quantity {
        Quantity::Number {
            digits: digits.into(),
            exp,
            percent: false,
        }
    }

    fn pc(digits: &str, exp: i32) -> Quantity {
        Quantity::Number {
            digits: digits.into(),
            exp,
            percent: true,
        }
    }

    #[test]
    fn one_value_in_three_languages() {
        let en = quantities(
            "a $1.5 billion fund, 1.5 million people, 12,000 homes",
            Lang::English,
        );
        let de = quantities(
            "ein Fonds über 1,5 Billionen, 1,5 Millionen Menschen, 12.000 Häuser",
            Lang::German,
        );
        let fr = quantities(
            "1,5 million de personnes, 12 000 maisons, 1,5 milliard",
            Lang::French,
        );
        assert_eq!(en, vec![n("15", 8), n("15", 5), n("12", 3)]);
        assert_eq!(de, vec![n("15", 11), n("15", 5), n("12", 3)]);
        assert_eq!(fr, vec![n("15", 5), n("12", 3), n("15", 8)]);
        // English "billion" is the German "Milliarde".
        assert_eq!(
            quantities("14 Milliarden Dollar", Lang::German),
            quantities("$14bn", Lang::English)
        );
    }

    #[test]
    fn shares_times_years_and_codes() {
        assert_eq!(
            quantities("44.8% of the vote", Lang::English),
            vec![pc("448", -1)]
        );
        assert_eq!(
            quantities("44,8 Prozent", Lang::German),
            vec![pc("448", -1)]
        );
        assert_eq!(
            quantities("44,8\u{a0}% des voix", Lang::French),
            vec![pc("448", -1)]
        );
        assert_eq!(quantities("6,40 mètres", Lang::French), vec![n("64", -1)]);
        for (text, lang) in [
            ("at 3:40 a.m. local time", Lang::English),
            ("gegen 3.40 Uhr Ortszeit", Lang::German),
            ("vers 3 h 40, heure locale", Lang::French),
        ] {
            assert_eq!(
                quantities(text, lang),
                vec![Quantity::Time(3, 40)],
                "{text}"
            );
        }
        assert_eq!(
            quantities("at 10:14 p.m.", Lang::English),
            vec![Quantity::Time(22, 14)]
        );
        assert_eq!(
            quantities("um 22.14 Uhr", Lang::German),
            vec![Quantity::Time(22, 14)]
        );
        assert_eq!(
            quantities("by 2035, since 1979.", Lang::English),
            vec![Quantity::Year(2035), Quantity::Year(1979)]
        );
        assert_eq!(
            quantities(
                "An Airbus A321 and Solaris-2, an Ariane-6-Rakete",
                Lang::German
            ),
            vec![
                Quantity::Code("a321".into()),
                Quantity::Code("solaris2".into()),
                Quantity::Code("ariane6".into())
            ]
        );
        assert_eq!(
            quantities("the 87th minute", Lang::English),
            vec![n("87", 0)]
        );
        assert_eq!(
            quantities("à la 87e minute", Lang::French),
            vec![n("87", 0)]
        );
        assert_eq!(quantities("2.5 km", Lang::English), vec![n("25", -1)]);
        assert_eq!(quantities("2,500 cycles", Lang::English), vec![n("25", 2)]);
        assert_eq!(
            quantities("2500 Ladezyklen", Lang::German),
            vec![n("25", 2)]
        );
    }
}
