//! One module per command; [`run`] dispatches.

mod extract;
mod serve;
mod sources;

pub use extract::Format as ExtractFormat;

use crate::cli::{Cli, Command, ServeArgs, SourcesCommand};
use crate::settings::Settings;
use anyhow::Context;
use tidings_store::{Store, StoreOptions};

/// Runs the command the command line names.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let settings = Settings::resolve(&cli.global, &args)?;
            serve::run(settings).await
        }
        Command::Bench(command) => crate::bench::run(command).await,
        Command::Extract { page, format } => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            extract::run(&settings, &page, format).await
        }
        command => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            let store = open_store(&settings).await?;
            let result = match command {
                Command::Sources(SourcesCommand::Add {
                    url,
                    name,
                    category,
                }) => sources::add(&store, &url, name, category).await,
                Command::Sources(SourcesCommand::List) => sources::list(&store).await,
                Command::Sources(SourcesCommand::Refresh { source }) => {
                    sources::refresh(&store, source.as_deref()).await
                }
                Command::Sources(SourcesCommand::Remove { source }) => {
                    sources::remove(&store, &source).await
                }
                Command::ImportOpml { file } => sources::import_opml(&store, &file).await,
                Command::ExportOpml { file } => sources::export_opml(&store, file.as_deref()).await,
                Command::Serve(_) | Command::Bench(_) | Command::Extract { .. } => {
                    unreachable!("handled above")
                }
            };
            store.close().await;
            result
        }
    }
}

/// Opens the database the settings name, creating the data directory for SQLite.
pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    Store::open(&settings.database_url, StoreOptions::default())
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                redact(&settings.database_url)
            )
        })
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Seconds since the epoch.
pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}
