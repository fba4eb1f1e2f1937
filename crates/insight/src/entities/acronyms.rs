//! Acronyms a sentence spells out: "the Bureau of Economic Analysis (BEA)", "Der
//! Naturschutzbund Deutschland (Nabu)". The long form found before the parenthesis is the
//! organisation's name, and the acronym, wherever the story uses it, another spelling of it.
//!
//! The long form is found as Schwartz and Hearst describe ("A simple algorithm for
//! identifying abbreviation definitions in biomedical text", 2003): the acronym's letters
//! are matched right to left against the words before the parenthesis, its first letter at
//! the start of a word. It is a dozen lines, and no maintained Rust crate does it, so it
//! is written here.

use std::collections::HashMap;

use super::EntityKind;
use super::gazetteer::{
    INSTITUTION_ENDINGS_DE, INSTITUTION_TYPES_DE, ORG_HEADS, ORG_NOUNS_DE_FR, ORG_OPENERS_DE_FR,
    is_org_suffix,
};
use super::lookup::{lookup, lookup_de_fr};
use super::mentions::{Evidence, Mention};
use super::names::fold_char;

/// The longest acronym read, in characters.
const MAX_ACRONYM_CHARS: usize = 10;
/// The most of the text before a parenthesis read for its long form, in bytes: ten words of
/// any plausible length.
const MAX_LONG_FORM_BYTES: usize = 400;

/// An acronym and the long form a sentence gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The acronym as written ("BEA", "Nabu").
    pub short: String,
    /// The words it stands for, as written ("Bureau of Economic Analysis").
    pub long: String,
}

/// The acronyms `sentence` defines with a long form in capitals before them.
pub fn definitions(sentence: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let mut rest = sentence;
    let mut offset = 0;
    while let Some(open) = rest.find('(') {
        let at = offset + open;
        let after = &sentence[at + 1..];
        // An acronym is at most 10 characters: the parenthesis closes within 11, or this is
        // no definition (looking further would read the rest of the text for every "(").
        let close = after
            .char_indices()
            .take(MAX_ACRONYM_CHARS + 1)
            .find(|&(_, c)| c == ')')
            .map(|(i, _)| i);
        if let Some(close) = close
            && let short = &after[..close]
            && is_acronym(short)
            && let Some(long) = long_form(short, &sentence[..at])
        {
            out.push(Definition {
                short: short.to_string(),
                long: long.to_string(),
            });
        }
        offset = at + 1;
        rest = &sentence[offset..];
    }
    out
}

/// Applies the definitions of `sentence` to its `found` mentions: a long form that names an
/// organisation by its words ("Bureau", "Fédération", "Naturschutzbund") or by a mention
/// inside it ("Court of Arbitration") replaces those mentions; every defined acronym the
/// gazetteer does not know is recorded in `spelled` (acronym to long form) for the story.
pub(super) fn spell_out(
    sentence: &str,
    found: &mut Vec<Mention>,
    spelled: &mut HashMap<String, String>,
) {
    for Definition { short, long } in definitions(sentence) {
        if lookup(&short).is_some() || lookup_de_fr(&long).is_some() {
            continue;
        }
        let inside = |m: &Mention| long.contains(m.surface.as_str()) && m.surface != short;
        let typed_inside = found
            .iter()
            .filter(|m| inside(m))
            .find_map(|m| match m.evidence {
                Evidence::Candidate(kind) => kind,
                Evidence::PlaceGuess => Some(EntityKind::Place),
                Evidence::Known(_) | Evidence::Speaker => None,
            });
        let kind = names_an_organisation(&long)
            .then_some(EntityKind::Organisation)
            .or(typed_inside);
        if let Some(kind) = kind {
            // The mentions inside the long form go, as often as the long form holds each
            // (a "Cambridge" elsewhere in the sentence stays); the acronym in its own
            // parenthesis is part of the definition.
            let mut left: HashMap<String, usize> = HashMap::new();
            for m in found.iter().filter(|m| inside(m)) {
                left.entry(m.surface.clone())
                    .or_insert_with(|| long.matches(m.surface.as_str()).count());
            }
            let mut short_left = 1;
            found.retain(|m| {
                if m.surface == short && short_left > 0 {
                    short_left -= 1;
                    return false;
                }
                match left.get_mut(&m.surface) {
                    Some(n) if *n > 0 && inside(m) => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            });
            found.push(Mention {
                surface: long.clone(),
                evidence: Evidence::Candidate(Some(kind)),
            });
        }
        spelled.insert(short, long);
    }
}

/// Whether a long form's words say it is an organisation ("Bureau of …", "… Institute",
/// "Fédération …", "Naturschutzbund …").
fn names_an_organisation(long: &str) -> bool {
    long.split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
        .map(str::to_lowercase)
        .any(|w| {
            let w = w.as_str();
            is_org_suffix(w)
                || ORG_HEADS.contains(&w)
                || ORG_OPENERS_DE_FR.contains(&w)
                || ORG_NOUNS_DE_FR.contains(&w)
                || INSTITUTION_TYPES_DE
                    .iter()
                    .chain(INSTITUTION_ENDINGS_DE)
                    .any(|e| w.len() > e.len() + 2 && w.ends_with(e))
        })
}

/// A word that can be an acronym: 2 to 10 letters or digits opening with a capital, and
/// at most 8 unless it has more capitals ("BEA", "Nabu", "Fenvac", "COVID-19"; not
/// "links", "Bild: dpa").
fn is_acronym(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = s.chars().filter(|c| c.is_uppercase()).count();
    (2..=MAX_ACRONYM_CHARS).contains(&s.chars().count())
        && letters >= 2
        && s.chars().next().is_some_and(char::is_uppercase)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '&')
        && (capitals >= 2 || s.chars().count() <= 8)
}

