//! Entities of a story — people, places and organisations — found offline with a
//! shipped gazetteer and rules (German and French articles by their own, [`de_fr`]),
//! resolved across the story's articles: spelling variants are one entity, a surname alone
//! resolves to the full name seen elsewhere, and evidence from one outlet ("President X")
//! types a bare mention in another.

pub mod acronyms;
pub mod de_fr;
pub mod gazetteer;
pub mod lookup;
pub mod mentions;
pub mod names;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::article::StoryArticle;
use crate::sentences::split_article;
use mentions::{Evidence, Mention};

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A country, region, city or other place.
    Place,
    /// A company, institution, party, agency or other organisation.
    Organisation,
}

impl EntityKind {
    /// A short lowercase label: `person`, `place`, `organisation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Place => "place",
            Self::Organisation => "organisation",
        }
    }
}

/// One entity of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The name to show (the gazetteer's, or the most used full spelling).
    pub name: String,
    /// Its kind.
    pub kind: EntityKind,
    /// A stable slug for `/entity/{slug}` (the same for every spelling of the name).
    pub slug: String,
    /// Mentions across the story's articles.
    pub count: usize,
    /// Indices of the articles that mention it.
    pub articles: Vec<usize>,
    /// Distinct outlets that mention it (articles without an outlet count as their own).
    pub outlets: usize,
}

/// A mention placed in the story.
struct Placed {
    article: usize,
    mention: Mention,
}

/// Finds the entities of a story, most mentioned first (ties by name).
pub fn extract_entities(articles: &[StoryArticle]) -> Vec<Entity> {
    let common = lowercase_vocabulary(articles);
    let mut placed: Vec<Placed> = Vec::new();
    // Acronyms the story spells out, to their long forms.
    let mut spelled = HashMap::new();
    for (a, article) in articles.iter().enumerate() {
        let lang = language(article);
        // German and French headlines are written in sentence case, so their capitals say
        // what the body's do ("Schweres Erdbeben in Marovien"); English ones are often in
        // Title Case, where every word is capitalised, and are read only when they are not
        // ("Marovia quake toll climbs to 58").
        let headline = article
            .title
            .as_deref()
            .filter(|t| lang.is_some() || in_sentence_case(t))
            .map(|t| (t.to_string(), true));
        let sentences = split_article(a, &article.body)
            .into_iter()
            .filter(|s| !s.furniture)
            .map(|s| (s.text, false));
        // The one name that spoke in the sentence before, by its index in `placed`.
        let mut last_speaker: Option<usize> = None;
        for (text, is_headline) in headline.into_iter().chain(sentences) {
            let mut found = match lang {
                Some(lang) => de_fr::find(&text, lang),
                None if is_headline => mentions::find_in_headline(&text, &common),
                None => mentions::find(&text, &common),
            };
            acronyms::spell_out(&text, &mut found, &mut spelled);
            // "Barnes said the base is part of the range. He worked there in 1968.": a
            // sentence opened by "he" or "she" goes on about the one speaker before it.
            if let Some(at) = last_speaker.take()
                && opens_with_a_personal_pronoun(&text)
            {
                placed[at].mention.evidence = Evidence::Candidate(Some(EntityKind::Person));
            }
            let speakers: Vec<usize> = found
                .iter()
                .enumerate()
                .filter(|(_, m)| m.evidence == Evidence::Speaker)
                .map(|(i, _)| placed.len() + i)
                .collect();
            if let [one] = speakers.as_slice() {
                last_speaker = Some(*one);
            }
            for mention in found {
                placed.push(Placed {
                    article: a,
                    mention,
                });
            }
        }
    }
    // "the NIHR said": an acronym the story spells out is its long form.
    for p in &mut placed {
        if p.mention.evidence.is_candidate()
            && let Some(long) = spelled.get(&p.mention.surface)
        {
            p.mention.surface.clone_from(long);
        }
    }
    resolve(articles, placed)
}

/// Whether `sentence` opens with "He", "She", "His" or "Her".
fn opens_with_a_personal_pronoun(sentence: &str) -> bool {
    let first = sentence
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    ["he", "she", "his", "her"]
        .iter()
        .any(|p| first.eq_ignore_ascii_case(p))
}

/// Whether an English headline is written in sentence case: of its words after the first
/// that are long enough to be capitalised in Title Case, at least two and most are not.
fn in_sentence_case(title: &str) -> bool {
    let (mut lower, mut upper) = (0, 0);
    for w in title.split_whitespace().skip(1) {
        let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        if w.chars().take_while(|c| c.is_alphabetic()).count() < 4 {
            continue;
        }
        match w.chars().next() {
            Some(c) if c.is_lowercase() => lower += 1,
            Some(c) if c.is_uppercase() => upper += 1,
            _ => {}
        }
    }
    lower >= 2 && lower > upper
}

