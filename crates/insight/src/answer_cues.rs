//! What kind of answer a sentence can give, read from its words in English, German or
//! French: a number ("41", "eleven", "zwölf", "huit"), a moment (a weekday, a month, a
//! year, a clock time, "tomorrow"), a length of time ("six years", "48-hour"), a cause
//! ("because", "wegen", "à cause"). "Ask about this story" prefers sentences that offer
//! what the question wants.

use tidings_text::calendar;

/// Number words (digits are read as numbers anyway). "One" and its kin are left out:
/// they are articles in German and French and pronouns in English.
const NUMBER_WORDS: &str = "\
     two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty \
     fifty hundred hundreds thousand thousands million millions billion billions dozen dozens \
     half zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig hundert \
     hunderte tausend tausende millionen milliarde milliarden dutzend dutzende hälfte deux \
     trois quatre cinq sept huit neuf dix onze douze quinze vingt trente cent cents centaine \
     centaines mille milliard milliards dizaine dizaines douzaine moitié";

/// Words besides the weekdays and months ([`tidings_text::calendar`]) that place a
/// sentence in time.
const TIME_WORDS: &str = "\
     today tomorrow yesterday tonight midnight noon spring summer autumn winter heute \
     morgen gestern uhr mittag mitternacht frühjahr sommer herbst aujourd'hui demain hier \
     heure heures midi minuit printemps automne hiver";

/// Units of a length of time.
const TIME_UNITS: &str = "\
     second seconds minute minutes hour hours day days week weeks month months year years \
     decade decades sekunde sekunden minuten stunde stunden tag tage tagen woche wochen monat \
     monate monaten jahr jahre jahren jahrzehnt seconde secondes jour jours semaine semaines \
     mois an ans année années";

/// Words that give a cause.
const REASON_WORDS: &str = "\
     because due caused cause blamed weil wegen aufgrund verursacht ursache car parce raison \
     provoqué dû";

/// Currency words (their signs are read as characters).
const CURRENCY_WORDS: &str = "\
     dollar dollars euro euros pound pounds crown crowns franc francs yen yuan rupee rupees \
     kronor kroner dollar pfund franken livre livres couronne couronnes";

/// Words that speak of the future, whatever follows them. English "due", "expected",
/// "set" and "going" need their "to" and are read in [`speaks_of_future`].
const FUTURE_WORDS: &str = "\
     will won't shall 'll upcoming next scheduled planned \
     wird werden soll sollen voraussichtlich geplant künftig nächste nächsten nächster \
     nächstes bald \
     va vont sera seront aura auront ira iront fera feront pourra pourront devra devront \
     doit doivent devrait devraient prévu prévue prévus prévues prochain prochaine \
     prochains prochaines bientôt";

/// English words that speak of the future before "to" ("expected to reach", "plans to
/// open").
const FUTURE_BEFORE_TO: &str = "expected plans plan";

/// English words that speak of the future after a form of "be" and before "to" ("is due
/// to touch down", "are set to vote", "is going to rain"); without it they do not ("closed
/// due to snow", "went to", "set to music").
const FUTURE_AFTER_BE: &str = "due set going";

/// Forms of "be" for [`FUTURE_AFTER_BE`].
const BE: &str = "is are was were be 's";

/// What one sentence can answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cues {
    /// It holds a number.
    pub quantity: bool,
    /// It names a moment: a weekday, month, year, clock time or a day relative to today.
    pub moment: bool,
    /// It holds a length of time: a number before a unit of time.
    pub duration: bool,
    /// It gives a cause.
    pub reason: bool,
    /// It speaks of the future: "will", "is due to", "wird", "soll", "va", "rouleront".
    pub future: bool,
    /// It names an amount of money: a currency sign or word.
    pub money: bool,
    /// The years it names.
    pub years: Vec<u32>,
}

/// The cues of `sentence`.
pub fn cues_of(sentence: &str) -> Cues {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | ':' | '.' | ',')))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ',' | ':' | '\'' | '’')))
        .filter(|w| !w.is_empty())
        .collect();
    let mut cues = Cues {
        money: sentence.contains(['$', '€', '£', '¥']),
        future: speaks_of_future(&words),
        ..Cues::default()
    };
    for (i, w) in words.iter().enumerate() {
        let number = is_number(w);
        cues.quantity |= number;
        cues.money |= has(CURRENCY_WORDS, w);
        if let Some(year) = year_of(w) {
            cues.years.push(year);
        }
        cues.moment |= is_moment(w);
        // "six years", "48 hours", "zwei Wochen"; "48-hour" is split at its hyphen.
        if number && words.get(i + 1).is_some_and(|u| has(TIME_UNITS, u)) {
            cues.duration = true;
        }
        // "due to" gives a cause, "due for repairs" does not.
        cues.reason |= has(REASON_WORDS, w) && (*w != "due" || words.get(i + 1) == Some(&"to"));
    }
    cues
}

