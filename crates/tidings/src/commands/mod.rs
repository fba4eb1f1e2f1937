//! One module per command; [`run`] dispatches.

mod backup;
mod extract;
mod migrate;
mod search;
mod serve;
mod serve_lock;
mod source_admin;
mod source_review;
mod sources;
mod users;
mod worker;

pub use extract::Format as ExtractFormat;

use crate::cli::{Cli, Command, GlobalArgs, ServeArgs, SourcesCommand, UsersCommand};
use crate::settings::Settings;
use anyhow::Context;
use tidings_store::{Store, StoreError, StoreOptions};

/// Runs the command the command line names.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let settings = Settings::resolve(&cli.global, &args)?;
            serve::run(settings).await
        }
        Command::Worker(args) => {
            let settings = Settings::resolve(&cli.global, &args.as_serve_args())?;
            worker::run(settings, args.listen.clone()).await
        }
        Command::Bench(command) => crate::bench::run(command).await,
        Command::Backup { path } => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            require_database(&settings, "back up")?;
            backup::run(&settings, &path).await
        }
        Command::Migrate { to } => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            require_database(&settings, "migrate")?;
            migrate::run(&settings, &to).await
        }
        Command::Search(args) => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            require_database(&settings, "search")?;
            let store = open_store(&settings).await?;
            let result = search::run(&store, &settings, args).await;
            store.close().await;
            result
        }
        Command::Extract { page, format } => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            extract::run(&settings, &page, format).await
        }
        Command::Sources(command) => {
            let fetches_private = Settings::resolve(&cli.global, &ServeArgs::default())?
                .fetch
                .allow_private_addresses;
            let missing = match command {
                SourcesCommand::Add { .. } => WithoutDatabase::Create,
                SourcesCommand::List => WithoutDatabase::Refuse("list sources"),
                _ => WithoutDatabase::Refuse("change sources"),
            };
            with_store(&cli.global, missing, async |store| match command {
                SourcesCommand::Add {
                    url,
                    name,
                    category,
                } => sources::add(store, &url, name, category, fetches_private).await,
                SourcesCommand::List => sources::list(store).await,
                SourcesCommand::Refresh { source } => {
                    sources::refresh(store, source.as_deref()).await
                }
                SourcesCommand::Remove { sources: which } => sources::remove(store, &which).await,
                SourcesCommand::Approve { sources: which } => {
                    source_review::review(store, &which, source_review::Review::Approve).await
                }
                SourcesCommand::Reject { sources: which } => {
                    source_review::review(store, &which, source_review::Review::Reject).await
                }
                SourcesCommand::Display { source, policy } => {
                    sources::display(store, &source, &policy).await
                }
                SourcesCommand::Pause { sources: which } => {
                    source_admin::set_paused(store, &which, true).await
                }
                SourcesCommand::Resume { sources: which } => {
                    source_admin::set_paused(store, &which, false).await
                }
                SourcesCommand::Edit {
                    source,
                    name,
                    section,
                    url,
                } => {
                    let edit = source_admin::EditArgs { name, section, url };
                    source_admin::edit(store, &source, edit, fetches_private).await
                }
            })
            .await
        }
        Command::Users(command) => {
            let settings = Settings::resolve(&cli.global, &ServeArgs::default())?;
            match command {
                UsersCommand::Create { .. } => say_if_created(&settings),
                UsersCommand::List => require_database(&settings, "list accounts")?,
                _ => require_database(&settings, "change accounts")?,
            }
            let store = open_store(&settings).await?;
            let result = match command {
                UsersCommand::Create {
                    name,
                    admin,
                    moderator,
                    password_file,
                    display_name,
                } => {
                    users::create(
                        &store,
                        &settings,
                        &name,
                        users::role_of(admin, moderator),
                        password_file.as_deref(),
                        display_name,
                    )
                    .await
                }
                UsersCommand::List => users::list(&store).await,
                UsersCommand::SetRole { name, role } => users::set_role(&store, &name, &role).await,
                UsersCommand::SetPassword {
                    name,
                    password_file,
                    revoke_api_keys,
                } => {
                    users::set_password(
                        &store,
                        &settings,
                        &name,
                        password_file.as_deref(),
                        revoke_api_keys,
                    )
                    .await
                }
                UsersCommand::ResetLink { name, hours } => {
                    users::reset_link(&store, &settings, &name, hours).await
                }
            };
            store.close().await;
            result
        }
        Command::ImportOpml { file } => {
            with_store(&cli.global, WithoutDatabase::Create, async |store| {
                sources::import_opml(store, &file).await
            })
            .await
        }
        Command::ExportOpml {
            file,
            with_credentials,
        } => {
            with_store(
                &cli.global,
                WithoutDatabase::Refuse("export"),
                async |store| sources::export_opml(store, file.as_deref(), with_credentials).await,
            )
            .await
        }
    }
}

