//! One event's stories across languages. The clusterer never puts articles of two
//! languages in one story, so the same earthquake reported in English, German and French
//! makes three stories; this module says which stories of other languages report the
//! same event, from evidence that needs no translation:
//!
//! - names: people, places and organisations as [`crate::extract_entities`] finds them,
//!   keyed so that two languages agree ([`names`]);
//! - numbers: counts, sums, shares, times of day, years and codes, read per language
//!   ([`numbers`]);
//! - time: the two stories' reports lie within [`WINDOW_SECS`] of each other.
//!
//! A story's evidence is its [`Signature`]: weighted keys, computed once when the story is
//! understood and stored. Two stories are linked when [`link`] finds enough of it shared,
//! always including a name that is not a country (a number can coincide; a country is in
//! half the news). The rule is symmetric, so a link can be stored both ways. The
//! thresholds were set on the labelled stories of `tests/fixtures/crosslang.jsonl`, and
//! favour precision: a wrong link misleads readers, a missing one only hides a version.
//!
//! ```
//! use tidings_insight::crosslang::{Profile, link, signature};
//! use tidings_insight::{StoryArticle, extract_entities};
//!
//! let story = |lang: &str, body: &str| {
//!     let articles = vec![StoryArticle {
//!         id: lang.into(),
//!         body: body.into(),
//!         language: Some(lang.into()),
//!         published: Some(1_741_000_000),
//!         ..Default::default()
//!     }];
//!     signature(&articles, &extract_entities(&articles))
//! };
//! let en = story("en", "A magnitude 5.8 earthquake struck Camerino at 4:12 a.m., killing 11. \
//!     Civil protection chief Fabio Cerrato said 1,400 residents slept in tents.");
//! let de = story("de", "Ein Erdbeben der Stärke 5,8 hat um 4.12 Uhr Camerino erschüttert. \
//!     Zivilschutzchef Fabio Cerrato sagte, rund 1400 Bewohner hätten in Zelten geschlafen.");
//! let side = |language, signature| Profile { language, first_at: 1_741_000_000,
//!     last_at: 1_741_000_000, signature };
//! let found = link(&side("en", &en), &side("de", &de)).expect("one event");
//! assert!(found.shared.contains(&"t:04:12".to_string()), "{found:?}");
//! ```

pub mod names;
pub mod numbers;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::StoryArticle;
use crate::entities::Entity;
use names::Scope;
use numbers::Quantity;

/// How far apart (seconds) the reports of two stories may be and still be one event.
pub const WINDOW_SECS: i64 = 3 * 86_400;

/// Keys kept per story of each sort (entities, capitalised names, quantities), the most
/// stated first: a story of hundreds of reports keeps a bounded signature.
pub const MAX_KEYS: usize = 40;

/// Weights of names by scope.
const COUNTRY_WEIGHT: f32 = 0.5;
const KNOWN_WEIGHT: f32 = 0.9;
const CAPITALISED_WEIGHT: f32 = 1.0;
const WORD_WEIGHT: f32 = 1.5;
const FULL_WEIGHT: f32 = 3.0;
/// Weights of values: a round one ("300", "4 million"), a whole number below a hundred
/// (a count of seats, of injured), any other of two significant digits ("5.8", "1,400",
/// "2.1%"), and one of three or more ("118,000", "44.8%"); of a year, a time of day and a
/// code.
const ROUND_WEIGHT: f32 = 0.4;
const TWO_DIGITS_WEIGHT: f32 = 0.75;
const VALUE_WEIGHT: f32 = 1.0;
const PRECISE_WEIGHT: f32 = 1.5;
const YEAR_WEIGHT: f32 = 0.5;
const TIME_WEIGHT: f32 = 1.0;
const CODE_WEIGHT: f32 = 1.0;

