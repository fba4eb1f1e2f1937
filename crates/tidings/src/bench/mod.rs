//! `tidings bench …`: whole-pipeline figures against `../shared/bench` and a loopback web.
//! Benchmarks, not tests: they print measurements for the notes and assert nothing.

mod ingest;
mod ingest_web;
mod search;
mod web;
mod web_data;
mod workers;

use crate::cli::BenchCommand;
use anyhow::Context;

/// Runs one benchmark.
pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Extract { dataset, out } => {
            let report =
                tokio::task::spawn_blocking(move || tidings_extract::bench::run(&dataset, &out))
                    .await?
                    .context("extraction benchmark failed")?;
            println!("{report}");
        }
        BenchCommand::Feeds { dataset, out } => {
            let report = tokio::task::spawn_blocking(move || {
                tidings_feeds::bench::run_feeds(&dataset, &out)
            })
            .await?
            .context("feed benchmark failed")?;
            println!("{report:#?}");
        }
        BenchCommand::Dates { dates, out } => {
            let report =
                tokio::task::spawn_blocking(move || tidings_feeds::bench::run_dates(&dates, &out))
                    .await?
                    .context("date benchmark failed")?;
            println!("{report:#?}");
        }
        BenchCommand::Cluster { articles, out } => {
            let report =
                tokio::task::spawn_blocking(move || tidings_stories::bench::run(&articles, &out))
                    .await?
                    .context("clustering benchmark failed")?;
            println!("{report:#?}");
        }
        BenchCommand::Summarize {
            clusters,
            out,
            words,
        } => {
            let report = tokio::task::spawn_blocking(move || {
                tidings_insight::bench::run(&clusters, &out, words)
            })
            .await?
            .context("summary benchmark failed")?;
            println!("{report}");
        }
        BenchCommand::Ingest(args) => ingest::run(args).await?,
        BenchCommand::Workers(args) => workers::run(args).await?,
        BenchCommand::Search(args) => search::run(args).await?,
        BenchCommand::Web(args) => web::run(args).await?,
    }
    Ok(())
}
