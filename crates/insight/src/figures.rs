//! The counts of people a story states — dead, injured, missing, rescued, casualties — read
//! in English, German and French, and which sentences give a figure that a newer report of
//! the story has changed. A developing story is told as of its latest report: when reports
//! published at different times give different values of one count (a death toll of 41,
//! then 58, then 71), the newest report's value is the story's, and a sentence of an older
//! report giving another value is out of date (the summary and the key points leave it
//! out, see [`crate::summary::select_besides`]).
//!
//! A count is a number (digits, as [`crate::crosslang::numbers`] reads them in the three
//! languages) next to a word that says what it counts: after it ("41 dead", "58 people were
//! killed", "63 Tote", "71 morts", "12 missing") within [`AFTER`] words, or before it
//! ("killing at least 41", "tuant 71") within [`VERB_BEFORE`] words, or a noun naming the
//! count further back ("the death toll … rose to 52", "die Zahl der Toten stieg auf 63",
//! "le bilan s'élève à 71") within [`NOUN_BEFORE`]; the nearest cue wins, one after the
//! number on a tie. Another number or a break (`;`, `:`, a dash, a bracket) ends the search,
//! and a comma ends it after the number ("41 people, including 12 children, died" gives 12
//! only). Numbers spelled in words from two to ninety-nine count as well ("thirty-one",
//! "einunddreißig", "trente et un"; not "one", which is also an article). Not read are
//! percentages, years, times,
//! fractions, days of the month ("on 8 March"), and numbers glued to a word ("87th", "the
//! '80s") or joined to one by a hyphen ("a 25-vehicle pileup"). A sentence that names a year before its report's (the 1979 quake that "killed
//! more than 300") tells of another event, and its counts are not read.
//!
//! Only reports with a publication time take part: without times, which report is newer is
//! unknown and nothing is out of date. Several values of one count in the newest report
//! (two towns' tolls) are all current.

use std::collections::HashMap;
use std::ops::Range;

use crate::article::StoryArticle;
use crate::crosslang::Lang;
use crate::crosslang::numbers::{Quantity, quantities_at};
use crate::dates::civil_from_days;
use crate::sentences::Sentence;

/// What a stated count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Count {
    /// People killed: "dead", "killed", "death toll", "Tote", "morts", "bilan".
    Dead,
    /// People injured: "injured", "wounded", "Verletzte", "blessés".
    Injured,
    /// People missing: "missing", "unaccounted for", "Vermisste", "disparus".
    Missing,
    /// People rescued: "rescued", "gerettet", "secourus".
    Rescued,
    /// Casualties or victims, not said which: "casualties", "victims", "Opfer", "victimes".
    Casualties,
}

/// One count a sentence states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatedCount {
    /// What it counts.
    pub count: Count,
    /// The value stated.
    pub value: u64,
}

/// The most words from a number to a cue after it ("58 people were killed": 3).
pub const AFTER: usize = 4;
/// The most words from a verb before a number to it ("killing at least 41": 3).
pub const VERB_BEFORE: usize = 4;
/// The most words from a noun naming a count before a number to it ("the death toll from
/// the earthquake that struck the coast before dawn rose to at least 52").
pub const NOUN_BEFORE: usize = 16;

/// Words after a number that say what it counts, lowercase, per language.
fn cue_after(word: &str, lang: Lang) -> Option<Count> {
    use Count::*;
    let count = match lang {
        Lang::English => match word {
            "dead" | "deaths" | "killed" | "died" | "fatalities" | "lives" | "bodies" => Dead,
            "injured" | "wounded" | "hurt" | "injuries" => Injured,
            "missing" | "unaccounted" => Missing,
            "rescued" | "saved" | "survivors" => Rescued,
            "casualties" | "victims" => Casualties,
            _ => return None,
        },
        Lang::German => match word {
            "tote" | "toten" | "todesopfer" | "starben" | "gestorben" | "getötet" | "ums"
            | "tot" | "leichen" => Dead,
            "verletzte" | "verletzten" | "verletzt" | "verwundete" | "verwundet"
            | "schwerverletzte" => Injured,
            "vermisste" | "vermissten" | "vermisst" => Missing,
            "gerettet" | "gerettete" | "geretteten" | "überlebende" => Rescued,
            "opfer" => Casualties,
            _ => return None,
        },
        Lang::French => match word {
            "morts" | "mort" | "mortes" | "tués" | "tuées" | "tué" | "décès" | "décédés"
            | "décédées" | "péri" => Dead,
            "blessés" | "blessées" | "blessé" | "blessée" => Injured,
            "disparus" | "disparues" | "disparu" => Missing,
            "secourus" | "secourues" | "sauvés" | "sauvées" | "rescapés" | "survivants" => {
                Rescued
            }
            "victimes" => Casualties,
            _ => return None,
        },
    };
    Some(count)
}

