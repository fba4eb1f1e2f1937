//! The languages search analyses with a stemmer of their own, and how a document's language
//! tag maps onto them: one table shared by the tantivy fields and the PostgreSQL configurations.

use crate::query::{Clause, Query};
use tantivy::tokenizer::Language as Stemming;

/// A language with its own analyser: a Snowball stemmer in tantivy, a `tidings_*` text search
/// configuration in PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang {
    /// ISO 639-1 code, also the suffix of the tantivy fields (`title_de`).
    pub code: &'static str,
    /// The tantivy stemmer, `None` for the catch-all that only lower-cases.
    pub stemmer: Option<Stemming>,
    /// The PostgreSQL text search configuration.
    pub pg_config: &'static str,
}

/// Every analyser, the catch-all (`xx`: no stemming) last.
pub const LANGS: &[Lang] = &[
    lang("en", Some(Stemming::English), "tidings_english"),
    lang("de", Some(Stemming::German), "tidings_german"),
    lang("fr", Some(Stemming::French), "tidings_french"),
    lang("es", Some(Stemming::Spanish), "tidings_spanish"),
    lang("it", Some(Stemming::Italian), "tidings_italian"),
    lang("pt", Some(Stemming::Portuguese), "tidings_portuguese"),
    lang("nl", Some(Stemming::Dutch), "tidings_dutch"),
    lang("ru", Some(Stemming::Russian), "tidings_russian"),
    lang("sv", Some(Stemming::Swedish), "tidings_swedish"),
    lang("no", Some(Stemming::Norwegian), "tidings_norwegian"),
    lang("da", Some(Stemming::Danish), "tidings_danish"),
    lang("fi", Some(Stemming::Finnish), "tidings_finnish"),
    lang(OTHER, None, "simple"),
];

/// The code of the catch-all analyser, for untagged documents and unsupported languages.
pub const OTHER: &str = "xx";

const fn lang(code: &'static str, stemmer: Option<Stemming>, pg_config: &'static str) -> Lang {
    Lang {
        code,
        stemmer,
        pg_config,
    }
}

/// The language code a tag names, lower-cased and without region (`en-GB` → `en`, `nb` → `no`);
/// empty for no tag.
pub fn normalize_tag(tag: Option<&str>) -> String {
    let Some(tag) = tag else {
        return String::new();
    };
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match primary.as_str() {
        "nb" | "nn" => "no".to_string(),
        _ if primary.len() <= 8 && primary.bytes().all(|b| b.is_ascii_alphabetic()) => primary,
        _ => String::new(),
    }
}

/// The analyser for a normalised language code: its own, or the catch-all.
pub fn analyser_for(code: &str) -> &'static Lang {
    LANGS
        .iter()
        .find(|l| l.code == code)
        .unwrap_or(&LANGS[LANGS.len() - 1])
}

/// The languages whose analysers text clauses are looked up with: those of a group of
/// `lang:` clauses when the query requires one, else all (a document is analysed in its own
/// language only, so a word is looked up in each).
pub fn searched_languages(query: &Query) -> Vec<&'static Lang> {
    for group in &query.must {
        if !group.is_empty() && group.iter().all(|c| matches!(c, Clause::Lang(_))) {
            let mut langs: Vec<&'static Lang> = Vec::new();
            for c in group {
                if let Clause::Lang(code) = c {
                    let lang = analyser_for(code);
                    if !langs.contains(&lang) {
                        langs.push(lang);
                    }
                }
            }
            return langs;
        }
    }
    LANGS.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_normalise() {
        assert_eq!(normalize_tag(Some("en-GB")), "en");
        assert_eq!(normalize_tag(Some("DE")), "de");
        assert_eq!(normalize_tag(Some("nb_NO")), "no");
        assert_eq!(normalize_tag(Some("<script>")), "");
        assert_eq!(normalize_tag(None), "");
        assert_eq!(analyser_for("de").code, "de");
        assert_eq!(analyser_for("pl").code, OTHER);
        assert_eq!(analyser_for("").code, OTHER);
    }
}
