//! Runs the feed-parsing benchmarks until `tidings bench` wires them in:
//! `cargo run --release -p tidings-feeds --example feeds_bench -- feeds DATASET_DIR OUT.jsonl`
//! `cargo run --release -p tidings-feeds --example feeds_bench -- dates DATES.jsonl OUT.jsonl`

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, input, out] if cmd == "feeds" => {
            let r = tidings_feeds::bench::run_feeds(Path::new(input), Path::new(out))?;
            println!(
                "{} files ({} bytes), {} parser errors\nwhole corpus: {:.0} files/s best, {:.0} median",
                r.files, r.bytes, r.errors, r.files_per_sec_best, r.files_per_sec_median
            );
            if let Some((name, size, best, median)) = r.large_file {
                println!("{name} ({size} bytes): {best:.1} MB/s best, {median:.1} median");
            }
        }
        [cmd, input, out] if cmd == "dates" => {
            let r = tidings_feeds::bench::run_dates(Path::new(input), Path::new(out))?;
            println!("{} date strings, {} parsed", r.inputs, r.parsed);
        }
        _ => {
            eprintln!(
                "usage: bench feeds DATASET_DIR OUT.jsonl | bench dates DATES.jsonl OUT.jsonl"
            );
            std::process::exit(2);
        }
    }
    Ok(())
}