/// Verbs before a number that say what it counts ("killing 41"), lowercase, per language.
fn verb_before(word: &str, lang: Lang) -> Option<Count> {
    use Count::*;
    let count = match lang {
        Lang::English => match word {
            "killing" | "killed" | "kills" | "kill" => Dead,
            "injuring" | "injured" | "injures" | "wounding" | "wounded" => Injured,
            "rescued" | "rescuing" | "saved" => Rescued,
            _ => return None,
        },
        Lang::German => match word {
            "tötete" | "töteten" => Dead,
            "verletzte" => Injured,
            "rettete" | "retteten" => Rescued,
            _ => return None,
        },
        Lang::French => match word {
            "tuant" | "tué" | "tue" => Dead,
            "blessant" => Injured,
            "secouru" | "sauvé" => Rescued,
            _ => return None,
        },
    };
    Some(count)
}

/// Nouns that name a count some way before its number ("the death toll … rose to 52").
fn noun_before(word: &str, lang: Lang) -> Option<Count> {
    use Count::*;
    let count = match lang {
        // Not "dead", "injured", "missing": before a number they are mostly adjectives
        // ("missing Flight 370", "the Grateful Dead in the '80s").
        Lang::English => match word {
            "toll" | "deaths" | "fatalities" => Dead,
            "casualties" => Casualties,
            _ => return None,
        },
        Lang::German => match word {
            "toten" | "tote" | "todesopfer" | "todeszahl" | "totenzahl" | "opferzahl" => Dead,
            "verletzten" => Injured,
            "vermissten" => Missing,
            _ => return None,
        },
        Lang::French => match word {
            "bilan" | "morts" | "décès" => Dead,
            "blessés" => Injured,
            "disparus" => Missing,
            _ => return None,
        },
    };
    Some(count)
}

/// Whether `word` names a month (the dates module's tables, three languages) when it comes
/// `before` a number ("May 8"): English "may" after a number is the verb ("41 may have
/// died").
fn is_month(word: &str, before: bool) -> bool {
    if word == "may" {
        before
    } else {
        crate::dates::is_month_name(word)
    }
}

/// One piece of a sentence, as the cues are looked for.
#[derive(Debug, PartialEq)]
enum Piece {
    /// A word, lowercase.
    Word(String),
    /// A count's candidate value: a whole number.
    Number(u64),
    /// Any other quantity (a year, a time, a share, a fraction, a code): counted as a word
    /// and, but for a code, ending a search as a number does.
    Other { ends_search: bool },
    /// A comma: ends the search after a number.
    Comma,
    /// `;`, `:`, a dash or a bracket: ends every search.
    Break,
}

/// Numbers from two to nineteen written as one word, per language ("one", "ein", "un" are
/// also articles and are read only as the units of a compound).
fn small_number(word: &str, lang: Lang) -> Option<u64> {
    let n = match lang {
        Lang::English => match word {
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "five" => 5,
            "six" => 6,
            "seven" => 7,
            "eight" => 8,
            "nine" => 9,
            "ten" => 10,
            "eleven" => 11,
            "twelve" => 12,
            "thirteen" => 13,
            "fourteen" => 14,
            "fifteen" => 15,
            "sixteen" => 16,
            "seventeen" => 17,
            "eighteen" => 18,
            "nineteen" => 19,
            _ => return None,
        },
        Lang::German => match word {
            "zwei" => 2,
            "drei" => 3,
            "vier" => 4,
            "fünf" => 5,
            "sechs" => 6,
            "sieben" => 7,
            "acht" => 8,
            "neun" => 9,
            "zehn" => 10,
            "elf" => 11,
            "zwölf" => 12,
            "dreizehn" => 13,
            "vierzehn" => 14,
            "fünfzehn" => 15,
            "sechzehn" => 16,
            "siebzehn" => 17,
            "achtzehn" => 18,
            "neunzehn" => 19,
            _ => return None,
        },
        Lang::French => match word {
            "deux" => 2,
            "trois" => 3,
            "quatre" => 4,
            "cinq" => 5,
            "six" => 6,
            "sept" => 7,
            "huit" => 8,
            "neuf" => 9,
            "onze" => 11,
            "douze" => 12,
            "treize" => 13,
            "quatorze" => 14,
            "quinze" => 15,
            "seize" => 16,
            _ => return None,
        },
    };
    Some(n)
}

