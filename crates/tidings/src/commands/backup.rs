//! `backup PATH`: a consistent copy of the embedded SQLite database, taken while the server
//! runs. PostgreSQL installations are told to use pg_dump, without touching the database.

use super::open_store;
use crate::settings::Settings;
use anyhow::Context;
use std::path::Path;
use tidings_store::backup::{POSTGRES_BACKUP_HINT, backup_to};

pub(crate) async fn run(settings: &Settings, path: &Path) -> anyhow::Result<()> {
    if !settings.database_url.starts_with("sqlite:") {
        anyhow::bail!("{POSTGRES_BACKUP_HINT}");
    }
    if path.exists() {
        anyhow::bail!("{} exists already: give a new file", path.display());
    }
    let started = std::time::Instant::now();
    let store = open_store(settings).await?;
    let result = backup_to(&store, path)
        .await
        .with_context(|| format!("cannot write the backup to {}", path.display()));
    store.close().await;
    result?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written to {} ({} bytes, {} ms); restore by stopping the server and putting it \
         in place of {} (the search index notices at the next start and rebuilds itself)",
        path.display(),
        bytes,
        started.elapsed().as_millis(),
        settings.data_dir.join("tidings.db").display()
    );
    Ok(())
}
