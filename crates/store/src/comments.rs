//! The comments repository: comments on articles and stories, in threads (a reply names its
//! parent, which must be on the same page), with their Markdown source and the sanitised HTML
//! rendered from it (the web crate renders; this crate stores).

use crate::id_list;
use crate::{StoreError, revision};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::HashMap;
use tidings_model::{Comment, CommentId, CommentState, CommentTarget, Role, UnixSeconds, UserId};

/// A comment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    /// What it is written on.
    pub target: CommentTarget,
    /// The comment it answers.
    pub parent_id: Option<CommentId>,
    /// Its author.
    pub user_id: UserId,
    /// Its Markdown.
    pub body_source: String,
    /// Its rendered, sanitised HTML.
    pub body_html: String,
    /// `Visible`, or `Held` under pre-moderation.
    pub state: CommentState,
}

/// One of an account's own comments, as its data export lists it: in any state, with its
/// Markdown as stored ("" once deleted) and the page it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthoredComment {
    /// Its id.
    pub id: CommentId,
    /// What it is written on.
    pub target: CommentTarget,
    /// The title of that page (the article's or the story's), `None` once it is gone.
    pub target_title: Option<String>,
    /// The comment it answers, if it is a reply.
    pub parent_id: Option<CommentId>,
    /// The Markdown its author wrote ("" once deleted).
    pub body_source: String,
    /// Who sees it.
    pub state: CommentState,
    /// When it was written.
    pub created_at: UnixSeconds,
    /// When its author last edited it.
    pub edited_at: Option<UnixSeconds>,
}

/// One page of an account's comments (`$1`: the account, `$2` and `$3`: the time and id
/// after which the page starts, `$4`: its length), oldest first; see [`Comments::by_author`].
pub(crate) const BY_AUTHOR: &str = "SELECT c.id, c.target_kind, c.target_id, c.parent_id, \
     c.body_source, c.state, c.created_at, c.edited_at, \
     COALESCE(ar.title, s.title) AS target_title FROM comments c \
     LEFT JOIN articles ar ON c.target_kind = 'article' AND ar.id = c.target_id \
     LEFT JOIN stories s ON c.target_kind = 'story' AND s.id = c.target_id \
     WHERE c.user_id = $1 AND c.created_at >= $2 AND (c.created_at > $2 OR c.id > $3) \
     ORDER BY c.created_at, c.id LIMIT $4";

/// What makes a comment readable by everyone, as a condition on the comment `c`: the
/// visible-comment counts and the replies a reader is told about (see [`crate::Replies`]) use
/// this one rule.
pub(crate) const READABLE_BY_ALL: &str = "c.state = 'visible'";

/// Records, on the transaction that made comment `id` readable by everyone at site revision
/// `revision` (its insert, or a moderator's approval or restoring), that it first became
/// readable then; a comment that was readable before keeps its first revision (see
/// [`crate::Replies`]: a reply is new to the account it answers from that revision on).
async fn set_shown(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    revision: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE comments SET shown_revision = $2 WHERE id = $1 AND shown_revision IS NULL")
        .bind(id)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) const SELECT: &str = "SELECT c.id, c.target_kind, c.target_id, c.parent_id, \
     c.user_id, u.display_name, u.role AS author_role, c.body_source, c.body_html, c.state, c.created_at, c.edited_at, \
     (SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id \
      AND r.resolved_at IS NULL) AS reports \
     FROM comments c JOIN users u ON u.id = c.user_id";

/// Reads and writes comments.
#[derive(Debug, Clone, Copy)]
pub struct Comments<'a> {
    pool: &'a AnyPool,
}