/// The units one to nine that end a compound ("thirty-one", "einunddreißig", "trente et
/// un").
fn unit(word: &str, lang: Lang) -> Option<u64> {
    match (lang, word) {
        (Lang::English, "one") | (Lang::German, "ein") | (Lang::French, "un" | "une") => Some(1),
        _ => small_number(word, lang).filter(|n| *n <= 9),
    }
}

/// Tens written as a word ("thirty", "dreißig", "trente"; French "dix" opens "dix-sept").
fn tens(word: &str, lang: Lang) -> Option<u64> {
    let n = match lang {
        Lang::English => match word {
            "twenty" => 20,
            "thirty" => 30,
            "forty" => 40,
            "fifty" => 50,
            "sixty" => 60,
            "seventy" => 70,
            "eighty" => 80,
            "ninety" => 90,
            _ => return None,
        },
        Lang::German => match word {
            "zwanzig" => 20,
            "dreißig" => 30,
            "vierzig" => 40,
            "fünfzig" => 50,
            "sechzig" => 60,
            "siebzig" => 70,
            "achtzig" => 80,
            "neunzig" => 90,
            _ => return None,
        },
        Lang::French => match word {
            "dix" => 10,
            "vingt" => 20,
            "trente" => 30,
            "quarante" => 40,
            "cinquante" => 50,
            "soixante" => 60,
            _ => return None,
        },
    };
    Some(n)
}

/// A number from two to ninety-nine spelled in words, `word` (lowercase) being its first
/// word, which ends at `*end` in `chars`: "seven", "thirty-one", "einunddreißig", "trente
/// et un", "dix-sept". A unit after a hyphen (or French "et") is read too, and `*end` moved
/// past it.
fn spelled_number(chars: &[char], word: &str, end: &mut usize, lang: Lang) -> Option<u64> {
    let mut at = *end;
    let n = spelled_value(chars, word, &mut at, lang)?;
    // "seven hundred", "zwei Millionen", "trois mille": a larger number, not read.
    let mut k = at;
    while chars.get(k).is_some_and(|c| c.is_whitespace()) {
        k += 1;
    }
    let start = k;
    while chars.get(k).is_some_and(|c| c.is_alphabetic()) {
        k += 1;
    }
    let next: String = chars[start..k]
        .iter()
        .flat_map(|c| c.to_lowercase())
        .collect();
    if MULTIPLIER_WORDS.contains(&next.as_str()) {
        return None;
    }
    *end = at;
    Some(n)
}

/// Words that multiply a number before them, lowercase, in the three languages.
const MULTIPLIER_WORDS: &[&str] = &[
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "dozen",
    "hundert",
    "tausend",
    "million",
    "millionen",
    "milliarde",
    "milliarden",
    "dutzend",
    "cent",
    "cents",
    "mille",
    "milliers",
    "milliard",
    "milliards",
    "douzaine",
];

/// [`spelled_number`] without the look at the word after it.
fn spelled_value(chars: &[char], word: &str, end: &mut usize, lang: Lang) -> Option<u64> {
    if lang == Lang::German
        && let Some((u, t)) = word.split_once("und")
        && let (Some(u), Some(t)) = (unit(u, lang), tens(t, lang))
    {
        return Some(t + u);
    }
    let Some(t) = tens(word, lang) else {
        return small_number(word, lang);
    };
    // The next word and where it ends, skipping one separator character.
    let next_word = |from: usize| -> (String, usize) {
        let mut k = from + 1;
        while k < chars.len() && chars[k].is_alphabetic() {
            k += 1;
        }
        let w = chars[(from + 1).min(k)..k]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect();
        (w, k)
    };
    if chars.get(*end) == Some(&'-') {
        let (w, k) = next_word(*end);
        if let Some(u) = unit(&w, lang) {
            *end = k;
            return Some(t + u);
        }
    }
    if lang == Lang::French && chars.get(*end) == Some(&' ') {
        let (et, k) = next_word(*end);
        if et == "et" && chars.get(k) == Some(&' ') {
            let (w, k2) = next_word(k);
            if w == "un" || w == "une" {
                *end = k2;
                return Some(t + 1);
            }
        }
    }
    Some(t)
}