/// The least weight a shared name must have to count as specific (not a country, not a
/// capital or world organisation).
const SPECIFIC_NAME: f32 = CAPITALISED_WEIGHT;
/// The least summed weight of the shared keys, for stories whose reports overlap in time.
const MIN_SCORE: f32 = 4.0;
/// Seconds between two stories' reports that need no more evidence than [`MIN_SCORE`] …
const GRACE_SECS: i64 = 12 * 3600;
/// … and seconds beyond those that raise it by one.
const SECS_PER_POINT: i64 = 6 * 3600;
/// The least number of shared keys of weight at least one.
const MIN_KEYS: usize = 2;

/// The languages this module reads numbers in; any other is read as English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (and any language without rules of its own).
    English,
    /// German.
    German,
    /// French.
    French,
}

impl Lang {
    /// The language of an ISO 639-1 code or tag (`de`, `fr-CA`).
    pub fn of(code: Option<&str>) -> Lang {
        match primary(code.unwrap_or("")).as_str() {
            "de" => Lang::German,
            "fr" => Lang::French,
            _ => Lang::English,
        }
    }
}

/// The primary subtag of a language tag, lowercase (`en-GB` → `en`).
pub fn primary(code: &str) -> String {
    code.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// One piece of evidence: a key two languages write alike, and how much sharing it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// `e:` a name, `n:` a value (`%` after a share), `t:` a time of day, `c:` a code.
    pub key: String,
    /// Its weight.
    pub weight: f32,
}

/// A story's evidence: its keys, each once, sorted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// The keys, sorted by key.
    pub keys: Vec<Key>,
}

impl Signature {
    /// A signature of the given keys (a key given twice keeps its larger weight).
    pub fn from_keys(keys: impl IntoIterator<Item = Key>) -> Signature {
        let mut by_key: BTreeMap<String, f32> = BTreeMap::new();
        for k in keys {
            let w = by_key.entry(k.key).or_insert(k.weight);
            *w = w.max(k.weight);
        }
        Signature {
            keys: by_key
                .into_iter()
                .map(|(key, weight)| Key { key, weight })
                .collect(),
        }
    }

    /// The keys a candidate must share to be worth comparing: the specific names (no link
    /// is made without sharing one, [`link`]), not the countries and capitals half the news
    /// names.
    pub fn index_keys(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .filter(|k| k.key.starts_with("e:") && k.weight >= SPECIFIC_NAME)
            .map(|k| k.key.as_str())
    }
}

/// The weight of a name of this scope.
fn name_weight(scope: Scope) -> f32 {
    match scope {
        Scope::Country => COUNTRY_WEIGHT,
        Scope::Known => KNOWN_WEIGHT,
        Scope::Capitalised => CAPITALISED_WEIGHT,
        Scope::Word => WORD_WEIGHT,
        Scope::Full => FULL_WEIGHT,
    }
}

/// The key and weight of a quantity; `None` for one too common to tell events apart (a
/// whole number below ten).
fn quantity_key(q: &Quantity) -> Option<(String, f32)> {
    match q {
        Quantity::Number { .. } if q.is_small() => None,
        Quantity::Number {
            digits,
            exp,
            percent,
        } => {
            let weight = match (digits.len(), *exp) {
                (1, _) => ROUND_WEIGHT,
                (2, 0) if !percent => TWO_DIGITS_WEIGHT,
                (2, _) => VALUE_WEIGHT,
                _ => PRECISE_WEIGHT,
            };
            let mark = if *percent { "%" } else { "" };
            Some((format!("n:{digits}e{exp}{mark}"), weight))
        }
        Quantity::Year(y) => {
            // Keyed as a value: "2000 Menschen" is a year to a reader of digits alone.
            let Quantity::Number { digits, exp, .. } = numbers::value(&y.to_string()) else {
                return None;
            };
            Some((format!("n:{digits}e{exp}"), YEAR_WEIGHT))
        }
        Quantity::Time(h, m) => Some((format!("t:{h:02}:{m:02}"), TIME_WEIGHT)),
        Quantity::Code(c) => Some((format!("c:{c}"), CODE_WEIGHT)),
    }
}

