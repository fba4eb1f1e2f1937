//! `migrate --to postgres://…`: moves an SQLite installation to PostgreSQL. The target's
//! schema is created (it must be empty), every table is copied with its ids in one
//! transaction, the id sequences are moved on, and each table's row count and checksum are
//! compared on both sides. Sources, articles, stories and insights move; the search index is
//! rebuilt by the first process that runs on PostgreSQL (its full-text table starts empty).

use super::open_store;
use crate::settings::Settings;
use anyhow::Context;
use tidings_store::copy::{checksums, copy_all};
use tidings_store::{Store, StoreOptions};

pub(crate) async fn run(settings: &Settings, to: &str) -> anyhow::Result<()> {
    if !settings.database_url.starts_with("sqlite:") {
        anyhow::bail!(
            "migrate copies an SQLite installation; this one is on {}",
            super::redact(&settings.database_url)
        );
    }
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        anyhow::bail!("--to must name a PostgreSQL database (postgres://…)");
    }
    let from = open_store(settings).await?;
    let target = Store::open(to, StoreOptions::default())
        .await
        .with_context(|| format!("cannot open {}", super::redact(to)))?;
    let result = copy_and_check(&from, &target).await;
    from.close().await;
    target.close().await;
    result
}

async fn copy_and_check(from: &Store, to: &Store) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let copied = copy_all(from, to)
        .await
        .context("the copy failed; the target is unchanged")?;
    let before = checksums(from, from).await?;
    let after = checksums(from, to).await?;
    let mut mismatches = 0;
    println!("{:<20} {:>10} {:>18}  check", "table", "rows", "checksum");
    for (source, target) in before.iter().zip(&after) {
        let same = source == target;
        if !same {
            mismatches += 1;
        }
        println!(
            "{:<20} {:>10} {:>18x}  {}",
            source.table,
            source.rows,
            source.checksum,
            if same {
                "same".to_string()
            } else {
                format!(
                    "DIFFERS: {} rows, checksum {:x}",
                    target.rows, target.checksum
                )
            }
        );
    }
    let rows: u64 = copied.iter().map(|(_, n)| n).sum();
    if mismatches > 0 {
        anyhow::bail!("{mismatches} tables differ after the copy");
    }
    println!(
        "copied {} tables, {rows} rows in {:.1} s; point database_url at the new database",
        copied.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