/// The shortest run of words at the end of `before` whose letters spell `short` right to
/// left, its first letter opening a word; it must open with a capital and be longer than
/// the acronym. At most min(|short| + 5, 2 |short|) words are read, as in the paper.
fn long_form<'a>(short: &str, before: &'a str) -> Option<&'a str> {
    let before = before.trim_end();
    // Only the end of the text can hold the long form.
    let mut from = before.len().saturating_sub(MAX_LONG_FORM_BYTES);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let n = short.chars().count();
    let words = (n + 5).min(2 * n);
    // The byte where the window of words starts: the start of the `words`-th word from the
    // end, walking back from the end.
    let (mut start, mut seen, mut in_word) = (from, 0, false);
    for (i, c) in before[from..].char_indices().rev() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == words {
                    start = from + i + c.len_utf8();
                    break;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    let window: Vec<(usize, char)> = before[start..]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .collect();
    // Letters compare lowercase and without accents ("Fédération" spells "Fenvac").
    let fold = |c: char| c.to_lowercase().next().and_then(fold_char);
    let wanted: Vec<char> = short.chars().filter_map(fold).collect();
    let mut l = window.len();
    let mut found = None;
    for (s, &c) in wanted.iter().enumerate().rev() {
        loop {
            l = l.checked_sub(1)?;
            let (byte, w) = window[l];
            let matches = fold(w) == Some(c);
            let opens_word = l == 0 || !window[l - 1].1.is_alphanumeric();
            if matches && (s > 0 || opens_word) {
                found = Some(byte);
                break;
            }
        }
    }
    let long = &before[found?..];
    (long.chars().next().is_some_and(char::is_uppercase) && long.contains(char::is_whitespace))
        .then_some(long)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_form_takes_only_the_mentions_inside_it() {
        let sentence = "In Cambridge, the Cambridge Institute of Marine Science (CIMS) opened.";
        let mention = |surface: &str, kind| Mention {
            surface: surface.into(),
            evidence: Evidence::Candidate(kind),
        };
        let mut found = vec![
            mention("Cambridge", Some(EntityKind::Place)),
            mention("Cambridge", Some(EntityKind::Place)),
            mention("CIMS", None),
        ];
        let mut spelled = HashMap::new();
        spell_out(sentence, &mut found, &mut spelled);
        let surfaces: Vec<&str> = found.iter().map(|m| m.surface.as_str()).collect();
        assert_eq!(
            surfaces,
            ["Cambridge", "Cambridge Institute of Marine Science"],
            "the town before the long form stays"
        );
        assert_eq!(
            spelled.get("CIMS").map(String::as_str),
            Some("Cambridge Institute of Marine Science")
        );
    }

    #[test]
    fn a_definition_is_found_after_a_long_text_and_stray_parentheses() {
        let text = format!(
            "{} ( ( (see page 4 {} and the Bureau of Economic Analysis (BEA) said",
            "Growth slowed in the third quarter. ".repeat(500),
            "x".repeat(5_000)
        );
        assert_eq!(
            pairs(&text),
            [("BEA".to_string(), "Bureau of Economic Analysis".to_string())]
        );
    }

    fn pairs(s: &str) -> Vec<(String, String)> {
        definitions(s)
            .into_iter()
            .map(|d| (d.short, d.long))
            .collect()
    }

    #[test]
    fn spells_out_acronyms_from_the_words_before_them() {
        let p = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            pairs("Growth slowed, according to the Bureau of Economic Analysis (BEA)."),
            [p("BEA", "Bureau of Economic Analysis")]
        );
        assert_eq!(
            pairs("The National Institute for Health and Care Research (NIHR) funded it."),
            [p("NIHR", "National Institute for Health and Care Research")]
        );
        assert_eq!(
            pairs("Der Naturschutzbund Deutschland (Nabu) kündigte eine Klage an."),
            [p("Nabu", "Naturschutzbund Deutschland")]
        );
        assert_eq!(
            pairs(
                "La Fédération nationale des victimes d'attentats et d'accidents collectifs \
                 (Fenvac) fait appel."
            ),
            [p(
                "Fenvac",
                "Fédération nationale des victimes d'attentats et d'accidents collectifs"
            )]
        );
    }

    #[test]
    fn a_party_a_credit_or_lowercase_words_are_no_definition() {
        assert!(pairs("Olaf Scholz (SPD) sagte nichts.").is_empty());
        assert!(pairs("Ein Schiff vor Cuxhaven (Foto: dpa).").is_empty());
        assert!(pairs("Pain was measured on a visual analogue scale (VAS).").is_empty());
        assert!(pairs("An unmatched (parenthesis").is_empty());
    }
}
