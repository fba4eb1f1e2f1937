//! Entity extraction against a hand-annotated set of 44 short news-style articles
//! written for this crate (`fixtures/entities.jsonl`: `{"id","text","entities":["Name|kind"]}`).
//!
//! Annotation conventions: every person, place and organisation named in the text,
//! once per article; titles are not part of names; a demonym used as an adjective
//! ("Ukrainian President …", "a British climber") is a mention of its country;
//! events, products and landmarks are not annotated. An entity matches when its slug
//! and kind equal the gold name's. Precision and recall are micro-averaged over
//! articles; the targets are P >= 0.9 and R >= 0.8.
//!
//! German (`fixtures/entities_de.jsonl`) and French (`fixtures/entities_fr.jsonl`) sets
//! of 16 articles each follow the same conventions and are run with the articles'
//! `language` set; they carry the traps of those languages (capitalised common nouns,
//! sentence-initial determiners, titles and articles before names, name particles).
//! A name the gazetteer knows is annotated with its canonical name, as "N. Korea" is
//! "North Korea" ("Österreich" is "Austria", "Bruxelles" is "Brussels"), so one entity
//! page serves every language.
//!
//! The German and French thresholds are what the rules reach (P 0.985, R 0.870 and
//! 0.878): the first 12 articles of each set were written before the rules and used to
//! shape them, the last 4 after, as a held-out check, on which the rules first scored
//! lower (German P 0.938 R 0.750, French P 0.923 R 0.667). Expect new text to land
//! nearer those.
//!
//! `fixtures/entities_pages_de_fr.jsonl` (session 12; 3 German and 2 French articles, each
//! with its `title` and `language`) is shaped like pages: a headline in sentence case,
//! paragraphs, paragraphs closed by „…“ or «…» quotes, genitives ("Bayerns Umweltminister"),
//! plural nouns after "in". The rules it prompted (headlines read in these two languages,
//! every closing quote ends a paragraph, plural nouns, a title inside a run, genitives)
//! lifted it from P 0.759 R 0.564 to P 0.941 R 0.821; it was written together with those
//! rules, so it is not held out.
//!
//! `fixtures/entities_pages_mixed.jsonl` (session 13; 4 English, 4 German and 3 French
//! pages) was written before the rules it prompted, from a list of misses seen on real
//! pages (an article before "Deutsche Bahn", a place after "vor", genitives of names the
//! story types nowhere else, legal-form suffixes, French appositions, all-caps tokens that
//! are not organisations) and constructions like them. Pages carry bylines ("Von …",
//! "Par …", "By …") and captions with credits ("Foto: dpa", "Photo: PA"); a byline's
//! author and a credit's agency belong to the page, not the story, and are not annotated.
//! An organisation named in full and by its acronym ("… (NIHR)") is one entity, annotated
//! by its full name. Before those rules it scored P 0.728 R 0.621, after them P 0.928
//! R 0.811; the same rules moved German to P 0.986 R 0.896 and the pages above to P 0.949
//! R 0.949 (with dp01's "Bayern" annotated by its canonical name, Bavaria), and left
//! English and French as they were.
//!
//! `fixtures/entities_pages_en.jsonl` (session 14; 14 English page paragraphs). Its first 8
//! (pe01-pe08) were written before the rules they prompted, from misfires read on the demo's
//! story pages: a company named without a company word that speaks ("Brightwell Vision
//! said"), a club named like an animal ("the Northern Falcons", "the Falcons"), a company's
//! short name after "Shares in", an airport's code after "at", a town that speaks
//! ("Officials in Westmere said"). They carry the counter-cases where the old reading was
//! right: people with a given name or a pronoun ("Anna Vision said she"), a surname used
//! alone, a town that opens an institute's name, an acronym where someone works ("an
//! economist at KMRC"). Airports are landmarks and are not annotated. Before the rules the
//! 8 scored P 0.733 R 0.815, after them P 1.000 R 1.000, the other sets unchanged but for
//! the mixed pages' recall (0.821 to 0.832); the rules were shaped on them, so they are not
//! held out. The last 6 (ph01-ph06) were written after the rules, as a held-out check of the
//! same kinds of case, and scored P 1.000 R 0.905 on first run (missed: "the Hebrides" after
//! "to the", and "Caledonian Ferries" in apposition to "The operator"); all 14: P 1.000
//! R 0.958.
//!
//! Its last 4 (pn01-pn04, session 15) are unknown places an English story names only by
//! what a place has: "off the coast of Talvoria", "Talvoria’s government", "the Oradek
//! region", a sentence-case headline and an adjective ("Selvania floods …", "Selvanian
//! officials"); with the counter-cases a person's or a company's possessive ("Prime
//! Minister Ivo Sandor’s government", "Banyan’s capital spending") and a Title Case
//! headline, which is not read. Before the rules they prompted the 18 scored P 1.000
//! R 0.900 (all four places missed), after them P 1.000 R 0.967; the main English set went
//! from R 0.951 to 0.973 with them (Sumatra, Valparaíso, Koh Phi Phi, Mindoro, Zeeland
//! found by "the coast of …", "the city of …", "the island of …"), the other sets unchanged.
//! pn05-pn06 (same session) are names that speak: a country ("Neighbouring Kestria said it
//! was sending …") and a source after "according to", against a person after "to" who speaks
//! ("sent to Okoro" … "Okoro said"). Before the rules they prompted (a place's cue wins over
//! speaking; "to" and "from" only guess a place; "according to" names no place) the 20
//! scored P 0.953 R 0.938, after them P 1.000 R 0.969, the other sets unchanged.

