//! Runs the extraction benchmark: `bench DATASET_DIR PREDICTIONS.jsonl [REPEATS]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dataset), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: bench DATASET_DIR PREDICTIONS.jsonl [REPEATS]");
        return ExitCode::from(2);
    };
    let repeats = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1);
    match tidings_extract::bench::run_with(&PathBuf::from(dataset), &PathBuf::from(out), repeats) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
