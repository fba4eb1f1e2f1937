//! Finding name mentions in one German or French sentence. German capitalises every
//! noun and French names carry articles, elisions and lowercase adjectives, so a
//! capitalised run is typed only with evidence: the gazetteer (and its German and French
//! names), a title or honorific before it, an organisation marker or noun, a speech verb
//! after it, a place preposition before it, or a common given name opening it. Leading
//! determiners, titles and organisation nouns are stripped; the rest is left untyped for
//! the story-wide resolution (a surname used alone).

use super::EntityKind;
use super::gazetteer::{
    APPOSITION_DETERMINERS_FR, DETERMINERS_DE, EVENT_HEADS_DE, GIVEN_NAMES, GIVEN_NAMES_DE_FR,
    GOVERNMENT_TITLES_DE, INSTITUTION_ENDINGS_DE, INSTITUTION_TYPES_DE, LEGAL_FORMS_DE_FR,
    NAME_ADJECTIVE_STEMS_DE, NEUTER_HEADS_DE, NOT_ACRONYMS_DE_FR, NOT_PERSON_NOUNS_FR,
    NOT_PLACES_DE, NOUN_ENDINGS_DE, ORG_CLOSERS_DE_FR, ORG_NOUNS_DE_FR, ORG_OPENERS_DE_FR,
    PARTICLES_DE, PARTICLES_FR, PLACE_HEADS_DE, PLACE_NAME_HEADS_DE_FR, PLACE_NOUN_ENDINGS_DE,
    PLACE_NOUNS_FR, PLACE_PREPOSITIONS_DE_FR, PLURAL_NOUNS_DE, SPEECH_VERBS_DE_FR,
    TITLE_ENDINGS_DE, TITLES_DE_FR, TOWN_ENDINGS_DE, is_determiner_fr,
};
use super::lookup::lookup_de_fr;
use super::mentions::{Evidence, Mention, Word, words};
use super::names::fold_key;

/// The two languages this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// German.
    German,
    /// French.
    French,
}

/// Endings of French adjectives that continue an institution's name ("Parti socialiste",
/// "Agence spatiale européenne").
const ADJECTIVE_ENDINGS_FR: &[&str] = &[
    "al", "ale", "aux", "ique", "iste", "éen", "éenne", "ien", "ienne", "ais", "aise", "aire",
    "if", "ive", "ois", "oise",
];

/// French elided words whose apostrophe joins them to the next word (lowercase).
const ELISIONS_FR: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu",
];

/// Conjunctions that continue a list of places ("zwischen Bremen und Hannover").
const AND: &[&str] = &["und", "oder", "et", "ou"];

/// Splits French elisions ("l’Institut", "d’Alcoy") into the elided word, without its
/// apostrophe, and the next.
fn split_elisions(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len() + 8);
    let mut word = String::new();
    let mut chars = sentence.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphabetic() {
            out.push(c);
            word.extend(c.to_lowercase());
            continue;
        }
        let elided = matches!(c, '\'' | '’')
            && ELISIONS_FR.contains(&word.as_str())
            && chars.peek().is_some_and(|n| n.is_alphabetic());
        out.push(if elided { ' ' } else { c });
        word.clear();
    }
    out
}

/// Lowercase form of a word.
fn low(w: &str) -> String {
    w.to_lowercase()
}

/// A determiner, pronoun or sentence opener of `lang`.
fn is_determiner(w: &str, lang: Lang) -> bool {
    match lang {
        Lang::German => DETERMINERS_DE.contains(&w),
        Lang::French => is_determiner_fr(w),
    }
}

/// A name particle of `lang` ("von", "de la").
fn is_particle(w: &str, lang: Lang) -> bool {
    match lang {
        Lang::German => PARTICLES_DE.contains(&w),
        Lang::French => PARTICLES_FR.contains(&w),
    }
}

/// A title or honorific ("Herr", "Mme", "préfet", "Außenministerin", "Trainer").
fn is_title(w: &str, lang: Lang) -> bool {
    if TITLES_DE_FR.contains(&w) {
        return true;
    }
    if lang != Lang::German {
        return false;
    }
    let stem = w
        .strip_suffix("in")
        .filter(|s| s.chars().count() >= 4)
        .unwrap_or(w);
    TITLE_ENDINGS_DE
        .iter()
        .any(|e| stem.ends_with(e) || w.ends_with(e))
}

/// A German title of public office ("Umweltminister", "Oberbürgermeisterin", "Landrat").
fn is_government_title(w: &str) -> bool {
    let stem = w
        .strip_suffix("in")
        .filter(|s| s.chars().count() >= 4)
        .unwrap_or(w);
    GOVERNMENT_TITLES_DE
        .iter()
        .any(|e| stem.ends_with(e) || w.ends_with(e))
}

/// A word that opens an organisation's name ("SG …", "Banque …", "Forstamt …").
fn is_opening_marker(w: &str, lang: Lang) -> bool {
    ORG_OPENERS_DE_FR.contains(&w)
        || (lang == Lang::German
            && INSTITUTION_ENDINGS_DE
                .iter()
                .any(|e| w.len() > e.len() + 2 && w.ends_with(e)))
}

