//! Runs the story-clustering benchmark:
//! `cargo run --release -p tidings-stories --example cluster_bench -- IN.jsonl OUT.jsonl`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out] = args.as_slice() else {
        eprintln!("usage: cluster_bench ARTICLES.jsonl OUT.jsonl");
        return ExitCode::from(2);
    };
    // TIDINGS_CLUSTER_PARAMS (JSON) overrides the defaults, for tuning only.
    let mut params = tidings_stories::ClusterParams::default();
    if let Ok(json) = std::env::var("TIDINGS_CLUSTER_PARAMS") {
        match serde_json::from_str(&json) {
            Ok(p) => params = p,
            Err(e) => {
                eprintln!("cluster_bench: TIDINGS_CLUSTER_PARAMS: {e}");
                return ExitCode::from(2);
            }
        }
    }
    match tidings_stories::bench::run_with(&PathBuf::from(input), &PathBuf::from(out), params) {
        Ok(r) => {
            println!(
                "{} articles, {} stories, {:.3} s in the clusterer, {:.0} articles/s, peak RSS {} KiB",
                r.articles,
                r.stories,
                r.cluster_seconds,
                r.articles_per_sec,
                r.peak_rss_kib
                    .map_or_else(|| "?".to_string(), |k| k.to_string())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cluster_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