/// A whole number from a quantity, when it is one (not a share, a fraction, a year).
fn whole(q: &Quantity) -> Option<u64> {
    match q {
        Quantity::Number {
            digits,
            exp,
            percent: false,
        } if *exp >= 0 && digits.len() as i32 + *exp <= 18 => {
            let base: u64 = digits.parse().ok()?;
            base.checked_mul(10u64.checked_pow(*exp as u32)?)
        }
        _ => None,
    }
}

/// The pieces of `text`, and the years it names.
fn pieces(text: &str, lang: Lang) -> (Vec<Piece>, Vec<i32>) {
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<(Quantity, Range<usize>)> = quantities_at(text, lang);
    let years = found
        .iter()
        .filter_map(|(q, _)| match q {
            Quantity::Year(y) => Some(*y),
            _ => None,
        })
        .collect();
    let mut at: HashMap<usize, (Quantity, usize)> = found
        .into_iter()
        .map(|(q, range)| (range.start, (q, range.end)))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((q, end)) = at.remove(&i) {
            // A number glued to letters ("87th", "the '80s", "14bn") or joined by a hyphen to
            // the word after it ("a 25-vehicle pileup", "a 42-member team") is not a count.
            let glued = chars[i..end.min(chars.len())]
                .windows(2)
                .any(|w| w[0].is_ascii_digit() && w[1].is_alphabetic());
            let compound = chars.get(end) == Some(&'-')
                && chars.get(end + 1).is_some_and(|c| c.is_alphabetic());
            out.push(match whole(&q).filter(|_| !glued && !compound) {
                Some(n) => Piece::Number(n),
                None => Piece::Other {
                    ends_search: !matches!(q, Quantity::Code(_)),
                },
            });
            i = end.max(i + 1);
            continue;
        }
        let c = chars[i];
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i]
                .iter()
                .flat_map(|c| c.to_lowercase())
                .collect();
            out.push(match spelled_number(&chars, &word, &mut i, lang) {
                Some(n) => Piece::Number(n),
                None => Piece::Word(word),
            });
            continue;
        }
        match c {
            ',' => out.push(Piece::Comma),
            ';' | ':' | '(' | ')' | '[' | ']' | '–' | '—' => out.push(Piece::Break),
            _ => {}
        }
        i += 1;
    }
    // A day of the month is a date.
    let word = |k: Option<usize>| match k.and_then(|k| out.get(k)) {
        Some(Piece::Word(w)) => Some(w.clone()),
        _ => None,
    };
    let dates: Vec<usize> = (0..out.len())
        .filter(|&k| matches!(out[k], Piece::Number(_)))
        .filter(|&k| {
            word(Some(k + 1)).is_some_and(|w| is_month(&w, false))
                || word(k.checked_sub(1)).is_some_and(|w| is_month(&w, true))
        })
        .collect();
    for k in dates {
        out[k] = Piece::Other { ends_search: true };
    }
    (out, years)
}

/// The counts `text` (one sentence, written in `lang`) states, in its order.
pub fn stated_counts(text: &str, lang: Lang) -> Vec<StatedCount> {
    let (pieces, _) = pieces(text, lang);
    counts_in(&pieces, lang)
}

/// The counts stated in `pieces`.
fn counts_in(pieces: &[Piece], lang: Lang) -> Vec<StatedCount> {
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let Piece::Number(value) = *piece else {
            continue;
        };
        let after = nearest_after(pieces, i, lang);
        let before = nearest_before(pieces, i, lang);
        let count = match (after, before) {
            (Some((da, a)), Some((db, b))) => Some(if db < da { b } else { a }),
            (a, b) => a.or(b).map(|(_, c)| c),
        };
        if let Some(count) = count {
            out.push(StatedCount { count, value });
        }
    }
    out
}