/// A German noun that introduces a place's name ("Land", "Hafenstadt", "Küstenort").
fn is_place_noun(w: &str, lang: Lang) -> bool {
    lang == Lang::German
        && PLACE_NOUN_ENDINGS_DE
            .iter()
            .any(|e| w == *e || (w.ends_with(e) && w.len() > e.len() + 2))
}

/// A noun that introduces an organisation's name ("Firma", "société", "Autozulieferer").
fn is_org_noun(w: &str, lang: Lang) -> bool {
    ORG_NOUNS_DE_FR.contains(&w)
        || (lang == Lang::German
            && ORG_NOUNS_DE_FR
                .iter()
                .any(|n| w.len() > n.len() + 2 && w.ends_with(n)))
}

/// A German compound naming an institution's type ("Kulturverein", "Volksbank").
fn is_institution_compound(w: &str) -> bool {
    INSTITUTION_TYPES_DE
        .iter()
        .any(|e| w.len() > e.len() + 2 && w.ends_with(e))
}

/// A legal form that closes an organisation's name ("GmbH", "e.V.", "eG").
fn is_legal_form(w: &str) -> bool {
    LEGAL_FORMS_DE_FR.contains(&low(w).as_str())
}

/// A legal form as it is written, starting with a lowercase letter ("e.V.", "eG", "mbH"):
/// only these continue a name from a lowercase word. "SA", "SE" and "AG" are written in
/// capitals, and their lowercase spellings are common words ("Macron se rend", "sa femme").
fn is_lowercase_legal_form(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
        && w.chars().any(char::is_uppercase)
        && is_legal_form(w)
}

/// An all-capitals word of two letters or more.
fn is_acronym(w: &str) -> bool {
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2
        && letters.iter().all(|c| c.is_uppercase())
        && w.chars().all(|c| c.is_alphabetic() || c == '.')
}

/// What surrounds a run in its sentence.
#[derive(Clone)]
struct Context {
    /// The word before, when nothing separates them.
    before: Option<String>,
    /// The word before `before`.
    before2: Option<String>,
    /// The word before `before2`.
    before3: Option<String>,
    /// The word after, when nothing separates them.
    after: Option<String>,
    /// The word after `after`.
    after2: Option<String>,
    /// A title was stripped from the run or stands just before it.
    person: bool,
    /// An organisation noun was stripped from the run or stands just before it.
    org: bool,
    /// A title stands in the few words before a comma that precedes the run ("le maire
    /// d'Alcoy, Jordi Puig").
    title_before_comma: bool,
    /// A French noun phrase of lowercase words stands before a comma that precedes the run
    /// ("une habitante, Martine Dufau", "le gérant de la discothèque, Franck Mercier").
    noun_before_comma: bool,
    /// A title follows the comma after the run ("Thierry Frémaux, délégué général").
    title_after_comma: bool,
    /// A list of places leads to this run ("zwischen Bremen und Hannover").
    listed_place: bool,
    /// The run opens the sentence.
    initial: bool,
    /// A place noun was stripped from the run ("Hafenstadt Vessa").
    place: bool,
}

impl Context {
    /// The context of the part of a run that follows `before`, inside the run: nothing
    /// known but the word before it.
    fn inside_run(before: String) -> Self {
        Self {
            before: Some(before),
            before2: None,
            before3: None,
            after: None,
            after2: None,
            person: false,
            org: false,
            title_before_comma: false,
            noun_before_comma: false,
            title_after_comma: false,
            listed_place: false,
            initial: false,
            place: false,
        }
    }
}