/// The article's language when it has its own rules (German, French); `None` reads it
/// as English.
fn language(article: &StoryArticle) -> Option<de_fr::Lang> {
    let code = article.language.as_deref()?.to_ascii_lowercase();
    match code.get(..2)? {
        "de" => Some(de_fr::Lang::German),
        "fr" => Some(de_fr::Lang::French),
        _ => None,
    }
}

/// The name a one-word German genitive is of, as a folded key ("maroviens" → "marovien").
fn genitive_stem(key: &str) -> Option<&str> {
    key.strip_suffix('s')
        .filter(|stem| stem.chars().count() >= 3 && !stem.contains(' '))
}

/// The folded names a one-word demonym may be of ("marovian" → "marovia", "kestrian" →
/// "kestria" or "kestr", "japanese" → "japan" or "japana"); the story says which is a place.
fn demonym_stems(key: &str) -> impl Iterator<Item = String> + '_ {
    let cut = |suffix: &str, add: &'static str| {
        key.strip_suffix(suffix)
            .filter(|stem| stem.chars().count() >= 3)
            .map(|stem| format!("{stem}{add}"))
    };
    [
        cut("n", ""),
        cut("ian", ""),
        cut("ese", ""),
        cut("ese", "a"),
    ]
    .into_iter()
    .flatten()
    .filter(|_| !key.contains(' ') && key.chars().count() >= 6)
}

/// Words written in lowercase somewhere in the story (not after a full stop).
fn lowercase_vocabulary(articles: &[StoryArticle]) -> HashSet<String> {
    let mut out = HashSet::new();
    for a in articles {
        for w in a.body.split(|c: char| !c.is_alphanumeric() && c != '-') {
            if w.chars().next().is_some_and(char::is_lowercase) {
                out.insert(w.to_string());
            }
        }
    }
    out
}

