//! The moderation repository: readers' reports against comments, the queue moderators work
//! through (held comments and reported ones), and the audit log of what moderators and
//! administrators did (to comments, accounts and sources).

use crate::StoreError;
use crate::comments::{SELECT, comment_from_row};
use sqlx::{Any, AnyPool, Executor, Row};
use tidings_model::{Comment, CommentId, SourceId, UnixSeconds, UserId};

/// One page of the reports an account filed (`$1` the account, after id `$2`, `$3` rows).
pub(crate) const REPORTS_BY: &str = "SELECT id, comment_id, reason, created_at \
     FROM comment_reports WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3";

/// One page of the audit log's lines about an account (`$1`), after id `$2`, `$3` rows: those
/// naming it and those about its comments, each branch read through its index.
pub(crate) const LOG_ABOUT: &str = "SELECT id, at, moderator_id, action, comment_id, note \
     FROM moderation_log WHERE id IN (\
     SELECT id FROM moderation_log WHERE user_id = $1 AND id > $2 \
     UNION SELECT m.id FROM comments c JOIN moderation_log m ON m.comment_id = c.id \
     WHERE c.user_id = $1 AND m.id > $2) ORDER BY id LIMIT $3";

/// A comment waiting for a moderator, with the reasons readers gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// The comment.
    pub comment: Comment,
    /// The open reports' reasons.
    pub reasons: Vec<String>,
}

/// A report an account filed against a comment, as its data export lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledReport {
    /// The report's id.
    pub id: i64,
    /// The comment reported.
    pub comment_id: CommentId,
    /// The reason the account gave.
    pub reason: String,
    /// When it was filed.
    pub created_at: UnixSeconds,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// When.
    pub at: UnixSeconds,
    /// Who (`None` for the command line).
    pub moderator_id: Option<UserId>,
    /// The moderator's display name at the time of reading ("" for the command line).
    pub moderator: String,
    /// What: `hide`, `restore`, `approve`, `ban`, `ban-hide` (a ban that hid the account's
    /// comments), `unban`, `unban-restore` (an unban that put them back), `dismiss`, `create`,
    /// `role`, `password` (the command line set it), `reset-link` (a password reset link was
    /// made); on sources `source-add`, `source-refresh`, `source-display`, `source-remove`,
    /// `source-pause`, `source-resume`, `source-edit` (the note says what changed),
    /// and the command line's `source-import` (an OPML file) and `source-refresh` of every
    /// source (both without a source).
    pub action: String,
    /// The comment acted on.
    pub comment_id: Option<CommentId>,
    /// The account acted on.
    pub user_id: Option<UserId>,
    /// The source acted on (it may have been removed since).
    pub source_id: Option<SourceId>,
    /// A free note (the reason given).
    pub note: String,
}

/// A line of the audit log about an account, as the account's own data export lists it:
/// what was done to it or to one of its comments, without who did it beyond whether it was
/// the site's staff or the operator's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLineAbout {
    /// The line's id (the keyset the export pages on).
    pub id: i64,
    /// When.
    pub at: UnixSeconds,
    /// Whether the command line did it (no moderator).
    pub by_command_line: bool,
    /// What (see [`LogEntry::action`]).
    pub action: String,
    /// The account's comment acted on, if it was one.
    pub comment_id: Option<CommentId>,
    /// The note (the reason given).
    pub note: String,
}

/// Writes a line of the audit log about a source on `executor` (see [`Moderation::log_source`]).
pub(crate) async fn log_source_line<'e, E>(
    executor: E,
    moderator: Option<UserId>,
    action: &str,
    source: SourceId,
    note: &str,
    now: UnixSeconds,
) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO moderation_log (at, moderator_id, action, source_id, note) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now)
    .bind(moderator.map(|m| m.0))
    .bind(action)
    .bind(source.0)
    .bind(note)
    .execute(executor)
    .await?;
    Ok(())
}

/// Writes a line of the audit log on `executor` (a transaction, when the action it records
/// is written in one; see [`Moderation::log`]).
pub(crate) async fn log_line<'e, E>(
    executor: E,
    moderator: Option<UserId>,
    action: &str,
    comment: Option<CommentId>,
    user: Option<UserId>,
    note: &str,
    now: UnixSeconds,
) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO moderation_log (at, moderator_id, action, comment_id, user_id, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(moderator.map(|m| m.0))
    .bind(action)
    .bind(comment.map(|c| c.0))
    .bind(user.map(|u| u.0))
    .bind(note)
    .execute(executor)
    .await?;
    Ok(())
}