/// The nearest cue after the number at `i`, with its distance in words.
fn nearest_after(pieces: &[Piece], i: usize, lang: Lang) -> Option<(usize, Count)> {
    let mut distance = 0;
    for piece in &pieces[i + 1..] {
        match piece {
            Piece::Word(w) => {
                distance += 1;
                if distance > AFTER {
                    return None;
                }
                if let Some(count) = cue_after(w, lang) {
                    return Some((distance, count));
                }
            }
            Piece::Other { ends_search: false } => distance += 1,
            _ => return None,
        }
    }
    None
}

/// The nearest cue before the number at `i` (a verb close by, a noun further back), with
/// its distance in words.
fn nearest_before(pieces: &[Piece], i: usize, lang: Lang) -> Option<(usize, Count)> {
    let mut distance = 0;
    for piece in pieces[..i].iter().rev() {
        match piece {
            Piece::Word(w) => {
                distance += 1;
                if distance > NOUN_BEFORE {
                    return None;
                }
                let verb = (distance <= VERB_BEFORE)
                    .then(|| verb_before(w, lang))
                    .flatten();
                if let Some(count) = verb.or_else(|| noun_before(w, lang)) {
                    return Some((distance, count));
                }
            }
            Piece::Comma | Piece::Other { ends_search: false } => {}
            _ => return None,
        }
    }
    None
}

/// The counts every sentence of a story states, and the latest value of each.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// For each sentence, the counts it states.
    stated: Vec<Vec<StatedCount>>,
    /// For each sentence, its report's publication time.
    times: Vec<Option<i64>>,
    /// For each count stated in a report with a time: the newest such report's time and
    /// the values it states.
    latest: HashMap<Count, (i64, Vec<u64>)>,
}

impl Figures {
    /// Reads the counts of `sentences` (of `articles`, as [`crate::Corpus`] splits them).
    pub fn of(articles: &[StoryArticle], sentences: &[Sentence]) -> Figures {
        let mut stated = Vec::with_capacity(sentences.len());
        let mut times = Vec::with_capacity(sentences.len());
        for s in sentences {
            let article = articles.get(s.article);
            let time = article.and_then(|a| a.published);
            times.push(time);
            if s.furniture {
                stated.push(Vec::new());
                continue;
            }
            let lang = Lang::of(article.and_then(|a| a.language.as_deref()));
            let (pieces, years) = pieces(&s.text, lang);
            let year = time.map(|t| civil_from_days(t.div_euclid(86_400)).0);
            // A sentence about an earlier year tells of another event.
            let of_the_past = year.is_some_and(|y| years.iter().any(|&n| i64::from(n) < y));
            stated.push(if of_the_past {
                Vec::new()
            } else {
                counts_in(&pieces, lang)
            });
        }
        let mut latest: HashMap<Count, (i64, Vec<u64>)> = HashMap::new();
        for (counts, time) in stated.iter().zip(&times) {
            let Some(time) = *time else { continue };
            for c in counts {
                let entry = latest.entry(c.count).or_insert((time, Vec::new()));
                if time > entry.0 {
                    *entry = (time, Vec::new());
                }
                if time == entry.0 && !entry.1.contains(&c.value) {
                    entry.1.push(c.value);
                }
            }
        }
        Figures {
            stated,
            times,
            latest,
        }
    }

    /// The counts sentence `i` states.
    pub fn stated(&self, i: usize) -> &[StatedCount] {
        self.stated.get(i).map_or(&[], Vec::as_slice)
    }

    /// Whether `c`, stated in a sentence of a report published at `time`, is out of date:
    /// a newer report gives the count and not this value.
    fn superseded(&self, c: &StatedCount, time: Option<i64>) -> bool {
        match (time, self.latest.get(&c.count)) {
            (Some(time), Some((newest, values))) => time < *newest && !values.contains(&c.value),
            _ => false,
        }
    }

    /// Whether sentence `i` gives a figure a newer report has changed.
    pub fn outdated(&self, i: usize) -> bool {
        let time = self.times.get(i).copied().flatten();
        self.stated(i).iter().any(|c| self.superseded(c, time))
    }