/// The evidence of a story: the names of `entities` (as [`crate::extract_entities`] found
/// them in `articles`) and the quantities the articles' headlines and bodies state. Each
/// sort keeps its [`MAX_KEYS`] most stated keys.
pub fn signature(articles: &[StoryArticle], entities: &[Entity]) -> Signature {
    let mut names: Vec<(usize, Key)> = Vec::new();
    for e in entities {
        if let Some((key, scope)) = names::entity_key(e) {
            names.push((
                e.count,
                Key {
                    key: format!("e:{key}"),
                    weight: name_weight(scope),
                },
            ));
        }
    }
    // Names the capitalisation of the bodies shows, by how many articles show them.
    let mut capitalised: BTreeMap<String, (usize, f32)> = BTreeMap::new();
    for a in articles {
        let mut seen: Vec<(String, Scope)> = names::capitalised(&a.body);
        seen.sort_by(|x, y| x.0.cmp(&y.0));
        seen.dedup_by(|x, y| x.0 == y.0);
        for (key, scope) in seen {
            let entry = capitalised
                .entry(format!("e:{key}"))
                .or_insert((0, name_weight(scope)));
            entry.0 += 1;
        }
    }
    let capitalised: Vec<(usize, Key)> = capitalised
        .into_iter()
        .map(|(key, (n, weight))| (n, Key { key, weight }))
        .collect();
    // Quantities: how many articles state each.
    let mut stated: BTreeMap<String, (usize, f32)> = BTreeMap::new();
    for a in articles {
        let lang = Lang::of(a.language.as_deref());
        let mut seen: Vec<(String, f32)> = Vec::new();
        for text in [a.title.as_deref().unwrap_or(""), a.body.as_str()] {
            for q in numbers::quantities(text, lang) {
                if let Some(k) = quantity_key(&q)
                    && !seen.iter().any(|s| s.0 == k.0)
                {
                    seen.push(k);
                }
            }
        }
        for (key, weight) in seen {
            let entry = stated.entry(key).or_insert((0, weight));
            entry.0 += 1;
        }
    }
    let quantities: Vec<(usize, Key)> = stated
        .into_iter()
        .map(|(key, (n, weight))| (n, Key { key, weight }))
        .collect();
    Signature::from_keys(
        [names, capitalised, quantities]
            .into_iter()
            .flat_map(most_stated)
            .map(|(_, k)| k),
    )
}

/// The [`MAX_KEYS`] keys stated most often (ties by key).
fn most_stated(mut keys: Vec<(usize, Key)>) -> impl Iterator<Item = (usize, Key)> {
    keys.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.key.cmp(&b.1.key)));
    keys.into_iter().take(MAX_KEYS)
}

/// A story as [`link`] compares it: its language, when its reports were published, and
/// its evidence.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    /// Its language (a tag; only the primary subtag counts).
    pub language: &'a str,
    /// Its first report's time (Unix seconds).
    pub first_at: i64,
    /// Its latest report's time.
    pub last_at: i64,
    /// Its evidence.
    pub signature: &'a Signature,
}

/// Two stories found to report one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The summed weight of the evidence they share.
    pub score: f32,
    /// The keys they share, sorted.
    pub shared: Vec<String>,
}

/// Seconds between two stories' reports (0 when their spans overlap).
pub fn gap(a: &Profile, b: &Profile) -> i64 {
    (a.first_at.max(b.first_at) - a.last_at.min(b.last_at)).max(0)
}