/// What a one-shot command does when the data directory has no SQLite database yet.
#[derive(Debug, Clone, Copy)]
enum WithoutDatabase {
    /// Create it (the command adds data), saying so on stderr.
    Create,
    /// Refuse: the command (named, "list sources") has nothing to read.
    Refuse(&'static str),
}

/// The SQLite database file `settings` name, when they name one on disk.
fn sqlite_file(settings: &Settings) -> Option<std::path::PathBuf> {
    let rest = settings
        .database_url
        .strip_prefix("sqlite://")
        .or_else(|| settings.database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:" && !rest.contains("mode=memory"))
        .then(|| std::path::PathBuf::from(path))
}

/// Refuses a command that would `what` ("list accounts") on a database that does not exist
/// yet: opening it would create an empty one in a mistyped `--data-dir`.
fn require_database(settings: &Settings, what: &str) -> anyhow::Result<()> {
    match sqlite_file(settings) {
        Some(file) if !file.exists() => anyhow::bail!(
            "no database at {}: nothing to {what} (is --data-dir right? `tidings serve` \
             creates the database)",
            file.display()
        ),
        _ => Ok(()),
    }
}

/// Says on stderr that the command is about to create the database, when there is none.
fn say_if_created(settings: &Settings) {
    if let Some(file) = sqlite_file(settings).filter(|f| !f.exists()) {
        eprintln!("no database at {}; creating an empty one", file.display());
    }
}

/// Runs a one-shot command on the database the global options name, then closes it.
async fn with_store(
    global: &GlobalArgs,
    missing: WithoutDatabase,
    command: impl AsyncFnOnce(&Store) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(global, &ServeArgs::default())?;
    match missing {
        WithoutDatabase::Create => say_if_created(&settings),
        WithoutDatabase::Refuse(what) => require_database(&settings, what)?,
    }
    let store = open_store(&settings).await?;
    let result = command(&store).await;
    store.close().await;
    result
}

/// Opens the database the settings name, creating the data directory for SQLite. A
/// one-off command reports at once why PostgreSQL cannot be reached; see
/// [`open_store_waiting`] for the long-running ones.
pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    open(settings, false).await
}

/// Opens the database as [`open_store`] does, but waits up to a minute for a PostgreSQL
/// server that cannot be reached yet (refused, starting, restarting): `serve` and `worker`
/// may start before the database when a host boots.
pub(crate) async fn open_store_waiting(settings: &Settings) -> anyhow::Result<Store> {
    open(settings, true).await
}

async fn open(settings: &Settings, wait: bool) -> anyhow::Result<Store> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    // One connection first, with a short timeout: a refused connection, an unknown host or
    // a wrong password is reported as it is (the pool would wait 30 s and say only "pool
    // timed out").
    let shared = !settings.database_url.starts_with("sqlite:");
    if shared {
        probe_postgres(&settings.database_url, wait).await?;
    }
    // A database that goes away between the probe and the pool is waited for as well.
    let deadline = std::time::Instant::now() + WAIT_FOR_DATABASE;
    let mut delay = std::time::Duration::from_millis(500);
    loop {
        match Store::open(&settings.database_url, StoreOptions::default()).await {
            Ok(store) => return Ok(store),
            Err(err) if shared && err.is_unavailable() && std::time::Instant::now() < deadline => {
                tracing::warn!(%err, "the database is not reachable yet; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(5));
            }
            Err(err) => {
                return Err(err).with_context(|| {
                    format!(
                        "cannot open the database {}",
                        redact(&settings.database_url)
                    )
                });
            }
        }
    }
}

/// How long the first connection to PostgreSQL may take before it counts as failed.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long an unreachable PostgreSQL server is waited for.
const WAIT_FOR_DATABASE: std::time::Duration = std::time::Duration::from_secs(60);

/// Connects to PostgreSQL once, to report why it cannot be reached in the database's own
/// words: "Connection refused", "password authentication failed", an unknown host. A server
/// that says it is starting or shutting down is waited for; with `wait`, so is any server
/// that cannot be reached ([`StoreError::is_unavailable_database`]) or does not answer, up
/// to [`WAIT_FOR_DATABASE`].
async fn probe_postgres(url: &str, wait: bool) -> anyhow::Result<()> {
    use sqlx::Connection;
    let deadline = std::time::Instant::now() + WAIT_FOR_DATABASE;
    loop {
        let err = match tokio::time::timeout(PROBE_TIMEOUT, sqlx::PgConnection::connect(url)).await
        {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                return Ok(());
            }
            Ok(Err(err)) => err,
            Err(_) if wait && std::time::Instant::now() < deadline => {
                tracing::warn!("the database does not answer yet; retrying");
                continue;
            }
            Err(_) => anyhow::bail!(
                "cannot connect to the database {}: no answer within {} s",
                redact(url),
                PROBE_TIMEOUT.as_secs()
            ),
        };
        // 57P01-57P03: the server is shutting down, crashed or starting: wait for it.
        let starting = err
            .as_database_error()
            .and_then(|db| db.code())
            .is_some_and(|code| matches!(code.as_ref(), "57P01" | "57P02" | "57P03"));
        let retry = starting || (wait && StoreError::is_unavailable_database(&err));
        if !retry || std::time::Instant::now() >= deadline {
            return Err(err)
                .with_context(|| format!("cannot connect to the database {}", redact(url)));
        }
        tracing::warn!(%err, "the database is not reachable yet; retrying");
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// A database URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::sqlite_file;
    use crate::cli::{GlobalArgs, ServeArgs};
    use crate::settings::Settings;
    use std::path::PathBuf;

    fn file_of(url: &str) -> Option<PathBuf> {
        let global = GlobalArgs {
            database_url: Some(url.to_string()),
            ..GlobalArgs::default()
        };
        sqlite_file(&Settings::resolve(&global, &ServeArgs::default()).expect("settings"))
    }

    /// Only a database on disk has a file (and so `serve`'s lock file, and the "no
    /// database" checks): an in-memory one, or PostgreSQL, has none.
    #[test]
    fn only_a_database_on_disk_has_a_file() {
        assert_eq!(
            file_of("sqlite://data/tidings.db?mode=rwc"),
            Some(PathBuf::from("data/tidings.db"))
        );
        assert_eq!(file_of("sqlite::memory:"), None);
        assert_eq!(file_of("sqlite://shared?mode=memory&cache=shared"), None);
        assert_eq!(file_of("postgres://postgres@127.0.0.1:5432/test"), None);
    }
}
