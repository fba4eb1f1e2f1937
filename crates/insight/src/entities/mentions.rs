//! Finding name mentions in one sentence: runs of capitalised words (with connectors
//! such as "of", "de", "bin"), split into gazetteer matches, stripped of leading titles
//! ("Ukrainian President …"), with the evidence around them (a title before, "said"
//! after, "in" before, what only a place has: "the coast of …", "…’s government") recorded
//! for the story-wide resolution.

use std::collections::HashSet;

use super::EntityKind;
use super::gazetteer::{
    CONNECTORS, EVENT_SUFFIXES, ORG_HEADS, ORG_NOUNS, ORG_PREFIXES, ORG_PREPOSITIONS, ORG_VERBS,
    PLACE_ADJECTIVES, PLACE_AFTER_NOUNS, PLACE_HEADS, PLACE_OF_NOUNS, PLACE_OWNED_NOUNS,
    PLACE_PREFIXES, PLACE_PREPOSITIONS, PLACE_SUFFIXES, SPEECH_VERBS, STAKE_WORDS, TITLES,
    WORK_WORDS, is_company_word, is_never_a_name, is_org_suffix,
};
use super::lookup::{Known, is_given_name, lookup};
use super::names::fold_word;
use tidings_text::stop::is_stop;

/// One word of a sentence.
#[derive(Debug, Clone)]
pub(super) struct Word<'a> {
    /// The word without surrounding punctuation.
    pub(super) text: &'a str,
    /// It opens with a capital.
    pub(super) cap: bool,
    /// Punctuation or a possessive ends a name here.
    pub(super) break_after: bool,
    /// The word carried a possessive ("Banyan’s").
    pub(super) possessive: bool,
}

/// What a mention is, as far as its sentence tells.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// A gazetteer entry.
    Known(Known),
    /// A name with local evidence: `Some(kind)` when a rule says what it is.
    Candidate(Option<EntityKind>),
    /// A name that speaks ("X said", "said X") and nothing else in its sentence says what
    /// it is: a person, unless the story says it is an organisation or a place ("Ontrack
    /// Vision, a startup" … "Ontrack Vision said").
    Speaker,
    /// A name after "to" or "from" ("flights to Kell", "a letter to Okoro"): a place,
    /// unless the story says otherwise, and a person if it speaks.
    PlaceGuess,
}

impl Evidence {
    /// Whether this is a name the gazetteer does not know (typed or not).
    pub fn is_candidate(&self) -> bool {
        !matches!(self, Self::Known(_))
    }

    /// The kind a rule gives the name, a speaker being a person.
    pub fn kind(&self) -> Option<EntityKind> {
        match self {
            Self::Known(k) => Some(k.kind),
            Self::Candidate(kind) => *kind,
            Self::Speaker => Some(EntityKind::Person),
            Self::PlaceGuess => Some(EntityKind::Place),
        }
    }
}

/// A mention found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The words as written (repeated variants collapsed).
    pub surface: String,
    /// What the sentence says about it.
    pub evidence: Evidence,
}

/// Splits a sentence into words, keeping initials' and acronyms' dots.
pub(super) fn words(sentence: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::new();
    for chunk in sentence.split_whitespace() {
        let lead = chunk.len()
            - chunk
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        if lead > 0
            && let Some(prev) = out.last_mut()
        {
            prev.break_after = true;
        }
        let mut core = &chunk[lead..];
        let mut brk = false;
        let mut possessive = false;
        let trimmed = core.trim_end_matches(|c: char| !c.is_alphanumeric());
        if trimmed.len() < core.len() {
            // "N.", "U.S.", and "e.V." (whose last letter is the capital) keep their dot.
            let dotted = core[trimmed.len()..].starts_with('.')
                && (trimmed.chars().count() == 1 || trimmed.contains('.'))
                && (trimmed.chars().next().is_some_and(char::is_uppercase)
                    || (trimmed.contains('.')
                        && trimmed.chars().next_back().is_some_and(char::is_uppercase)));
            if dotted {
                core = &core[..trimmed.len() + 1];
                brk = chunk.len() > lead + core.len();
            } else {
                // "the Miners’ Federation": a plural's possessive.
                possessive =
                    trimmed.ends_with('s') && core[trimmed.len()..].starts_with(['\'', '’']);
                core = trimmed;
                brk = true;
            }
        }
        for poss in ["'s", "’s", "'", "’"] {
            if let Some(stem) = core.strip_suffix(poss)
                && !stem.is_empty()
            {
                core = stem;
                brk = true;
                possessive = true;
                break;
            }
        }
        if core.is_empty() {
            if let Some(prev) = out.last_mut() {
                prev.break_after = true;
            }
            continue;
        }
        // "I'm", "Don't": contractions are not names.
        let contraction = core
            .split_once(['\'', '’'])
            .is_some_and(|(_, tail)| tail.len() <= 2 && tail.chars().all(char::is_lowercase));
        let cap = !contraction && core.chars().next().is_some_and(char::is_uppercase);
        out.push(Word {
            text: core,
            cap,
            break_after: brk,
            possessive,
        });
    }
    out
}

/// Title words that head a role ("Tourism Minister", "Transport Secretary").
const CORE_TITLES: &[&str] = &[
    "minister",
    "administrator",
    "president",
    "secretary",
    "chancellor",
    "governor",
    "mayor",
    "senator",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "chief",
    "chairman",
    "chairwoman",
    "ceo",
    "leader",
    "commissioner",
    "coach",
    "captain",
    "judge",
    "envoy",
    "inspector",
    "king",
    "queen",
    "prince",
    "princess",
    "adviser",
    "advisor",
    "czar",
];

/// Words that qualify a title next to them and are part of it, not of the name ("Professor
/// Emeritus of History Maria Vance", "Associate Professor Tom Ridge"), lowercase.
const TITLE_QUALIFIERS: &[&str] = &[
    "emeritus",
    "emerita",
    "emeriti",
    "adjunct",
    "associate",
    "assistant",
    "visiting",
    "distinguished",
    "honorary",
    "clinical",
    "regius",
];

