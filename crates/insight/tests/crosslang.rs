//! Cross-language links against a labelled set of short stories written for this crate
//! (`fixtures/crosslang.jsonl`: `{"id","event","lang","hours","split","title","body"}`), in
//! English, German and French. Each line is one story; stories with the same `event` report
//! the same event, and every pair of them in two languages should be linked, every other
//! pair of two languages not. `hours` places a story after a fixed start, so the window
//! applies as on the site.
//!
//! Most events are reported in two or three languages; the rest are near misses beside
//! them: two earthquakes a day apart (and a third of the same magnitude), a weaker quake two
//! days later whose reports recall the first, three budget votes in one week, one foreign
//! minister at three events over a week and her Ukrainian counterpart again two days later,
//! four stories about Spain in two days, a French rail strike that cancelled as many trains
//! as a Spanish one, floods in three countries at once, two central-bank decisions on one
//! day.
//!
//! `split` is `dev` for the 77 stories of 37 events the rules were shaped on, and `heldout`
//! for 32 stories of 14 events written after the rules were frozen and scored once: two
//! wildfires on one day, a bank chief at two events two days apart, two airline strikes on
//! one day, two gas explosions a day apart, the same two leaders at two meetings a day
//! apart. The held-out figure (pairs with at least one held-out story) is the one to expect
//! on new text. Run with `--nocapture` to see the figures and every wrong or missed link,
//! and with `CROSSLANG_DUMP=1` to see every story's keys.

use std::collections::BTreeSet;

use serde::Deserialize;
use tidings_insight::crosslang::{Candidate, Profile, Signature, link, links_among, signature};
use tidings_insight::{StoryArticle, extract_entities};

/// The fixture's start: Monday 3 March 2025, 00:00 UTC.
const START: i64 = 1_740_960_000;

#[derive(Deserialize)]
struct Labelled {
    id: String,
    event: String,
    lang: String,
    hours: f64,
    split: String,
    title: String,
    body: String,
}

struct Story {
    label: Labelled,
    at: i64,
    signature: Signature,
}

fn stories() -> Vec<Story> {
    include_str!("fixtures/crosslang.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let label: Labelled = serde_json::from_str(line).expect("fixture line is valid JSON");
            let at = START + (label.hours * 3600.0) as i64;
            let articles = vec![StoryArticle {
                id: label.id.clone(),
                title: Some(label.title.clone()),
                body: label.body.clone(),
                published: Some(at),
                language: Some(label.lang.clone()),
                ..StoryArticle::default()
            }];
            let signature = signature(&articles, &extract_entities(&articles));
            Story {
                label,
                at,
                signature,
            }
        })
        .collect()
}

fn profile(x: &Story) -> Profile<'_> {
    Profile {
        language: &x.label.lang,
        first_at: x.at,
        last_at: x.at,
        signature: &x.signature,
    }
}

/// Precision and recall of the links over the pairs `counts` selects.
struct Scores {
    linked: usize,
    correct: usize,
    gold: usize,
}

impl Scores {
    fn precision(&self) -> f64 {
        if self.linked == 0 {
            1.0
        } else {
            self.correct as f64 / self.linked as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.correct as f64 / self.gold as f64
        }
    }
}

/// The keys two stories' signatures share, linked or not.
fn common_keys(a: &Story, b: &Story) -> Vec<String> {
    let keys = |x: &Story| -> BTreeSet<String> {
        x.signature.keys.iter().map(|k| k.key.clone()).collect()
    };
    keys(a).intersection(&keys(b)).cloned().collect()
}

/// Whether to print every story's keys and every pair's evidence (`CROSSLANG_DUMP=1`).
fn dump() -> bool {
    std::env::var_os("CROSSLANG_DUMP").is_some()
}

/// Scores every pair of stories of two languages that `counts` selects, the links made
/// among all stories as the site makes them ([`links_among`]: each the other's best
/// match), printing every wrong and missed link.
fn score(stories: &[Story], counts: impl Fn(&Story, &Story) -> bool, name: &str) -> Scores {
    let mut s = Scores {
        linked: 0,
        correct: 0,
        gold: 0,
    };
    let candidates: Vec<Candidate> = stories
        .iter()
        .enumerate()
        .map(|(i, s)| Candidate {
            id: i as i64,
            profile: profile(s),
        })
        .collect();
    let links = links_among(&candidates);
    for (i, a) in stories.iter().enumerate() {
        for (j, b) in stories.iter().enumerate().skip(i + 1) {
            if a.label.lang == b.label.lang || !counts(a, b) {
                continue;
            }
            assert_eq!(
                link(&profile(a), &profile(b)),
                link(&profile(b), &profile(a)),
                "{} and {}: symmetric",
                a.label.id,
                b.label.id
            );
            let found = links
                .iter()
                .find(|l| (l.0, l.1) == (i as i64, j as i64))
                .map(|l| &l.2);
            let gold = a.label.event == b.label.event;
            s.gold += usize::from(gold);
            if dump() && (gold || common_keys(a, b).len() >= 2) {
                println!(
                    "[{name}] {} {} ~ {}: {:?} linked {:?}",
                    if gold { "same" } else { "other" },
                    a.label.id,
                    b.label.id,
                    common_keys(a, b),
                    found.map(|l| l.score)
                );
            }
            match found {
                Some(l) => {
                    s.linked += 1;
                    s.correct += usize::from(gold);
                    if !gold {
                        println!(
                            "[{name}] WRONG {} ~ {} ({:.2}): {:?}",
                            a.label.id, b.label.id, l.score, l.shared
                        );
                    }
                }
                None if gold => println!(
                    "[{name}] MISSED {} ~ {}: shared {:?}",
                    a.label.id,
                    b.label.id,
                    common_keys(a, b)
                ),
                None => {}
            }
        }
    }
    println!(
        "[{name}] {} links, {} right, {} to find: precision {:.3}, recall {:.3}",
        s.linked,
        s.correct,
        s.gold,
        s.precision(),
        s.recall()
    );
    s
}

#[test]
fn stories_of_one_event_are_linked_across_languages_and_near_misses_are_not() {
    let stories = stories();
    if dump() {
        for s in &stories {
            let keys: Vec<String> = s
                .signature
                .keys
                .iter()
                .map(|k| format!("{}={}", k.key, k.weight))
                .collect();
            println!("{}: {}", s.label.id, keys.join(" "));
        }
    }
    let events: BTreeSet<&str> = stories.iter().map(|s| s.label.event.as_str()).collect();
    assert!(events.len() >= 30, "{} events", events.len());
    let dev = score(
        &stories,
        |a, b| a.label.split == "dev" && b.label.split == "dev",
        "dev",
    );
    let heldout = score(
        &stories,
        |a, b| a.label.split == "heldout" || b.label.split == "heldout",
        "held-out",
    );
    // Measured when the held-out stories were first scored: dev P 1.000 R 0.980 (49 links,
    // 50 to find), held-out P 0.957 R 0.957 (23 links, 22 right, 23 to find).
    assert!(
        dev.precision() >= 0.98,
        "dev precision {:.3}",
        dev.precision()
    );
    assert!(dev.recall() >= 0.95, "dev recall {:.3}", dev.recall());
    assert!(
        heldout.precision() >= 0.95,
        "held-out precision {:.3}",
        heldout.precision()
    );
    assert!(
        heldout.recall() >= 0.95,
        "held-out recall {:.3}",
        heldout.recall()
    );
}
