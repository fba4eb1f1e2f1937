//! Runs the story-clustering benchmark:
//! `cargo run --release -p tidings-stories --example cluster_bench -- IN.jsonl OUT.jsonl`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, copies, input] = args.as_slice()
        && flag == "--replay"
    {
        return replay(input, copies);
    }
    let [input, out] = args.as_slice() else {
        eprintln!(
            "usage: cluster_bench ARTICLES.jsonl OUT.jsonl | cluster_bench --replay COPIES ARTICLES.jsonl"
        );
        return ExitCode::from(2);
    };
    let Some(params) = params_from_env() else {
        return ExitCode::from(2);
    };
    match tidings_stories::bench::run_with(&PathBuf::from(input), &PathBuf::from(out), params) {
        Ok(r) => {
            println!(
                "{} articles, {} stories, {:.3} s in the clusterer, {:.0} articles/s ({} per CPU second of the whole loop), peak RSS {} KiB",
                r.articles,
                r.stories,
                r.cluster_seconds,
                r.articles_per_sec,
                r.articles_per_cpu_sec
                    .map_or_else(|| "?".to_string(), |a| format!("{a:.0}")),
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

/// The default parameters, or `TIDINGS_CLUSTER_PARAMS` (JSON, missing
/// fields default) for tuning only; `None` after reporting a bad value.
fn params_from_env() -> Option<tidings_stories::ClusterParams> {
    let Ok(json) = std::env::var("TIDINGS_CLUSTER_PARAMS") else {
        return Some(tidings_stories::ClusterParams::default());
    };
    match serde_json::from_str(&json) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("cluster_bench: TIDINGS_CLUSTER_PARAMS: {e}");
            None
        }
    }
}

/// Replays a set many times with advancing times (one article every ten
/// minutes, so a copy spans more than the three-day window) and
/// prints how the active stories and resident memory evolve.
fn replay(input: &str, copies: &str) -> ExitCode {
    let Ok(copies) = copies.parse::<usize>() else {
        eprintln!("cluster_bench: COPIES must be a number");
        return ExitCode::from(2);
    };
    let Some(params) = params_from_env() else {
        return ExitCode::from(2);
    };
    match tidings_stories::bench::replay(&PathBuf::from(input), copies, 600, params) {
        Ok(r) => {
            println!(
                "{} articles, {:.0} articles/s, active stories peak {} / final {}, vocabulary {}",
                r.articles,
                r.articles_per_sec,
                r.peak_active_stories,
                r.final_active_stories,
                r.vocabulary
            );
            for (n, kib) in r.rss_checkpoints {
                println!("  after {n:>7} articles: RSS {kib} KiB");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cluster_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
