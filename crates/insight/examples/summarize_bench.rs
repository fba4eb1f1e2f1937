//! Runs the story-summary benchmark:
//! `cargo run --release -p tidings-insight --example summarize_bench -- CLUSTERS.jsonl OUT.jsonl [WORDS]`.
//! `TIDINGS_SUMMARY_PARAMS` (JSON) overrides the default parameters, for tuning only.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, out, words) = match args.as_slice() {
        [i, o] => (i, o, 250),
        [i, o, w] => match w.parse() {
            Ok(w) => (i, o, w),
            Err(_) => {
                eprintln!("summarize_bench: WORDS must be a number");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: summarize_bench CLUSTERS.jsonl OUT.jsonl [WORDS]");
            return ExitCode::from(2);
        }
    };
    let mut params = tidings_insight::SummaryParams::default();
    if let Ok(json) = std::env::var("TIDINGS_SUMMARY_PARAMS") {
        match serde_json::from_str(&json) {
            Ok(p) => params = p,
            Err(e) => {
                eprintln!("summarize_bench: TIDINGS_SUMMARY_PARAMS: {e}");
                return ExitCode::from(2);
            }
        }
    }
    match tidings_insight::bench::run_with(
        &PathBuf::from(input),
        &PathBuf::from(out),
        words,
        params,
    ) {
        Ok(r) => {
            println!("{r}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("summarize_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