    /// Whether sentence `newer` gives the latest value of a count that sentence `older`
    /// gives out of date: it can tell the reader what `older` would have told wrong.
    pub fn updates(&self, older: usize, newer: usize) -> bool {
        if self.outdated(newer) {
            return false;
        }
        let time = self.times.get(older).copied().flatten();
        let newer_time = self.times.get(newer).copied().flatten();
        self.stated(older)
            .iter()
            .filter(|c| self.superseded(c, time))
            .any(|old| {
                self.stated(newer).iter().any(|c| {
                    c.count == old.count
                        && self.latest.get(&c.count).is_some_and(|(t, values)| {
                            newer_time == Some(*t) && values.contains(&c.value)
                        })
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::split_article;

    fn counts(text: &str, lang: Lang) -> Vec<(Count, u64)> {
        stated_counts(text, lang)
            .into_iter()
            .map(|c| (c.count, c.value))
            .collect()
    }

    #[test]
    fn tolls_in_english() {
        use Count::*;
        let en = Lang::English;
        for (text, want) in [
            (
                "A magnitude 6.9 earthquake struck off the coast of Marovia before dawn, killing at least 41 people, collapsing buildings.",
                vec![(Dead, 41)],
            ),
            (
                "The death toll from the earthquake that struck Marovia’s coast before dawn rose to at least 52, with dozens more people still unaccounted for.",
                vec![(Dead, 52)],
            ),
            (
                "Marovia quake toll climbs to 58 as Westhaven rescue team flies out",
                vec![(Dead, 58)],
            ),
            (
                "At least 71 people were killed and 400 injured.",
                vec![(Dead, 71), (Injured, 400)],
            ),
            (
                "The quake killed 41 and injured 200.",
                vec![(Dead, 41), (Injured, 200)],
            ),
            (
                "Twelve remain missing; 1,200 were rescued.",
                vec![(Missing, 12), (Rescued, 1_200)],
            ),
            (
                "Officials said 12 people are still missing.",
                vec![(Missing, 12)],
            ),
            ("Hospitals reported 90 casualties.", vec![(Casualties, 90)]),
            // A number that counts something else, or a toll's earlier value.
            ("The quake damaged more than 1,800 buildings.", vec![]),
            (
                "A 42-member search-and-rescue team will fly 18 tonnes of equipment.",
                vec![],
            ),
            ("The toll rose to 58 from 41.", vec![(Dead, 58)]),
            ("About 44.8% of the dead were elderly.", vec![]),
            ("The quake struck at 3:42 a.m., killing dozens.", vec![]),
            (
                "Flight MH370 went missing on 8 March with 239 people on board.",
                vec![],
            ),
            (
                "A robot will look for missing Flight 370 on the sea floor.",
                vec![],
            ),
            // Not the 25 of the compound; the spelled two.
            (
                "A 25-vehicle pileup killed at least two people.",
                vec![(Dead, 2)],
            ),
            (
                "Thirty-one people were rescued from the river.",
                vec![(Rescued, 31)],
            ),
            (
                "Rescue teams pulled 31 survivors from the water.",
                vec![(Rescued, 31)],
            ),
            (
                "Seven hundred were injured and twenty-two are missing.",
                vec![(Missing, 22)],
            ),
            ("He played with the Dead during the '80s and 90s.", vec![]),
            ("The storm killed 12 people on March 3.", vec![(Dead, 12)]),
            (
                "At least 41 people were killed on 8 March.",
                vec![(Dead, 41)],
            ),
        ] {
            assert_eq!(counts(text, en), want, "{text}");
        }
    }

    #[test]
    fn tolls_in_german_and_french() {
        use Count::*;
        let (de, fr) = (Lang::German, Lang::French);
        for (text, lang, want) in [
            (
                "Mindestens 63 Menschen kamen ums Leben.",
                de,
                vec![(Dead, 63)],
            ),
            (
                "Die Zahl der Toten stieg nach Behördenangaben auf 63.",
                de,
                vec![(Dead, 63)],
            ),
            (
                "Mehr als 1.200 Verletzte wurden behandelt, 14 werden vermisst.",
                de,
                vec![(Injured, 1_200), (Missing, 14)],
            ),
            (
                "Le bilan s’élève désormais à 71 morts et 350 blessés.",
                fr,
                vec![(Dead, 71), (Injured, 350)],
            ),
            ("Le séisme a tué 41 personnes.", fr, vec![(Dead, 41)]),
            (
                "Einunddreißig Menschen wurden gerettet, zwei Millionen Menschen sind betroffen.",
                de,
                vec![(Rescued, 31)],
            ),
            (
                "Trente et un passagers ont été secourus, dix-sept sont disparus.",
                fr,
                vec![(Rescued, 31), (Missing, 17)],
            ),
            (
                "Am 8. März wurden 14 Menschen getötet.",
                de,
                vec![(Dead, 14)],
            ),
            (
                "Le 8 mars, le bilan est passé à 30 morts.",
                fr,
                vec![(Dead, 30)],
            ),
            (
                "Le bilan du 8 mars s’élève à 30 morts.",
                fr,
                vec![(Dead, 30)],
            ),
            (
                "Une trentaine de personnes ont été secourues, 9 sont portées disparues.",
                fr,
                vec![(Missing, 9)],
            ),
        ] {
            assert_eq!(counts(text, lang), want, "{text}");
        }
    }

    fn article(id: &str, published: Option<i64>, body: &str) -> StoryArticle {
        StoryArticle {
            id: id.into(),
            published,
            body: body.into(),
            ..Default::default()
        }
    }

    fn figures(articles: &[StoryArticle]) -> (Vec<Sentence>, Figures) {
        let sentences: Vec<Sentence> = articles
            .iter()
            .enumerate()
            .flat_map(|(i, a)| split_article(i, &a.body))
            .collect();
        let figures = Figures::of(articles, &sentences);
        (sentences, figures)
    }

    fn find(sentences: &[Sentence], part: &str) -> usize {
        sentences
            .iter()
            .position(|s| s.text.contains(part))
            .unwrap_or_else(|| panic!("no sentence with {part}"))
    }

    const HOUR: i64 = 3_600;
    const T: i64 = 1_780_000_000;

    #[test]
    fn the_newest_report_s_value_wins() {
        let articles = [
            article(
                "a",
                Some(T),
                "The earthquake killed at least 41 people. Rescuers searched the old town.",
            ),
            article(
                "b",
                Some(T + 2 * HOUR),
                "The death toll has risen to 58, officials said.",
            ),
            article(
                "c",
                Some(T + 4 * HOUR),
                "At least 71 people were killed, officials said.",
            ),
        ];
        let (s, f) = figures(&articles);
        let (s41, s58, s71) = (find(&s, "41"), find(&s, "58"), find(&s, "71"));
        assert!(
            f.outdated(s41) && f.outdated(s58),
            "older values are out of date"
        );
        assert!(!f.outdated(s71), "the newest report's value is current");
        assert!(
            !f.outdated(find(&s, "Rescuers")),
            "a sentence without a count is not"
        );
        assert!(f.updates(s41, s71) && f.updates(s58, s71));
        assert!(!f.updates(s41, s58), "58 is not the latest value");
        assert!(!f.updates(s71, s41));
    }

    #[test]
    fn an_older_report_agreeing_or_undated_or_of_another_count_is_not_out_of_date() {
        let articles = [
            article(
                "a",
                Some(T),
                "The earthquake killed at least 41 people. About 300 people were injured.",
            ),
            article(
                "b",
                Some(T + HOUR),
                "The quake killed 41 people, officials said.",
            ),
            article("c", None, "The quake killed 35 people, a hospital said."),
            article(
                "d",
                Some(T + 2 * HOUR),
                "Seven hundred were injured; at least 20 are missing.",
            ),
        ];
        let (s, f) = figures(&articles);
        assert!(
            !f.outdated(find(&s, "at least 41")),
            "the same value as the newest report"
        );
        assert!(
            !f.outdated(find(&s, "35")),
            "a report without a time is never out of date"
        );
        assert!(
            !f.outdated(find(&s, "300")),
            "no newer report gives a figure of the injured"
        );
    }

    #[test]
    fn a_count_of_an_earlier_year_tells_of_another_event() {
        let articles = [
            article(
                "a",
                Some(T),
                "Its last deadly earthquake, in 1979, killed more than 300 people.",
            ),
            article("b", Some(T + HOUR), "The quake killed 58 people."),
        ];
        let (s, f) = figures(&articles);
        assert!(f.stated(find(&s, "1979")).is_empty());
        assert!(!f.outdated(find(&s, "1979")));
    }

    #[test]
    fn several_values_in_the_newest_report_are_all_current() {
        let articles = [
            article("a", Some(T), "The quake killed 30 people in Vessa."),
            article(
                "b",
                Some(T + HOUR),
                "The quake killed 41 people in Vessa. Another 12 died in Dravnik.",
            ),
        ];
        let (s, f) = figures(&articles);
        assert!(f.outdated(find(&s, "30")));
        assert!(!f.outdated(find(&s, "41")) && !f.outdated(find(&s, "12")));
    }
}
