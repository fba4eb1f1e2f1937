//! Banning accounts and lifting bans, each in one transaction with what goes with it: the
//! account's sessions end, its comments may be hidden with it (or put back when the ban is
//! lifted), and the moderation log gets one line.
//!
//! A ban that hides comments hides every comment of the account that is visible or held, in
//! one statement however many there are, and each remembers the state it had
//! (`comments.hidden_by_ban`). Lifting the ban with its comments puts back those, and only
//! those, as they were: a comment a moderator hid on its own, or acted on since, and a comment
//! its author deleted are not touched. Lifting it without them leaves them hidden as any
//! comment a moderator hid: a later ban and unban does not bring them back.

use crate::moderation::log_line;
use crate::users::{COLUMNS, user_from_row};
use crate::{StoreError, revision};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::HashSet;
use tidings_model::{AccountState, CommentTarget, UnixSeconds, User, UserId};

/// What a ban or an unban did to the account's comments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BanOutcome {
    /// How many comments it hid (a ban) or put back (an unban).
    pub comments: u64,
    /// The pages those comments are on, each once: articles, then stories, by id.
    pub targets: Vec<CommentTarget>,
}

/// A banned account as the moderators' page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BannedAccount {
    /// The account.
    pub user: User,
    /// How many of its comments its ban hid and lifting it with them would put back.
    pub hidden_by_ban: i64,
}

/// Bans accounts and lifts bans.
#[derive(Debug, Clone, Copy)]
pub struct Bans<'a> {
    pool: &'a AnyPool,
}

impl<'a> Bans<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Bans { pool }
    }

    /// Bans an account (it may no longer log in or comment) and ends its sessions; with
    /// `hide_comments`, also hides every comment of it that is visible or held. Logs it as
    /// `ban` or `ban-hide`, by `moderator` (`None`: the command line), with `note` and how many
    /// comments were hidden. All in one transaction, which moves the site revision when a
    /// comment was hidden. [`StoreError::NotFound`] when there is no such account or it is
    /// deleted. Who may ban whom is the caller's rule.
    pub async fn ban(
        &self,
        user: UserId,
        hide_comments: bool,
        moderator: Option<UserId>,
        note: &str,
        now: UnixSeconds,
    ) -> Result<BanOutcome, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        set_account_state(&mut tx, user, AccountState::Banned).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        let (action, outcome) = if hide_comments {
            let rows = sqlx::query(
                "UPDATE comments SET hidden_by_ban = state, state = 'hidden' \
                 WHERE user_id = $1 AND state IN ('visible', 'held') \
                 RETURNING target_kind, target_id",
            )
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
            ("ban-hide", outcome_of(&rows)?)
        } else {
            ("ban", BanOutcome::default())
        };
        let note = with_count(note, "hid", hide_comments, outcome.comments);
        log_line(&mut *tx, moderator, action, None, Some(user), &note, now).await?;
        if outcome.comments > 0 {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// Lifts an account's ban; with `restore_comments`, also puts back the comments its ban
    /// hid, each in the state it had (visible, or held for a moderator). Without it they stay
    /// hidden and are no longer the ban's to put back. Logs it as `unban` or `unban-restore`,
    /// with `note` and how many comments came back. One transaction, which moves the site
    /// revision when a comment came back. [`StoreError::NotFound`] when there is no such
    /// account or it is deleted.
    pub async fn unban(
        &self,
        user: UserId,
        restore_comments: bool,
        moderator: Option<UserId>,
        note: &str,
        now: UnixSeconds,
    ) -> Result<BanOutcome, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        set_account_state(&mut tx, user, AccountState::Active).await?;
        let (action, outcome) = if restore_comments {
            let rows = sqlx::query(
                "UPDATE comments SET state = hidden_by_ban, hidden_by_ban = NULL \
                 WHERE user_id = $1 AND hidden_by_ban IS NOT NULL AND state = 'hidden' \
                 RETURNING target_kind, target_id",
            )
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
            ("unban-restore", outcome_of(&rows)?)
        } else {
            sqlx::query(
                "UPDATE comments SET hidden_by_ban = NULL \
                 WHERE user_id = $1 AND hidden_by_ban IS NOT NULL",
            )
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            ("unban", BanOutcome::default())
        };
        let note = with_count(note, "restored", restore_comments, outcome.comments);
        log_line(&mut *tx, moderator, action, None, Some(user), &note, now).await?;
        if outcome.comments > 0 {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// The banned accounts, the latest made first, at most `limit`, each with how many of its
    /// comments its ban hid.
    pub async fn banned(&self, limit: i64) -> Result<Vec<BannedAccount>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) FROM comments c WHERE c.user_id = users.id \
             AND c.hidden_by_ban IS NOT NULL) AS hidden_by_ban FROM users \
             WHERE state = 'banned' ORDER BY id DESC LIMIT $1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(BannedAccount {
                    user: user_from_row(row)?,
                    hidden_by_ban: row.try_get("hidden_by_ban")?,
                })
            })
            .collect()
    }
}

/// Moves an account to `state` unless it is deleted; [`StoreError::NotFound`] otherwise.
async fn set_account_state(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: UserId,
    state: AccountState,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET state = $2 WHERE id = $1 AND state <> 'deleted'")
        .bind(user.0)
        .bind(state.as_str())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("account {user}")));
    }
    Ok(())
}

/// The count and distinct pages of the comments an `UPDATE … RETURNING target_kind,
/// target_id` changed.
fn outcome_of(rows: &[AnyRow]) -> Result<BanOutcome, StoreError> {
    let mut seen = HashSet::new();
    for row in rows {
        let kind: String = row.try_get("target_kind")?;
        let id: i64 = row.try_get("target_id")?;
        let target = CommentTarget::from_parts(&kind, id)
            .ok_or_else(|| StoreError::NotFound(format!("comment target kind {kind:?}")))?;
        seen.insert(target);
    }
    let mut targets: Vec<CommentTarget> = seen.into_iter().collect();
    targets.sort_by_key(|t| (t.kind(), t.id()));
    Ok(BanOutcome {
        comments: rows.len() as u64,
        targets,
    })
}

/// The log's note: the moderator's `note`, and, when the action took the comments along,
/// how many it `verb`ed ("spam (hid 312 comments)").
fn with_count(note: &str, verb: &str, with_comments: bool, comments: u64) -> String {
    if !with_comments {
        return note.to_string();
    }
    let plural = if comments == 1 { "" } else { "s" };
    let count = format!("{verb} {comments} comment{plural}");
    if note.is_empty() {
        count
    } else {
        format!("{note} ({count})")
    }
}
