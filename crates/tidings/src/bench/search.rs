//! `tidings bench search`: the search crate's benchmark behind the binary, with an optional
//! PostgreSQL full-text run in a schema of its own.

use crate::cli::SearchBenchArgs;
use anyhow::Context;
use tidings_search::bench::{BenchOptions, run_postgres};
use tidings_store::{Store, StoreOptions};

/// Runs the benchmark and prints its report.
pub async fn run(args: SearchBenchArgs) -> anyhow::Result<()> {
    let options = BenchOptions {
        corpora: args.corpora.clone(),
        dir: args.dir.clone(),
        docs: args.docs,
        threads: args.threads,
        heap_mib: args.heap_mib,
        passes: args.passes,
        reuse: args.reuse,
    };
    let report = tokio::task::spawn_blocking(move || tidings_search::bench::run(&options))
        .await?
        .context("search benchmark failed")?;
    println!("{report:#?}");
    if let Some(url) = &args.postgres {
        let schema = args
            .pg_schema
            .clone()
            .unwrap_or_else(|| format!("tidings_search_bench_{}", std::process::id()));
        let store = Store::open(
            url,
            StoreOptions {
                max_connections: 2,
                postgres_schema: Some(schema.clone()),
            },
        )
        .await
        .context("cannot open the PostgreSQL database")?;
        let result = run_postgres(&store, &args.corpora, args.pg_docs, args.passes).await;
        store.close().await;
        if args.pg_schema.is_none() {
            tidings_search::bench::drop_schema(url, &schema).await;
        }
        let (insert_secs, secs, latency, per_query) =
            result.context("PostgreSQL search benchmark failed")?;
        if secs > 0.0 {
            println!(
                "postgres: {} articles stored in {insert_secs:.1} s, indexed by catch_up in \
                 {secs:.1} s ({:.0}/s)",
                args.pg_docs,
                args.pg_docs as f64 / secs
            );
        } else {
            println!(
                "postgres: the {} articles already in the schema",
                args.pg_docs
            );
        }
        println!("postgres queries: {latency:#?}");
        println!("postgres per query: {per_query:#?}");
    }
    Ok(())
}
