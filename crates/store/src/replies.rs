//! The replies repository: the replies to one account's comments, newest first, which of
//! them are new to it, and how many.
//!
//! Each reply is filed under the account it answers when it is written
//! (`comments.reply_to_user_id`, the parent's author), and numbered by when it first became
//! readable by everyone (`comments.shown_revision`: the site revision of its insert, or of
//! the moderator's approval of a held one). An account keeps the revision up to which it has
//! seen its replies (`users.replies_seen_revision`), moved only by [`Replies::mark_seen`]
//! (the "Mark all as seen" button of `/replies`, a `POST`). A reply is new while its
//! revision is above that mark, whenever it was written: one approved after newer ones were
//! seen is new too. Revisions are given under the revision row's lock and commit in order
//! (see [`crate::revision`]), so no reply can appear below a mark already set.
//!
//! An account's replies are one range of the index
//! `comments_replies_shown (reply_to_user_id, shown_revision)`: the unread count reads only
//! the replies above the mark (and at most [`UNREAD_CAP`] of them), and the list reads one
//! page of the range backwards. The state is one number per account and one per comment, so
//! it costs nothing as replies accumulate.
//!
//! A reply is told about when everyone may read it ([`crate::comments::READABLE_BY_ALL`],
//! the rule the comment counts use: not held, hidden or deleted), its author is an active
//! account (not banned by the moderators, not deleted), and it does not answer its author's
//! own comment. [`SHOWN`] is that rule, written once for the list, the count and the mark.

use crate::StoreError;
use crate::comments::READABLE_BY_ALL;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::sync::LazyLock;
use tidings_model::{CommentId, CommentState, CommentTarget, Role, UnixSeconds, UserId};

/// The unread count stops here: the cost of a count is bounded by it however long a reader
/// stayed away, and a header shows "99+" from 100 on.
pub const UNREAD_CAP: i64 = 100;

/// One reply to one of the account's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The reply.
    pub id: CommentId,
    /// The page it is on.
    pub target: CommentTarget,
    /// The title of that page (the article's or the story's), `None` once it is gone.
    pub target_title: Option<String>,
    /// Its author's display name.
    pub author: String,
    /// Its author's role (admins' and moderators' replies carry a staff badge).
    pub author_role: Role,
    /// Its rendered, sanitised HTML.
    pub body_html: String,
    /// When it was written.
    pub created_at: UnixSeconds,
    /// When its author last edited it.
    pub edited_at: Option<UnixSeconds>,
    /// The account's comment it answers.
    pub parent_id: CommentId,
    /// That comment's Markdown ("" once deleted).
    pub parent_source: String,
    /// That comment's state.
    pub parent_state: CommentState,
    /// Whether the account has not marked it seen yet.
    pub unseen: bool,
}

/// The replies an account is told about, as a condition on the reply `c` and its author `a`
/// (`users a ON a.id = c.user_id`). The list, the unread count, the mark and the newest
/// seen reply all use it.
static SHOWN: LazyLock<String> = LazyLock::new(|| {
    format!("{READABLE_BY_ALL} AND a.state = 'active' AND c.user_id <> c.reply_to_user_id")
});

/// Replies to an account's comments.
#[derive(Debug, Clone, Copy)]
pub struct Replies<'a> {
    pool: &'a AnyPool,
}

