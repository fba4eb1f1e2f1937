//! `tidings bench search`: the search crate's benchmark behind the binary, with an optional
//! PostgreSQL full-text run in a schema of its own, then the relevance of both backends on
//! the judged query set (NDCG@10, see [`tidings_search::relevance`]).

use crate::cli::SearchBenchArgs;
use anyhow::Context;
use std::path::Path;
use tidings_search::bench::{BenchOptions, run_postgres};
use tidings_search::relevance::{Fixture, Relevance};
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
        let store = open_in_schema(url, &schema).await?;
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
    let scratch = args.dir.with_extension("relevance");
    print_relevance(&relevance_on_sqlite(&scratch).await?);
    if let Some(url) = &args.postgres {
        print_relevance(&relevance_on_postgres(url).await?);
    }
    Ok(())
}

/// NDCG@10 of the tantivy backend, over the fixture corpus in a fresh SQLite store in
/// `scratch` (emptied first, if an earlier run made it; refused otherwise).
async fn relevance_on_sqlite(scratch: &Path) -> anyhow::Result<Relevance> {
    tidings_search::bench_dir::prepare_bench_dir(scratch)?;
    let url = format!("sqlite://{}?mode=rwc", scratch.join("fixture.db").display());
    let store = Store::open(&url, StoreOptions::default()).await?;
    let fixture = Fixture::load(store, &scratch.join("search")).await?;
    let measured = fixture.relevance().await?;
    fixture.store.close().await;
    std::fs::remove_dir_all(scratch)?;
    Ok(measured)
}

/// NDCG@10 of the PostgreSQL full-text backend, over the fixture corpus in a schema of its
/// own, dropped afterwards.
async fn relevance_on_postgres(url: &str) -> anyhow::Result<Relevance> {
    let schema = format!("tidings_search_relevance_{}", std::process::id());
    let store = open_in_schema(url, &schema).await?;
    let unused = std::env::temp_dir().join(&schema);
    let measured = match Fixture::load(store.clone(), &unused).await {
        Ok(fixture) => fixture.relevance().await,
        Err(err) => Err(err),
    };
    store.close().await;
    tidings_search::bench::drop_schema(url, &schema).await;
    Ok(measured?)
}

/// The PostgreSQL database at `url`, its tables in `schema` (created if missing).
async fn open_in_schema(url: &str, schema: &str) -> anyhow::Result<Store> {
    let options = StoreOptions {
        max_connections: 2,
        postgres_schema: Some(schema.to_string()),
    };
    Store::open(url, options)
        .await
        .context("cannot open the PostgreSQL database")
}

fn print_relevance(measured: &Relevance) {
    println!(
        "{} relevance: NDCG@10 {:.4} as the search page ranks, {:.4} with every word \
         required, over {} judged queries",
        measured.engine, measured.ndcg, measured.strict_ndcg, measured.queries
    );
}
