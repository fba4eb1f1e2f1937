//! The gazetteer as a lookup table: folded key to canonical name and kind, built once.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::EntityKind;
use super::gazetteer::{
    ALIASES_DE_FR, CITIES, COUNTRIES, DEMONYMS, EXONYMS_DE_FR, GIVEN_NAMES, ORGANISATIONS, PERSONS,
};
use super::names::{fold_key, fold_word};

/// One gazetteer entry as matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// The canonical name.
    pub canonical: &'static str,
    /// Its kind.
    pub kind: EntityKind,
    /// The alias, when it is an acronym that must match with its exact capitals.
    pub exact: Option<&'static str>,
    /// Matched through a demonym ("Ukrainian" for Ukraine).
    pub demonym: bool,
}

/// Folded key to entries (an acronym alias and a word can share a key, like "US"/"us").
static TABLE: LazyLock<HashMap<String, Vec<Known>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<Known>> = HashMap::new();
    let mut add = |list: &[&'static str], kind: EntityKind, skip_first: bool| {
        for line in list {
            let mut parts = line.split('|');
            let Some(canonical) = parts.next() else {
                continue;
            };
            let aliases: Vec<&'static str> = if skip_first {
                parts.collect()
            } else {
                std::iter::once(canonical).chain(parts).collect()
            };
            for alias in aliases {
                let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
                let acronym = letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase());
                map.entry(fold_key(alias)).or_default().push(Known {
                    canonical,
                    kind,
                    exact: acronym.then_some(alias),
                    demonym: skip_first,
                });
            }
        }
    };
    add(COUNTRIES, EntityKind::Place, false);
    add(CITIES, EntityKind::Place, false);
    add(ORGANISATIONS, EntityKind::Organisation, false);
    add(PERSONS, EntityKind::Person, false);
    add(DEMONYMS, EntityKind::Place, true);
    map
});

/// The gazetteer entry for a surface form, if any.
pub fn lookup(surface: &str) -> Option<Known> {
    lookup_folded(&fold_key(surface), surface)
}

/// [`lookup`] with the surface's key already folded.
fn lookup_folded(key: &str, surface: &str) -> Option<Known> {
    let entries = TABLE.get(key)?;
    entries.iter().copied().find(|k| match k.exact {
        Some(a) => a.replace('.', "") == surface.replace('.', ""),
        None => true,
    })
}

/// The folded given names of [`GIVEN_NAMES`].
static GIVEN: LazyLock<HashSet<String>> =
    LazyLock::new(|| GIVEN_NAMES.iter().map(|g| fold_word(g)).collect());

/// Whether a folded word (as [`fold_word`] gives it) is a common given name.
pub fn is_given_name_key(folded: &str) -> bool {
    GIVEN.contains(folded)
}

/// Whether a word as written is a common given name ("Anna", "ANNA").
pub fn is_given_name(word: &str) -> bool {
    is_given_name_key(&fold_word(word))
}

/// Folded alias to gazetteer entry, from `"Canonical|alias…"` lines whose canonical name is
/// an entry.
fn alias_table(lines: &[&'static str]) -> HashMap<String, Known> {
    let mut map = HashMap::new();
    for line in lines {
        let mut parts = line.split('|');
        let Some(known) = parts.next().and_then(lookup) else {
            continue;
        };
        for alias in parts {
            let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
            let acronym = letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase());
            map.insert(
                fold_key(alias),
                Known {
                    exact: acronym.then_some(alias),
                    demonym: false,
                    ..known
                },
            );
        }
    }
    map
}

/// German and French names to their gazetteer entry ("Österreich" to Austria).
static ALIASES: LazyLock<HashMap<String, Known>> = LazyLock::new(|| alias_table(ALIASES_DE_FR));

/// The names only cross-language links read ("Kiew" to Kyiv).
static EXONYMS: LazyLock<HashMap<String, Known>> = LazyLock::new(|| alias_table(EXONYMS_DE_FR));

/// The gazetteer entry a German or French exonym names ("Lissabon" for Lisbon), for keying
/// names across languages; the entity rules do not use these.
pub fn lookup_exonym(surface: &str) -> Option<Known> {
    EXONYMS.get(&fold_key(surface)).copied()
}

/// The gazetteer entry for a surface form in German or French text: its German and
/// French names first, then the shared gazetteer.
pub fn lookup_de_fr(surface: &str) -> Option<Known> {
    let key = fold_key(surface);
    ALIASES
        .get(&key)
        .copied()
        .filter(|k| k.exact.is_none_or(|a| a == surface))
        .or_else(|| lookup_folded(&key, surface))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_demonyms_resolve() {
        let nk = lookup("N. Korea").map(|k| k.canonical);
        assert_eq!(nk, Some("North Korea"));
        assert_eq!(lookup("DPRK").map(|k| k.canonical), Some("North Korea"));
        assert_eq!(lookup("Ukrainian").map(|k| k.canonical), Some("Ukraine"));
        assert_eq!(lookup("U.S.").map(|k| k.canonical), Some("United States"));
        assert_eq!(lookup("Us"), None, "acronyms need their capitals");
        assert_eq!(lookup("Kiev").map(|k| k.canonical), Some("Kyiv"));
        assert_eq!(
            lookup("NATO").map(|k| k.kind),
            Some(EntityKind::Organisation)
        );
    }
}
