//! Times entity extraction on one long article per language, built by repeating the
//! annotated fixtures' texts to about 200 KB:
//! `cargo run --release -p tidings-insight --example entities_timing [RUNS]`.
//! Prints each language's size, entity count and the median and fastest of RUNS runs
//! (default 15).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use tidings_insight::{StoryArticle, extract_entities};

/// The fixtures' texts, one set per language.
const FIXTURES: &[(&str, &str)] = &[
    ("en", include_str!("../tests/fixtures/entities.jsonl")),
    ("de", include_str!("../tests/fixtures/entities_de.jsonl")),
    ("fr", include_str!("../tests/fixtures/entities_fr.jsonl")),
];

/// The size each language's article is grown to, in bytes.
const TARGET_BYTES: usize = 200_000;

fn main() -> ExitCode {
    let runs = match std::env::args().nth(1).map(|r| r.parse::<usize>()) {
        None => 15,
        Some(Ok(r)) if r > 0 => r,
        Some(_) => {
            eprintln!("usage: entities_timing [RUNS]");
            return ExitCode::from(2);
        }
    };
    for (lang, fixture) in FIXTURES {
        let mut texts = Vec::new();
        for line in fixture.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => {
                    if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                        texts.push(t.to_string());
                    }
                }
                Err(e) => {
                    eprintln!("entities_timing: {lang} fixture: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let mut body = String::new();
        while body.len() < TARGET_BYTES && !texts.is_empty() {
            for t in &texts {
                body.push_str(t);
                body.push_str("\n\n");
            }
        }
        let article = StoryArticle {
            id: "timing".into(),
            body,
            language: Some((*lang).to_string()),
            ..Default::default()
        };
        let story = [article];
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut found = 0;
        for _ in 0..runs {
            let start = Instant::now();
            found = extract_entities(&story).len();
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "{lang}: {} bytes, {found} entities: median {:.1} ms, fastest {:.1} ms ({runs} runs)",
            story[0].body.len(),
            times[runs / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
        );
    }
    ExitCode::SUCCESS
}