/// Whether `run[t]` qualifies a title just before or after it ("Emeritus" in "Professor
/// Emeritus", "Associate" in "Associate Professor").
fn qualifies_a_title(run: &[&str], t: usize) -> bool {
    TITLE_QUALIFIERS.contains(&run[t].to_lowercase().as_str())
        && (t.checked_sub(1).is_some_and(|p| is_title(run[p]))
            || run.get(t + 1).is_some_and(|n| is_title(n)))
}

/// Whether `w` is a lowercase title word.
fn is_title(w: &str) -> bool {
    TITLES.contains(&w.to_lowercase().as_str())
}

/// Finds the mentions of one sentence. `common` holds words seen in lowercase in the
/// story: a capitalised sentence opener that is also a common word is not a name.
pub fn find(sentence: &str, common: &HashSet<String>) -> Vec<Mention> {
    find_in(sentence, common, false)
}

/// Finds the mentions of a headline in sentence case, which leaves out articles: "found
/// in Alder estuary" is "in the Alder estuary", so a name before a lowercase geographic
/// noun is not typed a place by the preposition; the body has to say it is one.
pub fn find_in_headline(headline: &str, common: &HashSet<String>) -> Vec<Mention> {
    find_in(headline, common, true)
}

/// [`find`], or [`find_in_headline`] when `headline`.
fn find_in(sentence: &str, common: &HashSet<String>, headline: bool) -> Vec<Mention> {
    let ws = words(sentence);
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if !ws[i].cap {
            i += 1;
            continue;
        }
        // The run: capitalised words and inner connectors, up to a break.
        let start = i;
        let mut end = i + 1;
        let mut j = i;
        while !ws[j].break_after && j + 1 < ws.len() {
            let next = &ws[j + 1];
            if next.cap {
                end = j + 2;
                j += 1;
            } else if CONNECTORS.contains(&next.text.to_lowercase().as_str())
                && !next.break_after
                && ws.get(j + 2).is_some_and(|w| w.cap)
            {
                end = j + 3;
                j += 2;
            } else {
                break;
            }
        }
        let mut run: Vec<&str> = ws[start..end].iter().map(|w| w.text).collect();
        // The last word taken off the front of the run stands before the name ("The
        // Stags scored").
        let mut opener = None;
        if start == 0 {
            while let Some(first) = run.first() {
                let known_prefix =
                    (2..=run.len().min(5)).any(|n| lookup(&run[..n].join(" ")).is_some());
                if known_prefix {
                    break;
                }
                let lower = first.to_lowercase();
                // "Cape Ardent has …": a place name's head ("the cape") stays with the
                // capitalised word after it.
                if run
                    .get(1)
                    .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
                    && opens_a_place_name(&lower)
                {
                    break;
                }
                let is_common = is_never_a_name(&lower)
                    || (looks_like_common_word(&lower) && lookup(first).is_none())
                    || (common.contains(&lower) && lookup(first).is_none());
                if is_common && !is_title(first) {
                    opener = Some(lower);
                    run.remove(0);
                    while run
                        .first()
                        .is_some_and(|w| CONNECTORS.contains(&w.to_lowercase().as_str()))
                    {
                        run.remove(0);
                    }
                } else {
                    break;
                }
            }
        }
        // "said Banyan’s chief executive, Siti Rahmat": a possessive after a speech verb
        // owns the speaker's title; it does not speak.
        let before = start
            .checked_sub(1)
            .map(|b| ws[b].text.to_lowercase())
            .or(opener)
            .filter(|b| !(ws[end - 1].possessive && SPEECH_VERBS.contains(&b.as_str())));
        let before2 = start
            .checked_sub(2)
            .filter(|&b| before.is_some() && !ws[b].break_after)
            .map(|b| ws[b].text.to_lowercase());
        let after = ws
            .get(end)
            .filter(|_| !ws[end - 1].break_after)
            .map(|w| w.text.to_lowercase());
        let after2 = ws
            .get(end + 1)
            .filter(|_| after.is_some() && !ws[end].break_after)
            .map(|w| w.text.to_lowercase());
        let appos = ws[end - 1]
            .break_after
            .then(|| apposition(&ws[end.min(ws.len())..]))
            .flatten();
        let around = Around {
            before: before.as_deref(),
            before2: before2.as_deref(),
            after: after.as_deref(),
            after2: after2.as_deref(),
            appos,
            owns_name: ws[end - 1].possessive && ws.get(end).is_some_and(|w| w.cap),
            owns_place: ws[end - 1].possessive && owns_a_place(&ws[end..]),
            person_after: ws[end - 1].break_after && described_as_a_person(&ws[end..]),
            headline,
            common: Some(common),
        };
        let found = out.len();
        classify_run(&run, around, &mut out);
        // "Norsk Halvleder will invest …, the company announced": the sentence's subject
        // is the company that speaks of itself.
        if start == 0
            && let Some(m) = out.get_mut(found)
            && matches!(
                m.evidence,
                Evidence::Candidate(None) | Evidence::Speaker | Evidence::PlaceGuess
            )
            && !run.first().is_some_and(|w| is_given_name(w))
            && speaks_as_a_company(&ws[end..])
        {
            m.evidence = Evidence::Candidate(Some(EntityKind::Organisation));
        }
        i = end;
    }
    out
}

/// Nouns a company's own report calls it by ("…, the company said").
const COMPANY_SELF_NOUNS: &[&str] = &[
    "company",
    "firm",
    "group",
    "bank",
    "lender",
    "insurer",
    "carmaker",
    "chipmaker",
    "retailer",
    "airline",
    "brokerage",
    "startup",
    "manufacturer",
    "conglomerate",
];

