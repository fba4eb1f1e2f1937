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
    Step {
        version: 17,
        name: "saved_and_replies_seen",
        sqlite: include_str!("../migrations/sqlite/0017_saved_and_replies_seen.sql"),
        postgres: include_str!("../migrations/postgres/0017_saved_and_replies_seen.sql"),
    },
    Step {
        version: 18,
        name: "reports_by_reporter",
        sqlite: include_str!("../migrations/sqlite/0018_reports_by_reporter.sql"),
        postgres: include_str!("../migrations/postgres/0018_reports_by_reporter.sql"),
    },
    Step {
        version: 19,
        name: "websub",
        sqlite: include_str!("../migrations/sqlite/0019_websub.sql"),
        postgres: include_str!("../migrations/postgres/0019_websub.sql"),
    },
    Step {
        version: 20,
        name: "websub_unsubscribe",
        sqlite: include_str!("../migrations/sqlite/0020_websub_unsubscribe.sql"),
        postgres: include_str!("../migrations/postgres/0020_websub_unsubscribe.sql"),
    },
    Step {
        version: 21,
        name: "moderation_log_by_account",
        sqlite: include_str!("../migrations/sqlite/0021_moderation_log_by_account.sql"),
        postgres: include_str!("../migrations/postgres/0021_moderation_log_by_account.sql"),
    },
    Step {
        version: 22,
        name: "articles_by_story_time",
        sqlite: include_str!("../migrations/sqlite/0022_articles_by_story_time.sql"),
        postgres: include_str!("../migrations/postgres/0022_articles_by_story_time.sql"),
    },
    Step {
        version: 23,
        name: "account_lookalike_keys",
        sqlite: include_str!("../migrations/sqlite/0023_account_lookalike_keys.sql"),
        postgres: include_str!("../migrations/postgres/0023_account_lookalike_keys.sql"),
    },
    Step {
        version: 24,
        name: "entities_across_languages",
        sqlite: include_str!("../migrations/sqlite/0024_entities_across_languages.sql"),
        postgres: include_str!("../migrations/postgres/0024_entities_across_languages.sql"),
    },
    Step {
        version: 25,
        name: "articles_by_source_arrival",
        sqlite: include_str!("../migrations/sqlite/0025_articles_by_source_arrival.sql"),
        postgres: include_str!("../migrations/postgres/0025_articles_by_source_arrival.sql"),
    },
    Step {
        version: 26,
        name: "subscription_titles",
        sqlite: include_str!("../migrations/sqlite/0026_subscription_titles.sql"),
        postgres: include_str!("../migrations/postgres/0026_subscription_titles.sql"),
    },
    Step {
        version: 27,
        name: "sources_skipped_no_link",
        sqlite: include_str!("../migrations/sqlite/0027_sources_skipped_no_link.sql"),
        postgres: include_str!("../migrations/postgres/0027_sources_skipped_no_link.sql"),
    },
    Step {
        version: 28,
        name: "host_turns",
        sqlite: include_str!("../migrations/sqlite/0028_host_turns.sql"),
        postgres: include_str!("../migrations/postgres/0028_host_turns.sql"),
    },
    Step {
        version: 29,
        name: "sources_awaiting_review",
        sqlite: include_str!("../migrations/sqlite/0029_sources_awaiting_review.sql"),
        postgres: include_str!("../migrations/postgres/0029_sources_awaiting_review.sql"),
    },
    Step {
        version: 30,
        name: "source_icons",
        sqlite: include_str!("../migrations/sqlite/0030_source_icons.sql"),
        postgres: include_str!("../migrations/postgres/0030_source_icons.sql"),
    },
    Step {
        version: 31,
        name: "sources_paused",
        sqlite: include_str!("../migrations/sqlite/0031_sources_paused.sql"),
        postgres: include_str!("../migrations/postgres/0031_sources_paused.sql"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::Comments;
    use crate::replies::Replies;
    use sqlx::{AnyPool, Executor, Row};
    use tidings_model::{CommentId, CommentState, UserId};

    /// The migrations up to `version`, as an installation of that age had them.
    fn migrator_through(backend: Backend, version: i64) -> Migrator {
        let mut migrator = migrator(backend);
        migrator.migrations = std::borrow::Cow::Owned(
            migrator
                .migrations
                .iter()
                .filter(|m| m.version <= version)
                .cloned()
                .collect(),
        );
        migrator
    }

    async fn one(pool: &AnyPool, sql: &str) -> Option<i64> {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(pool)
            .await
            .expect("read");
        row.try_get(0).expect("value")
    }

    /// An installation from before 0017 (replies seen by id) keeps every account's unread
    /// replies, and a held reply approved after the upgrade is new.
    async fn upgrade_keeps_every_mark(pool: &AnyPool, backend: Backend) {
        migrator_through(backend, 15)
            .run(pool)
            .await
            .expect("to 15");
        for sql in [
            "INSERT INTO users (id, name, name_key, display_name, password_hash, role, state, \
             created_at, password_changed_at) VALUES \
             (1, 'ana', 'ana', 'Ana', 'h', 'reader', 'active', 0, 0), \
             (2, 'bob', 'bob', 'Bob', 'h', 'reader', 'active', 0, 0)",
            // Ana's comment; bob's replies 2 (seen), 3 (held), 4 (not seen yet).
            "INSERT INTO comments (id, target_kind, target_id, parent_id, user_id, body_source, \
             body_html, state, created_at, reply_to_user_id) VALUES \
             (1, 'story', 1, NULL, 1, 'a', '<p>a</p>', 'visible', 1, NULL), \
             (2, 'story', 1, 1, 2, 'b', '<p>b</p>', 'visible', 2, 1), \
             (3, 'story', 1, 1, 2, 'c', '<p>c</p>', 'held', 3, 1), \
             (4, 'story', 1, 1, 2, 'd', '<p>d</p>', 'visible', 4, 1)",
            "UPDATE users SET replies_seen_id = 2 WHERE id = 1",
            "UPDATE site_revision SET revision = 3",
        ] {
            pool.execute(sqlx::AssertSqlSafe(sql)).await.expect(sql);
        }
        migrator(backend).run(pool).await.expect("to the latest");

        for (id, shown) in [(1, Some(1)), (2, Some(2)), (3, None), (4, Some(4))] {
            let sql = format!("SELECT shown_revision FROM comments WHERE id = {id}");
            assert_eq!(one(pool, &sql).await, shown, "comment {id}");
        }
        assert_eq!(
            one(pool, "SELECT revision FROM site_revision").await,
            Some(4),
            "past every comment"
        );
        let replies = Replies::new(pool);
        let ana = UserId(1);
        assert_eq!(replies.unread(ana).await.expect("unread"), 1, "reply 4");
        assert_eq!(
            replies.newest_seen(ana).await.expect("seen"),
            Some(CommentId(2))
        );
        Comments::new(pool)
            .set_state(CommentId(3), CommentState::Visible)
            .await
            .expect("approve");
        assert_eq!(
            one(pool, "SELECT revision FROM site_revision").await,
            Some(5)
        );
        assert_eq!(replies.unread(ana).await.expect("unread"), 2, "3 and 4");
        let new: Vec<i64> = replies
            .list(ana, 10, 0)
            .await
            .expect("list")
            .iter()
            .filter(|r| r.unseen)
            .map(|r| r.id.0)
            .collect();
        assert_eq!(new, vec![3, 4], "the approved one first");
    }

    #[tokio::test]
    async fn upgrading_to_replies_seen_by_revision_keeps_every_mark() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("SQLite");
        upgrade_keeps_every_mark(&pool, Backend::Sqlite).await;
        pool.close().await;

        if let Some(url) = crate::testing::postgres_url() {
            let schema = crate::testing::fresh_schema_name();
            // One connection, so the schema chosen here is the one every statement uses.
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await
                .expect("PostgreSQL");
            for sql in [
                format!("CREATE SCHEMA \"{schema}\""),
                format!("SET search_path TO \"{schema}\""),
            ] {
                pool.execute(sqlx::AssertSqlSafe(sql))
                    .await
                    .expect("schema");
            }
            upgrade_keeps_every_mark(&pool, Backend::Postgres).await;
            pool.close().await;
            crate::testing::drop_schema(&url, &schema).await;
        }
    }
}
