//! "Ask about this story" against a hand-written set (`fixtures/ask.jsonl`): six small
//! stories in English, German and French, each with questions a reader would ask and the
//! words of the sentence that answers them (or `null` when the story does not say).
//!
//! A question is *answered* when the first sentence of the answer contains the expected
//! words, *found* when any of its sentences does; a question the story does not address
//! must get [`Answer::NotSupported`]. The set was written (questions and answers) before
//! the question analysis it measures: answer types (how many, when, who, where), question
//! words in the three languages, and a few news concepts (a death toll asked as "died").
//!
//! `fixtures/ask_future.jsonl` (session 15) holds three stories (en, de, fr) with "when"
//! questions about what is still to come and what has happened, beside sentences of both;
//! written before the future-tense rule, which took it from 12 to 13 of 14 (the miss: "It
//! is due to arrive at Mars in about seven months, in early August" comes before the
//! expected "on August 6").
//!
//! The printed figures are the measurement: `cargo test -p tidings-insight --test ask --
//! --nocapture`.

use serde::Deserialize;
use tidings_insight::{Answer, AskOptions, StoryArticle, ask};

#[derive(Deserialize)]
struct Story {
    name: String,
    lang: String,
    articles: Vec<Page>,
    questions: Vec<Question>,
}

#[derive(Deserialize)]
struct Page {
    id: String,
    title: String,
    body: String,
    published: Option<i64>,
}

#[derive(Deserialize)]
struct Question {
    q: String,
    answer: Option<String>,
}

fn stories(set: &str) -> Vec<Story> {
    set.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a story of the set"))
        .collect()
}

/// Answered first, found anywhere, of answerable questions; rightly refused, of the
/// others.
#[derive(Default)]
struct Tally {
    answerable: usize,
    first: usize,
    anywhere: usize,
    unanswerable: usize,
    refused: usize,
}

fn run(set: &str) -> Tally {
    let mut t = Tally::default();
    for story in stories(set) {
        let articles: Vec<StoryArticle> = story
            .articles
            .iter()
            .map(|p| StoryArticle {
                id: p.id.clone(),
                title: Some(p.title.clone()),
                body: p.body.clone(),
                published: p.published,
                language: Some(story.lang.clone()),
                ..Default::default()
            })
            .collect();
        for q in &story.questions {
            let answer = ask(&articles, &q.q, &AskOptions::default());
            let texts: Vec<&str> = answer.evidence().iter().map(|e| e.text.as_str()).collect();
            match &q.answer {
                Some(expected) => {
                    t.answerable += 1;
                    let first = texts.first().is_some_and(|s| s.contains(expected.as_str()));
                    let anywhere = texts.iter().any(|s| s.contains(expected.as_str()));
                    t.first += usize::from(first);
                    t.anywhere += usize::from(anywhere);
                    if !first {
                        println!(
                            "{} | {} | want {expected:?} | got {texts:?}",
                            story.name, q.q
                        );
                    }
                }
                None => {
                    t.unanswerable += 1;
                    let refused = answer == Answer::NotSupported;
                    t.refused += usize::from(refused);
                    if !refused {
                        println!("{} | {} | want nothing | got {texts:?}", story.name, q.q);
                    }
                }
            }
        }
    }
    t
}

fn report(name: &str, t: &Tally) {
    let share = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    println!(
        "{name}: answered first {}/{} ({:.3}), found {}/{} ({:.3}); refused {}/{} unanswerable",
        t.first,
        t.answerable,
        share(t.first, t.answerable),
        t.anywhere,
        t.answerable,
        share(t.anywhere, t.answerable),
        t.refused,
        t.unanswerable
    );
}

#[test]
fn questions_are_answered_from_the_right_sentence() {
    let shaped = run(include_str!("fixtures/ask.jsonl"));
    report("ask.jsonl", &shaped);
    let held_out = run(include_str!("fixtures/ask_heldout.jsonl"));
    report("ask_heldout.jsonl", &held_out);
    let future = run(include_str!("fixtures/ask_future.jsonl"));
    report("ask_future.jsonl", &future);
    // The figures this session measured, as floors: a change that answers fewer
    // questions from the right sentence, or answers one the stories do not address, fails.
    assert!(
        shaped.first >= 35 && shaped.anywhere >= 38,
        "shaped set fell"
    );
    assert!(held_out.first >= 23, "held-out set fell");
    assert!(future.first >= 13, "future-tense set fell");
    assert_eq!(
        shaped.refused, shaped.unanswerable,
        "an unanswerable question was answered"
    );
    assert_eq!(
        held_out.refused, held_out.unanswerable,
        "an unanswerable question was answered"
    );
}