impl<'a> Replies<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Replies { pool }
    }

    /// The replies to `user`'s comments, newest first (by when they became readable by
    /// everyone, so a reply approved late comes first): `limit` of them after skipping
    /// `offset`, each marked whether it is unseen.
    pub async fn list(
        &self,
        user: UserId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Reply>, StoreError> {
        let sql = format!(
            "SELECT c.id, c.target_kind, c.target_id, c.body_html, c.created_at, c.edited_at, \
             a.display_name AS author, a.role AS author_role, p.id AS parent_id, p.body_source AS parent_source, \
             p.state AS parent_state, COALESCE(ar.title, s.title) AS target_title, \
             CASE WHEN c.shown_revision > (SELECT replies_seen_revision FROM users \
             WHERE id = $1) THEN 1 ELSE 0 END AS unseen \
             FROM comments c JOIN users a ON a.id = c.user_id \
             JOIN comments p ON p.id = c.parent_id \
             LEFT JOIN articles ar ON c.target_kind = 'article' AND ar.id = c.target_id \
             LEFT JOIN stories s ON c.target_kind = 'story' AND s.id = c.target_id \
             WHERE c.reply_to_user_id = $1 AND {} \
             ORDER BY c.shown_revision DESC, c.id DESC LIMIT $2 OFFSET $3",
            *SHOWN
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(reply_from_row).collect()
    }

    /// How many replies to `user`'s comments are unseen, counted up to [`UNREAD_CAP`] (a
    /// reader away for long gets that many, not the exact number): one statement, an index
    /// range over at most that many unseen replies.
    pub async fn unread(&self, user: UserId) -> Result<i64, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(unread_sql()))
            .bind(user.0)
            .bind(UNREAD_CAP)
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The revision of the newest reply to `user`'s comments that is shown now (0 for
    /// none): what a page listing them all passes to [`Replies::mark_seen`].
    pub async fn newest_shown(&self, user: UserId) -> Result<i64, StoreError> {
        // The index range read backwards, to the first reply shown.
        let sql = format!(
            "SELECT c.shown_revision FROM comments c JOIN users a ON a.id = c.user_id \
             WHERE c.reply_to_user_id = $1 AND {} \
             ORDER BY c.shown_revision DESC LIMIT 1",
            *SHOWN
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .fetch_optional(self.pool)
            .await?;
        match row {
            Some(row) => Ok(row
                .try_get::<Option<i64>, _>("shown_revision")?
                .unwrap_or(0)),
            None => Ok(0),
        }
    }

    /// Marks seen every reply to `user`'s comments up to revision `up_to` (what
    /// [`Replies::newest_shown`] said when the reader was shown them, so a reply that arrived
    /// since stays new), but never past the newest shown now, and never down (a reply hidden
    /// since does not bring older ones back). Returns whether the mark moved.
    pub async fn mark_seen(&self, user: UserId, up_to: i64) -> Result<bool, StoreError> {
        let mark = up_to.min(self.newest_shown(user).await?);
        let done = sqlx::query(
            "UPDATE users SET replies_seen_revision = $2 \
             WHERE id = $1 AND replies_seen_revision < $2",
        )
        .bind(user.0)
        .bind(mark)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The newest reply to `user`'s comments, of those shown now, that they have marked seen
    /// (by when it became readable), if any: what their data export names.
    pub async fn newest_seen(&self, user: UserId) -> Result<Option<CommentId>, StoreError> {
        let sql = format!(
            "SELECT c.id FROM comments c JOIN users a ON a.id = c.user_id \
             WHERE c.reply_to_user_id = $1 \
             AND c.shown_revision <= (SELECT replies_seen_revision FROM users WHERE id = $1) \
             AND {} ORDER BY c.shown_revision DESC, c.id DESC LIMIT 1",
            *SHOWN
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .fetch_optional(self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(CommentId(row.try_get("id")?))),
            None => Ok(None),
        }
    }
}

/// The unread count's statement (`$1`: the account, `$2`: the cap).
pub(crate) fn unread_sql() -> String {
    format!(
        "SELECT COUNT(*) AS n FROM (SELECT c.id FROM comments c \
         JOIN users a ON a.id = c.user_id WHERE c.reply_to_user_id = $1 \
         AND c.shown_revision > (SELECT replies_seen_revision FROM users WHERE id = $1) AND {} \
         LIMIT $2) unseen",
        *SHOWN
    )
}

fn reply_from_row(row: &AnyRow) -> Result<Reply, StoreError> {
    let kind: String = row.try_get("target_kind")?;
    let target_id: i64 = row.try_get("target_id")?;
    let parent_state: String = row.try_get("parent_state")?;
    Ok(Reply {
        id: CommentId(row.try_get("id")?),
        target: CommentTarget::from_parts(&kind, target_id)
            .ok_or_else(|| StoreError::NotFound(format!("comment target kind {kind:?}")))?,
        target_title: row.try_get("target_title")?,
        author: row.try_get("author")?,
        author_role: Role::parse(&row.try_get::<String, _>("author_role")?).unwrap_or(Role::Reader),
        body_html: row.try_get("body_html")?,
        created_at: row.try_get("created_at")?,
        edited_at: row.try_get("edited_at")?,
        parent_id: CommentId(row.try_get("parent_id")?),
        parent_source: row.try_get("parent_source")?,
        parent_state: CommentState::parse(&parent_state).unwrap_or(CommentState::Hidden),
        unseen: row.try_get::<i64, _>("unseen")? != 0,
    })
}
