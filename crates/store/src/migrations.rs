//! The schema's migrations, embedded in the binary, one directory per dialect.
//!
//! sqlx's `migrate!` macro would need the `macros` feature, which builds both database drivers
//! a second time for the compiler; the migrations are few, so they are listed here instead.

use crate::Backend;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// One migration: its version, its name, and its SQL for SQLite and for PostgreSQL.
struct Step {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Step {
        version: 2,
        name: "stories",
        sqlite: include_str!("../migrations/sqlite/0002_stories.sql"),
        postgres: include_str!("../migrations/postgres/0002_stories.sql"),
    },
    Step {
        version: 3,
        name: "insights",
        sqlite: include_str!("../migrations/sqlite/0003_insights.sql"),
        postgres: include_str!("../migrations/postgres/0003_insights.sql"),
    },
    Step {
        version: 4,
        name: "search",
        sqlite: include_str!("../migrations/sqlite/0004_search.sql"),
        postgres: include_str!("../migrations/postgres/0004_search.sql"),
    },
    Step {
        version: 5,
        name: "people",
        sqlite: include_str!("../migrations/sqlite/0005_people.sql"),
        postgres: include_str!("../migrations/postgres/0005_people.sql"),
    },
    Step {
        version: 6,
        name: "sections",
        sqlite: include_str!("../migrations/sqlite/0006_sections.sql"),
        postgres: include_str!("../migrations/postgres/0006_sections.sql"),
    },
    Step {
        version: 7,
        name: "site_revision",
        sqlite: include_str!("../migrations/sqlite/0007_site_revision.sql"),
        postgres: include_str!("../migrations/postgres/0007_site_revision.sql"),
    },
    Step {
        version: 8,
        name: "reading",
        sqlite: include_str!("../migrations/sqlite/0008_reading.sql"),
        postgres: include_str!("../migrations/postgres/0008_reading.sql"),
    },
    Step {
        version: 9,
        name: "moderation_log_sources",
        sqlite: include_str!("../migrations/sqlite/0009_moderation_log_sources.sql"),
        postgres: include_str!("../migrations/postgres/0009_moderation_log_sources.sql"),
    },
    Step {
        version: 10,
        name: "forgotten_articles",
        sqlite: include_str!("../migrations/sqlite/0010_forgotten_articles.sql"),
        postgres: include_str!("../migrations/postgres/0010_forgotten_articles.sql"),
    },
    Step {
        version: 11,
        name: "replies",
        sqlite: include_str!("../migrations/sqlite/0011_replies.sql"),
        postgres: include_str!("../migrations/postgres/0011_replies.sql"),
    },
    Step {
        version: 12,
        name: "crosslang",
        sqlite: include_str!("../migrations/sqlite/0012_crosslang.sql"),
        postgres: include_str!("../migrations/postgres/0012_crosslang.sql"),
    },
    Step {
        version: 13,
        name: "ban_hidden_comments",
        sqlite: include_str!("../migrations/sqlite/0013_ban_hidden_comments.sql"),
        postgres: include_str!("../migrations/postgres/0013_ban_hidden_comments.sql"),
    },
    Step {
        version: 14,
        name: "stories_to_understand",
        sqlite: include_str!("../migrations/sqlite/0014_stories_to_understand.sql"),
        postgres: include_str!("../migrations/postgres/0014_stories_to_understand.sql"),
    },
    Step {
        version: 15,
        name: "password_resets",
        sqlite: include_str!("../migrations/sqlite/0015_password_resets.sql"),
        postgres: include_str!("../migrations/postgres/0015_password_resets.sql"),
    },
    Step {
        version: 16,
        name: "hidden",
        sqlite: include_str!("../migrations/sqlite/0016_hidden.sql"),
        postgres: include_str!("../migrations/postgres/0016_hidden.sql"),
    },
];

/// The migrator for one backend.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    let migrations = STEPS
        .iter()
        .map(|step| {
            let sql = match backend {
                Backend::Sqlite => step.sqlite,
                Backend::Postgres => step.postgres,
            };
            Migration::new(
                step.version,
                step.name.into(),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}