/// Whether `rest` (the words after a sentence's first name) has a later clause in which
/// "the company" or "the firm" speaks ("…, the company announced on Friday").
fn speaks_as_a_company(rest: &[Word<'_>]) -> bool {
    rest.windows(4).any(|w| {
        let lower = |k: usize| w[k].text.to_lowercase();
        w[0].break_after
            && lower(1) == "the"
            && COMPANY_SELF_NOUNS.contains(&lower(2).as_str())
            && (SPEECH_VERBS.contains(&lower(3).as_str()) || ORG_VERBS.contains(&lower(3).as_str()))
    })
}

/// The words around a run that say what it is (lowercase).
#[derive(Debug, Clone, Copy, Default)]
struct Around<'a> {
    /// The word before the run.
    before: Option<&'a str>,
    /// The word before that, with no punctuation between ("shares" in "Shares in Lumen").
    before2: Option<&'a str>,
    /// The word after the run, with no punctuation between.
    after: Option<&'a str>,
    /// The word after that ("has opened", "said she").
    after2: Option<&'a str>,
    /// What an apposition after the run says it is.
    appos: Option<EntityKind>,
    /// The run ends in a possessive that a capitalised word follows ("the Miners’
    /// Federation"): the name goes on.
    owns_name: bool,
    /// The run ends in a possessive that owns what only a place has ("Marovia’s coast").
    owns_place: bool,
    /// What follows the run's comma says a person: "Barnes, who worked …".
    person_after: bool,
    /// The sentence is a headline in sentence case (see [`find_in_headline`]).
    headline: bool,
    /// Words seen in lowercase in the story.
    common: Option<&'a HashSet<String>>,
}

