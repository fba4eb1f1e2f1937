//! Opening the database: the pool, per-connection settings, and migrations.

use crate::insights::Insights;
use crate::leadership::Leadership;
use crate::stories::Stories;
use crate::{
    Articles, Backend, Comments, Jobs, Moderation, Sessions, Sources, StoreError, Users, migrations,
};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

/// How to open a [`Store`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// The most connections the pool keeps open.
    pub max_connections: u32,
    /// PostgreSQL only: the schema to keep Tidings' tables in (created if missing).
    /// `None` keeps them in the connection's default schema.
    pub postgres_schema: Option<String>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            postgres_schema: None,
        }
    }
}

/// A handle to the database. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// This process's half of the cross-language linking lock.
    linking: Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Opens the database at `url` (`sqlite://PATH?mode=rwc` or `postgres://…`) and brings its
    /// schema up to date.
    ///
    /// SQLite connections use WAL, a busy timeout and foreign keys; PostgreSQL connections use
    /// the schema of [`StoreOptions::postgres_schema`] when one is given.
    pub async fn open(url: &str, options: StoreOptions) -> Result<Store, StoreError> {
        let backend =
            Backend::from_url(url).ok_or_else(|| StoreError::UnsupportedUrl(url.to_string()))?;
        install_default_drivers();
        let schema = match backend {
            Backend::Postgres => options.postgres_schema.clone(),
            Backend::Sqlite => None,
        };
        if let Some(schema) = &schema {
            create_schema(url, schema).await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let schema = schema.clone();
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                        }
                        Backend::Postgres => {
                            if let Some(schema) = schema {
                                let set = format!("SET search_path TO {}", quote_ident(&schema));
                                conn.execute(sqlx::AssertSqlSafe(set)).await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        migrations::migrator(backend).run(&pool).await?;
        Users::new(&pool, backend).fill_lookalike_keys().await?;
        Ok(Store {
            pool,
            backend,
            linking: Arc::default(),
        })
    }

    /// The database engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The backend's name for logs: `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The sources repository.
    pub fn sources(&self) -> Sources<'_> {
        Sources::new(&self.pool)
    }

    /// The articles repository.
    pub fn articles(&self) -> Articles<'_> {
        Articles::new(&self.pool)
    }

    /// What the understanding step computed for stories, and the entities they mention.
    pub fn insights(&self) -> Insights<'_> {
        Insights::new(&self.pool)
    }

    /// One entity under the names several languages give it: merging entities, and reading
    /// one with its names (see [`crate::EntityGroups`]).
    pub fn entity_groups(&self) -> crate::EntityGroups<'_> {
        crate::EntityGroups::new(&self.pool, self.backend)
    }

    /// Takes `role` (e.g. `"story-assigner"`) if no other process holds it; see
    /// [`Leadership`].
    pub async fn try_lead(&self, role: &str) -> Result<Option<Leadership>, StoreError> {
        crate::leadership::try_lead(&self.pool, self.backend, role).await
    }

    /// Stories and the placements of articles in them.
    pub fn stories(&self) -> Stories<'_> {
        Stories::new(&self.pool)
    }

    /// Waits until no other worker, in this process or another, is linking a story across
    /// languages; see [`LinkingLock`](crate::LinkingLock).
    pub async fn lock_linking(&self) -> Result<crate::LinkingLock, StoreError> {
        crate::linking_lock::take(&self.pool, self.backend, &self.linking).await
    }

    /// Stories' evidence across languages and the links between stories of different
    /// languages.
    pub fn cross_language(&self) -> crate::CrossLanguage<'_> {
        crate::CrossLanguage::new(&self.pool)
    }

    /// Accounts.
    pub fn users(&self) -> Users<'_> {
        Users::new(&self.pool, self.backend)
    }

    /// Logged-in sessions and known devices.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions::new(&self.pool)
    }

    /// Password reset links, which an admin or the operator hands to an account's owner.
    pub fn password_resets(&self) -> crate::PasswordResets<'_> {
        crate::PasswordResets::new(&self.pool)
    }

    /// Comments on articles and stories.
    pub fn comments(&self) -> Comments<'_> {
        Comments::new(&self.pool)
    }

    /// The replies to each account's comments, and how many it has not seen.
    pub fn replies(&self) -> crate::Replies<'_> {
        crate::Replies::new(&self.pool)
    }

    /// Each account's folders, subscriptions, follows and read and starred marks.
    pub fn reading(&self) -> crate::Reading<'_> {
        crate::Reading::new(&self.pool)
    }

    /// What each account hid from its pages (sources, entities, topics, words).
    pub fn hidden(&self) -> crate::HiddenThings<'_> {
        crate::HiddenThings::new(&self.pool)
    }

    /// The API keys reader apps log in with.
    pub fn api_keys(&self) -> crate::ApiKeys<'_> {
        crate::ApiKeys::new(&self.pool)
    }

    /// Reports, the moderation queue and the audit log.
    pub fn moderation(&self) -> Moderation<'_> {
        Moderation::new(&self.pool)
    }

    /// Banning accounts and lifting bans, with their comments (see [`crate::Bans`]).
    pub fn bans(&self) -> crate::Bans<'_> {
        crate::Bans::new(&self.pool)
    }

    /// The durable job queue.
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs::new(&self.pool, self.backend)
    }

    /// Purging old text and old articles (see [`crate::Retention`]).
    pub fn retention(&self) -> crate::Retention<'_> {
        crate::Retention::new(&self.pool)
    }

    /// Deleted articles the search index has still to drop (see
    /// [`crate::ForgottenArticles`]).
    pub fn forgotten_articles(&self) -> crate::ForgottenArticles<'_> {
        crate::ForgottenArticles::new(&self.pool)
    }

    /// Stories that lost articles and whose understanding must be computed again (see
    /// [`crate::StoriesToUnderstand`]).
    pub fn stories_to_understand(&self) -> crate::StoriesToUnderstand<'_> {
        crate::StoriesToUnderstand::new(&self.pool)
    }

    /// Each source's icon (favicon).
    pub fn source_icons(&self) -> crate::SourceIcons<'_> {
        crate::SourceIcons::new(&self.pool)
    }

    /// WebSub subscriptions, one per source at most.
    pub fn websub(&self) -> crate::WebSub<'_> {
        crate::WebSub::new(&self.pool)
    }

    /// The host clock shared by every process on this database: request starts to a host a
    /// gap apart (see [`crate::HostTurns`]).
    pub fn host_turns(&self) -> crate::HostTurns<'_> {
        crate::HostTurns::new(&self.pool, self.backend)
    }

    /// Figures about the whole database, for monitoring.
    pub fn stats(&self) -> crate::Stats<'_> {
        crate::Stats::new(&self.pool)
    }

    /// The connection pool, for crates that keep their own tables in this database and
    /// query them directly (the PostgreSQL full-text backend of `tidings-search`). Their
    /// tables come from this crate's migrations all the same.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The site revision: a counter that every write changing what a page shows increments
    /// in its own transaction (see the `revision` module). Web processes poll it to know when
    /// their rendered pages are out of date.
    pub async fn revision(&self) -> Result<i64, StoreError> {
        crate::revision::current(&self.pool).await
    }

    /// Bumps the site revision, for a page-changing write made outside this crate's
    /// repositories (e.g. a comment stored by another crate).
    pub async fn bump_revision(&self) -> Result<(), StoreError> {
        crate::revision::bump(&self.pool).await?;
        Ok(())
    }

    /// Answers whether the database is reachable, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates a PostgreSQL schema if it does not exist yet.
async fn create_schema(url: &str, schema: &str) -> Result<(), StoreError> {
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    let create = format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema));
    pool.execute(sqlx::AssertSqlSafe(create)).await?;
    pool.close().await;
    Ok(())
}

/// Quotes an SQL identifier, doubling any quote inside it.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::quote_ident;

    #[test]
    fn identifiers_are_quoted_safely() {
        assert_eq!(quote_ident("t_1"), "\"t_1\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
