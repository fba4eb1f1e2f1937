//! Elision in French and Italian: an article or pronoun cut before a vowel and joined to the
//! next word by an apostrophe (`l’arrivée`, `d’écran`, `qu’il`, `dell’anno`). Text is split at
//! the apostrophe, so a document holds `l` and `arrivée` as two words; a reader who types
//! `l'arrivée` means the word `arrivée`, whatever precedes it in the article (`d’arrivée`,
//! `les arrivées`), not the two words in a row. So a typed word loses its elided prefix when
//! it is looked up in the fields of these languages; in the others it is left as typed.
//! Either apostrophe counts, straight or curly.

use crate::lang::Lang;

/// The elided words of French: articles, pronouns and conjunctions.
const FRENCH: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// The elided words of Italian: articles, prepositions joined to them, and a few more.
const ITALIAN: &[&str] = &[
    "l", "un", "d", "dell", "all", "dall", "nell", "sull", "coll", "quell", "quest", "c", "m", "n",
    "s", "t", "v", "anch", "com", "dov", "nessun", "alcun", "ciascun", "bell", "sant",
];

/// The apostrophes that join an elided word to the next: straight, and the typographic one.
const APOSTROPHES: &[char] = &['\'', '\u{2019}'];

/// The word `word` stands for in `lang`: without its elided prefix in French and Italian
/// (`l'Horizon` → `Horizon`), as typed otherwise or when nothing would be left of it.
pub fn strip<'a>(lang: &Lang, word: &'a str) -> &'a str {
    let elided = match lang.code {
        "fr" => FRENCH,
        "it" => ITALIAN,
        _ => return word,
    };
    let Some((prefix, rest)) = word.split_once(APOSTROPHES) else {
        return word;
    };
    let known = elided.iter().any(|e| e.eq_ignore_ascii_case(prefix));
    if known && rest.chars().any(char::is_alphanumeric) {
        rest
    } else {
        word
    }
}

#[cfg(test)]
mod tests {
    use super::strip;
    use crate::lang::analyser_for;

    #[test]
    fn french_and_italian_words_lose_their_elided_prefix() {
        let fr = analyser_for("fr");
        assert_eq!(strip(fr, "l'Horizon"), "Horizon");
        assert_eq!(strip(fr, "L’Horizon"), "Horizon");
        assert_eq!(strip(fr, "d'écran"), "écran");
        assert_eq!(strip(fr, "Qu’il"), "il");
        assert_eq!(strip(fr, "jusqu'au"), "au");
        // Not an elided word, or nothing after it: as typed.
        assert_eq!(strip(fr, "aujourd'hui"), "aujourd'hui");
        assert_eq!(strip(fr, "l'"), "l'");
        assert_eq!(strip(fr, "horizon"), "horizon");
        let it = analyser_for("it");
        assert_eq!(strip(it, "dell'anno"), "anno");
        assert_eq!(strip(it, "l’Italia"), "Italia");
        // Other languages keep the apostrophe's words: O'Brien is not an elision.
        assert_eq!(strip(analyser_for("en"), "l'Horizon"), "l'Horizon");
        assert_eq!(strip(analyser_for("en"), "O'Brien"), "O'Brien");
    }
}
