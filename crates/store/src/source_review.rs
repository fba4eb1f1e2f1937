//! Sources readers add, and the review an administrator gives those that wait: who added a
//! source and how it enters the site (public at once, or awaiting review), the list of those
//! waiting, approval and rejection, each written to the moderation log.

use crate::StoreError;
use crate::moderation::log_source_line;
use crate::revision;
use crate::sources::{NewSource, Removal, Sources, insert_unless_present, source_from_row};
use sqlx::{AnyConnection, Row};
use tidings_model::{Source, SourceId, UnixSeconds, UserId};

/// Who adds a source, which decides how it enters the site and what the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddedBy {
    /// The operator's command line: public and due at once, no log line here (the command
    /// writes its own).
    Operator,
    /// An account whose sources go public at once (an administrator, or any reader on a
    /// site whose readers' sources are open): logged as `source-add` by it.
    Account(UserId),
    /// A reader whose new source waits for an administrator's review: not fetched and not
    /// listed publicly until approved; logged as `source-request` by it.
    ReaderForReview(UserId),
}

/// A source waiting for review, as the administrators' list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AwaitingSource {
    /// The source.
    pub source: Source,
    /// Since when it waits.
    pub since: UnixSeconds,
    /// The account that asked for it, if it still exists.
    pub requested_by: Option<UserId>,
    /// That account's display name ("" when it no longer exists).
    pub requester: String,
    /// How many accounts follow it.
    pub subscribers: i64,
}

/// The SQL condition, on the `sources` table unaliased, that a source is public: not
/// waiting for review.
pub(crate) const PUBLIC: &str = "pending_since IS NULL";

/// Records, on `conn` (the transaction that inserted source `id` with address `url`), who
/// added it: a reader's source waiting for review is marked so, and an account's addition is
/// logged. The caller bumps the site revision.
pub(crate) async fn record_added(
    conn: &mut AnyConnection,
    id: SourceId,
    url: &str,
    by: AddedBy,
    now: UnixSeconds,
) -> Result<(), StoreError> {
    let note = tidings_model::public_feed_url(url);
    match by {
        AddedBy::Operator => {}
        AddedBy::Account(user) => {
            log_source_line(&mut *conn, Some(user), "source-add", id, &note, now).await?;
        }
        AddedBy::ReaderForReview(user) => {
            sqlx::query("UPDATE sources SET pending_since = $2, requested_by = $3 WHERE id = $1")
                .bind(id.0)
                .bind(now)
                .bind(user.0)
                .execute(&mut *conn)
                .await?;
            log_source_line(&mut *conn, Some(user), "source-request", id, &note, now).await?;
        }
    }
    Ok(())
}

impl Sources<'_> {
    /// Adds a source as `by` adds one (see [`AddedBy`]), with its log line, in one
    /// transaction. Fails with [`StoreError::AlreadyExists`] when its URL is already a source.
    pub async fn add_by(
        &self,
        new: &NewSource,
        by: AddedBy,
        now: UnixSeconds,
    ) -> Result<Source, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let id = insert_unless_present(&mut tx, new, now)
            .await?
            .ok_or_else(|| StoreError::AlreadyExists(format!("source {}", new.url)))?;
        record_added(&mut tx, id, &new.url, by, now).await?;
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        self.get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("source {id}")))
    }

    /// Whether source `id` waits for review.
    pub async fn is_awaiting_review(&self, id: SourceId) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT pending_since FROM sources WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get::<Option<i64>, _>("pending_since")?.is_some(),
            None => false,
        })
    }

    /// The sources waiting for review, oldest request first.
    pub async fn awaiting_review(&self) -> Result<Vec<AwaitingSource>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, s.pending_since, s.requested_by, COALESCE(u.display_name, '') AS requester, \
             (SELECT COUNT(*) FROM subscriptions sub WHERE sub.source_id = s.id) AS subscribers \
             FROM sources s LEFT JOIN users u ON u.id = s.requested_by \
             WHERE s.pending_since IS NOT NULL ORDER BY s.pending_since, s.id",
            crate::sources::COLUMNS
                .split(", ")
                .map(|c| format!("s.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| {
                let requested_by: Option<i64> = row.try_get("requested_by")?;
                Ok(AwaitingSource {
                    source: source_from_row(row)?,
                    since: row.try_get("pending_since")?,
                    requested_by: requested_by.map(UserId),
                    requester: row.try_get("requester")?,
                    subscribers: row.try_get("subscribers")?,
                })
            })
            .collect()
    }

    /// Approves a source waiting for review: it becomes public and due for a fetch at once;
    /// `source-approve` by `moderator` (`None`: the command line) is logged in the same
    /// transaction. Whether it was waiting (a source that does not wait is left alone).
    pub async fn approve(
        &self,
        id: SourceId,
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let row = sqlx::query(
            "UPDATE sources SET pending_since = NULL, requested_by = NULL, next_fetch_at = $2 \
             WHERE id = $1 AND pending_since IS NOT NULL RETURNING url",
        )
        .bind(id.0)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let url: String = row.try_get("url")?;
        let note = tidings_model::public_feed_url(&url);
        log_source_line(&mut *tx, moderator, "source-approve", id, &note, now).await?;
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Rejects a source waiting for review: it is removed with its readers' subscriptions
    /// (it has no articles: it was never fetched), and `source-reject` by `moderator`
    /// (`None`: the command line) is logged. Whether it was waiting (a source that does not
    /// wait is left alone).
    pub async fn reject(
        &self,
        id: SourceId,
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        self.remove_as(id, Some(moderator), Removal::Reject, now)
            .await
    }
}