/// Splits a run into mentions.
fn classify_run(run: &[&str], around: Around<'_>, out: &mut Vec<Mention>) {
    let Around {
        before,
        after,
        after2,
        appos,
        ..
    } = around;
    // Collapse a repeated variant: "Zelensky Zelenskiy" (but not "Phi Phi").
    let mut deduped: Vec<&str> = Vec::with_capacity(run.len());
    for w in run {
        if deduped
            .last()
            .is_none_or(|p| p == w || fold_word(p) != fold_word(w))
        {
            deduped.push(w);
        }
    }
    // "Bennie Thompson of Mississippi", "Prodigy of Mobb Deep": a person's name has no
    // "of", so a run that is neither known nor organisation-shaped splits there.
    if let Some(k) = deduped.iter().position(|w| *w == "of")
        && k > 0
        && k + 1 < deduped.len()
        && lookup(&deduped.join(" ")).is_none()
        && !is_org_shape(&deduped)
        && !is_place_shape(&deduped)
        && !deduped[..k].iter().any(|w| is_title(w))
    {
        let head = Around {
            before,
            before2: around.before2,
            common: around.common,
            ..Around::default()
        };
        classify_run(&deduped[..k], head, out);
        let tail = Around {
            before: Some("of"),
            before2: None,
            ..around
        };
        classify_run(&deduped[k + 1..], tail, out);
        return;
    }
    // An unknown all-capitals word before a name ("RIP Prodigy") is not part of it.
    let mut deduped: &[&str] = &deduped;
    while deduped.len() > 1
        && deduped[0].chars().filter(|c| c.is_alphabetic()).count() >= 2
        && deduped[0]
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
        && !deduped[1].chars().all(char::is_uppercase)
        && lookup(deduped[0]).is_none()
        && lookup(&deduped.join(" ")).is_none()
    {
        deduped = &deduped[1..];
    }
    let mut rest: &[&str] = deduped;
    let mut person_signal = before.is_some_and(is_title);
    let mut first = true;
    while !rest.is_empty() {
        let text = rest.join(" ");
        if let Some(k) = lookup(&text) {
            out.push(Mention {
                surface: text,
                evidence: Evidence::Known(k),
            });
            return;
        }
        if rest.len() > 1 && is_org_shape(rest) {
            out.push(Mention {
                surface: text,
                evidence: Evidence::Candidate(Some(EntityKind::Organisation)),
            });
            return;
        }
        if rest.len() > 1 && is_place_shape(rest) {
            out.push(Mention {
                surface: text,
                evidence: Evidence::Candidate(Some(EntityKind::Place)),
            });
            return;
        }
        // The longest gazetteer prefix; a demonym only splits off before a title or a
        // known name ("Ukrainian President …", but "British Columbia" stays whole).
        let prefix = (1..rest.len().min(6))
            .rev()
            .find_map(|n| lookup(&rest[..n].join(" ")).map(|k| (n, k)))
            .filter(|(n, k)| {
                let tail = &rest[*n..];
                // After a title, a place's name is a first name ("Dr Sofia Brandt",
                // "Mayor London Breed"), unless the rest is a name of its own.
                let first_name = person_signal
                    && k.kind == EntityKind::Place
                    && !k.demonym
                    && tail.len() <= 2
                    && lookup(&tail.join(" ")).is_none();
                !first_name
                    && (!k.demonym
                        || is_title(tail[0])
                        || lookup(&tail.join(" ")).is_some()
                        || is_org_shape(tail)
                        || lookup(tail[0]).is_some())
            });
        if let Some((n, k)) = prefix {
            out.push(Mention {
                surface: rest[..n].join(" "),
                evidence: Evidence::Known(k),
            });
            rest = &rest[n..];
            first = false;
            continue;
        }
        // Leading titles ("Foreign Minister", "Secretary of State", and "Tourism
        // Minister" where the portfolio is not a title word).
        let mut t = usize::from(
            rest.len() > 2
                && !is_title(rest[0])
                && CORE_TITLES.contains(&rest[1].to_lowercase().as_str()),
        );
        while t < rest.len() - 1 {
            let w = rest[t].to_lowercase();
            if is_title(&w)
                || qualifies_a_title(rest, t)
                || (t > 0 && CONNECTORS.contains(&w.as_str()))
            {
                t += 1;
            } else {
                break;
            }
        }
        if t > 0 && t < rest.len() {
            // "Head of Research Anil Mehta": the portfolio after "of" is the title's, and
            // the name starts at a given name or is the last two words; "Dean of Research"
            // names nobody.
            if rest[t - 1] == "of" {
                let name = (t..rest.len())
                    .find(|&k| is_given_name(rest[k]))
                    .or_else(|| rest.len().checked_sub(2).filter(|&k| k > t));
                let Some(name) = name else {
                    return;
                };
                person_signal = true;
                rest = &rest[name..];
                first = false;
                continue;
            }
            while t > 0 && CONNECTORS.contains(&rest[t - 1].to_lowercase().as_str()) {
                t -= 1;
            }
            person_signal = true;
            rest = &rest[t..];
            first = false;
            continue;
        }
        break;
    }
    // "the Southern Stags", "The Stags scored", "in The Hague": a name after the article.
    let mut article = first && before == Some("the");
    if rest.first().is_some_and(|w| *w == "The") {
        rest = &rest[1..];
        article = true;
    }
    let last = rest.last().map(|w| w.to_lowercase()).unwrap_or_default();
    if rest.is_empty() || (rest.len() > 1 && EVENT_SUFFIXES.contains(&last.as_str())) {
        return;
    }
    let name = rest;
    // "said Sen. Burr": an abbreviated title, cut off by its dot, names nobody.
    if name.len() == 1
        && (is_never_a_name(&name[0].to_lowercase())
            || TITLE_ABBREVIATIONS.contains(&name[0].to_lowercase().as_str()))
    {
        return;
    }
    let surface = name.join(" ");
    let letters: Vec<char> = surface.chars().filter(|c| c.is_alphabetic()).collect();
    let acronym = name.len() == 1 && letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    // A name after "the" is no person's, speaking or not; a plural one is a team, a party
    // or a band ("the Falcons", "the Harbour Sharks", "the Greens"), unless a place's
    // preposition stands before the article ("in the Alps", "played in the Stags' final"),
    // it is a plural of places or events ("the Highlands", "the Olympics"), or it only
    // opens a longer name ("the Exporters’ Council").
    let team = article
        && !acronym
        && !person_signal
        && !around.owns_name
        && is_plural(&last)
        && !EVENT_SUFFIXES.contains(&last.as_str())
        && !PLACE_SUFFIXES.contains(&last.as_str())
        && !around
            .before2
            .is_some_and(|b| PLACE_PREPOSITIONS.contains(&b));
    // "Officials in Westmere said": a name a place's preposition governs is not who
    // speaks after it.
    let governed = first && before.is_some_and(|b| PLACE_PREPOSITIONS.contains(&b));
    let speech = !article
        && ((!governed && after.is_some_and(|a| SPEECH_VERBS.contains(&a)))
            || (first && before.is_some_and(|b| SPEECH_VERBS.contains(&b))));
    // "in Sorvanian politics", "in Canadian waters": a one-word name shaped like a
    // demonym before a lowercase noun is an adjective, not the place the preposition means.
    let adjective = name.len() == 1
        && name[0].chars().count() >= 6
        && ["ian", "ean", "ese", "ish"]
            .iter()
            .any(|end| name[0].ends_with(end))
        && after.is_some_and(|a| a.chars().next().is_some_and(char::is_lowercase));
    // "Shares in Lumen", "a stake in Corvane": owned, so a company, not a place.
    let stake =
        first && before == Some("in") && around.before2.is_some_and(|b| STAKE_WORDS.contains(&b));
    // "according to Vaega" names a source, not a place.
    let source = before == Some("to") && around.before2 == Some("according");
    // "found in Alder estuary" (a headline's "in the Alder estuary"): the preposition
    // governs the feature the name is of; nouns that say the name is the place ("Kestria
    // province") are read below.
    let names_a_feature = around.headline
        && after.is_some_and(|a| PLACE_SUFFIXES.contains(&a) && !PLACE_AFTER_NOUNS.contains(&a));
    let place_prep = first
        && !adjective
        && !names_a_feature
        && !stake
        && !source
        && before.is_some_and(|b| PLACE_PREPOSITIONS.contains(&b));
    // "off the coast of Marovia", "Marovia’s coast", "the Vessa region", "neighbouring
    // Kestria": what only a place has or is, which no speaking makes a person.
    let place_noun = !adjective
        && ((first
            && before == Some("of")
            && around.before2.is_some_and(|b| PLACE_OF_NOUNS.contains(&b)))
            || (first && before.is_some_and(|b| PLACE_ADJECTIVES.contains(&b)))
            || around.owns_place
            || after.is_some_and(|a| PLACE_AFTER_NOUNS.contains(&a)));
    // An all-capitals word alone is weak evidence: "pain on the VAS", "an MRI", "GDP"
    // are no organisations. It is one when it acts as one ("the RNLI said", "the MAIB has
    // opened"), is where someone works ("works at IBM", "an economist at KMRC", not
    // "stranded at JFK"), or an apposition says so; the gazetteer knows the famous ones
    // and a story that spells one out ("… (BEA)") names it.
    let acts = |verb: Option<&str>| verb.is_some_and(|v| ORG_VERBS.contains(&v));
    let works_at = before == Some("at") && around.before2.is_some_and(works_before_at);
    let acting = acts(after)
        || (after.is_some_and(|a| matches!(a, "has" | "have" | "had" | "will" | "would"))
            && acts(after2))
        || stake
        || (first && (works_at || before.is_some_and(|b| ORG_PREPOSITIONS.contains(&b))));
    // What says a speaker is a person: a title (above), a given name, or "he" or "she"
    // after the verb ("said she would"). A name that ends in a company's word and has none
    // of these is the company ("Ontrack Vision said"); any other speaker is a person
    // unless the story says otherwise.
    let given = name.len() > 1 && is_given_name(name[0]);
    let pronoun = after.is_some_and(|a| SPEECH_VERBS.contains(&a))
        && after2.is_some_and(|w| matches!(w, "he" | "she"));
    let company = name.len() > 1 && !given && !pronoun && is_company_word(&last);
    // "HDFC Securities said" (the acronym dropped), "Stock said": one word the story also
    // writes in lowercase, or a company's word, is a common noun, not a person who speaks.
    let common_word = name.len() == 1
        && !person_signal
        && (is_company_word(&last) || around.common.is_some_and(|c| c.contains(&last)));
    // "Barnes, who …" (but "the Canaanites, who …" are a people, and "(R-Ky.), who …"
    // follows a senator's party and state).
    let described = around.person_after && !is_plural(&last) && !surface.contains('-');
    let evidence = if acronym {
        Evidence::Candidate(
            (acting || appos == Some(EntityKind::Organisation)).then_some(EntityKind::Organisation),
        )
    } else if person_signal || described || (speech && (given || pronoun)) {
        Evidence::Candidate(Some(EntityKind::Person))
    } else if company || team || stake || (first && works_at) {
        // "analysts at Nomura", "an economist at Kotak": where people work is an
        // organisation (the gazetteer knows the places: "studied at Oxford").
        Evidence::Candidate(Some(EntityKind::Organisation))
    } else if place_noun {
        Evidence::Candidate(Some(EntityKind::Place))
    } else if common_word {
        Evidence::Candidate(None)
    } else if speech {
        Evidence::Speaker
    } else if place_prep && before.is_some_and(|b| matches!(b, "to" | "from")) {
        Evidence::PlaceGuess
    } else if place_prep {
        Evidence::Candidate(Some(EntityKind::Place))
    } else {
        Evidence::Candidate(appos)
    };
    out.push(Mention { surface, evidence });
}

