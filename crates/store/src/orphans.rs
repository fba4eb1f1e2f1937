//! What must go with deleted articles and stories that no foreign key reaches: the comments
//! on their pages (a comment names its page by kind and id, since it may be either), the
//! readers' follows of a story (a follow names its target as text), and the search index's
//! documents (outside the database on SQLite: each deleted article is queued for the indexer,
//! see [`ForgottenArticles`]). SQLite gives the id of a deleted highest row to the next one, so
//! anything left behind would turn up on an unrelated new page.
//!
//! Each function runs inside the caller's transaction, beside the deletion itself.

use crate::id_list::{CHUNK, in_list};
use crate::{FollowKind, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::BTreeSet;
use tidings_model::{ArticleId, UnixSeconds};

/// What follows a deletion of articles, in the deleting transaction: each row read of them
/// (`id`, `story_id`) is forgotten ([`forget_articles`]); the stories they were in are
/// recounted as of `now` from the articles they keep, and those that keep some are queued to
/// be understood again ([`crate::StoriesToUnderstand`]). Returns those stories, by id.
pub(crate) async fn articles_deleted(
    conn: &mut AnyConnection,
    rows: &[AnyRow],
    now: UnixSeconds,
) -> Result<Vec<i64>, StoreError> {
    let mut articles = Vec::with_capacity(rows.len());
    let mut stories = BTreeSet::new();
    for row in rows {
        articles.push(row.try_get::<i64, _>("id")?);
        if let Some(story) = row.try_get::<Option<i64>, _>("story_id")? {
            stories.insert(story);
        }
    }
    forget_articles(conn, &articles).await?;
    let stories: Vec<i64> = stories.into_iter().collect();
    for &story in &stories {
        crate::stories::refresh_aggregates(conn, story, now).await?;
    }
    crate::stories_to_understand::queue_survivors(conn, &stories).await?;
    Ok(stories)
}

/// Deletes the comments on the pages of the deleted articles `ids`, queues the articles for
/// the search index to drop, and gives their surviving copies a new original (see
/// [`promote_copies`]).
pub(crate) async fn forget_articles(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(CHUNK) {
        delete_comments_on(conn, "article", chunk).await?;
        promote_copies(conn, chunk).await?;
        let rows = chunk
            .iter()
            .map(|id| format!("({id})"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO forgotten_articles (article_id) VALUES {rows} \
             ON CONFLICT (article_id) DO NOTHING"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The copies of the deleted articles `ids` that are left (another outlet's run of the same
/// wire text): the earliest of each becomes the text's original and the others its copies.
/// Left pointing at a deleted article, they would lose their text from the story's summary
/// and lead (which read originals only), and on SQLite, which gives a deleted highest id to
/// the next article, turn up as copies of an unrelated one.
async fn promote_copies(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT id, duplicate_of FROM articles WHERE duplicate_of IN ({}) \
         ORDER BY duplicate_of, sort_at, id",
        in_list(ids.iter().copied())
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    // The copies of each deleted original, earliest first.
    let mut groups: Vec<(i64, Vec<i64>)> = Vec::new();
    for row in &rows {
        let (copy, gone): (i64, i64) = (row.try_get("id")?, row.try_get("duplicate_of")?);
        match groups.last_mut() {
            Some((original, members)) if *original == gone => members.push(copy),
            _ => groups.push((gone, vec![copy])),
        }
    }
    for (_, members) in groups {
        let Some(&first) = members.first() else {
            continue;
        };
        let sql = format!(
            "UPDATE articles SET duplicate_of = CASE WHEN id = {first} THEN NULL ELSE {first} END \
             WHERE id IN ({})",
            in_list(members.iter().copied())
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes the comments on the pages of the deleted stories `ids` and the readers' follows
/// of them.
pub(crate) async fn forget_stories(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(CHUNK) {
        delete_comments_on(conn, "story", chunk).await?;
        // A follow's target is text ('12'), so the ids are written as string literals.
        let targets = chunk
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!("DELETE FROM follows WHERE kind = $1 AND target IN ({targets})");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(FollowKind::Story.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes every comment on the pages of kind `kind` (`article` or `story`) and ids `ids`,
/// with their replies and reports.
async fn delete_comments_on(
    conn: &mut AnyConnection,
    kind: &'static str,
    ids: &[i64],
) -> Result<(), StoreError> {
    let sql = format!(
        "DELETE FROM comments WHERE target_kind = $1 AND target_id IN ({})",
        in_list(ids.iter().copied())
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The queue of deleted articles the search index has still to drop: written in the
/// transaction that deletes them, drained by the process that indexes.
#[derive(Debug, Clone, Copy)]
pub struct ForgottenArticles<'a> {
    pool: &'a AnyPool,
}

impl<'a> ForgottenArticles<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        ForgottenArticles { pool }
    }

    /// At most `limit` queued articles, lowest id first.
    pub async fn pending(&self, limit: i64) -> Result<Vec<ArticleId>, StoreError> {
        let rows =
            sqlx::query("SELECT article_id FROM forgotten_articles ORDER BY article_id LIMIT $1")
                .bind(limit)
                .fetch_all(self.pool)
                .await?;
        rows.iter()
            .map(|row| Ok(ArticleId(row.try_get("article_id")?)))
            .collect()
    }

    /// Takes `ids` off the queue, once the index has dropped them for good.
    pub async fn done(&self, ids: &[ArticleId]) -> Result<(), StoreError> {
        for chunk in ids.chunks(CHUNK) {
            let list = in_list(chunk.iter().map(|id| id.0));
            let sql = format!("DELETE FROM forgotten_articles WHERE article_id IN ({list})");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(self.pool)
                .await?;
        }
        Ok(())
    }
}