impl<'a> Comments<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Comments { pool }
    }

    /// Stores a comment, and, when it is visible at once, moves the site revision in the same
    /// transaction (see [`crate::revision`]). The author must be an active account (not
    /// banned, not deleted), and a reply's parent must exist on the same target, else
    /// [`StoreError::NotFound`]; the reply is filed under the parent's author, whose replies
    /// ([`crate::Replies`]) it then is.
    pub async fn insert(
        &self,
        new: &NewComment,
        now: UnixSeconds,
    ) -> Result<CommentId, StoreError> {
        let mut reply_to = None;
        if let Some(parent) = new.parent_id {
            match self.get(parent).await? {
                Some(p) if p.target == new.target => reply_to = Some(p.user_id.0),
                _ => {
                    return Err(StoreError::NotFound(format!(
                        "comment {parent} on this page"
                    )));
                }
            }
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        // Only an active account comments. The check is a write that changes nothing, so it
        // holds the account's row until the comment is in: a ban ([`crate::Bans::ban`])
        // either comes first and the comment is refused, or waits and then hides it too.
        let active =
            sqlx::query("UPDATE users SET state = state WHERE id = $1 AND state = 'active'")
                .bind(new.user_id.0)
                .execute(&mut *tx)
                .await?;
        if active.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "an active account {}",
                new.user_id
            )));
        }
        let row = sqlx::query(
            "INSERT INTO comments (target_kind, target_id, parent_id, user_id, body_source, \
             body_html, state, created_at, reply_to_user_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(new.target.kind())
        .bind(new.target.id())
        .bind(new.parent_id.map(|p| p.0))
        .bind(new.user_id.0)
        .bind(&new.body_source)
        .bind(&new.body_html)
        .bind(new.state.as_str())
        .bind(now)
        .bind(reply_to)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        if new.state == CommentState::Visible {
            let shown = revision::bump(&mut *tx).await?;
            set_shown(&mut tx, id, shown).await?;
        }
        tx.commit().await?;
        Ok(CommentId(id))
    }

    /// One comment.
    pub async fn get(&self, id: CommentId) -> Result<Option<Comment>, StoreError> {
        let sql = format!("{SELECT} WHERE c.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        row.map(|r| comment_from_row(&r)).transpose()
    }

    /// Every comment on a target, in every state, oldest first (the web crate decides who
    /// sees what and builds the threads).
    pub async fn for_target(&self, target: CommentTarget) -> Result<Vec<Comment>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE c.target_kind = $1 AND c.target_id = $2 ORDER BY c.id LIMIT 5000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(target.kind())
            .bind(target.id())
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// How many comments on a target everyone can see.
    pub async fn count_visible(&self, target: CommentTarget) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM comments c WHERE c.target_kind = $1 \
             AND c.target_id = $2 AND {READABLE_BY_ALL}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(target.kind())
            .bind(target.id())
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// How many comments everyone can see on each of `targets` (a target without any is left
    /// out), in one statement per kind and 500 targets: the counts on a page of cards.
    pub async fn count_visible_on(
        &self,
        targets: &[CommentTarget],
    ) -> Result<HashMap<CommentTarget, i64>, StoreError> {
        let mut counts = HashMap::new();
        for kind in ["article", "story"] {
            let ids: Vec<i64> = targets
                .iter()
                .filter(|t| t.kind() == kind)
                .map(|t| t.id())
                .collect();
            for chunk in ids.chunks(id_list::CHUNK) {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT c.target_id, COUNT(*) AS n FROM comments c \
                     WHERE c.target_kind = $1 AND {READABLE_BY_ALL} AND c.target_id IN ({}) \
                     GROUP BY c.target_id",
                    id_list::in_list(chunk.iter().copied())
                ));
                for row in sqlx::query(sql).bind(kind).fetch_all(self.pool).await? {
                    if let Some(target) = CommentTarget::from_parts(kind, row.try_get("target_id")?)
                    {
                        counts.insert(target, row.try_get("n")?);
                    }
                }
            }
        }
        Ok(counts)
    }

    /// Replaces a comment's text, marking it edited, and moves the site revision.
    pub async fn edit(
        &self,
        id: CommentId,
        body_source: &str,
        body_html: &str,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query(
            "UPDATE comments SET body_source = $2, body_html = $3, edited_at = $4 \
             WHERE id = $1 AND state IN ('visible', 'held')",
        )
        .bind(id.0)
        .bind(body_source)
        .bind(body_html)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("editable comment {id}")));
        }
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a comment to another state, and the site revision with it. Deleting also drops
    /// its text. Whatever hid it before, it is no longer a ban's to put back (see
    /// [`crate::Bans`]): a moderator or its author decided about it since.
    pub async fn set_state(&self, id: CommentId, state: CommentState) -> Result<(), StoreError> {
        let sql = if state == CommentState::Deleted {
            "UPDATE comments SET state = $2, body_source = '', body_html = '', \
             hidden_by_ban = NULL WHERE id = $1"
        } else {
            "UPDATE comments SET state = $2, hidden_by_ban = NULL \
             WHERE id = $1 AND state <> 'deleted'"
        };
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query(sql)
            .bind(id.0)
            .bind(state.as_str())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("comment {id}")));
        }
        // The comment's row first, then the revision's: the order every other write that
        // changes comments takes them in.
        let revision = revision::bump(&mut *tx).await?;
        if state == CommentState::Visible {
            set_shown(&mut tx, id.0, revision).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An account's comments written since `since`, newest first, at most `limit` (for the
    /// spam heuristics: bursts and repeated text).
    pub async fn recent_by_user(
        &self,
        user: UserId,
        since: UnixSeconds,
        limit: i64,
    ) -> Result<Vec<Comment>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE c.user_id = $1 AND c.created_at >= $2 ORDER BY c.id DESC LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .bind(since)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// One page of the comments `user` wrote, in every state, oldest first (by time written,
    /// then id): at most `limit` after `after`, the `(created_at, id)` of the last comment of
    /// the previous page (`None` for the first page). A keyset over the index
    /// `comments_by_user (user_id, created_at)`, so each page costs its own rows only.
    pub async fn by_author(
        &self,
        user: UserId,
        after: Option<(UnixSeconds, CommentId)>,
        limit: i64,
    ) -> Result<Vec<AuthoredComment>, StoreError> {
        let (after_at, after_id) = after.map_or((i64::MIN, i64::MIN), |(at, id)| (at, id.0));
        let rows = sqlx::query(BY_AUTHOR)
            .bind(user.0)
            .bind(after_at)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("target_kind")?;
                let target_id: i64 = row.try_get("target_id")?;
                let state: String = row.try_get("state")?;
                let parent: Option<i64> = row.try_get("parent_id")?;
                Ok(AuthoredComment {
                    id: CommentId(row.try_get("id")?),
                    target: CommentTarget::from_parts(&kind, target_id).ok_or_else(|| {
                        StoreError::NotFound(format!("comment target kind {kind:?}"))
                    })?,
                    target_title: row.try_get("target_title")?,
                    parent_id: parent.map(CommentId),
                    body_source: row.try_get("body_source")?,
                    state: CommentState::parse(&state).unwrap_or(CommentState::Hidden),
                    created_at: row.try_get("created_at")?,
                    edited_at: row.try_get("edited_at")?,
                })
            })
            .collect()
    }

    /// The latest comments in one state (e.g. hidden ones, for moderators to restore),
    /// newest first.
    pub async fn in_state(
        &self,
        state: CommentState,
        limit: i64,
    ) -> Result<Vec<Comment>, StoreError> {
        let sql = format!("{SELECT} WHERE c.state = $1 ORDER BY c.id DESC LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(state.as_str())
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// How many comments exist in all.
    pub async fn count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM comments")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

pub(crate) fn comment_from_row(row: &AnyRow) -> Result<Comment, StoreError> {
    let kind: String = row.try_get("target_kind")?;
    let target_id: i64 = row.try_get("target_id")?;
    let state: String = row.try_get("state")?;
    let parent: Option<i64> = row.try_get("parent_id")?;
    Ok(Comment {
        id: CommentId(row.try_get("id")?),
        target: CommentTarget::from_parts(&kind, target_id)
            .ok_or_else(|| StoreError::NotFound(format!("comment target kind {kind:?}")))?,
        parent_id: parent.map(CommentId),
        user_id: UserId(row.try_get("user_id")?),
        author: row.try_get("display_name")?,
        author_role: Role::parse(&row.try_get::<String, _>("author_role")?).unwrap_or(Role::Reader),
        body_source: row.try_get("body_source")?,
        body_html: row.try_get("body_html")?,
        state: CommentState::parse(&state).unwrap_or(CommentState::Hidden),
        created_at: row.try_get("created_at")?,
        edited_at: row.try_get("edited_at")?,
        reports: row.try_get("reports")?,
    })
}
