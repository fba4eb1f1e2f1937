//! An administrator's changes to existing sources: pausing and resuming them (one or many at
//! once, all or nothing), editing a source's name, section and feed address, and looking up
//! several sources at once for an action on all of them. Each change is written to the
//! moderation log in its own transaction.

use crate::StoreError;
use crate::id_list;
use crate::moderation::log_source_line;
use crate::revision;
use crate::sources::{COLUMNS, Sources, source_from_row};
use sqlx::Row;
use std::collections::BTreeSet;
use tidings_model::{Source, SourceId, UnixSeconds, UserId};

/// What an edit of a source changes; a field left `None` stays as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceEdit {
    /// The outlet's new name ("" lets the feed's own title name it at the next fetch).
    pub name: Option<String>,
    /// The new section: `Some(None)` files it under none.
    pub category: Option<Option<String>>,
    /// The new feed address, already checked by the caller as a new source's address is.
    pub url: Option<String>,
}

/// What [`Sources::edit`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    /// The source as it is now.
    pub source: Source,
    /// What changed, one phrase a change (`name "A" → "B"`); empty when nothing did.
    pub changes: Vec<String>,
}

/// `ids` without repeats, in order.
fn distinct(ids: &[SourceId]) -> Vec<SourceId> {
    let set: BTreeSet<i64> = ids.iter().map(|id| id.0).collect();
    set.into_iter().map(SourceId).collect()
}

/// The error for ids that name no source: `source 7, 9 not found`.
fn not_found(missing: &[SourceId]) -> StoreError {
    let list: Vec<String> = missing.iter().map(|id| id.0.to_string()).collect();
    StoreError::NotFound(format!("source {}", list.join(", ")))
}

/// A section for the log: its name, or "none".
fn section_words(category: Option<&str>) -> &str {
    category.unwrap_or("none")
}

impl Sources<'_> {
    /// The sources `ids` name, by id, each once; fails with [`StoreError::NotFound`] naming
    /// the ids that name no source when any does not, so that an action on several sources
    /// looks them all up first and a wrong id changes nothing.
    pub async fn several(&self, ids: &[SourceId]) -> Result<Vec<Source>, StoreError> {
        let ids = distinct(ids);
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM sources WHERE id IN ({}) ORDER BY id",
                id_list::in_list(chunk.iter().map(|id| id.0))
            ));
            for row in sqlx::query(sql).fetch_all(self.pool).await? {
                found.push(source_from_row(&row)?);
            }
        }
        let missing: Vec<SourceId> = ids
            .iter()
            .filter(|id| !found.iter().any(|s| s.id == **id))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(not_found(&missing));
        }
        Ok(found)
    }

    /// Pauses the sources `ids`: they are not fetched (the scheduler skips them, a fetch
    /// already queued does nothing) until resumed, and keep their articles. All of them or,
    /// when an id names no source ([`StoreError::NotFound`]), none. `source-pause` by
    /// `moderator` (`None`: the command line) is logged for each one that was not paused
    /// already, in the same transaction. Returns those.
    pub async fn pause(
        &self,
        ids: &[SourceId],
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<Vec<SourceId>, StoreError> {
        self.set_paused(ids, true, moderator, now).await
    }

    /// Resumes the paused sources among `ids`, each due for a fetch at once (at the
    /// scheduler's next tick); all or nothing as [`Sources::pause`], with `source-resume`
    /// logged for each one that was paused. Returns those.
    pub async fn resume(
        &self,
        ids: &[SourceId],
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<Vec<SourceId>, StoreError> {
        self.set_paused(ids, false, moderator, now).await
    }

    /// [`Sources::pause`] (`pause`) or [`Sources::resume`].
    async fn set_paused(
        &self,
        ids: &[SourceId],
        pause: bool,
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<Vec<SourceId>, StoreError> {
        let ids = distinct(ids);
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut missing = Vec::new();
        let mut changed = Vec::new();
        for id in &ids {
            let row = sqlx::query("SELECT url, paused_at FROM sources WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                missing.push(*id);
                continue;
            };
            let paused: Option<i64> = row.try_get("paused_at")?;
            if paused.is_some() != pause {
                changed.push((*id, row.try_get::<String, _>("url")?));
            }
        }
        if !missing.is_empty() {
            // Nothing was written: the transaction ends unused.
            return Err(not_found(&missing));
        }
        let (sql, action) = if pause {
            (
                "UPDATE sources SET paused_at = $2 WHERE id = $1",
                "source-pause",
            )
        } else {
            (
                "UPDATE sources SET paused_at = NULL, next_fetch_at = $2 WHERE id = $1",
                "source-resume",
            )
        };
        for (id, url) in &changed {
            sqlx::query(sql)
                .bind(id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let note = tidings_model::public_feed_url(url);
            log_source_line(&mut *tx, moderator, action, *id, &note, now).await?;
        }
        if !changed.is_empty() {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(changed.into_iter().map(|(id, _)| id).collect())
    }

    /// Edits source `id` as `edit` says, in one transaction with its `source-edit` line by
    /// `moderator` (`None`: the command line) saying what changed. A new feed address
    /// forgets the validators of the old one's conditional GET and makes the source due at
    /// once. Fails with [`StoreError::NotFound`] when there is no such source and with
    /// [`StoreError::AlreadyExists`] when another source has the new address; either changes
    /// nothing. An edit that changes nothing writes nothing.
    pub async fn edit(
        &self,
        id: SourceId,
        edit: &SourceEdit,
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<Edited, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM sources WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("source {id}")))?;
        let before = source_from_row(&row)?;
        let mut changes = Vec::new();
        if let Some(name) = edit.name.as_ref().filter(|n| **n != before.name) {
            sqlx::query("UPDATE sources SET name = $2 WHERE id = $1")
                .bind(id.0)
                .bind(name)
                .execute(&mut *tx)
                .await?;
            changes.push(format!("name {:?} → {name:?}", before.name));
        }
        if let Some(category) = edit.category.as_ref().filter(|c| **c != before.category) {
            sqlx::query("UPDATE sources SET category = $2 WHERE id = $1")
                .bind(id.0)
                .bind(category)
                .execute(&mut *tx)
                .await?;
            changes.push(format!(
                "section {} → {}",
                section_words(before.category.as_deref()),
                section_words(category.as_deref())
            ));
        }
        if let Some(url) = edit.url.as_ref().filter(|u| **u != before.url) {
            let taken = sqlx::query("SELECT id FROM sources WHERE url = $1 AND id <> $2")
                .bind(url)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::AlreadyExists(format!("source {url}")));
            }
            let done = sqlx::query(
                "UPDATE sources SET url = $2, etag = NULL, last_modified = NULL, \
                 next_fetch_at = $3 WHERE id = $1",
            )
            .bind(id.0)
            .bind(url)
            .bind(now)
            .execute(&mut *tx)
            .await;
            match done {
                Ok(_) => {}
                // Another process took the address since the check above.
                Err(err) if StoreError::is_unique_violation(&err) => {
                    return Err(StoreError::AlreadyExists(format!("source {url}")));
                }
                Err(err) => return Err(err.into()),
            }
            changes.push(format!(
                "feed {} → {}",
                before.public_url(),
                tidings_model::public_feed_url(url)
            ));
        }
        if changes.is_empty() {
            return Ok(Edited {
                source: before,
                changes,
            });
        }
        let note = changes.join("; ");
        log_source_line(&mut *tx, moderator, "source-edit", id, &note, now).await?;
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        let source = self
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("source {id}")))?;
        Ok(Edited { source, changes })
    }
}