/// Whether two stories of different languages report the same event: the same on either
/// order of its arguments.
pub fn link(a: &Profile, b: &Profile) -> Option<Link> {
    let (la, lb) = (primary(a.language), primary(b.language));
    if la.is_empty() || lb.is_empty() || la == lb || gap(a, b) > WINDOW_SECS {
        return None;
    }
    let (ka, kb) = (&a.signature.keys, &b.signature.keys);
    let (mut i, mut j) = (0, 0);
    let mut shared: Vec<(&str, f32)> = Vec::new();
    while i < ka.len() && j < kb.len() {
        match ka[i].key.cmp(&kb[j].key) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared.push((&ka[i].key, ka[i].weight.min(kb[j].weight)));
                i += 1;
                j += 1;
            }
        }
    }
    // A name counts once: a shared "henrik vogt" covers a shared "vogt", and "paris saint
    // germain" covers "saint germain" and "paris".
    let name_words: Vec<Vec<String>> = shared
        .iter()
        .map(|(k, _)| match k.strip_prefix("e:") {
            Some(name) => name.split([' ', '-']).map(names::stem_key).collect(),
            None => Vec::new(),
        })
        .collect();
    let covered = |i: usize| -> bool {
        let mine = &name_words[i];
        !mine.is_empty()
            && name_words.iter().enumerate().any(|(j, other)| {
                j != i && other.len() > mine.len() && mine.iter().all(|w| other.contains(w))
            })
    };
    let keep: Vec<bool> = (0..shared.len()).map(|i| !covered(i)).collect();
    let mut kept = keep.iter();
    shared.retain(|_| kept.next().copied().unwrap_or(true));
    let specific = shared
        .iter()
        .any(|(k, w)| k.starts_with("e:") && *w >= SPECIFIC_NAME);
    let strong = shared.iter().filter(|(_, w)| *w >= 1.0).count();
    let score: f32 = shared.iter().map(|(_, w)| w).sum();
    // Reports far apart in time need more evidence: a follow-up days later names the same
    // people.
    let late = (gap(a, b) - GRACE_SECS).max(0);
    let needed = MIN_SCORE + late as f32 / SECS_PER_POINT as f32;
    if !specific || strong < MIN_KEYS || score < needed {
        return None;
    }
    Some(Link {
        score,
        shared: shared.into_iter().map(|(k, _)| k.to_string()).collect(),
    })
}

/// A story among the candidates of [`best_match`]: an id of the caller's and its profile.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The caller's id of the story.
    pub id: i64,
    /// The story.
    pub profile: Profile<'a>,
}

/// Of `candidates` (another language's stories), the one `story` is linked to with the most
/// shared evidence: ties go to the nearer in time, then to the smaller id.
///
/// Two stories are shown as one event's versions only when each is the other's best match
/// in its language: one foreign minister at two events in a week, or two budget votes, may
/// each pass [`link`] with stories of the other event, but never outscore the stories of
/// their own.
pub fn best_match(story: &Profile, candidates: &[Candidate]) -> Option<(i64, Link)> {
    let mut best: Option<(i64, i64, Link)> = None;
    for c in candidates {
        let Some(found) = link(story, &c.profile) else {
            continue;
        };
        let g = gap(story, &c.profile);
        let better = match &best {
            None => true,
            Some((id, best_gap, l)) => found
                .score
                .total_cmp(&l.score)
                .then_with(|| best_gap.cmp(&g))
                .then_with(|| id.cmp(&c.id))
                .is_gt(),
        };
        if better {
            best = Some((c.id, g, found));
        }
    }
    best.map(|(id, _, l)| (id, l))
}

/// For each language of `candidates` other than `story`'s, the candidate that is its
/// [`best_match`], by language (primary subtag), sorted by language.
pub fn best_per_language(story: &Profile, candidates: &[Candidate]) -> Vec<(String, i64, Link)> {
    let own = primary(story.language);
    let mut languages: Vec<String> = candidates
        .iter()
        .map(|c| primary(c.profile.language))
        .filter(|l| *l != own && !l.is_empty())
        .collect();
    languages.sort();
    languages.dedup();
    languages
        .into_iter()
        .filter_map(|lang| {
            let pool: Vec<Candidate> = candidates
                .iter()
                .filter(|c| primary(c.profile.language) == lang)
                .copied()
                .collect();
            best_match(story, &pool).map(|(id, l)| (lang, id, l))
        })
        .collect()
}

