//! Runs the story-clustering benchmark:
//! `cargo run --release -p tidings-stories --example cluster_bench -- IN.jsonl OUT.jsonl`.

use std::io::{ErrorKind, Write};
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
        Ok(r) => print_lines(
            &mut std::io::stdout().lock(),
            &[format!(
                "{} articles, {} stories, {:.3} s in the clusterer, {:.0} articles/s ({} per CPU second of the whole loop), peak RSS {} KiB",
                r.articles,
                r.stories,
                r.cluster_seconds,
                r.articles_per_sec,
                r.articles_per_cpu_sec
                    .map_or_else(|| "?".to_string(), |a| format!("{a:.0}")),
                r.peak_rss_kib
                    .map_or_else(|| "?".to_string(), |k| k.to_string())
            )],
        ),
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
            let mut lines = vec![format!(
                "{} articles, {:.0} articles/s, active stories peak {} / final {}, vocabulary {}",
                r.articles,
                r.articles_per_sec,
                r.peak_active_stories,
                r.final_active_stories,
                r.vocabulary
            )];
            for (n, kib) in r.rss_checkpoints {
                lines.push(format!("  after {n:>7} articles: RSS {kib} KiB"));
            }
            print_lines(&mut std::io::stdout().lock(), &lines)
        }
        Err(e) => {
            eprintln!("cluster_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the report's lines to `out`. A reader that stops early (`| head`) closes the
/// pipe: that ends the report quietly, as a successful run.
fn print_lines(out: &mut impl Write, lines: &[String]) -> ExitCode {
    for line in lines {
        match writeln!(out, "{line}").and_then(|()| out.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cluster_bench: writing the report: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe whose reader has gone after `room` lines.
    struct ClosedAfter {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for ClosedAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.written.iter().filter(|&&b| b == b'\n').count() >= self.room {
                return Err(std::io::Error::from(ErrorKind::BrokenPipe));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_ends_the_report_quietly() {
        let lines: Vec<String> = (0..3).map(|n| format!("line {n}")).collect();
        let mut pipe = ClosedAfter {
            room: 1,
            written: Vec::new(),
        };
        assert_eq!(print_lines(&mut pipe, &lines), ExitCode::SUCCESS);
        assert_eq!(pipe.written, b"line 0\n");
        let mut pipe = ClosedAfter {
            room: 0,
            written: Vec::new(),
        };
        assert_eq!(print_lines(&mut pipe, &lines), ExitCode::SUCCESS);
    }
}
