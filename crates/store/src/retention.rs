//! Data lifecycle: an article's full text is kept for a while, then only its metadata
//! (headline, standfirst, byline, outlet, link, times, story); optionally the article itself
//! goes after a longer while, and with it any story left without articles.
//!
//! Each call does one bounded batch (oldest first) in one transaction, with what must go
//! along (the comments on the deleted pages, the follows of deleted stories, the search
//! index's queue, the recount of the stories that lost articles and the queue of those to
//! understand again), so a purge of years of data never holds a long lock: the caller
//! repeats until a batch comes back short.

use crate::articles::ids_of;
use crate::{StoreError, orphans, revision};
use sqlx::{AnyPool, Row};
use tidings_model::{ArticleId, UnixSeconds};

/// Purges old data, batch by batch.
#[derive(Debug, Clone, Copy)]
pub struct Retention<'a> {
    pool: &'a AnyPool,
}

impl<'a> Retention<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Retention { pool }
    }

    /// Empties the body (text and HTML) of at most `limit` articles shown before `before`,
    /// oldest first, keeping every other field, and moves the site revision when it emptied
    /// any (their cached pages change). Returns their ids, so a search index can forget their
    /// text too.
    pub async fn strip_text(
        &self,
        before: UnixSeconds,
        limit: i64,
    ) -> Result<Vec<ArticleId>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let rows = sqlx::query(
            "UPDATE articles SET body_text = '', body_html = '' WHERE id IN \
             (SELECT id FROM articles WHERE sort_at < $1 AND (body_text <> '' OR body_html <> '') \
             ORDER BY sort_at, id LIMIT $2) RETURNING id",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let ids = ids_of(&rows)?;
        if !ids.is_empty() {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Deletes at most `limit` articles shown before `before`, oldest first, with their
    /// aliases, the comments on their pages and (on PostgreSQL) their search rows, and queues
    /// them for a search index kept elsewhere ([`crate::ForgottenArticles`]), in one
    /// transaction. The stories they were in are recounted as of `now` from the articles they
    /// keep, and each that keeps some is queued to be understood again
    /// ([`crate::StoriesToUnderstand`]): its summary quotes the deleted articles until then.
    /// The site revision moves when any went. Returns their ids.
    pub async fn delete_articles(
        &self,
        before: UnixSeconds,
        limit: i64,
        now: UnixSeconds,
    ) -> Result<Vec<ArticleId>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let rows = sqlx::query(
            "DELETE FROM articles WHERE id IN \
             (SELECT id FROM articles WHERE sort_at < $1 ORDER BY sort_at, id LIMIT $2) \
             RETURNING id, story_id",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let ids = ids_of(&rows)?;
        orphans::articles_deleted(&mut tx, &rows, now).await?;
        if !ids.is_empty() {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Deletes at most `limit` stories last updated before `before` that have no article
    /// left, with their links, insights and entity mentions, and the comments on their pages and
    /// the readers' follows of them, which no foreign key reaches.
    /// Returns how many stories it deleted.
    pub async fn delete_empty_stories(
        &self,
        before: UnixSeconds,
        limit: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let rows = sqlx::query(
            "DELETE FROM stories WHERE id IN (SELECT s.id FROM stories s WHERE s.last_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id) \
             ORDER BY s.id LIMIT $2) RETURNING id",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let ids = rows
            .iter()
            .map(|r| r.try_get::<i64, _>("id"))
            .collect::<Result<Vec<_>, _>>()?;
        orphans::forget_stories(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }
}
