//! Names as keys that two languages share. A name the gazetteer knows is its canonical
//! entry ("Österreich" and "Autriche" are Austria); any other is folded (accents, doubled
//! consonants, transliteration endings: see [`crate::entities::names::fold_word`]) and
//! stripped of the endings the languages inflect and adapt names with, so "Marovia",
//! "Marovien", "Maroviens" and "Marovie" are one key, as are "Valencia" and "Valence".
//!
//! Besides the entities, the capitalised words of a body are read as names
//! ([`capitalised`]): a word capitalised inside an English or French sentence is a name,
//! and so is a German one when the other language capitalises it too, so the words two
//! languages both capitalise ("Leon Hartwig", "Skylark", "Fraport") are names the entity
//! rules may have missed in one of them.
//!
//! How much a shared name says depends on what it is: a country is in much of the day's
//! news, a person's full name in little of it.

use std::collections::HashSet;
use std::sync::LazyLock;

use tidings_text::calendar;

use crate::entities::gazetteer::{
    COUNTRIES, DETERMINERS_DE, TITLES, TITLES_DE_FR, is_determiner_fr, is_never_a_name,
};
use crate::entities::lookup::{lookup, lookup_de_fr, lookup_exonym};
use crate::entities::names::{fold_key, fold_words, slug};
use crate::{Entity, EntityKind};

/// Endings stripped from a folded word, longest first; the stem keeps at least
/// [`MIN_STEM`] letters.
const ENDINGS: &[&str] = &[
    "iens", "ienne", "ien", "ija", "ie", "ia", "ens", "en", "es", "e", "s", "a",
];

/// The shortest stem an ending is stripped to.
const MIN_STEM: usize = 4;

/// Folded keys of the gazetteer's countries.
static COUNTRY_KEYS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    COUNTRIES
        .iter()
        .filter_map(|line| line.split('|').next())
        .map(fold_key)
        .collect()
});

/// One folded word without its inflection ending.
fn stem(word: &str) -> &str {
    for ending in ENDINGS {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.chars().count() >= MIN_STEM
        {
            return stem;
        }
    }
    word
}

/// The key two languages share for a name not in the gazetteer.
pub fn stem_key(name: &str) -> String {
    fold_words(name)
        .iter()
        .map(|w| stem(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key by which a name the gazetteer does not know meets the name another language gives
/// the same entity ([`stem_key`]: "Marovia", "Marovien" and "Marovie" have one, "Anna Berg"
/// and "Thomas Berg" two). `None` for a name the gazetteer knows under any of its names: its
/// entry already gives the entity one slug in every language, and a name it takes for one
/// entry ("Georgia", the country) is never made another's here. `None` too for a name
/// without letters or digits.
pub fn unknown_name_key(name: &str) -> Option<String> {
    if lookup(name).is_some() || lookup_exonym(name).is_some() || lookup_de_fr(name).is_some() {
        return None;
    }
    Some(stem_key(name)).filter(|key| !key.is_empty())
}

/// How specific a name is, which sets its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A country: in much of the day's news.
    Country,
    /// An entry of the gazetteer other than a country (a capital, a world organisation, a
    /// head of state): in some of it.
    Known,
    /// One capitalised word the entity rules did not take for a name.
    Capitalised,
    /// A name of one word the gazetteer does not know (a surname alone, a town).
    Word,
    /// A name of two or more words the gazetteer does not know (a person, a company).
    Full,
}

/// The key and scope of a name the gazetteer knows, under any of its names.
fn known_key(name: &str) -> Option<(String, Scope)> {
    let known = lookup(name).or_else(|| lookup_exonym(name))?;
    let scope = if COUNTRY_KEYS.contains(&fold_key(known.canonical)) {
        Scope::Country
    } else {
        Scope::Known
    };
    Some((slug(known.canonical), scope))
}

/// The key and scope of an entity of a story.
pub fn entity_key(entity: &Entity) -> Option<(String, Scope)> {
    if let Some(known) = known_key(&entity.name) {
        return Some(known);
    }
    let key = stem_key(&entity.name);
    if key.is_empty() {
        return None;
    }
    let scope = if key.contains(' ') || entity.kind == EntityKind::Organisation {
        Scope::Full
    } else {
        Scope::Word
    };
    Some((key, scope))
}

/// Whether a capitalised word is a title, a calendar word, a determiner or a word the
/// gazetteer says is never a name.
fn never_a_name(word: &str) -> bool {
    let lower = word.to_lowercase();
    is_never_a_name(&lower)
        || TITLES.contains(&lower.as_str())
        || TITLES_DE_FR.contains(&lower.as_str())
        || calendar::GERMAN.is_day_or_month_name(&lower)
        || DETERMINERS_DE.contains(&lower.as_str())
        || is_determiner_fr(&lower)
}

/// Quotes and brackets around words.
fn is_wrapper(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '‘' | '’' | '“' | '”' | '„' | '«' | '»' | '(' | ')' | '[' | ']'
    )
}

/// One word of a body as [`capitalised`] reads it.
struct Word<'a> {
    /// The word without quotes, elided articles ("l'", "d'") or a possessive "'s".
    text: &'a str,
    /// It opens a sentence (or a quotation), where every word is capitalised.
    opens: bool,
    /// Punctuation after it ends a run of names.
    closes: bool,
}