/// Whether lowercase `words` (a sentence's or a question's) speak of the future: an
/// auxiliary or marker in the three languages, an English "is due to"/"expected to", a French
/// future in "-ront" ("rouleront", "seront"), or a French future before an inverted
/// pronoun ("ira-t-il", split at its hyphens into "ira", "t", "il").
pub fn speaks_of_future(words: &[&str]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let next = words.get(i + 1).copied();
        has(FUTURE_WORDS, w)
            || w.ends_with("'ll")
            || w.ends_with("’ll")
            || (has(FUTURE_BEFORE_TO, w) && next == Some("to"))
            || (has(FUTURE_AFTER_BE, w)
                && i > 0
                && has(BE, words[i - 1])
                && matches!(next, Some("to" | "in" | "on")))
            || (w.chars().count() > 5 && w.ends_with("ront") && !w.ends_with("front"))
            || (w.ends_with("ra") && next == Some("t"))
    })
}

/// Whether the space-separated `list` holds `word`.
fn has(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// Whether `word` (lowercase) is a number: digits ("41", "1,200", "06:14") or a number word.
fn is_number(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_digit()) || has(NUMBER_WORDS, word)
}

/// Whether `word` (lowercase) names a moment: a time word, a weekday, a month (not
/// "may", mostly the verb), a year, a clock time ("06:14", "15h30") or a German weekday
/// compound ("dienstagmorgen").
fn is_moment(word: &str) -> bool {
    if has(TIME_WORDS, word)
        || (calendar::is_day_or_month_name(word) && !calendar::is_ambiguous_month(word))
        || calendar::GERMAN
            .weekday_names()
            .any(|d| word.starts_with(d))
    {
        return true;
    }
    let digits: String = word.chars().filter(char::is_ascii_digit).collect();
    let year = year_of(word).is_some();
    let clock = word.len() <= 5
        && digits.len() >= 3
        && word.contains([':', 'h'])
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == 'h');
    year || clock
}

/// The year `word` is, when it is four digits from 1800 to 2100.
fn year_of(word: &str) -> Option<u32> {
    (word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()))
        .then(|| word.parse::<u32>().ok())
        .flatten()
        .filter(|y| (1800..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_moments_durations_and_causes() {
        let c = cues_of("At least 17 people drowned on Sunday night.");
        assert!(c.quantity && c.moment && !c.duration && !c.reason, "{c:?}");
        let c = cues_of("It will take six years to reach Jupiter.");
        assert!(c.quantity && c.duration && !c.moment, "{c:?}");
        let c = cues_of("Train drivers began a 48-hour strike.");
        assert!(c.duration, "{c:?}");
        let c = cues_of("The probe lifted off at 06:14 local time.");
        assert!(c.moment, "{c:?}");
        let c = cues_of("It is expected to reach Jupiter in 2032.");
        assert!(c.moment && c.quantity, "{c:?}");
        let c = cues_of("Die Bewohner durften am Sonntagabend zurückkehren.");
        assert!(c.moment && !c.quantity, "{c:?}");
        // Any spelling of a weekday or month the date reader knows, but not the verb "may".
        let c = cues_of("Le vote aura lieu en fevrier, dit-il.");
        assert!(c.moment, "{c:?}");
        let c = cues_of("Die Fähre fährt wieder ab Sonnabendmorgen.");
        assert!(c.moment, "{c:?}");
        let c = cues_of("The council may decide otherwise.");
        assert!(!c.moment, "{c:?}");
        let c = cues_of("Huit membres d'équipage ont été secourus.");
        assert!(c.quantity, "{c:?}");
        let c = cues_of("The line closed because of the storm.");
        assert!(c.reason && !c.quantity && !c.moment, "{c:?}");
        let c = cues_of("The bridge was due for repairs; the line closed due to snow.");
        assert!(c.reason, "{c:?}");
        let c = cues_of("The bridge was due for repairs.");
        assert!(!c.reason, "{c:?}");
        let c = cues_of("Critics said the plan was too expensive.");
        assert_eq!(c, Cues::default());
        let c =
            cues_of("It gets a $14 billion fund; the last one, in 1979, had 300 million euros.");
        assert!(c.money && c.years == [1979], "{c:?}");
        assert!(!cues_of("The fund will run for five years.").money);
    }

    #[test]
    fn the_future_in_three_languages() {
        for future in [
            "The lander is due to touch down in about five weeks.",
            "The probe will enter orbit on August 6.",
            "It'll open next spring.",
            "Die Brücke wird 2032 freigegeben.",
            "Die Bauarbeiten sollen im Frühjahr beginnen.",
            "Les premières rames rouleront en 2029.",
            "Les travaux vont commencer en septembre.",
        ] {
            assert!(cues_of(future).future, "{future}");
        }
        for past in [
            "The lander separated 52 minutes after lift-off.",
            "The line closed due to snow.",
            "Die Brücke wurde 1972 eröffnet.",
            "La ligne B avait été inaugurée en 2006.",
            "Protesters stood at the front of the hall.",
        ] {
            assert!(!cues_of(past).future, "{past}");
        }
    }
}