/// Every link among `stories` (any languages): the pairs of stories of two languages that
/// are each other's [`best_match`], as (smaller id, larger id, link), sorted. The pipeline
/// makes the same links one story at a time, from the candidates the store finds.
pub fn links_among(stories: &[Candidate]) -> Vec<(i64, i64, Link)> {
    let mut out = Vec::new();
    for a in stories {
        let lang_a = primary(a.profile.language);
        for (_, b_id, l) in best_per_language(&a.profile, stories) {
            if b_id <= a.id {
                continue;
            }
            let Some(b) = stories.iter().find(|c| c.id == b_id) else {
                continue;
            };
            let rivals: Vec<Candidate> = stories
                .iter()
                .filter(|c| primary(c.profile.language) == lang_a)
                .copied()
                .collect();
            if best_match(&b.profile, &rivals).is_some_and(|(back, _)| back == a.id) {
                out.push((a.id, b_id, l));
            }
        }
    }
    out.sort_by_key(|l| (l.0, l.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(keys: &[(&str, f32)]) -> Signature {
        Signature::from_keys(keys.iter().map(|(k, w)| Key {
            key: (*k).into(),
            weight: *w,
        }))
    }

    fn at<'a>(language: &'a str, t: i64, signature: &'a Signature) -> Profile<'a> {
        Profile {
            language,
            first_at: t,
            last_at: t,
            signature,
        }
    }

    const H: i64 = 3600;

    #[test]
    fn candidates_share_a_specific_name_not_a_country() {
        let s = sig(&[("e:germany", 0.5), ("e:henrik vogt", 3.0), ("n:3e8", 0.4)]);
        assert_eq!(s.index_keys().collect::<Vec<_>>(), vec!["e:henrik vogt"]);
    }

    #[test]
    fn a_link_needs_two_languages_a_specific_name_and_more_evidence_when_far_apart() {
        let en = sig(&[("e:fabio cerrato", 3.0), ("e:italy", 0.5), ("n:58e-1", 1.0)]);
        let de = sig(&[("e:fabio cerrato", 3.0), ("e:italy", 0.5), ("n:58e-1", 1.0)]);
        let found = link(&at("en", 0, &en), &at("de-AT", 2 * H, &de)).expect("linked");
        assert_eq!(found.score, 4.5);
        assert_eq!(link(&at("de", 2 * H, &de), &at("en", 0, &en)), Some(found));
        assert!(
            link(&at("en", 0, &en), &at("en-GB", 0, &de)).is_none(),
            "one language"
        );
        assert!(
            link(&at("en", 0, &en), &at("", 0, &de)).is_none(),
            "no language"
        );
        // 18 h apart: 6 h past the grace, one point more than 4.5 shares.
        assert!(link(&at("en", 0, &en), &at("de", 18 * H, &de)).is_none());
        // A country and numbers are no event without a name.
        let numbers = sig(&[
            ("e:italy", 0.5),
            ("n:58e-1", 1.0),
            ("n:118e3", 1.5),
            ("t:04:12", 1.0),
        ]);
        assert!(link(&at("en", 0, &numbers), &at("fr", 0, &numbers)).is_none());
    }

    #[test]
    fn only_stories_that_are_each_others_best_match_are_linked() {
        let vogt_kyiv_en = sig(&[
            ("e:henrik vogt", 3.0),
            ("e:andriy sybenko", 3.0),
            ("e:kyiv", 0.9),
        ]);
        let vogt_kyiv_de = sig(&[
            ("e:henrik vogt", 3.0),
            ("e:andriy sybenko", 3.0),
            ("e:kyiv", 0.9),
        ]);
        let sybenko_berlin_de = sig(&[
            ("e:henrik vogt", 3.0),
            ("e:andriy sybenko", 3.0),
            ("e:berlin", 0.9),
        ]);
        let stories = [
            Candidate {
                id: 1,
                profile: at("en", 0, &vogt_kyiv_en),
            },
            Candidate {
                id: 2,
                profile: at("de", H, &vogt_kyiv_de),
            },
            Candidate {
                id: 3,
                profile: at("de", 2 * H, &sybenko_berlin_de),
            },
        ];
        // Both German stories pass the rule with the English one; only the better is linked.
        assert!(link(&stories[0].profile, &stories[2].profile).is_some());
        let best = best_match(&stories[0].profile, &stories[1..]).map(|(id, _)| id);
        assert_eq!(best, Some(2));
        let links: Vec<(i64, i64)> = links_among(&stories).iter().map(|l| (l.0, l.1)).collect();
        assert_eq!(links, vec![(1, 2)]);
    }
}