use std::collections::HashSet;

use serde::Deserialize;
use tidings_insight::entities::names::slug;
use tidings_insight::{EntityKind, StoryArticle, extract_entities};

#[derive(Deserialize)]
struct Gold {
    id: String,
    /// The headline, where the set gives one.
    #[serde(default)]
    title: Option<String>,
    /// The article's language, where the set gives it per article.
    #[serde(default)]
    language: Option<String>,
    text: String,
    entities: Vec<String>,
}

fn kind(label: &str) -> EntityKind {
    match label {
        "person" => EntityKind::Person,
        "place" => EntityKind::Place,
        "organisation" => EntityKind::Organisation,
        other => panic!("unknown kind {other} in the fixture"),
    }
}

/// Micro-averaged scores over a fixture.
struct Scores {
    articles: usize,
    precision: f64,
    recall: f64,
}

/// Runs every article of `fixture` (with `language` set) and prints each miss and the totals.
fn score(fixture: &str, language: Option<&str>) -> Scores {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut articles = 0;
    let mut per_article = false;
    for line in fixture.lines().filter(|l| !l.trim().is_empty()) {
        let gold: Gold = serde_json::from_str(line).expect("fixture line is valid JSON");
        articles += 1;
        per_article |= gold.language.is_some();
        let want: HashSet<(String, EntityKind)> = gold
            .entities
            .iter()
            .map(|e| {
                let (name, k) = e.rsplit_once('|').expect("Name|kind");
                (slug(name), kind(k))
            })
            .collect();
        let story = [StoryArticle {
            id: gold.id.clone(),
            title: gold.title.clone(),
            body: gold.text.clone(),
            language: gold.language.clone().or(language.map(str::to_string)),
            ..Default::default()
        }];
        let got: HashSet<(String, EntityKind)> = extract_entities(&story)
            .into_iter()
            .map(|e| (e.slug, e.kind))
            .collect();
        for g in &got {
            if want.contains(g) {
                tp += 1;
            } else {
                fp += 1;
                println!("{} false positive: {g:?}", gold.id);
            }
        }
        for w in want.difference(&got) {
            fn_ += 1;
            println!("{} missed: {w:?}", gold.id);
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "{} {articles} articles: tp {tp} fp {fp} fn {fn_}: precision {precision:.3} recall {recall:.3}",
        language.unwrap_or(if per_article { "per-article" } else { "en" })
    );
    Scores {
        articles,
        precision,
        recall,
    }
}

#[test]
fn entity_precision_and_recall_on_the_annotated_set() {
    let s = score(include_str!("fixtures/entities.jsonl"), None);
    assert!(s.articles >= 40);
    assert!(s.precision >= 0.9, "precision {:.3} < 0.9", s.precision);
    assert!(s.recall >= 0.8, "recall {:.3} < 0.8", s.recall);
}

#[test]
fn german_entity_precision_and_recall() {
    let s = score(include_str!("fixtures/entities_de.jsonl"), Some("de"));
    assert!(s.articles >= 16);
    assert!(s.precision >= 0.98, "precision {:.3} < 0.98", s.precision);
    assert!(s.recall >= 0.89, "recall {:.3} < 0.89", s.recall);
}

#[test]
fn french_entity_precision_and_recall() {
    let s = score(include_str!("fixtures/entities_fr.jsonl"), Some("fr"));
    assert!(s.articles >= 16);
    assert!(s.precision >= 0.98, "precision {:.3} < 0.98", s.precision);
    assert!(s.recall >= 0.87, "recall {:.3} < 0.87", s.recall);
}

#[test]
fn german_and_french_pages_with_headlines_and_quotes() {
    // Each article carries its own language.
    let s = score(include_str!("fixtures/entities_pages_de_fr.jsonl"), None);
    assert!(s.articles >= 5);
    assert!(s.precision >= 0.9, "precision {:.3} < 0.9", s.precision);
    assert!(s.recall >= 0.9, "recall {:.3} < 0.9", s.recall);
}

#[test]
fn mixed_language_pages_with_bylines_captions_and_acronyms() {
    // Each article carries its own language.
    let s = score(include_str!("fixtures/entities_pages_mixed.jsonl"), None);
    assert!(s.articles >= 11);
    assert!(s.precision >= 0.92, "precision {:.3} < 0.92", s.precision);
    assert!(s.recall >= 0.8, "recall {:.3} < 0.8", s.recall);
}

#[test]
fn english_pages_with_companies_clubs_and_airports() {
    let s = score(include_str!("fixtures/entities_pages_en.jsonl"), None);
    assert!(s.articles >= 20);
    assert!(s.precision >= 0.95, "precision {:.3} < 0.95", s.precision);
    assert!(s.recall >= 0.95, "recall {:.3} < 0.95", s.recall);
}
