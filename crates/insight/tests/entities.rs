//! Entity extraction against a hand-annotated set of 44 short news-style articles
//! written for this crate (`fixtures/entities.jsonl`: `{"id","text","entities":["Name|kind"]}`).
//!
//! Annotation conventions: every person, place and organisation named in the text,
//! once per article; titles are not part of names; a demonym used as an adjective
//! ("Ukrainian President …", "a British climber") is a mention of its country;
//! events, products and landmarks are not annotated. An entity matches when its slug
//! and kind equal the gold name's. Precision and recall are micro-averaged over
//! articles; the targets are P >= 0.9 and R >= 0.8.

use std::collections::HashSet;

use serde::Deserialize;
use tidings_insight::entities::names::slug;
use tidings_insight::{EntityKind, StoryArticle, extract_entities};

#[derive(Deserialize)]
struct Gold {
    id: String,
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

#[test]
fn entity_precision_and_recall_on_the_annotated_set() {
    let fixture = include_str!("fixtures/entities.jsonl");
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut articles = 0;
    for line in fixture.lines().filter(|l| !l.trim().is_empty()) {
        let gold: Gold = serde_json::from_str(line).expect("fixture line is valid JSON");
        articles += 1;
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
            body: gold.text.clone(),
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
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    println!("{articles} articles: tp {tp} fp {fp} fn {fn_}: precision {p:.3} recall {r:.3}");
    assert!(articles >= 40);
    assert!(p >= 0.9, "precision {p:.3} < 0.9");
    assert!(r >= 0.8, "recall {r:.3} < 0.8");
}
