//! Folding a source into the one that already reads its feed: what happens when a source's
//! address turns out (by feed discovery or a permanent redirect) to be a feed another source
//! reads. Its readers follow the other source instead, and the empty duplicate goes.

use crate::StoreError;
use crate::moderation::log_source_line;
use crate::revision;
use crate::sources::Sources;
use sqlx::Row;
use tidings_model::{SourceId, UnixSeconds};

impl Sources<'_> {
    /// Folds source `from` into `into`, which reads the feed `from` turned out to be, in one
    /// transaction: every subscription to `from` moves to `into` with its folder and its own
    /// title (a reader who already follows `into` keeps that subscription, taking the title
    /// it gave `from` when it gave `into` none); readers who hid `from` hide `into`; `from`
    /// is removed; `into`, if it waited for review while `from` did not, is approved (the
    /// feed was accepted under the other address); and `source-merge` is logged without a
    /// moderator (the fetcher did it), naming both addresses. Returns how many subscriptions
    /// moved, or `None`, changing nothing, when `from` has articles (its own history stays
    /// where it is), when either source is missing, or when they are one source.
    pub async fn merge_into(
        &self,
        from: SourceId,
        into: SourceId,
        now: UnixSeconds,
    ) -> Result<Option<u64>, StoreError> {
        if from == into {
            return Ok(None);
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut urls = Vec::with_capacity(2);
        for id in [from, into] {
            let row = sqlx::query("SELECT url FROM sources WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(row) => urls.push(row.try_get::<String, _>("url")?),
                None => return Ok(None),
            }
        }
        let articles: i64 = sqlx::query("SELECT COUNT(*) AS n FROM articles WHERE source_id = $1")
            .bind(from.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if articles > 0 {
            return Ok(None);
        }
        // A reader who follows both keeps the subscription to `into`, with its own title
        // for `from` when it gave `into` none.
        sqlx::query(
            "UPDATE subscriptions SET title = (SELECT f.title FROM subscriptions f \
             WHERE f.user_id = subscriptions.user_id AND f.source_id = $1) \
             WHERE source_id = $2 AND title IS NULL AND user_id IN \
             (SELECT user_id FROM subscriptions WHERE source_id = $1 AND title IS NOT NULL)",
        )
        .bind(from.0)
        .bind(into.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM subscriptions WHERE source_id = $1 AND user_id IN \
             (SELECT user_id FROM subscriptions WHERE source_id = $2)",
        )
        .bind(from.0)
        .bind(into.0)
        .execute(&mut *tx)
        .await?;
        let moved = sqlx::query("UPDATE subscriptions SET source_id = $2 WHERE source_id = $1")
            .bind(from.0)
            .bind(into.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let (from_key, into_key) = (from.0.to_string(), into.0.to_string());
        sqlx::query(
            "UPDATE hidden_things SET target = $2 WHERE kind = 'source' AND target = $1 \
             AND user_id NOT IN (SELECT user_id FROM hidden_things \
             WHERE kind = 'source' AND target = $2)",
        )
        .bind(&from_key)
        .bind(&into_key)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM hidden_things WHERE kind = 'source' AND target = $1")
            .bind(&from_key)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sources SET pending_since = NULL, requested_by = NULL, next_fetch_at = $3 \
             WHERE id = $2 AND pending_since IS NOT NULL \
             AND (SELECT pending_since FROM sources WHERE id = $1) IS NULL",
        )
        .bind(from.0)
        .bind(into.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        crate::websub::record_unsubscribe(&mut tx, from, now).await?;
        sqlx::query("DELETE FROM sources WHERE id = $1")
            .bind(from.0)
            .execute(&mut *tx)
            .await?;
        let plural = if moved == 1 { "" } else { "s" };
        let note = format!(
            "{} is {}, which source {into} reads; {moved} subscription{plural} moved there",
            tidings_model::public_feed_url(&urls[0]),
            tidings_model::public_feed_url(&urls[1]),
        );
        log_source_line(&mut *tx, None, "source-merge", from, &note, now).await?;
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(moved))
    }
}
