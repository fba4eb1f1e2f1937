//! The tense a single word marks in English, German or French ("announced", "will",
//! "teilte", "reprendront"), so that a date word can be read with the verb of its own
//! clause rather than with any verb of its sentence.

/// Which way a word points in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tense {
    /// A past form or auxiliary ("said", "announced", "teilte", "annoncé").
    Past,
    /// A future form or auxiliary ("will", "would", "wird", "reprendront").
    Future,
}

/// English irregular past forms news text uses most.
const ENGLISH_PAST: &[&str] = &[
    "said", "told", "was", "were", "had", "did", "met", "made", "took", "came", "went", "gave",
    "left", "won", "lost", "held", "began", "sent", "spoke", "struck", "found", "saw", "became",
    "fell", "rose", "wrote", "broke", "ran", "paid", "sold", "bought", "brought", "thought",
    "kept", "led", "flew", "drew", "grew", "knew", "threw", "stood", "sat", "shot", "fought",
    "caught", "spent", "built",
];

/// English words that put what follows them ahead ("would" reports a future: "said it
/// would close on Friday"; "expected on Friday").
const ENGLISH_FUTURE: &[&str] = &[
    "will",
    "would",
    "shall",
    "going",
    "plans",
    "planned",
    "scheduled",
    "slated",
    "expected",
    "due",
];

/// German past forms and perfect auxiliaries.
const GERMAN_PAST: &[&str] = &[
    "sagte",
    "sagten",
    "teilte",
    "teilten",
    "erklärte",
    "erklärten",
    "kündigte",
    "kündigten",
    "meldete",
    "meldeten",
    "berichtete",
    "berichteten",
    "bestätigte",
    "bestätigten",
    "gab",
    "gaben",
    "war",
    "waren",
    "wurde",
    "wurden",
    "hatte",
    "hatten",
    "hat",
    "haben",
];

/// German future and reported-future auxiliaries.
const GERMAN_FUTURE: &[&str] = &[
    "wird", "werden", "werde", "würde", "würden", "soll", "sollen", "solle", "geplant",
];

/// French auxiliaries and forms that say the future ("va", "doit", "sera").
const FRENCH_FUTURE: &[&str] = &[
    "va", "vont", "doit", "doivent", "sera", "seront", "prévu", "prévue", "prévus", "prévues",
];

/// Endings of French future-tense verbs ("reprendront", "investira", "fera", "devra").
const FRENCH_FUTURE_ENDINGS: &[&str] = &["ront", "era", "ira", "dra", "rra", "vra", "ura"];

/// Endings of French past participles and imperfects ("annoncé", "signée", "était").
const FRENCH_PAST_ENDINGS: &[&str] = &["é", "ée", "és", "ées", "ait", "aient"];

/// The tense lowercase `word` marks in `language` (a tag such as `de` or `fr-CA`; English
/// for any other), or `None` when it marks none.
pub(crate) fn tense_of(language: Option<&str>, word: &str) -> Option<Tense> {
    let primary = language
        .and_then(|l| l.split(['-', '_']).next())
        .unwrap_or("")
        .to_ascii_lowercase();
    let long = word.chars().count() >= 4;
    match primary.as_str() {
        "de" => {
            if GERMAN_FUTURE.contains(&word) {
                Some(Tense::Future)
            } else {
                GERMAN_PAST.contains(&word).then_some(Tense::Past)
            }
        }
        "fr" => {
            if FRENCH_FUTURE.contains(&word)
                || (long && FRENCH_FUTURE_ENDINGS.iter().any(|e| word.ends_with(e)))
            {
                Some(Tense::Future)
            } else {
                (long && FRENCH_PAST_ENDINGS.iter().any(|e| word.ends_with(e)))
                    .then_some(Tense::Past)
            }
        }
        _ => {
            if ENGLISH_FUTURE.contains(&word) {
                Some(Tense::Future)
            } else {
                // "announced", "signed", but not "need", "speed", "red".
                let regular =
                    word.chars().count() >= 5 && word.ends_with("ed") && !word.ends_with("eed");
                (regular || ENGLISH_PAST.contains(&word)).then_some(Tense::Past)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tense_of_a_word_in_three_languages() {
        let en = |w| tense_of(Some("en"), w);
        assert_eq!(en("announced"), Some(Tense::Past));
        assert_eq!(en("said"), Some(Tense::Past));
        assert_eq!(en("will"), Some(Tense::Future));
        assert_eq!(en("scheduled"), Some(Tense::Future));
        assert_eq!(en("speed"), None);
        assert_eq!(en("meet"), None);
        assert_eq!(tense_of(None, "would"), Some(Tense::Future));
        let de = |w| tense_of(Some("de-AT"), w);
        assert_eq!(de("teilte"), Some(Tense::Past));
        assert_eq!(de("wird"), Some(Tense::Future));
        assert_eq!(de("freitag"), None);
        let fr = |w| tense_of(Some("fr"), w);
        assert_eq!(fr("annoncé"), Some(Tense::Past));
        assert_eq!(fr("reprendront"), Some(Tense::Future));
        assert_eq!(fr("investira"), Some(Tense::Future));
        assert_eq!(fr("vendredi"), None);
    }
}