/// The words of `text`.
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut opens = true;
    for raw in text.split(|c: char| c.is_whitespace()) {
        if raw.is_empty() {
            continue;
        }
        let quoted = raw.starts_with(is_wrapper);
        let mut w = raw.trim_start_matches(is_wrapper);
        // French elision: "l'Alpe", "d'Huez", "qu'Ilse".
        for (i, c) in w.char_indices().take(3) {
            if matches!(c, '\'' | '’') && i > 0 && i <= 2 {
                w = &w[i + c.len_utf8()..];
                break;
            }
        }
        let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        let closes = core.len() < w.len();
        let ends_sentence = w[core.len()..].contains(['.', '!', '?', ':']);
        let core = core
            .strip_suffix("'s")
            .or_else(|| core.strip_suffix("’s"))
            .unwrap_or(core);
        out.push(Word {
            text: core,
            opens: opens || quoted,
            closes,
        });
        opens = ends_sentence;
    }
    out
}

/// Whether a word is capitalised as a name: a capital then a lowercase letter, or an
/// acronym of two letters or more.
fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    first.is_uppercase()
        && (letters.iter().any(|c| c.is_lowercase())
            || (letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())))
}

/// The names a body's capitalisation shows: every pair of neighbouring capitalised words
/// (a name of two words, [`Scope::Full`], or the gazetteer's entry), and every single
/// capitalised word inside a sentence ([`Scope::Capitalised`]); titles, weekdays and
/// months left out.
pub fn capitalised(text: &str) -> Vec<(String, Scope)> {
    let words = words(text);
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if !is_capitalised(w.text) || never_a_name(w.text) || w.text.contains(char::is_numeric) {
            continue;
        }
        if !w.opens && w.text.chars().count() >= 3 {
            let key = known_key(w.text).unwrap_or_else(|| (stem_key(w.text), Scope::Capitalised));
            out.push(key);
        }
        if w.closes {
            continue;
        }
        if let Some(next) = words.get(i + 1)
            && is_capitalised(next.text)
            && !never_a_name(next.text)
            && !next.text.contains(char::is_numeric)
        {
            let pair = format!("{} {}", w.text, next.text);
            out.push(known_key(&pair).unwrap_or_else(|| (stem_key(&pair), Scope::Full)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(name: &str, kind: EntityKind) -> Entity {
        Entity {
            name: name.into(),
            kind,
            slug: slug(name),
            count: 1,
            articles: vec![0],
            outlets: 1,
        }
    }

    #[test]
    fn one_place_in_three_languages_is_one_key() {
        let keys: Vec<String> = ["Marovia", "Marovien", "Maroviens", "Marovie"]
            .into_iter()
            .map(stem_key)
            .collect();
        assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
        assert_eq!(stem_key("Valencia"), stem_key("Valence"));
        assert_eq!(stem_key("Tomáš Veselý"), stem_key("Tomas Vesely"));
        assert_eq!(stem_key("Andrij Sybenko"), stem_key("Andriy Sybenko"));
        assert_ne!(stem_key("Kestria"), stem_key("Kastria"));
        // A short name keeps its ending: "Hans" is not "Han".
        assert_eq!(stem_key("Hans"), "hans");
    }

    #[test]
    fn only_names_the_gazetteer_does_not_know_meet_by_their_stems() {
        let key = |name: &str| unknown_name_key(name);
        assert!(key("Marovia").is_some());
        assert_eq!(key("Marovia"), key("Marovien"));
        assert_eq!(key("Marovia"), key("Marovie"));
        assert_ne!(
            key("Anna Berg"),
            key("Thomas Berg"),
            "two people, one surname"
        );
        assert_ne!(key("Anna Berg"), key("Berg"));
        // The gazetteer decides for the names it knows, in every language.
        for known in ["Georgia", "Austria", "Österreich", "Kiew", "Atlanta"] {
            assert_eq!(key(known), None, "{known}");
        }
        assert_eq!(key("-"), None);
    }

    #[test]
    fn the_gazetteer_names_a_country_in_every_language() {
        let at = entity_key(&entity("Austria", EntityKind::Place)).expect("a key");
        assert_eq!(at, ("austria".to_string(), Scope::Country));
        let vienna = entity_key(&entity("Vienna", EntityKind::Place)).expect("a key");
        assert_eq!(vienna.1, Scope::Known);
        let kiew = entity_key(&entity("Kiew", EntityKind::Place)).expect("a key");
        assert_eq!(kiew, ("kyiv".to_string(), Scope::Known));
        let cz = entity_key(&entity("Tschechien", EntityKind::Place)).expect("a key");
        assert_eq!(cz, ("czech-republic".to_string(), Scope::Country));
        let person = entity_key(&entity("Henrike Vogt", EntityKind::Person)).expect("a key");
        assert_eq!(person.1, Scope::Full);
        let town = entity_key(&entity("Camerino", EntityKind::Place)).expect("a key");
        assert_eq!(town.1, Scope::Word);
    }

    #[test]
    fn capitalised_words_inside_sentences_are_names() {
        let keys =
            |text: &str| -> Vec<String> { capitalised(text).into_iter().map(|(k, _)| k).collect() };
        let en =
            keys("Leon Hartwig scored in the 87th minute. The Skylark jet landed, Fraport said.");
        assert!(en.contains(&"leon hartwig".to_string()), "{en:?}");
        assert!(en.contains(&"skylark".to_string()), "{en:?}");
        assert!(en.contains(&"fraport".to_string()), "{en:?}");
        assert!(
            !en.contains(&"the".to_string()),
            "a sentence's first word: {en:?}"
        );
        let de = keys("Verletzt wurde niemand, teilte Präfekt Laurent Vidal am Montag mit.");
        assert!(de.contains(&"laurent vidal".to_string()), "{de:?}");
        assert!(!de.iter().any(|k| k.contains("montag")), "{de:?}");
        // Every spelling the date reader knows is a calendar word here too.
        let de = keys("Das sagte Vidal im Jänner und am Sonnabend.");
        assert_eq!(de, ["vidal"]);
        let fr = keys("sur la route de l'Alpe d'Huez, a dit Ines Carvalho.");
        assert!(fr.contains(&"alpe huez".to_string()), "{fr:?}");
        assert!(fr.contains(&"ines carvalho".to_string()), "{fr:?}");
        assert_eq!(
            capitalised("beat Paris Saint-Germain 2-1"),
            capitalised("contre Paris Saint-Germain")
        );
    }
}