/// Reports, the moderation queue and the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Moderation<'a> {
    pool: &'a AnyPool,
}

impl<'a> Moderation<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Moderation { pool }
    }

    /// Files a reader's report against a comment; returns false when they had reported it
    /// already.
    pub async fn report(
        &self,
        comment: CommentId,
        reporter: UserId,
        reason: &str,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO comment_reports (comment_id, user_id, reason, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (comment_id, user_id) DO NOTHING",
        )
        .bind(comment.0)
        .bind(reporter.0)
        .bind(reason)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// One page of the reports `reporter` filed, oldest first: at most `limit` with an id
    /// above `after_id` (0 for the first page), read from the reporter's index.
    pub async fn reports_by(
        &self,
        reporter: UserId,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<FiledReport>, StoreError> {
        let rows = sqlx::query(REPORTS_BY)
            .bind(reporter.0)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FiledReport {
                    id: r.try_get("id")?,
                    comment_id: CommentId(r.try_get("comment_id")?),
                    reason: r.try_get("reason")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Closes every open report against a comment.
    pub async fn resolve_reports(
        &self,
        comment: CommentId,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE comment_reports SET resolved_at = $2 WHERE comment_id = $1 \
             AND resolved_at IS NULL",
        )
        .bind(comment.0)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The queue: held comments and comments with open reports (not yet hidden or deleted),
    /// oldest first, at most `limit`.
    pub async fn queue(&self, limit: i64) -> Result<Vec<QueueItem>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE c.state = 'held' OR (c.state = 'visible' AND EXISTS \
             (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id \
              AND r.resolved_at IS NULL)) ORDER BY c.id LIMIT $1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let comment = comment_from_row(row)?;
            let reasons = sqlx::query(
                "SELECT reason FROM comment_reports WHERE comment_id = $1 \
                 AND resolved_at IS NULL ORDER BY id",
            )
            .bind(comment.id.0)
            .fetch_all(self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("reason"))
            .collect::<Result<_, _>>()?;
            items.push(QueueItem { comment, reasons });
        }
        Ok(items)
    }

    /// Writes a line of the audit log.
    pub async fn log(
        &self,
        moderator: Option<UserId>,
        action: &str,
        comment: Option<CommentId>,
        user: Option<UserId>,
        note: &str,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        log_line(self.pool, moderator, action, comment, user, note, now).await
    }

    /// Writes a line of the audit log about a source (an administrator's `source-…` action).
    pub async fn log_source(
        &self,
        moderator: Option<UserId>,
        action: &str,
        source: SourceId,
        note: &str,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        log_source_line(self.pool, moderator, action, source, note, now).await
    }

    /// One page of the audit log's lines about `user`: those about the account itself and
    /// those about one of its comments, oldest first, at most `limit` with an id above
    /// `after_id` (0 for the first page).
    pub async fn log_about(
        &self,
        user: UserId,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<LogLineAbout>, StoreError> {
        let rows = sqlx::query(LOG_ABOUT)
            .bind(user.0)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let moderator_id: Option<i64> = r.try_get("moderator_id")?;
                let comment_id: Option<i64> = r.try_get("comment_id")?;
                Ok(LogLineAbout {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    by_command_line: moderator_id.is_none(),
                    action: r.try_get("action")?,
                    comment_id: comment_id.map(CommentId),
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    /// The latest lines of the audit log, newest first.
    pub async fn log_entries(&self, limit: i64) -> Result<Vec<LogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.at, l.moderator_id, COALESCE(u.display_name, '') AS moderator, l.action, \
             l.comment_id, l.user_id, l.source_id, l.note FROM moderation_log l \
             LEFT JOIN users u ON u.id = l.moderator_id ORDER BY l.at DESC, l.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let moderator_id: Option<i64> = r.try_get("moderator_id")?;
                let comment_id: Option<i64> = r.try_get("comment_id")?;
                let user_id: Option<i64> = r.try_get("user_id")?;
                let source_id: Option<i64> = r.try_get("source_id")?;
                Ok(LogEntry {
                    at: r.try_get("at")?,
                    moderator_id: moderator_id.map(UserId),
                    moderator: r.try_get("moderator")?,
                    action: r.try_get("action")?,
                    comment_id: comment_id.map(CommentId),
                    user_id: user_id.map(UserId),
                    source_id: source_id.map(SourceId),
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }
}