/// Finds the mentions of one German or French sentence.
pub fn find(sentence: &str, lang: Lang) -> Vec<Mention> {
    let prepared = match lang {
        Lang::French => split_elisions(sentence),
        Lang::German => sentence.to_string(),
    };
    // "Prof. Dr. Miriam Albers", "St. Peter-Ording": an abbreviated title's or place
    // head's dot does not end the name.
    let prepared = prepared
        .replace("Prof. ", "Prof ")
        .replace("Dr. ", "Dr ")
        .replace("St. ", "St ");
    let ws = words(&prepared);
    let mut out = Vec::new();
    // The index of the word after the last run typed as a place.
    let mut place_end: Option<usize> = None;
    let mut i = 0;
    while i < ws.len() {
        if !ws[i].cap {
            i += 1;
            continue;
        }
        let (start, end) = run_bounds(&ws, i, lang);
        let run: Vec<&str> = ws[start..end].iter().map(|w| w.text).collect();
        let joined = |k: usize| (k < ws.len() && k > 0 && !ws[k - 1].break_after).then_some(k);
        let before = start
            .checked_sub(1)
            .filter(|&b| !ws[b].break_after)
            .map(|b| low(ws[b].text));
        let at = |k: Option<usize>| k.and_then(|k| ws.get(k)).map(|w| low(w.text));
        let before2 = at(start.checked_sub(2));
        let before3 = at(start.checked_sub(3));
        let after = joined(end).map(|k| low(ws[k].text));
        let after2 = joined(end)
            .and_then(|k| joined(k + 1))
            .map(|k| low(ws[k].text));
        let title_before_comma = start > 0
            && ws[start - 1].break_after
            && ws[start.saturating_sub(5)..start]
                .iter()
                .any(|w| is_title(&low(w.text), lang));
        let noun_before_comma = lang == Lang::French
            && ws[end - 1].break_after
            && start > 0
            && ws[start - 1].break_after
            && apposition_noun_phrase(&ws[..start]);
        let title_after_comma =
            ws[end - 1].break_after && ws.get(end).is_some_and(|w| is_title(&low(w.text), lang));
        let listed_place = place_end.is_some_and(|p| {
            p + 1 == start
                && ws
                    .get(p)
                    .is_some_and(|w| AND.contains(&low(w.text).as_str()))
        });
        let ctx = Context {
            person: before.as_deref().is_some_and(|b| is_title(b, lang)),
            org: before.as_deref().is_some_and(|b| is_org_noun(b, lang)),
            before,
            before2,
            before3,
            after,
            after2,
            title_before_comma,
            noun_before_comma,
            title_after_comma,
            listed_place,
            initial: start == 0,
            place: false,
        };
        let found = classify(&run, ctx, lang);
        place_end = None;
        for m in found {
            if m.evidence == Evidence::Candidate(Some(EntityKind::Place))
                || matches!(&m.evidence, Evidence::Known(k) if k.kind == EntityKind::Place)
            {
                place_end = Some(end);
            }
            out.push(m);
        }
        i = end;
    }
    out
}