/// The story-wide resolution of mentions into entities.
fn resolve(articles: &[StoryArticle], placed: Vec<Placed>) -> Vec<Entity> {
    // Entity key: (kind, folded key of the canonical or full name).
    struct Acc {
        kind: EntityKind,
        names: Vec<(String, usize)>,
        canonical: Option<&'static str>,
        count: usize,
        articles: Vec<usize>,
    }
    let key = names::fold_key;
    // Each mention's folded key, read by every pass below.
    let keys: Vec<String> = placed.iter().map(|p| key(&p.mention.surface)).collect();
    // Pass 1: the kind each candidate key is given anywhere in the story, and the keys
    // that speak.
    let mut typed: HashMap<String, HashMap<EntityKind, usize>> = HashMap::new();
    let mut spoke: HashSet<String> = HashSet::new();
    let mut guessed_place: HashSet<String> = HashSet::new();
    for (p, k) in placed.iter().zip(&keys) {
        match p.mention.evidence {
            Evidence::Candidate(Some(kind)) => {
                *typed.entry(k.clone()).or_default().entry(kind).or_default() += 1;
            }
            Evidence::Speaker => {
                spoke.insert(k.clone());
            }
            Evidence::PlaceGuess => {
                guessed_place.insert(k.clone());
            }
            Evidence::Candidate(None) | Evidence::Known(_) => {}
        }
    }
    // "Marovia" … "the Marovian authorities": a name an English article also turns into
    // an adjective is a place (not a given name: "Julia" … "Julian"). German and French
    // inflect nouns with the same endings ("Woche", "Wochen").
    let english = |p: &Placed| {
        articles
            .get(p.article)
            .is_some_and(|a| language(a).is_none())
    };
    let named: HashSet<&str> = placed
        .iter()
        .zip(&keys)
        .filter(|(p, k)| english(p) && !k.contains(' '))
        .map(|(_, k)| k.as_str())
        .collect();
    for (p, k) in placed.iter().zip(&keys) {
        if p.mention.evidence != Evidence::Candidate(None) || !english(p) {
            continue;
        }
        for stem in demonym_stems(k) {
            if named.contains(stem.as_str()) && !lookup::is_given_name_key(&stem) {
                *typed
                    .entry(stem)
                    .or_default()
                    .entry(EntityKind::Place)
                    .or_default() += 1;
            }
        }
    }
    // First and last words of the names of two words or more the story gives a person's
    // evidence ("Wendy Davis", "Foreign Minister Sergei Lavrov", a gazetteer's "Donald
    // Trump"): a surname or first name that speaks alone ("Davis said") is a person's.
    let surnames: HashSet<String> = placed
        .iter()
        .zip(&keys)
        .filter_map(|(p, k)| match p.mention.evidence {
            Evidence::Known(known) if known.kind == EntityKind::Person => {
                Some(key(known.canonical))
            }
            Evidence::Candidate(Some(EntityKind::Person)) | Evidence::Speaker => Some(k.clone()),
            Evidence::Candidate(None) | Evidence::PlaceGuess
                if k.split(' ').next().is_some_and(lookup::is_given_name_key) =>
            {
                Some(k.clone())
            }
            _ => None,
        })
        .filter_map(|full| {
            let (first, _) = full.split_once(' ')?;
            let (_, last) = full.rsplit_once(' ')?;
            Some([first.to_string(), last.to_string()])
        })
        .flatten()
        .collect();
    let kind_of = |k: &str| -> Option<EntityKind> {
        let votes = typed.get(k);
        let has = |kind| votes.is_some_and(|v| v.contains_key(&kind));
        // A person signal anywhere (a title, a given name, "he" or "she") wins over a place
        // cue; that a name speaks makes it a person only where nothing says it is an
        // organisation or a place ("Neighbouring Kestria said" … "in Kestria"), a name
        // after "to" or "from" being no more a place than a speaker ("sent to Okoro").
        if has(EntityKind::Person) {
            Some(EntityKind::Person)
        } else if has(EntityKind::Organisation) {
            Some(EntityKind::Organisation)
        } else if has(EntityKind::Place) {
            Some(EntityKind::Place)
        } else if spoke.contains(k)
            && (k.contains(' ')
                || surnames.contains(k)
                || lookup::is_given_name_key(k)
                || guessed_place.contains(k))
        {
            // "Nomura said": one word that speaks may be a company or an agency as well
            // as a surname; it is a person only with a person's evidence (a title or "he"
            // or "she" after the verb, typed above; a full name it ends elsewhere in the
            // story; a common given name, "Bob said"; being written to or from:
            // "letters were sent to Okoro" … "Okoro said").
            Some(EntityKind::Person)
        } else if guessed_place.contains(k) {
            Some(EntityKind::Place)
        } else {
            None
        }
    };
    // Single-word mentions: a surname used alone makes the full name a person.
    let singles: HashSet<&str> = placed
        .iter()
        .zip(&keys)
        .filter(|(p, k)| p.mention.evidence.is_candidate() && !k.contains(' '))
        .map(|(_, k)| k.as_str())
        .collect();
    // An untyped name of two or three words is a person when it opens with a given name
    // or its last word is used alone elsewhere in the story.
    let opens_with_given_name =
        |k: &str| k.split(' ').next().is_some_and(lookup::is_given_name_key);
    // "Southern Stags" … "the Stags": a last word the story calls an organisation on its
    // own is no surname; the name is that organisation.
    let ends_in_an_org = |k: &str| {
        k.contains(' ')
            && k.rsplit(' ')
                .next()
                .is_some_and(|w| kind_of(w) == Some(EntityKind::Organisation))
    };
    let strong_person = |k: &str| {
        typed
            .get(k)
            .is_some_and(|v| v.contains_key(&EntityKind::Person))
    };
    let guess = |k: &str| -> Option<EntityKind> {
        if ends_in_an_org(k) {
            return Some(EntityKind::Organisation);
        }
        let words: Vec<&str> = k.split(' ').collect();
        // "the River Alder" … "in Alder": a last word the story calls a place is no surname.
        let reused = words
            .last()
            .is_some_and(|w| singles.contains(*w) && kind_of(w) != Some(EntityKind::Place));
        ((2..=3).contains(&words.len()) && (opens_with_given_name(k) || reused))
            .then_some(EntityKind::Person)
    };
    let kind_of_candidate = |k: &str| -> Option<EntityKind> {
        match kind_of(k) {
            // "to Clint Eastwood": a given name beats a preposition's guess; a place's last
            // word used alone ("Port Kell" … "Kell") does not.
            Some(EntityKind::Place) if opens_with_given_name(k) && k.contains(' ') => {
                Some(EntityKind::Person)
            }
            // "said Southern Stags coach …": speaking is weaker than that.
            Some(EntityKind::Person) if !strong_person(k) && ends_in_an_org(k) => {
                Some(EntityKind::Organisation)
            }
            Some(kind) => Some(kind),
            None => guess(k),
        }
    };
    // Full names (two words or more) that are persons; `typed` when a rule said so.
    let mut persons: Vec<(String, bool)> = Vec::new();
    for (p, k) in placed.iter().zip(&keys) {
        let (k, typed) = match p.mention.evidence {
            Evidence::Candidate(_) | Evidence::Speaker | Evidence::PlaceGuess => {
                if kind_of_candidate(k) != Some(EntityKind::Person) {
                    continue;
                }
                let typed = kind_of(k) == Some(EntityKind::Person);
                (k.clone(), typed)
            }
            Evidence::Known(k) if k.kind == EntityKind::Person => (key(k.canonical), true),
            Evidence::Known(_) => continue,
        };
        if !k.contains(' ') {
            continue;
        }
        match persons.iter_mut().find(|(p, _)| *p == k) {
            Some(entry) => entry.1 |= typed,
            None => persons.push((k, typed)),
        }
    }
    // A longer name ending in a known full name is that person ("Nazi Adolf Eichmann").
    let full_suffix = |k: &str| -> Option<String> {
        let words: Vec<&str> = k.split(' ').collect();
        (1..words.len().saturating_sub(1)).find_map(|i| {
            let tail = words[i..].join(" ");
            persons.iter().any(|(p, _)| *p == tail).then_some(tail)
        })
    };
    let surname_of = |single: &str| -> Option<String> {
        let matching = |last: bool| -> Vec<&String> {
            persons
                .iter()
                .filter(|(p, typed)| {
                    let w = if last {
                        p.rsplit(' ').next()
                    } else {
                        p.split(' ').next()
                    };
                    w == Some(single) && (last || *typed)
                })
                .map(|(p, _)| p)
                .collect()
        };
        let last = matching(true);
        if last.len() == 1 {
            return Some(last[0].clone());
        }
        let first = matching(false);
        (last.is_empty() && first.len() == 1).then(|| first[0].clone())
    };
    // Organisations of two words the story names by its own rules, and the one a single
    // word is short for: "the Stags" for "the Southern Stags", and a company's first word
    // for the company ("Lumen" for "Lumen Semiconductor"; a town that opens an
    // institution's name, "Aldermoor Museum", is not its short name). A word the story
    // calls a place, or a person by more than speaking, is no short name.
    let mut orgs: Vec<String> = Vec::new();
    for (p, k) in placed.iter().zip(&keys) {
        if p.mention.evidence.is_candidate()
            && k.split(' ').count() == 2
            && !orgs.contains(k)
            && kind_of_candidate(k) == Some(EntityKind::Organisation)
        {
            orgs.push(k.clone());
        }
    }
    let short_name_of = |single: &str| -> Option<String> {
        if strong_person(single) || kind_of(single) == Some(EntityKind::Place) {
            return None;
        }
        let mut named = orgs.iter().filter(|o| {
            let (head, tail) = o.split_once(' ').unwrap_or_default();
            tail == single || (head == single && gazetteer::is_company_word(tail))
        });
        match (named.next(), named.next()) {
            (Some(org), None) => Some(org.clone()),
            _ => None,
        }
    };
    let german: Vec<bool> = articles
        .iter()
        .map(|a| language(a) == Some(de_fr::Lang::German))
        .collect();
    let mut accs: Vec<Acc> = Vec::new();
    let mut index: HashMap<(EntityKind, String), usize> = HashMap::new();
    for (p, k) in placed.into_iter().zip(keys.iter().cloned()) {
        let (kind, k, canonical, surface) = match p.mention.evidence {
            Evidence::Known(known) => (
                known.kind,
                key(known.canonical),
                Some(known.canonical),
                Some(p.mention.surface),
            ),
            Evidence::Candidate(_) | Evidence::Speaker | Evidence::PlaceGuess => {
                let acronym = p
                    .mention
                    .surface
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase);
                let single = !k.contains(' ');
                // "vor der Küste Maroviens": a German genitive of a place or organisation
                // the story types elsewhere is that name (before any surname guess).
                let genitive = (single && german[p.article])
                    .then(|| genitive_stem(&k))
                    .flatten()
                    .filter(|_| kind_of_candidate(&k).is_none())
                    .and_then(|stem| match kind_of(stem)? {
                        EntityKind::Person => None,
                        kind => Some((stem.to_string(), kind)),
                    });
                // "the Marovian authorities": an adjective of a place the story names is
                // a mention of it (before any surname guess).
                let demonym = (single && english(&p) && kind_of_candidate(&k).is_none())
                    .then(|| {
                        demonym_stems(&k).find(|stem| kind_of(stem) == Some(EntityKind::Place))
                    })
                    .flatten();
                if let Some((stem, kind)) = genitive {
                    // Shown as the name, not its genitive.
                    let mut surface = p.mention.surface;
                    surface.pop();
                    (kind, stem, None, Some(surface))
                } else if let Some(stem) = demonym {
                    // Counted, but never shown as the place's name.
                    (EntityKind::Place, stem, None, None)
                } else if single
                    && !acronym
                    && let Some(full) = surname_of(&k)
                {
                    (EntityKind::Person, full, None, Some(p.mention.surface))
                } else if single
                    && !acronym
                    && let Some(org) = short_name_of(&k)
                {
                    (EntityKind::Organisation, org, None, Some(p.mention.surface))
                } else if !single && let Some(full) = full_suffix(&k) {
                    (EntityKind::Person, full, None, Some(p.mention.surface))
                } else {
                    let Some(kind) = kind_of_candidate(&k) else {
                        continue;
                    };
                    (kind, k, None, Some(p.mention.surface))
                }
            }
        };
        let slot = *index.entry((kind, k)).or_insert_with(|| {
            accs.push(Acc {
                kind,
                names: Vec::new(),
                canonical,
                count: 0,
                articles: Vec::new(),
            });
            accs.len() - 1
        });
        let acc = &mut accs[slot];
        acc.count += 1;
        if !acc.articles.contains(&p.article) {
            acc.articles.push(p.article);
        }
        let Some(surface) = surface else {
            continue;
        };
        match acc.names.iter_mut().find(|(n, _)| *n == surface) {
            Some(n) => n.1 += 1,
            None => acc.names.push((surface, 1)),
        }
    }
    let mut out: Vec<Entity> = accs
        .into_iter()
        .map(|a| {
            let name = match a.canonical {
                Some(c) => c.to_string(),
                None => {
                    let longest = a
                        .names
                        .iter()
                        .map(|(n, _)| n.split_whitespace().count())
                        .max()
                        .unwrap_or(0);
                    let mut best: Option<&(String, usize)> = None;
                    for n in a
                        .names
                        .iter()
                        .filter(|(n, _)| n.split_whitespace().count() == longest)
                    {
                        if best.is_none_or(|b| n.1 > b.1) {
                            best = Some(n);
                        }
                    }
                    best.map(|b| b.0.clone()).unwrap_or_default()
                }
            };
            let outlets: HashSet<&str> = a
                .articles
                .iter()
                .filter_map(|&i| articles.get(i))
                .map(|x| {
                    if x.outlet.is_empty() {
                        x.id.as_str()
                    } else {
                        x.outlet.as_str()
                    }
                })
                .collect();
            Entity {
                slug: names::slug(&name),
                name,
                kind: a.kind,
                count: a.count,
                outlets: outlets.len(),
                articles: a.articles,
            }
        })
        .filter(|e| !e.slug.is_empty())
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(body: &str) -> StoryArticle {
        StoryArticle {
            id: "a".into(),
            body: body.into(),
            ..Default::default()
        }
    }

    fn german(title: &str, body: &str) -> StoryArticle {
        StoryArticle {
            title: Some(title.into()),
            language: Some("de".into()),
            ..art(body)
        }
    }

    #[test]
    fn a_brokerage_story_names_no_common_word_or_company_as_a_person() {
        let found = extract_entities(&[art(
            "Nomura expects the rally in chip stocks to continue, said Saurabh Jain, an \
             analyst at Nomura. Kotak Institutional Equities said the sector was undervalued. \
             HDFC Securities said the stock was cheap.\n\nHead of Research Anil Mehta said \
             margins would improve. Scientists at the Tata Institute of Fundamental Research \
             said the plant would need water.\n\nNorsk Halvleder will invest 2 billion \
             euros in the plant, the company announced on Friday. Norsk Halvleder said it \
             would hire 500 engineers.",
        )]);
        let persons: Vec<&str> = found
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(persons, ["Anil Mehta", "Saurabh Jain"], "{found:?}");
        let kind = |name: &str| found.iter().find(|e| e.name == name).map(|e| e.kind);
        for org in ["Nomura", "Kotak Institutional Equities", "Norsk Halvleder"] {
            assert_eq!(kind(org), Some(EntityKind::Organisation), "{org}");
        }
    }

    fn names(found: &[Entity]) -> Vec<(&str, EntityKind, usize)> {
        found
            .iter()
            .map(|e| (e.name.as_str(), e.kind, e.count))
            .collect()
    }

    #[test]
    fn a_german_headline_and_genitives_name_the_place() {
        let found = extract_entities(&[german(
            "Schweres Erdbeben in Marovien",
            "Nach dem Beben vor der Küste Maroviens suchen Helfer weiter. \
             Maroviens Regierung verhängte den Notstand.",
        )]);
        assert_eq!(names(&found), [("Marovien", EntityKind::Place, 3)]);
    }

    #[test]
    fn an_english_place_is_found_by_its_coast_its_adjective_and_a_sentence_case_headline() {
        let titled = |title: &str, body: &str| StoryArticle {
            title: Some(title.into()),
            ..art(body)
        };
        let found = extract_entities(&[
            art(
                "A strong earthquake struck off the coast of Marovia before dawn. Marovia lies \
                 on an active fault.",
            ),
            titled(
                "Marovia quake toll climbs to 58 as rescue team flies out",
                "Marovian civil protection officials said 1,800 buildings were damaged.",
            ),
            // A Title Case headline says nothing by its capitals and is not read.
            titled(
                "Marovia: Rescuers Search Rubble As Toll Climbs",
                "The Marovian authorities say the quake struck offshore.",
            ),
        ]);
        assert_eq!(names(&found), [("Marovia", EntityKind::Place, 5)]);
        assert_eq!(found[0].articles, [0, 1, 2]);
        // One article alone: its possessive, or its adjective beside the headline's name.
        let found = extract_entities(&[art(
            "The toll from the quake that struck Marovia’s coast before dawn rose to 52.",
        )]);
        assert_eq!(names(&found), [("Marovia", EntityKind::Place, 1)]);
        let found = extract_entities(&[titled(
            "Marovia quake toll climbs to 58",
            "Marovian officials said 1,800 buildings were damaged.",
        )]);
        assert_eq!(names(&found), [("Marovia", EntityKind::Place, 2)]);
    }

    #[test]
    fn only_an_english_headline_in_sentence_case_is_read() {
        assert!(in_sentence_case(
            "Marovia quake toll climbs to 58 as rescue team flies out"
        ));
        assert!(in_sentence_case(
            "‘The whole street folded’: Vessa’s old town counts the cost"
        ));
        assert!(!in_sentence_case(
            "Quake Hits Marovia’s Coast As Toll Climbs"
        ));
        assert!(!in_sentence_case("Marovia quake"));
    }

    #[test]
    fn a_german_plural_is_no_adjective_of_a_place() {
        let found = extract_entities(&[german(
            "Forscher finden hitzeresistente Buchen",
            "Drei Fahrten pro Woche seien ein Anfang. Der Vorverkauf beginnt in drei Wochen. \
             Während viele Bäume lichte Kronen zeigen, wirken einige kerngesund. Bestimmte \
             Genvarianten kommen bei den widerstandsfähigen Bäumen häufiger vor.",
        )]);
        assert!(found.is_empty(), "{:?}", names(&found));
    }

    #[test]
    fn a_name_s_last_word_the_story_calls_a_place_is_no_surname() {
        let found = extract_entities(&[StoryArticle {
            title: Some("Medieval ship found in Alder estuary".into()),
            ..art("The wreck was found in silt at the mouth of the River Alder by dredgers.")
        }]);
        assert!(
            found.iter().all(|e| e.kind != EntityKind::Person),
            "{:?}",
            names(&found)
        );
    }

    #[test]
    fn a_name_before_a_geographic_noun_in_a_headline_is_a_place_only_if_the_body_says_so() {
        let titled = |body: &str| StoryArticle {
            title: Some(
                "Medieval cargo ship found ‘sealed like a time capsule’ in Alder estuary".into(),
            ),
            ..art(body)
        };
        let found = extract_entities(&[titled(
            "The wreck was found in silt by dredgers deepening the shipping lane.",
        )]);
        assert!(found.is_empty(), "{:?}", names(&found));
        let found = extract_entities(&[titled(
            "The wreck was found by dredgers working near Alder, a fishing town.",
        )]);
        assert_eq!(names(&found), [("Alder", EntityKind::Place, 2)]);
        // A noun that says the name is the place still does.
        let found = extract_entities(&[StoryArticle {
            title: Some("Floods cut roads in Vessa province as rivers rise".into()),
            ..art("Rescue teams were sent out overnight.")
        }]);
        assert_eq!(names(&found), [("Vessa", EntityKind::Place, 1)]);
    }

    #[test]
    fn a_place_cue_wins_over_speaking_but_not_over_a_person_s_sign() {
        let kind = |body: &str, name: &str| {
            let found = extract_entities(&[art(body)]);
            let kind = found
                .iter()
                .find(|e| e.name == name)
                .map(|e| (e.kind, e.count));
            (kind, format!("{:?}", names(&found)))
        };
        let place = |n| Some((EntityKind::Place, n));
        let person = |n| Some((EntityKind::Person, n));
        for (body, name, want) in [
            (
                "Kestria said on Monday that it would send two rescue teams. Ferries to the \
                 coast of Kestria were cancelled.",
                "Kestria",
                place(2),
            ),
            (
                "Kestria said it would send teams. Aid workers in Kestria were ready.",
                "Kestria",
                place(2),
            ),
            // "to" guesses a place no more than speaking makes a person.
            (
                "Flowers were sent to Okoro on Friday. Okoro said the gesture had moved the \
                 whole family.",
                "Okoro",
                person(2),
            ),
            // A title wins over the place a possessive suggests.
            (
                "President Ilse Varga said the vote was fair. Varga’s government won a clear \
                 majority.",
                "Ilse Varga",
                person(2),
            ),
        ] {
            let (got, all) = kind(body, name);
            assert_eq!(got, want, "{body}: {all}");
        }
    }

    #[test]
    fn a_genitive_of_a_name_the_story_never_types_is_nobody() {
        let found = extract_entities(&[german(
            "Regen im Norden",
            "Nach dem Regen vor der Küste Kestrias suchen Helfer weiter.",
        )]);
        assert!(found.is_empty(), "{:?}", names(&found));
    }

    #[test]
    fn a_port_a_shipping_line_and_a_plural_noun_are_not_people() {
        let found = extract_entities(&[art(
            "The ship, operated by Corvane Lines, ran aground in the Straits of Kell. \
             \"The vessel is stable,\" spokesman Joren Aalst told reporters at Port Kell. \
             Economists said the closure of Kell would cost exporters dearly.",
        )]);
        let kind = |name: &str| found.iter().find(|e| e.name == name).map(|e| e.kind);
        assert_eq!(kind("Port Kell"), Some(EntityKind::Place));
        assert_eq!(kind("Corvane Lines"), Some(EntityKind::Organisation));
        assert_eq!(kind("Joren Aalst"), Some(EntityKind::Person));
        assert_eq!(kind("Economists"), None);
    }

    #[test]
    fn roles_titles_and_adjectives_are_read_as_such() {
        let found = extract_entities(&[art(
            "Doctors said they had treated more than 400 people. \"We are stretched,\" said \
             Dr Sofia Brandt, the head of emergency medicine. Witnesses told reporters the \
             street shook. \"Nobody voted for this,\" said Councillor Tessa Obi, who moved \
             the motion. Two weeks is a long time in Sorvanian politics.",
        )]);
        let kind = |name: &str| found.iter().find(|e| e.name == name).map(|e| e.kind);
        assert_eq!(
            kind("Sofia Brandt"),
            Some(EntityKind::Person),
            "{:?}",
            names(&found)
        );
        assert_eq!(
            kind("Tessa Obi"),
            Some(EntityKind::Person),
            "{:?}",
            names(&found)
        );
        for nobody in [
            "Doctors",
            "Witnesses",
            "Sofia",
            "Sorvanian",
            "Councillor Tessa Obi",
        ] {
            assert_eq!(kind(nobody), None, "{nobody}: {:?}", names(&found));
        }
        let clubs = extract_entities(&[art(
            "Aldermoor Rovers are one step from the final after Daniel Okonkwo headed home \
             against Brackenridge Athletic. Ten-man Rovers came from behind.",
        )]);
        let club = |name: &str| clubs.iter().find(|e| e.name == name).map(|e| e.kind);
        assert_eq!(club("Aldermoor Rovers"), Some(EntityKind::Organisation));
        assert_eq!(
            club("Brackenridge Athletic"),
            Some(EntityKind::Organisation)
        );
        assert_eq!(club("Daniel Okonkwo"), Some(EntityKind::Person));
    }

    #[test]
    fn one_word_that_speaks_is_a_person_only_with_a_person_s_evidence() {
        let people = |body: &str| -> Vec<(String, usize)> {
            extract_entities(&[art(body)])
                .into_iter()
                .filter(|e| e.kind == EntityKind::Person)
                .map(|e| (e.name, e.count))
                .collect()
        };
        let one = |name: &str, n: usize| vec![(name.to_string(), n)];
        // A company's name without a company word, or a surname: nothing says which.
        assert_eq!(
            people("Nomura said the yen would weaken against the dollar."),
            []
        );
        // Evidence of a person: a title, "he" or "she" after the verb or opening the next
        // sentence, "who", a full name elsewhere, a common given name.
        assert_eq!(
            people("The plant closed, said Sgt. Okafor. Okafor said the fire was out."),
            one("Okafor", 2)
        );
        assert_eq!(
            people("Okafor said the plant had closed. He had worked there for years."),
            one("Okafor", 1)
        );
        assert_eq!(
            people("Okafor, who worked there for years, said the plant had closed."),
            one("Okafor", 1)
        );
        assert_eq!(
            people(
                "Adaeze Okafor runs the union. The plant closed on Friday. Okafor said \
                 the workers were angry."
            ),
            one("Adaeze Okafor", 2)
        );
        assert_eq!(people("Bob said the plant had closed."), one("Bob", 1));
        // Two full names end in it: the surname alone stays a person of its own.
        assert_eq!(
            people(
                "Wendy Davis won the seat. Her rival Greg Davis lost. Davis said the count \
                 was fair."
            ),
            [
                ("Davis".to_string(), 1),
                ("Greg Davis".to_string(), 1),
                ("Wendy Davis".to_string(), 1)
            ]
        );
        // An abbreviated title cut off by its dot names nobody.
        let found = extract_entities(&[art(
            "Sen. Wendy Davis, D-Fort Worth, spoke. Protesters waited for State Sen. Wendy \
             Davis. Confederate Gen. Robert Lee was named in it, said U.S. Rep. Ron Lindqvist.",
        )]);
        assert!(
            found
                .iter()
                .all(|e| !["Sen", "State Sen", "Confederate Gen", "U.S. Rep"]
                    .contains(&e.name.as_str())),
            "{:?}",
            names(&found)
        );
    }

    #[test]
    fn what_a_story_says_a_speaker_is_wins_over_its_speaking() {
        let found = extract_entities(&[art(
            "The cameras were supplied by Kestrel Widgets, a startup based in the harbour \
             district. Kestrel Widgets said the error had been corrected. Harlow Kent said \
             the audit would take eight weeks.",
        )]);
        let kind = |name: &str| found.iter().find(|e| e.name == name).map(|e| e.kind);
        assert_eq!(
            kind("Kestrel Widgets"),
            Some(EntityKind::Organisation),
            "{:?}",
            names(&found)
        );
        assert_eq!(kind("Harlow Kent"), Some(EntityKind::Person));
    }

    #[test]
    fn a_club_named_like_an_animal_is_an_organisation_and_its_short_name_too() {
        let club = |found: &[Entity]| {
            found
                .iter()
                .find(|e| e.name == "Southern Stags")
                .map(|e| (e.kind, e.count))
        };
        // Named in full after "the": a team by its own sentence.
        let found = extract_entities(&[art(
            "Thirty-one years of waiting ended as the Southern Stags beat Harbour 27-24. \
             With three minutes left and the Stags trailing, Jack Renwick chipped over the \
             defence. “I just ran,” said Tomasi Vea. The Stags will parade the trophy on \
             Sunday. Hemi Rogers, the coach, was in tears. Rogers said it was the best day \
             of his life.",
        )]);
        assert_eq!(
            club(&found),
            Some((EntityKind::Organisation, 3)),
            "{:?}",
            names(&found)
        );
        assert!(
            found.iter().all(|e| e.name != "Stags"),
            "{:?}",
            names(&found)
        );
        let kind = |name: &str| found.iter().find(|e| e.name == name).map(|e| e.kind);
        assert_eq!(kind("Hemi Rogers"), Some(EntityKind::Person));
        assert_eq!(kind("Tomasi Vea"), Some(EntityKind::Person));
        // Named in full only without "the", its short name after it: "Stags" is no surname.
        let found = extract_entities(&[art(
            "Fans cheered as Southern Stags lifted the cup. The Stags had not won a final \
             since 1994.",
        )]);
        assert_eq!(
            club(&found),
            Some((EntityKind::Organisation, 2)),
            "{:?}",
            names(&found)
        );
        // Even where it seems to speak ("said Southern Stags coach …").
        let found = extract_entities(&[art(
            "“We earned it,” said Southern Stags coach Ana Lee. The Stags had not won a \
             final since 1994.",
        )]);
        assert_eq!(
            club(&found),
            Some((EntityKind::Organisation, 2)),
            "{:?}",
            names(&found)
        );
    }

    #[test]
    fn a_company_s_first_word_alone_is_the_company_and_a_town_s_is_not_its_museum() {
        let found = extract_entities(&[art(
            "Lumen Semiconductor reported record revenue on Thursday. Lumen plans to spend \
             $4 billion on a new plant. Shares in Lumen rose 9%, chief executive Helena Goh \
             said.",
        )]);
        assert_eq!(
            names(&found),
            [
                ("Lumen Semiconductor", EntityKind::Organisation, 3),
                ("Helena Goh", EntityKind::Person, 1)
            ]
        );
        let found = extract_entities(&[art(
            "The Aldermoor Museum will show the ship from May. Aldermoor has waited a long \
             time for it, said Helen Marwood.",
        )]);
        let museum = found.iter().find(|e| e.name == "Aldermoor Museum");
        assert_eq!(museum.map(|e| e.count), Some(1), "{:?}", names(&found));
    }

    #[test]
    fn a_forum_is_an_organisation_and_a_compact_is_nobody() {
        let found = extract_entities(&[art(
            "Thirty-eight coastal states agreed to the Halvarsund Compact, the chair of the \
             Coastal Nations Forum said. Sigrun Ahlberg said the fund would open next year.",
        )]);
        let kind = |name: &str| found.iter().find(|e| e.name == name).map(|e| e.kind);
        assert_eq!(
            kind("Coastal Nations Forum"),
            Some(EntityKind::Organisation)
        );
        assert_eq!(kind("Halvarsund Compact"), None, "{found:?}");
        assert_eq!(kind("Sigrun Ahlberg"), Some(EntityKind::Person));
    }

    #[test]
    fn an_acronym_the_story_spells_out_is_the_organisation_it_stands_for() {
        let found = extract_entities(&[art(
            "The National Institute for Health and Care Research (NIHR) funded the trial. \
             Pain fell on the Visual Analogue Scale (VAS). The NIHR said more would follow.",
        )]);
        assert_eq!(
            names(&found),
            [(
                "National Institute for Health and Care Research",
                EntityKind::Organisation,
                2
            )]
        );
        let found = extract_entities(&[german(
            "Klage angekündigt",
            "Der Naturschutzbund Deutschland (Nabu) kündigte eine Klage an.",
        )]);
        assert_eq!(
            names(&found),
            [("Naturschutzbund Deutschland", EntityKind::Organisation, 1)]
        );
    }

    #[test]
    fn variants_and_surnames_are_one_entity() {
        let a = [
            art(
                "Ukrainian President Volodymyr Zelensky Zelenskiy met envoys in Kyiv on Monday. Zelenskyy said the talks were useful.",
            ),
            art(
                "Speaking in Kiev, Zelensky thanked allies. N. Korea and North Korea's ally Russia were discussed, as was the DPRK.",
            ),
        ];
        let e = extract_entities(&a);
        let find = |slug: &str| e.iter().find(|x| x.slug == slug);
        let z = find("volodymyr-zelensky").expect("Zelensky found");
        assert_eq!(z.kind, EntityKind::Person);
        assert_eq!(z.count, 3, "{e:?}");
        assert_eq!(z.articles, [0, 1]);
        let nk = find("north-korea").expect("North Korea");
        assert_eq!((nk.count, nk.name.as_str()), (3, "North Korea"));
        assert_eq!(find("kyiv").map(|k| k.count), Some(2));
        assert!(
            e.iter()
                .all(|x| x.slug != "zelenskiy" && x.slug != "zelensky"),
            "{e:?}"
        );
    }
}