/// Abbreviated titles (lowercase, without the dot that cuts them off from the name).
const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "sgt", "lt", "col", "capt", "cpl",
    "pvt", "brig", "det", "maj", "cmdr", "supt", "adm",
];

/// Whether the words after a name's comma describe a person by the relative "who"
/// ("Barnes, who worked on a radar project").
fn described_as_a_person(after: &[Word<'_>]) -> bool {
    after
        .first()
        .is_some_and(|w| w.text.eq_ignore_ascii_case("who"))
}

/// Whether the words after a possessive name what only a place has, at once or after one
/// more lowercase word, and end the phrase there ("Marovia’s coast before dawn",
/// "Kestria’s new government said", not "Banyan’s capital markets").
fn owns_a_place(after: &[Word<'_>]) -> bool {
    let ends_the_phrase = |n: usize| {
        after[n].break_after
            || after
                .get(n + 1)
                .is_none_or(|w| !w.cap && is_stop("en", &w.text.to_lowercase()))
    };
    let noun = |n: usize| {
        after
            .get(n)
            .is_some_and(|w| !w.cap && PLACE_OWNED_NOUNS.contains(&w.text.to_lowercase().as_str()))
            && ends_the_phrase(n)
    };
    noun(0) || (after.first().is_some_and(|w| !w.cap && !w.break_after) && noun(1))
}

/// Whether a lowercase word is shaped like a plural noun ("stags", "greens"; not "swiss",
/// "indus", "paris").
fn is_plural(w: &str) -> bool {
    w.chars().count() >= 4
        && w.ends_with('s')
        && !["ss", "us", "is"].iter().any(|end| w.ends_with(end))
}

/// Whether a lowercase word before "at" says someone works there: a word of work or a role,
/// singular or plural ("works", "economist", "researchers").
fn works_before_at(w: &str) -> bool {
    WORK_WORDS.contains(&w) || is_title(w) || w.strip_suffix('s').is_some_and(is_title)
}

/// Whether a lowercase word opens place names before a capitalised word ("Cape Ardent",
/// "Mount Kessel", "Saint Lucia", "Bay Ridge") though it is also a common word.
fn opens_a_place_name(lower: &str) -> bool {
    PLACE_PREFIXES.contains(&lower) || PLACE_HEADS.contains(&lower)
}

/// A capitalised sentence opener shaped like a common word ("Dismissing",
/// "Guitarist", "Reportedly"), not a name.
fn looks_like_common_word(lower: &str) -> bool {
    lower.len() > 6
        && [
            "ing", "ist", "ists", "ysts", "ians", "ials", "ly", "tion", "ment", "ness", "ed",
            "ous", "ers",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// "… Ministry", "… Party", "University of …", "National Union of …", "FC …".
fn is_org_shape(run: &[&str]) -> bool {
    let lower: Vec<String> = run.iter().map(|w| w.to_lowercase()).collect();
    let last = lower.last().map(String::as_str).unwrap_or_default();
    let first = lower.first().map(String::as_str).unwrap_or_default();
    is_org_suffix(last)
        || (run.len() > 1 && ORG_PREFIXES.contains(&first))
        || lower
            .windows(2)
            .any(|w| w[1] == "of" && (ORG_HEADS.contains(&w[0].as_str()) || is_org_suffix(&w[0])))
}

/// "… Bay", "… Sea", "Mount …", "Straits of …".
fn is_place_shape(run: &[&str]) -> bool {
    let last = run.last().map(|w| w.to_lowercase()).unwrap_or_default();
    let first = run.first().map(|w| w.to_lowercase()).unwrap_or_default();
    PLACE_SUFFIXES.contains(&last.as_str())
        || PLACE_PREFIXES.contains(&first.as_str())
        || (run.len() > 2 && run[1] == "of" && PLACE_SUFFIXES.contains(&first.as_str()))
}

/// What an apposition after a name says it is: ", the state water agency" or ", a
/// lawyer in Accra".
fn apposition(after: &[Word<'_>]) -> Option<EntityKind> {
    let first = after.first()?.text.to_lowercase();
    if !matches!(first.as_str(), "the" | "a" | "an" | "its" | "his" | "her") {
        return None;
    }
    for (i, w) in after.iter().enumerate().skip(1).take(4) {
        if w.cap && lookup(w.text).is_none() {
            return None;
        }
        let lower = w.text.to_lowercase();
        let next_is_name = !w.break_after && after.get(i + 1).is_some_and(|n| n.cap);
        if next_is_name {
            // "the expedition company Summit Peaks": the noun introduces the next name.
            return None;
        }
        if ORG_NOUNS.contains(&lower.as_str()) {
            return Some(EntityKind::Organisation);
        }
        if is_title(&lower) {
            return Some(EntityKind::Person);
        }
        if w.break_after {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What sentence `s` says about the mention `name`, if it finds it.
    fn evidence_of(s: &str, name: &str) -> Option<Evidence> {
        find(s, &HashSet::new())
            .into_iter()
            .find(|m| m.surface == name)
            .map(|m| m.evidence)
    }

    fn surfaces(s: &str) -> Vec<(String, bool)> {
        find(s, &HashSet::new())
            .into_iter()
            .map(|m| (m.surface, matches!(m.evidence, Evidence::Known(_))))
            .collect()
    }

    #[test]
    fn strips_titles_and_splits_gazetteer_prefixes() {
        let common: HashSet<String> = ["talks".to_string()].into();
        let m = find(
            "Talks resumed as Ukrainian President Volodymyr Zelensky Zelenskiy met officials.",
            &common,
        );
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[1].surface, "Volodymyr Zelensky");
        assert!(matches!(m[1].evidence, Evidence::Known(k) if k.kind == EntityKind::Person));
        assert!(matches!(m[0].evidence, Evidence::Known(k) if k.canonical == "Ukraine"));
    }

    #[test]
    fn a_title_s_qualifiers_are_part_of_the_title() {
        let people = |s: &str| -> Vec<String> {
            find(s, &HashSet::new())
                .into_iter()
                .filter(|m| m.evidence.kind() == Some(EntityKind::Person))
                .map(|m| m.surface)
                .collect()
        };
        assert_eq!(
            people("Professor Emeritus of History Maria Vance said the archive was lost."),
            ["Maria Vance"]
        );
        assert!(
            people("Maria Vance is Professor Emeritus of History at Dunmore University.")
                .iter()
                .all(|p| p == "Maria Vance"),
        );
        assert_eq!(
            people("The study was led by Associate Professor Tom Ridge."),
            ["Tom Ridge"]
        );
        assert_eq!(
            people("Emerita Professor Ruth Okafor retired."),
            ["Ruth Okafor"]
        );
        // An abbreviated rank without its dot is a title too.
        assert_eq!(people("Sgt. Okafor was hurt."), ["Okafor"]);
    }

    #[test]
    fn a_possessive_after_a_speech_verb_is_not_the_speaker() {
        let m = find(
            "“It works,” said Banyan’s chief executive, Siti Rahmat.",
            &HashSet::new(),
        );
        let people: Vec<String> = m
            .into_iter()
            .filter(|m| m.evidence.kind() == Some(EntityKind::Person))
            .map(|m| m.surface)
            .collect();
        assert!(!people.contains(&"Banyan".to_string()), "{people:?}");
        let m = find("“It works,” said Siti Rahmat.", &HashSet::new());
        assert_eq!(m[0].evidence, Evidence::Speaker);
    }

    #[test]
    fn a_speaker_named_like_a_company_is_the_company_unless_a_person_sign_says_otherwise() {
        let evidence = |s: &str| find(s, &HashSet::new()).remove(0).evidence;
        let org = Evidence::Candidate(Some(EntityKind::Organisation));
        let person = Evidence::Candidate(Some(EntityKind::Person));
        assert_eq!(evidence("Ontrack Vision said the error was fixed."), org);
        assert_eq!(evidence("“It was an error,” said Northgate Health."), org);
        assert_eq!(evidence("The data came from Bayfront Securities."), org);
        // A given name, a title, or "he"/"she" after the verb make the speaker a person.
        assert_eq!(evidence("Anna Vision said the error was fixed."), person);
        assert_eq!(evidence("Ms Vision said the error was fixed."), person);
        assert_eq!(evidence("Teuila Vision said she was surprised."), person);
        // Any other speaker is a person only where the story says nothing else.
        assert_eq!(
            evidence("Harlow Kent said the deal was done."),
            Evidence::Speaker
        );
    }

    #[test]
    fn a_plural_name_after_the_is_a_team_and_no_name_after_the_is_a_person() {
        let evidence = |s: &str| -> Vec<(String, Evidence)> {
            find(s, &HashSet::new())
                .into_iter()
                .map(|m| (m.surface, m.evidence))
                .collect()
        };
        let org = |n: &str| {
            (
                n.to_string(),
                Evidence::Candidate(Some(EntityKind::Organisation)),
            )
        };
        let bare = |n: &str| (n.to_string(), Evidence::Candidate(None));
        assert_eq!(
            evidence("The crowd roared as the Southern Stags beat the Harbour Sharks."),
            [org("Southern Stags"), org("Harbour Sharks")]
        );
        assert_eq!(
            evidence("The Stags said they would appeal."),
            [org("Stags")]
        );
        // Not a team: a plural after "in the", one that opens a longer name, and a
        // singular name after "the", which does not speak as a person either.
        assert_eq!(
            evidence("Two climbers were rescued in the Alps."),
            [bare("Alps")]
        );
        assert_eq!(
            evidence("He chairs the Exporters’ Council."),
            [bare("Exporters"), bare("Council")]
        );
        assert_eq!(
            evidence("The Kestrel said it was sorry."),
            [bare("Kestrel")]
        );
    }

    #[test]
    fn shares_in_a_name_make_it_a_company_not_a_place() {
        let evidence = evidence_of;
        let org = Some(Evidence::Candidate(Some(EntityKind::Organisation)));
        assert_eq!(evidence("Shares in Lumen rose 9% on Monday.", "Lumen"), org);
        assert_eq!(
            evidence("It sold its stake in KMRC last year.", "KMRC"),
            org
        );
        assert_eq!(
            evidence("Prices in Lumen rose 9% on Monday.", "Lumen"),
            Some(Evidence::Candidate(Some(EntityKind::Place)))
        );
    }

    #[test]
    fn a_place_after_its_preposition_does_not_speak() {
        let m = find(
            "Seismologists in Westmere said the fault was active.",
            &HashSet::new(),
        );
        let westmere = m.iter().find(|m| m.surface == "Westmere");
        assert_eq!(
            westmere.map(|m| &m.evidence),
            Some(&Evidence::Candidate(Some(EntityKind::Place))),
            "{m:?}"
        );
    }

    #[test]
    fn a_coast_a_government_or_a_region_makes_a_place() {
        let evidence = evidence_of;
        let place = Some(Evidence::Candidate(Some(EntityKind::Place)));
        let bare = Some(Evidence::Candidate(None));
        for (s, name) in [
            (
                "The quake struck off the coast of Talvoria before dawn.",
                "Talvoria",
            ),
            ("It hit the port city of Brenmar at night.", "Brenmar"),
            ("The quake struck Talvoria’s coast before dawn.", "Talvoria"),
            (
                "Officials said Talvoria’s new government would resign.",
                "Talvoria",
            ),
            ("Thousands fled the Oradek region on Monday.", "Oradek"),
            (
                "The strait runs between Kell and the Straits of Orm.",
                "Straits of Orm",
            ),
        ] {
            assert_eq!(evidence(s, name), place, "{s}");
        }
        // What a company or a person has as well, or a noun that goes on.
        for (s, name) in [
            (
                "Shares fell after Banyan’s capital spending doubled.",
                "Banyan",
            ),
            (
                "The lander will touch down near the Moon’s south pole.",
                "Moon",
            ),
            ("He told the story of Brandt to his son.", "Brandt"),
        ] {
            assert_eq!(evidence(s, name), bare, "{s}");
        }
    }

    #[test]
    fn a_neighbouring_name_is_a_place_even_when_it_speaks() {
        let evidence = evidence_of;
        let place = Some(Evidence::Candidate(Some(EntityKind::Place)));
        assert_eq!(
            evidence(
                "Neighbouring Kestria said it was sending two teams.",
                "Kestria"
            ),
            place
        );
        assert_eq!(
            evidence("Officials said neighbouring Kestria would help.", "Kestria"),
            place
        );
        // "to" and "from" only guess; "according to" names a source.
        assert_eq!(
            evidence("Flights to Kell were cancelled.", "Kell"),
            Some(Evidence::PlaceGuess)
        );
        assert_eq!(
            evidence("The plan is flawed, according to Vaega.", "Vaega"),
            Some(Evidence::Candidate(None))
        );
    }

    #[test]
    fn a_consortium_is_an_organisation() {
        let m = find(
            "The lander was built by the Pan-Pacific Space Consortium.",
            &HashSet::new(),
        );
        assert_eq!(m[0].surface, "Pan-Pacific Space Consortium");
        assert_eq!(
            m[0].evidence,
            Evidence::Candidate(Some(EntityKind::Organisation))
        );
    }

    #[test]
    fn speech_verbs_orgs_and_places() {
        let m = find(
            "The Kenya Wildlife Service opened an office in Naivasha, Jane Wanjiru said.",
            &HashSet::new(),
        );
        let kinds: Vec<(String, Evidence)> =
            m.into_iter().map(|m| (m.surface, m.evidence)).collect();
        assert_eq!(
            kinds,
            [
                (
                    "Kenya Wildlife Service".to_string(),
                    Evidence::Candidate(Some(EntityKind::Organisation))
                ),
                (
                    "Naivasha".to_string(),
                    Evidence::Candidate(Some(EntityKind::Place))
                ),
                (
                    "Jane Wanjiru".to_string(),
                    Evidence::Candidate(Some(EntityKind::Person))
                ),
            ]
        );
    }

    #[test]
    fn an_acronym_is_an_organisation_only_when_it_acts_as_one() {
        let common: HashSet<String> = ["pain".to_string()].into();
        let kinds = |s: &str| -> Vec<(String, Evidence)> {
            find(s, &common)
                .into_iter()
                .map(|m| (m.surface, m.evidence))
                .collect()
        };
        let org = |n: &str| {
            (
                n.to_string(),
                Evidence::Candidate(Some(EntityKind::Organisation)),
            )
        };
        let bare = |n: &str| (n.to_string(), Evidence::Candidate(None));
        assert_eq!(
            kinds("Pain on the VAS fell, and no patient needed an MRI."),
            [bare("VAS"), bare("MRI")]
        );
        assert_eq!(
            kinds("The RNLI said the MAIB has opened an inquiry, and she works at KMRC."),
            [org("RNLI"), org("MAIB"), org("KMRC")]
        );
    }

    #[test]
    fn an_acronym_after_at_is_an_organisation_only_where_someone_works() {
        let kinds = |s: &str| -> Vec<(String, Evidence)> {
            find(s, &HashSet::new())
                .into_iter()
                .map(|m| (m.surface, m.evidence))
                .collect()
        };
        let org = |n: &str| {
            (
                n.to_string(),
                Evidence::Candidate(Some(EntityKind::Organisation)),
            )
        };
        assert_eq!(
            kinds("Passengers were stranded at JFK overnight, and more slept at LAX."),
            [
                ("JFK".to_string(), Evidence::Candidate(None)),
                ("LAX".to_string(), Evidence::Candidate(None))
            ]
        );
        assert_eq!(
            kinds("An economist at KMRC and researchers at NIWA agreed; he had a job at CDRX."),
            [org("KMRC"), org("NIWA"), org("CDRX")]
        );
    }

    #[test]
    fn a_place_name_s_head_opening_a_sentence_stays_with_the_name() {
        // The story also writes "the cape", "the mount", "the lake", "a saint".
        let common: HashSet<String> = ["cape", "mount", "lake", "saint", "bay"]
            .map(String::from)
            .into();
        let first = |s: &str| find(s, &common).into_iter().next();
        let m = first("Cape Ardent has hosted 14 launches.");
        assert_eq!(
            m.map(|m| (m.surface, m.evidence.kind())),
            Some(("Cape Ardent".to_string(), Some(EntityKind::Place)))
        );
        let m = first("Mount Kessel erupted on Friday.");
        assert_eq!(m.map(|m| m.surface).as_deref(), Some("Mount Kessel"));
        let m = first("Saint Orrin lies across the bay.");
        assert_eq!(m.map(|m| m.surface).as_deref(), Some("Saint Orrin"));
        // German and French heads in an English story: "Mont Ventoux", "Kap Arkona".
        let m = first("Mont Ventoux will host the stage finish.");
        assert_eq!(
            m.map(|m| (m.surface, m.evidence.kind())),
            Some(("Mont Ventoux".to_string(), Some(EntityKind::Place)))
        );
        // Alone, the head is the common word it also is.
        assert!(find("Lake levels fell.", &common).is_empty());
    }

    #[test]
    fn sentence_openers_are_not_names() {
        assert!(surfaces("Despite the rain, nothing changed.").is_empty());
        assert_eq!(
            surfaces("N. Korea fired a missile."),
            [("N. Korea".to_string(), true)]
        );
    }

    #[test]
    fn a_portfolio_after_of_belongs_to_the_title_not_to_the_name() {
        for (sentence, name) in [
            (
                "Head of Research Anil Mehta said margins would improve.",
                "Anil Mehta",
            ),
            (
                "Director of Fundamental Research Ravi Rao welcomed the plant.",
                "Ravi Rao",
            ),
            (
                "Minister of Regional Development Tomas Varga opened the bridge.",
                "Tomas Varga",
            ),
        ] {
            let found = find(sentence, &HashSet::new());
            assert_eq!(found.len(), 1, "{sentence}: {found:?}");
            assert_eq!(found[0].surface, name);
            assert_eq!(
                found[0].evidence,
                Evidence::Candidate(Some(EntityKind::Person))
            );
        }
        // A title and its portfolio alone name nobody.
        for sentence in [
            "Head of Research said margins would improve.",
            "The report by the Director of Fundamental Research was late.",
        ] {
            let found = find(sentence, &HashSet::new());
            assert!(
                found.iter().all(|m| !m.surface.starts_with("of ")
                    && m.evidence.kind() != Some(EntityKind::Person)),
                "{sentence}: {found:?}"
            );
        }
    }

    #[test]
    fn a_common_word_alone_does_not_speak_as_a_person() {
        // A company's word left alone by a dropped acronym, or a word the story writes in
        // lowercase elsewhere.
        let common: HashSet<String> = ["stock".to_string()].into();
        assert_eq!(
            find("HDFC Securities said the shares were cheap.", &common)
                .iter()
                .find(|m| m.surface == "Securities")
                .map(|m| m.evidence.clone()),
            Some(Evidence::Candidate(None))
        );
        assert_eq!(
            evidence_of("Prices rose, Research said.", "Research"),
            Some(Evidence::Candidate(None))
        );
        assert_eq!(
            find("Prices rose, Stock said.", &common)
                .first()
                .map(|m| m.evidence.clone()),
            Some(Evidence::Candidate(None))
        );
        // A surname that is no common word of the story still speaks.
        assert_eq!(
            evidence_of("Prices rose, Okoro said.", "Okoro"),
            Some(Evidence::Speaker)
        );
    }

    #[test]
    fn a_name_ending_in_a_finance_word_is_a_company() {
        for (sentence, name) in [
            (
                "Kotak Institutional Equities said the sector was cheap.",
                "Kotak Institutional Equities",
            ),
            (
                "Motilal Oswal Securities said the target was 1,200 rupees.",
                "Motilal Oswal Securities",
            ),
            ("Said Northgate Capital on Monday.", "Northgate Capital"),
        ] {
            assert_eq!(
                evidence_of(sentence, name),
                Some(Evidence::Candidate(Some(EntityKind::Organisation))),
                "{sentence}"
            );
        }
    }

    #[test]
    fn a_subject_the_sentence_calls_the_company_is_an_organisation() {
        let org = Some(Evidence::Candidate(Some(EntityKind::Organisation)));
        assert_eq!(
            evidence_of(
                "Norsk Halvleder will invest 2 billion euros in the plant, the company announced on Friday.",
                "Norsk Halvleder"
            ),
            org
        );
        assert_eq!(
            evidence_of(
                "Brightmoor Foods will close two sites next year, the firm said.",
                "Brightmoor Foods"
            ),
            org
        );
        assert_eq!(
            evidence_of("Varnholt cut 300 jobs, the carmaker confirmed.", "Varnholt"),
            org
        );
        // A person the company speaks about, a ministry speaking about a country, and a
        // name that is not the sentence's subject stay as they were.
        assert_ne!(
            evidence_of(
                "Anna Brandt will lead the plant, the company said.",
                "Anna Brandt"
            ),
            org
        );
        assert_ne!(
            evidence_of(
                "Kestria will reopen the border, the ministry said.",
                "Kestria"
            ),
            org
        );
        assert_ne!(
            evidence_of(
                "The plant will hire engineers from Vessa, the company said.",
                "Vessa"
            ),
            org
        );
    }

    #[test]
    fn where_people_work_is_an_organisation() {
        let org = Some(Evidence::Candidate(Some(EntityKind::Organisation)));
        assert_eq!(
            evidence_of(
                "Demand is strong, said Saurabh Jain, an analyst at Nomura.",
                "Nomura"
            ),
            org
        );
        assert_eq!(
            evidence_of(
                "Economists at Kotak Institutional Equities expect a rebound.",
                "Kotak Institutional Equities"
            ),
            org
        );
        assert_eq!(
            evidence_of("She worked at Brightwell for ten years.", "Brightwell"),
            org
        );
        // Not after a word of work.
        assert_ne!(
            evidence_of("Hundreds were stranded at Kell overnight.", "Kell"),
            org
        );
    }
}