/// Whether the words before a comma end in a French noun phrase that a person's name can
/// stand in apposition to: a determiner and at most five lowercase words ("une
/// habitante", "chez le gérant de la discothèque", "a rappelé une mère"), not naming a
/// place, a thing or an organisation ("la capitale", "le groupe").
fn apposition_noun_phrase(before: &[Word<'_>]) -> bool {
    let n = before.len();
    let mut determiner = false;
    for d in (n.saturating_sub(6)..n).rev() {
        let w = &before[d];
        let lower = low(w.text);
        let opens = APPOSITION_DETERMINERS_FR.contains(&lower.as_str());
        // Only the sentence's first word, a determiner, may be capitalised ("Une habitante").
        if (w.cap && !(d == 0 && opens)) || (d + 1 < n && w.break_after) {
            break;
        }
        if NOT_PERSON_NOUNS_FR.contains(&lower.as_str())
            || ORG_NOUNS_DE_FR.contains(&lower.as_str())
        {
            return false;
        }
        determiner |= opens && d + 1 < n;
    }
    determiner
}

/// The run of capitalised words from `i`: with name particles between them ("Marie de
/// la Roche") and, in French, the adjectives after an institution ("Agence spatiale
/// européenne"), up to punctuation.
fn run_bounds(ws: &[Word<'_>], i: usize, lang: Lang) -> (usize, usize) {
    let mut end = i + 1;
    let mut j = i;
    while !ws[j].break_after && j + 1 < ws.len() {
        if ws[j + 1].cap {
            end = j + 2;
            j += 1;
            continue;
        }
        let mut k = j + 1;
        while k < ws.len()
            && k <= j + 2
            && !ws[k].cap
            && !ws[k].break_after
            && is_particle(&low(ws[k].text), lang)
        {
            k += 1;
        }
        if k > j + 1 && ws.get(k).is_some_and(|w| w.cap) {
            end = k + 1;
            j = k;
            continue;
        }
        break;
    }
    // "Kulturverein Marovia e.V.", "Volksbank Kurpfalz eG": a legal form written in
    // lowercase still closes the name.
    if end < ws.len()
        && !ws[end - 1].break_after
        && !ws[end].cap
        && is_lowercase_legal_form(ws[end].text)
    {
        end += 1;
    }
    // "Deutsche Akademie für Sprache und Dichtung", "Bundesamt für Migration und
    // Flüchtlinge": an institution's name goes on through "für" and its subject.
    let institution = |w: &Word<'_>| {
        let lower = low(w.text);
        name_adjective(w.text).is_some() || is_opening_marker(&lower, lang)
    };
    if lang == Lang::German && ws[i..end].iter().any(institution) {
        let joins = |k: usize, word: &str| {
            ws.get(k)
                .is_some_and(|w| w.text == word && !ws[k - 1].break_after)
                && ws.get(k + 1).is_some_and(|w| w.cap)
        };
        if joins(end, "für") {
            end += 2;
            while joins(end, "und") {
                end += 2;
            }
        }
    }
    if lang == Lang::French
        && ws[i..end]
            .iter()
            .any(|w| ORG_OPENERS_DE_FR.contains(&low(w.text).as_str()))
    {
        let mut k = end;
        while k < ws.len()
            && k < end + 3
            && !ws[k - 1].break_after
            && !ws[k].cap
            && ADJECTIVE_ENDINGS_FR
                .iter()
                .any(|e| ws[k].text.ends_with(e) && ws[k].text.len() > e.len() + 2)
        {
            k += 1;
        }
        end = k;
    }
    (i, end)
}

/// Types a run (or the parts it splits into).
fn classify(run: &[&str], mut ctx: Context, lang: Lang) -> Vec<Mention> {
    // A run closed by a legal form is a registered name, with the compound that says what
    // kind of institution it is: "Kulturverein Marovia e.V." names the association, and
    // Marovia stays the town it is named after ("der Autozulieferer Brenner Technik GmbH"
    // is still "Brenner Technik GmbH").
    let registered = run.len() > 1 && run.last().is_some_and(|w| is_legal_form(w));
    let part_of_name = |w: &str| registered && is_institution_compound(w);
    let mut s = 0;
    // Strip determiners, titles and organisation nouns from the front.
    while s < run.len() {
        let w = low(run[s]);
        if lookup_de_fr(&run[s..].join(" ")).is_some() {
            break;
        }
        if is_determiner(&w, lang) || is_particle(&w, lang) {
            ctx.before3 = ctx.before2.take();
            ctx.before2 = ctx.before.take();
            ctx.before = Some(w);
            s += 1;
        } else if s + 1 < run.len() && is_title(&w, lang) {
            ctx.person = true;
            ctx.before = Some(w);
            s += 1;
        } else if s + 1 < run.len() && is_place_noun(&w, lang) {
            ctx.place = true;
            ctx.before = Some(w);
            s += 1;
        } else if s + 1 < run.len()
            && is_org_noun(&w, lang)
            && !is_opening_marker(&w, lang)
            && !part_of_name(&w)
        {
            ctx.org = true;
            ctx.before = Some(w);
            s += 1;
        } else {
            break;
        }
    }
    let mut name = &run[s..];
    if name.is_empty() || (name.len() == 1 && is_title(&low(name[0]), lang)) {
        return Vec::new();
    }
    // "Tabellenführer SC Eichstetten", "Der Internationale Skiverband FIS": the name
    // starts at the club prefix, or after the organisation noun.
    if let Some(p) = name
        .iter()
        .position(|w| is_opening_marker(&low(w), lang))
        .filter(|&p| p > 0 && p + 1 < name.len())
    {
        name = &name[p..];
    } else if let Some(p) = name[..name.len() - 1].iter().rposition(|w| {
        let w = low(w);
        is_org_noun(&w, lang) && !is_opening_marker(&w, lang) && !part_of_name(&w)
    }) {
        ctx.org = true;
        name = &name[p + 1..];
    }
    // "Hohenaus Trainer Stefan Kühne": a title inside a German run of capitalised words
    // ends what comes before it and opens a person's name.
    if lang == Lang::German
        && lookup_de_fr(&name.join(" ")).is_none()
        && let Some(p) = (1..name.len()).find(|&p| is_title(&low(name[p]), lang))
    {
        let left = classify(
            &name[..p],
            Context {
                after: Some(low(name[p])),
                after2: None,
                title_after_comma: false,
                ..ctx.clone()
            },
            lang,
        );
        let right = classify(&name[p..], Context::inside_run(low(name[p - 1])), lang);
        return left.into_iter().chain(right).collect();
    }
    // "Bayerns Umweltminister", "Weinheims Oberbürgermeister": a name in the genitive
    // before a title of public office is the place that office governs. Before a minister
    // it may be the head of government's ("Söders Finanzminister"), so there only a place
    // the gazetteer knows is typed; an unknown name stays a candidate the story may type.
    if lang == Lang::German
        && let [word] = name
        && let Some(title) = ctx.after.as_deref().filter(|t| is_government_title(t))
        && let Some(stem) = word.strip_suffix('s').filter(|s| s.chars().count() >= 3)
    {
        let a_minister = title.trim_end_matches("in").ends_with("minister");
        let evidence = match lookup_de_fr(stem) {
            Some(kind) => Evidence::Known(kind),
            None if a_minister => Evidence::Candidate(None),
            None => Evidence::Candidate(Some(EntityKind::Place)),
        };
        return vec![Mention {
            surface: stem.to_string(),
            evidence,
        }];
    }
    let text = name.join(" ");
    if let Some(k) = lookup_de_fr(&text) {
        return vec![Mention {
            surface: text,
            evidence: Evidence::Known(k),
        }];
    }
    // "Kap Arkona liegt …", "Mont Ventoux sera …", "l'Île de Ré": a place name's head
    // with the name after it is a place, opening a sentence or not.
    if name.len() > 1
        && !ctx.org
        && !ctx.person
        && PLACE_NAME_HEADS_DE_FR.contains(&low(name[0]).as_str())
    {
        return vec![Mention {
            surface: text,
            evidence: Evidence::Candidate(Some(EntityKind::Place)),
        }];
    }
    if lang == Lang::German
        && (s > 0 || !ctx.initial)
        && let Some(m) = adjective_name(name, ctx.before.as_deref())
    {
        return m;
    }
    let lower: Vec<String> = name.iter().map(|w| low(w)).collect();
    let multi = name.len() > 1;
    // A French institution takes an article ("La Banque de France"): a bare sentence
    // opener is more likely a participle or a noun ("Parti de Saint-Malo, il …").
    let bare_opener = lang == Lang::French && s == 0 && ctx.initial;
    let marked = multi
        && ((is_opening_marker(&lower[0], lang) && !bare_opener)
            || lower.last().is_some_and(|l| {
                ORG_CLOSERS_DE_FR.contains(&l.as_str()) || ORG_OPENERS_DE_FR.contains(&l.as_str())
            })
            || (is_acronym(name[0]) && !NOT_ACRONYMS_DE_FR.contains(&lower[0].as_str())));
    let opens_with_given = |w: &str| {
        let first = w.split('-').next().unwrap_or(w);
        GIVEN_NAMES_DE_FR.contains(&first) || GIVEN_NAMES.contains(&first)
    };
    let given = (2..=4).contains(&name.len()) && opens_with_given(&lower[0]);
    // A name with a particle but no evidence of a person or organisation is two runs:
    // "Abfackeln von Gas", "Festival de Cannes".
    if let Some(p) = lower.iter().position(|w| is_particle(w, lang))
        && !marked
        && !ctx.org
        && !ctx.person
        && !given
    {
        let mut q = p;
        while q < name.len() && is_particle(&lower[q], lang) {
            q += 1;
        }
        let left = classify(
            &name[..p],
            Context {
                after: Some(lower[p].clone()),
                after2: None,
                title_after_comma: false,
                ..ctx
            },
            lang,
        );
        let right = classify(
            &name[q..],
            Context {
                before2: Some(lower[p - 1].clone()),
                ..Context::inside_run(lower[q - 1].clone())
            },
            lang,
        );
        return left.into_iter().chain(right).collect();
    }
    let candidate = |kind: Option<EntityKind>| {
        vec![Mention {
            surface: text.clone(),
            evidence: Evidence::Candidate(kind),
        }]
    };
    if ctx.org || marked {
        return candidate(Some(EntityKind::Organisation));
    }
    if !multi && is_acronym(name[0]) {
        if NOT_ACRONYMS_DE_FR.contains(&lower[0].as_str()) {
            return Vec::new();
        }
        return candidate(Some(EntityKind::Organisation));
    }
    let b = ctx.before.as_deref().unwrap_or_default();
    let after_article = is_determiner(b, lang) && !PLACE_PREPOSITIONS_DE_FR.contains(&b);
    let speech = ctx
        .after
        .as_deref()
        .is_some_and(|a| SPEECH_VERBS_DE_FR.contains(&a))
        || (matches!(ctx.after.as_deref(), Some("a" | "hat"))
            && ctx
                .after2
                .as_deref()
                .is_some_and(|a| SPEECH_VERBS_DE_FR.contains(&a)));
    // "raconte Dragan Ilić", "sagte Ilina Marek": a quote's speaker after its verb.
    let speech_before = multi && SPEECH_VERBS_DE_FR.contains(&b);
    if ctx.person
        || speech_before
        || (speech && !after_article)
        || given
        || (multi && (ctx.title_before_comma || ctx.title_after_comma || ctx.noun_before_comma))
    {
        return candidate(Some(EntityKind::Person));
    }
    if ctx.place || is_place(&lower, &ctx, lang) {
        return candidate(Some(EntityKind::Place));
    }
    // An untyped name is kept only as a single word, for a surname used alone
    // ("Marquardt"); an untyped "Millionen Euro" or "Halvarsund-Pakt" is nobody. A German
    // run opened or closed by a genitive ("Küste Maroviens", "Maroviens Regierung") keeps
    // that word, which the story-wide resolution gives to the name it is of when the
    // story names it elsewhere, and drops otherwise.
    if fold_key(&text).contains(' ') {
        if lang != Lang::German {
            return Vec::new();
        }
        let genitive = |w: &&&str| w.ends_with('s') && w.chars().count() >= 4 && !is_acronym(w);
        return [name.first(), name.last()]
            .into_iter()
            .flatten()
            .filter(genitive)
            .map(|w| Mention {
                surface: (*w).to_string(),
                evidence: Evidence::Candidate(None),
            })
            .collect();
    }
    candidate(None)
}

/// A German adjective that opens a name, split into its stem and inflection
/// ("Deutschen" gives "Deutsch" and "en").
fn name_adjective(w: &str) -> Option<(&str, &str)> {
    ["en", "er", "es", "em", "e"].into_iter().find_map(|end| {
        let stem = w.strip_suffix(end)?;
        let lower = low(stem);
        // "Tische", "Fische": a noun's short stem, not an adjective's.
        let adjective = NAME_ADJECTIVE_STEMS_DE.iter().any(|e| lower.ends_with(e))
            && lower.chars().count() >= 6;
        adjective.then_some((stem, end))
    })
}

/// "die Deutsche Bahn", "nach Angaben der Deutschen Bahn", "Der Deutsche Wetterdienst":
/// German capitalises an adjective only inside a name, so a run it opens (not as the
/// sentence's first word) is a name: a place or an event by its last word, otherwise an
/// organisation. It is named as it stands alone, the adjectives inflected for the gender
/// its article shows ("der Deutsche Wetterdienst" and "des Deutschen Wetterdienstes" are
/// "Deutscher Wetterdienst", "der Deutschen Bahn" is "Deutsche Bahn"), a masculine or
/// neuter noun told apart by its ending ("des Deutschen Roten Kreuzes" is "Deutsches Rotes
/// Kreuz").
/// `None` when the run does not open with such an adjective.
fn adjective_name(name: &[&str], before: Option<&str>) -> Option<Vec<Mention>> {
    let [first, rest @ ..] = name else {
        return None;
    };
    let next = rest.first()?;
    let (stem, ending) = name_adjective(first)?;
    // "die Deutsche Laura Dahlmeier": a nationality before a person's name.
    let given = low(next);
    if GIVEN_NAMES_DE_FR.contains(&given.as_str()) || GIVEN_NAMES.contains(&given.as_str()) {
        return None;
    }
    let last = low(name.last()?);
    // "den Olympischen Spielen": a dative plural's "-n" aside.
    let head = last.strip_suffix('n').unwrap_or(&last);
    if EVENT_HEADS_DE
        .iter()
        .any(|e| last.ends_with(e) || head.ends_with(e))
    {
        return Some(Vec::new());
    }
    let neuter = || {
        let head = last.trim_end_matches('s').trim_end_matches('e');
        NEUTER_HEADS_DE
            .iter()
            .any(|e| head.ends_with(e) || last.ends_with(e))
    };
    let strong = match (before, ending) {
        (Some("der"), "e") | (Some("den"), "en") => "er",
        (Some("das"), "e") => "es",
        // "im", "am", "vom", "zum", "beim" hold a "dem".
        (Some("des" | "dem" | "im" | "am" | "vom" | "zum" | "beim"), "en") | (_, "em") => {
            if neuter() { "es" } else { "er" }
        }
        (_, "er" | "es") => ending,
        _ => "e",
    };
    let mut words: Vec<String> = vec![format!("{stem}{strong}")];
    for (i, w) in rest.iter().enumerate() {
        let last_word = i + 1 == rest.len();
        let word = match w.strip_suffix(ending) {
            // "Deutsches Rotes Kreuz": an adjective after the first takes the same ending.
            Some(stem) if !last_word => format!("{stem}{strong}"),
            // "des Deutschen Wetterdienstes": the noun's genitive ending goes.
            _ if last_word && before == Some("des") => w
                .strip_suffix("es")
                .or_else(|| w.strip_suffix('s'))
                .filter(|s| s.chars().count() >= 4)
                .unwrap_or(w)
                .to_string(),
            _ => (*w).to_string(),
        };
        words.push(word);
    }
    let surface = words.join(" ");
    if let Some(k) = lookup_de_fr(&surface) {
        return Some(vec![Mention {
            surface,
            evidence: Evidence::Known(k),
        }]);
    }
    let kind = if PLACE_HEADS_DE.iter().any(|e| last.ends_with(e)) {
        EntityKind::Place
    } else {
        EntityKind::Organisation
    };
    Some(vec![Mention {
        surface,
        evidence: Evidence::Candidate(Some(kind)),
    }])
}

/// Whether the context says the run is a place: "in Leipzig", "à Lille", "la région de
/// Valence", "dans le Gard", "zwischen Bremen und Hannover".
fn is_place(lower: &[String], ctx: &Context, lang: Lang) -> bool {
    let b = ctx.before.as_deref().unwrap_or_default();
    let b2 = ctx.before2.as_deref().unwrap_or_default();
    let b3 = ctx.before3.as_deref().unwrap_or_default();
    let common_noun = lang == Lang::German
        && lower.len() == 1
        && (NOT_PLACES_DE.contains(&lower[0].as_str())
            || NOUN_ENDINGS_DE
                .iter()
                .chain(PLURAL_NOUNS_DE)
                .any(|e| lower[0].ends_with(e)));
    if common_noun {
        return false;
    }
    if ctx.listed_place || PLACE_PREPOSITIONS_DE_FR.contains(&b) {
        return true;
    }
    // "Schiffe stauen sich vor Bremerhaven": "vor" names a place only when the word is
    // shaped like a town's name ("vor Gericht", "vor Journalisten" are not).
    if lang == Lang::German
        && b == "vor"
        && let [word] = lower
        && TOWN_ENDINGS_DE
            .iter()
            .any(|e| word.len() > e.len() + 2 && word.ends_with(e))
    {
        return true;
    }
    lang == Lang::French
        && ((matches!(b, "de" | "d" | "du")
            && (PLACE_NOUNS_FR.contains(&b2) || PLACE_NOUNS_FR.contains(&b3)))
            || (matches!(b, "le" | "la" | "l" | "les") && b2 == "dans"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str, lang: Lang) -> Vec<(String, Option<EntityKind>)> {
        find(s, lang)
            .into_iter()
            .filter_map(|m| match m.evidence {
                Evidence::Known(k) => Some((k.canonical.to_string(), Some(k.kind))),
                Evidence::Candidate(None) => None,
                Evidence::Candidate(kind) => Some((m.surface, kind)),
                Evidence::Speaker => Some((m.surface, Some(EntityKind::Person))),
                Evidence::PlaceGuess => Some((m.surface, Some(EntityKind::Place))),
            })
            .collect()
    }

    #[test]
    fn a_place_name_s_head_keeps_the_name_a_place_where_it_stands() {
        let place = |s: &str| Some((s.to_string(), Some(EntityKind::Place)));
        for (sentence, lang, want) in [
            (
                "Kap Arkona liegt im Norden der Insel.",
                Lang::German,
                "Kap Arkona",
            ),
            (
                "Bad Doberan feiert sein Jubiläum.",
                Lang::German,
                "Bad Doberan",
            ),
            (
                "Sankt Peter-Ording meldet einen Rekord.",
                Lang::German,
                "Sankt Peter-Ording",
            ),
            ("St. Moritz meldet Neuschnee.", Lang::German, "St Moritz"),
            (
                "Das Kap Arkona ist ein Ausflugsziel.",
                Lang::German,
                "Kap Arkona",
            ),
            (
                "Mont Ventoux sera l'arrivée de l'étape.",
                Lang::French,
                "Mont Ventoux",
            ),
            (
                "Île de Ré accueille les touristes.",
                Lang::French,
                "Île de Ré",
            ),
            (
                "Col du Galibier est fermé à la circulation.",
                Lang::French,
                "Col du Galibier",
            ),
            ("Lac Léman reste froid cet été.", Lang::French, "Lac Léman"),
        ] {
            assert_eq!(
                typed(sentence, lang).into_iter().next(),
                place(want),
                "{sentence}"
            );
        }
        // Alone, the head names nothing ("Das Bad ist geschlossen").
        assert!(typed("Das Bad ist seit Montag geschlossen.", Lang::German).is_empty());
    }

    #[test]
    fn german_plural_nouns_after_in_are_not_places() {
        assert!(
            typed(
                "Die Familien schliefen in Zelten, in Notunterkünften und in Turnhallen.",
                Lang::German
            )
            .is_empty()
        );
        assert_eq!(
            typed(
                "Viele Kinder lernen in Siedlungen bei Tübingen.",
                Lang::German
            ),
            []
        );
        assert_eq!(
            typed("Er lebt in Essen und arbeitet in Bremen.", Lang::German),
            [
                ("Essen".to_string(), Some(EntityKind::Place)),
                ("Bremen".to_string(), Some(EntityKind::Place)),
            ]
        );
    }

    #[test]
    fn a_legal_form_keeps_the_organisation_its_name_and_the_town_its_own() {
        assert_eq!(
            typed(
                "Der Kulturverein Marovia e.V. lädt Gäste aus Marovia ein, unterstützt von der \
                 Volksbank Kurpfalz eG und der Firma Corvax AG.",
                Lang::German
            ),
            [
                (
                    "Kulturverein Marovia e.V.".to_string(),
                    Some(EntityKind::Organisation)
                ),
                ("Marovia".to_string(), Some(EntityKind::Place)),
                (
                    "Volksbank Kurpfalz eG".to_string(),
                    Some(EntityKind::Organisation)
                ),
                ("Corvax AG".to_string(), Some(EntityKind::Organisation)),
            ]
        );
        // French "se" and "sa" are words, not the legal forms SE and SA.
        let names: Vec<String> = typed(
            "Le président Emmanuel Macron se rend à Berlin. La SNCF se prépare, et Marine \
             Tondelier sa campagne.",
            Lang::French,
        )
        .into_iter()
        .map(|(name, _)| name)
        .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.ends_with(" se") && !n.ends_with(" sa")),
            "{names:?}"
        );
        assert!(names.contains(&"Emmanuel Macron".to_string()), "{names:?}");
    }

    #[test]
    fn a_town_after_vor_is_a_place_and_a_noun_is_not() {
        assert_eq!(
            typed(
                "Vor Cuxhaven warten Frachter, weitere stauen sich vor Bremerhaven.",
                Lang::German
            ),
            [
                ("Cuxhaven".to_string(), Some(EntityKind::Place)),
                ("Bremerhaven".to_string(), Some(EntityKind::Place)),
            ]
        );
        assert_eq!(
            typed(
                "Sie sprach vor Journalisten, warnte vor Spaziergängen und steht vor Gericht.",
                Lang::German
            ),
            []
        );
    }

    #[test]
    fn a_genitive_before_a_public_office_is_the_place_it_governs() {
        assert_eq!(
            typed(
                "Schleswig-Holsteins Innenministerin Sabine Krüger und Weinheims \
                 Oberbürgermeister kamen.",
                Lang::German
            ),
            [
                ("Schleswig-Holstein".to_string(), Some(EntityKind::Place)),
                ("Sabine Krüger".to_string(), Some(EntityKind::Person)),
                ("Weinheim".to_string(), Some(EntityKind::Place)),
            ]
        );
        // A minister's unknown genitive may be the head of government's: not a place.
        let ministers = typed(
            "Söders Finanzminister Albert Füracker lobte Weils Kultusministerin.",
            Lang::German,
        );
        assert!(
            ministers
                .iter()
                .all(|(_, kind)| *kind != Some(EntityKind::Place)),
            "{ministers:?}"
        );
        // A club's or a company's officers say nothing of a place.
        assert_eq!(
            typed(
                "Lindaus Sportdirektor Marco Pfister und Nordhafens Vorstandschef kamen.",
                Lang::German
            ),
            [("Marco Pfister".to_string(), Some(EntityKind::Person))]
        );
    }

    #[test]
    fn a_capitalised_german_adjective_opens_a_name_named_as_it_stands_alone() {
        let found = typed(
            "Nach Angaben der Deutschen Bahn und des Deutschen Wetterdienstes halfen Helfer \
             des Deutschen Roten Kreuzes auf der Schwäbischen Alb, sagte die Deutsche \
             Akademie für Sprache und Dichtung.",
            Lang::German,
        );
        let org = |n: &str| (n.to_string(), Some(EntityKind::Organisation));
        assert_eq!(
            found,
            [
                org("Deutsche Bahn"),
                org("Deutscher Wetterdienst"),
                org("Deutsches Rotes Kreuz"),
                ("Schwäbische Alb".to_string(), Some(EntityKind::Place)),
                org("Deutsche Akademie für Sprache und Dichtung"),
            ]
        );
        assert_eq!(
            typed("Der Deutsche Wetterdienst warnt.", Lang::German),
            [org("Deutscher Wetterdienst")]
        );
        // A sentence's first word is capitalised anyway; events are not entities.
        assert!(
            typed(
                "Deutsche Autobauer verkaufen weniger vor den Olympischen Spielen.",
                Lang::German
            )
            .is_empty()
        );
    }

    #[test]
    fn a_french_name_in_apposition_to_a_noun_phrase_is_a_person() {
        let person = |n: &str| (n.to_string(), Some(EntityKind::Person));
        assert_eq!(
            typed(
                "Une habitante, Martine Dufau, a dormi chez le gérant de la discothèque, Franck \
                 Mercier, et l’avocate des familles, Maître Hélène Rivière, l’a dit.",
                Lang::French
            ),
            [
                person("Martine Dufau"),
                person("Franck Mercier"),
                person("Hélène Rivière")
            ]
        );
        // A place or an organisation before the comma says nothing of a person.
        assert_eq!(
            typed(
                "La capitale, Port Louis, est calme et le groupe, Vallée Verte, a fermé.",
                Lang::French
            ),
            []
        );
    }

    #[test]
    fn a_title_inside_a_german_run_opens_a_person() {
        let found = typed(
            "Hohenaus Trainer Stefan Kühne lobte die Mannschaft.",
            Lang::German,
        );
        assert!(
            found.contains(&("Stefan Kühne".to_string(), Some(EntityKind::Person))),
            "{found:?}"
        );
    }

    #[test]
    fn german_nouns_determiners_and_titles_are_not_names() {
        assert!(typed("Jedes Jahr steigt die Höhe des Fonds.", Lang::German).is_empty());
        assert!(typed("Das Abfackeln von Gas tritt in Kraft.", Lang::German).is_empty());
        assert_eq!(
            typed(
                "Die SG Lindau verlor gegen Tabellenführer TV Hohenau, sagte Trainer Rüdiger Haas.",
                Lang::German
            ),
            [
                ("SG Lindau".to_string(), Some(EntityKind::Organisation)),
                ("TV Hohenau".to_string(), Some(EntityKind::Organisation)),
                ("Rüdiger Haas".to_string(), Some(EntityKind::Person)),
            ]
        );
    }

    #[test]
    fn french_elisions_titles_and_particles() {
        assert_eq!(
            typed(
                "Le maire d’Alcoy, Jordi Puig, a salué l’Agence spatiale européenne à Lyon.",
                Lang::French
            ),
            [
                ("Alcoy".to_string(), Some(EntityKind::Place)),
                ("Jordi Puig".to_string(), Some(EntityKind::Person)),
                (
                    "Agence spatiale européenne".to_string(),
                    Some(EntityKind::Organisation)
                ),
                ("Lyon".to_string(), Some(EntityKind::Place)),
            ]
        );
        assert_eq!(
            typed("M. Dupont a déclaré que la BCE et le PIB…", Lang::French),
            [
                ("Dupont".to_string(), Some(EntityKind::Person)),
                (
                    "European Central Bank".to_string(),
                    Some(EntityKind::Organisation)
                ),
            ]
        );
    }
}
